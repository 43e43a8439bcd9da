// Route handlers for users, search, databases and data sources (create, retrieve, update, query).
import type {
  CreateDatabaseResponse,
  CreateDataSourceResponse,
  GetDatabaseResponse,
  GetDataSourceResponse,
  GetSelfResponse,
  PageObjectResponse,
  QueryDataSourceResponse,
  SearchResponse,
  UpdateDatabaseResponse,
  UpdateDataSourceResponse,
} from '@notionhq/client';
import {
  filterProperties,
  type RouteContext,
  requireBody,
  requireDatabase,
  requireDataSource,
  since,
} from './access.js';
import { expectRecord } from './common.js';
import {
  createDatabase,
  createDataSource,
  renderDatabase,
  renderDataSource,
  updateDatabase,
  updateDataSource,
} from './databases.js';
import { bodyInvalid, describe, notFound, validationError } from './errors.js';
import { renderPage } from './properties.js';
import { compileFilter, compileSorts, pageSize, slice } from './query.js';
import { plainText, titleOf } from './rich-text.js';
import { normalizeId, type PageRecord } from './state.js';
import { createDefaultView } from './views.js';

export function usersMeRoute(ctx: RouteContext): GetSelfResponse {
  return ctx.state.users.get(ctx.state.botId)!;
}

export function createDatabaseRoute(ctx: RouteContext): CreateDatabaseResponse {
  return renderDatabase(ctx.state, createDatabase(ctx.state, ctx.body, ctx.actor));
}

export function retrieveDatabaseRoute(ctx: RouteContext): GetDatabaseResponse {
  return renderDatabase(ctx.state, requireDatabase(ctx.state, ctx.params[0]));
}

export function updateDatabaseRoute(ctx: RouteContext): UpdateDatabaseResponse {
  const database = requireDatabase(ctx.state, ctx.params[0]);
  updateDatabase(ctx.state, database, ctx.body, ctx.actor);
  return renderDatabase(ctx.state, database);
}

export function createDataSourceRoute(ctx: RouteContext): CreateDataSourceResponse {
  const parent = expectRecord(requireBody(ctx.body, 'parent'), 'body.parent');
  const databaseId = normalizeId(parent.database_id);
  if (!databaseId)
    throw bodyInvalid(
      'body.parent.database_id',
      `should be a valid uuid, instead was ${describe(parent.database_id)}`,
    );
  const database = ctx.state.databases.get(databaseId);
  if (!database || !ctx.state.isShared(databaseId)) throw notFound('database', databaseId);
  const record = createDataSource(
    ctx.state,
    database,
    { properties: requireBody(ctx.body, 'properties'), title: ctx.body.title, icon: ctx.body.icon },
    'body',
    ctx.actor,
  );
  // create-a-data-source: a standard table view is created alongside the new data source.
  createDefaultView(ctx.state, database, record.id, ctx.actor);
  ctx.state.touch(database, ctx.actor);
  return renderDataSource(ctx.state, record);
}

export function retrieveDataSourceRoute(ctx: RouteContext): GetDataSourceResponse {
  return renderDataSource(ctx.state, requireDataSource(ctx.state, ctx.params[0]));
}

export function updateDataSourceRoute(ctx: RouteContext): UpdateDataSourceResponse {
  const dataSource = requireDataSource(ctx.state, ctx.params[0]);
  updateDataSource(ctx.state, dataSource, ctx.body, ctx.actor);
  return renderDataSource(ctx.state, dataSource);
}

export function queryDataSourceRoute(ctx: RouteContext): QueryDataSourceResponse {
  const dataSource = requireDataSource(ctx.state, ctx.params[0]);
  if (ctx.body.result_type !== undefined && ctx.body.result_type !== 'page') {
    throw validationError('The fake Notion API only models `result_type: "page"` queries.');
  }
  const trash = ctx.body.in_trash ?? ctx.body.archived ?? false;
  if (typeof trash !== 'boolean')
    throw bodyInvalid('body.in_trash', `should be a boolean, instead was ${describe(trash)}`);
  const matches = compileFilter(ctx.state, dataSource, ctx.body.filter);
  const compare = compileSorts(ctx.state, dataSource, ctx.body.sorts);
  const size = pageSize(ctx.body.page_size, 'body.page_size');
  const rows: PageRecord[] = [];
  for (const page of ctx.state.pages.values()) {
    if (
      page.parent.type === 'data_source_id' &&
      page.parent.data_source_id === dataSource.id &&
      page.inTrash === trash &&
      matches(page)
    ) {
      rows.push(page);
    }
  }
  rows.sort(compare);
  const only = listedProperties(ctx);
  const result = slice(rows, ctx.body.start_cursor, size, 'body.start_cursor', ctx.queryResultLimit);
  const response: QueryDataSourceResponse = {
    object: 'list',
    results: result.results.map((page) => renderPage(ctx.state, page, only)),
    next_cursor: result.nextCursor,
    has_more: result.hasMore,
    type: 'page_or_data_source',
    page_or_data_source: {},
  };
  if (result.capped)
    response.request_status = { type: 'incomplete', incomplete_reason: 'query_result_limit_reached' };
  return response;
}

/**
 * The properties each page of a list (query, search) carries: those `filter_properties` names; without
 * it, every property before 2026-12-01 and only the title from 2026-12-01 on.
 */
function listedProperties(ctx: RouteContext): string[] {
  const only = filterProperties(ctx.query);
  if (only.length > 0) return only;
  return since(ctx, '2026-12-01') ? ['title'] : [];
}

type SearchResult = SearchResponse['results'][number];

export function searchRoute(ctx: RouteContext): SearchResponse {
  const { state, body } = ctx;
  const text = body.query === undefined ? '' : String(body.query).toLowerCase();
  const filter = body.filter === undefined ? {} : expectRecord(body.filter, 'body.filter');
  if (filter.value !== undefined && filter.value !== 'page' && filter.value !== 'data_source') {
    throw bodyInvalid(
      'body.filter.value',
      `should be \`page\` or \`data_source\`, instead was ${describe(filter.value)}`,
    );
  }
  const trash = filter.in_trash === true;
  const sort = body.sort === undefined ? undefined : expectRecord(body.sort, 'body.sort');
  const direction = sort?.direction === 'ascending' ? 1 : -1;
  const only = listedProperties(ctx);
  const candidates: { id: string; edited: number; render: () => SearchResult }[] = [];
  if (filter.value !== 'data_source') {
    for (const page of state.pages.values()) {
      if (page.inTrash !== trash || !state.isShared(page.id)) continue;
      if (!plainText(titleOf(page.values)).toLowerCase().includes(text)) continue;
      candidates.push({
        id: page.id,
        edited: page.lastEditedTime,
        render: (): PageObjectResponse => renderPage(state, page, only),
      });
    }
  }
  if (filter.value !== 'page') {
    for (const dataSource of state.dataSources.values()) {
      if (dataSource.inTrash !== trash || !state.isShared(dataSource.id)) continue;
      if (!plainText(dataSource.title).toLowerCase().includes(text)) continue;
      candidates.push({
        id: dataSource.id,
        edited: dataSource.lastEditedTime,
        render: () => renderDataSource(state, dataSource),
      });
    }
  }
  candidates.sort((a, b) => direction * (a.edited - b.edited) || a.id.localeCompare(b.id));
  const size = pageSize(body.page_size, 'body.page_size');
  const result = slice(candidates, body.start_cursor, size, 'body.start_cursor');
  return {
    object: 'list',
    results: result.results.map((c) => c.render()),
    next_cursor: result.nextCursor,
    has_more: result.hasMore,
    type: 'page_or_data_source',
    page_or_data_source: {},
  };
}
