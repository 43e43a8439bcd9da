// Pages: create (under a data source, database or page, with children), update, trash, and property items.
import type { GetPagePropertyResponse, PropertyItemObjectResponse } from '@notionhq/client';
import { BLOCKS_PER_REQUEST, countBlocks, insertBlocks, prepareBlocks } from './blocks.js';
import { expectRecord, normalizeCover, normalizeIcon } from './common.js';
import { archivedEdit, bodyInvalid, describe, notFound, validationError, workspaceParent } from './errors.js';
import { commitValues, prepareValues, renderValue } from './properties.js';
import { pageSize } from './query.js';
import {
  type DataSourceRecord,
  type NotionState,
  normalizeId,
  type PageParent,
  type PageRecord,
} from './state.js';

function resolveParent(
  state: NotionState,
  raw: unknown,
): { parent: PageParent; dataSource?: DataSourceRecord } {
  if (raw === undefined) throw bodyInvalid('body.parent', 'should be defined, instead was `undefined`');
  const parent = expectRecord(raw, 'body.parent');
  if (parent.workspace === true || parent.type === 'workspace') {
    if (!state.bypassSharing) throw workspaceParent();
    return { parent: { type: 'workspace', workspace: true } };
  }
  for (const key of ['data_source_id', 'database_id', 'page_id'] as const) {
    if (parent[key] === undefined) continue;
    const id = normalizeId(parent[key]);
    if (!id)
      throw bodyInvalid(`body.parent.${key}`, `should be a valid uuid, instead was ${describe(parent[key])}`);
    if (key === 'page_id') {
      const page = state.pages.get(id);
      if (!page || !state.isShared(id)) throw notFound('page', id);
      if (page.inTrash) throw archivedEdit();
      return { parent: { type: 'page_id', page_id: id } };
    }
    let dataSource: DataSourceRecord | undefined;
    if (key === 'database_id') {
      const database = state.databases.get(id);
      if (!database || !state.isShared(id)) throw notFound('database', id);
      if (database.dataSourceIds.length !== 1) {
        throw validationError(
          `Database ${id} has ${database.dataSourceIds.length} data sources; create the page with a data_source_id parent.`,
        );
      }
      dataSource = state.dataSources.get(database.dataSourceIds[0]!)!;
    } else {
      dataSource = state.dataSources.get(id);
      if (!dataSource || !state.isShared(id)) throw notFound('data_source', id);
    }
    const database = state.databases.get(dataSource.databaseId)!;
    if (dataSource.inTrash || database.inTrash) throw archivedEdit();
    return {
      parent: { type: 'data_source_id', data_source_id: dataSource.id, database_id: database.id },
      dataSource,
    };
  }
  throw bodyInvalid(
    'body.parent',
    `should have a page_id, data_source_id, database_id or workspace, instead was ${describe(raw)}`,
  );
}

/** POST /v1/pages */
export function createPage(state: NotionState, body: Record<string, unknown>, actor: string): PageRecord {
  if (body.markdown !== undefined)
    throw validationError('The fake Notion API does not model creating pages from markdown.');
  if (body.template !== undefined && expectRecord(body.template, 'body.template').type !== 'none') {
    throw validationError('The fake Notion API does not model page templates (body.template).');
  }
  const { parent, dataSource } = resolveParent(state, body.parent);
  const prepared = prepareValues(state, dataSource, body.properties);
  const childrenInput = body.children ?? body.content;
  const children =
    childrenInput === undefined
      ? []
      : prepareBlocks(state, childrenInput, body.children ? 'body.children' : 'body.content');
  const total = countBlocks(children);
  if (total > BLOCKS_PER_REQUEST) {
    throw validationError(
      `body failed validation: a request can hold at most ${BLOCKS_PER_REQUEST} blocks, instead had ${total}.`,
    );
  }
  const icon = normalizeIcon(body.icon, 'body.icon');
  const cover = normalizeCover(body.cover, 'body.cover');
  // The page is a block, and so is each child: all count against the Free workspace block limit.
  state.checkBlockLimit(1 + total);

  const page: PageRecord = {
    ...state.stamp(state.ids.next('page'), actor),
    parent,
    values: new Map(),
    icon,
    cover,
    isLocked: false,
    children: [],
  };
  if (dataSource) {
    for (const property of dataSource.properties) {
      if (property.config.type === 'unique_id') {
        page.values.set(property.id, { type: 'unique_id', number: property.config.next });
        property.config.next += 1;
      }
    }
  }
  state.pages.set(page.id, page);
  commitValues(state, page, dataSource, prepared, actor);
  insertBlocks(state, page.id, children, { type: 'end' }, actor);
  state.countBlocks(1 + total);
  if (parent.type === 'page_id') {
    const parentPage = state.pages.get(parent.page_id)!;
    parentPage.children.push(page.id);
    state.touch(parentPage, actor);
  } else if (parent.type === 'workspace') {
    state.shared.add(page.id);
  }
  return page;
}

function trashFlag(body: Record<string, unknown>): boolean | undefined {
  const value = body.in_trash ?? body.archived ?? body.is_archived;
  if (value !== undefined && typeof value !== 'boolean')
    throw bodyInvalid('body.in_trash', `should be a boolean, instead was ${describe(value)}`);
  return value;
}

export function dataSourceOf(state: NotionState, page: PageRecord): DataSourceRecord | undefined {
  return page.parent.type === 'data_source_id'
    ? state.dataSources.get(page.parent.data_source_id)
    : undefined;
}

/** PATCH /v1/pages/:id */
export function updatePage(
  state: NotionState,
  page: PageRecord,
  body: Record<string, unknown>,
  actor: string,
): void {
  const trash = trashFlag(body);
  if (page.inTrash && trash !== false) throw archivedEdit();
  if (body.template !== undefined)
    throw validationError('The fake Notion API does not model page templates (body.template).');
  const dataSource = dataSourceOf(state, page);
  const prepared = prepareValues(state, dataSource, body.properties);
  const icon = body.icon === undefined ? undefined : normalizeIcon(body.icon, 'body.icon');
  const cover = body.cover === undefined ? undefined : normalizeCover(body.cover, 'body.cover');
  if (body.is_locked !== undefined && typeof body.is_locked !== 'boolean')
    throw bodyInvalid('body.is_locked', 'should be a boolean');

  if (typeof trash === 'boolean') page.inTrash = trash;
  commitValues(state, page, dataSource, prepared, actor);
  if (icon !== undefined) page.icon = icon;
  if (cover !== undefined) page.cover = cover;
  if (typeof body.is_locked === 'boolean') page.isLocked = body.is_locked;
  if (body.erase_content === true) {
    for (const id of page.children) {
      const block = state.blocks.get(id);
      if (block) block.inTrash = true;
    }
  }
  state.touch(page, actor);
}

function cursorOffset(raw: string | null, path: string): number {
  if (raw === null) return 0;
  const decoded = Buffer.from(raw, 'base64url').toString('utf8');
  const match = /^item:(\d+)$/.exec(decoded);
  if (!match)
    throw bodyInvalid(
      path,
      `should be a valid cursor from a previous response, instead was ${describe(raw)}`,
    );
  return Number(match[1]);
}

function cursorFor(offset: number): string {
  return Buffer.from(`item:${offset}`, 'utf8').toString('base64url');
}

/** GET /v1/pages/:id/properties/:property_id — paginated for title, rich_text, relation and people. */
export function propertyItem(
  state: NotionState,
  page: PageRecord,
  rawPropertyId: string,
  query: URLSearchParams,
  baseUrl: string,
): GetPagePropertyResponse {
  const dataSource = dataSourceOf(state, page);
  const property = dataSource
    ? state.propertyByKey(dataSource, rawPropertyId)
    : rawPropertyId === 'title'
      ? { id: 'title', name: 'title', description: null, config: { type: 'title' as const } }
      : undefined;
  if (!property) throw validationError(`${rawPropertyId} is not a property that exists.`);
  const stored = page.values.get(property.id);
  const id = property.id;
  const type = property.config.type;
  if (type === 'title' || type === 'rich_text' || type === 'relation' || type === 'people') {
    let items: PropertyItemObjectResponse[];
    if (type === 'title' || type === 'rich_text') {
      const texts = stored?.type === type ? stored.items : [];
      items = texts.map((t) =>
        type === 'title'
          ? { object: 'property_item', id, type: 'title', title: t }
          : { object: 'property_item', id, type: 'rich_text', rich_text: t },
      );
    } else if (type === 'relation') {
      const ids = stored?.type === 'relation' ? stored.ids : [];
      items = ids.map((x) => ({ object: 'property_item', id, type: 'relation', relation: { id: x } }));
    } else {
      const ids = stored?.type === 'people' ? stored.ids : [];
      items = ids.map((x) => ({
        object: 'property_item',
        id,
        type: 'people',
        people: { object: 'user', id: x },
      }));
    }
    const size = pageSize(query.get('page_size') ?? undefined, 'query.page_size');
    const start = cursorOffset(query.get('start_cursor'), 'query.start_cursor');
    const results = items.slice(start, start + size);
    const hasMore = start + size < items.length;
    const nextCursor = hasMore ? cursorFor(start + size) : null;
    const nextUrl = nextCursor
      ? `${baseUrl}/v1/pages/${page.id}/properties/${encodeURIComponent(id)}?start_cursor=${nextCursor}`
      : null;
    const header =
      type === 'title'
        ? { type, title: {}, next_url: nextUrl, id }
        : type === 'rich_text'
          ? { type, rich_text: {}, next_url: nextUrl, id }
          : type === 'relation'
            ? { type, relation: {}, next_url: nextUrl, id }
            : { type, people: {}, next_url: nextUrl, id };
    return {
      object: 'list',
      results,
      next_cursor: nextCursor,
      has_more: hasMore,
      type: 'property_item',
      property_item: header,
    };
  }
  const value = renderValue(state, dataSource, page, property);
  if (value.type === 'rollup') {
    const rollup = value.rollup;
    return {
      object: 'list',
      results: [],
      next_cursor: null,
      has_more: false,
      type: 'property_item',
      property_item: {
        type: 'rollup',
        rollup:
          rollup.type === 'number'
            ? { type: 'number', number: rollup.number, function: rollup.function }
            : { type: 'unsupported', unsupported: {}, function: rollup.function },
        next_url: null,
        id,
      },
    };
  }
  switch (value.type) {
    case 'title':
    case 'rich_text':
    case 'relation':
    case 'people':
      throw new Error('unreachable: paginated property types are handled above');
    default:
      return { ...value, object: 'property_item' };
  }
}
