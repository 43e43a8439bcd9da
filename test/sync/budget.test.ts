// The sync's call budget at 1,000 rows (CI's guard; `npm run bench` runs 10,000): full, incremental, no-op, and a stale read-back healing.

import type { sheets_v4 } from '@googleapis/sheets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSync, type SyncRunSummary } from '../../src/sync/run.js';
import { FULL_PASS_MAX_AGE_MS } from '../../src/sync/run-state.js';
import { MAX_ROWS_PER_REQUEST, splitLargeRequests } from '../../src/sync/sheets-write.js';
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
  readBacks,
  seedMetrics,
} from './budget-world.js';

const N = 1000;
const K = 10;
let world: BudgetWorld;
const sync = (): Promise<SyncRunSummary> =>
  runSync(world.notionApi, world.googleApi, world.ws, { now: new Date(world.clock.now()) });
const numberOf = (pageId: string, name: string) => {
  const prop = world.notion.page(pageId).properties[name];
  return prop?.type === 'number' ? prop.number : undefined;
};

beforeAll(async () => {
  world = await createBudgetWorld();
  seedMetrics(world, N);
}, 60_000);
afterAll(() => world?.close());

describe(`sync call budget at ${N} rows`, () => {
  it('a full sync reads each data source in ⌈n/100⌉ queries and the workbook in one get and two batches', async () => {
    const pages = livePages(world);
    expect(pages['db.metrics']).toBe(N);
    const { result, calls, google } = await counted(world, sync);
    expect(fullVerdict(calls, pages).failures).toEqual([]);
    expect(calls.notion.queries['db.metrics']).toBe(queriesFor(N));
    // One read, the batch that answers with the workbook, the batch storing what came back to Notion.
    expect(calls.sheets).toMatchObject({ gets: 1, batches: 2, hubLookups: 1, other: 0 });
    expect(readBacks(google)).toEqual([true, false]);
    // The workbook's answer was used: the scores it computed are on the Notion pages already.
    const read = await world.read();
    const partners = read.tables.get('partner_scoring')!.filter((r) => r.pageId);
    const scored = partners.filter((r) => typeof r.values.score === 'number');
    expect(scored.length).toBeGreaterThan(0);
    for (const row of scored)
      expect(numberOf(row.pageId!, 'Score')).toBeCloseTo(row.values.score as number, 6);
    // Every page has its row; the Metrics tab grew past its 1,000 installed rows, and the run says so.
    const metrics = result.tables.find((t) => t.table === METRICS)!;
    expect(metrics.appended).toBe(N);
    const ids = new Set(read.tables.get(METRICS)!.flatMap((r) => (r.pageId ? [r.pageId] : [])));
    expect(ids.size).toBe(N);
    expect(result.warnings.some((w) => /Metrics: rows \d+-\d+ are below/.test(w))).toBe(true);
  });

  it(`an incremental sync of ${K} edited rows: one query per data source, ${K} cells written`, async () => {
    const edited = editMetrics(world, K);
    const { result, calls, google } = await counted(world, sync);
    const polled = world.ws.sync.map((m) => m.notion);
    expect(incrementalVerdict(calls, { 'db.metrics': K }, polled).failures).toEqual([]);
    expect(calls.notion.writes).toBe(0);
    expect(calls.sheets).toMatchObject({ gets: 1, batches: 1, hubLookups: 0, other: 0 });
    expect(readBacks(google)).toEqual([false]);
    const metrics = result.tables.find((t) => t.table === METRICS)!;
    expect(metrics).toMatchObject({ read: K, sheetsUpdated: K, appended: 0 });
    const read = await world.read();
    const sheetId = read.layout.tables.get(METRICS)!.sheetId;
    // Only the changed value of each edited row (Leads), nothing else on the Metrics tab.
    expect(cellsWritten(google, sheetId)).toBe(K);
    const rows = read.tables.get(METRICS)!.filter((r) => edited.includes(r.pageId ?? ''));
    expect(rows.map((r) => r.values.leads).sort()).toEqual(edited.map((_, i) => 100_000 + i).sort());
  });

  it('a no-op sync writes nothing on either side', async () => {
    const { result, calls } = await counted(world, sync);
    const polled = world.ws.sync.map((m) => m.notion);
    expect(noopVerdict(calls, polled).failures).toEqual([]);
    expect(calls.sheets).toMatchObject({ gets: 1, batches: 0 });
    expect(result.wrote).toBe(false);
  });

  it('a read-back with formulas not yet recomputed heals on the next run', async () => {
    const read = await world.read();
    const partner = read.tables.get('partner_scoring')!.find((r) => r.pageId && !r.archived)!;
    const pageId = partner.pageId!;
    const before = numberOf(pageId, 'Score');
    world.google.state.readBackFormulas = 'stale';
    try {
      world.clock.advance(5 * 60_000);
      world.notion.editPage(pageId, { 'ICP overlap': { number: 1 } });
      const { calls } = await counted(world, sync);
      expect(calls.sheets.gets).toBe(1);
      // The answer showed the old Score: nothing new came back to Notion in this run.
      expect(numberOf(pageId, 'Score')).toBe(before);
      world.clock.advance(5 * 60_000);
      await sync();
      const after = (await world.read()).tables.get('partner_scoring')!.find((r) => r.pageId === pageId)!;
      expect(after.values.score).not.toBe(before);
      expect(numberOf(pageId, 'Score')).toBeCloseTo(after.values.score as number, 6);
      const again = await counted(world, sync);
      expect(again.result.wrote).toBe(false);
    } finally {
      world.google.state.readBackFormulas = 'recomputed';
    }
  });
});

describe('a quiet workspace', () => {
  it('still gets a full pass every few hours, so a trashed page is archived though no run wrote anything', async () => {
    // Before: runs that find nothing write nothing, so they never counted towards the every-12th full pass,
    // and an incremental read cannot see a trashed page: its row stayed live for as long as nothing changed.
    const metrics = world.notion.rows(world.dataSourceOf('db.metrics'));
    const gone = metrics[7]!.id;
    world.notion.trash(gone);
    world.clock.advance(60_000);
    const quiet = await sync();
    expect(quiet.tables.find((t) => t.table === METRICS)).toMatchObject({ full: false, archived: 0 });
    world.clock.advance(FULL_PASS_MAX_AGE_MS);
    const later = await sync();
    expect(later.tables.find((t) => t.table === METRICS)).toMatchObject({ full: true, archived: 1 });
    const row = (await world.read()).tables.get(METRICS)!.find((r) => r.pageId === gone)!;
    expect(row.archived).toBe(true);
    // That pass stored when it ran: the next run is incremental again, and writes nothing.
    world.clock.advance(60_000);
    const next = await counted(world, sync);
    expect(next.result.tables.find((t) => t.table === METRICS)!.full).toBe(false);
    expect(next.result.wrote).toBe(false);
  });
});

describe('a workbook write Google refuses for its size', () => {
  it('is sent again in smaller batches, in order, and lands whole (the limit is undocumented)', async () => {
    const small = await createBudgetWorld();
    try {
      seedMetrics(small, 400);
      // About 350 KB of first sync against a front end that takes 250 KB: nothing lands until it is cut up.
      small.google.state.maxRequestBytes = 250_000;
      const { result, calls } = await counted(small, () =>
        runSync(small.notionApi, small.googleApi, small.ws, { now: new Date(small.clock.now()) }),
      );
      expect(calls.sheets.batches).toBeGreaterThan(3);
      const read = await small.read();
      const ids = new Set(read.tables.get(METRICS)!.flatMap((r) => (r.pageId ? [r.pageId] : [])));
      expect(ids.size).toBe(400);
      expect(result.tables.find((t) => t.table === METRICS)!.appended).toBe(400);
      // The baseline landed too (last): a second run has nothing to do.
      small.clock.advance(60_000);
      const again = await runSync(small.notionApi, small.googleApi, small.ws, {
        now: new Date(small.clock.now()),
      });
      expect(again.wrote).toBe(false);
    } finally {
      await small.close();
    }
  }, 120_000);
});

describe('sync batches', () => {
  const rows = (n: number, tag: string): sheets_v4.Schema$RowData[] =>
    Array.from({ length: n }, (_, i) => ({ values: [{ userEnteredValue: { stringValue: `${tag}${i}` } }] }));
  const texts = (requests: sheets_v4.Schema$Request[]) =>
    requests.flatMap((r) =>
      (r.updateCells?.rows ?? []).map((row) => row.values?.[0]?.userEnteredValue?.stringValue),
    );

  it('cuts updateCells of more than 1,000 rows into consecutive requests, so a batch can be split between them', () => {
    const big = MAX_ROWS_PER_REQUEST * 2 + 500;
    const requests: sheets_v4.Schema$Request[] = [
      { appendDimension: { sheetId: 5, dimension: 'ROWS', length: 3000 } },
      {
        updateCells: {
          range: {
            sheetId: 5,
            startRowIndex: 4,
            endRowIndex: 4 + big,
            startColumnIndex: 0,
            endColumnIndex: 1,
          },
          rows: rows(big, 'r'),
          fields: 'userEnteredValue',
        },
      },
      {
        updateCells: {
          start: { sheetId: 9, rowIndex: 10, columnIndex: 0 },
          rows: rows(MAX_ROWS_PER_REQUEST + 1, 's'),
          fields: 'userEnteredValue',
        },
      },
      { updateCells: { start: { sheetId: 1, rowIndex: 0 }, rows: rows(3, 'h'), fields: 'userEnteredValue' } },
    ];
    const split = splitLargeRequests(requests);
    expect(split.map((r) => Object.keys(r)[0])).toEqual([
      'appendDimension',
      ...Array(5).fill('updateCells'),
      'updateCells',
    ]);
    // Nothing lost, nothing moved: the same rows in the same order, each part where its rows belong.
    expect(texts(split)).toEqual(texts(requests));
    const ranges = split.slice(1, 4).map((r) => r.updateCells!.range!);
    expect(ranges.map((g) => [g.startRowIndex, g.endRowIndex])).toEqual([
      [4, 1004],
      [1004, 2004],
      [2004, 2504],
    ]);
    expect(ranges.every((g) => g.sheetId === 5 && g.startColumnIndex === 0 && g.endColumnIndex === 1)).toBe(
      true,
    );
    expect(split.slice(4, 6).map((r) => r.updateCells!.start!.rowIndex)).toEqual([10, 1010]);
    expect(split.slice(4, 6).map((r) => r.updateCells!.rows!.length)).toEqual([MAX_ROWS_PER_REQUEST, 1]);
    expect(split[6]).toBe(requests[3]);
  });
});
