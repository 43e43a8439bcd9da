// Writes Sheets-owned values back into Notion pages: typed set-value updates, compared first, never a create.
import { APIErrorCode, isFullPage, isNotionClientError } from '@notionhq/client';
import { mapNotionError, type NotionApi } from '../targets/notion/api.js';
import type { NotionTable } from './notion-source.js';
import { type PageValueRequest, UnwritableValue, valueRequest } from './notion-values.js';
import { sameValue } from './planner.js';
import type { NotionRow, RowValues, SyncValue, TablePlan } from './types.js';

export type NotionUpdate = TablePlan['notionUpdates'][number];

export interface WriteBackResult {
  /** Pages written (one `pages.update` each): the values as Notion now reads them, and the edit time it gave them. */
  updated: { pageId: string; values: RowValues; lastEditedTime: string }[];
  /** Pages whose values already were the ones asked for: no call. */
  unchanged: string[];
  /** Pages trashed or deleted since they were read: nothing written (the next full pass archives their rows). */
  gone: string[];
  /** Values that cannot be written, each reported rather than sent. */
  rejected: { pageId: string; field: string; value: SyncValue; reason: string }[];
}

/** A written value as a read of the property returns it (a number typed as text reads back as a number). */
function readBack(type: string, value: SyncValue): SyncValue {
  if (value === null || value === '') return type === 'rich_text' ? '' : null;
  if (type === 'number') return Number(value);
  return String(value);
}

function isCode(error: unknown, code: APIErrorCode): boolean {
  return isNotionClientError(error) && 'code' in error && error.code === code;
}

/** After a 400 on an update: whether the page went to the trash in the meantime (it cannot be edited there). */
async function inTrash(api: NotionApi, pageId: string): Promise<boolean> {
  try {
    const page = await api.call(true, (c) =>
      c.pages.retrieve({ page_id: pageId, filter_properties: ['title'] }),
    );
    return isFullPage(page) && page.in_trash;
  } catch (error) {
    if (isCode(error, APIErrorCode.ObjectNotFound)) return true;
    throw error;
  }
}

/**
 * Sets Sheets-owned values (score, rank, recommendation, RYG…) on existing pages: Number, Select and Text
 * properties, by property ID. Each update sets values, so a retried or repeated write is harmless (our
 * retry layer retries it as idempotent); with `current` (the rows just read), values Notion already holds
 * are not sent and a page with nothing left costs no call. A field the tab does not own is never written.
 */
export async function applyNotionUpdates(
  api: NotionApi,
  table: NotionTable,
  updates: readonly NotionUpdate[],
  options: { current?: readonly NotionRow[] } = {},
): Promise<WriteBackResult> {
  const result: WriteBackResult = { updated: [], unchanged: [], gone: [], rejected: [] };
  const current = new Map((options.current ?? []).map((r) => [r.pageId, r.values]));
  const columns = new Map(table.columns.map((c) => [c.field.key, c]));
  for (const update of updates) {
    const properties: Record<string, PageValueRequest> = {};
    const written: RowValues = {};
    const have = current.get(update.pageId);
    for (const [key, value] of Object.entries(update.values)) {
      const column = columns.get(key);
      const reject = (reason: string) =>
        result.rejected.push({ pageId: update.pageId, field: key, value, reason });
      if (!column) reject('not a synced field of this table');
      else if (column.field.owner !== 'sheets') reject('Notion owns this field');
      else if (have && sameValue(have[key], value)) continue;
      else {
        try {
          properties[column.id] = valueRequest(column.field.property, value);
          written[key] = readBack(column.field.property.type, value);
        } catch (error) {
          if (!(error instanceof UnwritableValue)) throw error;
          reject(error.message);
        }
      }
    }
    const ids = Object.keys(properties);
    if (!ids.length) {
      result.unchanged.push(update.pageId);
      continue;
    }
    try {
      const page = await api.call(true, (c) =>
        c.pages.update({ page_id: update.pageId, properties, filter_properties: ids }),
      );
      result.updated.push({
        pageId: update.pageId,
        values: written,
        lastEditedTime: isFullPage(page) ? page.last_edited_time : '',
      });
    } catch (error) {
      const gone =
        isCode(error, APIErrorCode.ObjectNotFound) ||
        (isCode(error, APIErrorCode.ValidationError) && (await inTrash(api, update.pageId)));
      if (!gone) throw mapNotionError(error, `writing ${table.map.title} values back`, update.pageId);
      result.gone.push(update.pageId);
    }
  }
  return result;
}

/**
 * The rows as Notion holds them after a write-back: read values with the written ones, at the edit time
 * Notion gave the write. Advancing the cursor with them too keeps our own write from coming back as news.
 */
export function rowsAfterWrite(read: readonly NotionRow[], written: WriteBackResult): NotionRow[] {
  const byId = new Map(read.map((r) => [r.pageId, r]));
  return written.updated.flatMap(({ pageId, values, lastEditedTime }) => {
    const row = byId.get(pageId);
    if (!row || !lastEditedTime) return [];
    return [{ ...row, values: { ...row.values, ...values }, lastEditedTime }];
  });
}
