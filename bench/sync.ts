// `npm run bench`: API calls of a 10,000-row sync against the fakes (full, incremental, no-op), its budgets, and a per-row baseline.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSync } from '../src/sync/run.js';
import { ID_COLUMN } from '../src/sync/sheets-side.js';
import { SYNC_MAX_BATCH_BYTES } from '../src/sync/sheets-write.js';
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
  type RunCalls,
  readBacks,
  seedMetrics,
  type Verdict,
} from '../test/sync/budget-world.js';

const N = 10_000;
const K = 10;
const RATIO_REQUIRED = 100;
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), 'results', 'sync.json');

const clock = Date.now();
const lap = (() => {
  let last = clock;
  return () => {
    const now = Date.now();
    const s = ((now - last) / 1000).toFixed(1);
    last = now;
    return `${s} s`;
  };
})();
const times: string[] = [];

const world = await createBudgetWorld();
times.push(`install ${lap()}`);
seedMetrics(world, N);
const pages = livePages(world);
const polled = world.ws.sync.map((m) => m.notion);
times.push(`seed ${lap()}`);
const sync = () => runSync(world.notionApi, world.googleApi, world.ws, { now: new Date(world.clock.now()) });

const failures: string[] = [];

// Full sync: the first one, every page of every synced data source.
const full = await counted(world, sync);
times.push(`full sync ${lap()}`);
const fullV = fullVerdict(full.calls, pages);
failures.push(...fullV.failures);
const afterFull = await world.read();
const metricsIds = new Set(afterFull.tables.get(METRICS)!.flatMap((r) => (r.pageId ? [r.pageId] : [])));
if (metricsIds.size !== pages['db.metrics'])
  failures.push(`full sync: ${metricsIds.size} Metrics rows for ${pages['db.metrics']} pages`);
const overflow = full.result.warnings.find(
  (w) => /rows \d+-\d+ are below/.test(w) && w.startsWith('Metrics'),
);
if (!overflow) failures.push('full sync: no warning that Metrics rows went below the rows its totals cover');
const metricsTab = afterFull.layout.tables.get(METRICS)!;

// Incremental sync: K pages edited in Notion.
editMetrics(world, K);
const incremental = await counted(world, sync);
times.push(`incremental sync ${lap()}`);
const incV = incrementalVerdict(incremental.calls, { 'db.metrics': K }, polled);
failures.push(...incV.failures);
const incCells = cellsWritten(incremental.google, metricsTab.sheetId);
if (incCells !== K)
  failures.push(`incremental sync: ${incCells} Metrics cells written for ${K} changed values`);
if (incremental.calls.notion.writes)
  failures.push(`incremental sync: ${incremental.calls.notion.writes} Notion writes for Notion-owned edits`);

// No-op sync: nothing changed since.
const noop = await counted(world, sync);
times.push(`no-op sync ${lap()}`);
const noopV = noopVerdict(noop.calls, polled);
failures.push(...noopV.failures);

// The naive baseline, same fake, same run: one read of the tab, then one values.update per row.
const naive = await naivePerRow(world);
times.push(`naive baseline ${lap()}`);
const oursSheets = sheetsCalls(full.calls);
const ratio = naive.calls / oursSheets;
if (ratio < RATIO_REQUIRED)
  failures.push(
    `full sync: ${ratio.toFixed(0)}× fewer Sheets calls than per-row (${RATIO_REQUIRED}× required)`,
  );
await world.close();

function sheetsCalls(calls: RunCalls): number {
  const s = calls.sheets;
  return s.gets + s.batches + s.hubLookups + s.other;
}

async function naivePerRow(w: BudgetWorld): Promise<{ calls: number; writes: number }> {
  const read = await w.read();
  const table = read.layout.tables.get(METRICS)!;
  const idColumn = table.columns.get(ID_COLUMN)!;
  const sheets = w.googleApi.sheets.spreadsheets;
  w.google.clearLog();
  const got = await sheets.values.get({
    spreadsheetId: w.spreadsheetId,
    range: `'${table.title}'`,
    valueRenderOption: 'UNFORMATTED_VALUE',
  });
  const rows = got.data.values ?? [];
  for (const [i, row] of rows.entries()) {
    if (!row[idColumn] || i < table.spec.headerRows) continue;
    await sheets.values.update({
      spreadsheetId: w.spreadsheetId,
      range: `'${table.title}'!A${i + 1}`,
      valueInputOption: 'RAW',
      requestBody: { values: [row] },
    });
  }
  const calls = w.google.calls.filter((c) => c.path.startsWith('/v4/spreadsheets'));
  return { calls: calls.length, writes: calls.filter((c) => c.method !== 'GET').length };
}

const fmt = (n: number) => n.toLocaleString('en-US');
const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
const writes = (c: RunCalls) => c.sheets.batches + c.sheets.other;
const queriesCell = (c: RunCalls, v: Verdict) =>
  `${fmt(sum(c.notion.queries))} (≤ ${fmt(sum(v.queryBudget))})`;
const computedBack = full.calls.sheets.batches > 1 ? ' (3 with the write-back)' : '';

console.log('');
console.log(
  `Sync of ${fmt(N)} Monthly Metrics rows, ${polled.length} synced tables (fake Notion and Google APIs, calls counted from their logs)`,
);
console.log('');
console.log(
  '| run | Notion queries (budget) | other Notion reads | Notion writes | Sheets calls (budget) | Sheets writes | lower bound: queries / Sheets calls |',
);
console.log('|---|---|---|---|---|---|---|');
console.log(
  `| full sync | ${queriesCell(full.calls, fullV)} | ${full.calls.notion.reads} | ${full.calls.notion.writes} | ${full.calls.sheets.gets + full.calls.sheets.batches} (≤ ${fullV.sheetsBudget}) + ${full.calls.sheets.hubLookups} one-time hub lookup | ${writes(full.calls)} | ${fmt(sum(fullV.queryBudget))} / 2${computedBack} |`,
);
console.log(
  `| incremental, ${K} of ${fmt(N)} changed | ${queriesCell(incremental.calls, incV)} | ${incremental.calls.notion.reads} | ${incremental.calls.notion.writes} | ${sheetsCalls(incremental.calls)} (≤ ${incV.sheetsBudget}) | ${writes(incremental.calls)} (${incCells} cells) | ${polled.length} / 2 |`,
);
console.log(
  `| no-op | ${queriesCell(noop.calls, noopV)} | ${noop.calls.notion.reads} | ${noop.calls.notion.writes} | ${sheetsCalls(noop.calls)} (≤ ${noopV.sheetsBudget}) | ${writes(noop.calls)} | ${polled.length} / 1 |`,
);
console.log(
  `| naive: one values.update per row | — | — | — | ${fmt(naive.calls)} | ${fmt(naive.writes)} | — |`,
);
console.log('');
console.log(
  `Sheets calls, full sync against the per-row baseline: ${fmt(naive.calls)} / ${oursSheets} = ${fmt(Math.floor(ratio))}× fewer (${RATIO_REQUIRED}× required).`,
);
console.log('');
console.log('Notion queries per data source (full / incremental / no-op; full-sync budget ⌈pages/100⌉):');
for (const key of polled) {
  const q = (c: RunCalls) => c.notion.queries[key] ?? 0;
  console.log(
    `  ${key.padEnd(14)} ${String(q(full.calls)).padStart(4)} / ${q(incremental.calls)} / ${q(noop.calls)}   budget ${fullV.queryBudget[key]} (${fmt(pages[key] ?? 0)} pages)`,
  );
}
console.log(
  `Full sync batches: ${full.calls.sheets.batchBytes.map((b) => `${(b / 1e6).toFixed(2)} MB`).join(' + ')} (limit ${(SYNC_MAX_BATCH_BYTES / 1e6).toFixed(0)} MB a batch); read back in the first: ${readBacks(full.google).join(', ')}.`,
);
console.log(`Metrics grew past its installed rows: "${overflow ?? '(no warning)'}"`);
console.log(`Elapsed: ${times.join(', ')}.`);

const results = {
  rows: N,
  changed: K,
  tables: polled,
  pages,
  full: { ...full.calls, budget: { queries: fullV.queryBudget, sheets: fullV.sheetsBudget } },
  incremental: {
    ...incremental.calls,
    metricsCellsWritten: incCells,
    budget: { queries: incV.queryBudget, sheets: incV.sheetsBudget },
  },
  noop: { ...noop.calls, budget: { queries: noopV.queryBudget, sheets: noopV.sheetsBudget } },
  naive: { sheetsCalls: naive.calls, sheetsWrites: naive.writes },
  ratio: Math.floor(ratio),
  withinBudget: failures.length === 0,
  failures,
};
mkdirSync(dirname(RESULTS), { recursive: true });
writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
console.log(`Results: bench/results/sync.json`);

if (failures.length) {
  console.log('');
  console.log('Over budget:');
  for (const f of failures) console.log(`  ${f}`);
  process.exitCode = 1;
}
