// Route handlers for pages and blocks: create, retrieve, update, property items, children list/append, delete.
import type {
  AppendBlockChildrenResponse,
  BlockObjectResponse,
  CreatePageResponse,
  DeleteBlockResponse,
  GetBlockResponse,
  GetPagePropertyResponse,
  GetPageResponse,
  ListBlockChildrenResponse,
  UpdateBlockResponse,
  UpdatePageResponse,
} from '@notionhq/client';
import {
  filterProperties,
  type RouteContext,
  requireBlockLike,
  requireBody,
  requirePage,
  since,
} from './access.js';
import {
  BLOCKS_PER_REQUEST,
  canHaveChildren,
  countBlocks,
  insertBlocks,
  parsePosition,
  prepareBlocks,
  renderChild,
  updateBlock,
} from './blocks.js';
import { archivedEdit, notPresent, validationError } from './errors.js';
import { createPage, propertyItem, updatePage } from './pages.js';
import { renderPage } from './properties.js';
import { pageSize, slice } from './query.js';

export function createPageRoute(ctx: RouteContext): CreatePageResponse {
  const page = createPage(ctx.state, ctx.body, ctx.actor);
  return renderPage(ctx.state, page, filterProperties(ctx.query));
}

export function retrievePageRoute(ctx: RouteContext): GetPageResponse {
  const page = requirePage(ctx.state, ctx.params[0]);
  return renderPage(ctx.state, page, filterProperties(ctx.query));
}

export function updatePageRoute(ctx: RouteContext): UpdatePageResponse {
  const page = requirePage(ctx.state, ctx.params[0]);
  updatePage(ctx.state, page, ctx.body, ctx.actor);
  return renderPage(ctx.state, page, filterProperties(ctx.query));
}

export function retrievePagePropertyRoute(ctx: RouteContext): GetPagePropertyResponse {
  const page = requirePage(ctx.state, ctx.params[0]);
  return propertyItem(ctx.state, page, ctx.params[1] ?? '', ctx.query, ctx.baseUrl);
}

function rendered(ctx: RouteContext, id: string): BlockObjectResponse {
  const block = renderChild(ctx.state, id);
  if (!block) throw new Error(`fake notion: ${id} is not renderable as a block`);
  return block;
}

export function retrieveBlockRoute(ctx: RouteContext): GetBlockResponse {
  const { id } = requireBlockLike(ctx.state, ctx.params[0]);
  return rendered(ctx, id);
}

export function updateBlockRoute(ctx: RouteContext): UpdateBlockResponse {
  const target = requireBlockLike(ctx.state, ctx.params[0]);
  if (target.block) {
    updateBlock(ctx.state, target.block, ctx.body, ctx.actor);
    const page = ctx.state.containingPage(target.block.parentId);
    if (page) ctx.state.touch(page, ctx.actor);
  } else {
    const trash = ctx.body.in_trash ?? ctx.body.archived;
    const other = Object.keys(ctx.body).filter((k) => k !== 'in_trash' && k !== 'archived');
    if (other.length > 0 || typeof trash !== 'boolean') {
      throw validationError(
        'The fake Notion API only models `in_trash` when updating a page or database as a block.',
      );
    }
    const record = target.page ?? target.database!;
    record.inTrash = trash;
    ctx.state.touch(record, ctx.actor);
  }
  return rendered(ctx, target.id);
}

export function deleteBlockRoute(ctx: RouteContext): DeleteBlockResponse {
  const target = requireBlockLike(ctx.state, ctx.params[0]);
  const record = target.block ?? target.page ?? target.database!;
  if (record.inTrash) throw archivedEdit();
  record.inTrash = true;
  ctx.state.touch(record, ctx.actor);
  const page = target.block ? ctx.state.containingPage(target.block.parentId) : undefined;
  if (page) ctx.state.touch(page, ctx.actor);
  return rendered(ctx, target.id);
}

function visibleChildren(ctx: RouteContext, ids: readonly string[]): { id: string }[] {
  return ids
    .filter((id) => {
      const child = ctx.state.blocks.get(id) ?? ctx.state.pages.get(id) ?? ctx.state.databases.get(id);
      return child !== undefined && !child.inTrash;
    })
    .map((id) => ({ id }));
}

export function listChildrenRoute(ctx: RouteContext): ListBlockChildrenResponse {
  const target = requireBlockLike(ctx.state, ctx.params[0]);
  const container = target.block ?? target.page;
  if (!container)
    throw validationError('Block children of a database cannot be listed; query its data source instead.');
  const size = pageSize(ctx.query.get('page_size') ?? undefined, 'query.page_size');
  const page = slice(
    visibleChildren(ctx, container.children),
    ctx.query.get('start_cursor') ?? undefined,
    size,
    'query.start_cursor',
  );
  return {
    object: 'list',
    results: page.results.map(({ id }) => rendered(ctx, id)),
    next_cursor: page.nextCursor,
    has_more: page.hasMore,
    type: 'block',
    block: {},
  };
}

export function appendChildrenRoute(ctx: RouteContext): AppendBlockChildrenResponse {
  const target = requireBlockLike(ctx.state, ctx.params[0]);
  const container = target.block ?? target.page;
  if (!container) throw validationError('Blocks cannot be appended to a database.');
  if (container.inTrash) throw archivedEdit();
  if (target.block && !canHaveChildren(target.block.content.type)) {
    throw validationError(`Block type ${target.block.content.type} does not support children.`);
  }
  const blocks = prepareBlocks(ctx.state, requireBody(ctx.body, 'children'), 'body.children');
  const total = countBlocks(blocks);
  if (total > BLOCKS_PER_REQUEST) {
    throw validationError(
      `body failed validation: a request can hold at most ${BLOCKS_PER_REQUEST} blocks, instead had ${total}.`,
    );
  }
  // 2026-03-11 replaced the flat `after` with `position: { type: 'after_block', after_block: { id } }`.
  if (since(ctx, '2026-03-11') && ctx.body.after !== undefined)
    throw notPresent('body.after', ctx.body.after);
  const position = parsePosition(ctx.body, container.children);
  ctx.state.checkBlockLimit(total);
  const created = insertBlocks(ctx.state, container.id, blocks, position, ctx.actor);
  ctx.state.countBlocks(total);
  if (target.block) ctx.state.touch(target.block, ctx.actor);
  const page = ctx.state.containingPage(container.id);
  if (page) ctx.state.touch(page, ctx.actor);
  return {
    object: 'list',
    results: created.map((b) => rendered(ctx, b.id)),
    next_cursor: null,
    has_more: false,
    type: 'block',
    block: {},
  };
}
