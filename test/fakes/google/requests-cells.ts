// batchUpdate requests on cells: updateCells, repeatCell, appendCells, setDataValidation.
import type { sheets_v4 } from '@googleapis/sheets';
import { formatCells, gridLimitsMessage, resolveA1 } from './a1.js';
import { checkGridRange, requireSheet } from './ranges.js';
import { applyMask, fail, maskPaths, type RequestContext } from './request-context.js';
import {
  type CellModel,
  getCell,
  gridInfo,
  type SheetModel,
  type SpreadsheetModel,
  setCell,
} from './sheets-state.js';

type Reply = sheets_v4.Schema$Response | undefined;
type CellData = sheets_v4.Schema$CellData;

const VALUE_KEYS = ['numberValue', 'stringValue', 'boolValue', 'formulaValue', 'errorValue'] as const;
/** The CellData fields a write may set; the rest (effectiveValue, formattedValue…) are read-only. */
const WRITABLE = new Set(['userEnteredValue', 'userEnteredFormat', 'dataValidation', 'note']);

function checkExtendedValue(value: sheets_v4.Schema$ExtendedValue | undefined, where: string): void {
  if (!value) return;
  const set = VALUE_KEYS.filter((k) => value[k] !== undefined && value[k] !== null);
  if (set.length > 1) {
    fail(
      `Invalid value at '${where}.user_entered_value': oneof field 'value' is already set. Cannot set '${set[1]}'`,
    );
  }
  if (set[0] === 'errorValue') fail(`${where}.userEnteredValue.errorValue cannot be set.`);
}

/** Writes the masked fields of `data` into the cell at (row, col). */
function writeCell(
  sheet: SheetModel,
  row: number,
  col: number,
  data: CellData | undefined,
  paths: string[],
): void {
  const current = structuredClone(getCell(sheet, row, col) ?? {}) as Record<string, unknown>;
  const source = (data ?? {}) as Record<string, unknown>;
  for (const path of paths) {
    const top = path.split('.')[0]!;
    if (path === '*') {
      for (const key of WRITABLE) {
        if (source[key] === undefined || source[key] === null) delete current[key];
        else current[key] = structuredClone(source[key]);
      }
      continue;
    }
    if (!WRITABLE.has(top)) continue;
    applyMask(current, source, [path]);
  }
  const cell = current as CellModel;
  if (cell.userEnteredFormat && Object.keys(cell.userEnteredFormat).length === 0)
    delete cell.userEnteredFormat;
  setCell(sheet, row, col, cell);
}

function checkPaths(paths: string[]): void {
  for (const path of paths) {
    const top = path.split('.')[0]!;
    if (
      path !== '*' &&
      !WRITABLE.has(top) &&
      ![
        'effectiveValue',
        'formattedValue',
        'effectiveFormat',
        'hyperlink',
        'textFormatRuns',
        'pivotTable',
        'chipRuns',
      ].includes(top)
    ) {
      fail(`Invalid field mask: ${path}`);
    }
  }
}

const NUMBER_FORMAT_TYPES = [
  'TEXT',
  'NUMBER',
  'PERCENT',
  'CURRENCY',
  'DATE',
  'TIME',
  'DATE_TIME',
  'SCIENTIFIC',
];

/** A Color's channels are "a value in the interval [0, 1]" (Color reference). */
function checkColor(color: sheets_v4.Schema$Color | null | undefined, where: string): void {
  if (!color) return;
  for (const channel of ['red', 'green', 'blue', 'alpha'] as const) {
    const v = color[channel];
    if (v != null && (typeof v !== 'number' || v < 0 || v > 1)) {
      fail(`${where}.${channel} must be in the interval [0, 1], got ${String(v)}.`);
    }
  }
}

/**
 * CellFormat rules from the reference: NumberFormat.type "When writing, this field must be set" (and is
 * a NumberFormatType); every Color channel is in [0, 1].
 */
export function checkCellFormat(format: sheets_v4.Schema$CellFormat | null | undefined, where: string): void {
  if (!format) return;
  const number = format.numberFormat;
  if (number) {
    if (!number.type || number.type === 'NUMBER_FORMAT_TYPE_UNSPECIFIED')
      fail(`${where}.numberFormat.type must be set when writing a number format.`);
    if (!NUMBER_FORMAT_TYPES.includes(number.type)) {
      fail(
        `Invalid value at '${where}.number_format.type' (type.googleapis.com/google.apps.sheets.v4.NumberFormatType), "${number.type}"`,
      );
    }
  }
  checkColor(format.backgroundColor, `${where}.backgroundColor`);
  checkColor(format.backgroundColorStyle?.rgbColor, `${where}.backgroundColorStyle.rgbColor`);
  checkColor(format.textFormat?.foregroundColor, `${where}.textFormat.foregroundColor`);
  checkColor(
    format.textFormat?.foregroundColorStyle?.rgbColor,
    `${where}.textFormat.foregroundColorStyle.rgbColor`,
  );
}

function checkRows(rows: sheets_v4.Schema$RowData[] | undefined, where: string): void {
  (rows ?? []).forEach((row, r) => {
    (row.values ?? []).forEach((cell, c) => {
      checkExtendedValue(cell.userEnteredValue, `${where}.rows[${r}].values[${c}]`);
      checkCellFormat(cell.userEnteredFormat, `${where}.rows[${r}].values[${c}].userEnteredFormat`);
    });
  });
}

function outOfGrid(
  sheet: SheetModel,
  startRow: number,
  endRow: number,
  startCol: number,
  endCol: number,
): never {
  const { rowCount, columnCount } = sheet.properties.gridProperties;
  fail(
    gridLimitsMessage(sheet.properties.title, formatCells({ startRow, endRow, startCol, endCol }), {
      title: sheet.properties.title,
      sheetId: sheet.properties.sheetId,
      rowCount,
      columnCount,
    }),
  );
}

export function updateCells(request: sheets_v4.Schema$UpdateCellsRequest, { book }: RequestContext): Reply {
  const paths = maskPaths(request.fields);
  checkPaths(paths);
  if (!!request.start === !!request.range) fail('Exactly one of start or range must be set.');
  checkRows(request.rows, 'requests');
  const rows = request.rows ?? [];
  const height = rows.length;
  const width = Math.max(0, ...rows.map((r) => r.values?.length ?? 0));
  if (request.start) {
    const sheet = requireSheet(book, request.start.sheetId);
    const r0 = request.start.rowIndex ?? 0;
    const c0 = request.start.columnIndex ?? 0;
    const { rowCount, columnCount } = sheet.properties.gridProperties;
    if (r0 + height > rowCount || c0 + width > columnCount || r0 >= rowCount || c0 >= columnCount) {
      outOfGrid(sheet, r0, r0 + Math.max(height, 1), c0, c0 + Math.max(width, 1));
    }
    rows.forEach((row, r) => {
      (row.values ?? []).forEach((cell, c) => {
        writeCell(sheet, r0 + r, c0 + c, cell, paths);
      });
    });
    return undefined;
  }
  const rect = checkGridRange(book, request.range);
  if (height > rect.endRow - rect.startRow || width > rect.endCol - rect.startCol) {
    outOfGrid(rect.sheet, rect.startRow, rect.startRow + height, rect.startCol, rect.startCol + width);
  }
  // Cells of the range the rows do not cover are cleared (for the masked fields), as the API documents.
  for (let r = rect.startRow; r < rect.endRow; r++) {
    for (let c = rect.startCol; c < rect.endCol; c++) {
      const data = rows[r - rect.startRow]?.values?.[c - rect.startCol];
      if (data === undefined && getCell(rect.sheet, r, c) === undefined) continue;
      writeCell(rect.sheet, r, c, data, paths);
    }
  }
  return undefined;
}

export function repeatCell(request: sheets_v4.Schema$RepeatCellRequest, { book }: RequestContext): Reply {
  const paths = maskPaths(request.fields);
  checkPaths(paths);
  const rect = checkGridRange(book, request.range);
  checkExtendedValue(request.cell?.userEnteredValue, 'requests.cell');
  checkCellFormat(request.cell?.userEnteredFormat, 'cell.userEnteredFormat');
  for (let r = rect.startRow; r < rect.endRow; r++) {
    for (let c = rect.startCol; c < rect.endCol; c++) writeCell(rect.sheet, r, c, request.cell, paths);
  }
  return undefined;
}

export function appendCells(request: sheets_v4.Schema$AppendCellsRequest, { book }: RequestContext): Reply {
  const paths = maskPaths(request.fields);
  checkPaths(paths);
  const sheet = requireSheet(book, request.sheetId);
  checkRows(request.rows, 'requests');
  let last = -1;
  sheet.rows.forEach((row, r) => {
    if (row?.some((cell) => cell?.userEnteredValue !== undefined)) last = r;
  });
  const rows = request.rows ?? [];
  const grid = sheet.properties.gridProperties;
  const width = Math.max(0, ...rows.map((r) => r.values?.length ?? 0));
  if (width > grid.columnCount) outOfGrid(sheet, last + 1, last + 1 + rows.length, 0, width);
  // appendCells adds rows to the grid when it runs out, as the API documents.
  grid.rowCount = Math.max(grid.rowCount, last + 1 + rows.length);
  rows.forEach((row, i) => {
    (row.values ?? []).forEach((cell, c) => {
      writeCell(sheet, last + 1 + i, c, cell, paths);
    });
  });
  return undefined;
}

const CONDITION_VALUES: Record<string, [min: number, max: number]> = {
  NUMBER_GREATER: [1, 1],
  NUMBER_GREATER_THAN_EQ: [1, 1],
  NUMBER_LESS: [1, 1],
  NUMBER_LESS_THAN_EQ: [1, 1],
  NUMBER_EQ: [1, 1],
  NUMBER_NOT_EQ: [1, 1],
  NUMBER_BETWEEN: [2, 2],
  NUMBER_NOT_BETWEEN: [2, 2],
  TEXT_CONTAINS: [1, 1],
  TEXT_NOT_CONTAINS: [1, 1],
  TEXT_STARTS_WITH: [1, 1],
  TEXT_ENDS_WITH: [1, 1],
  TEXT_EQ: [1, 1],
  TEXT_NOT_EQ: [1, 1],
  TEXT_IS_EMAIL: [0, 0],
  TEXT_IS_URL: [0, 0],
  DATE_EQ: [1, 1],
  DATE_NOT_EQ: [1, 1],
  DATE_BEFORE: [1, 1],
  DATE_AFTER: [1, 1],
  DATE_ON_OR_BEFORE: [1, 1],
  DATE_ON_OR_AFTER: [1, 1],
  DATE_BETWEEN: [2, 2],
  DATE_NOT_BETWEEN: [2, 2],
  DATE_IS_VALID: [0, 0],
  ONE_OF_RANGE: [1, 1],
  // "ConditionType.ONE_OF_LIST supports an arbitrary number of values" (BooleanCondition.values).
  ONE_OF_LIST: [1, Number.POSITIVE_INFINITY],
  BLANK: [0, 0],
  NOT_BLANK: [0, 0],
  CUSTOM_FORMULA: [1, 1],
  BOOLEAN: [0, 2],
};

/**
 * Which feature each ConditionType works in, as the ConditionType reference states it ("Supported by data
 * validation", "Supported by conditional formatting and filters", "Supported by filters on data source
 * objects"). Types not listed are supported by data validation, conditional formatting and filters.
 */
const CONDITION_FEATURES: Record<string, readonly ('dataValidation' | 'conditionalFormat')[]> = {
  TEXT_IS_EMAIL: ['dataValidation'],
  TEXT_IS_URL: ['dataValidation'],
  DATE_BETWEEN: ['dataValidation'],
  DATE_IS_VALID: ['dataValidation'],
  ONE_OF_RANGE: ['dataValidation'],
  ONE_OF_LIST: ['dataValidation'],
  BOOLEAN: ['dataValidation'],
  BLANK: ['conditionalFormat'],
  NOT_BLANK: ['conditionalFormat'],
  TEXT_STARTS_WITH: ['conditionalFormat'],
  TEXT_ENDS_WITH: ['conditionalFormat'],
  TEXT_NOT_EQ: [],
  DATE_NOT_EQ: [],
};

/** Checks a BooleanCondition's type, value count and the feature it is used in (data validation or CF). */
export function checkCondition(
  condition: sheets_v4.Schema$BooleanCondition | undefined,
  what: string,
  book: SpreadsheetModel,
  feature: 'dataValidation' | 'conditionalFormat' = 'dataValidation',
): void {
  if (!condition?.type) fail(`${what}.condition.type is required`);
  const counts = CONDITION_VALUES[condition.type];
  if (!counts) fail(`Invalid value at '${what}.condition.type': "${condition.type}"`);
  const supported = CONDITION_FEATURES[condition.type];
  if (supported && !supported.includes(feature)) {
    fail(
      `${what}.condition: ${condition.type} is not supported by ${feature === 'dataValidation' ? 'data validation' : 'conditional formatting'}.`,
    );
  }
  const n = condition.values?.length ?? 0;
  if (n < counts[0] || n > counts[1]) {
    fail(
      `${what}.condition of type ${condition.type} takes ${counts[0] === counts[1] ? counts[0] : `${counts[0]}-${counts[1]}`} value(s), got ${n}.`,
    );
  }
  // "Formulas are supported (and must begin with an `=` or a '+')." (sheets_v4.Schema$ConditionValue)
  const first = condition.values?.[0]?.userEnteredValue ?? '';
  if (condition.type === 'CUSTOM_FORMULA' && !/^[=+]/.test(first)) {
    fail(`${what}.condition: a CUSTOM_FORMULA value must be a formula starting with "=".`);
  }
  if (condition.type === 'ONE_OF_RANGE') {
    // "the value should be a valid range in A1 notation": it must name a sheet that exists.
    try {
      resolveA1(first.replace(/^[=+]/, ''), gridInfo(book), book.namedRanges);
    } catch {
      fail(`${what}.condition: ONE_OF_RANGE value ${JSON.stringify(first)} is not a valid range.`);
    }
  }
}

export function setDataValidation(
  request: sheets_v4.Schema$SetDataValidationRequest,
  { book }: RequestContext,
): Reply {
  const rect = checkGridRange(book, request.range);
  if (request.rule) checkCondition(request.rule.condition, 'rule', book, 'dataValidation');
  for (let r = rect.startRow; r < rect.endRow; r++) {
    for (let c = rect.startCol; c < rect.endCol; c++) {
      const cell: CellModel = { ...(getCell(rect.sheet, r, c) ?? {}) };
      if (request.rule) cell.dataValidation = structuredClone(request.rule);
      else delete cell.dataValidation;
      setCell(rect.sheet, r, c, cell);
    }
  }
  return undefined;
}
