// The local side of an import: partners from the workspace's Notion export, new ones appended to partner-candidates.csv.
//
// The candidates go to their own file, not into the export's Partners CSV: install tracks every file it writes by
// hash (.partnernomics-state.json), so rows added to one of its files would make that file "edited by you" and the
// next blueprint change a conflict. partner-candidates.csv is no file of the install's: install never plans,
// replaces or removes it, so nothing imported is lost, and it has the Partners CSV's columns, so Notion's
// "Merge with CSV" on the Partners database takes it as it is.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { DesiredDatabase, DesiredWorkspace } from '../../blueprint/desired.js';
import { PnError } from '../../platform/errors.js';
import { withFsErrors, writeFileAtomic } from '../../platform/write.js';
import { readManifest } from '../../targets/local/manifest.js';
import { exportName } from '../../targets/local/notion-export.js';
import { type KnownPartner, knownPartner } from './dedupe.js';
import type { EcosystemEntry } from './ipp.js';
import type { NewPartner } from './plan.js';
import type { ImportSchema } from './schema.js';

export const CANDIDATES_FILE = 'partner-candidates.csv';

export interface LocalImportPaths {
  outDir: string;
  partnersCsv: string;
  ecosystemCsv: string | null;
  candidatesCsv: string;
}

const databaseCsvPath = (ws: DesiredWorkspace, outDir: string, db: DesiredDatabase) =>
  join(outDir, 'notion', exportName(ws.hub.title, ws.hub.key), `${exportName(db.title, db.key)}.csv`);

/** The workspace folder's files an import reads and writes; the folder must hold an installed workspace. */
export function localImportPaths(ws: DesiredWorkspace, schema: ImportSchema, out: string): LocalImportPaths {
  const outDir = resolve(out);
  if (!existsSync(outDir) || !readManifest(outDir))
    throw new PnError('INPUT_INVALID', `there is no installed workspace in ${outDir}`, {
      hint: 'run `partnernomics install` first, or name the workspace folder with --out DIR',
    });
  return {
    outDir,
    partnersCsv: databaseCsvPath(ws, outDir, schema.partners),
    ecosystemCsv: schema.ecosystem ? databaseCsvPath(ws, outDir, schema.ecosystem) : null,
    candidatesCsv: join(outDir, CANDIDATES_FILE),
  };
}

function readRecords(path: string): Record<string, string>[] {
  if (!existsSync(path)) return [];
  const text = withFsErrors(
    path,
    { action: 'read', hint: 'make it readable (chmod u+r), or move it away' },
    () => readFileSync(path, 'utf8'),
  );
  try {
    return parse(text.replace(/^\uFEFF/, ''), {
      columns: true,
      relax_column_count: true,
      skip_empty_lines: true,
    });
  } catch (error) {
    throw new PnError('INPUT_INVALID', `${path} is not a readable CSV file`, {
      hint: 'fix it in a text editor, or move it away and import again',
      cause: error,
    });
  }
}

/** Partners in the export's Partners CSV and in earlier imports' candidates file. */
export function readLocalPartners(paths: LocalImportPaths, schema: ImportSchema): KnownPartner[] {
  const name = schema.partner.name.name;
  const website = schema.partner.website.name;
  return [paths.partnersCsv, paths.candidatesCsv].flatMap((file) =>
    readRecords(file).map((r) => knownPartner(r[name] ?? '', r[website] ?? '')),
  );
}

/** The Ecosystem Map's entries from the export's CSV (empty until you fill it in there). */
export function readLocalEcosystem(paths: LocalImportPaths, schema: ImportSchema): EcosystemEntry[] {
  const props = schema.ecosystemProps;
  if (!paths.ecosystemCsv || !props) return [];
  return readRecords(paths.ecosystemCsv).map((r) => ({
    name: r[props.name.name] ?? '',
    inIpp: /^(yes|true|1|x|✓)$/i.test((r[props.in_ipp.name] ?? '').trim()),
    likelyType: (r[props.likely_type.name] ?? '').trim() || null,
  }));
}

/** The Partners CSV's columns as the export writes them: every property but formulas and rollups. */
export function candidateColumns(schema: ImportSchema): string[] {
  return schema.partners.properties
    .filter((p) => p.type !== 'formula' && p.type !== 'rollup')
    .map((p) => p.name);
}

function candidateRow(c: NewPartner, columns: readonly string[], schema: ImportSchema): string[] {
  const p = schema.partner;
  const values = new Map<string, string>([
    [p.name.name, c.name],
    [p.website.name, c.website ?? ''],
    [p.type.name, c.type ?? ''],
    [p.channel.name, c.channel ?? ''],
    [p.stage.name, schema.firstStage],
    [p.contact.name, c.contact],
    [p.contact_email.name, c.email],
    [p.notes.name, c.notes],
    [p.ipp_match.name, c.ipp.match ? 'Yes' : 'No'],
  ]);
  const checkboxes = new Set(
    schema.partners.properties.filter((q) => q.type === 'checkbox').map((q) => q.name),
  );
  return columns.map((col) => values.get(col) ?? (checkboxes.has(col) ? 'No' : ''));
}

/**
 * Appends the new partners to the candidates file (created with the Partners columns on first use). What is in
 * the file stays byte for byte, rows you edited included; new rows follow its header, whatever columns it has.
 * One atomic write; none when there is nothing new.
 */
export function appendLocalCandidates(
  paths: LocalImportPaths,
  schema: ImportSchema,
  items: readonly NewPartner[],
): { written: boolean } {
  if (!items.length) return { written: false };
  const file = paths.candidatesCsv;
  const hint = 'check the folder permissions, or name another workspace folder with --out DIR';
  const before = existsSync(file)
    ? withFsErrors(file, { action: 'read', hint }, () => readFileSync(file, 'utf8'))
    : '';
  const header = before
    ? ((parse(before.replace(/^\uFEFF/, ''), { to_line: 1 }) as string[][])[0] ?? candidateColumns(schema))
    : candidateColumns(schema);
  const rows = items.map((c) => candidateRow(c, header, schema));
  const text = before
    ? `${before}${before.endsWith('\n') ? '' : '\n'}${stringify(rows)}`
    : stringify([header, ...rows]);
  withFsErrors(file, { action: 'write', hint }, () => writeFileAtomic(file, text));
  return { written: true };
}
