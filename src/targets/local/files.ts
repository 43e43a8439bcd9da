// The local target's files: every path, the hash it is made from, and how to produce its bytes.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { type Zippable, zipSync } from 'fflate';
import type { DesiredWorkspace } from '../../blueprint/desired.js';
import { PnError } from '../../platform/errors.js';
import { APPS_SCRIPT_BUNDLE, APPS_SCRIPT_MANIFEST } from '../../platform/paths.js';
import { EXAMPLE_REPORT_FILE, exampleReport, REPORT_LAYOUT_VERSION } from '../../workflows/report/example.js';
import { notionExportFiles } from './notion-export.js';
import type { DesiredFileRef } from './plan.js';
import { workbookToXlsx } from './xlsx.js';

export interface LocalFile extends DesiredFileRef {
  produce: () => Promise<Buffer>;
}

export const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

function textFile(path: string, text: string): LocalFile {
  const bytes = Buffer.from(text, 'utf8');
  const hash = sha256(bytes);
  return { path, sourceHash: hash, contentHash: hash, produce: async () => bytes };
}

/** Zip entries carry a fixed date so the archive's bytes depend only on its contents. */
const ZIP_DATE = new Date(Date.UTC(2026, 0, 1));

function manualStepsMarkdown(ws: DesiredWorkspace): string {
  const section = (title: string, target: string) => [
    `## ${title}`,
    '',
    ...ws.manualSteps.filter((s) => s.target === target).map((s, i) => `${i + 1}. ${s.step}`),
    '',
  ];
  return [
    '# Manual steps',
    '',
    `This folder holds ${ws.hub.title} for ${ws.config.company.name}, installed locally because no Notion or Google credentials were set. Bring it into your tools by hand as below, or run \`partnernomics login notion\` / \`login google\` and install again with \`--target notion\`, \`sheets\` or \`all\`.`,
    '',
    ...section('Import into Notion and Google Sheets', 'local'),
    ...section('After any Notion install (the API cannot do these)', 'notion'),
    ...section('After any Google Sheets install', 'sheets'),
  ].join('\n');
}

function readBundle(path: string): Buffer {
  if (!existsSync(path)) {
    throw new PnError('INTERNAL', `the Apps Script bundle is missing at ${path}`, {
      hint: 'run `npm run build` (npm install runs it for you)',
    });
  }
  return readFileSync(path);
}

export function localFiles(ws: DesiredWorkspace): LocalFile[] {
  const notion = notionExportFiles(ws);
  const files: LocalFile[] = [...notion].map(([path, text]) => textFile(`notion/${path}`, text));
  const zipSource = sha256(files.map((f) => `${f.path}:${f.sourceHash}`).join('\n'));
  files.push({
    path: 'notion-import.zip',
    sourceHash: zipSource,
    produce: async () => {
      const entries: Zippable = {};
      for (const [path, text] of notion) entries[path] = [Buffer.from(text, 'utf8'), { mtime: ZIP_DATE }];
      return Buffer.from(zipSync(entries, { level: 6 }));
    },
  });
  files.push({
    path: 'Partnernomics.xlsx',
    sourceHash: sha256(JSON.stringify(ws.workbook)),
    produce: () => workbookToXlsx(ws.workbook),
  });
  const bundle = readBundle(APPS_SCRIPT_BUNDLE);
  files.push({
    path: 'apps-script/Code.js',
    sourceHash: sha256(bundle),
    contentHash: sha256(bundle),
    produce: async () => bundle,
  });
  files.push(textFile('apps-script/appsscript.json', readFileSync(APPS_SCRIPT_MANIFEST, 'utf8')));
  files.push(textFile('MANUAL-STEPS.md', manualStepsMarkdown(ws)));
  // The leadership report of the example rows, so a newcomer sees the program's dashboard, not only reads about it.
  files.push({
    path: EXAMPLE_REPORT_FILE,
    sourceHash: sha256(
      `report:${REPORT_LAYOUT_VERSION}:${JSON.stringify([ws.workbook, ws.config.company.name])}`,
    ),
    produce: async () => Buffer.from((await exampleReport(ws)).html, 'utf8'),
  });
  return files;
}
