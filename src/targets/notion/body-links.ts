// Page links in the Notion install: rows are created so that link targets come first; a page that links a page
// made after it is created up to the block holding that link, and the rest is appended at the link stage.
import type { BlockObjectRequest, UpdateBlockParameters } from '@notionhq/client';
import type { DesiredWorkspace } from '../../blueprint/desired.js';
import { linkedKeys } from '../../blueprint/links.js';
import type { NotionApi } from './api.js';
import { type LinkResolver, markdownToBlocks, type NotionBlock, type RichTextItemRequest } from './blocks.js';
import type { NotionOp } from './plan.js';
import type { NotionWriter } from './writer.js';

/** A row as the link order sees it: its body's links, and the rows its one-way relations name. */
export interface OrderedRow {
  key: string;
  markdown: string;
  /** Rows this row's one-way relations name: set when created if they exist, else updated at the end. */
  relates?: readonly string[];
}

/** Every row of the workspace as the link order sees it. */
export function orderedRows(desired: DesiredWorkspace): OrderedRow[] {
  return desired.databases.flatMap((db) =>
    db.rows.map((row) => ({
      key: row.key,
      markdown: row.markdown,
      relates: db.properties.flatMap((p) => {
        const value = row.values[p.key];
        return p.type === 'relation' && !p.dual && value?.kind === 'relation' ? value.rowKeys : [];
      }),
    })),
  );
}

/** Largest group of rows linking each other in a cycle whose best breaking set is searched exhaustively. */
const EXACT_CYCLE_LIMIT = 16;

/**
 * Every row's place in the link order: a page comes after the pages it links to and the rows its one-way
 * relations name. Where rows link each other in a cycle, no order avoids a forward reference, so each
 * cycle group puts first the fewest rows whose removal leaves no cycle (an exhaustive search: the groups
 * are small), then the rest with targets first: only those few rows are written in two steps. Pure and
 * the same in every run, so what a page was written with is known again after a crash.
 */
export function linkOrder(rows: readonly OrderedRow[]): Map<string, number> {
  const index = new Map(rows.map((r, i) => [r.key, i]));
  const edges = rows.map((r) => {
    const targets = new Set([...linkedKeys(r.markdown), ...(r.relates ?? [])]);
    targets.delete(r.key);
    return [...targets].flatMap((k) => (index.has(k) ? [index.get(k)!] : [])).sort((a, b) => a - b);
  });
  const rank = new Map<string, number>();
  for (const group of cycleGroups(edges)) {
    const first = group.length > 1 ? breakingSet(group, edges) : [];
    const rest = targetsFirst(
      group.filter((v) => !first.includes(v)),
      edges,
    );
    for (const v of [...first, ...rest]) rank.set(rows[v]!.key, rank.size);
  }
  return rank;
}

/** Strongly connected groups (Tarjan), each after every group it reaches: targets first; members in row order. */
function cycleGroups(edges: readonly number[][]): number[][] {
  const order = new Map<number, number>();
  const low = new Map<number, number>();
  const stack: number[] = [];
  const onStack = new Set<number>();
  const groups: number[][] = [];
  const visit = (v: number) => {
    order.set(v, order.size);
    low.set(v, order.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of edges[v]!) {
      if (!order.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, order.get(w)!));
    }
    if (low.get(v) !== order.get(v)) return;
    const group: number[] = [];
    let w: number;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    groups.push(group.sort((a, b) => a - b));
  };
  for (let v = 0; v < edges.length; v++) if (!order.has(v)) visit(v);
  return groups;
}

/** Whether the rows of `group` outside `removed` still link each other in a cycle. */
function hasCycle(
  group: readonly number[],
  removed: ReadonlySet<number>,
  edges: readonly number[][],
): boolean {
  const members = new Set(group.filter((v) => !removed.has(v)));
  const state = new Map<number, 'open' | 'done'>();
  const visit = (v: number): boolean => {
    state.set(v, 'open');
    for (const w of edges[v]!) {
      if (!members.has(w)) continue;
      if (state.get(w) === 'open' || (!state.has(w) && visit(w))) return true;
    }
    state.set(v, 'done');
    return false;
  };
  return [...members].some((v) => !state.has(v) && visit(v));
}

/**
 * The fewest rows of a cycle group whose removal leaves no cycle (the first such set in row order, by
 * size); past EXACT_CYCLE_LIMIT rows, greedily the row with the most links within the group each time.
 */
export function breakingSet(group: readonly number[], edges: readonly number[][]): number[] {
  if (group.length <= EXACT_CYCLE_LIMIT) {
    for (let size = 1; size < group.length; size++) {
      const found = firstSubset(group, size, (set) => !hasCycle(group, new Set(set), edges));
      if (found) return found;
    }
    return group.slice(0, -1);
  }
  const removed = new Set<number>();
  while (hasCycle(group, removed, edges)) {
    const inGroup = (v: number) => group.includes(v) && !removed.has(v);
    const degree = (v: number) =>
      edges[v]!.filter(inGroup).length + group.filter((u) => inGroup(u) && edges[u]!.includes(v)).length;
    const best = group.filter(inGroup).reduce((a, b) => (degree(b) > degree(a) ? b : a));
    removed.add(best);
  }
  return group.filter((v) => removed.has(v));
}

/** The first `size`-element subset of `items` (in lexicographic order of positions) that `ok` accepts. */
function firstSubset(
  items: readonly number[],
  size: number,
  ok: (set: number[]) => boolean,
): number[] | undefined {
  const pick: number[] = [];
  const walk = (from: number): number[] | undefined => {
    if (pick.length === size) return ok(pick) ? [...pick] : undefined;
    for (let i = from; i <= items.length - (size - pick.length); i++) {
      pick.push(items[i]!);
      const found = walk(i + 1);
      pick.pop();
      if (found) return found;
    }
    return undefined;
  };
  return walk(0);
}

/** Rows with no cycle among them, each after the rows it links to (depth first, in row order). */
function targetsFirst(members: readonly number[], edges: readonly number[][]): number[] {
  const inSet = new Set(members);
  const out: number[] = [];
  const seen = new Set<number>();
  const visit = (v: number) => {
    if (seen.has(v)) return;
    seen.add(v);
    for (const w of edges[v]!) if (inSet.has(w)) visit(w);
    out.push(v);
  };
  for (const v of members) visit(v);
  return out;
}

/**
 * Rows the link order leaves with references to rows after them: `split`, pages whose body links one (created
 * up to that block, the rest appended), and `related`, rows whose one-way relation names one (updated at
 * the end). With linkOrder's exhaustive search these are the fewest any order allows: each costs one call.
 */
export function rowsWrittenTwice(
  rows: readonly OrderedRow[],
  order: ReadonlyMap<string, number> = linkOrder(rows),
): { split: string[]; related: string[] } {
  const later = (row: OrderedRow, key: string) => (order.get(key) ?? -1) > (order.get(row.key) ?? -1);
  return {
    split: rows.filter((r) => forwardLinks(r.key, r.markdown, order).length).map((r) => r.key),
    related: rows.filter((r) => (r.relates ?? []).some((k) => later(r, k))).map((r) => r.key),
  };
}

/** Row operations in link order; every other operation keeps its place. */
export function orderRowsByLinks(ops: readonly NotionOp[], order: ReadonlyMap<string, number>): NotionOp[] {
  const isRow = (op: NotionOp): op is Extract<NotionOp, { kind: 'create-row' | 'adopt-row' }> =>
    op.kind === 'create-row' || op.kind === 'adopt-row';
  const rows = ops.filter(isRow).sort((a, b) => (order.get(a.rowKey) ?? 0) - (order.get(b.rowKey) ?? 0));
  let next = 0;
  return ops.map((op) => (isRow(op) ? rows[next++]! : op));
}

/** A page's links to rows after it in the link order: the part of its body from the first of them waits for the link stage. */
export function forwardLinks(rowKey: string, markdown: string, order: ReadonlyMap<string, number>): string[] {
  const own = order.get(rowKey) ?? -1;
  return linkedKeys(markdown).filter((key) => (order.get(key) ?? -1) > own);
}

/**
 * A page body written in two steps: its blocks with every link it can resolve now, and `split`, the
 * first top-level block holding a forward link. Blocks before it are written with the page; the rest
 * (from there on, resolved again once every page exists) at the link stage. Without forward links,
 * `split` is the whole body.
 */
export function splitAtForwardLinks(
  markdown: string,
  resolve: LinkResolver,
  forward: readonly string[],
): { blocks: NotionBlock[]; split: number } {
  const later = new Set(forward);
  const blocks = markdown ? markdownToBlocks(markdown, withoutLinks(resolve, forward)) : [];
  if (!later.size) return { blocks, split: blocks.length };
  // The same body with the forward links as mentions (of a stand-in page): the first block that differs holds one.
  const linked = markdownToBlocks(markdown, (key) =>
    later.has(key) ? { kind: 'page', id: key } : resolve(key),
  );
  const split = blocks.findIndex((b, i) => JSON.stringify(b) !== JSON.stringify(linked[i]));
  return { blocks, split: split === -1 ? blocks.length : split };
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
