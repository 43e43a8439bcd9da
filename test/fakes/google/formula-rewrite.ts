// Moves formula references when rows/columns are inserted, deleted or moved, rows are sorted, or a tab is renamed, as Sheets does.
import type { HyperFormula } from 'hyperformula';
import type { FormulaEngine } from './formulas.js';
import type { SpreadsheetModel } from './sheets-state.js';

type Change =
  | { kind: 'shift'; sheetIndex: number; dimension: 'ROWS' | 'COLUMNS'; at: number; count: number }
  | { kind: 'rename'; sheetIndex: number; title: string }
  /** moveDimension: [start, start + count) moves before `dest` (an index before the move); `to` maps old → new. */
  | {
      kind: 'move';
      sheetIndex: number;
      dimension: 'ROWS' | 'COLUMNS';
      start: number;
      count: number;
      dest: number;
      to: (index: number) => number;
    };

interface Built {
  engine: HyperFormula;
  ids: number[];
  cells: { s: number; r: number; c: number }[];
}

/** A HyperFormula instance holding every formula of the book (no values), each sheet sized to its grid. */
function build(hf: NonNullable<FormulaEngine['hyperformula']>, book: SpreadsheetModel): Built | undefined {
  const cells: Built['cells'] = [];
  const input: Record<string, unknown[][]> = {};
  book.sheets.forEach((sheet, s) => {
    const grid = sheet.properties.gridProperties;
    const rows: unknown[][] = [];
    sheet.rows.forEach((row, r) => {
      row?.forEach((cell, c) => {
        const f = cell?.userEnteredValue?.formulaValue;
        if (!f) return;
        rows[r] ??= [];
        rows[r]![c] = f;
        cells.push({ s, r, c });
      });
    });
    // Size each HyperFormula sheet to the grid, so changes past the last formula are allowed.
    rows[grid.rowCount - 1] ??= [];
    rows[grid.rowCount - 1]![grid.columnCount - 1] ??= null;
    input[sheet.properties.title] = Array.from(rows, (row) => Array.from(row ?? [], (x) => x ?? null));
  });
  if (cells.length === 0) return undefined;
  try {
    const engine = hf.HyperFormula.buildFromSheets(input as never, { licenseKey: 'gpl-v3' });
    return { engine, ids: book.sheets.map((sheet) => engine.getSheetId(sheet.properties.title)!), cells };
  } catch {
    return undefined;
  }
}

/** Where a cell of the changed sheet is after the change, or null when it was deleted with its row/column. */
function newPlace(change: Change, s: number, r: number, c: number): { row: number; col: number } | null {
  if (change.kind === 'rename' || s !== change.sheetIndex) return { row: r, col: c };
  const index = change.dimension === 'ROWS' ? r : c;
  let moved: number;
  if (change.kind === 'move') moved = change.to(index);
  else {
    const end = change.at - change.count;
    if (change.count < 0 && index >= change.at && index < end) return null; // deleted with its row/column
    moved =
      change.count > 0
        ? index >= change.at
          ? index + change.count
          : index
        : index >= end
          ? index + change.count
          : index;
  }
  return change.dimension === 'ROWS' ? { row: moved, col: c } : { row: r, col: moved };
}

/**
 * Rewrites the stored formula text of every cell a structural change affects, in place and before the
 * change moves the cells. Uses HyperFormula's reference tracking: a formula is replaced only when
 * HyperFormula's rendering of it differs before and after the change (so untouched formulas keep their
 * text). Without HyperFormula loaded (formulas: 'none'), formulas are left as they are.
 */
export function rewriteFormulas(
  engine: FormulaEngine | undefined,
  book: SpreadsheetModel,
  change: Change,
): void {
  const hf = engine?.hyperformula;
  const built = hf && build(hf, book);
  if (!built) return;
  const { engine: instance, ids, cells } = built;
  try {
    const before = cells.map(({ s, r, c }) => instance.getCellFormula({ sheet: ids[s]!, row: r, col: c }));
    const target = ids[change.sheetIndex]!;
    instance.suspendEvaluation();
    if (change.kind === 'rename') instance.renameSheet(target, change.title);
    else if (change.kind === 'move') {
      if (change.dimension === 'ROWS') instance.moveRows(target, change.start, change.count, change.dest);
      else instance.moveColumns(target, change.start, change.count, change.dest);
    } else if (change.dimension === 'ROWS') {
      if (change.count > 0) instance.addRows(target, [change.at, change.count]);
      else instance.removeRows(target, [change.at, -change.count]);
    } else if (change.count > 0) instance.addColumns(target, [change.at, change.count]);
    else instance.removeColumns(target, [change.at, -change.count]);
    cells.forEach(({ s, r, c }, i) => {
      const place = newPlace(change, s, r, c);
      if (!place) return;
      const after = instance.getCellFormula({ sheet: ids[s]!, row: place.row, col: place.col });
      const cell = book.sheets[s]!.rows[r]![c]!;
      if (after && after !== before[i]) cell.userEnteredValue = { formulaValue: after };
    });
  } catch {
    // A change HyperFormula refuses leaves the formula text as it was.
  } finally {
    instance.destroy();
  }
}

/**
 * The formulas of sorted rows as Sheets rewrites them: each formula that moves from row `from` to row `to`
 * of sheet `sheetIndex` keeps pointing at its own row (relative references shift by the distance, as when
 * the row is filled there). Returns old formula text → new text per moved cell ("r:c" of the old place).
 */
export function movedRowFormulas(
  engine: FormulaEngine | undefined,
  book: SpreadsheetModel,
  sheetIndex: number,
  moves: { from: number; to: number; col: number }[],
): Map<string, string> {
  const out = new Map<string, string>();
  const hf = engine?.hyperformula;
  const built = hf && build(hf, book);
  if (!built) return out;
  const { engine: instance, ids } = built;
  const sheet = ids[sheetIndex]!;
  try {
    for (const { from, to, col } of moves) {
      const source = { start: { sheet, row: from, col }, end: { sheet, row: from, col } };
      const target = { start: { sheet, row: to, col }, end: { sheet, row: to, col } };
      const filled = instance.getFillRangeData(source, target)[0]?.[0];
      if (typeof filled === 'string') out.set(`${from}:${col}`, filled);
    }
  } catch {
    // Formulas HyperFormula cannot move keep their text.
  } finally {
    instance.destroy();
  }
  return out;
}
