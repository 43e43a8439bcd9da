// A1 notation: parse ranges ('Partner Scoring'!A1:C3, A:C, A2:C, 1:3, Sheet1, named ranges), resolve and format them.
import type { sheets_v4 } from '@googleapis/sheets';
import { invalidArgument } from './errors.js';

/** 0 → "A", 25 → "Z", 26 → "AA". */
export function columnLetters(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    out = String.fromCharCode(65 + rem) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

/** "A" → 0, "aa" → 26. */
export function columnIndex(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

/**
 * A sheet title as Google writes it before "!": bare when it is a plain name (letters, digits, _ and .,
 * not starting with a digit, not itself a cell reference like A1 or R1C1), else single-quoted with ''
 * for a quote ("Probe Tab" → 'Probe Tab', "It's" → 'It''s', "A1" → 'A1', "Sales2" → Sales2).
 */
export function quoteSheetTitle(title: string): string {
  const plain = /^[A-Za-z_][A-Za-z0-9_.]*$/.test(title);
  const cellLike = /^[A-Za-z]{1,3}\d+$/.test(title) || /^[Rr]\d*[Cc]\d*$/.test(title);
  return plain && !cellLike ? title : `'${title.replace(/'/g, "''")}'`;
}

export interface CellRef {
  row?: number;
  col?: number;
}

export interface ParsedA1 {
  /** The sheet named before "!" (or a quoted bare name). */
  sheetName?: string;
  /** A bare identifier without "!": a sheet title or a named range. */
  bareName?: string;
  start?: CellRef;
  end?: CellRef;
}

const REF = /^\$?([A-Za-z]{1,3})?\$?(\d+)?$/;

function parseRef(text: string): CellRef | undefined {
  const m = REF.exec(text.trim());
  if (!m || (!m[1] && !m[2])) return undefined;
  const ref: CellRef = {};
  if (m[1]) ref.col = columnIndex(m[1]);
  if (m[2]) {
    const row = Number(m[2]);
    if (row < 1) return undefined;
    ref.row = row - 1;
  }
  return ref;
}

function parseCells(text: string): { start: CellRef; end?: CellRef } | undefined {
  const parts = text.split(':');
  if (parts.length > 2) return undefined;
  const start = parseRef(parts[0] ?? '');
  if (!start) return undefined;
  if (parts.length === 1) {
    // A lone "A" or "3" is not a range; a lone cell needs both.
    if (start.col === undefined || start.row === undefined) return undefined;
    return { start };
  }
  const end = parseRef(parts[1] ?? '');
  if (!end) return undefined;
  // "A:3" mixes a column with a row: not A1 notation.
  if (start.col === undefined && end.col !== undefined && start.row !== undefined && end.row === undefined) {
    return undefined;
  }
  if (start.row === undefined && end.row !== undefined && start.col !== undefined && end.col === undefined) {
    return undefined;
  }
  return { start, end };
}

/** Parses A1 text; undefined when it is not A1 notation at all. */
export function parseA1(text: string): ParsedA1 | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  let sheetName: string | undefined;
  let rest = trimmed;
  if (trimmed.startsWith("'")) {
    let i = 1;
    let name = '';
    for (; i < trimmed.length; i++) {
      if (trimmed[i] === "'") {
        if (trimmed[i + 1] === "'") {
          name += "'";
          i++;
          continue;
        }
        break;
      }
      name += trimmed[i];
    }
    if (i >= trimmed.length) return undefined;
    sheetName = name;
    rest = trimmed.slice(i + 1);
    if (rest === '') return { sheetName };
    if (!rest.startsWith('!')) return undefined;
    rest = rest.slice(1);
  } else {
    const bang = trimmed.lastIndexOf('!');
    if (bang >= 0) {
      sheetName = trimmed.slice(0, bang);
      rest = trimmed.slice(bang + 1);
      // Names with spaces or other special characters must be quoted ("Single quotes are required for
      // sheet names with spaces, special characters, …"); the API answers "Unable to parse range" otherwise.
      if (!/^[A-Za-z0-9_.]+$/.test(sheetName)) return undefined;
    }
  }
  if (sheetName !== undefined) {
    if (rest === '') return undefined;
    const cells = parseCells(rest);
    return cells ? { sheetName, ...cells } : undefined;
  }
  const cells = parseCells(rest);
  if (cells) return cells;
  return { bareName: trimmed };
}

/** The grid a range may address. */
export interface GridSheetInfo {
  title: string;
  sheetId: number;
  rowCount: number;
  columnCount: number;
}

/** A resolved rectangle: 0-based, end-exclusive, clamped to the grid where the text left it open. */
export interface ResolvedRange {
  sheetIndex: number;
  sheetId: number;
  title: string;
  startRow: number;
  endRow: number;
  startCol: number;
  endCol: number;
  /** The text named one cell ("Sheet1!B3"): an origin for writes, not a bound. */
  single: boolean;
  /** Canonical text as Google echoes it, e.g. "'Partner Scoring'!A1:C1000". */
  text: string;
}

/** Formats a (possibly open) rectangle: A1, A1:C3, A:C, A2:C, 1:3. */
export function formatCells(r: {
  startRow?: number | null;
  endRow?: number | null;
  startCol?: number | null;
  endCol?: number | null;
}): string {
  const sr = r.startRow ?? undefined;
  const er = r.endRow ?? undefined;
  const sc = r.startCol ?? undefined;
  const ec = r.endCol ?? undefined;
  const rowsOpen = er === undefined;
  const colsOpen = ec === undefined;
  if (!rowsOpen && !colsOpen && er - (sr ?? 0) === 1 && ec - (sc ?? 0) === 1) {
    return `${columnLetters(sc ?? 0)}${(sr ?? 0) + 1}`;
  }
  if (colsOpen && sc === undefined && sr !== undefined && er !== undefined) return `${sr + 1}:${er}`;
  const start = `${columnLetters(sc ?? 0)}${sr === undefined && rowsOpen ? '' : (sr ?? 0) + 1}`;
  const end = `${colsOpen ? '' : columnLetters(ec - 1)}${rowsOpen ? '' : er}`;
  return `${start}:${end}`;
}

/** Formats a GridRange of a titled sheet: "Sheet1!A1:C3", "'Partner Scoring'!A1001:B". */
export function formatGridRange(title: string, range: sheets_v4.Schema$GridRange): string {
  return `${quoteSheetTitle(title)}!${formatCells({
    startRow: range.startRowIndex,
    endRow: range.endRowIndex,
    startCol: range.startColumnIndex,
    endCol: range.endColumnIndex,
  })}`;
}

/** "Range (Sheet1!A1:Z2000) exceeds grid limits. Max rows: 1000, max columns: 26" */
export function gridLimitsMessage(title: string, cells: string, sheet: GridSheetInfo): string {
  return `Range (${quoteSheetTitle(title)}!${cells}) exceeds grid limits. Max rows: ${sheet.rowCount}, max columns: ${sheet.columnCount}`;
}

/**
 * Resolves A1 text against the sheets (titles match case-insensitively) and named ranges. Unparsable
 * text or an unknown sheet → 400 "Unable to parse range: …"; explicit bounds past the grid → 400
 * "Range (…) exceeds grid limits. …". Open ends (A:C, A2:C, Sheet1) are clamped to the grid.
 */
export function resolveA1(
  text: string,
  sheets: readonly GridSheetInfo[],
  namedRanges: readonly sheets_v4.Schema$NamedRange[] = [],
): ResolvedRange {
  const fail = () => invalidArgument(`Unable to parse range: ${text}`);
  const parsed = parseA1(text);
  if (!parsed) throw fail();
  const findSheet = (name: string) => sheets.findIndex((s) => s.title.toLowerCase() === name.toLowerCase());
  let sheetIndex: number;
  let start = parsed.start;
  let end = parsed.end;
  if (parsed.bareName !== undefined) {
    sheetIndex = findSheet(parsed.bareName);
    if (sheetIndex < 0) {
      const named = namedRanges.find((n) => n.name?.toLowerCase() === parsed.bareName!.toLowerCase());
      if (!named?.range) throw fail();
      sheetIndex = sheets.findIndex((s) => s.sheetId === (named.range!.sheetId ?? 0));
      if (sheetIndex < 0) throw fail();
      const g = named.range;
      start = { row: g.startRowIndex ?? 0, col: g.startColumnIndex ?? 0 };
      end = {
        ...(g.endRowIndex != null ? { row: g.endRowIndex - 1 } : {}),
        ...(g.endColumnIndex != null ? { col: g.endColumnIndex - 1 } : {}),
      };
      if (g.startRowIndex == null && g.endRowIndex == null) {
        delete start.row;
        delete end.row;
      }
      if (g.startColumnIndex == null && g.endColumnIndex == null) {
        delete start.col;
        delete end.col;
      }
    }
  } else if (parsed.sheetName !== undefined) {
    sheetIndex = findSheet(parsed.sheetName);
    if (sheetIndex < 0) throw fail();
  } else {
    sheetIndex = 0;
    if (sheets.length === 0) throw fail();
  }
  const sheet = sheets[sheetIndex]!;
  const single = !!start && !end && start.row !== undefined && start.col !== undefined;
  let startRow: number;
  let endRow: number | undefined;
  let startCol: number;
  let endCol: number | undefined;
  if (!start) {
    startRow = 0;
    startCol = 0;
  } else if (single) {
    startRow = start.row!;
    startCol = start.col!;
    endRow = startRow + 1;
    endCol = startCol + 1;
  } else {
    const e = end ?? {};
    const rows = [start.row, e.row];
    const cols = [start.col, e.col];
    // Reversed corners are normalised, as Sheets does (B3:A2 → A2:B3).
    if (rows[0] !== undefined && rows[1] !== undefined && rows[0] > rows[1]) rows.reverse();
    if (cols[0] !== undefined && cols[1] !== undefined && cols[0] > cols[1]) cols.reverse();
    startRow = rows[0] ?? 0;
    startCol = cols[0] ?? 0;
    endRow = rows[1] === undefined ? undefined : rows[1] + 1;
    endCol = cols[1] === undefined ? undefined : cols[1] + 1;
  }
  const requested = formatCells({ startRow, endRow, startCol, endCol });
  if (
    startRow >= sheet.rowCount ||
    startCol >= sheet.columnCount ||
    (endRow !== undefined && endRow > sheet.rowCount) ||
    (endCol !== undefined && endCol > sheet.columnCount)
  ) {
    throw invalidArgument(gridLimitsMessage(sheet.title, requested, sheet));
  }
  const resolved = {
    sheetIndex,
    sheetId: sheet.sheetId,
    title: sheet.title,
    startRow,
    endRow: endRow ?? sheet.rowCount,
    startCol,
    endCol: endCol ?? sheet.columnCount,
    single,
  };
  return {
    ...resolved,
    text: `${quoteSheetTitle(sheet.title)}!${formatCells({
      startRow: resolved.startRow,
      endRow: resolved.endRow,
      startCol: resolved.startCol,
      endCol: resolved.endCol,
    })}`,
  };
}

/** The text of a resolved rectangle after a write: "Sheet1!A1:C2". */
export function rangeText(
  title: string,
  startRow: number,
  endRow: number,
  startCol: number,
  endCol: number,
): string {
  return `${quoteSheetTitle(title)}!${formatCells({ startRow, endRow, startCol, endCol })}`;
}
