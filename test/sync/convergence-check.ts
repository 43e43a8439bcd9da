// The owner-wins oracle: what a converged workspace must look like after the edits a ledger recorded, as problem lines.
import { PageTitles, readNotionRows, syncValueOf } from '../../src/sync/notion-side.js';
import { sameValue } from '../../src/sync/planner.js';
import { readSheetsSide } from '../../src/sync/sheets-side.js';
import type { NotionRow, SheetRow } from '../../src/sync/types.js';
import type { Ledger, NonOwnerEdit } from './convergence-edits.js';
import { type LogRow, type SyncWorld, syncLog } from './convergence-world.js';

/** What the workspace held before the case: page counts per table, Sync Log rows. */
export interface Before {
  pages: Map<string, number>;
  logRows: number;
}

export function before(world: SyncWorld): Before {
  return {
    pages: new Map(
      world.tables.map((t) => [
        t.spec.key,
        world.notion.rows(t.notion.dataSourceId, { includeTrashed: true }).length,
      ]),
    ),
    logRows: syncLog(world).length,
  };
}

/** Every Notion-owned property of every page, as the fake renders it (to see that a sync never wrote one). */
export function notionOwned(world: SyncWorld): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of world.tables) {
    const ids = new Set(t.notion.columns.filter((c) => c.field.owner === 'notion').map((c) => c.id));
    for (const page of world.notion.rows(t.notion.dataSourceId, { includeTrashed: true })) {
      const owned = Object.values(page.properties).filter((v) => ids.has(v.id));
      out.set(`${t.spec.key} ${page.id}`, JSON.stringify([page.in_trash, owned]));
    }
  }
  return out;
}

/** Pages whose Notion-owned properties (or trash state) differ between two `notionOwned` readings. */
export function changedOwned(a: Map<string, string>, b: Map<string, string>): string[] {
  return [...a].filter(([k, v]) => b.get(k) !== v).map(([k, v]) => `${k}: ${v} → ${b.get(k) ?? 'gone'}`);
}

const show = (v: unknown) => JSON.stringify(v);

/**
 * The problems of a workspace that should have converged: for every live page, one row, not archived, every
 * Notion-owned field as Notion holds it and every Sheets-owned field in Notion as the workbook computes it;
 * every trashed page's row kept and archived; no page created or lost; each row typed without an ID kept once
 * and logged once; each non-owner value either logged as overwritten (once) or still where it was typed on
 * an archived row or a trashed page; no conflict logged that no edit explains.
 */
export async function convergenceProblems(world: SyncWorld, ledger: Ledger, was: Before): Promise<string[]> {
  const problems: string[] = [];
  const read = await readSheetsSide(
    world.gapi,
    world.spreadsheetId,
    world.tables.map((t) => t.spec),
  );
  const titles = new PageTitles();
  const notionRows = new Map<string, NotionRow[]>();
  for (const t of world.tables)
    notionRows.set(t.spec.key, (await readNotionRows(world.napi, t.notion, { titles })).rows);

  for (const t of world.tables) {
    const key = t.spec.key;
    const rows = read.tables.get(key) ?? [];
    const byId = new Map<string, SheetRow[]>();
    for (const row of rows) if (row.pageId) byId.set(row.pageId, [...(byId.get(row.pageId) ?? []), row]);
    const all = world.notion.rows(t.notion.dataSourceId, { includeTrashed: true });
    const known = new Set(all.map((p) => p.id));
    const live = notionRows.get(key)!;
    const liveIds = new Set(live.map((p) => p.pageId));
    for (const [pageId, found] of byId) {
      if (found.length > 1) problems.push(`${key}: page ${pageId} is on ${found.length} rows`);
      if (!known.has(pageId))
        problems.push(`${key}: row ${found[0]!.row} holds ${pageId}, no page of this table`);
    }
    for (const page of live) {
      const row = byId.get(page.pageId)?.[0];
      if (!row) {
        problems.push(`${key}: live page ${page.pageId} has no row`);
        continue;
      }
      if (row.archived) problems.push(`${key}: live page ${page.pageId} has an archived row ${row.row}`);
      for (const f of t.spec.fields) {
        const n = page.values[f.key] ?? null;
        const s = row.values[f.key] ?? null;
        if (!sameValue(n, s))
          problems.push(
            `${key} ${page.pageId} ${f.key}: Notion ${show(n)}, Sheets ${show(s)} (${f.owner} owns it)`,
          );
      }
    }
    for (const page of all.filter((p) => !liveIds.has(p.id))) {
      const row = byId.get(page.id)?.[0];
      if (row && !row.archived) problems.push(`${key}: trashed page ${page.id} has a live row ${row.row}`);
    }
    // Rows are never deleted: a trashed page's row stays, archived.
    for (const id of ledger.everRow.get(key) ?? [])
      if (!byId.has(id)) problems.push(`${key}: the row of page ${id} is gone`);
    const pages = (was.pages.get(key) ?? 0) + (ledger.created.get(key) ?? 0);
    if (all.length !== pages)
      problems.push(`${key}: ${all.length} pages in Notion, expected ${pages} (the sync never creates one)`);
    for (const o of ledger.orphans.filter((x) => x.table === key)) {
      const found = rows.filter((r) => r.pageId === null && r.values[o.field] === o.marker).length;
      if (found !== 1)
        problems.push(`${key}: the row typed without an ID "${o.marker}" is there ${found} times`);
    }
  }

  const log = syncLog(world).slice(was.logRows);
  problems.push(...logProblems(world, ledger, log, read.tables, notionRows));
  return problems;
}

function logProblems(
  world: SyncWorld,
  ledger: Ledger,
  log: LogRow[],
  sheets: Map<string, SheetRow[]>,
  notionRows: Map<string, NotionRow[]>,
): string[] {
  const problems: string[] = [];
  for (const t of world.tables) {
    const typed = ledger.orphans.filter((o) => o.table === t.spec.key).length;
    const logged = log.filter(
      (e) => e.object === t.spec.name && (e.reason ?? '').startsWith('no Notion ID'),
    ).length;
    if (logged !== typed)
      problems.push(`${t.spec.key}: ${typed} row(s) typed without an ID, ${logged} logged (each once)`);
  }
  const conflicts = log.filter((e) => e.field !== '' && e.record_id !== '');
  const matches = (e: LogRow, edit: NonOwnerEdit) =>
    e.record_id === edit.pageId && e.field === edit.field && e.overwritten === String(edit.value);
  for (const edit of ledger.edits.filter((x) => !x.superseded)) {
    const hits = conflicts.filter((e) => matches(e, edit)).length;
    if (hits > 1) problems.push(`${describe(edit)} logged ${hits} times`);
    if (hits >= 1 || survives(world, edit, sheets, notionRows)) continue;
    problems.push(`${describe(edit)} was overwritten and is not in the Sync Log`);
  }
  for (const e of conflicts)
    if (!ledger.edits.some((edit) => matches(e, edit)))
      problems.push(`a conflict no edit explains is logged: ${show(e)}`);
  return problems;
}

/** A non-owner value the sync had no reason to overwrite: on an archived row, or on a page in the trash. */
function survives(
  world: SyncWorld,
  edit: NonOwnerEdit,
  sheets: Map<string, SheetRow[]>,
  notionRows: Map<string, NotionRow[]>,
): boolean {
  if (edit.side === 'sheets') {
    const row = sheets.get(edit.table)?.find((r) => r.pageId === edit.pageId);
    return !!row?.archived && sameValue(row.values[edit.field], edit.value);
  }
  if (notionRows.get(edit.table)?.some((r) => r.pageId === edit.pageId)) return false;
  const t = world.tables.find((x) => x.spec.key === edit.table)!;
  const column = t.notion.columns.find((c) => c.field.key === edit.field)!;
  const value = Object.values(world.notion.page(edit.pageId).properties).find((v) => v.id === column.id);
  return !!value && sameValue(syncValueOf(value), edit.value);
}

const describe = (e: NonOwnerEdit) =>
  `the ${e.side === 'sheets' ? 'Sheets' : 'Notion'} edit ${show(e.value)} of ${e.table} ${e.pageId} ${e.field}`;
