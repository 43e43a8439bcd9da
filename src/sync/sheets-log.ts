// Pure: the Sync Log rows of a run — every overwritten value, every row the sync could not take, every stopped table.
import type { SyncValue, TablePlan } from './types.js';

/** One row of the Sync Log tab (its columns, by their blueprint keys). */
export interface SyncLogEntry {
  time: string;
  direction: string;
  object: string;
  recordId: string;
  field: string;
  kept: SyncValue;
  overwritten: SyncValue;
  reason: string;
}

/** The Sync Log tab's column key of each entry field. */
export const LOG_COLUMNS: Record<keyof SyncLogEntry, string> = {
  time: 'time',
  direction: 'direction',
  object: 'object',
  recordId: 'record_id',
  field: 'field',
  kept: 'kept',
  overwritten: 'overwritten',
  reason: 'reason',
};

/**
 * The log of a run's plans: each conflict (the value kept and the one it overwrote, where and by whom),
 * each row typed without a Notion ID, each page ID found on a second row, each table stopped by the
 * mass-archive guard. `names` gives a table's display name (its tab), the key otherwise.
 */
export function logEntriesOf(
  plans: readonly TablePlan[],
  now: string,
  names: ReadonlyMap<string, string> = new Map(),
): SyncLogEntry[] {
  const entries: SyncLogEntry[] = [];
  for (const plan of plans) {
    const object = names.get(plan.table) ?? plan.table;
    const base = { time: now, object, kept: null, overwritten: null };
    if (plan.blocked) {
      entries.push({ ...base, direction: '—', recordId: '', field: '', reason: `stopped: ${plan.blocked}` });
      continue;
    }
    for (const c of plan.conflicts) {
      const toSheets = c.editedOn === 'sheets';
      entries.push({
        time: c.at,
        direction: toSheets ? 'Notion → Sheets' : 'Sheets → Notion',
        object,
        recordId: c.pageId,
        field: c.field,
        kept: c.kept,
        overwritten: c.overwritten,
        reason: `edited in ${toSheets ? 'Sheets' : 'Notion'}${c.by ? ` by ${c.by}` : ''}; ${toSheets ? 'Notion' : 'the workbook'} owns this field`,
      });
    }
    for (const o of plan.orphans)
      entries.push({
        ...base,
        direction: '—',
        recordId: `row ${o.row}`,
        field: '',
        reason: 'no Notion ID: not synced (add the page in Notion, or paste its ID into the Notion ID cell)',
      });
    for (const d of plan.duplicateRows)
      entries.push({
        ...base,
        direction: '—',
        recordId: d.pageId,
        field: '',
        reason: `the same Notion ID is on row ${d.row} too: only the first row is synced`,
      });
  }
  return entries;
}
