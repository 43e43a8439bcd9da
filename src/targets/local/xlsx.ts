// Writes the compiled workbook as Partnernomics.xlsx: live formulas, named ranges, dropdowns, RYG formats.
import ExcelJS from 'exceljs';
import { unzipSync, type Zippable, zipSync } from 'fflate';
import { quoteSheet } from '../../blueprint/compile-workbook.js';
import type { CellFormat, CellStyle, DesiredCell, DesiredWorkbook, Fill } from '../../blueprint/desired.js';

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

/** Builds the workbook in memory; the caller writes the bytes. */
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
