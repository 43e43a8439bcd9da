// Looking objects up the way the API does: path ids validated, unshared or missing objects are 404s.
import { bodyInvalid, describe, NotionApiError, notFound } from './errors.js';
import type { BlockRecord, DatabaseRecord, DataSourceRecord, NotionState, PageRecord } from './state.js';
import { normalizeId, safeDecode } from './state.js';

/** What a route handler gets: the workspace, the parsed request and who is acting. */
export interface RouteContext {
  state: NotionState;
  params: string[];
  body: Record<string, unknown>;
  query: URLSearchParams;
  baseUrl: string;
  /** The user id the request acts as (the integration's bot). */
  actor: string;
  queryResultLimit: number;
  /** The Notion-Version header of the request (one the router accepted). */
  version: string;
}

/** API versions whose rules the fake follows, oldest first. */
export const API_VERSIONS = ['2025-09-03', '2026-03-11', '2026-12-01'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];

/** Whether a request's Notion-Version is `version` or later (dates compare as strings). */
export function since(ctx: { version: string }, version: ApiVersion): boolean {
  return ctx.version >= version;
}

/**
 * `filter_properties` from the query string: repeated parameters, one property each
 * (`?filter_properties=title&filter_properties=p1`). Values are not split on commas: the SDK sends
 * property ids URL-decoded, and a decoded id may hold a comma.
 */
export function filterProperties(query: URLSearchParams): string[] {
  return query.getAll('filter_properties').filter(Boolean);
}

export function pathId(raw: string | undefined, name: string): string {
  const decoded = safeDecode(raw ?? '');
  const id = normalizeId(decoded);
  if (!id) {
    throw new NotionApiError(
      400,
      'validation_error',
      `path failed validation: path.${name} should be a valid uuid, instead was ${describe(decoded)}.`,
    );
  }
  return id;
}

export function requirePage(state: NotionState, raw: string | undefined): PageRecord {
  const id = pathId(raw, 'page_id');
  const page = state.pages.get(id);
  if (!page || !state.isShared(id)) throw notFound('page', id);
  return page;
}

export function requireDatabase(state: NotionState, raw: string | undefined): DatabaseRecord {
  const id = pathId(raw, 'database_id');
  const database = state.databases.get(id);
  if (!database || !state.isShared(id)) throw notFound('database', id);
  return database;
}

export function requireDataSource(state: NotionState, raw: string | undefined): DataSourceRecord {
  const id = pathId(raw, 'data_source_id');
  const dataSource = state.dataSources.get(id);
  if (!dataSource || !state.isShared(id)) throw notFound('data_source', id);
  return dataSource;
}

/** A block id may name a block, a page (its content) or a database (a child_database block). */
export function requireBlockLike(
  state: NotionState,
  raw: string | undefined,
): { id: string; block?: BlockRecord; page?: PageRecord; database?: DatabaseRecord } {
  const id = pathId(raw, 'block_id');
  if (!state.isShared(id)) throw notFound('block', id);
  const block = state.blocks.get(id);
  const page = state.pages.get(id);
  const database = state.databases.get(id);
  if (!block && !page && !database) throw notFound('block', id);
  return { id, block, page, database };
}

export function requireBody(body: Record<string, unknown>, key: string): unknown {
  if (body[key] === undefined) throw bodyInvalid(`body.${key}`, 'should be defined, instead was `undefined`');
  return body[key];
}
