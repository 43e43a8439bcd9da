// Renders the spreadsheet model as sheets_v4.Schema$Spreadsheet (properties, objects, metadata, optional grid data).
import type { sheets_v4 } from '@googleapis/sheets';
import type { ResolvedRange } from './a1.js';
import { formattedValue } from './cells.js';
import {
  copyData,
  type EffectiveSource,
  getCell,
  locationType,
  metadataSheetId,
  type SheetModel,
  type SpreadsheetModel,
  usedExtent,
} from './sheets-state.js';

const ROW_PIXELS = 21;
const COLUMN_PIXELS = 100;

export function spreadsheetUrl(spreadsheetId: string): string {
  return `https://docs.google.com/spreadsheets/d/${spreadsheetId}/edit`;
}

/** One cell as CellData: what was entered, what it evaluates to, how it displays. */
export function cellData(
  book: SpreadsheetModel,
  sheetIndex: number,
  row: number,
  col: number,
  engine: EffectiveSource,
): sheets_v4.Schema$CellData {
  const sheet = book.sheets[sheetIndex]!;
  const cell = getCell(sheet, row, col);
  if (!cell) return {};
  const out: sheets_v4.Schema$CellData = {};
  if (cell.userEnteredValue) out.userEnteredValue = copyData(cell.userEnteredValue);
  const effective = engine.effective(book, sheetIndex, row, col);
  if (effective) {
    out.effectiveValue = copyData(effective);
    out.formattedValue = formattedValue(effective, cell.userEnteredFormat?.numberFormat ?? undefined);
  }
  if (cell.userEnteredFormat) {
    out.userEnteredFormat = copyData(cell.userEnteredFormat);
    out.effectiveFormat = copyData(cell.userEnteredFormat);
  }
  if (cell.dataValidation) out.dataValidation = copyData(cell.dataValidation);
  if (cell.note) out.note = cell.note;
  return out;
}

function dimensionMetadata(
  book: SpreadsheetModel,
  sheet: SheetModel,
  dimension: 'ROWS' | 'COLUMNS',
  index: number,
): sheets_v4.Schema$DimensionProperties {
  const props = (dimension === 'ROWS' ? sheet.rowProperties : sheet.columnProperties)[index];
  const out: sheets_v4.Schema$DimensionProperties = {
    pixelSize: dimension === 'ROWS' ? ROW_PIXELS : COLUMN_PIXELS,
    ...copyData(props ?? {}),
  };
  const meta = book.developerMetadata.filter((m) => {
    const d = m.location?.dimensionRange;
    return (
      d &&
      (d.sheetId ?? 0) === sheet.properties.sheetId &&
      d.dimension === dimension &&
      (d.startIndex ?? 0) <= index &&
      index < (d.endIndex ?? 0)
    );
  });
  if (meta.length) out.developerMetadata = structuredClone(meta);
  return out;
}

/** GridData for a rectangle: rows trimmed after the last non-empty one, as the API trims them. */
export function gridData(
  book: SpreadsheetModel,
  sheetIndex: number,
  rect: { startRow: number; endRow: number; startCol: number; endCol: number },
  engine: EffectiveSource,
  withRows = true,
): sheets_v4.Schema$GridData {
  const sheet = book.sheets[sheetIndex]!;
  const data: sheets_v4.Schema$GridData = {};
  if (rect.startRow) data.startRow = rect.startRow;
  if (rect.startCol) data.startColumn = rect.startCol;
  const extent = withRows
    ? usedExtent(sheet, rect.startRow, rect.endRow, rect.startCol, rect.endCol, () => true)
    : { rows: 0 };
  if (extent.rows > 0) {
    data.rowData = [];
    for (let r = rect.startRow; r < rect.startRow + extent.rows; r++) {
      const values: sheets_v4.Schema$CellData[] = [];
      const row = sheet.rows[r];
      const last = row ? Math.min(rect.endCol, row.length) : rect.startCol;
      for (let c = rect.startCol; c < last; c++) values.push(cellData(book, sheetIndex, r, c, engine));
      while (values.length && Object.keys(values.at(-1)!).length === 0) values.pop();
      data.rowData.push(values.length ? { values } : {});
    }
  }
  data.rowMetadata = [];
  for (let r = rect.startRow; r < rect.endRow; r++)
    data.rowMetadata.push(dimensionMetadata(book, sheet, 'ROWS', r));
  data.columnMetadata = [];
  for (let c = rect.startCol; c < rect.endCol; c++)
    data.columnMetadata.push(dimensionMetadata(book, sheet, 'COLUMNS', c));
  return data;
}

export interface RenderOptions {
  /** Include grid data for every sheet, or for these ranges only. */
  gridData?: 'all' | ResolvedRange[];
  /** Return only the sheets these ranges touch (spreadsheets.get with `ranges`). */
  ranges?: ResolvedRange[];
  engine: EffectiveSource;
  /**
   * Cell values in the grid data (default true). A field mask that names `data` without `rowData` (only
   * column or row metadata) gets none: the response would drop them anyway, and evaluating every formula
   * of the book to throw the values away makes metadata reads slow enough to trip short client timeouts.
   */
  rowData?: boolean;
}

/** The spreadsheet as spreadsheets.get / create return it. Empty lists are omitted, as Google omits them. */
export function renderSpreadsheet(
  book: SpreadsheetModel,
  options: RenderOptions,
): sheets_v4.Schema$Spreadsheet {
  const wanted = options.ranges ? new Set(options.ranges.map((r) => r.sheetIndex)) : undefined;
  const sheets: sheets_v4.Schema$Sheet[] = [];
  book.sheets.forEach((sheet, index) => {
    if (wanted && !wanted.has(index)) return;
    const out: sheets_v4.Schema$Sheet = { properties: structuredClone(sheet.properties) };
    if (options.gridData === 'all') {
      const { rowCount, columnCount } = sheet.properties.gridProperties;
      out.data = [
        gridData(
          book,
          index,
          { startRow: 0, endRow: rowCount, startCol: 0, endCol: columnCount },
          options.engine,
          options.rowData !== false,
        ),
      ];
    } else if (options.gridData) {
      const data = options.gridData
        .filter((r) => r.sheetIndex === index)
        .map((r) => gridData(book, index, r, options.engine, options.rowData !== false));
      if (data.length) out.data = data;
    }
    if (sheet.conditionalFormats.length) out.conditionalFormats = structuredClone(sheet.conditionalFormats);
    if (sheet.protectedRanges.length) out.protectedRanges = structuredClone(sheet.protectedRanges);
    if (sheet.charts.length) out.charts = structuredClone(sheet.charts);
    const sheetMeta = book.developerMetadata.filter(
      (m) => locationType(m.location) === 'SHEET' && metadataSheetId(m) === sheet.properties.sheetId,
    );
    if (sheetMeta.length) out.developerMetadata = structuredClone(sheetMeta);
    sheets.push(out);
  });
  const result: sheets_v4.Schema$Spreadsheet = {
    spreadsheetId: book.spreadsheetId,
    properties: structuredClone(book.properties),
    sheets,
    spreadsheetUrl: spreadsheetUrl(book.spreadsheetId),
  };
  const bookMeta = book.developerMetadata.filter((m) => locationType(m.location) === 'SPREADSHEET');
  if (bookMeta.length) result.developerMetadata = structuredClone(bookMeta);
  if (book.namedRanges.length) result.namedRanges = structuredClone(book.namedRanges);
  return result;
}
