// batchUpdate requests on tabs and dimensions: addSheet, deleteSheet, updateSheetProperties, insert/delete/appendDimension…
import type { sheets_v4 } from '@googleapis/sheets';
import { rewriteFormulas } from './formula-rewrite.js';
import { requireSheet, shiftDimension } from './ranges.js';
import { applyMask, fail, maskPaths, type RequestContext } from './request-context.js';
import {
  newSheet,
  reindex,
  type SheetModel,
  type SheetPropertiesModel,
  type SpreadsheetModel,
} from './sheets-state.js';

type Reply = sheets_v4.Schema$Response | undefined;

/** Sheets' rules for a tab title (messages as the API words them). */
export function checkTitle(book: SpreadsheetModel, title: string, except?: SheetModel): void {
  if (title.length > 100) fail('The sheet name cannot be greater than 100 characters.');
  if (title.trim() === '') fail('Sheet name cannot be empty.');
  const taken = book.sheets.some(
    (s) => s !== except && s.properties.title.toLowerCase() === title.toLowerCase(),
  );
  if (taken) fail(`A sheet with the name "${title}" already exists. Please enter another name.`);
}

/** A copy of the properties as the API returns them. */
export function sheetProperties(sheet: SheetModel): sheets_v4.Schema$SheetProperties {
  return structuredClone(sheet.properties);
}

function nextDefaultTitle(book: SpreadsheetModel): string {
  for (let n = book.sheets.length + 1; ; n++) {
    const title = `Sheet${n}`;
    if (!book.sheets.some((s) => s.properties.title.toLowerCase() === title.toLowerCase())) return title;
  }
}

export function addSheet(request: sheets_v4.Schema$AddSheetRequest, { book, ids }: RequestContext): Reply {
  const props = request.properties ?? {};
  let sheetId = props.sheetId ?? undefined;
  if (sheetId !== undefined) {
    if (sheetId < 0) fail('Sheet id must be non-negative.');
    if (book.sheets.some((s) => s.properties.sheetId === sheetId))
      fail(`Sheet with id ${sheetId} already exists.`);
  } else {
    do sheetId = ids.sheetId();
    while (book.sheets.some((s) => s.properties.sheetId === sheetId));
  }
  const title = props.title ?? nextDefaultTitle(book);
  checkTitle(book, title);
  const index = Math.max(0, Math.min(props.index ?? book.sheets.length, book.sheets.length));
  const grid = props.gridProperties ?? {};
  if ((grid.rowCount ?? 1) < 1 || (grid.columnCount ?? 1) < 1) fail('Grid properties must be positive.');
  for (const s of book.sheets) if (s.properties.index >= index) s.properties.index++;
  const { sheetId: _id, title: _t, index: _i, ...rest } = props;
  const sheet = newSheet({ ...rest, sheetId, title, index, sheetType: props.sheetType ?? 'GRID' });
  book.sheets.push(sheet);
  reindex(book);
  return { addSheet: { properties: sheetProperties(sheet) } };
}

export function deleteSheet(request: sheets_v4.Schema$DeleteSheetRequest, { book }: RequestContext): Reply {
  const sheet = requireSheet(book, request.sheetId);
  const visible = book.sheets.filter((s) => s !== sheet && !s.properties.hidden);
  if (visible.length === 0) fail("You can't remove all the visible sheets in a document.");
  const id = sheet.properties.sheetId;
  book.sheets = book.sheets.filter((s) => s !== sheet);
  book.namedRanges = book.namedRanges.filter((n) => (n.range?.sheetId ?? 0) !== id);
  book.developerMetadata = book.developerMetadata.filter((m) => {
    const loc = m.location;
    return !(loc?.sheetId === id || (loc?.dimensionRange && (loc.dimensionRange.sheetId ?? 0) === id));
  });
  for (const s of book.sheets)
    s.charts = s.charts.filter((c) => (c.position?.overlayPosition?.anchorCell?.sheetId ?? -1) !== id);
  reindex(book);
  return undefined;
}

export function updateSheetProperties(
  request: sheets_v4.Schema$UpdateSheetPropertiesRequest,
  { book, engine }: RequestContext,
): Reply {
  const paths = maskPaths(request.fields);
  const props = request.properties ?? {};
  const sheet = requireSheet(book, props.sheetId);
  const before = structuredClone(sheet.properties);
  const next = structuredClone(sheet.properties) as unknown as Record<string, unknown>;
  applyMask(next, props as Record<string, unknown>, paths);
  const updated = next as unknown as SheetPropertiesModel;
  updated.sheetId = before.sheetId;
  updated.sheetType = before.sheetType;
  if (updated.title === undefined) fail('Sheet name cannot be empty.');
  if (updated.title !== before.title) checkTitle(book, updated.title, sheet);
  const grid = (updated.gridProperties ?? {}) as SheetPropertiesModel['gridProperties'];
  grid.rowCount ??= 0;
  grid.columnCount ??= 0;
  updated.gridProperties = grid;
  if (grid.rowCount < 1) fail("You can't delete all the rows on the sheet.");
  if (grid.columnCount < 1) fail("You can't delete all the columns on the sheet.");
  if ((grid.frozenRowCount ?? 0) >= grid.rowCount) fail("You can't freeze all visible rows on the sheet.");
  if ((grid.frozenColumnCount ?? 0) >= grid.columnCount)
    fail("You can't freeze all visible columns on the sheet.");
  if (updated.hidden && !book.sheets.some((s) => s !== sheet && !s.properties.hidden)) {
    fail("You can't hide all the sheets in a document.");
  }
  // Shrinking the grid drops what was beyond it.
  if (grid.rowCount < before.gridProperties.rowCount) {
    shiftDimension(
      book,
      sheet,
      'ROWS',
      grid.rowCount,
      grid.rowCount - before.gridProperties.rowCount,
      engine,
    );
  }
  if (grid.columnCount < before.gridProperties.columnCount) {
    shiftDimension(
      book,
      sheet,
      'COLUMNS',
      grid.columnCount,
      grid.columnCount - before.gridProperties.columnCount,
      engine,
    );
  }
  if (updated.title !== before.title) {
    // Formulas that name the tab follow the rename, as in Sheets.
    rewriteFormulas(engine, book, {
      kind: 'rename',
      sheetIndex: book.sheets.indexOf(sheet),
      title: updated.title,
    });
  }
  const index = updated.index ?? before.index;
  sheet.properties = { ...updated, gridProperties: { ...grid } };
  if (index !== before.index) {
    const target = Math.max(0, Math.min(index, book.sheets.length - 1));
    const others = book.sheets.filter((s) => s !== sheet);
    others.splice(target, 0, sheet);
    others.forEach((s, i) => {
      s.properties.index = i;
    });
    book.sheets = others;
  }
  return undefined;
}

export function updateSpreadsheetProperties(
  request: sheets_v4.Schema$UpdateSpreadsheetPropertiesRequest,
  { book }: RequestContext,
): Reply {
  const paths = maskPaths(request.fields);
  const next = structuredClone(book.properties) as Record<string, unknown>;
  applyMask(next, (request.properties ?? {}) as Record<string, unknown>, paths);
  if (!next.title) fail('Spreadsheet title cannot be empty.');
  book.properties = next as sheets_v4.Schema$SpreadsheetProperties;
  return undefined;
}

function dimensionOf(range: sheets_v4.Schema$DimensionRange | undefined): 'ROWS' | 'COLUMNS' {
  const d = range?.dimension;
  if (d !== 'ROWS' && d !== 'COLUMNS') fail('range.dimension must be ROWS or COLUMNS');
  return d;
}

function sizeOf(sheet: SheetModel, dimension: 'ROWS' | 'COLUMNS'): number {
  const grid = sheet.properties.gridProperties;
  return dimension === 'ROWS' ? grid.rowCount : grid.columnCount;
}

export function insertDimension(
  request: sheets_v4.Schema$InsertDimensionRequest,
  { book, engine }: RequestContext,
): Reply {
  if (!request.range) fail('range is required');
  const dimension = dimensionOf(request.range);
  const sheet = requireSheet(book, request.range.sheetId);
  const size = sizeOf(sheet, dimension);
  const start = request.range.startIndex ?? 0;
  const end = request.range.endIndex ?? 0;
  if (start > size) fail(`range.startIndex is larger than current grid size (${size})`);
  if (start === size && !request.inheritFromBefore) {
    fail(`range.startIndex must be less than the grid size (${size}) if inheritFromBefore is false.`);
  }
  if (request.inheritFromBefore && start === 0) fail('Cannot inherit from before when inserting at index 0.');
  if (end <= start) fail('range.endIndex must be greater than range.startIndex');
  shiftDimension(book, sheet, dimension, start, end - start, engine);
  return undefined;
}

export function deleteDimension(
  request: sheets_v4.Schema$DeleteDimensionRequest,
  { book, engine }: RequestContext,
): Reply {
  if (!request.range) fail('range is required');
  const dimension = dimensionOf(request.range);
  const sheet = requireSheet(book, request.range.sheetId);
  const size = sizeOf(sheet, dimension);
  const start = request.range.startIndex ?? 0;
  const end = Math.min(request.range.endIndex ?? size, size);
  if (start >= size || end <= start) fail(`range.startIndex is larger than current grid size (${size})`);
  if (start === 0 && end >= size) {
    fail(`You can't delete all the ${dimension === 'ROWS' ? 'rows' : 'columns'} on the sheet.`);
  }
  shiftDimension(book, sheet, dimension, start, -(end - start), engine);
  return undefined;
}

export function appendDimension(
  request: sheets_v4.Schema$AppendDimensionRequest,
  { book }: RequestContext,
): Reply {
  const dimension = dimensionOf({ dimension: request.dimension ?? null });
  const sheet = requireSheet(book, request.sheetId);
  const length = request.length ?? 0;
  if (length < 1) fail('length must be positive');
  const grid = sheet.properties.gridProperties;
  if (dimension === 'ROWS') grid.rowCount += length;
  else grid.columnCount += length;
  return undefined;
}

export function updateDimensionProperties(
  request: sheets_v4.Schema$UpdateDimensionPropertiesRequest,
  { book }: RequestContext,
): Reply {
  const paths = maskPaths(request.fields);
  if (!request.range) fail('range is required');
  const dimension = dimensionOf(request.range);
  const sheet = requireSheet(book, request.range.sheetId);
  const size = sizeOf(sheet, dimension);
  const start = request.range.startIndex ?? 0;
  const end = request.range.endIndex ?? size;
  if (end > size || start >= end) fail(`range.startIndex is larger than current grid size (${size})`);
  const list = dimension === 'ROWS' ? sheet.rowProperties : sheet.columnProperties;
  for (let i = start; i < end; i++) {
    const current = (list[i] ?? {}) as Record<string, unknown>;
    applyMask(current, (request.properties ?? {}) as Record<string, unknown>, paths);
    list[i] = current as sheets_v4.Schema$DimensionProperties;
  }
  return undefined;
}
