// Writes the compiled workbook as Partnernomics.xlsx: live formulas, named ranges, dropdowns, RYG formats.
import ExcelJS from 'exceljs';
import { unzipSync, type Zippable, zipSync } from 'fflate';
import { columnLetter, quoteSheet } from '../../blueprint/compile-workbook.js';
import type {
  CellFormat,
  CellStyle,
  DesiredCell,
  DesiredTab,
  DesiredWorkbook,
  Fill,
} from '../../blueprint/desired.js';

const NUMBER_FORMATS: Record<CellFormat, string> = {
  number: '0.0',
  integer: '0',
  percent: '0%',
  currency: '"$"#,##0',
  date: 'yyyy-mm-dd',
  month: 'mmm yyyy',
};

const FILLS: Record<Fill, string> = {
  green: 'FFB7E1CD',
  yellow: 'FFFCE8B2',
  red: 'FFF4C7C3',
  grey: 'FFEFEFEF',
};

/** A fixed timestamp so the same workspace always produces the same document properties. */
const DOC_DATE = new Date(Date.UTC(2026, 0, 1));

function styleCell(cell: ExcelJS.Cell, style: CellStyle | undefined): void {
  switch (style) {
    case 'title':
      cell.font = { bold: true, size: 16 };
      break;
    case 'header':
      cell.font = { bold: true, color: { argb: 'FFFFFFFF' } };
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF34495E' } };
      cell.alignment = { wrapText: true, vertical: 'middle' };
      break;
    case 'label':
      cell.font = { bold: true };
      break;
    case 'input':
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF2CC' } };
      break;
    case 'note':
      cell.font = { italic: true, color: { argb: 'FF666666' } };
      break;
    case 'weights':
      cell.font = { italic: true, color: { argb: 'FF666666' } };
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF3F3F3' } };
      break;
    case 'wrap':
      cell.alignment = { wrapText: true, vertical: 'top' };
      break;
    default:
  }
}

function isoToDate(iso: string): Date {
  return new Date(`${iso}T00:00:00Z`);
}

function writeCell(sheet: ExcelJS.Worksheet, c: DesiredCell): void {
  const cell = sheet.getCell(c.row, c.col);
  if (c.formula !== undefined) cell.value = { formula: c.formula.slice(1) };
  else if (c.isDate && typeof c.value === 'string') cell.value = isoToDate(c.value);
  else if (c.value !== undefined) cell.value = c.value;
  if (c.format) cell.numFmt = NUMBER_FORMATS[c.format];
  styleCell(cell, c.style);
}

/** Excel's "Narrow" margins, in inches. */
const NARROW_MARGINS = { left: 0.25, right: 0.25, top: 0.75, bottom: 0.75, header: 0.3, footer: 0.3 };

/** Points per line of the default 11-point font: a header that wraps to two lines needs a row of 30. */
const LINE_HEIGHT = 15;

/** Excel's width for a column with none set, in characters. */
const DEFAULT_COLUMN_WIDTH = 8.43;

/**
 * The printable part of a landscape A4 page inside narrow margins, in points. A4 is wider and shorter than
 * Letter, so fitted to its width a tab is scaled the least and a page holds the fewest rows: page counts
 * worked out on it hold on either paper.
 */
const PAGE = {
  width: 842 - 72 * (NARROW_MARGINS.left + NARROW_MARGINS.right),
  height: 595 - 72 * (NARROW_MARGINS.top + NARROW_MARGINS.bottom),
};

/** Rows a page is counted to hold are cut by this share, for row heights and fonts that print larger. */
const PAGE_SAFETY = 0.9;

function columnWidth(tab: DesiredTab, col: number): number {
  return tab.columnWidths[col - 1] ?? DEFAULT_COLUMN_WIDTH;
}

/**
 * The lines a header's text wraps to in a column `width` characters wide, word by word, as Excel wraps it.
 * Bold header text, mostly lower case, runs about as wide as the digits a width is measured in; a character
 * of the width goes to the cell's padding.
 */
function wrappedLines(text: string, width: number): number {
  const room = Math.max(1, Math.floor(width - 1));
  let lines = 0;
  let used = 0;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (lines > 0 && used + 1 + word.length <= room) {
      used += 1 + word.length;
    } else {
      const spans = Math.ceil(word.length / room);
      lines += spans;
      used = word.length - (spans - 1) * room;
    }
  }
  return Math.max(1, lines);
}

/** Each row holding header cells, with the height its longest wrapped header needs. */
function headerRowHeights(tab: DesiredTab): Map<number, number> {
  const heights = new Map<number, number>();
  for (const cell of tab.cells) {
    if (cell.style !== 'header') continue;
    const lines = typeof cell.value === 'string' ? wrappedLines(cell.value, columnWidth(tab, cell.col)) : 1;
    heights.set(cell.row, Math.max(heights.get(cell.row) ?? 0, lines * LINE_HEIGHT));
  }
  return heights;
}

/**
 * The range a tab prints. A layout tab prints the cells it lays out. A table tab prints every column and its
 * header, then every row filled at install and at least a page of rows: the rows a leader adds below the
 * examples print on that first page too, while the hundreds of rows that hold only formulas (which Excel
 * counts as content) stay off the printout instead of coming out as blank pages. The page is counted short
 * (see PAGE and PAGE_SAFETY), so those rows never spill onto a second, empty page.
 */
function printArea(tab: DesiredTab, heights: Map<number, number>): { lastCol: number; lastRow: number } {
  if (!tab.table) {
    return {
      lastCol: Math.max(1, ...tab.cells.map((c) => c.col)),
      lastRow: Math.max(1, ...tab.cells.map((c) => c.row)),
    };
  }
  const { headerRows, lastDataRow, columns } = tab.table;
  const lastCol = columns.length;
  let sheetWidth = 0;
  for (let col = 1; col <= lastCol; col++) sheetWidth += (columnWidth(tab, col) * 7 + 5) * 0.75;
  const scale = Math.min(1, PAGE.width / sheetWidth);
  let headerHeight = 0;
  for (let row = 1; row <= headerRows; row++) headerHeight += heights.get(row) ?? LINE_HEIGHT;
  const perPage = Math.floor(((PAGE.height / scale - headerHeight) / LINE_HEIGHT) * PAGE_SAFETY);
  const lastFilled = Math.max(
    headerRows,
    ...tab.cells.filter((c) => c.formula === undefined && c.value !== undefined).map((c) => c.row),
  );
  const lastRow = Math.max(lastFilled, Math.min(lastDataRow, headerRows + perPage));
  return { lastCol, lastRow };
}

/**
 * Print settings a leader would otherwise set tab by tab before printing or saving as PDF: landscape, one
 * page wide (Score and Rank print beside the partner's name) and as many pages long as it takes, narrow
 * margins, the print area, the header rows repeated on every page of a table, headers tall enough for their
 * wrapped text, and the tab's name and page number in the footer.
 */
function setUpPrinting(sheet: ExcelJS.Worksheet, tab: DesiredTab): void {
  const heights = headerRowHeights(tab);
  for (const [row, height] of heights) sheet.getRow(row).height = height;
  const { lastCol, lastRow } = printArea(tab, heights);
  Object.assign(sheet.pageSetup, {
    orientation: 'landscape',
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    margins: { ...NARROW_MARGINS },
    printArea: `A$1:${columnLetter(lastCol)}$${lastRow}`,
    ...(tab.table && tab.table.headerRows > 0 ? { printTitlesRow: `1:${tab.table.headerRows}` } : {}),
  } satisfies Partial<ExcelJS.PageSetup>);
  sheet.headerFooter.oddFooter = '&L&A&RPage &P of &N';
}

/**
 * ExcelJS keeps one validation per range on `worksheet.dataValidations` (its typings omit it); a rule per
 * cell would write hundreds of copies. Checked at run time instead of cast.
 */
function hasRangeValidations(sheet: ExcelJS.Worksheet): sheet is ExcelJS.Worksheet & {
  dataValidations: { add(range: string, rule: ExcelJS.DataValidation): void };
} {
  const holder: unknown = Reflect.get(sheet, 'dataValidations');
  return typeof holder === 'object' && holder !== null && typeof Reflect.get(holder, 'add') === 'function';
}

/** Builds the workbook in memory; the caller writes the bytes. */
export async function workbookToXlsx(workbook: DesiredWorkbook): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Partnernomics';
  book.created = DOC_DATE;
  book.modified = DOC_DATE;
  book.calcProperties.fullCalcOnLoad = true;

  for (const tab of workbook.tabs) {
    const sheet = book.addWorksheet(tab.name, {
      views: tab.frozenRows > 0 ? [{ state: 'frozen', ySplit: tab.frozenRows, xSplit: 0 }] : [],
    });
    tab.columnWidths.forEach((width, i) => {
      sheet.getColumn(i + 1).width = width;
    });
    for (const cell of tab.cells) writeCell(sheet, cell);
    for (const v of tab.validations) {
      const rule: ExcelJS.DataValidation = v.checkbox
        ? {
            type: 'list',
            allowBlank: true,
            formulae: ['"TRUE,FALSE"'],
            showErrorMessage: true,
            error: 'TRUE or FALSE',
          }
        : v.list
          ? {
              type: 'list',
              allowBlank: true,
              formulae: [`"${v.list.join(',')}"`],
              showErrorMessage: true,
              error: `Choose one of: ${v.list.join(', ')}`,
            }
          : v.between
            ? {
                type: 'decimal',
                operator: 'between',
                allowBlank: true,
                formulae: v.between,
                showErrorMessage: true,
                error: `Enter a number from ${v.between[0]} to ${v.between[1]}`,
              }
            : {
                type: 'date',
                operator: 'greaterThan',
                allowBlank: true,
                formulae: [new Date(Date.UTC(2000, 0, 1))],
                showErrorMessage: true,
                error: 'Enter a date',
              };
      if (!hasRangeValidations(sheet)) throw new Error('exceljs no longer exposes worksheet.dataValidations');
      sheet.dataValidations.add(v.range, rule);
    }
    for (const cf of tab.conditionalFormats) {
      const style: Partial<ExcelJS.Style> = {
        fill: { type: 'pattern', pattern: 'solid', bgColor: { argb: FILLS[cf.fill] } },
      };
      sheet.addConditionalFormatting({
        ref: cf.range,
        rules: [
          cf.formula !== undefined
            ? { type: 'expression', formulae: [cf.formula.replace(/^=/, '')], priority: 1, style }
            : { type: 'cellIs', operator: 'equal', formulae: [`"${cf.equals}"`], priority: 1, style },
        ],
      });
    }
    setUpPrinting(sheet, tab);
  }
  for (const named of workbook.namedRanges) {
    book.definedNames.add(`${quoteSheet(named.tab)}!${named.range}`, named.name);
  }
  return stableZip(Buffer.from(await book.xlsx.writeBuffer()));
}

/**
 * ExcelJS dates each zip entry with the current time, so the same workbook gave different bytes on every run.
 * Re-packed with the fixed date (same entries, same order; folder entries are not needed), the same workspace
 * always produces the same file.
 */
function stableZip(xlsx: Buffer): Buffer {
  const entries: Zippable = {};
  for (const [name, data] of Object.entries(unzipSync(xlsx))) {
    if (!name.endsWith('/')) entries[name] = [data, { mtime: DOC_DATE }];
  }
  return Buffer.from(zipSync(entries, { level: 6 }));
}
