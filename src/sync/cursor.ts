// The incremental cursor over Notion's minute-rounded last_edited_time: an overlapping poll that misses nothing and counts nothing twice.
import { hash53 } from './hash.js';
import { UNAGREED } from './planner.js';
import type { NotionRow, RowValues } from './types.js';

/**
 * Where the last synced read of one data source stopped. Notion rounds `last_edited_time` down to the
 * minute, so a poll `after` the last time seen misses edits made later in that same minute, and a poll
 * `on_or_after` it returns that minute's pages again. The cursor keeps the boundary minute and what it
 * already synced of each page edited in it: a page returned again unchanged is not counted twice, and a
 * page edited again in the same minute (same rounded time, other values) is.
 *
 * Plain JSON, no Node types: the same cursor runs in the CLI and in the bound Apps Script.
 */
export interface NotionCursor {
  /** The newest `last_edited_time` minute synced (ISO, seconds zero); null before the first sync. */
  minute: string | null;
  /** Pages synced whose `last_edited_time` falls in `minute`: page ID → fingerprint of what was synced. */
  seen: Record<string, string>;
  /** Incremental runs since the last full pass (a full pass is due every Nth run). */
  runsSinceFull: number;
}

/** The cursor of a table never synced: the first read is a full pass. */
export const START_CURSOR: NotionCursor = { minute: null, seen: {}, runsSinceFull: 0 };

const MINUTE = 60_000;

/** An ISO time rounded down to the minute, as Notion stores it. */
export function minuteOf(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`not an ISO time: ${iso}`);
  return new Date(Math.floor(ms / MINUTE) * MINUTE).toISOString();
}

/** The timestamp filter of the next poll (the boundary minute included), or null: read everything. */
export function queryFrom(
  cursor: NotionCursor,
): { timestamp: 'last_edited_time'; last_edited_time: { on_or_after: string } } | null {
  if (cursor.minute === null) return null;
  return { timestamp: 'last_edited_time', last_edited_time: { on_or_after: cursor.minute } };
}

/**
 * Stable text of the synced values: keys sorted, numbers as numbers. The baseline's own bookkeeping entry is
 * no value: a row taken from the baseline fingerprints like the same row read from Notion.
 */
function stableText(values: RowValues, trashed: boolean): string {
  const keys = Object.keys(values)
    .filter((k) => k !== UNAGREED)
    .sort();
  return JSON.stringify([trashed, keys.map((k) => [k, values[k] ?? null])]);
}

/** What a row's synced fields and trash state were when read: equal fingerprints, nothing to sync. */
export function fingerprint(row: Pick<NotionRow, 'values' | 'trashed'>): string {
  return hash53(stableText(row.values, row.trashed));
}

/** Whether the cursor already synced this very version of the row (same boundary minute, same values). */
export function alreadySeen(cursor: NotionCursor, row: NotionRow): boolean {
  if (cursor.minute === null) return false;
  const seen = cursor.seen[row.pageId];
  return seen !== undefined && minuteOf(row.lastEditedTime) === cursor.minute && seen === fingerprint(row);
}

/** The rows of an overlapping poll that are news: not already synced at the boundary minute. */
export function unseen(cursor: NotionCursor, rows: readonly NotionRow[]): NotionRow[] {
  return rows.filter((row) => !alreadySeen(cursor, row));
}

/**
 * The cursor after a sync of `rows` (every row read, or the incremental read). Pure: the caller stores
 * the result only once both sides are written, so a run that stops half-way reads the same rows again.
 * The boundary moves to the newest minute among the rows; the pages edited in that minute are kept (with
 * what was synced of them), merged with those already kept when the boundary stays where it was.
 */
export function advance(cursor: NotionCursor, rows: readonly NotionRow[], full = false): NotionCursor {
  let minute = cursor.minute;
  for (const row of rows) {
    const m = minuteOf(row.lastEditedTime);
    if (minute === null || m > minute) minute = m;
  }
  const seen: Record<string, string> = minute === cursor.minute ? { ...cursor.seen } : {};
  for (const row of rows) if (minuteOf(row.lastEditedTime) === minute) seen[row.pageId] = fingerprint(row);
  return { minute, seen, runsSinceFull: full ? 0 : cursor.runsSinceFull + 1 };
}

/** Whether this run should be a full pass: never synced, or `every` runs since the last one. */
export function fullPassDue(cursor: NotionCursor, every: number): boolean {
  return cursor.minute === null || cursor.runsSinceFull + 1 >= every;
}
