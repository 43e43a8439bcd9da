// Bench scenarios of `sync`: full at 100, 1,000 and 10,000 rows, incremental (10 of 10,000), no-op; each against a per-row baseline.
import { runSync } from '../../src/sync/run.js';
import { ID_COLUMN, type SheetsSideRead } from '../../src/sync/sheets-side.js';
import { SYNC_MAX_BATCH_BYTES } from '../../src/sync/sheets-write.js';
import {
  type BudgetWorld,
  cellsWritten,
  counted,
  createBudgetWorld,
  editMetrics,
  fullVerdict,
  incrementalVerdict,
  livePages,
  METRICS,
  noopVerdict,
  queriesFor,
  type RunCalls,
  readBacks,
  seedMetrics,
} from '../../test/sync/budget-world.js';
import { budget, type Calls, result, type ScenarioResult, total, withCpu } from './common.js';

type Layout = SheetsSideRead['layout'];

/** Calls of a sync run as the table counts them (the OAuth token calls apart). */
export function syncCalls(c: RunCalls): Calls {
  const queries = Object.values(c.notion.queries).reduce((a, b) => a + b, 0);
  return {
    notion: queries + c.notion.reads + c.notion.writes,
    sheets: c.sheets.gets + c.sheets.batches + c.sheets.hubLookups + c.sheets.other,
    drive: c.drive,
  };
}

/**
 * The naive sync, measured on the same fakes: read every page of every synced data source again
 * (100 a query: no change cursor), read each synced tab, and send one values.update per row to write
 * (`rows`: every row with a page, or the first n rows of the Metrics tab: the rows that changed).
 */
export async function naiveSync(
  w: BudgetWorld,
  rows: 'all' | number,
  layout?: SheetsSideRead['layout'],
): Promise<number> {
  const tabs = layout ?? (await w.read()).layout;
  w.notion.clearLog();
  w.google.clearLog();
  for (const mapping of w.ws.sync) {
    const ds = w.dataSourceOf(mapping.notion);
    let cursor: string | undefined;
    do {
      const page = await w.notionApi.call(true, (c) =>
        c.dataSources.query({
          data_source_id: ds,
          page_size: 100,
          ...(cursor ? { start_cursor: cursor } : {}),
        }),
      );
      cursor = page.has_more ? (page.next_cursor ?? undefined) : undefined;
    } while (cursor);
  }
  const sheets = w.googleApi.sheets.spreadsheets;
  const tables = rows === 'all' ? [...tabs.tables.values()] : [tabs.tables.get(METRICS)!];
  for (const table of tables) {
    const idColumn = table.columns.get(ID_COLUMN);
    if (idColumn === undefined) continue;
    const got = await sheets.values.get({
      spreadsheetId: w.spreadsheetId,
      range: `'${table.title}'`,
      valueRenderOption: 'UNFORMATTED_VALUE',
    });
    let left = rows === 'all' ? Number.POSITIVE_INFINITY : rows;
    for (const [i, row] of (got.data.values ?? []).entries()) {
      if (left <= 0) break;
      if (!row[idColumn] || i < table.spec.headerRows) continue;
      await sheets.values.update({
        spreadsheetId: w.spreadsheetId,
        range: `'${table.title}'!A${i + 1}`,
        valueInputOption: 'RAW',
        requestBody: { values: [row] },
      });
      left -= 1;
    }
  }
  return w.notion.calls.length + w.google.calls.filter((c) => c.path.startsWith('/v4/spreadsheets')).length;
}

const NAIVE_FULL = 're-read every page, one values.update per synced row';
const NAIVE_CHANGED =
  're-read every page (no change cursor), read the tab, one values.update per changed row';

/** Sync's lower bound: the queries, 1 registry read, the Notion writes of computed values, and the Sheets calls. */
function syncBound(queries: number, notionWrites: number, sheets: number, what: string) {
  return {
    calls: queries + 1 + notionWrites + sheets,
    bound: `${queries} queries (${what}) + 1 registry read + ${notionWrites} Notion updates of computed values + ${sheets} Sheets call(s) (${sheets === 1 ? 'one read' : 'one read, one batch'})`,
  };
}

const fullBoundOf = (pages: Record<string, number>, notionWrites: number) =>
  syncBound(
    Object.values(pages).reduce((n, p) => n + queriesFor(p), 0),
    notionWrites,
    2,
    '⌈pages/100⌉ a data source',
  );

/** A first (full) sync of `rows` Monthly Metrics pages on a fresh install; with `more`, the later runs on it. */
async function fullAt(
  rows: number,
  more?: (w: BudgetWorld, layout: Layout, details: string[]) => Promise<ScenarioResult[]>,
): Promise<{ rows: ScenarioResult[]; details: string[] }> {
  const w = await createBudgetWorld();
  try {
    seedMetrics(w, rows);
    const pages = livePages(w);
    const sync = () => runSync(w.notionApi, w.googleApi, w.ws, { now: new Date(w.clock.now()) });
    const run = await withCpu(() => counted(w, sync));
    const full = run.value;
    const v = fullVerdict(full.calls, pages);
    const b = fullBoundOf(pages, full.calls.notion.writes);
    const details = [
      `full sync of ${rows.toLocaleString('en-US')}: batches ${full.calls.sheets.batchBytes.map((x) => `${(x / 1e6).toFixed(2)} MB`).join(' + ')} (limit ${(SYNC_MAX_BATCH_BYTES / 1e6).toFixed(0)} MB), read back in the first: ${readBacks(full.google).join(', ')}`,
    ];
    const out: ScenarioResult[] = [];
    // The workbook's layout after the first sync (tabs, columns): the baselines' map of the tabs.
    const layout = (await w.read()).layout;
    const later = more ? await more(w, layout, details) : [];
    const naive = await naiveSync(w, 'all', layout);
    out.push(
      result({
        scenario: `sync full, ${rows.toLocaleString('en-US')} rows`,
        group: 'sync',
        calls: syncCalls(full.calls),
        lower_bound: b.calls,
        bound: b.bound,
        cpu_ms: run.cpu_ms,
        naive: { calls: naive, what: NAIVE_FULL },
        budget: budget('⌈pages/100⌉ queries a data source, ≤ 3 Sheets calls + one hub lookup', v.failures),
      }),
      ...later,
    );
    return { rows: out, details };
  } finally {
    await w.close();
  }
}

/** On the 10,000-row world after its full sync: 10 pages edited (incremental), then nothing (no-op). */
async function laterRuns(
  w: BudgetWorld,
  layout: Layout,
  details: string[],
  k: number,
): Promise<ScenarioResult[]> {
  const polled = w.ws.sync.map((m) => m.notion);
  const metricsTab = layout.tables.get(METRICS)!;
  const sync = () => runSync(w.notionApi, w.googleApi, w.ws, { now: new Date(w.clock.now()) });
  const n = w.notion.rows(w.dataSourceOf('db.metrics')).length;
  editMetrics(w, k);
  const inc = await withCpu(() => counted(w, sync));
  const incV = incrementalVerdict(inc.value.calls, { 'db.metrics': k }, polled);
  const cells = cellsWritten(inc.value.google, metricsTab.sheetId);
  const incFailures = [...incV.failures];
  if (cells !== k)
    incFailures.push(`incremental sync: ${cells} Metrics cells written for ${k} changed values`);
  if (inc.value.calls.notion.writes)
    incFailures.push(
      `incremental sync: ${inc.value.calls.notion.writes} Notion writes for Notion-owned edits`,
    );
  const incPolls = polled.reduce((a, key) => a + queriesFor(key === 'db.metrics' ? k : 0), 0);
  const incB = syncBound(incPolls, 0, 2, `one poll a data source, ⌈changed/100⌉ where pages changed`);
  const incNaive = await naiveSync(w, k, layout);

  const noop = await withCpu(() => counted(w, sync));
  const noopV = noopVerdict(noop.value.calls, polled);
  const noopB = syncBound(polled.length, 0, 1, 'one poll a data source');
  const noopNaive = await naiveSync(w, 0, layout);
  const q = (c: RunCalls, key: string) => c.notion.queries[key] ?? 0;
  details.push(
    `incremental: ${cells} Metrics cells written for ${k} edited pages; Notion queries per data source (incremental / no-op):`,
    ...polled.map(
      (key) =>
        `  ${key.padEnd(14)} ${q(inc.value.calls, key)} / ${q(noop.value.calls, key)}   (${(w.notion.rows(w.dataSourceOf(key)).length).toLocaleString('en-US')} pages)`,
    ),
  );
  const of = `${k} of ${n.toLocaleString('en-US')}`;
  return [
    result({
      scenario: `sync incremental, ${of} changed`,
      group: 'sync',
      calls: syncCalls(inc.value.calls),
      lower_bound: incB.calls,
      bound: incB.bound,
      cpu_ms: inc.cpu_ms,
      naive: { calls: incNaive, what: NAIVE_CHANGED },
      budget: budget(
        '⌈changed/100⌉ queries a data source, one read and one batch, only the changed cells written, no Notion write',
        incFailures,
      ),
    }),
    result({
      scenario: `sync no-op, ${n.toLocaleString('en-US')} rows`,
      group: 'sync',
      calls: syncCalls(noop.value.calls),
      lower_bound: noopB.calls,
      bound: noopB.bound,
      cpu_ms: noop.cpu_ms,
      naive: { calls: noopNaive, what: NAIVE_CHANGED },
      budget: budget('one poll a data source, one read, nothing written', noopV.failures),
    }),
  ];
}

/** Full syncs at each size; at the largest, the incremental and no-op runs after it. */
export async function syncScenarios(
  sizes: readonly number[] = [100, 1_000, 10_000],
  changed = 10,
): Promise<{ rows: ScenarioResult[]; details: string[] }> {
  const rows: ScenarioResult[] = [];
  const details: string[] = [];
  const largest = Math.max(...sizes);
  for (const size of sizes) {
    const got = await fullAt(size, size === largest ? (w, l, d) => laterRuns(w, l, d, changed) : undefined);
    rows.push(...got.rows);
    details.push(...got.details);
  }
  return { rows, details };
}

export { total };
