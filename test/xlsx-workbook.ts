// Loads the installer's .xlsx into HyperFormula, so tests evaluate the formulas exactly as written to the file.
import ExcelJS from 'exceljs';
import { HyperFormula, type RawCellContent, type SerializedNamedExpression } from 'hyperformula';

const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

export interface LoadedWorkbook {
  hf: HyperFormula;
  sheetId: (name: string) => number;
  names: Map<string, { sheet: string; row: number; col: number; rows: number }>;
}

function cellContent(value: ExcelJS.CellValue): RawCellContent {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return (value.getTime() - EXCEL_EPOCH) / 86_400_000;
  if (typeof value === 'object' && 'formula' in value) return `=${value.formula}`;
  if (typeof value === 'object' && 'richText' in value) return value.richText.map((r) => r.text).join('');
  return value as RawCellContent;
}

/** Every sheet's cells (formulas as "=..."), named ranges as named expressions. */
export async function loadXlsxIntoHyperFormula(bytes: Buffer): Promise<LoadedWorkbook> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheets: Record<string, RawCellContent[][]> = {};
  book.eachSheet((sheet) => {
    const rows: RawCellContent[][] = [];
    sheet.eachRow({ includeEmpty: false }, (row, r) => {
      const out: RawCellContent[] = [];
      row.eachCell({ includeEmpty: false }, (cell, c) => {
        out[c - 1] = cellContent(cell.value);
      });
      rows[r - 1] = Array.from(out, (v) => v ?? null);
    });
    sheets[sheet.name] = Array.from(rows, (r) => r ?? []);
  });
  const names = new Map<string, { sheet: string; row: number; col: number; rows: number }>();
  const named: SerializedNamedExpression[] = [];
  for (const { name, ranges } of book.definedNames.model) {
    const ref = ranges[0]!;
    named.push({ name, expression: `=${ref}` });
    const m = /^'?(.+?)'?!\$([A-Z]+)\$(\d+)(?::\$[A-Z]+\$(\d+))?$/.exec(ref)!;
    const col = [...m[2]!].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
    names.set(name, {
      sheet: m[1]!,
      row: Number(m[3]),
      col,
      rows: m[4] ? Number(m[4]) - Number(m[3]) + 1 : 1,
    });
  }
  const hf = HyperFormula.buildFromSheets(sheets, { licenseKey: 'gpl-v3', useArrayArithmetic: true }, named);
  return {
    hf,
    names,
    sheetId: (name) => {
      const id = hf.getSheetId(name);
      if (id === undefined) throw new Error(`no sheet ${name}`);
      return id;
    },
  };
}
