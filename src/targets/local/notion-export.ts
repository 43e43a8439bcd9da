// Renders the Notion side as a Notion-importable Markdown & CSV export (pure: returns path -> text).
import { stringify } from 'csv-stringify/sync';
import type {
  DesiredDatabase,
  DesiredProperty,
  DesiredWorkspace,
  PlainValue,
} from '../../blueprint/desired.js';

/** A file or folder name Notion, macOS, Windows and zip all accept. */
export function safeName(name: string): string {
  return name
    .replace(/[\\/:*?"<>|]/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 120);
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

function describeProperty(p: DesiredProperty & { owner?: string }, dbTitle: (key: string) => string): string {
  const owner = p.owner === 'sheets' ? ' — written by the sync from Sheets; do not edit by hand' : '';
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

function databasesReference(ws: DesiredWorkspace): string {
  const dbTitle = (key: string) => ws.databases.find((d) => d.key === key)?.title ?? key;
  const lines = [
    '# Database reference',
    '',
    'CSV import creates every column as text or select. After importing, set each property to the type below, add the relations and formulas, and the databases behave as `partnernomics install --target notion` would have built them.',
  ];
  for (const db of ws.databases) {
    lines.push('', `## ${db.title}`, '', db.description, '', '| Property | Type |', '|---|---|');
    for (const p of db.properties)
      lines.push(`| ${p.name} | ${describeProperty(p, dbTitle).replace(/\|/g, '\\|')} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** Every file of the export, keyed by its path relative to the export folder. */
export function notionExportFiles(ws: DesiredWorkspace): Map<string, string> {
  const files = new Map<string, string>();
  const hubName = safeName(ws.hub.title);
  const titles = new Map<string, string>();
  for (const db of ws.databases) for (const row of db.rows) titles.set(row.key, row.title);
  const titleOf = (rowKey: string) => titles.get(rowKey) ?? rowKey;

  const hubLines = [`# ${ws.hub.title}`, '', ws.hub.markdown.trim(), '', '## Manual steps', ''];
  for (const s of ws.manualSteps.filter((m) => m.target !== 'sheets')) hubLines.push(`- [ ] ${s.step}`);
  files.set(`${hubName}.md`, `${hubLines.join('\n')}\n`);

  for (const db of ws.databases) {
    const dbName = safeName(db.title);
    files.set(`${hubName}/${dbName}.csv`, databaseCsv(db, titleOf));
    for (const row of db.rows) {
      if (!row.markdown) continue;
      const body = row.markdown.startsWith('# ') ? row.markdown : `# ${row.title}\n\n${row.markdown}`;
      files.set(`${hubName}/${dbName}/${safeName(row.title)}.md`, body);
    }
  }
  files.set('DATABASES.md', databasesReference(ws));
  return files;
}
