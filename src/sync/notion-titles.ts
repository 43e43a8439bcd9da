// Titles of related pages, for relations synced as names: remembered from every read, looked up only when missing.
import { APIErrorCode, isFullPage, isNotionClientError, type PageObjectResponse } from '@notionhq/client';
import type { NotionApi } from '../targets/notion/api.js';
import { emptyStats, queryAll, type ReadStats } from './notion-query.js';

/** Up to this many missing titles are read page by page; more, and the target data source is listed once. */
export const RETRIEVE_AT_MOST = 5;

export function titleOf(page: PageObjectResponse): string {
  for (const value of Object.values(page.properties))
    if (value.type === 'title') return value.title.map((t) => t.plain_text).join('');
  return '';
}

/**
 * Page ID → title, shared by the tables of one run: reading Partners first fills in every partner's
 * name, so Monthly Metrics' Partner relation costs no extra call on a full pass.
 */
export class PageTitles {
  private readonly titles = new Map<string, string>();
  private readonly listed = new Set<string>();

  remember(pageId: string, title: string): void {
    this.titles.set(pageId, title);
  }

  /** The titles of `ids`, in order; a page whose title could not be read keeps its ID. */
  names(ids: readonly string[]): string[] {
    return ids.map((id) => this.titles.get(id) ?? id);
  }

  /**
   * Reads the titles not known yet: a few page by page (title only), else every page of the target
   * data source once (title only, ⌈M/100⌉ queries); what is still missing (trashed pages) page by page.
   */
  async resolve(
    api: NotionApi,
    targetDataSourceId: string,
    ids: Iterable<string>,
    stats: ReadStats = emptyStats(),
  ): Promise<void> {
    let missing = [...new Set(ids)].filter((id) => !this.titles.has(id));
    if (missing.length > RETRIEVE_AT_MOST && !this.listed.has(targetDataSourceId)) {
      this.listed.add(targetDataSourceId);
      for await (const page of queryAll(api, {
        dataSourceId: targetDataSourceId,
        propertyIds: ['title'],
        stats,
      }))
        this.remember(page.id, titleOf(page));
      missing = missing.filter((id) => !this.titles.has(id));
    }
    for (const id of missing) {
      try {
        const page = await api.call(true, (c) =>
          c.pages.retrieve({ page_id: id, filter_properties: ['title'] }),
        );
        stats.pageReads += 1;
        if (isFullPage(page)) this.remember(id, titleOf(page));
      } catch (error) {
        // A related page the integration cannot see keeps its ID; anything else stops the read.
        if (!(isNotionClientError(error) && 'code' in error && error.code === APIErrorCode.ObjectNotFound))
          throw error;
        stats.pageReads += 1;
      }
    }
  }
}
