// spreadsheets.batchUpdate: parse every request, apply them in order to a working copy, commit all or nothing.
import type { sheets_v4 } from '@googleapis/sheets';
import { invalidArgument, notModelled } from './errors.js';
import { type RequestContext, RequestError, type RequestHandler } from './request-context.js';
import { appendCells, repeatCell, setDataValidation, updateCells } from './requests-cells.js';
import {
  createDeveloperMetadata,
  deleteDeveloperMetadata,
  updateDeveloperMetadata,
} from './requests-metadata.js';
import { moveDimension, sortRange } from './requests-move.js';
import {
  addChart,
  addConditionalFormatRule,
  addNamedRange,
  addProtectedRange,
  deleteConditionalFormatRule,
  deleteNamedRange,
  deleteProtectedRange,
} from './requests-objects.js';
import {
  addSheet,
  appendDimension,
  deleteDimension,
  deleteSheet,
  insertDimension,
  updateDimensionProperties,
  updateSheetProperties,
  updateSpreadsheetProperties,
} from './requests-sheets.js';
import { cloneBook, type SpreadsheetModel } from './sheets-state.js';

/** The request kinds the fake models, with the top-level fields each accepts (from sheets_v4's types). */
const HANDLERS: Record<string, { handler: RequestHandler; fields: readonly string[] }> = {
  addSheet: { handler: addSheet as RequestHandler, fields: ['properties'] },
  deleteSheet: { handler: deleteSheet as RequestHandler, fields: ['sheetId'] },
  updateSheetProperties: {
    handler: updateSheetProperties as RequestHandler,
    fields: ['fields', 'properties'],
  },
  updateSpreadsheetProperties: {
    handler: updateSpreadsheetProperties as RequestHandler,
    fields: ['fields', 'properties'],
  },
  updateCells: { handler: updateCells as RequestHandler, fields: ['fields', 'range', 'rows', 'start'] },
  repeatCell: { handler: repeatCell as RequestHandler, fields: ['cell', 'fields', 'range'] },
  appendCells: { handler: appendCells as RequestHandler, fields: ['fields', 'rows', 'sheetId', 'tableId'] },
  setDataValidation: {
    handler: setDataValidation as RequestHandler,
    fields: ['filteredRowsIncluded', 'range', 'rule'],
  },
  insertDimension: { handler: insertDimension as RequestHandler, fields: ['inheritFromBefore', 'range'] },
  deleteDimension: { handler: deleteDimension as RequestHandler, fields: ['range'] },
  appendDimension: { handler: appendDimension as RequestHandler, fields: ['dimension', 'length', 'sheetId'] },
  updateDimensionProperties: {
    handler: updateDimensionProperties as RequestHandler,
    fields: ['dataSourceSheetRange', 'fields', 'properties', 'range'],
  },
  addConditionalFormatRule: {
    handler: addConditionalFormatRule as RequestHandler,
    fields: ['index', 'rule'],
  },
  deleteConditionalFormatRule: {
    handler: deleteConditionalFormatRule as RequestHandler,
    fields: ['index', 'sheetId'],
  },
  addProtectedRange: { handler: addProtectedRange as RequestHandler, fields: ['protectedRange'] },
  deleteProtectedRange: { handler: deleteProtectedRange as RequestHandler, fields: ['protectedRangeId'] },
  addNamedRange: { handler: addNamedRange as RequestHandler, fields: ['namedRange'] },
  deleteNamedRange: { handler: deleteNamedRange as RequestHandler, fields: ['namedRangeId'] },
  createDeveloperMetadata: {
    handler: createDeveloperMetadata as RequestHandler,
    fields: ['developerMetadata'],
  },
  updateDeveloperMetadata: {
    handler: updateDeveloperMetadata as RequestHandler,
    fields: ['dataFilters', 'developerMetadata', 'fields'],
  },
  deleteDeveloperMetadata: { handler: deleteDeveloperMetadata as RequestHandler, fields: ['dataFilter'] },
  addChart: { handler: addChart as RequestHandler, fields: ['chart'] },
  moveDimension: { handler: moveDimension as RequestHandler, fields: ['destinationIndex', 'source'] },
  sortRange: { handler: sortRange as RequestHandler, fields: ['range', 'sortSpecs'] },
};

/** Every kind sheets_v4.Schema$Request declares; a known kind the fake does not model answers 501. */
const KNOWN_KINDS = new Set(
  'addBanding addChart addCommentReply addConditionalFormatRule addDataSource addDimensionGroup addFilterView addNamedRange addProtectedRange addSheet addSlicer addTable appendCells appendDimension autoFill autoResizeDimensions cancelDataSourceRefresh clearBasicFilter copyPaste createDeveloperMetadata cutPaste deleteBanding deleteComment deleteCommentReply deleteConditionalFormatRule deleteDataSource deleteDeveloperMetadata deleteDimension deleteDimensionGroup deleteDuplicates deleteEmbeddedObject deleteFilterView deleteNamedRange deleteProtectedRange deleteRange deleteSheet deleteTable duplicateFilterView duplicateSheet findReplace insertComment insertDimension insertRange mergeCells moveDimension pasteData randomizeRange refreshDataSource repeatCell setBasicFilter setDataValidation sortRange textToColumns trimWhitespace unmergeCells updateBanding updateBorders updateCells updateChartSpec updateCommentPost updateConditionalFormatRule updateDataSource updateDeveloperMetadata updateDimensionGroup updateDimensionProperties updateEmbeddedObjectBorder updateEmbeddedObjectPosition updateFilterView updateNamedRange updateProtectedRange updateSheetProperties updateSlicerSpec updateSpreadsheetProperties updateTable'.split(
    ' ',
  ),
);

const BODY_FIELDS = new Set([
  'requests',
  'includeSpreadsheetInResponse',
  'responseRanges',
  'responseIncludeGridData',
  'commentsViewMode',
]);

/** Parses the body the way the API's JSON layer does, before anything is applied. */
function parseRequests(body: unknown): { kind: string; payload: unknown }[] {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalidArgument('Invalid JSON payload received. Expected an object.');
  }
  for (const key of Object.keys(body)) {
    if (!BODY_FIELDS.has(key))
      throw invalidArgument(`Invalid JSON payload received. Unknown name "${key}": Cannot find field.`);
  }
  const requests = (body as sheets_v4.Schema$BatchUpdateSpreadsheetRequest).requests;
  if (!Array.isArray(requests) || requests.length === 0)
    throw invalidArgument('Must specify at least one request.');
  return requests.map((request, i) => {
    if (request === null || typeof request !== 'object' || Array.isArray(request)) {
      throw invalidArgument(
        `Invalid value at 'requests[${i}]' (type.googleapis.com/google.apps.sheets.v4.Request), ${JSON.stringify(request)}`,
      );
    }
    const keys = Object.keys(request);
    for (const key of keys) {
      if (!KNOWN_KINDS.has(key)) {
        throw invalidArgument(
          `Invalid JSON payload received. Unknown name "${key}" at 'requests[${i}]': Cannot find field.`,
        );
      }
    }
    if (keys.length === 0) throw invalidArgument(`Invalid requests[${i}]: No request set.`);
    if (keys.length > 1) {
      throw invalidArgument(
        `Invalid JSON payload received. Oneof field 'kind' is already set. Cannot set '${keys[1]}' at 'requests[${i}]'.`,
      );
    }
    const kind = keys[0]!;
    const payload = (request as Record<string, unknown>)[kind];
    const spec = HANDLERS[kind];
    if (spec && payload && typeof payload === 'object') {
      for (const field of Object.keys(payload)) {
        if (!spec.fields.includes(field)) {
          throw invalidArgument(
            `Invalid JSON payload received. Unknown name "${field}" at 'requests[${i}].${snake(kind)}': Cannot find field.`,
          );
        }
      }
    }
    return { kind, payload };
  });
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * Applies a batchUpdate body to a copy of `book`. Any invalid request throws 400 INVALID_ARGUMENT
 * "Invalid requests[i].kind: …" and the stored spreadsheet is untouched; on success returns the new
 * book (revision + 1) and one reply per request ({} where the kind has none).
 */
export function applyBatchUpdate(
  book: SpreadsheetModel,
  body: unknown,
  context: Omit<RequestContext, 'book'>,
): { book: SpreadsheetModel; replies: sheets_v4.Schema$Response[] } {
  const requests = parseRequests(body);
  const working = cloneBook(book);
  const replies: sheets_v4.Schema$Response[] = [];
  requests.forEach(({ kind, payload }, i) => {
    const spec = HANDLERS[kind];
    if (!spec) throw notModelled('sheets', `batchUpdate request "${kind}" (requests[${i}])`);
    try {
      replies.push(spec.handler((payload ?? {}) as never, { ...context, book: working }) ?? {});
    } catch (error) {
      if (error instanceof RequestError)
        throw invalidArgument(`Invalid requests[${i}].${kind}: ${error.message}`);
      throw error;
    }
  });
  working.revision = book.revision + 1;
  return { book: working, replies };
}
