// The differential test of the no-server sync: the built Code.js (in a vm, on a worker thread, UrlFetchApp wired
// to a fake Notion, the Sheets service to a fake Google) and the CLI's runSync, on two identical installed
// workspaces given the same scripted edits, end every seed in exactly the same Notion pages and workbook cells.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSync } from '../../src/sync/run.js';
import { syncConfigSource } from '../../src/targets/sheets/sync-config.js';
import { prng } from '../helpers.js';
import { EditDriver } from '../sync/convergence-edits.js';
import { restore, type Snapshot, snapshot } from '../sync/convergence-world.js';
import { differences, notionState, sheetState } from './compare.js';
import { GasHost } from './gas-host.js';
import { closeWorld, type Installed, installWorld, MINUTE, startTime, ws } from './worlds.js';

const SEEDS = Number(process.env.PN_DIFF_SEEDS ?? 50);
let host: GasHost;
/** `a` is synced by the CLI's engine in Node, `b` by Code.js. */
let a: Installed;
let b: Installed;
let snapA: Snapshot;
let snapB: Snapshot;
const stats = { gasRuns: 0, nodeRuns: 0, gasFetches: 0, nodeCalls: 0, gasMs: 0, nodeMs: 0 };

/**
 * Notion IDs come from one counter per fake, which request IDs advance too: the script asks users.me every run
 * (a new client per execution), the CLI's client once. Both counters are set to the larger before edits, so a
 * page created in both worlds gets the same ID (IDs are arbitrary; what is compared is what the syncs did).
 */
function alignIds(): void {
  const ia = a.notion.state.ids;
  const ib = b.notion.state.ids;
  for (const field of ['counter', 'short']) {
    const top = Math.max(Number(Reflect.get(ia, field)), Number(Reflect.get(ib, field)));
    Reflect.set(ia, field, top);
    Reflect.set(ib, field, top);
  }
}

async function syncNode(full: boolean) {
  const t = performance.now();
  const run = await runSync(a.world.napi, a.world.gapi, ws, {
    full,
    allowMassArchive: true,
    now: new Date(a.clock.now()),
  });
  stats.nodeRuns += 1;
  stats.nodeMs += performance.now() - t;
  stats.nodeCalls += run.calls.notion;
  return run;
}

async function syncScript(full: boolean) {
  const t = performance.now();
  const r = await host.call<{ status: string; message: string; fetches: number }>({
    world: 'b',
    fn: 'syncOnce',
    internal: true,
    args: [{ full, allowMassArchive: true }],
    now: b.clock.now(),
  });
  stats.gasRuns += 1;
  stats.gasMs += performance.now() - t;
  stats.gasFetches += r.result.fetches;
  if (r.result.status !== 'done') throw new Error(`Code.js sync: ${r.result.status}: ${r.result.message}`);
  return r;
}

function same(where: string): string[] {
  return [
    ...differences(notionState(a), notionState(b)).map((d) => `${where}: Notion ${d}`),
    ...differences(sheetState(a), sheetState(b)).map((d) => `${where}: workbook ${d}`),
  ];
}

beforeAll(async () => {
  const start = startTime();
  [a, b] = await Promise.all([installWorld('a', start), installWorld('b', start)]);
  // The code the installer pushed: the bundle with the generated sync settings appended.
  expect(b.pushed).toContain(syncConfigSource(ws));
  host = await GasHost.start('', b.pushed);
  await host.addWorld(b.gas);
  const connected = await host.call({
    world: 'b',
    fn: 'connectNotion',
    now: b.clock.now(),
    answers: [{ button: 'OK', text: b.notion.token }],
  });
  expect(connected.alerts.at(-1)).toMatch(/^Connected to Notion/);
  a.clock.advance(MINUTE);
  b.clock.advance(MINUTE);
  // The first sync (the example rows in, their scores back), each world by its runtime.
  await Promise.all([syncNode(false), syncScript(false)]);
  expect(same('after the first sync')).toEqual([]);
  snapA = snapshot(a.world);
  snapB = snapshot(b.world);
}, 240_000);

afterAll(async () => {
  await host?.close();
  await Promise.all([closeWorld(a), closeWorld(b)]);
  console.log(
    `differential: ${stats.nodeRuns} CLI runs (${Math.round(stats.nodeMs)} ms), ${stats.gasRuns} Code.js runs (${Math.round(stats.gasMs)} ms); Notion requests ${stats.nodeCalls} (CLI) vs ${stats.gasFetches} (Code.js)`,
  );
});

describe(`Code.js in a vm reaches exactly the state the CLI's sync reaches (${SEEDS} seeds)`, () => {
  it('the two worlds start identical (same page IDs), so states compare as they are', () => {
    expect(b.world.tables.map((t) => t.notion.dataSourceId)).toEqual(
      a.world.tables.map((t) => t.notion.dataSourceId),
    );
  });

  for (let seed = 1; seed <= SEEDS; seed++) {
    it(`seed ${seed}`, async () => {
      restore(a.world, snapA);
      restore(b.world, snapB);
      b.clock.advance(a.clock.now() - b.clock.now());
      const ra = prng(seed);
      const rb = prng(seed);
      const da = new EditDriver(a.world, ra, (ms) => a.clock.advance(ms), `s${seed}`);
      const db = new EditDriver(b.world, rb, (ms) => b.clock.advance(ms), `s${seed}`);
      const problems: string[] = [];
      const steps = 3 + Math.floor(ra() * 6);
      rb();
      const both = async (full: boolean, what: string) => {
        da.syncing();
        db.syncing();
        // The two worlds share nothing: the CLI runs on this thread while Code.js runs on the worker's.
        await Promise.all([syncNode(full), syncScript(full)]);
        da.synced();
        db.synced();
        problems.push(...same(what));
      };
      for (let i = 0; i < steps && problems.length === 0; i++) {
        alignIds();
        await da.step();
        await db.step();
        da.advance();
        db.advance();
        const syncNow = ra() < 0.25;
        rb();
        if (syncNow) {
          const full = ra() < 0.2;
          rb();
          await both(full, `after step ${i + 1}`);
          da.advance();
          db.advance();
        }
      }
      if (!problems.length) await both(false, 'after the last edits');
      if (!problems.length) await both(true, 'after a full pass');
      expect(problems, `seed ${seed}:\n  ${da.ledger.ops.join('\n  ')}`).toEqual([]);
      // The same edits were made on both sides (the drivers saw the same worlds).
      expect(db.ledger.ops).toEqual(da.ledger.ops);
    }, 60_000);
  }
});
