// The import plan (pure): the file read and checked row by row, then deduped and flagged against what the workspace holds.
import { type CsvRow, type CsvTable, decodeCsv, parseCsv } from './csv.js';
import { type Duplicate, dedupe, type KnownPartner } from './dedupe.js';
import { type EcosystemEntry, type IppVerdict, ippVerdict } from './ipp.js';
import { type ColumnMap, type MapOverride, mapColumns } from './mapping.js';
import type { ImportSchema } from './schema.js';
import { type Candidate, type Rejected, type RowWarning, validateRow } from './validate.js';

export interface PreparedFile {
  file: string;
  delimiter: CsvTable['delimiter'];
  columns: ColumnMap;
  /** Data rows read (blank lines not counted). */
  rows: number;
  candidates: Candidate[];
  rejected: Rejected[];
  warnings: RowWarning[];
}

/** Lines some exports put above the header (LinkedIn's "Notes:" preamble): the header is looked for this far. */
const HEADER_SEARCH = 5;

/**
 * The header: the first record (of the first few) whose columns map a company name; the records after it are
 * the data. When none does, the first record's error is the one reported.
 */
function findHeader(
  records: readonly CsvRow[],
  overrides: readonly MapOverride[],
  file: string,
): { columns: ColumnMap; rows: CsvRow[] } {
  let first: unknown;
  for (let i = 0; i < Math.min(HEADER_SEARCH, records.length); i++) {
    try {
      const header = records[i]!.cells.map((c) => c.trim());
      return { columns: mapColumns(header, overrides, file), rows: records.slice(i + 1) };
    } catch (error) {
      first ??= error;
    }
  }
  throw first;
}

/** Everything that needs only the file: a bad file stops here, before any request to Notion. */
export function prepareFile(
  bytes: Uint8Array,
  file: string,
  overrides: readonly MapOverride[],
  schema: ImportSchema,
): PreparedFile {
  const table = parseCsv(decodeCsv(bytes, file), file);
  const { columns, rows } = findHeader(table.records, overrides, file);
  const candidates: Candidate[] = [];
  const rejected: Rejected[] = [];
  const warnings: RowWarning[] = [];
  for (const row of rows) {
    const result = validateRow(row, columns, schema);
    if (result.ok) {
      candidates.push(result.candidate);
      warnings.push(...result.warnings);
    } else rejected.push(result.rejected);
  }
  return {
    file,
    delimiter: table.delimiter,
    columns,
    rows: rows.length,
    candidates,
    rejected,
    warnings,
  };
}

export interface NewPartner extends Candidate {
  ipp: IppVerdict;
}

export interface ImportPlan extends PreparedFile {
  toCreate: NewPartner[];
  duplicates: Duplicate[];
  /** Ecosystem Map entries ticked In Ideal Partner Profile. */
  profileSize: number;
}

export function planImport(
  prepared: PreparedFile,
  existing: readonly KnownPartner[],
  ecosystem: readonly EcosystemEntry[],
): ImportPlan {
  const { fresh, duplicates } = dedupe(prepared.candidates, existing);
  return {
    ...prepared,
    toCreate: fresh.map((c) => ({ ...c, ipp: ippVerdict(c, ecosystem) })),
    duplicates,
    profileSize: ecosystem.filter((e) => e.inIpp).length,
  };
}
