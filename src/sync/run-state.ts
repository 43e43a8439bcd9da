// Pure: what a sync run keeps per table in the state tab's cursor cell — the Notion cursor and the rows already reported.
import { fingerprint, type NotionCursor, START_CURSOR } from './cursor.js';
import type { Conflict, TablePlan } from './types.js';

/** One table's stored cursor: where the Notion read stopped, and what the Sync Log already reported. */
export interface TableCursor {
  notion: NotionCursor;
  /** Keys of rows without a Notion ID (and duplicate IDs) already logged: each is logged once, not every run. */
  reported: string[];
  /** The Notion data source the cursor belongs to: another one (a wrong root) makes the next pass full. */
  source?: string;
  /** When the last full pass ran (ISO): runs that find nothing write nothing, so they cannot count towards one. */
  lastFull?: string;
}

/** The stored text as a TableCursor; anything unreadable (or absent) starts over with a full pass. */
export function parseTableCursor(text: string | undefined): TableCursor {
  if (!text) return { notion: START_CURSOR, reported: [] };
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
    const p = parsed as Partial<TableCursor>;
    const n = p.notion;
    const notion: NotionCursor =
      n && typeof n === 'object' && (typeof n.minute === 'string' || n.minute === null)
        ? {
            minute: n.minute,
            seen: typeof n.seen === 'object' && n.seen !== null ? n.seen : {},
            runsSinceFull: Number.isFinite(n.runsSinceFull) ? n.runsSinceFull : 0,
          }
        : START_CURSOR;
    const reported = Array.isArray(p.reported) ? p.reported.filter((r) => typeof r === 'string') : [];
    return {
      notion,
      reported,
      ...(typeof p.source === 'string' && p.source ? { source: p.source } : {}),
      ...(typeof p.lastFull === 'string' && p.lastFull ? { lastFull: p.lastFull } : {}),
    };
  } catch {
    return { notion: START_CURSOR, reported: [] };
  }
}

export function tableCursorText(cursor: TableCursor): string {
  return JSON.stringify({
    notion: cursor.notion,
    reported: [...cursor.reported].sort(),
    ...(cursor.source ? { source: cursor.source } : {}),
    ...(cursor.lastFull ? { lastFull: cursor.lastFull } : {}),
  });
}

/** The key of an orphan row (by its values, not its position: sorting must not make it new) or a duplicate. */
function reportKeys(plan: TablePlan): Map<string, 'orphan' | 'duplicate'> {
  const keys = new Map<string, 'orphan' | 'duplicate'>();
  for (const o of plan.orphans) keys.set(`o:${fingerprint({ values: o.values, trashed: false })}`, 'orphan');
  for (const d of plan.duplicateRows) keys.set(`d:${d.pageId}`, 'duplicate');
  return keys;
}

/** The key of a value typed in Notion over a workbook-computed field: logged before it is replaced there. */
export const conflictKey = (c: Conflict) => `c:${c.pageId}:${c.field}:${JSON.stringify(c.overwritten)}`;

/**
 * Values people typed in Notion over workbook-computed fields that no earlier (interrupted) run logged. The
 * Notion write that replaces them comes before the run's Sheets batch, so they are logged first, in a batch
 * of their own that also stores their keys: a run killed in between loses none and logs none twice.
 */
export function toLogFirst(plan: TablePlan, cursor: TableCursor): Conflict[] {
  const done = new Set(cursor.reported);
  return plan.conflicts.filter((c) => c.editedOn === 'notion' && !done.has(conflictKey(c)));
}

/**
 * The plan as the Sync Log should see it: only orphans and duplicates not reported by an earlier run
 * (the rest are still counted in the summary) and conflicts not logged already (`toLogFirst`), and the keys
 * to store: those still present (a conflict's key goes once its value is replaced: this batch says so).
 */
export function unreported(plan: TablePlan, cursor: TableCursor): { plan: TablePlan; reported: string[] } {
  const done = new Set(cursor.reported);
  const orphans = plan.orphans.filter(
    (o) => !done.has(`o:${fingerprint({ values: o.values, trashed: false })}`),
  );
  const duplicateRows = plan.duplicateRows.filter((d) => !done.has(`d:${d.pageId}`));
  const conflicts = plan.conflicts.filter((c) => !done.has(conflictKey(c)));
  return {
    plan: { ...plan, orphans, duplicateRows, conflicts },
    reported: [...reportKeys(plan).keys()].sort(),
  };
}

/** A full pass at least this often, however quiet the workspace: only a full pass finds trashed pages. */
export const FULL_PASS_MAX_AGE_MS = 6 * 3_600_000;

/** Whether the last full pass is older than FULL_PASS_MAX_AGE_MS (or unknown) at `now` (ISO). */
export function fullPassStale(cursor: TableCursor, now: string): boolean {
  const last = cursor.lastFull ? Date.parse(cursor.lastFull) : Number.NaN;
  return !Number.isFinite(last) || Date.parse(now) - last >= FULL_PASS_MAX_AGE_MS;
}
