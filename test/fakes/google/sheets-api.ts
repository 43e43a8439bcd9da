// Sheets v4 REST routes: spreadsheets create/get/batchUpdate, values.*, developerMetadata search/get.
import type { sheets_v4 } from '@googleapis/sheets';
import type { FakeRequest, FakeResponse } from '../harness.js';
import type { Principal } from './auth.js';
import { applyBatchUpdate } from './batch-update.js';
import { apiError, entityNotFound, invalidArgument, notModelled } from './errors.js';
import { applyFields, type FieldMask, parseFields, selects } from './fields.js';
import { matchesFilter, metadataView, searchMetadata } from './requests-metadata.js';
import { renderSpreadsheet } from './sheets-render.js';
import {
  cloneBook,
  cloneForCellWrites,
  type EffectiveSource,
  type SpreadsheetModel,
} from './sheets-state.js';
import type { GoogleState } from './state.js';
import { appendValues, clearValues, inputOption, readRange, resolve, writeValues } from './values.js';

const SERVICE = 'google.apps.sheets.v4.SpreadsheetsService';

type Route = {
  method: string;
  name: string;
  write: boolean;
  quota: 'read' | 'write';
  run: (ctx: RouteContext) => unknown;
};

interface RouteContext {
  request: FakeRequest;
  state: GoogleState;
  principal: Principal;
  spreadsheetId: string;
  /** The decoded {range} path segment, if any. */
  range: string;
}

function bool(request: FakeRequest, name: string): boolean {
  return request.query.get(name) === 'true';
}

function body<T>(request: FakeRequest): T {
  if (request.rawBody && request.body === undefined) throw invalidArgument('Invalid JSON payload received.');
  return (request.body ?? {}) as T;
}

/** The stored spreadsheet, if `principal` may reach it (drive.file: only files this app created or opened). */
function book(ctx: RouteContext, write: boolean): SpreadsheetModel {
  return ctx.state.accessibleBook(ctx.principal, ctx.spreadsheetId, write);
}

const ROUTES: Record<string, Route> = {
  get: {
    method: 'GET',
    name: 'GetSpreadsheet',
    write: false,
    quota: 'read',
    run: (ctx) => {
      const b = book(ctx, false);
      const mask = maskOf(ctx.request);
      const ranges = ctx.request.query.getAll('ranges').map((r) => resolve(b, r));
      const wantsData =
        bool(ctx.request, 'includeGridData') || (mask !== undefined && selects(mask, ['sheets', 'data']));
      const wantsValues = mask === undefined || selects(mask, ['sheets', 'data', 'rowData']);
      return renderSpreadsheet(metadataView(b, ctx.principal), {
        engine: ctx.state.engine,
        ...(ranges.length ? { ranges } : {}),
        ...(wantsData ? { gridData: ranges.length ? ranges : 'all' } : {}),
        rowData: wantsValues,
      });
    },
  },
  batchUpdate: {
    method: 'POST',
    name: 'BatchUpdateSpreadsheet',
    write: true,
    quota: 'write',
    run: (ctx) => {
      const current = book(ctx, true);
      const input = body<sheets_v4.Schema$BatchUpdateSpreadsheetRequest>(ctx.request);
      const { book: next, replies } = applyBatchUpdate(current, input, {
        ids: ctx.state.ids,
        principal: ctx.principal,
        engine: ctx.state.engine,
      });
      ctx.state.commit(next);
      const out: sheets_v4.Schema$BatchUpdateSpreadsheetResponse = {
        spreadsheetId: next.spreadsheetId,
        replies,
      };
      if (input.includeSpreadsheetInResponse) {
        const ranges = (input.responseRanges ?? []).map((r) => resolve(next, r));
        // responseIncludeGridData "is ignored if a field mask was set": then the mask asks for grid data.
        const mask = maskOf(ctx.request);
        const wantsData = mask
          ? selects(mask, ['updatedSpreadsheet', 'sheets', 'data'])
          : input.responseIncludeGridData === true;
        const engine =
          ctx.state.readBackFormulas === 'stale'
            ? staleFormulas(current, ctx.state.engine)
            : ctx.state.engine;
        out.updatedSpreadsheet = renderSpreadsheet(metadataView(next, ctx.principal), {
          engine,
          ...(wantsData ? { gridData: ranges.length ? ranges : 'all' } : {}),
        });
      }
      return out;
    },
  },
  'values.get': {
    method: 'GET',
    name: 'GetValues',
    write: false,
    quota: 'read',
    run: (ctx) => {
      const b = book(ctx, false);
      const q = ctx.request.query;
      return readRange(
        b,
        resolve(b, ctx.range),
        {
          majorDimension: q.get('majorDimension'),
          valueRenderOption: q.get('valueRenderOption'),
          dateTimeRenderOption: q.get('dateTimeRenderOption'),
        },
        ctx.state.engine,
      );
    },
  },
  'values.batchGet': {
    method: 'GET',
    name: 'BatchGetValues',
    write: false,
    quota: 'read',
    run: (ctx) => {
      const b = book(ctx, false);
      const q = ctx.request.query;
      const options = {
        majorDimension: q.get('majorDimension'),
        valueRenderOption: q.get('valueRenderOption'),
        dateTimeRenderOption: q.get('dateTimeRenderOption'),
      };
      const valueRanges = q
        .getAll('ranges')
        .map((r) => readRange(b, resolve(b, r), options, ctx.state.engine));
      const out: sheets_v4.Schema$BatchGetValuesResponse = { spreadsheetId: b.spreadsheetId };
      if (valueRanges.length) out.valueRanges = valueRanges;
      return out;
    },
  },
  'values.update': {
    method: 'PUT',
    name: 'UpdateValues',
    write: true,
    quota: 'write',
    run: (ctx) => {
      const q = ctx.request.query;
      const option = inputOption(q.get('valueInputOption'));
      const stored = book(ctx, true);
      const input = body<sheets_v4.Schema$ValueRange>(ctx.request);
      const target = resolve(stored, ctx.range);
      const working = cloneForCellWrites(stored, [target.sheetIndex]);
      if (input.range) {
        const given = resolve(working, input.range);
        if (given.text.toLowerCase() !== target.text.toLowerCase()) {
          throw invalidArgument(`Request range[${ctx.range}] does not match value's range[${input.range}]`);
        }
      }
      const result = writeValues(working, ctx.range, target, input, option);
      working.revision++;
      ctx.state.commit(working);
      if (bool(ctx.request, 'includeValuesInResponse') && result.written) {
        result.response.updatedData = readRange(
          working,
          result.written,
          {
            valueRenderOption: q.get('responseValueRenderOption'),
            dateTimeRenderOption: q.get('responseDateTimeRenderOption'),
          },
          ctx.state.engine,
        );
      }
      return result.response;
    },
  },
  'values.append': {
    method: 'POST',
    name: 'AppendValues',
    write: true,
    quota: 'write',
    run: (ctx) => {
      const q = ctx.request.query;
      const option = inputOption(q.get('valueInputOption'));
      const working = cloneBook(book(ctx, true));
      const input = body<sheets_v4.Schema$ValueRange>(ctx.request);
      const out = appendValues(
        working,
        ctx.range,
        resolve(working, ctx.range),
        input,
        option,
        q.get('insertDataOption'),
        ctx.state.engine,
      );
      working.revision++;
      ctx.state.commit(working);
      if (bool(ctx.request, 'includeValuesInResponse') && out.updates?.updatedRange) {
        out.updates.updatedData = readRange(
          working,
          resolve(working, out.updates.updatedRange),
          {
            valueRenderOption: q.get('responseValueRenderOption'),
            dateTimeRenderOption: q.get('responseDateTimeRenderOption'),
          },
          ctx.state.engine,
        );
      }
      return out;
    },
  },
  'values.clear': {
    method: 'POST',
    name: 'ClearValues',
    write: true,
    quota: 'write',
    run: (ctx) => {
      const working = cloneBook(book(ctx, true));
      const clearedRange = clearValues(working, resolve(working, ctx.range));
      working.revision++;
      ctx.state.commit(working);
      const out: sheets_v4.Schema$ClearValuesResponse = {
        spreadsheetId: working.spreadsheetId,
        clearedRange,
      };
      return out;
    },
  },
  'values.batchUpdate': {
    method: 'POST',
    name: 'BatchUpdateValues',
    write: true,
    quota: 'write',
    run: (ctx) => {
      const input = body<sheets_v4.Schema$BatchUpdateValuesRequest>(ctx.request);
      const option = inputOption(input.valueInputOption);
      const stored = book(ctx, true);
      // The tabs written to; a bad range is left to the loop below, which reports it in order.
      const touched = (input.data ?? []).flatMap((d) => {
        try {
          return d.range ? [resolve(stored, d.range).sheetIndex] : [];
        } catch {
          return [];
        }
      });
      const working = cloneForCellWrites(stored, touched);
      const responses: sheets_v4.Schema$UpdateValuesResponse[] = [];
      const sheetsTouched = new Set<number>();
      let rows = 0;
      let cols = 0;
      let cells = 0;
      (input.data ?? []).forEach((data, i) => {
        if (!data.range) throw invalidArgument(`Invalid data[${i}]: range is required.`);
        const result = writeValues(
          working,
          data.range,
          resolve(working, data.range),
          data,
          option,
          `data[${i}].values`,
        );
        if (result.written) sheetsTouched.add(result.sheetIndex);
        rows += result.response.updatedRows ?? 0;
        cols += result.response.updatedColumns ?? 0;
        cells += result.response.updatedCells ?? 0;
        if (input.includeValuesInResponse && result.written) {
          result.response.updatedData = readRange(
            working,
            result.written,
            {
              valueRenderOption: input.responseValueRenderOption ?? null,
              dateTimeRenderOption: input.responseDateTimeRenderOption ?? null,
            },
            ctx.state.engine,
          );
        }
        responses.push(result.response);
      });
      working.revision++;
      ctx.state.commit(working);
      const out: sheets_v4.Schema$BatchUpdateValuesResponse = { spreadsheetId: working.spreadsheetId };
      if (cells) {
        out.totalUpdatedRows = rows;
        out.totalUpdatedColumns = cols;
        out.totalUpdatedCells = cells;
        out.totalUpdatedSheets = sheetsTouched.size;
      }
      if (responses.length) out.responses = responses;
      return out;
    },
  },
  'values.batchClear': {
    method: 'POST',
    name: 'BatchClearValues',
    write: true,
    quota: 'write',
    run: (ctx) => {
      const input = body<sheets_v4.Schema$BatchClearValuesRequest>(ctx.request);
      const working = cloneBook(book(ctx, true));
      const clearedRanges = (input.ranges ?? []).map((r) => clearValues(working, resolve(working, r)));
      working.revision++;
      ctx.state.commit(working);
      const out: sheets_v4.Schema$BatchClearValuesResponse = {
        spreadsheetId: working.spreadsheetId,
        clearedRanges,
      };
      return out;
    },
  },
  'developerMetadata.search': {
    method: 'POST',
    name: 'SearchDeveloperMetadata',
    write: true,
    quota: 'read',
    run: (ctx) => {
      const b = book(ctx, false);
      const input = body<sheets_v4.Schema$SearchDeveloperMetadataRequest>(ctx.request);
      if (!input.dataFilters?.length) throw invalidArgument('Must specify at least one data filter.');
      return searchMetadata(metadataView(b, ctx.principal), input.dataFilters);
    },
  },
  'developerMetadata.get': {
    method: 'GET',
    name: 'GetDeveloperMetadata',
    // The reference accepts only drive, drive.file or spreadsheets here (no read-only scope), as for search.
    write: true,
    quota: 'read',
    run: (ctx) => {
      const b = metadataView(book(ctx, false), ctx.principal);
      const id = Number(ctx.range);
      const found = b.developerMetadata.find((m) =>
        matchesFilter(m, { developerMetadataLookup: { metadataId: id } }),
      );
      if (!found) throw apiError('sheets', 404, `No developer metadata with ID: ${ctx.range}`);
      return structuredClone(found);
    },
  },
};

/**
 * Formula results as they were before a batch (readBackFormulas: 'stale'): a formula cell shows what the
 * same cell (same sheetId, row and column) evaluated to in `before`, or nothing if it held no formula.
 */
function staleFormulas(before: SpreadsheetModel, engine: EffectiveSource): EffectiveSource {
  return {
    effective(book, sheetIndex, row, col) {
      const sheet = book.sheets[sheetIndex];
      if (!sheet?.rows[row]?.[col]?.userEnteredValue?.formulaValue)
        return engine.effective(book, sheetIndex, row, col);
      const old = before.sheets.findIndex((s) => s.properties.sheetId === sheet.properties.sheetId);
      if (!before.sheets[old]?.rows[row]?.[col]?.userEnteredValue?.formulaValue) return undefined;
      return engine.effective(before, old, row, col);
    },
  };
}

/** Splits a path segment like "Sheet1%21A1%3AC3:append" at its literal (unencoded) colon. */
function splitVerb(segment: string): [string, string | undefined] {
  const i = segment.lastIndexOf(':');
  return i < 0 ? [segment, undefined] : [segment.slice(0, i), segment.slice(i + 1)];
}

function routeOf(request: FakeRequest): { key: string; spreadsheetId: string; range: string } | undefined {
  const parts = request.path.split('/').slice(3); // "", "v4", "spreadsheets", …
  if (parts.length === 0 || parts[0] === '')
    return request.method === 'POST' ? { key: 'create', spreadsheetId: '', range: '' } : undefined;
  const [idPart, sub, arg, ...extra] = parts;
  if (extra.length) return undefined;
  const [rawId, verb] = splitVerb(idPart!);
  const spreadsheetId = decodeURIComponent(rawId);
  if (sub === undefined) {
    if (verb === undefined) return { key: 'get', spreadsheetId, range: '' };
    if (verb === 'batchUpdate') return { key: 'batchUpdate', spreadsheetId, range: '' };
    return undefined;
  }
  if (verb !== undefined) return undefined;
  const [subName, subVerb] = splitVerb(sub);
  if (subName === 'values' && arg === undefined && subVerb)
    return { key: `values.${subVerb}`, spreadsheetId, range: '' };
  if (subName === 'values' && arg !== undefined && subVerb === undefined) {
    const [rawRange, rangeVerb] = splitVerb(arg);
    const range = decodeURIComponent(rawRange);
    if (rangeVerb === undefined)
      return { key: request.method === 'PUT' ? 'values.update' : 'values.get', spreadsheetId, range };
    return { key: `values.${rangeVerb}`, spreadsheetId, range };
  }
  if (subName === 'developerMetadata' && arg === undefined && subVerb === 'search') {
    return { key: 'developerMetadata.search', spreadsheetId, range: '' };
  }
  if (subName === 'developerMetadata' && arg !== undefined && subVerb === undefined) {
    return { key: 'developerMetadata.get', spreadsheetId, range: decodeURIComponent(arg) };
  }
  return undefined;
}

function create(
  request: FakeRequest,
  state: GoogleState,
  principal: Principal,
): sheets_v4.Schema$Spreadsheet {
  const input = body<sheets_v4.Schema$Spreadsheet>(request);
  const b = state.createSpreadsheet(input, { owner: principal.user, clientId: principal.clientId });
  return renderSpreadsheet(b, { engine: state.engine });
}

/** Handles /v4/spreadsheets…; `principalFor` authenticates (401/403) for the named method. */
export function handleSheets(
  request: FakeRequest,
  state: GoogleState,
  principalFor: (method: string, write: boolean) => Principal,
): FakeResponse {
  const route = routeOf(request);
  if (!route) throw notModelled('sheets', `${request.method} ${request.path}`);
  if (route.key === 'create') {
    const principal = principalFor(`${SERVICE}.CreateSpreadsheet`, true);
    state.quota.take(principal.user, 'write');
    return respond(request, create(request, state, principal));
  }
  const spec = ROUTES[route.key];
  if (!spec || spec.method !== request.method) {
    throw notModelled('sheets', `${request.method} ${request.path}`);
  }
  const principal = principalFor(`${SERVICE}.${spec.name}`, spec.write);
  state.quota.take(principal.user, spec.quota);
  if (!route.spreadsheetId) throw entityNotFound('sheets');
  return respond(
    request,
    spec.run({ request, state, principal, spreadsheetId: route.spreadsheetId, range: route.range }),
  );
}

/** The request's `fields` mask; a malformed one is 400 "Invalid field selection …". */
function maskOf(request: FakeRequest): FieldMask | undefined {
  const fields = request.query.get('fields');
  if (!fields) return undefined;
  try {
    return parseFields(fields);
  } catch {
    throw invalidArgument(`Invalid field selection ${fields}`);
  }
}

function respond(request: FakeRequest, value: unknown): FakeResponse {
  const mask = maskOf(request);
  return { status: 200, body: mask ? applyFields(value, mask) : value };
}
