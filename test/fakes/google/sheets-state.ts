// The in-memory spreadsheet model (sheets, cells, rules, metadata) and its rendering as sheets_v4.Schema$Spreadsheet.
import type { sheets_v4 } from '@googleapis/sheets';
import type { GridSheetInfo } from './a1.js';

type Schema$ExtendedValue = sheets_v4.Schema$ExtendedValue;

/** One cell as stored: what the user entered, its format, validation and note. */
export interface CellModel {
  userEnteredValue?: Schema$ExtendedValue;
  userEnteredFormat?: sheets_v4.Schema$CellFormat;
  dataValidation?: sheets_v4.Schema$DataValidationRule;
  note?: string;
}

export interface SheetPropertiesModel extends sheets_v4.Schema$SheetProperties {
  sheetId: number;
  title: string;
  index: number;
  sheetType: string;
  gridProperties: sheets_v4.Schema$GridProperties & { rowCount: number; columnCount: number };
}

export interface SheetModel {
  properties: SheetPropertiesModel;
  /** Sparse rows of sparse cells: rows[r]?.[c]. */
  rows: (CellModel | undefined)[][];
  conditionalFormats: sheets_v4.Schema$ConditionalFormatRule[];
  protectedRanges: sheets_v4.Schema$ProtectedRange[];
  charts: sheets_v4.Schema$EmbeddedChart[];
  /** Per-row / per-column properties set by updateDimensionProperties (sparse). */
  rowProperties: (sheets_v4.Schema$DimensionProperties | undefined)[];
  columnProperties: (sheets_v4.Schema$DimensionProperties | undefined)[];
}

export interface SpreadsheetModel {
  spreadsheetId: string;
  properties: sheets_v4.Schema$SpreadsheetProperties;
  sheets: SheetModel[];
  namedRanges: sheets_v4.Schema$NamedRange[];
  /** All developer metadata, wherever it is located (location.locationType says where). */
  developerMetadata: sheets_v4.Schema$DeveloperMetadata[];
  /** Bumped on every committed change; formula results are cached per revision. */
  revision: number;
  /** metadataId → the developer project (OAuth client) that made each PROJECT-visible entry. */
  metadataOwners?: Record<string, string>;
}

/** What a cell evaluates to (formula results come from the formula engine). */
export type EffectiveValue = Schema$ExtendedValue | undefined;

export interface EffectiveSource {
  effective(book: SpreadsheetModel, sheetIndex: number, row: number, col: number): EffectiveValue;
}

export const DEFAULT_ROWS = 1000;
export const DEFAULT_COLUMNS = 26;

/** A new tab: 1000 × 26 unless told, as Sheets makes them. */
export function newSheet(
  props: Partial<sheets_v4.Schema$SheetProperties> & { sheetId: number; title: string; index: number },
): SheetModel {
  const grid = props.gridProperties ?? {};
  return {
    properties: {
      ...props,
      sheetId: props.sheetId,
      title: props.title,
      index: props.index,
      sheetType: props.sheetType ?? 'GRID',
      gridProperties: {
        ...grid,
        rowCount: grid.rowCount ?? DEFAULT_ROWS,
        columnCount: grid.columnCount ?? DEFAULT_COLUMNS,
      },
    },
    rows: [],
    conditionalFormats: [],
    protectedRanges: [],
    charts: [],
    rowProperties: [],
    columnProperties: [],
  };
}

export function gridInfo(book: SpreadsheetModel): GridSheetInfo[] {
  return book.sheets.map((s) => ({
    title: s.properties.title,
    sheetId: s.properties.sheetId,
    rowCount: s.properties.gridProperties.rowCount,
    columnCount: s.properties.gridProperties.columnCount,
  }));
}

export function sheetById(
  book: SpreadsheetModel,
  sheetId: number | null | undefined,
): SheetModel | undefined {
  return book.sheets.find((s) => s.properties.sheetId === (sheetId ?? 0));
}

export function sheetByTitle(book: SpreadsheetModel, title: string): SheetModel | undefined {
  return book.sheets.find((s) => s.properties.title.toLowerCase() === title.toLowerCase());
}

export function getCell(sheet: SheetModel, row: number, col: number): CellModel | undefined {
  return sheet.rows[row]?.[col];
}

/** Stores a cell (or removes it when it holds nothing). */
export function setCell(sheet: SheetModel, row: number, col: number, cell: CellModel | undefined): void {
  const empty =
    !cell ||
    (cell.userEnteredValue === undefined &&
      cell.userEnteredFormat === undefined &&
      cell.dataValidation === undefined &&
      cell.note === undefined);
  if (empty) {
    const r = sheet.rows[row];
    if (r) delete r[col];
    return;
  }
  let r = sheet.rows[row];
  if (!r) {
    r = [];
    sheet.rows[row] = r;
  }
  r[col] = cell;
}

/** Reindexes tabs after an add, delete or move. */
export function reindex(book: SpreadsheetModel): void {
  book.sheets.sort((a, b) => a.properties.index - b.properties.index);
  book.sheets.forEach((s, i) => {
    s.properties.index = i;
  });
}

export function cloneBook(book: SpreadsheetModel): SpreadsheetModel {
  return copyData(book);
}

/**
 * A deep copy of plain data (the model holds only JSON values, sparse arrays kept sparse). About 5× faster
 * than structuredClone, which serializes on every call: on a 10,000-row workbook a batchUpdate's copy took
 * 0.6 s with it, and copying each cell rendered by a spreadsheets.get was most of the get's time.
 */
export function copyData<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(copyData) as T;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = copyData((value as Record<string, unknown>)[key]);
  return out as T;
}

/**
 * A working copy for writes that only store cells in the given tabs (values.update, values.batchUpdate):
 * new book, tab and row arrays, the cells shared (writeValues never changes a stored cell, it stores a new
 * one), so a failed write still leaves the stored book as it was. On a 10,000-row workbook this takes
 * about 1 ms where structuredClone took 0.6 s: 10,000 one-row writes (the bench's per-row baseline) would
 * have taken over an hour and a half.
 */
export function cloneForCellWrites(book: SpreadsheetModel, sheetIndexes: Iterable<number>): SpreadsheetModel {
  const sheets = [...book.sheets];
  for (const i of new Set(sheetIndexes)) {
    const sheet = sheets[i];
    if (sheet) sheets[i] = { ...sheet, rows: sheet.rows.map((row) => (row ? row.slice() : row)) };
  }
  return { ...book, sheets };
}

/** The last row/column (exclusive) that holds a value within a rectangle, for trimming reads. */
export function usedExtent(
  sheet: SheetModel,
  r0: number,
  r1: number,
  c0: number,
  c1: number,
  has: (row: number, col: number) => boolean,
): { rows: number; cols: number } {
  let rows = 0;
  let cols = 0;
  for (let r = r0; r < r1; r++) {
    const row = sheet.rows[r];
    if (!row) continue;
    for (let c = c0; c < Math.min(c1, row.length); c++) {
      if (row[c] !== undefined && has(r, c)) {
        rows = Math.max(rows, r - r0 + 1);
        cols = Math.max(cols, c - c0 + 1);
      }
    }
  }
  return { rows, cols };
}

/** Where a developer-metadata location points: "SPREADSHEET", "SHEET", "ROW" or "COLUMN". */
export function locationType(location: sheets_v4.Schema$DeveloperMetadataLocation | undefined): string {
  if (!location) return 'DEVELOPER_METADATA_LOCATION_TYPE_UNSPECIFIED';
  if (location.spreadsheet) return 'SPREADSHEET';
  if (location.dimensionRange) return location.dimensionRange.dimension === 'ROWS' ? 'ROW' : 'COLUMN';
  if (location.sheetId !== undefined && location.sheetId !== null) return 'SHEET';
  return 'DEVELOPER_METADATA_LOCATION_TYPE_UNSPECIFIED';
}

export function metadataSheetId(meta: sheets_v4.Schema$DeveloperMetadata): number | undefined {
  const loc = meta.location;
  if (!loc) return undefined;
  if (loc.dimensionRange) return loc.dimensionRange.sheetId ?? 0;
  if (loc.sheetId !== undefined && loc.sheetId !== null) return loc.sheetId;
  return undefined;
}
