// Reads a synced table's pages as NotionRows: a full pass or what changed since the cursor, only the synced properties.
import type { PageObjectResponse } from '@notionhq/client';
import { mapNotionError, type NotionApi } from '../targets/notion/api.js';
import { alreadySeen, type NotionCursor, queryFrom } from './cursor.js';
import { emptyStats, queryAll, type ReadStats, relationPageIds } from './notion-query.js';
import type { NotionTable } from './notion-source.js';
import { PageTitles, titleOf } from './notion-titles.js';
import { relationIds, relationTruncated, syncValueOf } from './notion-values.js';
import type { NotionRow, RowValues } from './types.js';

export interface ReadOptions {
  /** Read the pages edited since this cursor; a full pass without one (or one never advanced). */
  cursor?: NotionCursor;
  /** A full pass even with a cursor (`--full`, or every Nth run). */
  full?: boolean;
  /** Titles shared by the run's tables (relations read as names). */
  titles?: PageTitles;
  /**
   * Also list trashed pages (`in_trash: true`, one more query per pass) so they come back with
   * `trashed: true`. Off by default: the reference is unclear on this parameter, and a full pass finds
   * trashed pages anyway, as missing. Only pages the response itself marks `in_trash` count as trashed.
   */
  listTrashed?: boolean;
  /** This integration's bot user: pages it created are marked `createdByIntegration`. */
  botId?: string;
}

export interface NotionRead {
  rows: NotionRow[];
  /** Every live page of the data source was read: a page missing from `rows` is gone (trashed or deleted). */
  full: boolean;
  /** Pages the query returned again that the cursor had already synced unchanged (not in `rows`). */
  skippedSeen: number;
  stats: ReadStats;
}

/** `filter_properties`: the synced properties, and the title (it names the page for other tables' relations). */
function propertyIds(table: NotionTable): string[] {
  return [...new Set(['title', ...table.columns.map((c) => c.id)])];
}

async function pagesOf(
  api: NotionApi,
  table: NotionTable,
  since: NotionCursor | undefined,
  listTrashed: boolean,
  stats: ReadStats,
): Promise<PageObjectResponse[]> {
  const filter = since ? (queryFrom(since) ?? undefined) : undefined;
  const base = { dataSourceId: table.dataSourceId, propertyIds: propertyIds(table), stats };
  const pages: PageObjectResponse[] = [];
  for await (const page of queryAll(api, { ...base, ...(filter ? { filter } : {}) })) pages.push(page);
  if (listTrashed) {
    for await (const page of queryAll(api, { ...base, ...(filter ? { filter } : {}), inTrash: true }))
      if (page.in_trash) pages.push(page);
  }
  return pages;
}

/** Each relation column's complete page IDs per page: past 25, through the page-property endpoint. */
async function relationsOf(
  api: NotionApi,
  table: NotionTable,
  pages: readonly PageObjectResponse[],
  stats: ReadStats,
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const column of table.columns.filter((c) => c.field.property.type === 'relation')) {
    for (const page of pages) {
      const value = Object.values(page.properties).find((v) => v.id === column.id);
      if (!value) continue;
      const ids = relationTruncated(value)
        ? await relationPageIds(api, page.id, column.id, stats)
        : relationIds(value);
      out.set(`${page.id}/${column.id}`, ids);
    }
  }
  return out;
}

function rowOf(
  table: NotionTable,
  page: PageObjectResponse,
  related: Map<string, string[]>,
  titles: PageTitles,
  botId: string | undefined,
): NotionRow {
  const byId = new Map(Object.values(page.properties).map((v) => [v.id, v]));
  const values: RowValues = {};
  for (const column of table.columns) {
    const value = byId.get(column.id);
    const ids = related.get(`${page.id}/${column.id}`) ?? [];
    const relatedAs = column.field.relationAs === 'ids' ? ids : titles.names(ids);
    values[column.field.key] = value ? syncValueOf(value, relatedAs) : null;
  }
  const by = page.last_edited_by;
  const name = 'name' in by && typeof by.name === 'string' && by.name ? by.name : undefined;
  return {
    pageId: page.id,
    values,
    trashed: page.in_trash,
    lastEditedTime: page.last_edited_time,
    lastEditedBy: name ?? by.id,
    ...(botId && page.created_by.id === botId ? { createdByIntegration: true } : {}),
  };
}

/**
 * Reads a table. A full pass returns every live page (and trashed ones with `listTrashed`); an incremental
 * read asks for `last_edited_time on_or_after` the cursor's minute and drops the pages the cursor already
 * synced unchanged, so an edit made in the same minute as the last sync is read, and nothing twice.
 * Cost: ⌈N/100⌉ queries for N pages returned (plus one window per 10,000-result cap reached), one
 * property read per 100 items of each relation past 25, title reads for relations to pages not read.
 */
export async function readNotionRows(
  api: NotionApi,
  table: NotionTable,
  options: ReadOptions = {},
): Promise<NotionRead> {
  const stats = emptyStats();
  const titles = options.titles ?? new PageTitles();
  const full = options.full === true || !options.cursor || options.cursor.minute === null;
  const since = full ? undefined : options.cursor;
  try {
    const pages = await pagesOf(api, table, since, options.listTrashed === true, stats);
    for (const page of pages) titles.remember(page.id, titleOf(page));
    const related = await relationsOf(api, table, pages, stats);
    for (const column of table.columns) {
      if (!column.targetDataSourceId || column.field.relationAs === 'ids') continue;
      const ids = pages.flatMap((p) => related.get(`${p.id}/${column.id}`) ?? []);
      await titles.resolve(api, column.targetDataSourceId, ids, stats);
    }
    const rows = pages.map((page) => rowOf(table, page, related, titles, options.botId));
    const fresh = since ? rows.filter((r) => !alreadySeen(since, r)) : rows;
    return { rows: fresh, full, skippedSeen: rows.length - fresh.length, stats };
  } catch (error) {
    throw mapNotionError(error, `reading the ${table.map.title} database`, table.dataSourceId);
  }
}
