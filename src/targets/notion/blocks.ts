// Markdown -> Notion block requests, within Notion's limits: 2,000 characters per text item, 100 items per array.
import type { BlockObjectRequest } from '@notionhq/client';
import { marked, type Token, type Tokens } from 'marked';
import { LINK_SCHEME } from '../../blueprint/links.js';

/** The SDK's rich-text request item (not exported from the package root, so derived from a block type). */
export type RichTextItemRequest = Extract<
  BlockObjectRequest,
  { type?: 'paragraph' }
>['paragraph']['rich_text'][number];

export const MAX_TEXT_CHARS = 2000;
export const MAX_RICH_TEXT_ITEMS = 100;

/** Where a compiled link (`pn:KEY`) points in Notion: a page or a database by ID, or null while it has none. */
export type MentionTarget = { kind: 'page' | 'database'; id: string } | null;
export type LinkResolver = (key: string) => MentionTarget;

/** Without a resolver, compiled links keep their text and lose the link. */
const NO_LINKS: LinkResolver = () => null;

interface Annotations {
  bold?: boolean;
  italic?: boolean;
  code?: boolean;
  strikethrough?: boolean;
}

/**
 * A block before it is sent. `request` is its body as sent, with its children (one level) already in it;
 * `children` lists those same children as blocks, so they are counted and batched with their parent.
 */
export interface NotionBlock {
  request: BlockObjectRequest;
  children: NotionBlock[];
}

function textItems(content: string, annotations: Annotations, link?: string): RichTextItemRequest[] {
  const items: RichTextItemRequest[] = [];
  for (let i = 0; i < content.length; i += MAX_TEXT_CHARS) {
    const text: { content: string; link?: { url: string } } = {
      content: content.slice(i, i + MAX_TEXT_CHARS),
    };
    if (link && /^https?:\/\//.test(link)) text.link = { url: link };
    const item: RichTextItemRequest = { type: 'text', text };
    if (Object.keys(annotations).length) item.annotations = { ...annotations };
    items.push(item);
  }
  return items;
}

/** A mention of a page or database: Notion shows the target's current title, so a renamed page stays named right. */
function mention(target: NonNullable<MentionTarget>, annotations: Annotations): RichTextItemRequest {
  const item: RichTextItemRequest =
    target.kind === 'page'
      ? { type: 'mention', mention: { page: { id: target.id } } }
      : { type: 'mention', mention: { database: { id: target.id } } };
  if (Object.keys(annotations).length) item.annotations = { ...annotations };
  return item;
}

function inline(
  tokens: readonly Token[] | undefined,
  resolve: LinkResolver,
  annotations: Annotations = {},
  link?: string,
): RichTextItemRequest[] {
  const out: RichTextItemRequest[] = [];
  for (const token of tokens ?? []) {
    switch (token.type) {
      case 'strong':
        out.push(...inline((token as Tokens.Strong).tokens, resolve, { ...annotations, bold: true }, link));
        break;
      case 'em':
        out.push(...inline((token as Tokens.Em).tokens, resolve, { ...annotations, italic: true }, link));
        break;
      case 'del':
        out.push(
          ...inline((token as Tokens.Del).tokens, resolve, { ...annotations, strikethrough: true }, link),
        );
        break;
      case 'codespan':
        out.push(...textItems(decode((token as Tokens.Codespan).text), { ...annotations, code: true }, link));
        break;
      case 'link': {
        const { href, tokens: inner } = token as Tokens.Link;
        if (!href.startsWith(LINK_SCHEME)) {
          out.push(...inline(inner, resolve, annotations, href));
          break;
        }
        const target = resolve(href.slice(LINK_SCHEME.length));
        if (target) out.push(mention(target, annotations));
        else out.push(...inline(inner, resolve, annotations));
        break;
      }
      case 'br':
        out.push(...textItems('\n', annotations, link));
        break;
      case 'text': {
        const t = token as Tokens.Text;
        if (t.tokens?.length) out.push(...inline(t.tokens, resolve, annotations, link));
        else out.push(...textItems(decode(t.text), annotations, link));
        break;
      }
      default:
        if ('text' in token && typeof token.text === 'string')
          out.push(...textItems(decode(token.text), annotations, link));
    }
  }
  return mergeAdjacent(out);
}

function decode(text: string): string {
  return text
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");
}

/** Joins neighbours with the same formatting, then caps the array at 100 items (the rest joined as plain text). */
function mergeAdjacent(items: RichTextItemRequest[]): RichTextItemRequest[] {
  const merged: RichTextItemRequest[] = [];
  for (const item of items) {
    const prev = merged[merged.length - 1];
    if (
      prev &&
      prev.type === 'text' &&
      item.type === 'text' &&
      JSON.stringify(prev.annotations ?? {}) === JSON.stringify(item.annotations ?? {}) &&
      prev.text.link?.url === item.text.link?.url &&
      prev.text.content.length + item.text.content.length <= MAX_TEXT_CHARS
    ) {
      prev.text.content += item.text.content;
    } else {
      merged.push(structuredClone(item));
    }
  }
  if (merged.length <= MAX_RICH_TEXT_ITEMS) return merged;
  const head = merged.slice(0, MAX_RICH_TEXT_ITEMS - 1);
  const rest = merged
    .slice(MAX_RICH_TEXT_ITEMS - 1)
    .map((i) => (i.type === 'text' ? i.text.content : ''))
    .join('');
  return [...head, ...textItems(rest, {}).slice(0, 1)];
}

const block = (request: BlockObjectRequest): NotionBlock => ({ request, children: [] });

/** A list item's text, and the list items nested under it (first level only). */
function listItemParts(item: Tokens.ListItem, depth: number, resolve: LinkResolver) {
  const own: Token[] = [];
  const nested: Tokens.List[] = [];
  for (const t of item.tokens) {
    if (t.type === 'list') {
      // Notion allows deeper nesting, but one request carries two levels: deeper lists are flattened.
      if (depth === 0) nested.push(t as Tokens.List);
      else own.push({ type: 'text', raw: t.raw, text: t.raw } as Tokens.Text);
    } else if (t.type !== 'checkbox') {
      own.push(...(t.type === 'text' || t.type === 'paragraph' ? ((t as Tokens.Text).tokens ?? [t]) : [t]));
    }
  }
  return { rich_text: inline(own, resolve), nested };
}

/**
 * A list item one level down, as the SDK types it both as a block and as a list item's child: it carries
 * no children (a list below it is flattened into its text).
 */
function nestedListItem(list: Tokens.List, item: Tokens.ListItem, resolve: LinkResolver) {
  const { rich_text } = listItemParts(item, 1, resolve);
  if (item.task)
    return {
      type: 'to_do',
      to_do: { rich_text, checked: Boolean(item.checked) },
    } satisfies BlockObjectRequest;
  if (list.ordered)
    return { type: 'numbered_list_item', numbered_list_item: { rich_text } } satisfies BlockObjectRequest;
  return { type: 'bulleted_list_item', bulleted_list_item: { rich_text } } satisfies BlockObjectRequest;
}

/** A top-level list item, with its nested items in its body's `children` (only when it has some). */
function listItem(list: Tokens.List, item: Tokens.ListItem, resolve: LinkResolver): NotionBlock {
  const { rich_text, nested } = listItemParts(item, 0, resolve);
  const children = nested.flatMap((sub) => sub.items.map((i) => nestedListItem(sub, i, resolve)));
  const body = { rich_text, ...(children.length ? { children } : {}) };
  const request: BlockObjectRequest = item.task
    ? { type: 'to_do', to_do: { ...body, checked: Boolean(item.checked) } }
    : list.ordered
      ? { type: 'numbered_list_item', numbered_list_item: body }
      : { type: 'bulleted_list_item', bulleted_list_item: body };
  return { request, children: children.map(block) };
}

/** A table with its rows, which Notion needs in the same request as the table. */
function tableBlock(table: Tokens.Table, resolve: LinkResolver): NotionBlock {
  const row = (cells: Tokens.TableCell[]) =>
    ({
      type: 'table_row',
      table_row: { cells: cells.map((c) => inline(c.tokens, resolve)) },
    }) satisfies BlockObjectRequest;
  const rows = [row(table.header), ...table.rows.map(row)];
  return {
    request: {
      type: 'table',
      table: {
        table_width: table.header.length,
        has_column_header: true,
        has_row_header: false,
        children: rows,
      },
    },
    children: rows.map(block),
  };
}

function toBlocks(tokens: readonly Token[], resolve: LinkResolver): NotionBlock[] {
  const out: NotionBlock[] = [];
  for (const token of tokens) {
    switch (token.type) {
      case 'heading': {
        const h = token as Tokens.Heading;
        const rich_text = inline(h.tokens, resolve);
        if (h.depth <= 1) out.push(block({ type: 'heading_1', heading_1: { rich_text } }));
        else if (h.depth === 2) out.push(block({ type: 'heading_2', heading_2: { rich_text } }));
        else out.push(block({ type: 'heading_3', heading_3: { rich_text } }));
        break;
      }
      case 'paragraph':
        out.push(
          block({
            type: 'paragraph',
            paragraph: { rich_text: inline((token as Tokens.Paragraph).tokens, resolve) },
          }),
        );
        break;
      case 'list':
        out.push(
          ...(token as Tokens.List).items.map((item) => listItem(token as Tokens.List, item, resolve)),
        );
        break;
      case 'blockquote': {
        const inner = (token as Tokens.Blockquote).tokens.flatMap((t) =>
          t.type === 'paragraph'
            ? [...((t as Tokens.Paragraph).tokens ?? []), { type: 'br', raw: '\n' } as Tokens.Br]
            : [],
        );
        out.push(block({ type: 'quote', quote: { rich_text: inline(inner.slice(0, -1), resolve) } }));
        break;
      }
      case 'hr':
        out.push(block({ type: 'divider', divider: {} }));
        break;
      case 'table':
        out.push(tableBlock(token as Tokens.Table, resolve));
        break;
      case 'code':
        out.push(
          block({
            type: 'code',
            code: { language: 'plain text', rich_text: textItems((token as Tokens.Code).text, {}) },
          }),
        );
        break;
      case 'space':
        break;
      default:
        if ('text' in token && typeof token.text === 'string' && token.text.trim()) {
          out.push(block({ type: 'paragraph', paragraph: { rich_text: textItems(token.text, {}) } }));
        }
    }
  }
  return out;
}

/** A page body as blocks; compiled links become mentions where `resolve` knows their target, else plain text. */
export function markdownToBlocks(markdown: string, resolve: LinkResolver = NO_LINKS): NotionBlock[] {
  return toBlocks(marked.lexer(markdown, { gfm: true }), resolve);
}

/** Every block a page will hold, children included: what counts against a workspace's block limit. */
export function countBlocks(blocks: readonly NotionBlock[]): number {
  return blocks.reduce((n, b) => n + 1 + countBlocks(b.children), 0);
}

export const MAX_CHILDREN_PER_APPEND = 100;
export const MAX_BLOCKS_PER_REQUEST = 1000;

/**
 * Splits a page's blocks into append requests: at most 100 top-level children and 1,000 blocks each,
 * with every block's children (one level) sent in the same request, so nesting never exceeds two levels.
 */
export function appendBatches(blocks: readonly NotionBlock[]): BlockObjectRequest[][] {
  const batches: BlockObjectRequest[][] = [];
  let current: BlockObjectRequest[] = [];
  let count = 0;
  for (const b of blocks) {
    const size = 1 + b.children.length;
    if (current.length >= MAX_CHILDREN_PER_APPEND || count + size > MAX_BLOCKS_PER_REQUEST) {
      batches.push(current);
      current = [];
      count = 0;
    }
    current.push(b.request);
    count += size;
  }
  if (current.length) batches.push(current);
  return batches;
}
