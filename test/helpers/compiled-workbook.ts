// The default install's workbook, written to .xlsx and loaded into HyperFormula, with cell accessors by key.
import type { RawCellContent } from 'hyperformula';
import { compile } from '../../src/blueprint/compile.js';
import type { DesiredTab } from '../../src/blueprint/desired.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { workbookToXlsx } from '../../src/targets/local/xlsx.js';
import { type LoadedWorkbook, loadXlsxIntoHyperFormula } from '../xlsx-workbook.js';
import { withSpreadsheetRound } from './spreadsheet-round.js';

export interface CompiledWorkbook {
  book: LoadedWorkbook;
  tab(key: string): DesiredTab;
  /** A table column's 0-based index on its tab. */
  colOf(tabKey: string, key: string): number;
  /** The 0-based sheet row of a table's `i`th data row. */
  dataRow(tabKey: string, i: number): number;
  setNamed(name: string, value: RawCellContent, offset?: number): void;
  set(tabKey: string, row: number, key: string, value: RawCellContent): void;
  get(tabKey: string, row: number, key: string): unknown;
}

/**
 * Compiles the blueprint with the default config and loads the workbook. With `spreadsheetRound` the engine's
 * ROUND corrects the binary error first, as Excel and LibreOffice do (see spreadsheet-round.ts).
 */
export async function loadCompiledWorkbook(options: {
  spreadsheetRound: boolean;
}): Promise<CompiledWorkbook> {
  const ws = compile(loadBlueprint(), parseConfig({}, 'test', '2027-01-04'));
  const load = async () => loadXlsxIntoHyperFormula(await workbookToXlsx(ws.workbook));
  const book = options.spreadsheetRound ? await withSpreadsheetRound(load) : await load();
  const tab = (key: string) => {
    const found = ws.workbook.tabs.find((t) => t.key === key);
    if (!found) throw new Error(`no tab ${key}`);
    return found;
  };
  const colOf = (tabKey: string, key: string) => {
    const i = tab(tabKey).table?.columns.findIndex((c) => c.key === key) ?? -1;
    if (i < 0) throw new Error(`no column ${tabKey}.${key}`);
    return i;
  };
  const address = (tabKey: string, row: number, key: string) => ({
    sheet: book.sheetId(tab(tabKey).name),
    row,
    col: colOf(tabKey, key),
  });
  return {
    book,
    tab,
    colOf,
    dataRow: (tabKey, i) => (tab(tabKey).table?.firstDataRow ?? 1) - 1 + i,
    setNamed: (name, value, offset = 0) => {
      const at = book.names.get(name);
      if (!at) throw new Error(`no named range ${name}`);
      book.hf.setCellContents(
        { sheet: book.sheetId(at.sheet), row: at.row - 1 + offset, col: at.col - 1 },
        value,
      );
    },
    set: (tabKey, row, key, value) => book.hf.setCellContents(address(tabKey, row, key), value),
    get: (tabKey, row, key) => book.hf.getCellValue(address(tabKey, row, key)),
  };
}
