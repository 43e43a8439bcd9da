// Page links in the Notion install: rows are created so that link targets come first, and a page's links to
// pages made after it are written as plain text, then the blocks holding them are updated to mentions.
import type { BlockObjectRequest, UpdateBlockParameters } from '@notionhq/client';
import { linkedKeys } from '../../blueprint/links.js';
import type { NotionApi } from './api.js';
import { type LinkResolver, markdownToBlocks, type NotionBlock, type RichTextItemRequest } from './blocks.js';
import type { NotionOp } from './plan.js';
import type { NotionWriter } from './writer.js';

/**
 * Every row's place in the link order: a page comes after the pages it links to (a cycle keeps the
 * blueprint's order for the link that closes it). Pure and the same in every run, so what a page was
 * written with is known again after a crash: links to rows before it are mentions, links to rows after
 * it (forward links) are plain text until the link stage.
 */
export function linkOrder(rows: readonly { key: string; markdown: string }[]): Map<string, number> {
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const rank = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (key: string) => {
    if (rank.has(key) || visiting.has(key)) return;
    visiting.add(key);
    for (const target of linkedKeys(byKey.get(key)?.markdown ?? '')) if (byKey.has(target)) visit(target);
    visiting.delete(key);
    rank.set(key, rank.size);
  };
  for (const row of rows) visit(row.key);
  return rank;
}

/** Row operations in link order; every other operation keeps its place. */
export function orderRowsByLinks(ops: readonly NotionOp[], order: ReadonlyMap<string, number>): NotionOp[] {
  const isRow = (op: NotionOp): op is Extract<NotionOp, { kind: 'create-row' | 'adopt-row' }> =>
    op.kind === 'create-row' || op.kind === 'adopt-row';
  const rows = ops.filter(isRow).sort((a, b) => (order.get(a.rowKey) ?? 0) - (order.get(b.rowKey) ?? 0));
  let next = 0;
  return ops.map((op) => (isRow(op) ? rows[next++]! : op));
}

/** A page's links to rows after it in the link order: written as plain text, made mentions by the link stage. */
export function forwardLinks(rowKey: string, markdown: string, order: ReadonlyMap<string, number>): string[] {
  const own = order.get(rowKey) ?? -1;
  return linkedKeys(markdown).filter((key) => (order.get(key) ?? -1) > own);
}

/** A resolver that leaves the given links plain (what a page with forward links is written with). */
export function withoutLinks(resolve: LinkResolver, plain: readonly string[]): LinkResolver {
  if (!plain.length) return resolve;
  const skip = new Set(plain);
  return (key) => (skip.has(key) ? null : resolve(key));
}

/** A rich-text array reduced to what a person reads and where it points: text, and `\0ID\0` for a mention. */
function signature(items: readonly RichTextLike[]): string {
  return items
    .map((item) => {
      if (item.type === 'mention') {
        const m = item.mention as { page?: { id: string }; database?: { id: string } };
        const id = m.page?.id ?? m.database?.id ?? '';
        return `\0${id.replace(/-/g, '').toLowerCase()}\0`;
      }
      if (item.type === 'text') return (item.text as { content: string }).content;
      return (item as { plain_text?: string }).plain_text ?? '';
    })
    .join('');
}

interface RichTextLike {
  type?: string;
  text?: unknown;
  mention?: unknown;
  plain_text?: string;
}

/** The rich text a block request or response holds, or null for blocks that hold none (tables, dividers). */
function richTextOf(block: Record<string, unknown>): RichTextLike[] | null {
  const type = typeof block.type === 'string' ? block.type : Object.keys(block).find((k) => k !== 'object');
  const body = type ? (block[type] as Record<string, unknown> | undefined) : undefined;
  if (!body) return null;
  if (Array.isArray(body.rich_text)) return body.rich_text as RichTextLike[];
  if (Array.isArray(body.cells))
    return (body.cells as RichTextLike[][]).flatMap((cell) => [
      ...cell,
      { type: 'text', text: { content: '\u0001' } },
    ]);
  return null;
}

/** The update that gives an existing block the request's rich text (or cells), for the block types pages use. */
function updateFor(blockId: string, request: BlockObjectRequest): UpdateBlockParameters | null {
  const text = (rich_text: RichTextItemRequest[]) => ({ rich_text });
  if ('paragraph' in request) return { block_id: blockId, paragraph: text(request.paragraph.rich_text) };
  if ('heading_1' in request) return { block_id: blockId, heading_1: text(request.heading_1.rich_text) };
  if ('heading_2' in request) return { block_id: blockId, heading_2: text(request.heading_2.rich_text) };
  if ('heading_3' in request) return { block_id: blockId, heading_3: text(request.heading_3.rich_text) };
  if ('quote' in request) return { block_id: blockId, quote: text(request.quote.rich_text) };
  if ('bulleted_list_item' in request)
    return { block_id: blockId, bulleted_list_item: text(request.bulleted_list_item.rich_text) };
  if ('numbered_list_item' in request)
    return { block_id: blockId, numbered_list_item: text(request.numbered_list_item.rich_text) };
  if ('to_do' in request)
    return {
      block_id: blockId,
      to_do: { rich_text: request.to_do.rich_text, checked: request.to_do.checked ?? false },
    };
  if ('table_row' in request) return { block_id: blockId, table_row: { cells: request.table_row.cells } };
  return null;
}

export type LinkPatchResult = 'linked' | 'already-linked' | 'edited';

/**
 * Turns the plain-text links of a page this install wrote into mentions, block by block: a block still as
 * written (by `written`: its forward links plain) is updated, a block already linked is left, and a page
 * whose blocks differ from both (a person edited it since) is left as it is and reported `edited`.
 */
export async function linkPageBody(
  api: NotionApi,
  writer: NotionWriter,
  pageId: string,
  markdown: string,
  resolve: LinkResolver,
  written: LinkResolver = () => null,
): Promise<LinkPatchResult> {
  const plain = markdownToBlocks(markdown, written);
  const linked = markdownToBlocks(markdown, resolve);
  const updates: UpdateBlockParameters[] = [];
  let edited = false;
  const compare = async (parentId: string, want: NotionBlock[], was: NotionBlock[]) => {
    const differs = want.map((b, i) => JSON.stringify(b) !== JSON.stringify(was[i]));
    if (!differs.some(Boolean)) return;
    const current: Record<string, unknown>[] = [];
    for await (const block of api.children(parentId)) current.push(block as Record<string, unknown>);
    if (current.length !== want.length) {
      edited = true;
      return;
    }
    for (const [i, block] of want.entries()) {
      if (!differs[i]) continue;
      const id = String(current[i]!.id);
      const now = richTextOf(current[i]!);
      const wantText = richTextOf(block.request as Record<string, unknown>);
      const wasText = richTextOf(was[i]!.request as Record<string, unknown>);
      if (now && wantText && wasText && signature(wantText) !== signature(wasText)) {
        if (signature(now) === signature(wasText)) {
          const update = updateFor(id, block.request);
          if (update) updates.push(update);
        } else if (signature(now) !== signature(wantText)) edited = true;
      }
      if (block.children.length) await compare(id, block.children, was[i]!.children);
    }
  };
  await compare(pageId, linked, plain);
  if (edited) return 'edited';
  if (!updates.length) return 'already-linked';
  for (const update of updates) await writer.write((c) => c.blocks.update(update), true);
  return 'linked';
}
