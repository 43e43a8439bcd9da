// spreadsheets.values: get/batchGet/update/batchUpdate/append/clear with RAW vs USER_ENTERED and render options.
import type { sheets_v4 } from '@googleapis/sheets';
import { columnLetters, type ResolvedRange, rangeText, resolveA1 } from './a1.js';
import {
  DATE_TIME_RENDER_OPTIONS,
  type DateTimeRenderOption,
  parseInput,
  renderValue,
  VALUE_INPUT_OPTIONS,
  VALUE_RENDER_OPTIONS,
  type ValueInputOption,
  type ValueRenderOption,
} from './cells.js';
import { invalidArgument } from './errors.js';
import type { FormulaEngine } from './formulas.js';
import { shiftDimension } from './ranges.js';
import {
  type CellModel,
  type EffectiveSource,
  getCell,
  gridInfo,
  type SpreadsheetModel,
  setCell,
} from './sheets-state.js';

export interface ReadOptions {
  majorDimension?: string | null;
  valueRenderOption?: string | null;
  dateTimeRenderOption?: string | null;
}

function enumParam<T extends string>(
  value: string | null | undefined,
  allowed: readonly T[],
  fallback: T,
  name: string,
  type: string,
): T {
  if (value === undefined || value === null || value === '') return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw invalidArgument(
      `Invalid value at '${name}' (type.googleapis.com/google.apps.sheets.v4.${type}), "${value}"`,
    );
  }
  return value as T;
}

function majorDimension(value: string | null | undefined, name = 'major_dimension'): 'ROWS' | 'COLUMNS' {
  if (value === 'DIMENSION_UNSPECIFIED') return 'ROWS';
  return enumParam(value, ['ROWS', 'COLUMNS'] as const, 'ROWS', name, 'Dimension');
}

export function resolve(book: SpreadsheetModel, text: string): ResolvedRange {
  return resolveA1(text, gridInfo(book), book.namedRanges);
}

function transpose(rows: unknown[][]): unknown[][] {
  const width = Math.max(0, ...rows.map((r) => r.length));
  return Array.from({ length: width }, (_, c) => rows.map((r) => r[c]));
}

/** Reads a rectangle as a ValueRange: trailing empty rows and cells trimmed, `values` absent when empty. */
export function readRange(
  book: SpreadsheetModel,
  range: ResolvedRange,
  options: ReadOptions,
  engine: EffectiveSource,
): sheets_v4.Schema$ValueRange {
  const render = enumParam<ValueRenderOption>(
    options.valueRenderOption,
    VALUE_RENDER_OPTIONS,
    'FORMATTED_VALUE',
    'value_render_option',
    'ValueRenderOption',
  );
  const dateTime = enumParam<DateTimeRenderOption>(
    options.dateTimeRenderOption,
    DATE_TIME_RENDER_OPTIONS,
    'SERIAL_NUMBER',
    'date_time_render_option',
    'DateTimeRenderOption',
  );
  const major = majorDimension(options.majorDimension);
  const sheet = book.sheets[range.sheetIndex]!;
  const rows: unknown[][] = [];
  for (let r = range.startRow; r < range.endRow; r++) {
    const row: unknown[] = [];
    const stored = sheet.rows[r];
    if (stored) {
      for (let c = range.startCol; c < Math.min(range.endCol, stored.length); c++) {
        const cell = stored[c];
        const value = cell
          ? renderValue(cell, engine.effective(book, range.sheetIndex, r, c), render, dateTime)
          : undefined;
        row.push(value === undefined ? '' : value);
      }
    }
    rows.push(row);
  }
  const trim = (grid: unknown[][]) => {
    for (const row of grid) while (row.length && row.at(-1) === '') row.pop();
    while (grid.length && grid.at(-1)!.length === 0) grid.pop();
    return grid;
  };
  let values = trim(rows);
  if (major === 'COLUMNS')
    values = trim(transpose(values).map((col) => col.map((v) => (v === undefined ? '' : v))));
  const out: sheets_v4.Schema$ValueRange = { range: range.text, majorDimension: major };
  if (values.length) out.values = values;
  return out;
}

/** valueInputOption is required on every write ("'valueInputOption' is required but not specified"). */
export function inputOption(value: string | null | undefined): ValueInputOption {
  if (value === undefined || value === null || value === '' || value === 'INPUT_VALUE_OPTION_UNSPECIFIED') {
    throw invalidArgument("'valueInputOption' is required but not specified");
  }
  return enumParam<ValueInputOption>(
    value,
    VALUE_INPUT_OPTIONS,
    'RAW',
    'value_input_option',
    'ValueInputOption',
  );
}

export interface WriteResult {
  response: sheets_v4.Schema$UpdateValuesResponse;
  sheetIndex: number;
  /** The rectangle written, for includeValuesInResponse. */
  written?: ResolvedRange;
}

function checkValues(values: unknown, where: string): unknown[][] {
  if (values === undefined || values === null) return [];
  if (!Array.isArray(values)) {
    throw invalidArgument(
      `Invalid value at '${where}' (type.googleapis.com/google.protobuf.ListValue), ${JSON.stringify(values)}`,
    );
  }
  values.forEach((row, i) => {
    if (!Array.isArray(row)) {
      throw invalidArgument(
        `Invalid value at '${where}[${i}]' (type.googleapis.com/google.protobuf.ListValue), ${JSON.stringify(row)}`,
      );
    }
  });
  return values as unknown[][];
}

/**
 * Writes a ValueRange at a resolved range. A single cell is an origin; a larger range bounds the write
 * ("Requested writing within range [X], but tried writing to row [N]"); nothing may land beyond the grid.
 */
export function writeValues(
  book: SpreadsheetModel,
  requestedText: string,
  range: ResolvedRange,
  input: { values?: unknown; majorDimension?: string | null },
  option: ValueInputOption,
  where = 'values',
): WriteResult {
  let values = checkValues(input.values, where);
  if (majorDimension(input.majorDimension, 'data.major_dimension') === 'COLUMNS') values = transpose(values);
  const sheet = book.sheets[range.sheetIndex]!;
  const { rowCount, columnCount } = sheet.properties.gridProperties;
  const limitRow = range.single ? rowCount : range.endRow;
  const limitCol = range.single ? columnCount : range.endCol;
  values.forEach((row, i) => {
    const r = range.startRow + i;
    if (r >= limitRow) {
      throw invalidArgument(
        `Requested writing within range [${requestedText}], but tried writing to row [${r + 1}]`,
      );
    }
    row.forEach((_, j) => {
      const c = range.startCol + j;
      if (c >= limitCol) {
        throw invalidArgument(
          `Requested writing within range [${requestedText}], but tried writing to column [${columnLetters(c)}]`,
        );
      }
    });
  });
  const rowsTouched = new Set<number>();
  const colsTouched = new Set<number>();
  let cells = 0;
  values.forEach((row, i) => {
    row.forEach((value, j) => {
      const r = range.startRow + i;
      const c = range.startCol + j;
      const parsed = parseInput(value, option, `${where}[${i}][${j}]`);
      if (parsed.kind === 'skip') return;
      const cell: CellModel = { ...(getCell(sheet, r, c) ?? {}) };
      if (parsed.kind === 'clear') delete cell.userEnteredValue;
      else {
        cell.userEnteredValue = parsed.value;
        if (parsed.numberFormat && !cell.userEnteredFormat?.numberFormat) {
          cell.userEnteredFormat = { ...(cell.userEnteredFormat ?? {}), numberFormat: parsed.numberFormat };
        }
      }
      setCell(sheet, r, c, cell);
      rowsTouched.add(r);
      colsTouched.add(c);
      cells++;
    });
  });
  const response: sheets_v4.Schema$UpdateValuesResponse = { spreadsheetId: book.spreadsheetId };
  if (cells === 0) return { response, sheetIndex: range.sheetIndex };
  const height = values.length;
  const width = Math.max(...values.map((r) => r.length));
  const written: ResolvedRange = {
    ...range,
    endRow: range.startRow + height,
    endCol: range.startCol + width,
    single: height === 1 && width === 1,
    text: rangeText(
      range.title,
      range.startRow,
      range.startRow + height,
      range.startCol,
      range.startCol + width,
    ),
  };
  response.updatedRange = written.text;
  response.updatedRows = rowsTouched.size;
  response.updatedColumns = colsTouched.size;
  response.updatedCells = cells;
  return { response, sheetIndex: range.sheetIndex, written };
}

function hasValue(cell: CellModel | undefined): boolean {
  return cell?.userEnteredValue !== undefined;
}

/**
 * values.append: finds the table in the range (the first non-empty row at or below the range's top,
 * within its columns, through the last row before an empty one) and writes after it, starting at the
 * table's first column. OVERWRITE grows the grid's rows when needed; INSERT_ROWS inserts rows first.
 */
export function appendValues(
  book: SpreadsheetModel,
  requestedText: string,
  range: ResolvedRange,
  input: { values?: unknown; majorDimension?: string | null },
  option: ValueInputOption,
  insertDataOption: string | null | undefined,
  engine?: FormulaEngine,
): sheets_v4.Schema$AppendValuesResponse {
  const insert = enumParam(
    insertDataOption,
    ['OVERWRITE', 'INSERT_ROWS'] as const,
    'OVERWRITE',
    'insert_data_option',
    'InsertDataOption',
  );
  let values = checkValues(input.values, 'values');
  if (majorDimension(input.majorDimension, 'data.major_dimension') === 'COLUMNS') values = transpose(values);
  const sheet = book.sheets[range.sheetIndex]!;
  const searchEndCol = range.single ? sheet.properties.gridProperties.columnCount : range.endCol;
  const rowHasData = (r: number) => {
    for (let c = range.startCol; c < searchEndCol; c++) if (hasValue(getCell(sheet, r, c))) return true;
    return false;
  };
  let first = -1;
  for (let r = range.startRow; r < sheet.properties.gridProperties.rowCount; r++) {
    if (rowHasData(r)) {
      first = r;
      break;
    }
  }
  let targetRow = range.startRow;
  let targetCol = range.startCol;
  let tableRange: string | undefined;
  if (first >= 0) {
    let last = first;
    while (last + 1 < sheet.properties.gridProperties.rowCount && rowHasData(last + 1)) last++;
    let minCol = Number.MAX_SAFE_INTEGER;
    let maxCol = -1;
    for (let r = first; r <= last; r++) {
      for (let c = range.startCol; c < searchEndCol; c++) {
        if (hasValue(getCell(sheet, r, c))) {
          minCol = Math.min(minCol, c);
          maxCol = Math.max(maxCol, c);
        }
      }
    }
    tableRange = rangeText(range.title, first, last + 1, minCol, maxCol + 1);
    targetRow = last + 1;
    targetCol = minCol;
  }
  const height = values.length;
  const grid = sheet.properties.gridProperties;
  if (insert === 'INSERT_ROWS' && height > 0) {
    if (targetRow < grid.rowCount) shiftDimension(book, sheet, 'ROWS', targetRow, height, engine);
    else grid.rowCount = targetRow + height;
  } else if (targetRow + height > grid.rowCount) {
    grid.rowCount = targetRow + height;
  }
  const target: ResolvedRange = {
    ...range,
    startRow: targetRow,
    startCol: targetCol,
    endRow: targetRow + Math.max(height, 1),
    endCol: grid.columnCount,
    single: true,
    text: rangeText(range.title, targetRow, targetRow + 1, targetCol, targetCol + 1),
  };
  const { response } = writeValues(book, requestedText, target, { values }, option);
  const out: sheets_v4.Schema$AppendValuesResponse = { spreadsheetId: book.spreadsheetId, updates: response };
  if (tableRange) out.tableRange = tableRange;
  return out;
}

/** values.clear: removes values (formats stay), answers the cleared range. */
export function clearValues(book: SpreadsheetModel, range: ResolvedRange): string {
  const sheet = book.sheets[range.sheetIndex]!;
  for (let r = range.startRow; r < range.endRow; r++) {
    const row = sheet.rows[r];
    if (!row) continue;
    for (let c = range.startCol; c < Math.min(range.endCol, row.length); c++) {
      const cell = row[c];
      if (!cell?.userEnteredValue) continue;
      const { userEnteredValue: _, ...rest } = cell;
      setCell(sheet, r, c, rest);
    }
  }
  return range.text;
}
