// Developer metadata: create/update/delete requests and DataFilter lookups (shared with developerMetadata.search).
import type { sheets_v4 } from '@googleapis/sheets';
import type { Principal } from './auth.js';
import { notModelled } from './errors.js';
import { requireSheet } from './ranges.js';
import { applyMask, fail, maskPaths, type RequestContext } from './request-context.js';
import { locationType, type SpreadsheetModel } from './sheets-state.js';

type Reply = sheets_v4.Schema$Response | undefined;
type Meta = sheets_v4.Schema$DeveloperMetadata;
type Location = sheets_v4.Schema$DeveloperMetadataLocation;

/** Validates a location and returns it as the API echoes it (with locationType). */
function normalizeLocation(book: SpreadsheetModel, location: Location | undefined): Location {
  if (!location) fail('developerMetadata.location is required');
  const set = [!!location.spreadsheet, location.sheetId != null, !!location.dimensionRange].filter(
    Boolean,
  ).length;
  if (set !== 1)
    fail('Exactly one of location.spreadsheet, location.sheetId or location.dimensionRange must be set.');
  if (location.spreadsheet) return { locationType: 'SPREADSHEET', spreadsheet: true };
  if (location.sheetId != null) {
    requireSheet(book, location.sheetId);
    return { locationType: 'SHEET', sheetId: location.sheetId };
  }
  const d = location.dimensionRange!;
  if (d.dimension !== 'ROWS' && d.dimension !== 'COLUMNS')
    fail('dimensionRange.dimension must be ROWS or COLUMNS');
  const sheet = requireSheet(book, d.sheetId);
  const size =
    d.dimension === 'ROWS'
      ? sheet.properties.gridProperties.rowCount
      : sheet.properties.gridProperties.columnCount;
  const start = d.startIndex ?? 0;
  const end = d.endIndex ?? size;
  if (start < 0 || end <= start || end > size) {
    fail(
      `dimensionRange [${start}, ${end}) is outside the ${d.dimension === 'ROWS' ? 'rows' : 'columns'} of the sheet (${size}).`,
    );
  }
  // "The specified DimensionRange must represent a single row or column. It cannot be unbounded or span
  // multiple rows or columns." (sheets_v4.Schema$DeveloperMetadataLocation)
  if (d.endIndex == null || end - start !== 1) {
    fail(
      'Developer metadata may only be associated with a single row or column, not a span or an unbounded range.',
    );
  }
  return {
    locationType: d.dimension === 'ROWS' ? 'ROW' : 'COLUMN',
    dimensionRange: {
      sheetId: sheet.properties.sheetId,
      dimension: d.dimension,
      startIndex: start,
      endIndex: end,
    },
  };
}

/**
 * The developer project a caller acts for. PROJECT-visible metadata "is only visible to and accessible by
 * the developer project that created the metadata" (DeveloperMetadataVisibility); the fake treats each
 * OAuth client as its own project (stricter than Google when two clients share one Cloud project).
 */
export function projectOf(principal: Principal): string {
  return principal.clientId;
}

/** Whether `principal` may see (and match, update or delete) a metadata entry. */
export function canSeeMetadata(book: SpreadsheetModel, meta: Meta, principal: Principal): boolean {
  if (meta.visibility !== 'PROJECT') return true;
  const owner = book.metadataOwners?.[String(meta.metadataId)];
  return owner === undefined || owner === projectOf(principal);
}

/** The spreadsheet as `principal` sees it: other projects' PROJECT-visible metadata left out. */
export function metadataView(book: SpreadsheetModel, principal: Principal): SpreadsheetModel {
  return {
    ...book,
    developerMetadata: book.developerMetadata.filter((m) => canSeeMetadata(book, m, principal)),
  };
}

function recordOwner(book: SpreadsheetModel, meta: Meta, principal: Principal): void {
  if (meta.visibility !== 'PROJECT' || meta.metadataId == null) return;
  book.metadataOwners ??= {};
  book.metadataOwners[String(meta.metadataId)] = projectOf(principal);
}

function checkVisibility(visibility: string | null | undefined): string {
  if (visibility !== 'DOCUMENT' && visibility !== 'PROJECT') {
    fail(`developerMetadata.visibility must be DOCUMENT or PROJECT (got ${visibility ?? 'nothing'}).`);
  }
  return visibility;
}

export function createDeveloperMetadata(
  request: sheets_v4.Schema$CreateDeveloperMetadataRequest,
  { book, ids, principal }: RequestContext,
): Reply {
  const input = request.developerMetadata;
  if (!input) fail('developerMetadata is required');
  if (!input.metadataKey) fail('developerMetadata.metadataKey is required');
  const visibility = checkVisibility(input.visibility);
  const location = normalizeLocation(book, input.location);
  let id = input.metadataId ?? undefined;
  if (id !== undefined) {
    if (id <= 0) fail('developerMetadata.metadataId must be positive.');
    if (book.developerMetadata.some((m) => m.metadataId === id))
      fail(`Developer metadata with ID ${id} already exists.`);
  } else {
    do id = 300_000_000 + ids.next('metadata') * 53;
    while (book.developerMetadata.some((m) => m.metadataId === id));
  }
  const stored: Meta = { metadataId: id, metadataKey: input.metadataKey, location, visibility };
  if (input.metadataValue != null) stored.metadataValue = input.metadataValue;
  book.developerMetadata.push(stored);
  recordOwner(book, stored, principal);
  return { createDeveloperMetadata: { developerMetadata: structuredClone(stored) } };
}

function overlaps(a: sheets_v4.Schema$DimensionRange, b: sheets_v4.Schema$DimensionRange): boolean {
  return (
    (a.sheetId ?? 0) === (b.sheetId ?? 0) &&
    a.dimension === b.dimension &&
    (a.startIndex ?? 0) < (b.endIndex ?? Number.MAX_SAFE_INTEGER) &&
    (b.startIndex ?? 0) < (a.endIndex ?? Number.MAX_SAFE_INTEGER)
  );
}

function locationMatches(meta: Meta, wanted: Location, intersecting: boolean): boolean {
  const have = meta.location ?? {};
  const wantedType = wanted.locationType ?? locationType(wanted);
  if (wanted.spreadsheet || wantedType === 'SPREADSHEET') return intersecting || !!have.spreadsheet;
  if (wanted.dimensionRange) {
    if (!have.dimensionRange) return false;
    const w = wanted.dimensionRange;
    const h = have.dimensionRange;
    if (intersecting) return overlaps(h, w);
    return (
      (h.sheetId ?? 0) === (w.sheetId ?? 0) &&
      h.dimension === w.dimension &&
      h.startIndex === w.startIndex &&
      h.endIndex === w.endIndex
    );
  }
  if (wanted.sheetId != null) {
    if (have.sheetId === wanted.sheetId) return true;
    return intersecting && (have.dimensionRange?.sheetId ?? -1) === wanted.sheetId;
  }
  return false;
}

/** Whether a metadata entry matches a DataFilter (only developerMetadataLookup filters are modelled). */
export function matchesFilter(meta: Meta, filter: sheets_v4.Schema$DataFilter): boolean {
  const lookup = filter.developerMetadataLookup;
  if (!lookup) throw notModelled('sheets', 'DataFilter a1Range/gridRange matching of developer metadata');
  if (lookup.metadataId != null && meta.metadataId !== lookup.metadataId) return false;
  if (lookup.metadataKey != null && meta.metadataKey !== lookup.metadataKey) return false;
  if (lookup.metadataValue != null && meta.metadataValue !== lookup.metadataValue) return false;
  if (
    lookup.visibility != null &&
    lookup.visibility !== 'DEVELOPER_METADATA_VISIBILITY_UNSPECIFIED' &&
    meta.visibility !== lookup.visibility
  )
    return false;
  if (
    lookup.locationType != null &&
    lookup.locationType !== 'DEVELOPER_METADATA_LOCATION_TYPE_UNSPECIFIED' &&
    locationType(meta.location) !== lookup.locationType
  )
    return false;
  if (lookup.metadataLocation) {
    const intersecting = lookup.locationMatchingStrategy === 'INTERSECTING_LOCATION';
    if (!locationMatches(meta, lookup.metadataLocation, intersecting)) return false;
  }
  return true;
}

/** developerMetadata.search: every entry matching any filter, with the filters it matched. */
export function searchMetadata(
  book: SpreadsheetModel,
  filters: sheets_v4.Schema$DataFilter[],
): sheets_v4.Schema$SearchDeveloperMetadataResponse {
  const matched: sheets_v4.Schema$MatchedDeveloperMetadata[] = [];
  for (const meta of book.developerMetadata) {
    const hits = filters.filter((f) => matchesFilter(meta, f));
    if (hits.length)
      matched.push({ developerMetadata: structuredClone(meta), dataFilters: structuredClone(hits) });
  }
  return matched.length ? { matchedDeveloperMetadata: matched } : {};
}

export function deleteDeveloperMetadata(
  request: sheets_v4.Schema$DeleteDeveloperMetadataRequest,
  { book, principal }: RequestContext,
): Reply {
  if (!request.dataFilter) fail('dataFilter is required');
  const filter = request.dataFilter;
  const deleted = book.developerMetadata.filter(
    (m) => canSeeMetadata(book, m, principal) && matchesFilter(m, filter),
  );
  book.developerMetadata = book.developerMetadata.filter((m) => !deleted.includes(m));
  return { deleteDeveloperMetadata: { deletedDeveloperMetadata: structuredClone(deleted) } };
}

export function updateDeveloperMetadata(
  request: sheets_v4.Schema$UpdateDeveloperMetadataRequest,
  { book, principal }: RequestContext,
): Reply {
  const paths = maskPaths(request.fields);
  const filters = request.dataFilters ?? [];
  if (filters.length === 0) fail('dataFilters must not be empty');
  const source = request.developerMetadata ?? {};
  const updated: Meta[] = [];
  for (const meta of book.developerMetadata) {
    if (!canSeeMetadata(book, meta, principal) || !filters.some((f) => matchesFilter(meta, f))) continue;
    const next = structuredClone(meta) as Record<string, unknown>;
    applyMask(
      next,
      source as Record<string, unknown>,
      paths.filter((p) => p !== 'metadataId'),
    );
    const typed = next as Meta;
    typed.visibility = checkVisibility(typed.visibility);
    typed.location = normalizeLocation(book, typed.location);
    Object.assign(meta, typed);
    for (const key of Object.keys(meta)) if (!(key in typed)) delete (meta as Record<string, unknown>)[key];
    recordOwner(book, meta, principal);
    updated.push(structuredClone(meta));
  }
  return { updateDeveloperMetadata: { developerMetadata: updated } };
}
