// Reads a sourcing list as real exports write it (pure): UTF-8 with or without BOM, UTF-16, CRLF, quoted newlines, `,` `;` or tab.
import { CsvError, parse } from 'csv-parse/sync';
import { PnError } from '../../platform/errors.js';

export interface CsvRow {
  /** The line of the file the record starts on (the header is line 1). */
  line: number;
  cells: string[];
}

export interface CsvTable {
  /** Every record with a non-blank cell, the header line(s) included. */
  records: CsvRow[];
  delimiter: ',' | ';' | '\t';
}

const SAVE_AS_UTF8 =
  'save it as "CSV UTF-8" (Excel: File → Save As → CSV UTF-8; Google Sheets: File → Download → CSV)';

/** The file's text: a UTF-8 BOM is dropped, UTF-16 (with its BOM) decoded, anything else must be valid UTF-8. */
export function decodeCsv(bytes: Uint8Array, file: string): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new PnError('INPUT_INVALID', `${file} is not UTF-8 text`, { hint: SAVE_AS_UTF8 });
  }
}

/** The delimiter the header line uses most, counted outside quotes (`,` on a tie or when there is none). */
export function detectDelimiter(text: string): CsvTable['delimiter'] {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch] += 1;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[','] && counts['\t'] > counts[';']) return '\t';
  return ',';
}

function csvProblem(error: CsvError, file: string): PnError {
  const line = Reflect.get(error, 'lines');
  const at = typeof line === 'number' ? ` line ${line}` : '';
  const what =
    error.code === 'CSV_QUOTE_NOT_CLOSED'
      ? 'a quoted value is never closed'
      : error.code === 'CSV_INVALID_CLOSING_QUOTE'
        ? 'a quoted value has text after its closing quote'
        : error.message.replace(/ at line \d+.*$/, '').toLowerCase();
  return new PnError('INPUT_INVALID', `${file}${at}: ${what}`, {
    hint: 'fix that line (a quote inside a value is written twice: "Say ""hi"""), or export the list again',
    cause: error,
  });
}

/**
 * Every non-blank record, each with the line it starts on. Line ends are made `\n` first
 * (a quoted CRLF inside a value becomes a newline), so line numbers are what an editor shows.
 */
export function parseCsv(text: string, file: string): CsvTable {
  const clean = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const delimiter = detectDelimiter(clean);
  let records: unknown[];
  try {
    records = parse(clean, {
      delimiter,
      info: true,
      raw: true,
      // A quote inside an unquoted value (`=HYPERLINK("x")` written bare) is text, as spreadsheets read it.
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: true,
    });
  } catch (error) {
    if (error instanceof CsvError) throw csvProblem(error, file);
    throw error;
  }
  const rows: CsvRow[] = [];
  for (const each of records) {
    // With `info` and `raw`, each record comes as { record, info: { lines }, raw } (the types say string[]).
    const record: unknown = Reflect.get(Object(each), 'record');
    const lines: unknown = Reflect.get(Object(Reflect.get(Object(each), 'info')), 'lines');
    const raw: unknown = Reflect.get(Object(each), 'raw');
    if (!Array.isArray(record) || typeof lines !== 'number' || typeof raw !== 'string')
      throw new Error('csv-parse returned a record without its info');
    const body = raw.replace(/^\n+/, '').replace(/\n$/, '');
    rows.push({ line: lines - (body.match(/\n/g)?.length ?? 0), cells: record.map(String) });
  }
  if (!rows.some((r) => r.cells.some((c) => c.trim() !== '')))
    throw new PnError('INPUT_INVALID', `${file} is empty: it has no header line`, {
      hint: 'the first line must name the columns, e.g. Company,Website,Partnership type',
    });
  return {
    records: rows.filter((r) => r.cells.some((c) => c.trim() !== '')),
    delimiter,
  };
}
