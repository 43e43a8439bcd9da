// The manual-import zip against what Notion says about importing a zip and about its own "Markdown & CSV" export,
// which Notion's importer (Settings → Import → Text & Markdown, given the zip) turns back into one page with its
// databases and pages.
//
// Notion's own help, and the rule each assertion below holds the zip to. The help pages themselves are not in the
// stored reference corpus (searched, in the docs and pages corpora: "Notion import Markdown CSV zip",
// "notion.com/help/import-data-into-notion", "Notion export Markdown & CSV folder structure", and "Notion help
// export your content"); the rules are taken from public notes that cite these addresses and quote them (in
// quotation marks below) or paraphrase them (without). Nothing here has been checked against a real import.
//
// - https://www.notion.com/help/import-data-into-notion
//   N1. a ZIP's CSV (XLSX, TSV, ODS) files import as databases; "Rows import as pages. Columns import as
//       properties." → every CSV in the zip is one of the workspace's databases, one row per seeded row;
//   N2. the first row of a CSV is the header; use UTF-8 → each CSV's first row is exactly its database's
//       columns, and its bytes are valid UTF-8;
//   N3. relations, rollups and formulas are not created on import → no formula or rollup columns (they would
//       arrive as text), relations arrive as the related titles, and the Database reference page and
//       MANUAL-STEPS.md name each one to add by hand;
//   N4. "Imports add rows. They don't update existing rows, so watch for duplicates." → MANUAL-STEPS.md imports
//       the zip once and says a second import makes a second copy;
//   N5. CSV and ZIP imports are one file at a time → one zip, imported alone ("Import nothing else");
//   N6. 5 MB per file on the Free plan (50 MB on paid plans) → the zip of all six types is under 5 MB;
//   N7. a title does not support formatting → no Markdown markup in any row title.
//   The same notes record that dates import as MM/DD/YYYY; the export writes ISO dates (YYYY-MM-DD) and the
//   property types are set after the import (MANUAL-STEPS.md step 2). Not asserted: unverified either way.
// - https://www.notion.com/help/export-your-content
//   N8. ••• → Export → Markdown & CSV; a full-page database exports as a CSV plus one .md per page → a database's
//       row pages sit in a folder beside its CSV.
//
// Where Notion's help is silent — names, folders, a page's first lines and link encoding inside the zip — the
// layout below rests on third-party readers of real exports:
// - every page and database is named "<title> <32 hex ID>" (`My tasks 6db51a77742b4b11bedb1f0e02e27af8.md`,
//   `Projects 58b8977d6e4444a98ec4d64176a071e5.csv`);
// - a page's children sit in a folder named exactly like its file without `.md`, a database's row pages in a
//   folder named like its CSV without `.csv`;
// - a page file starts with `# <title>` and a blank line; a row page's title is its row's title-column value;
// - a page links its sub-pages and databases by relative path, each segment percent-encoded.
// Sources: AppFlowy-Collab's importer for Notion's zip, collab-importer/src/notion/walk_dir.rs (a folder pairs
// with a sibling `<name>.md` or `<name>.csv`/`<name>_all.csv`; the `<title> <32 hex>` pattern; links
// percent-decoded and split into `<name> <id>` segments; a row page is `# <title>`, a blank line, then its body);
// jimmy's Notion converter, src/formats/notion.py (IDs on files and folders; first line the title, second blank);
// OpenKnowledge's Notion migration guide, https://openknowledge.ai/docs/migrate/notion (a database exports as a
// stub page, a `<name>_all.csv` and a folder of one page per row: the `_all` name is what an export of all of a
// database's rows is called; the importer reads either).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import type { DesiredWorkspace } from '../../src/blueprint/desired.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { PARTNERSHIP_TYPE_NAMES, PARTNERSHIP_TYPES } from '../../src/domain/types.js';
import { notionExportFiles } from '../../src/targets/local/notion-export.js';
import { cli, tempDir } from '../helpers.js';

const ID = /^(.+) ([0-9a-f]{32})$/;
/** The property types a CSV import cannot create (N3), as the Database reference page introduces each one. */
const NOT_IMPORTED: Partial<Record<string, string>> = {
  relation: 'Relation to',
  formula: 'Formula:',
  rollup: 'Rollup:',
};
const bp = loadBlueprint();
const START = '2027-01-04';
const build = (raw: Record<string, unknown>) => compile(bp, parseConfig(raw, 'test', START));

/** Relative Markdown link targets in a page: [text](target), skipping web and mail links. */
function links(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((t) => !/^[a-z]+:/i.test(t) && !t.startsWith('#'));
}

/** Asserts a set of export paths has the documented layout; returns the hub's file and folder names. */
function checkLayout(paths: string[]): { hubFile: string; hubDir: string } {
  const top = paths.filter((p) => !p.includes('/'));
  expect(top, 'one top-level file: the hub page').toHaveLength(1);
  const hubFile = top[0]!;
  expect(hubFile).toMatch(/\.md$/);
  const hubDir = hubFile.slice(0, -'.md'.length);
  expect(hubDir).toMatch(ID);
  const folders = new Set<string>();
  for (const path of paths) {
    if (path === hubFile) continue;
    expect(path.startsWith(`${hubDir}/`), `${path} is inside the hub's folder`).toBe(true);
    const segments = path.split('/');
    for (let i = 1; i < segments.length; i++) folders.add(segments.slice(0, i).join('/'));
    for (const segment of segments.slice(0, -1)) expect(segment, `folder ${segment}`).toMatch(ID);
    const file = segments.at(-1)!;
    expect(file, path).toMatch(/\.(md|csv)$/);
    expect(file.replace(/\.(md|csv)$/, ''), path).toMatch(ID);
  }
  // Every folder is the children of a page (sibling .md) or the row pages of a database (sibling .csv).
  for (const folder of folders) {
    const owner = paths.includes(`${folder}.md`) || paths.includes(`${folder}.csv`);
    expect(owner, `folder ${folder} has a page or database of the same name`).toBe(true);
  }
  // Every CSV is a database directly under the hub; every page below it belongs to the hub or a database.
  for (const path of paths.filter((p) => p.endsWith('.csv'))) expect(posix.dirname(path), path).toBe(hubDir);
  for (const path of paths.filter((p) => p.endsWith('.md') && p !== hubFile)) {
    const parent = posix.dirname(path);
    expect(
      parent === hubDir || paths.includes(`${parent}.csv`),
      `${path} sits under the hub or a database`,
    ).toBe(true);
  }
  const ids = paths.map(
    (p) =>
      ID.exec(
        p
          .split('/')
          .at(-1)!
          .replace(/\.(md|csv)$/, ''),
      )![2],
  );
  expect(new Set(ids).size, 'every page and database has its own ID').toBe(ids.length);
  return { hubFile, hubDir };
}

function checkExport(ws: DesiredWorkspace, files: Map<string, string>): void {
  const paths = [...files.keys()];
  const { hubFile, hubDir } = checkLayout(paths);
  expect(files.get(hubFile)!.split('\n').slice(0, 2)).toEqual([`# ${ws.hub.title}`, '']);

  // N1: every CSV imports as a database, so the CSVs are exactly the workspace's databases, one line per row.
  const csvs = paths.filter((p) => p.endsWith('.csv'));
  expect(csvs.map((p) => ID.exec(posix.basename(p, '.csv'))![1]).sort()).toEqual(
    ws.databases.map((d) => d.title.replace(/[\\/:*?"<>|]/g, '-')).sort(),
  );
  const reference = files.get(paths.find((p) => /^Database reference /.test(posix.basename(p)))!)!;
  for (const db of ws.databases) {
    const csv = csvs.find((p) => ID.exec(posix.basename(p, '.csv'))![1] === db.title)!;
    expect(csv, db.title).toBeDefined();
    const [header, ...rows] = parseCsv(files.get(csv)!) as string[][];
    // N2 and N3: the first row is the header, title column first; no formula or rollup column.
    const columns = db.properties.filter((p) => p.type !== 'formula' && p.type !== 'rollup');
    expect(header, db.title).toEqual(columns.map((p) => p.name));
    expect(header![0]).toBe(db.properties.find((p) => p.type === 'title')!.name);
    expect(rows.map((r) => r[0])).toEqual(db.rows.map((r) => r.title));
    // N7: titles take no formatting, so none carries Markdown markup.
    for (const row of rows) expect(row[0], db.title).not.toMatch(/\*\*|__|`|\]\(|^#|^\s|\s$/);
    // N3: what the import cannot create is named, with its type, on the Database reference page.
    const section = reference.split(/^## /m).find((s) => s.startsWith(`${db.title}\n`));
    expect(section, `${db.title} on the Database reference page`).toBeDefined();
    for (const p of db.properties) {
      const kind = NOT_IMPORTED[p.type];
      if (kind)
        expect(section, `${db.title}: ${p.name}`).toContain(`| ${p.name.replace(/\|/g, '\\|')} | ${kind}`);
    }
    // N8, each row page: in the folder beside its database's CSV, titled like its row, then a blank line.
    const pages = paths.filter((p) => posix.dirname(p) === csv.slice(0, -'.csv'.length));
    expect(pages).toHaveLength(db.rows.filter((r) => r.markdown).length);
    for (const page of pages) {
      const [first, second] = files.get(page)!.split('\n');
      const title = first!.replace(/^# /, '');
      expect(first, page).toMatch(/^# /);
      expect(second, page).toBe('');
      expect(
        rows.map((r) => r[0]),
        page,
      ).toContain(title);
      expect(ID.exec(posix.basename(page, '.md'))![1]).toBe(title.replace(/[\\/:*?"<>|]/g, '-'));
    }
  }

  // Every relative link in every page resolves to a file of the export, and the hub reaches every one.
  const linkedFromHub = new Set<string>();
  for (const [path, text] of files) {
    if (!path.endsWith('.md')) continue;
    for (const target of links(text)) {
      expect(target, `${path} links ${target} percent-encoded`).not.toMatch(/[\s()]/);
      const resolved = posix.normalize(posix.join(posix.dirname(path), decodeURIComponent(target)));
      expect(files.has(resolved), `${path} links ${target}, which is not in the zip`).toBe(true);
      if (path === hubFile) linkedFromHub.add(resolved);
    }
  }
  const unlinked = paths.filter((p) => p !== hubFile && !linkedFromHub.has(p));
  expect(unlinked, 'every database and page is linked from the hub').toEqual([]);
  expect(paths.some((p) => /database reference/i.test(p) && posix.dirname(p) === hubDir)).toBe(true);

  // Nothing that would import as a stray page, nothing but what this workspace installs.
  expect(paths.filter((p) => /DATABASES\.md$|\.backup-|MANUAL-STEPS/.test(p))).toEqual([]);
  const unchosen = PARTNERSHIP_TYPES.filter((t) => !ws.types.includes(t)).map(
    (t) => PARTNERSHIP_TYPE_NAMES[t],
  );
  for (const name of unchosen) {
    expect(paths.filter((p) => p.includes(`— ${name.replace('/', '-')} `))).toEqual([]);
    expect(files.get(hubFile)).not.toContain(`— ${name}`);
  }
}

describe('the Notion export, against the layout of a Notion Markdown & CSV export', () => {
  it('lays out all six types as one hub page with its databases and linked pages', () => {
    const ws = build({});
    checkExport(ws, notionExportFiles(ws));
  });

  it('holds only the chosen types, and keeps the same paths when nothing changed', () => {
    const ws = build({ partnership_types: ['co-sell', 'service-implementation'] });
    const files = notionExportFiles(ws);
    checkExport(ws, files);
    expect([
      ...notionExportFiles(build({ partnership_types: ['co-sell', 'service-implementation'] })).keys(),
    ]).toEqual([...files.keys()]);
  });

  it('percent-encodes every link segment, as the export does', () => {
    const ws = build({ company: { name: 'Ridgeway & Sons (Dispatch)' } });
    const files = notionExportFiles(ws);
    checkExport(ws, files);
    const hub = [...files].find(([p]) => !p.includes('/'))![1];
    expect(hub).toContain('Milestones%20%26%20To-Dos%20');
    expect(hub).toContain('Partnernomics%20%E2%80%94%20Partner%20Program%20OS%20');
  });
});

describe('install, then install again with fewer types and --force', () => {
  const cwd = tempDir();
  const out = join(cwd, 'ws');
  const config = (types: string[]) =>
    `company:\n  name: Ridgeway Dispatch\npartnership_types: [${types.join(', ')}]\nprogram:\n  start_date: ${START}\n`;
  let zip: Record<string, Uint8Array>;
  let manual: string;
  let allTypesZipBytes: number;

  beforeAll(async () => {
    writeFileSync(join(cwd, 'partnernomics.config.yaml'), config([...PARTNERSHIP_TYPES]));
    expect((await cli(['--json', 'install', '--out', 'ws'], { cwd })).code).toBe(0);
    allTypesZipBytes = statSync(join(out, 'notion-import.zip')).size;
    // Edit the hub, which the type change rewrites: --force backs it up beside the export.
    const hub = readdirSync(join(out, 'notion')).find((f) => f.endsWith('.md'))!;
    writeFileSync(join(out, 'notion', hub), 'my notes on the hub\n');
    writeFileSync(join(cwd, 'partnernomics.config.yaml'), config(['co-sell', 'referral']));
    const forced = await cli(['--json', 'install', '--out', 'ws', '--force'], { cwd });
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(forced.stdout).backups.length).toBeGreaterThan(0);
    zip = unzipSync(readFileSync(join(out, 'notion-import.zip')));
    manual = readFileSync(join(out, 'MANUAL-STEPS.md'), 'utf8');
  });

  it('zips exactly the export of the current config: no backups, no pages of types no longer chosen', () => {
    const ws = build({ company: { name: 'Ridgeway Dispatch' }, partnership_types: ['co-sell', 'referral'] });
    const expected = notionExportFiles(ws);
    expect(Object.keys(zip).sort()).toEqual([...expected.keys()].sort());
    for (const [path, bytes] of Object.entries(zip))
      expect(Buffer.from(bytes).toString('utf8')).toBe(expected.get(path));
    checkExport(ws, expected);
    // The folder beside the zip still holds what the zip leaves out: the backup and the old types' pages.
    const onDisk = readdirSync(join(out, 'notion'), { recursive: true }).map(String);
    expect(onDisk.some((p) => p.includes('.backup-'))).toBe(true);
    expect(onDisk.some((p) => p.includes('— Influencer'))).toBe(true);
  });

  it('keeps the zip within what Notion imports: under 5 MB with all six types, every CSV valid UTF-8', () => {
    // N6: the Free plan's per-file import limit; the largest zip is the one with every type.
    expect(allTypesZipBytes).toBeGreaterThan(0);
    expect(allTypesZipBytes).toBeLessThan(5 * 1024 * 1024);
    // N2: UTF-8 (names such as "Partnernomics — Partner Program OS" and "Milestones & To-Dos" are not ASCII).
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const csvs = Object.entries(zip).filter(([path]) => path.endsWith('.csv'));
    expect(csvs.length).toBeGreaterThan(0);
    for (const [path, bytes] of csvs) expect(() => decoder.decode(bytes), path).not.toThrow();
  });

  it('gives one import path in MANUAL-STEPS.md: the zip, once, and nothing imported on its own', () => {
    // N4 and N5: one zip, alone, once; a second import would add every row again.
    expect(manual).toContain('Import nothing else, and import the zip once: each import makes a new copy.');
    // N3: the relations, formulas and rollups the import cannot create, added by hand from the reference page.
    expect(manual).toMatch(/turn the relation columns into relations/);
    expect(manual).toMatch(/Add the formulas and rollups it lists/);
    expect(manual.match(/notion-import\.zip/g)).toHaveLength(1);
    expect(manual).toContain('Import → Text & Markdown');
    expect(manual).not.toMatch(/Import → CSV|drag the CSV|each database imports|DATABASES\.md/i);
    expect(manual).toContain('Database reference');
    const steps = manual.split('\n').filter((l) => /^\d+\. /.test(l));
    const importAt = steps.findIndex((s) => s.includes('notion-import.zip'));
    const typesAt = steps.findIndex((s) => s.includes('property types'));
    expect(importAt).toBeGreaterThanOrEqual(0);
    expect(typesAt).toBeGreaterThan(importAt);
  });
});
