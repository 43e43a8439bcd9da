// batchUpdate requests that move data as a person does in the UI: moveDimension (drag a column) and sortRange.
import type { sheets_v4 } from '@googleapis/sheets';
import { literalValue } from './cells.js';
import { movedRowFormulas, rewriteFormulas } from './formula-rewrite.js';
import { chartSources, checkGridRange, requireSheet } from './ranges.js';
import { fail, type RequestContext } from './request-context.js';
import { type EffectiveValue, getCell, type SheetModel, type SpreadsheetModel } from './sheets-state.js';

type Reply = sheets_v4.Schema$Response | undefined;
type GridRange = sheets_v4.Schema$GridRange;

/** Every GridRange on the book that may point at `sheetId` (named, protected, conditional formats, charts). */
function rangesOf(book: SpreadsheetModel): GridRange[] {
  const out: GridRange[] = [];
  for (const n of book.namedRanges) if (n.range) out.push(n.range);
  for (const s of book.sheets) {
    for (const p of s.protectedRanges) if (p.range) out.push(p.range, ...(p.unprotectedRanges ?? []));
    for (const rule of s.conditionalFormats) out.push(...(rule.ranges ?? []));
    for (const chart of s.charts) out.push(...chartSources(chart.spec));
  }
  return out;
}

/**
 * moveDimension: rows or columns [startIndex, endIndex) move to `destinationIndex` ("based on the
 * coordinates before the source data is removed from the grid"). Cells, their formats and validation,
 * row/column properties and developer metadata move with them; formula references follow (HyperFormula);
 * a range that lies wholly inside the moved block moves with it, other ranges stay.
 */
export function moveDimension(
  request: sheets_v4.Schema$MoveDimensionRequest,
  { book, engine }: RequestContext,
): Reply {
  const source = request.source;
  if (!source) fail('source is required');
  const dimension = source.dimension;
  if (dimension !== 'ROWS' && dimension !== 'COLUMNS') fail('source.dimension must be ROWS or COLUMNS');
  const sheet = requireSheet(book, source.sheetId);
  const grid = sheet.properties.gridProperties;
  const size = dimension === 'ROWS' ? grid.rowCount : grid.columnCount;
  const start = source.startIndex ?? 0;
  const end = source.endIndex ?? size;
  const dest = request.destinationIndex ?? 0;
  if (start < 0 || end > size || end <= start)
    fail(`source [${start}, ${end}) is outside the grid (${size}).`);
  if (dest < 0 || dest > size) fail(`destinationIndex ${dest} is outside the grid (${size}).`);
  if (dest > start && dest < end) fail('destinationIndex must not be inside the source range.');
  const count = end - start;
  const order = Array.from({ length: size }, (_, i) => i);
  const block = order.splice(start, count);
  order.splice(dest > start ? dest - count : dest, 0, ...block);
  const to: number[] = [];
  order.forEach((old, i) => {
    to[old] = i;
  });
  const sheetIndex = book.sheets.indexOf(sheet);
  rewriteFormulas(engine, book, {
    kind: 'move',
    sheetIndex,
    dimension,
    start,
    count,
    dest,
    to: (i) => to[i] ?? i,
  });
  const permute = <T>(list: T[]): T[] => {
    const out: T[] = [];
    list.forEach((item, old) => {
      if (item !== undefined) out[to[old] ?? old] = item;
    });
    return out;
  };
  if (dimension === 'ROWS') {
    sheet.rows = permute(sheet.rows);
    sheet.rowProperties = permute(sheet.rowProperties);
  } else {
    sheet.rows = sheet.rows.map((row) => (row ? permute(row) : row));
    sheet.columnProperties = permute(sheet.columnProperties);
  }
  const sheetId = sheet.properties.sheetId;
  for (const meta of book.developerMetadata) {
    const d = meta.location?.dimensionRange;
    if (!d || (d.sheetId ?? 0) !== sheetId || d.dimension !== dimension) continue;
    const at = to[d.startIndex ?? 0] ?? d.startIndex ?? 0;
    d.endIndex = at + ((d.endIndex ?? 0) - (d.startIndex ?? 0));
    d.startIndex = at;
  }
  const [s, e] =
    dimension === 'ROWS'
      ? (['startRowIndex', 'endRowIndex'] as const)
      : (['startColumnIndex', 'endColumnIndex'] as const);
  for (const range of rangesOf(book)) {
    if ((range.sheetId ?? 0) !== sheetId || range[s] == null || range[e] == null) continue;
    if (range[s]! >= start && range[e]! <= end) {
      const shift = (to[start] ?? start) - start;
      range[s] = range[s]! + shift;
      range[e] = range[e]! + shift;
    }
  }
  return undefined;
}

/** Sheets' sort order: numbers, then text (case-insensitive), then booleans; blanks always last. */
function compare(a: EffectiveValue, b: EffectiveValue, descending: boolean): number {
  const rank = (v: EffectiveValue) =>
    v?.numberValue != null
      ? 0
      : v?.stringValue != null && v.stringValue !== ''
        ? 1
        : v?.boolValue != null
          ? 2
          : 3;
  const ra = rank(a);
  const rb = rank(b);
  if (ra === 3 || rb === 3) return ra - rb;
  let d = ra - rb;
  if (d === 0 && ra === 0) d = a!.numberValue! - b!.numberValue!;
  if (d === 0 && ra === 1) d = a!.stringValue!.toLowerCase().localeCompare(b!.stringValue!.toLowerCase());
  if (d === 0 && ra === 2) d = Number(a!.boolValue) - Number(b!.boolValue);
  return descending ? -d : d;
}

/**
 * sortRange: the rows of `range` sorted by `sortSpecs` (column indexes in the sheet), only the range's
 * columns moving. A formula that moves keeps pointing at its own row, as in Sheets.
 */
export function sortRange(
  request: sheets_v4.Schema$SortRangeRequest,
  { book, engine }: RequestContext,
): Reply {
  const rect = checkGridRange(book, request.range);
  const specs = request.sortSpecs ?? [];
  if (specs.length === 0) fail('sortSpecs must not be empty.');
  for (const spec of specs) {
    const d = spec.dimensionIndex ?? 0;
    if (d < rect.startCol || d >= rect.endCol) fail(`sortSpecs dimensionIndex ${d} is outside the range.`);
  }
  const sheet: SheetModel = rect.sheet;
  const value = (r: number, c: number): EffectiveValue =>
    engine ? engine.effective(book, rect.sheetIndex, r, c) : literalValue(getCell(sheet, r, c));
  const rows = Array.from({ length: rect.endRow - rect.startRow }, (_, i) => rect.startRow + i);
  const keyed = rows.map((r) => ({ r, keys: specs.map((spec) => value(r, spec.dimensionIndex ?? 0)) }));
  keyed.sort((a, b) => {
    for (const [i, spec] of specs.entries()) {
      const d = compare(a.keys[i], b.keys[i], spec.sortOrder === 'DESCENDING');
      if (d !== 0) return d;
    }
    return a.r - b.r;
  });
  const moves: { from: number; to: number; col: number }[] = [];
  keyed.forEach(({ r }, i) => {
    const to = rect.startRow + i;
    if (r === to) return;
    for (let c = rect.startCol; c < rect.endCol; c++)
      if (getCell(sheet, r, c)?.userEnteredValue?.formulaValue) moves.push({ from: r, to, col: c });
  });
  const rewritten = movedRowFormulas(engine, book, rect.sheetIndex, moves);
  const before = rows.map((r) =>
    Array.from({ length: rect.endCol - rect.startCol }, (_, i) => getCell(sheet, r, rect.startCol + i)),
  );
  keyed.forEach(({ r }, i) => {
    const to = rect.startRow + i;
    const cells = before[r - rect.startRow]!;
    sheet.rows[to] ??= [];
    cells.forEach((cell, k) => {
      const c = rect.startCol + k;
      const moved = cell ? structuredClone(cell) : undefined;
      const formula = rewritten.get(`${r}:${c}`);
      if (moved && formula !== undefined && r !== to) moved.userEnteredValue = { formulaValue: formula };
      if (moved) sheet.rows[to]![c] = moved;
      else delete sheet.rows[to]![c];
    });
  });
  return undefined;
}
