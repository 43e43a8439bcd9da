// The installed Partnernomics.xlsx prints well: every tab's print settings, read back from the file itself.
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir, WORKBOOK_TABS } from '../helpers.js';

/** The fill the workbook gives header cells. */
const HEADER_FILL = 'FF34495E';

/** Points per line of the default font. */
const LINE_HEIGHT = 15;

function columnNumber(letters: string): number {
  return [...letters].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
}

/** "A1:Z66" as its last column and row; fails the test unless the area starts at A1. */
function areaOf(sheet: ExcelJS.Worksheet): { lastCol: number; lastRow: number } {
  const m = /^A1:([A-Z]+)(\d+)$/.exec(sheet.pageSetup.printArea ?? '');
  if (!m) throw new Error(`${sheet.name}: print area ${sheet.pageSetup.printArea} does not start at A1`);
  return { lastCol: columnNumber(m[1]!), lastRow: Number(m[2]) };
}

interface Placed {
  row: number;
  col: number;
  cell: ExcelJS.Cell;
}

function cellsOf(sheet: ExcelJS.Worksheet): Placed[] {
  const out: Placed[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, r) => {
    row.eachCell({ includeEmpty: false }, (cell, c) => {
      out.push({ row: r, col: c, cell });
    });
  });
  return out;
}

function isFormula(cell: ExcelJS.Cell): boolean {
  return typeof cell.value === 'object' && cell.value !== null && 'formula' in cell.value;
}

function isHeader(cell: ExcelJS.Cell): boolean {
  const fill = cell.fill;
  return fill?.type === 'pattern' && fill.fgColor?.argb === HEADER_FILL;
}

/** A table tab freezes its header rows; a layout tab freezes nothing. */
function headerRowsOf(sheet: ExcelJS.Worksheet): number {
  const view = (sheet.views ?? [])[0];
  return view?.state === 'frozen' ? (view.ySplit ?? 0) : 0;
}

describe('the installed workbook', () => {
  const cwd = tempDir();
  let book: ExcelJS.Workbook;

  beforeAll(async () => {
    const run = await cli(['--json', 'install', '--out', 'ws'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    book = new ExcelJS.Workbook();
    await book.xlsx.readFile(join(cwd, 'ws', 'Partnernomics.xlsx'));
  });

  it('prints every tab landscape, one page wide and as many pages long as it takes, with narrow margins', () => {
    expect(book.worksheets.map((s) => s.name)).toEqual(expect.arrayContaining(WORKBOOK_TABS));
    for (const sheet of book.worksheets) {
      const setup = sheet.pageSetup;
      expect({ tab: sheet.name, orientation: setup.orientation }).toEqual({
        tab: sheet.name,
        orientation: 'landscape',
      });
      expect({
        tab: sheet.name,
        fitToPage: setup.fitToPage,
        wide: setup.fitToWidth,
        tall: setup.fitToHeight,
      }).toEqual({ tab: sheet.name, fitToPage: true, wide: 1, tall: 0 });
      const margins = setup.margins;
      expect(margins, sheet.name).toBeDefined();
      expect(Math.max(margins!.left, margins!.right), sheet.name).toBeLessThanOrEqual(0.25);
      expect(Math.max(margins!.top, margins!.bottom), sheet.name).toBeLessThanOrEqual(0.75);
      expect(sheet.headerFooter.oddFooter).toMatch(/&A.*&P/);
    }
  });

  it('gives every tab a print area from A1 holding everything the install wrote there, and every table column', () => {
    for (const sheet of book.worksheets) {
      const { lastCol, lastRow } = areaOf(sheet);
      const headerRows = headerRowsOf(sheet);
      // A layout prints whole; a table prints whatever holds a typed value (its formula rows are not data).
      const printed = cellsOf(sheet).filter(({ cell }) => headerRows === 0 || !isFormula(cell));
      const outside = printed.filter((p) => p.row > lastRow || p.col > lastCol).map((p) => p.cell.address);
      expect({ tab: sheet.name, outside }).toEqual({ tab: sheet.name, outside: [] });
      if (headerRows > 0) {
        const headers = cellsOf(sheet).filter((p) => p.row === 1);
        expect({ tab: sheet.name, lastCol }).toEqual({
          tab: sheet.name,
          lastCol: Math.max(...headers.map((p) => p.col)),
        });
      }
    }
    const scoring = book.getWorksheet('Partner Scoring')!;
    const header = cellsOf(scoring).filter((p) => p.row === 1);
    const { lastCol } = areaOf(scoring);
    for (const name of ['Partner', 'Score', 'Rank', 'Recommendation']) {
      const col = header.find((p) => p.cell.value === name)?.col;
      expect(col, name).toBeDefined();
      expect(col!).toBeLessThanOrEqual(lastCol);
    }
  });

  it('leaves the hundreds of formula-only rows off the printout, with a page of room for new rows', () => {
    for (const sheet of book.worksheets) {
      const headerRows = headerRowsOf(sheet);
      if (headerRows === 0) continue;
      const { lastRow } = areaOf(sheet);
      const lastTyped = Math.max(
        headerRows,
        ...cellsOf(sheet)
          .filter(({ cell }) => !isFormula(cell))
          .map((p) => p.row),
      );
      // Never hundreds of empty rows (blank pages); always the typed rows, or about a page of rows.
      expect({ tab: sheet.name, lastRow: lastRow <= Math.max(lastTyped, 100) }).toEqual({
        tab: sheet.name,
        lastRow: true,
      });
    }
    const scoring = book.getWorksheet('Partner Scoring')!;
    const formulaRows = cellsOf(scoring)
      .filter(({ cell }) => isFormula(cell))
      .map((p) => p.row);
    const examples = cellsOf(scoring)
      .filter(({ row, cell }) => row > 2 && !isFormula(cell))
      .map((p) => p.row);
    const { lastRow } = areaOf(scoring);
    expect(Math.max(...formulaRows)).toBeGreaterThan(lastRow);
    expect(lastRow - Math.max(...examples)).toBeGreaterThanOrEqual(20);
  });

  it('repeats a table tab’s header rows on every printed page, and nothing on a layout tab', () => {
    for (const sheet of book.worksheets) {
      const headerRows = headerRowsOf(sheet);
      expect({ tab: sheet.name, titles: sheet.pageSetup.printTitlesRow }).toEqual({
        tab: sheet.name,
        titles: headerRows > 0 ? `1:${headerRows}` : undefined,
      });
    }
    expect(book.getWorksheet('Partner Scoring')!.pageSetup.printTitlesRow).toBe('1:2');
    expect(book.getWorksheet('Referrals')!.pageSetup.printTitlesRow).toBe('1:1');
  });

  it('wraps every header and makes its row tall enough for the wrapped text', () => {
    let headers = 0;
    for (const sheet of book.worksheets) {
      for (const { row, col, cell } of cellsOf(sheet)) {
        if (!isHeader(cell)) continue;
        headers += 1;
        expect({ at: `${sheet.name}!${cell.address}`, wrap: cell.alignment?.wrapText }).toEqual({
          at: `${sheet.name}!${cell.address}`,
          wrap: true,
        });
        // A line holds at most about as many characters as the column is wide.
        const text = String(cell.value);
        const width = sheet.getColumn(col).width ?? 8.43;
        const needed = LINE_HEIGHT * Math.ceil(text.length / width);
        expect({
          at: `${sheet.name}!${cell.address}`,
          tallEnough: (sheet.getRow(row).height ?? 0) >= needed,
        }).toEqual({ at: `${sheet.name}!${cell.address}`, tallEnough: true });
      }
    }
    expect(headers).toBeGreaterThan(50);
    // The criteria headers (e.g. "Non-competing revenue") take more than one line in their narrow columns.
    expect(book.getWorksheet('Partner Scoring')!.getRow(1).height).toBeGreaterThanOrEqual(2 * LINE_HEIGHT);
  });
});
