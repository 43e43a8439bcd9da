// GridRange checks ("No grid with id", "exceeds grid limits") and moving everything when rows/columns shift.
import type { sheets_v4 } from '@googleapis/sheets';
import { formatCells, gridLimitsMessage } from './a1.js';
import { rewriteFormulas } from './formula-rewrite.js';
import type { FormulaEngine } from './formulas.js';
import { fail } from './request-context.js';
import { type SheetModel, type SpreadsheetModel, sheetById } from './sheets-state.js';

type GridRange = sheets_v4.Schema$GridRange;

/** A GridRange clamped to its sheet: 0-based, end-exclusive. */
export interface Rect {
  sheet: SheetModel;
  sheetIndex: number;
  startRow: number;
  endRow: number;
  startCol: number;
  endCol: number;
}

/** The sheet of a GridRange/GridCoordinate, or "No grid with id: N". */
export function requireSheet(book: SpreadsheetModel, sheetId: number | null | undefined): SheetModel {
  const sheet = sheetById(book, sheetId);
  if (!sheet) fail(`No grid with id: ${sheetId ?? 0}`);
  return sheet;
}

/** Checks a GridRange against its sheet and clamps its open ends. */
export function checkGridRange(book: SpreadsheetModel, range: GridRange | undefined, what = 'range'): Rect {
  if (!range) fail(`${what} is required`);
  const sheet = requireSheet(book, range.sheetId);
  const { rowCount, columnCount } = sheet.properties.gridProperties;
  const startRow = range.startRowIndex ?? 0;
  const startCol = range.startColumnIndex ?? 0;
  const endRow = range.endRowIndex ?? undefined;
  const endCol = range.endColumnIndex ?? undefined;
  if (
    startRow < 0 ||
    startCol < 0 ||
    (endRow !== undefined && endRow < 0) ||
    (endCol !== undefined && endCol < 0)
  ) {
    fail(`${what} indexes must be non-negative.`);
  }
  if ((endRow !== undefined && endRow < startRow) || (endCol !== undefined && endCol < startCol)) {
    fail(`${what}'s end index must not be less than its start index.`);
  }
  const beyond =
    (range.startRowIndex != null && startRow >= rowCount) ||
    (endRow !== undefined && endRow > rowCount) ||
    (range.startColumnIndex != null && startCol >= columnCount) ||
    (endCol !== undefined && endCol > columnCount);
  if (beyond) {
    const cells = formatCells({
      startRow: range.startRowIndex ?? undefined,
      endRow: endRow,
      startCol: startCol,
      endCol: endCol,
    });
    fail(
      gridLimitsMessage(sheet.properties.title, cells, {
        title: sheet.properties.title,
        sheetId: sheet.properties.sheetId,
        rowCount,
        columnCount,
      }),
    );
  }
  return {
    sheet,
    sheetIndex: book.sheets.indexOf(sheet),
    startRow,
    endRow: endRow ?? rowCount,
    startCol,
    endCol: endCol ?? columnCount,
  };
}

/** How one index moves when `count` rows/columns are inserted at `at` (count > 0) or deleted (count < 0). */
function moveIndex(index: number, at: number, count: number, isEnd: boolean): number {
  if (count > 0) return index > at || (index === at && !isEnd) ? index + count : index;
  const end = at - count;
  if (index <= at) return index;
  if (index >= end) return index + count;
  return at;
}

/** Moves a GridRange; returns false when a deletion swallowed it whole. */
function moveRange(
  range: GridRange,
  sheetId: number,
  dimension: 'ROWS' | 'COLUMNS',
  at: number,
  count: number,
): boolean {
  if ((range.sheetId ?? 0) !== sheetId) return true;
  const [s, e] =
    dimension === 'ROWS'
      ? (['startRowIndex', 'endRowIndex'] as const)
      : (['startColumnIndex', 'endColumnIndex'] as const);
  const start = range[s];
  const end = range[e];
  if (start != null) range[s] = moveIndex(start, at, count, false);
  if (end != null) range[e] = moveIndex(end, at, count, true);
  if (count < 0 && range[s] != null && range[e] != null && range[e]! <= range[s]!) return false;
  return true;
}

/**
 * Shifts everything on a sheet when rows/columns are inserted (count > 0) or deleted (count < 0) at `at`:
 * cells, dimension properties, named/protected ranges, conditional formats, charts and developer metadata
 * (metadata whose rows/columns are all deleted is deleted with them), and formula references (via HyperFormula).
 */
export function shiftDimension(
  book: SpreadsheetModel,
  sheet: SheetModel,
  dimension: 'ROWS' | 'COLUMNS',
  at: number,
  count: number,
  engine?: FormulaEngine,
): void {
  rewriteFormulas(engine, book, {
    kind: 'shift',
    sheetIndex: book.sheets.indexOf(sheet),
    dimension,
    at,
    count,
  });
  const sheetId = sheet.properties.sheetId;
  const splice = <T>(list: T[]) => {
    if (list.length <= at) return;
    if (count > 0) list.splice(at, 0, ...new Array<T>(count));
    else list.splice(at, -count);
  };
  if (dimension === 'ROWS') {
    splice(sheet.rows);
    splice(sheet.rowProperties);
  } else {
    for (const row of sheet.rows) if (row) splice(row);
    splice(sheet.columnProperties);
  }
  const grid = sheet.properties.gridProperties;
  if (dimension === 'ROWS') grid.rowCount += count;
  else grid.columnCount += count;

  book.namedRanges = book.namedRanges.filter(
    (n) => !n.range || moveRange(n.range, sheetId, dimension, at, count),
  );
  for (const s of book.sheets) {
    s.protectedRanges = s.protectedRanges.filter(
      (p) => !p.range || moveRange(p.range, sheetId, dimension, at, count),
    );
    for (const p of s.protectedRanges) {
      p.unprotectedRanges = p.unprotectedRanges?.filter((u) => moveRange(u, sheetId, dimension, at, count));
    }
    s.conditionalFormats = s.conditionalFormats.filter((rule) => {
      rule.ranges = (rule.ranges ?? []).filter((r) => moveRange(r, sheetId, dimension, at, count));
      return rule.ranges.length > 0;
    });
    for (const chart of s.charts) {
      const anchor = chart.position?.overlayPosition?.anchorCell;
      if (anchor && (anchor.sheetId ?? 0) === sheetId) {
        const key = dimension === 'ROWS' ? 'rowIndex' : 'columnIndex';
        anchor[key] = moveIndex(anchor[key] ?? 0, at, count, false);
      }
      for (const source of chartSources(chart.spec)) moveRange(source, sheetId, dimension, at, count);
    }
  }
  book.developerMetadata = book.developerMetadata.filter((meta) => {
    const d = meta.location?.dimensionRange;
    if (!d || (d.sheetId ?? 0) !== sheetId || d.dimension !== dimension) return true;
    const start = moveIndex(d.startIndex ?? 0, at, count, false);
    const end = moveIndex(d.endIndex ?? 0, at, count, true);
    if (end <= start) return false;
    d.startIndex = start;
    d.endIndex = end;
    return true;
  });
}

/** Every GridRange a chart spec reads from (basic charts and pie charts). */
export function chartSources(spec: sheets_v4.Schema$ChartSpec | undefined): GridRange[] {
  if (!spec) return [];
  const out: GridRange[] = [];
  const add = (data: sheets_v4.Schema$ChartData | undefined) => {
    for (const s of data?.sourceRange?.sources ?? []) out.push(s);
  };
  for (const d of spec.basicChart?.domains ?? []) add(d.domain);
  for (const s of spec.basicChart?.series ?? []) add(s.series);
  add(spec.pieChart?.domain);
  add(spec.pieChart?.series);
  for (const d of spec.histogramChart?.series ?? []) add(d.data);
  add(spec.scorecardChart?.keyValueData);
  return out;
}
