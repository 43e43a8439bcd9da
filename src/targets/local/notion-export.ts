// Renders the Notion side as a Notion "Markdown & CSV" export (pure: returns path -> text), laid out the way
// Notion's own export is, so that Import → Text & Markdown turns the zip of it into ONE hub page:
//
//   Partnernomics — Partner Program OS <id>.md        the hub page; links every database, page and sub-page
//   Partnernomics — Partner Program OS <id>/          the hub's children
//     QLP Roadmap <id>.csv                            a database (first column = the title property)
//     QLP Roadmap <id>/Define the ICP <id>.md         the page of one of its rows, matched to the row by title
//     Database reference <id>.md                      a plain sub-page
//
// Every page and database name ends in a space and a 32-hex ID, a page's children sit in a folder named
// exactly like its file without `.md`, a row page starts with `# <row title>` and a blank line, and links
// are relative paths with each segment percent-encoded. test/targets/notion-import.test.ts checks all of it.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { type HubLinks, hubMarkdown } from '../../blueprint/compile.js';
import type {
  DesiredDatabase,
  DesiredProperty,
  DesiredWorkspace,
  PlainValue,
} from '../../blueprint/desired.js';
import { rewriteLinks } from '../../blueprint/links.js';
import { notionImportStep } from '../../blueprint/manual-steps.js';

/** A file or folder name Notion, macOS, Windows and zip all accept. */
export function safeName(name: string): string {
  return name
    .replace(/[\\/:*?"<>|]/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 120);
}

/** The 32-hex ID that ends every exported name: stable per blueprint key, so a re-install writes the same paths. */
export function exportId(key: string): string {
  return createHash('sha256').update(`partnernomics:${key}`).digest('hex').slice(0, 32);
}

/** `Title <id>`: the name of a page's file (plus `.md`), of its children's folder, and of a database's CSV. */
export function exportName(title: string, key: string): string {
  return `${safeName(title)} ${exportId(key)}`;
}

/** A relative path as a Markdown link target: each segment percent-encoded (spaces, dashes, parentheses). */
export function linkTarget(path: string): string {
  return path
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      ),
    )
    .join('/');
}

function plainToCsv(value: PlainValue | undefined, titleOf: (rowKey: string) => string): string {
  if (!value) return '';
  switch (value.kind) {
    case 'text':
      return value.value;
    case 'number':
      return value.value === null ? '' : String(value.value);
    case 'checkbox':
      return value.value ? 'Yes' : 'No';
    case 'date':
    case 'select':
      return value.value ?? '';
    case 'multi_select':
      return value.value.join(', ');
    case 'relation':
      return value.rowKeys.map(titleOf).join(', ');
  }
}

const COMPUTED = new Set(['formula', 'rollup']);

function databaseCsv(db: DesiredDatabase, titleOf: (rowKey: string) => string): string {
  const columns = db.properties.filter((p) => !COMPUTED.has(p.type));
  const rows = db.rows.map((row) => columns.map((p) => plainToCsv(row.values[p.key], titleOf)));
  return stringify([columns.map((p) => p.name), ...rows]);
}

function describeProperty(
  p: DesiredProperty & { owner?: string },
  dbTitle: (key: string) => string,
  computedOn: string | undefined,
): string {
  const owner =
    p.owner === 'sheets'
      ? ` — computed on the workbook's ${computedOn ?? 'synced'} tab; \`partnernomics sync\` writes it back here (in a workspace imported from this export, copy it from the tab), and nobody works it out by hand`
      : '';
  switch (p.type) {
    case 'select':
    case 'multi_select':
      return `${p.type === 'select' ? 'Select' : 'Multi-select'}: ${p.options.length ? p.options.join(', ') : 'options added as you type'}${owner}`;
    case 'number':
      return `Number (${p.format})${owner}`;
    case 'relation':
      return `Relation to **${dbTitle(p.target)}**${p.dual ? ` (two-way: "${p.dual}" on the other side)` : ''}`;
    case 'formula':
      return `Formula: \`${p.expression}\``;
    case 'rollup':
      return `Rollup: ${p.function} of "${p.property}" through "${p.relation}"`;
    default:
      return `${p.type.replace('_', ' ')}${owner}`;
  }
}

export const REFERENCE_KEY = 'page.database-reference';
export const REFERENCE_TITLE = 'Database reference';

function databasesReference(ws: DesiredWorkspace): string {
  const dbTitle = (key: string) => ws.databases.find((d) => d.key === key)?.title ?? key;
  const lines = [
    "A CSV import carries each column's values but not its type, and no relations, formulas or rollups. After the import, open each database, set every property to the type below (click the property name → Edit property → Type), then add the relations, formulas and rollups. The databases then behave as `partnernomics install --target notion` would have built them.",
  ];
  for (const db of ws.databases) {
    lines.push('', `## ${db.title}`, '', db.description, '', '| Property | Type |', '|---|---|');
    const tabKey = ws.sync.find((m) => m.notion === db.key)?.sheet;
    const tab = ws.workbook.tabs.find((t) => t.key === tabKey)?.name;
    for (const p of db.properties)
      lines.push(`| ${p.name} | ${describeProperty(p, dbTitle, tab).replace(/\|/g, '\\|')} |`);
  }
  return lines.join('\n');
}

/**
 * A page file: the title as its first line, a blank line, then the body, as Notion's export writes pages. A
 * body that opens with its own `# heading` (the term sheet, the 90-day plan) keeps it one level down.
 */
function pageFile(title: string, body: string): string {
  return `# ${title}\n\n${body.trim().replace(/^# /, '## ')}\n`;
}

/**
 * Every file of the export, keyed by its path relative to the export folder: exactly what goes into
 * notion-import.zip. Only what this workspace installs is in it: no page of a type no longer chosen, and
 * nothing else that may lie in the folder (backups, your own files).
 */
export function notionExportFiles(ws: DesiredWorkspace): Map<string, string> {
  const files = new Map<string, string>();
  const hubDir = exportName(ws.hub.title, ws.hub.key);
  const dbFile = (db: DesiredDatabase) => `${hubDir}/${exportName(db.title, db.key)}.csv`;
  const rowFiles = new Map<string, string>();
  for (const db of ws.databases)
    for (const row of db.rows)
      if (row.markdown)
        rowFiles.set(
          row.key,
          `${hubDir}/${exportName(db.title, db.key)}/${exportName(row.title, row.key)}.md`,
        );
  const referenceFile = `${hubDir}/${exportName(REFERENCE_TITLE, REFERENCE_KEY)}.md`;

  const titles = new Map<string, string>();
  for (const db of ws.databases) for (const row of db.rows) titles.set(row.key, row.title);
  const titleOf = (rowKey: string) => titles.get(rowKey) ?? rowKey;

  const links: HubLinks = {
    database: (key) => {
      const db = ws.databases.find((d) => d.key === key);
      return db ? linkTarget(dbFile(db)) : undefined;
    },
    row: (key) => {
      const file = rowFiles.get(key);
      return file ? linkTarget(file) : undefined;
    },
    reference: linkTarget(referenceFile),
  };
  const hubBody = [
    hubMarkdown(
      ws.config,
      ws.databases,
      ws.pages,
      links,
      ws.syncText.map((t) => t.text),
    ).trim(),
    '',
    '## Manual steps',
    '',
    ...ws.manualSteps
      .filter((m) => m.target !== 'sheets' && m.step !== notionImportStep(ws.hub.title))
      .map((m) => `- [ ] ${m.step}`),
  ].join('\n');
  files.set(`${hubDir}.md`, pageFile(ws.hub.title, hubBody));

  /** A page's links as paths relative to its own file: another page's file or a database's CSV. */
  const relativeLinks = (file: string, markdown: string) =>
    rewriteLinks(markdown, (key) => {
      const db = ws.databases.find((d) => d.key === key);
      const target = db ? dbFile(db) : rowFiles.get(key);
      return target ? linkTarget(posix.relative(posix.dirname(file), target)) : null;
    });
  for (const db of ws.databases) {
    files.set(dbFile(db), databaseCsv(db, titleOf));
    for (const row of db.rows) {
      const file = rowFiles.get(row.key);
      if (file) files.set(file, pageFile(row.title, relativeLinks(file, row.markdown)));
    }
  }
  files.set(referenceFile, pageFile(REFERENCE_TITLE, databasesReference(ws)));
  return files;
}
