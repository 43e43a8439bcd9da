// One sync run, I/O at the edge: read the workbook once, read Notion per table, plan, write Notion, then one Sheets batch.

import type { Client } from '@notionhq/client';
import type { DesiredWorkspace } from '../blueprint/desired.js';
import { PnError } from '../platform/errors.js';
import type { NotionApi } from '../targets/notion/api.js';
import type { Registry } from '../targets/notion/registry.js';
import type { CallOptions, GoogleApi } from '../targets/sheets/google-api.js';
import { advance, fullPassDue } from './cursor.js';
import {
  applyNotionUpdates,
  emptyStats,
  type NotionCursor,
  type NotionRead,
  type NotionTable,
  openSyncedTable,
  PageTitles,
  readNotionRows,
  rowsAfterWrite,
} from './notion-side.js';
import { findInstalled } from './notion-source.js';
import { planTable } from './planner.js';
import {
  conflictKey,
  fullPassStale,
  parseTableCursor,
  type TableCursor,
  tableCursorText,
  toLogFirst,
  unreported,
} from './run-state.js';
import {
  logEntriesOf,
  readSheetsSide,
  type SheetsSideRead,
  type SheetsTableSpec,
  sheetsTablesOf,
  tableSpecOf,
  writeSheetsSide,
} from './sheets-side.js';
import type { Conflict, NotionRow, TableBaseline, TablePlan } from './types.js';
import { findSyncWorkbook, hubFromStartTab } from './workbook.js';

/** A full pass (finds trashed and deleted pages) every this many runs, counting runs that stored a cursor. */
export const DEFAULT_FULL_EVERY = 12;

/** What a workflow step did in a run: its writes, and one line per row it created or linked (the Sync Log's). */
export interface WorkflowsDone {
  writes: number;
  lines: string[];
  /** What a person must fix before a workflow can run (printed each run, not logged: it repeats). */
  skipped: string[];
}

/**
 * The workflows a sync runs when Notion's data calls for them (launch a signed partner, open the quarter's
 * PBRs): given by the caller, so the engine does not depend on them. Run once per sync, before the tables
 * are read, so the rows they create reach the workbook in the same run.
 */
export type SyncWorkflows = (where: {
  registry: Registry;
  spreadsheetId: string;
  dryRun: boolean;
  now: Date;
}) => Promise<WorkflowsDone>;

export interface SyncRunOptions {
  full?: boolean;
  dryRun?: boolean;
  allowMassArchive?: boolean;
  /** The Notion page the workspace was installed under; else the hub the last run stored, else the Start tab's link. */
  rootId?: string | null;
  fullEvery?: number;
  now?: Date;
  progress?: (line: string) => void;
  workflows?: SyncWorkflows;
}

export interface TableRunSummary {
  table: string;
  name: string;
  full: boolean;
  /** Notion pages read that were news (an incremental read drops what the cursor already synced). */
  read: number;
  notionUpdated: number;
  sheetsUpdated: number;
  appended: number;
  archived: number;
  conflicts: number;
  orphans: number;
  duplicates: number;
  blocked: string | null;
}

export interface SyncRunSummary {
  runId: string;
  at: string;
  dryRun: boolean;
  spreadsheetId: string;
  hubId: string;
  /** Whether anything was written (a no-op run writes nothing on either side). */
  wrote: boolean;
  rowsChanged: number;
  tables: TableRunSummary[];
  conflicts: Conflict[];
  /** Sync Log rows written (new orphans and duplicates are logged once). */
  logged: number;
  /** API calls this run made (each logical call once; retries not counted). */
  calls: { notion: number; google: number };
  warnings: string[];
  /** What the workflows did in this run (none: no workflow step was given). */
  workflows: WorkflowsDone;
}

/** Counts every call that goes through each API's retry layer, until `stop()`. */
function meter(notion: NotionApi, google: GoogleApi) {
  const counts = { notion: 0, google: 0 };
  const nCall = notion.call;
  const gCall = google.call;
  notion.call = <T>(idempotent: boolean, run: (c: Client) => Promise<T>): Promise<T> => {
    counts.notion += 1;
    return nCall.call(notion, idempotent, run) as Promise<T>;
  };
  google.call = <T>(
    doing: string,
    idempotent: boolean,
    write: boolean,
    run: () => Promise<T>,
    options?: CallOptions<T>,
  ): Promise<T> => {
    counts.google += 1;
    return gCall.call(google, doing, idempotent, write, run, options as CallOptions<unknown>) as Promise<T>;
  };
  return {
    counts,
    stop: () => {
      notion.call = nCall;
      google.call = gCall;
    },
  };
}

async function registryOf(
  notion: NotionApi,
  google: GoogleApi,
  ws: DesiredWorkspace,
  spreadsheetId: string,
  rootId: string | null | undefined,
  lastHub: string | undefined,
): Promise<{ registry: Registry; hubId: string }> {
  const hubId = rootId ? null : (lastHub ?? (await hubFromStartTab(google, spreadsheetId)));
  return findInstalled(notion, ws.hub, { rootId: rootId ?? null, hubId });
}

function lastRunHub(data: string | undefined): string | undefined {
  try {
    const parsed: unknown = data ? JSON.parse(data) : undefined;
    const hub = (parsed as { hub?: unknown } | undefined)?.hub;
    return typeof hub === 'string' && hub ? hub : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One sync. Order: Notion first, then the one Sheets batch that also records the baseline and the cursor, so
 * a run stopped between them plans the same (idempotent) writes again. A table the mass-archive guard blocks
 * stops the run before anything is written. `dryRun` plans and writes nothing.
 *
 * Sheets calls: one read and one batch; when rows the workbook's formulas read changed, that batch answers
 * with the workbook as it is after the write (Score, Rank and Recommendation recomputed), and a second pass
 * over the tables that own such fields plans from that answer, reading neither side again: one more batch,
 * only if it wrote computed values back to Notion (their baseline and cursor are stored then).
 */
export async function runSync(
  notion: NotionApi,
  google: GoogleApi,
  ws: DesiredWorkspace,
  options: SyncRunOptions = {},
): Promise<SyncRunSummary> {
  const m = meter(notion, google);
  try {
    const cache: Where = {};
    const first = await syncOnce(notion, google, ws, options, m.counts, cache);
    if (!first.settle) return first.summary;
    // The answer was lost (the batch was found landed by lookup): the workbook is read once more.
    const after =
      first.after ?? (await readSheetsSide(google, first.summary.spreadsheetId, sheetsTablesOf(ws)));
    const second = await syncOnce(notion, google, ws, { ...options, full: false }, m.counts, cache, {
      sheets: after,
      first: first.summary,
    });
    return merge(first.summary, second.summary);
  } finally {
    m.stop();
  }
}

/** Whether a table has fields the workbook computes (written back to Notion). */
function owns(ws: DesiredWorkspace, table: string): boolean {
  return ws.sync.some((m) => m.sheet === table && m.fields.some((f) => f.owner === 'sheets'));
}

/** The summary of a run made of two passes: counts added, conflicts and warnings of both. */
function merge(a: SyncRunSummary, b: SyncRunSummary): SyncRunSummary {
  const tables = a.tables.map((t) => {
    const u = b.tables.find((x) => x.table === t.table);
    if (!u) return t;
    return {
      ...t,
      read: t.read + u.read,
      notionUpdated: t.notionUpdated + u.notionUpdated,
      sheetsUpdated: t.sheetsUpdated + u.sheetsUpdated,
      appended: t.appended + u.appended,
      archived: t.archived + u.archived,
      conflicts: t.conflicts + u.conflicts,
      orphans: u.orphans,
      duplicates: u.duplicates,
    };
  });
  return {
    ...b,
    runId: a.runId,
    at: a.at,
    wrote: a.wrote || b.wrote,
    rowsChanged: a.rowsChanged + b.rowsChanged,
    tables,
    conflicts: [...a.conflicts, ...b.conflicts],
    logged: a.logged + b.logged,
    warnings: [...new Set([...a.warnings, ...b.warnings])],
    workflows: a.workflows,
  };
}

/**
 * The pages as Notion holds them before the write-back: those read, and for pages an incremental read did
 * not return (unchanged since the last sync), their baseline. Our own writes to those are then recorded in
 * the cursor too, so they do not come back as news on the next run.
 */
function notionRowsOf(
  read: readonly NotionRow[],
  updates: TablePlan['notionUpdates'],
  baseline: TableBaseline | undefined,
): NotionRow[] {
  const ids = new Set(read.map((r) => r.pageId));
  const extra = updates.flatMap((u): NotionRow[] => {
    const base = baseline?.rows[u.pageId];
    if (ids.has(u.pageId) || !base) return [];
    return [{ pageId: u.pageId, values: { ...base.values }, trashed: false, lastEditedTime: '' }];
  });
  return [...read, ...extra];
}

/** What the first pass found, so a second pass of the same run does not look it up again. */
interface Where {
  spreadsheetId?: string;
  registry?: Registry;
  hubId?: string;
  tables?: Map<string, NotionTable>;
}

/** One pass: its summary, and whether (and from what) a second pass brings computed values back. */
interface PassResult {
  summary: SyncRunSummary;
  /** Rows of a table with workbook-computed fields were written, so the batch was asked to read back. */
  settle: boolean;
  /** The workbook after the write, from the batch's answer (null when it could not be used). */
  after: SheetsSideRead | null;
}

/** Whether a plan changes rows the workbook's formulas read (values, new rows, the Archived flag). */
const changesRows = (plan: TablePlan) =>
  !plan.blocked && plan.sheetUpdates.length + plan.sheetAppends.length + plan.sheetArchive.length > 0;

/**
 * One pass. `second`: the workbook as the first pass's batch left it, and what that pass did; the pass then
 * plans only the tables with workbook-computed fields, from that workbook and what Notion held after the
 * first pass (nothing is read from Notion: a page edited since is read by the next run, its cursor still
 * points before the edit). The run's record and the Start tab then count both passes.
 */
async function syncOnce(
  notion: NotionApi,
  google: GoogleApi,
  ws: DesiredWorkspace,
  options: SyncRunOptions,
  calls: SyncRunSummary['calls'],
  cache: Where,
  second?: { sheets: SheetsSideRead; first: SyncRunSummary },
): Promise<PassResult> {
  const settled = second?.sheets;
  const progress = options.progress ?? (() => {});
  const at = (options.now ?? new Date()).toISOString();
  const runId = `run-${at}`;
  const tables = sheetsTablesOf(ws);
  const synced = settled ? tables.filter((t) => owns(ws, t.key)) : tables;
  cache.spreadsheetId ??= await findSyncWorkbook(google);
  const spreadsheetId = cache.spreadsheetId;
  if (!settled) progress('reading the workbook');
  const sheets = settled ?? (await readSheetsSide(google, spreadsheetId, tables));
  if (!cache.registry || !cache.hubId) {
    const found = await registryOf(
      notion,
      google,
      ws,
      spreadsheetId,
      options.rootId,
      lastRunHub(sheets.lastRun?.data),
    );
    cache.registry = found.registry;
    cache.hubId = found.hubId;
  }
  const { registry, hubId } = cache;
  const workflows: WorkflowsDone =
    !settled && options.workflows
      ? await options.workflows({
          registry,
          spreadsheetId,
          dryRun: options.dryRun === true,
          now: new Date(at),
        })
      : { writes: 0, lines: [], skipped: [] };
  for (const line of workflows.lines) progress(line);

  // A second pass is part of the same run: it does not count towards the next full pass.
  const step = (cursor: NotionCursor, rows: readonly NotionRow[], full: boolean): NotionCursor => {
    const next = advance(cursor, rows, full);
    return settled ? { ...next, runsSinceFull: cursor.runsSinceFull } : next;
  };
  const titles = new PageTitles();
  const runs: {
    spec: SheetsTableSpec;
    stored: TableCursor;
    table: NotionTable;
    read: NotionRead;
    plan: TablePlan;
  }[] = [];
  cache.tables ??= new Map();
  for (const spec of synced) {
    const stored = parseTableCursor(sheets.cursor.get(spec.key));
    const table = cache.tables.get(spec.key) ?? (await openSyncedTable(notion, ws, registry, spec.key));
    cache.tables.set(spec.key, table);
    // Another data source than the cursor's (a wrong --root, a reinstalled workspace): only a full pass
    // shows what that would do to the rows, and the mass-archive guard stops it before anything is written.
    const moved = stored.source !== undefined && stored.source !== table.dataSourceId;
    const full =
      !settled &&
      (options.full === true ||
        moved ||
        fullPassStale(stored, at) ||
        fullPassDue(stored.notion, options.fullEvery ?? DEFAULT_FULL_EVERY));
    if (!settled) progress(`reading ${table.map.title} from Notion${full ? ' (full pass)' : ''}`);
    const read: NotionRead = settled
      ? { rows: [], full: false, skippedSeen: 0, stats: emptyStats() }
      : await readNotionRows(notion, table, {
          cursor: stored.notion,
          full,
          titles,
          botId: (await notion.me()).id,
        });
    const plan = planTable({
      spec: tableSpecOf(spec),
      notionRows: read.rows,
      full: read.full,
      sheetRows: sheets.tables.get(spec.key) ?? [],
      baseline: sheets.baseline.get(spec.key) ?? { rows: {} },
      now: at,
      ...(options.allowMassArchive ? { allowMassArchive: true } : {}),
    });
    runs.push({ spec, stored, table, read, plan });
  }

  const summary = (plan: TablePlan, full: boolean, read: number, notionUpdated: number): TableRunSummary => ({
    table: plan.table,
    name: tables.find((t) => t.key === plan.table)?.name ?? plan.table,
    full,
    read,
    notionUpdated,
    sheetsUpdated: plan.sheetUpdates.length,
    appended: plan.sheetAppends.length,
    archived: plan.sheetArchive.filter((a) => a.archived).length,
    conflicts: plan.conflicts.length,
    orphans: plan.orphans.length,
    duplicates: plan.duplicateRows.length,
    blocked: plan.blocked,
  });
  const result = (tableSums: TableRunSummary[], wrote: boolean, logged: number): SyncRunSummary => ({
    runId,
    at,
    dryRun: options.dryRun === true,
    spreadsheetId,
    hubId,
    wrote,
    rowsChanged: tableSums.reduce(
      (n, t) => n + t.notionUpdated + t.sheetsUpdated + t.appended + t.archived,
      0,
    ),
    tables: tableSums,
    conflicts: runs.flatMap((r) => r.plan.conflicts),
    logged,
    calls,
    warnings: [...sheets.warnings],
    workflows,
  });

  const blocked = runs.find((r) => r.plan.blocked);
  if (options.dryRun)
    return {
      summary: result(
        runs.map((r) => summary(r.plan, r.read.full, r.read.rows.length, r.plan.notionUpdates.length)),
        false,
        0,
      ),
      settle: false,
      after: null,
    };
  if (blocked)
    throw new PnError('INPUT_INVALID', `sync stopped before writing anything: ${blocked.plan.blocked}`, {
      hint: 'check the root page, the tab and its filters; if those pages really were removed, run `partnernomics sync --allow-mass-archive`',
    });

  const names = new Map(tables.map((t) => [t.key, t.name]));
  const early = await logBeforeReplacing(google, sheets, runs, at, names, tables);
  const workbook = early?.after ?? sheets;

  const warnings: string[] = [];
  const tableSums: TableRunSummary[] = [];
  const cursors = new Map<string, string>();
  const logPlans: TablePlan[] = [];
  let notionWrites = 0;
  for (const r of runs) {
    const updates = r.plan.notionUpdates;
    const known = notionRowsOf(r.read.rows, updates, sheets.baseline.get(r.spec.key));
    const written = updates.length
      ? await applyNotionUpdates(notion, r.table, updates, { current: known })
      : { updated: [], unchanged: [], gone: [], rejected: [] };
    if (updates.length) progress(`wrote ${written.updated.length} page(s) of ${r.table.map.title} in Notion`);
    notionWrites += written.updated.length;
    for (const x of written.rejected)
      warnings.push(`${r.table.map.title}: ${x.field} of page ${x.pageId} not written: ${x.reason}`);
    const { plan: toLog, reported } = unreported(r.plan, r.stored);
    logPlans.push(toLog);
    const notionCursor = step(
      r.stored.notion,
      [...r.read.rows, ...rowsAfterWrite(known, written)],
      r.read.full,
    );
    // A second pass reads nothing: the first pass's full read still dates the last full pass.
    const lastFull = r.read.full ? at : r.stored.lastFull;
    cursors.set(
      r.spec.key,
      tableCursorText({
        notion: notionCursor,
        reported,
        source: r.table.dataSourceId,
        ...(lastFull ? { lastFull } : {}),
      }),
    );
    tableSums.push(summary(r.plan, r.read.full, r.read.rows.length, written.updated.length));
  }

  const log = [
    ...workflows.lines.map((reason) => ({
      time: at,
      direction: '—',
      object: 'Workflows',
      recordId: '',
      field: '',
      kept: null,
      overwritten: null,
      reason,
    })),
    ...logEntriesOf(logPlans, at, names),
  ];
  // The cursor is stored only with something else to store: a run that read nothing new writes nothing.
  const changed =
    notionWrites > 0 ||
    log.length > 0 ||
    runs.some(
      (r) =>
        r.read.rows.length > 0 ||
        r.plan.sheetUpdates.length + r.plan.sheetAppends.length + r.plan.sheetArchive.length > 0 ||
        cursors.get(r.spec.key) !==
          tableCursorText({ ...r.stored, notion: step(r.stored.notion, [], r.read.full) }),
    );
  const out = result(tableSums, false, 0);
  const whole = second ? merge(second.first, out) : out;
  const open = whole.tables.reduce((n, t) => n + t.orphans + t.duplicates, 0);
  const runData = {
    hub: hubId,
    rowsChanged: whole.rowsChanged,
    notionUpdated: whole.tables.reduce((n, t) => n + t.notionUpdated, 0),
    conflicts: whole.conflicts.length,
    openRows: open,
  };
  // Only the first pass asks for the workbook back, and only when the formulas have something new to read.
  const settle = !settled && runs.some((r) => owns(ws, r.spec.key) && changesRows(r.plan));
  progress('writing the workbook');
  const wrote = await writeSheetsSide(
    google,
    workbook,
    runs.map((r) => r.plan),
    log,
    {
      ...(changed ? { cursor: cursors, run: { id: runId, at, data: runData } } : {}),
      health: [
        { label: 'Last sync', value: `${at.slice(0, 16).replace('T', ' ')} UTC` },
        { label: 'Rows changed', value: String(whole.rowsChanged) },
        {
          label: 'Open conflicts',
          value: `${whole.conflicts.length} overwritten value(s) logged by the last sync; ${open} row(s) need a person (see Sync Log)`,
        },
      ],
      ...(settle ? { readBack: tables } : {}),
    },
  );
  return {
    summary: {
      ...out,
      wrote: notionWrites + workflows.writes > 0 || wrote.calls > 0 || early !== null,
      logged: wrote.counts.logged + (early?.logged ?? 0),
      warnings: [...out.warnings, ...warnings, ...wrote.warnings, ...wrote.overflow],
    },
    settle: settle && wrote.calls > 0,
    after: wrote.after,
  };
}

/**
 * Logs the values people typed in Notion over workbook-computed fields before the Notion writes replace
 * them (one small batch with their keys in each table's cursor; `r.stored` then holds them, so the run's
 * main batch does not log them again). Null when there are none: the usual run pays nothing for this.
 */
async function logBeforeReplacing(
  google: GoogleApi,
  sheets: SheetsSideRead,
  runs: { spec: SheetsTableSpec; stored: TableCursor; plan: TablePlan }[],
  at: string,
  names: ReadonlyMap<string, string>,
  tables: readonly SheetsTableSpec[],
): Promise<{ after: SheetsSideRead; logged: number } | null> {
  const first = runs.map((r) => ({ r, conflicts: toLogFirst(r.plan, r.stored) }));
  if (!first.some((f) => f.conflicts.length)) return null;
  const cursor = new Map<string, string>();
  for (const { r, conflicts } of first) {
    if (!conflicts.length) continue;
    r.stored = { ...r.stored, reported: [...r.stored.reported, ...conflicts.map(conflictKey)] };
    cursor.set(r.spec.key, tableCursorText(r.stored));
  }
  const log = logEntriesOf(
    first.map(({ r, conflicts }) => ({ ...r.plan, conflicts, orphans: [], duplicateRows: [] })),
    at,
    names,
  );
  const wrote = await writeSheetsSide(google, sheets, [], log, { cursor, readBack: tables });
  // The answer was lost (found landed by lookup): the workbook is read again for the main batch.
  const after = wrote.after ?? (await readSheetsSide(google, sheets.spreadsheetId, tables));
  return { after, logged: wrote.counts.logged };
}
