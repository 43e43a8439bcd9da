// Blocks: request validation (100 children per array, 2 nesting levels, 1,000 blocks), storage, update, rendering.
import type { BlockObjectResponse, RichTextItemResponse } from '@notionhq/client';
import {
  apiColor,
  expectArray,
  expectRecord,
  expectString,
  isRecord,
  normalizeIcon,
  optionalBoolean,
  variantOf,
} from './common.js';
import { archivedEdit, bodyInvalid, describe, tooLong, validationError } from './errors.js';
import { normalizeRichText, plainText, titleOf } from './rich-text.js';
import { type BlockContent, type BlockRecord, type NotionState, normalizeId, notionTime } from './state.js';

export const CHILDREN_PER_ARRAY = 100;
export const NESTING_LEVELS = 2;
export const BLOCKS_PER_REQUEST = 1000;

const TEXT_TYPES = [
  'paragraph',
  'heading_1',
  'heading_2',
  'heading_3',
  'heading_4',
  'bulleted_list_item',
  'numbered_list_item',
  'quote',
  'to_do',
  'toggle',
  'template',
  'callout',
] as const;
const OTHER_TYPES = [
  'code',
  'equation',
  'divider',
  'breadcrumb',
  'table_of_contents',
  'bookmark',
  'embed',
  'image',
  'video',
  'pdf',
  'file',
  'audio',
  'table',
  'table_row',
  'column_list',
  'column',
  'link_to_page',
  'synced_block',
  'tab',
] as const;
const BLOCK_TYPES: readonly string[] = [...TEXT_TYPES, ...OTHER_TYPES];

/** The languages a code block takes (block reference, `code`; the SDK's LanguageRequest). */
export const CODE_LANGUAGES: readonly string[] = [
  'abap',
  'abc',
  'agda',
  'arduino',
  'ascii art',
  'assembly',
  'bash',
  'basic',
  'bnf',
  'c',
  'c#',
  'c++',
  'clojure',
  'coffeescript',
  'coq',
  'css',
  'dart',
  'dhall',
  'diff',
  'docker',
  'ebnf',
  'elixir',
  'elm',
  'erlang',
  'f#',
  'flow',
  'fortran',
  'gherkin',
  'glsl',
  'go',
  'graphql',
  'groovy',
  'haskell',
  'hcl',
  'html',
  'idris',
  'java',
  'javascript',
  'json',
  'julia',
  'kotlin',
  'latex',
  'less',
  'lisp',
  'livescript',
  'llvm ir',
  'lua',
  'makefile',
  'markdown',
  'markup',
  'matlab',
  'mathematica',
  'mermaid',
  'nix',
  'notion formula',
  'objective-c',
  'ocaml',
  'pascal',
  'perl',
  'php',
  'plain text',
  'powershell',
  'prolog',
  'protobuf',
  'purescript',
  'python',
  'r',
  'racket',
  'reason',
  'ruby',
  'rust',
  'sass',
  'scala',
  'scheme',
  'scss',
  'shell',
  'smalltalk',
  'solidity',
  'sql',
  'swift',
  'toml',
  'typescript',
  'vb.net',
  'verilog',
  'vhdl',
  'visual basic',
  'webassembly',
  'xml',
  'yaml',
  'java/c/c++/c#',
];
const PARENT_TYPES = new Set<string>([...TEXT_TYPES, 'synced_block', 'column_list', 'column', 'table']);

/** Whether children can be appended under a block of this type. */
export function canHaveChildren(type: string): boolean {
  return PARENT_TYPES.has(type);
}

export interface PreparedBlock {
  content: BlockContent;
  children: PreparedBlock[];
}

function caption(state: NotionState, body: Record<string, unknown>, at: string): RichTextItemResponse[] {
  return body.caption === undefined ? [] : normalizeRichText(state, body.caption, `${at}.caption`);
}

function external(body: Record<string, unknown>, at: string): { url: string } {
  if (!isRecord(body.external)) {
    throw validationError(
      `The fake Notion API only models external files for media blocks (${at}.external).`,
    );
  }
  return { url: expectString(body.external.url, `${at}.external.url`, 2000) };
}

function linkTarget(
  body: Record<string, unknown>,
  at: string,
): Extract<BlockContent, { type: 'link_to_page' }>['link_to_page'] {
  const key = variantOf(body, ['page_id', 'database_id'], at);
  const id = normalizeId(body[key]);
  if (!id) throw bodyInvalid(`${at}.${key}`, `should be a valid uuid, instead was ${describe(body[key])}`);
  return key === 'page_id' ? { type: 'page_id', page_id: id } : { type: 'database_id', database_id: id };
}

function codeLanguage(value: unknown, path: string): string {
  const language = expectString(value, path);
  if (!CODE_LANGUAGES.includes(language)) {
    throw bodyInvalid(path, `should be one of the code block languages, instead was ${describe(value)}`);
  }
  return language;
}

/** The response form of one block's own content (children are handled by the caller). */
function blockContent(
  state: NotionState,
  type: string,
  body: Record<string, unknown>,
  at: string,
): BlockContent {
  const text = () => normalizeRichText(state, body.rich_text ?? [], `${at}.rich_text`);
  const color = () => apiColor(body.color, `${at}.color`);
  const toggleable = () => optionalBoolean(body.is_toggleable, `${at}.is_toggleable`, false);
  switch (type) {
    case 'paragraph':
      return {
        type,
        paragraph: { rich_text: text(), color: color(), icon: normalizeIcon(body.icon, `${at}.icon`) },
      };
    case 'heading_1':
      return { type, heading_1: { rich_text: text(), color: color(), is_toggleable: toggleable() } };
    case 'heading_2':
      return { type, heading_2: { rich_text: text(), color: color(), is_toggleable: toggleable() } };
    case 'heading_3':
      return { type, heading_3: { rich_text: text(), color: color(), is_toggleable: toggleable() } };
    case 'heading_4':
      return { type, heading_4: { rich_text: text(), color: color(), is_toggleable: toggleable() } };
    case 'bulleted_list_item':
      return { type, bulleted_list_item: { rich_text: text(), color: color() } };
    case 'numbered_list_item':
      return { type, numbered_list_item: { rich_text: text(), color: color() } };
    case 'quote':
      return { type, quote: { rich_text: text(), color: color() } };
    case 'toggle':
      return { type, toggle: { rich_text: text(), color: color() } };
    case 'to_do':
      return {
        type,
        to_do: {
          rich_text: text(),
          color: color(),
          checked: optionalBoolean(body.checked, `${at}.checked`, false),
        },
      };
    case 'template':
      return { type, template: { rich_text: text() } };
    case 'callout':
      return {
        type,
        callout: { rich_text: text(), color: color(), icon: normalizeIcon(body.icon, `${at}.icon`) },
      };
    case 'code':
      return {
        type,
        code: {
          rich_text: text(),
          caption: caption(state, body, at),
          language: codeLanguage(body.language, `${at}.language`) as Extract<
            BlockContent,
            { type: 'code' }
          >['code']['language'],
        },
      };
    case 'equation':
      return { type, equation: { expression: expectString(body.expression, `${at}.expression`, 1000) } };
    case 'divider':
      return { type, divider: {} };
    case 'breadcrumb':
      return { type, breadcrumb: {} };
    case 'table_of_contents':
      return { type, table_of_contents: { color: color() } };
    case 'bookmark':
      return {
        type,
        bookmark: { url: expectString(body.url, `${at}.url`, 2000), caption: caption(state, body, at) },
      };
    case 'embed':
      return {
        type,
        embed: { url: expectString(body.url, `${at}.url`, 2000), caption: caption(state, body, at) },
      };
    case 'image':
      return {
        type,
        image: { type: 'external', external: external(body, at), caption: caption(state, body, at) },
      };
    case 'video':
      return {
        type,
        video: { type: 'external', external: external(body, at), caption: caption(state, body, at) },
      };
    case 'pdf':
      return {
        type,
        pdf: { type: 'external', external: external(body, at), caption: caption(state, body, at) },
      };
    case 'audio':
      return {
        type,
        audio: { type: 'external', external: external(body, at), caption: caption(state, body, at) },
      };
    case 'file':
      return {
        type,
        file: {
          type: 'external',
          external: external(body, at),
          caption: caption(state, body, at),
          name: body.name === undefined ? '' : expectString(body.name, `${at}.name`),
        },
      };
    case 'table': {
      const width = body.table_width;
      if (typeof width !== 'number' || !Number.isInteger(width) || width < 1) {
        throw bodyInvalid(
          `${at}.table_width`,
          `should be a positive integer, instead was ${describe(width)}`,
        );
      }
      return {
        type,
        table: {
          table_width: width,
          has_column_header: optionalBoolean(body.has_column_header, `${at}.has_column_header`, false),
          has_row_header: optionalBoolean(body.has_row_header, `${at}.has_row_header`, false),
        },
      };
    }
    case 'table_row': {
      const cells = expectArray(body.cells, `${at}.cells`).map((cell, i) =>
        normalizeRichText(state, cell, `${at}.cells[${i}]`),
      );
      return { type, table_row: { cells } };
    }
    case 'column_list':
      return { type, column_list: {} };
    case 'column': {
      const ratio = body.width_ratio;
      if (ratio !== undefined && (typeof ratio !== 'number' || ratio <= 0 || ratio > 1)) {
        throw bodyInvalid(
          `${at}.width_ratio`,
          `should be a number between 0 and 1, instead was ${describe(ratio)}`,
        );
      }
      return { type, column: ratio === undefined ? {} : { width_ratio: ratio } };
    }
    case 'link_to_page':
      return { type, link_to_page: linkTarget(body, at) };
    case 'synced_block': {
      const from = body.synced_from;
      if (from === null || from === undefined) return { type, synced_block: { synced_from: null } };
      const source = normalizeId(expectRecord(from, `${at}.synced_from`).block_id);
      if (!source) throw bodyInvalid(`${at}.synced_from.block_id`, 'should be a valid uuid');
      return { type, synced_block: { synced_from: { type: 'block_id', block_id: source } } };
    }
    default:
      throw validationError(`The fake Notion API does not model \`${type}\` blocks (${at}).`);
  }
}

/**
 * Validates an array of block requests at `path` (`body.children`). `level` is the nesting level of the
 * array: 0 for the request's own children, up to NESTING_LEVELS below them.
 */
export function prepareBlocks(
  state: NotionState,
  value: unknown,
  path: string,
  level = 0,
  parentType?: string,
): PreparedBlock[] {
  const items = expectArray(value, path);
  if (items.length > CHILDREN_PER_ARRAY) throw tooLong(path, CHILDREN_PER_ARRAY, items.length);
  return items.map((entry, index) => {
    const at = `${path}[${index}]`;
    const raw = expectRecord(entry, at);
    const type = variantOf(raw, BLOCK_TYPES, at);
    const body = expectRecord(raw[type], `${at}.${type}`);
    if (parentType === 'column_list' && type !== 'column') {
      throw bodyInvalid(`${at}`, 'should be a column block (a column_list only holds columns)');
    }
    if (parentType === 'table' && type !== 'table_row')
      throw bodyInvalid(`${at}`, 'should be a table_row block');
    const content = blockContent(state, type, body, `${at}.${type}`);
    let children: PreparedBlock[] = [];
    if (body.children !== undefined) {
      const childPath = `${at}.${type}.children`;
      if (!PARENT_TYPES.has(type)) throw bodyInvalid(childPath, 'should be not present');
      // A column adds no level of its own: column_list > column > block is one level, as the SDK's types allow.
      const childLevel = type === 'column' ? level : level + 1;
      if (childLevel > NESTING_LEVELS) throw bodyInvalid(childPath, 'should be not present');
      children = prepareBlocks(state, body.children, childPath, childLevel, type);
    }
    if (content.type === 'table') {
      for (const [i, row] of children.entries()) {
        if (
          row.content.type === 'table_row' &&
          row.content.table_row.cells.length !== content.table.table_width
        ) {
          throw validationError(
            `Number of cells in table row must match the table width of the parent table (${at}.table.children[${i}]).`,
          );
        }
      }
      if (children.length === 0) throw bodyInvalid(`${at}.table.children`, 'should be defined');
    }
    if ((type === 'column_list' || type === 'column') && children.length === 0) {
      throw bodyInvalid(`${at}.${type}.children`, 'should be defined');
    }
    return { content, children };
  });
}

export function countBlocks(blocks: readonly PreparedBlock[]): number {
  return blocks.reduce((n, b) => n + 1 + countBlocks(b.children), 0);
}

/** Where appended children go among the parent's children. */
export type InsertPosition = { type: 'end' } | { type: 'start' } | { type: 'after'; id: string };

export function parsePosition(body: Record<string, unknown>, siblings: readonly string[]): InsertPosition {
  if (body.after !== undefined) {
    const id = normalizeId(body.after);
    if (!id || !siblings.includes(id))
      throw validationError(`Block ${String(body.after)} is not a child of the parent block (body.after).`);
    return { type: 'after', id };
  }
  if (body.position === undefined) return { type: 'end' };
  const position = expectRecord(body.position, 'body.position');
  if (position.type === 'start') return { type: 'start' };
  if (position.type === 'end') return { type: 'end' };
  if (position.type === 'after_block') {
    const id = normalizeId(expectRecord(position.after_block, 'body.position.after_block').id);
    if (!id || !siblings.includes(id))
      throw validationError('body.position.after_block.id is not a child of the parent block.');
    return { type: 'after', id };
  }
  throw bodyInvalid(
    'body.position.type',
    `should be one of start, end, after_block, instead was ${describe(position.type)}`,
  );
}

function childrenOf(state: NotionState, parentId: string): string[] {
  const container = state.pages.get(parentId) ?? state.blocks.get(parentId);
  if (!container) throw new Error(`no container ${parentId}`);
  return container.children;
}

/** Stores prepared blocks under a page or block; returns the top-level records. */
export function insertBlocks(
  state: NotionState,
  parentId: string,
  blocks: readonly PreparedBlock[],
  position: InsertPosition,
  actor: string,
): BlockRecord[] {
  const created = blocks.map((prepared) => storeBlock(state, parentId, prepared, actor));
  const siblings = childrenOf(state, parentId);
  const ids = created.map((b) => b.id);
  const index =
    position.type === 'start'
      ? 0
      : position.type === 'after'
        ? siblings.indexOf(position.id) + 1
        : siblings.length;
  siblings.splice(index, 0, ...ids);
  return created;
}

function storeBlock(
  state: NotionState,
  parentId: string,
  prepared: PreparedBlock,
  actor: string,
): BlockRecord {
  const record: BlockRecord = {
    ...state.stamp(state.ids.next('block'), actor),
    parentId,
    content: prepared.content,
    children: [],
  };
  state.blocks.set(record.id, record);
  record.children = prepared.children.map((child) => storeBlock(state, record.id, child, actor).id);
  return record;
}

function blockParent(state: NotionState, parentId: string): BlockObjectResponse['parent'] {
  return state.pages.has(parentId)
    ? { type: 'page_id', page_id: parentId }
    : { type: 'block_id', block_id: parentId };
}

function hasVisibleChildren(state: NotionState, ids: readonly string[]): boolean {
  return ids.some((id) => {
    const child = state.blocks.get(id) ?? state.pages.get(id) ?? state.databases.get(id);
    return child !== undefined && !child.inTrash;
  });
}

/** A child of a page or block as a block object: a block, a child page or a child database. */
export function renderChild(state: NotionState, id: string): BlockObjectResponse | undefined {
  const block = state.blocks.get(id);
  if (block) {
    return {
      ...block.content,
      object: 'block',
      id: block.id,
      parent: blockParent(state, block.parentId),
      created_time: notionTime(block.createdTime),
      created_by: { object: 'user', id: block.createdBy },
      last_edited_time: notionTime(block.lastEditedTime),
      last_edited_by: { object: 'user', id: block.lastEditedBy },
      has_children: hasVisibleChildren(state, block.children),
      in_trash: block.inTrash,
      archived: block.inTrash,
    };
  }
  const page = state.pages.get(id);
  const database = state.databases.get(id);
  const record = page ?? database;
  if (!record) return undefined;
  // A child page or database keeps its own parent (a page, a data source row's data source, or the workspace).
  const own = page ? page.parent : database!.parent;
  const parent: BlockObjectResponse['parent'] =
    own.type === 'page_id'
      ? blockParent(state, own.page_id)
      : own.type === 'data_source_id'
        ? { type: 'data_source_id', data_source_id: own.data_source_id, database_id: own.database_id }
        : { type: 'workspace', workspace: true };
  const common = {
    object: 'block' as const,
    id,
    parent,
    created_time: notionTime(record.createdTime),
    created_by: { object: 'user' as const, id: record.createdBy },
    last_edited_time: notionTime(record.lastEditedTime),
    last_edited_by: { object: 'user' as const, id: record.lastEditedBy },
    in_trash: record.inTrash,
    archived: record.inTrash,
  };
  if (page) {
    return {
      ...common,
      type: 'child_page',
      child_page: { title: plainText(titleOf(page.values)) },
      has_children: hasVisibleChildren(state, page.children),
    };
  }
  return {
    ...common,
    type: 'child_database',
    child_database: { title: plainText(database!.title) },
    has_children: false,
  };
}

/** PATCH /v1/blocks/:id — new content for the block's own type, or `in_trash`. */
export function updateBlock(
  state: NotionState,
  block: BlockRecord,
  body: Record<string, unknown>,
  actor: string,
): void {
  const trash = body.in_trash ?? body.archived;
  if (trash !== undefined && typeof trash !== 'boolean')
    throw bodyInvalid('body.in_trash', 'should be a boolean');
  const type = block.content.type;
  const present = BLOCK_TYPES.filter((t) => body[t] !== undefined);
  if (present.some((t) => t !== type)) {
    throw validationError(`Block type ${present.join(', ')} does not match the existing block type ${type}.`);
  }
  if (block.inTrash && trash !== false) throw archivedEdit();
  if (present.length === 1) {
    const change = expectRecord(body[type], `body.${type}`);
    if (change.children !== undefined) throw bodyInvalid(`body.${type}.children`, 'should be not present');
    const current = (block.content as Record<string, unknown>)[type] as Record<string, unknown>;
    const merged: Record<string, unknown> = { ...current, ...change };
    // Re-validate the merged content in request form so limits apply to updates too.
    const request: Record<string, unknown> = { ...merged };
    if (type === 'image' || type === 'video' || type === 'pdf' || type === 'audio' || type === 'file') {
      request.external = isRecord(change.external) ? change.external : current.external;
    }
    block.content = blockContent(state, type, request, `body.${type}`);
  }
  if (typeof trash === 'boolean') block.inTrash = trash;
  state.touch(block, actor);
}
