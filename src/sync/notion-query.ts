// Every page a data-source query matches, past the 10,000-result cap (created_time windows), and relations past 25 items.
import { isFullPage, type PageObjectResponse, type QueryDataSourceParameters } from '@notionhq/client';
import { PnError } from '../platform/errors.js';
import type { NotionApi } from '../targets/notion/api.js';

type Filter = NonNullable<QueryDataSourceParameters['filter']>;
export type TimestampFilter = Extract<Filter, { timestamp: string }>;

/** What a read cost, by endpoint: the sync's call budget is checked against these. */
export interface ReadStats {
  /** `dataSources.query` calls. */
  queries: number;
  /** Extra windows opened because a query reached the result cap (each re-reads its boundary minute). */
  windows: number;
  /** `pages.properties.retrieve` calls (relations past 25 items). */
  propertyReads: number;
  /** `pages.retrieve` calls (titles of related pages not read otherwise). */
  pageReads: number;
}

export function emptyStats(): ReadStats {
  return { queries: 0, windows: 0, propertyReads: 0, pageReads: 0 };
}

export interface QueryAllOptions {
  dataSourceId: string;
  /** Property IDs to return (`filter_properties`): from API version 2026-12-01 a query returns only the title otherwise. */
  propertyIds: string[];
  /** A timestamp filter, e.g. the cursor's `last_edited_time on_or_after`. */
  filter?: TimestampFilter;
  /** List trashed pages instead of live ones (the query's `in_trash` body parameter). */
  inTrash?: boolean;
  stats?: ReadStats;
}

function withWindow(filter: TimestampFilter | undefined, from: string | undefined): Filter | undefined {
  if (from === undefined) return filter;
  const bound: TimestampFilter = { timestamp: 'created_time', created_time: { on_or_after: from } };
  return filter ? { and: [filter, bound] } : bound;
}

/**
 * Every page the query matches, each once. A single query reaches at most 10,000 results
 * (developers.notion.com/guides/data-apis/query-large-data-sources): pages come sorted by `created_time`,
 * and when a query stops at the cap (`request_status: incomplete`) the next one starts at the last
 * page's `created_time` (on or after: the boundary minute is read again and de-duplicated by ID), so each
 * window has a budget of its own. `created_time` never changes, unlike `last_edited_time`, so no page
 * moves between windows while they are read. Under the cap this costs exactly ⌈N/100⌉ queries.
 */
export async function* queryAll(
  api: NotionApi,
  options: QueryAllOptions,
): AsyncGenerator<PageObjectResponse> {
  const stats = options.stats ?? emptyStats();
  const yielded = new Set<string>();
  let windowStart: string | undefined;
  for (;;) {
    let capped = false;
    let lastCreated: string | undefined;
    let cursor: string | undefined;
    const filter = withWindow(options.filter, windowStart);
    do {
      const page = await api.call(true, (c) =>
        c.dataSources.query({
          data_source_id: options.dataSourceId,
          filter_properties: options.propertyIds,
          page_size: 100,
          sorts: [{ timestamp: 'created_time', direction: 'ascending' }],
          ...(filter ? { filter } : {}),
          ...(options.inTrash ? { in_trash: true } : {}),
          ...(cursor ? { start_cursor: cursor } : {}),
        }),
      );
      stats.queries += 1;
      for (const result of page.results) {
        if (!isFullPage(result)) continue;
        lastCreated = result.created_time;
        if (yielded.has(result.id)) continue;
        yielded.add(result.id);
        yield result;
      }
      if (page.request_status?.type === 'incomplete') capped = true;
      cursor = page.has_more ? (page.next_cursor ?? undefined) : undefined;
    } while (cursor);
    if (!capped) return;
    if (lastCreated === undefined || lastCreated === windowStart) {
      throw new PnError(
        'API_ERROR',
        `data source ${options.dataSourceId} has more pages created in the minute ${String(lastCreated)} than one Notion query can return`,
        { hint: 'split that database (or move older rows to an archive database) and run sync again' },
      );
    }
    windowStart = lastCreated;
    stats.windows += 1;
  }
}

/**
 * Every page ID of a relation property, through Retrieve a page property item (paginated, 100 at a time):
 * the page object itself lists only the first 25 (developers.notion.com/reference/retrieve-a-page-property).
 */
export async function relationPageIds(
  api: NotionApi,
  pageId: string,
  propertyId: string,
  stats: ReadStats = emptyStats(),
): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const item = await api.call(true, (c) =>
      c.pages.properties.retrieve({
        page_id: pageId,
        property_id: propertyId,
        page_size: 100,
        ...(cursor ? { start_cursor: cursor } : {}),
      }),
    );
    stats.propertyReads += 1;
    if (item.object !== 'list') {
      if (item.type === 'relation') ids.push(item.relation.id);
      break;
    }
    for (const result of item.results) if (result.type === 'relation') ids.push(result.relation.id);
    cursor = item.has_more ? (item.next_cursor ?? undefined) : undefined;
  } while (cursor);
  return ids;
}
