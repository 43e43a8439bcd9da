// Moves formula references when rows/columns are inserted or deleted or a tab is renamed, as Sheets does.
import type { HyperFormula } from 'hyperformula';
import type { FormulaEngine } from './formulas.js';
import type { SpreadsheetModel } from './sheets-state.js';

type Change =
  | { kind: 'shift'; sheetIndex: number; dimension: 'ROWS' | 'COLUMNS'; at: number; count: number }
  | { kind: 'rename'; sheetIndex: number; title: string };

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
  if (!hf) return;
  const cells: { s: number; r: number; c: number }[] = [];
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
  if (cells.length === 0) return;
  let engineInstance: HyperFormula;
  try {
    engineInstance = hf.HyperFormula.buildFromSheets(input as never, { licenseKey: 'gpl-v3' });
  } catch {
    return;
  }
  try {
    const ids = book.sheets.map((sheet) => engineInstance.getSheetId(sheet.properties.title));
    const before = cells.map(({ s, r, c }) =>
      engineInstance.getCellFormula({ sheet: ids[s]!, row: r, col: c }),
    );
    const target = ids[change.sheetIndex]!;
    engineInstance.suspendEvaluation();
    if (change.kind === 'rename') engineInstance.renameSheet(target, change.title);
    else if (change.dimension === 'ROWS') {
      if (change.count > 0) engineInstance.addRows(target, [change.at, change.count]);
      else engineInstance.removeRows(target, [change.at, -change.count]);
    } else if (change.count > 0) engineInstance.addColumns(target, [change.at, change.count]);
    else engineInstance.removeColumns(target, [change.at, -change.count]);
    cells.forEach(({ s, r, c }, i) => {
      let row = r;
      let col = c;
      if (change.kind === 'shift' && s === change.sheetIndex) {
        const index = change.dimension === 'ROWS' ? r : c;
        const end = change.at - change.count;
        if (change.count < 0 && index >= change.at && index < end) return; // deleted with its row/column
        const moved =
          change.count > 0
            ? index >= change.at
              ? index + change.count
              : index
            : index >= end
              ? index + change.count
              : index;
        if (change.dimension === 'ROWS') row = moved;
        else col = moved;
      }
      const after = engineInstance.getCellFormula({ sheet: ids[s]!, row, col });
      const cell = book.sheets[s]!.rows[r]![c]!;
      if (after && after !== before[i]) cell.userEnteredValue = { formulaValue: after };
    });
  } catch {
    // A change HyperFormula refuses leaves the formula text as it was.
  } finally {
    engineInstance.destroy();
  }
}
