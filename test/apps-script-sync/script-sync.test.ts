// The no-server sync's limits in Code.js: a run out of time checkpoints and the next finishes the same run; an
// overlapping run writes nothing; the token lives only in user properties; the menu's trigger and its budget.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  budgetDialog,
  costsOf,
  defaultInterval,
  type MeasuredRuns,
} from '../../apps-script/src/sync/budget.js';
import { MAX_CHECKPOINT_BYTES } from '../../apps-script/src/sync/chunks.js';
import { CHECKPOINT_PREFIX, TOKEN_KEY, TRIGGER_HANDLER } from '../../apps-script/src/sync/state.js';
import { runSync } from '../../src/sync/run.js';
import { PROPERTY_VALUE_MAX_BYTES } from '../fakes/spreadsheet-app.js';
import { prng, runtimeToken } from '../helpers.js';
import { EditDriver } from '../sync/convergence-edits.js';
import { restore, type Snapshot, snapshot } from '../sync/convergence-world.js';
import { differences, notionState, sheetState } from './compare.js';
import { BUNDLE_PATH, type CallResult, GasHost } from './gas-host.js';
import { closeWorld, type Installed, installWorld, MINUTE, startTime, ws } from './worlds.js';

/** A token no fixture holds: if it shows up anywhere but user properties, it leaked. */
const TOKEN = runtimeToken('scan');
let host: GasHost;
let a: Installed;
let b: Installed;
let snapA: Snapshot;
let snapB: Snapshot;

interface RunResult {
  status: string;
  message: string;
  fetches: number;
  replayed: number;
  rowsChanged: number;
}

function script(fn: string, extra: Partial<Parameters<GasHost['call']>[0]> = {}) {
  return host.call<RunResult>({ world: 'b', fn, now: b.clock.now(), ...extra });
}

function syncOnce(options: Record<string, unknown>, extra: Partial<Parameters<GasHost['call']>[0]> = {}) {
  return script('syncOnce', { internal: true, args: [options], ...extra });
}

beforeAll(async () => {
  const start = startTime();
  [a, b] = await Promise.all([installWorld('a', start), installWorld('b', start, TOKEN)]);
  host = await GasHost.start('', b.pushed);
  await host.addWorld(b.gas);
  const connected = await script('connectNotion', { answers: [{ button: 'OK', text: TOKEN }] });
  expect(connected.alerts.at(-1)).toMatch(/^Connected to Notion/);
  a.clock.advance(MINUTE);
  b.clock.advance(MINUTE);
  await runSync(a.world.napi, a.world.gapi, ws, { allowMassArchive: true, now: new Date(a.clock.now()) });
  expect((await syncOnce({ allowMassArchive: true })).result.status).toBe('done');
  snapA = snapshot(a.world);
  snapB = snapshot(b.world);
}, 240_000);

afterAll(async () => {
  await host?.close();
  await Promise.all([closeWorld(a), closeWorld(b)]);
});

/** Both worlds back to the synced install, then the same edits on both (a seeded driver each). */
async function sameEdits(seed: number, steps: number): Promise<void> {
  restore(a.world, snapA);
  restore(b.world, snapB);
  b.clock.advance(a.clock.now() - b.clock.now());
  const da = new EditDriver(a.world, prng(seed), (ms) => a.clock.advance(ms), `c${seed}`);
  const db = new EditDriver(b.world, prng(seed), (ms) => b.clock.advance(ms), `c${seed}`);
  for (let i = 0; i < steps; i++) {
    for (const field of ['counter', 'short']) {
      const top = Math.max(
        Number(Reflect.get(a.notion.state.ids, field)),
        Number(Reflect.get(b.notion.state.ids, field)),
      );
      Reflect.set(a.notion.state.ids, field, top);
      Reflect.set(b.notion.state.ids, field, top);
    }
    await da.step();
    await db.step();
    da.advance();
    db.advance();
  }
  expect(db.ledger.ops).toEqual(da.ledger.ops);
}

describe('a run given less time than it needs', () => {
  it('checkpoints within the property limits, writes nothing to the workbook, and the next runs finish exactly as one long run', async () => {
    await sameEdits(7, 10);
    // One long run of the CLI's engine: a full pass.
    await runSync(a.world.napi, a.world.gapi, ws, {
      full: true,
      allowMassArchive: true,
      now: new Date(a.clock.now()),
    });
    // Code.js: each request takes a second, and a run may send requests for 6 seconds only.
    const before = sheetState(b);
    const runs: CallResult<RunResult>[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await syncOnce(
        { full: true, allowMassArchive: true, budgetMs: 6_000 },
        { now: b.clock.now() + i * 5 * MINUTE, latencyMs: 1_000 },
      );
      runs.push(r);
      if (r.result.status !== 'checkpointed') break;
      // Out of time: nothing of the run is in the workbook yet, and what it read is in document properties.
      expect(sheetState(b)).toEqual(before);
      const keys = Object.keys(r.document).filter((k) => k.startsWith(CHECKPOINT_PREFIX));
      expect(keys.length).toBeGreaterThan(1);
      for (const k of keys)
        expect(Buffer.byteLength(r.document[k]!)).toBeLessThanOrEqual(PROPERTY_VALUE_MAX_BYTES);
      const size = keys.reduce((n, k) => n + Buffer.byteLength(r.document[k]!), 0);
      expect(size).toBeLessThanOrEqual(MAX_CHECKPOINT_BYTES);
    }
    const statuses = runs.map((r) => r.result.status);
    expect(statuses.at(-1)).toBe('done');
    expect(statuses.filter((s) => s === 'checkpointed').length).toBeGreaterThanOrEqual(2);
    // Each run went further: it replayed what the earlier ones had read, then sent new requests.
    for (const r of runs.slice(1)) expect(r.result.replayed).toBeGreaterThan(0);
    const replays = runs.map((r) => r.result.replayed);
    expect(replays.slice(1)).toEqual([...replays.slice(1)].sort((x, y) => x - y));
    // The checkpoint is gone once the run finished.
    expect(Object.keys(runs.at(-1)!.document).filter((k) => k.startsWith(CHECKPOINT_PREFIX))).toEqual([]);
    expect(differences(notionState(a), notionState(b))).toEqual([]);
    expect(differences(sheetState(a), sheetState(b))).toEqual([]);
  }, 240_000);

  it('a checkpoint of another state (another run synced in between) is not replayed', async () => {
    await sameEdits(11, 4);
    const cut = await syncOnce({ allowMassArchive: true, budgetMs: 3_000 }, { latencyMs: 1_000 });
    expect(cut.result.status).toBe('checkpointed');
    // The CLI syncs the same workbook meanwhile: the stored baseline and cursor change.
    const { napi } = b.world;
    await runSync(napi, b.world.gapi, ws, { allowMassArchive: true, now: new Date(b.clock.now()) });
    const later = b.clock.now() + 5 * MINUTE;
    const next = await syncOnce({ allowMassArchive: true }, { now: later });
    expect(next.result.status).toBe('done');
    expect(next.result.replayed).toBe(0);
    // A run of its own: its own time, not the interrupted run's.
    expect((next.result as RunResult & { at: string }).at).toBe(new Date(later).toISOString());
  }, 240_000);
});

describe("the CLI's Notion client over UrlFetchApp", () => {
  it("keeps its rules: a 429 waits its Retry-After (Utilities.sleep), a 5xx is retried, and the run ends as the CLI's does", async () => {
    await sameEdits(5, 4);
    await runSync(a.world.napi, a.world.gapi, ws, { allowMassArchive: true, now: new Date(a.clock.now()) });
    const wire = host.wire.length;
    const slept = (await script('onOpen')).slept;
    b.notion.injectFaults({ seed: 3, rateLimited: 0.25, retryAfterSeconds: 2, serverError: 0.15 });
    let r: CallResult<RunResult>;
    try {
      r = await syncOnce({ allowMassArchive: true });
    } finally {
      b.notion.injectFaults(undefined);
    }
    expect(r.result.status).toBe('done');
    // Requests that failed were sent again: more went over the wire than the run counted as logical calls.
    const sent = host.wire.slice(wire).filter((w) => w.url.startsWith(b.gas.notionBase)).length;
    const summary = (r.result as RunResult & { summary: { calls: { notion: number } } }).summary;
    expect(sent).toBeGreaterThan(summary.calls.notion);
    const answered = host.statuses.slice(wire);
    const limited = answered.filter((st) => st === 429).length;
    expect(limited).toBeGreaterThan(0);
    expect(answered.filter((st) => st >= 500).length).toBeGreaterThan(0);
    // Every 429 was waited out for its 2 s Retry-After on the script's clock (the pacing adds to that).
    expect(r.slept - slept).toBeGreaterThanOrEqual(2_000 * limited);
    expect(differences(notionState(a), notionState(b))).toEqual([]);
    expect(differences(sheetState(a), sheetState(b))).toEqual([]);
  }, 120_000);
});

describe('overlapping runs', () => {
  it('a run that starts while another holds the script lock writes nothing; the first one finishes', async () => {
    await sameEdits(3, 3);
    const wireBefore = host.wire.length;
    const r = await script('syncNow', { overlapAt: 2, overlapFn: 'syncNow' });
    expect(r.result.status).toBe('done');
    expect((r.overlap as RunResult).status).toBe('busy');
    expect((r.overlap as RunResult).fetches).toBe(0);
    expect(r.lock.refused).toBeGreaterThanOrEqual(1);
    expect(r.lock.held).toBe(false);
    // Every request of the call was the first run's: one workbook read first, its writes after.
    const calls = host.wire.slice(wireBefore);
    const reads = calls.filter((c) => c.method === 'GET' && /\/v4\/spreadsheets\/[^/]+\?/.test(c.url));
    expect(reads).toHaveLength(1);
    // The lock is free again: the next run runs.
    expect((await script('syncNow')).result.status).toBe('done');
  }, 120_000);
});

describe('the token', () => {
  it('is kept in user properties only: not in the code, document or script properties, the workbook, Notion or any log', async () => {
    restore(b.world, snapB);
    const seen: string[] = [];
    const record = <T>(r: CallResult<T>): CallResult<T> => {
      seen.push(...r.logs, ...r.alerts, ...r.toasts, ...r.prompts.map((p) => `${p.title} ${p.prompt}`));
      seen.push(JSON.stringify(r.document), JSON.stringify(r.script), JSON.stringify(r.result));
      return r;
    };
    const c = record(await script('connectNotion', { answers: [{ button: 'OK', text: TOKEN }] }));
    expect(c.user[TOKEN_KEY]).toBe(TOKEN);
    record(await script('syncNow'));
    record(await script('turnOnAutomaticSync', { answers: [{ button: 'OK', text: '' }] }));
    record(await script('runScheduledSync'));
    // A rejected token: its failure is logged, without it.
    const bad = runtimeToken('rejected');
    await host.setUser('b', { [TOKEN_KEY]: bad });
    const failed = record(await script('runScheduledSync'));
    expect(failed.result.status).toBe('failed');
    expect(failed.logs.at(-1)).toMatch(/Notion rejected the token/);
    const wrongConnect = record(await script('connectNotion', { answers: [{ button: 'OK', text: bad }] }));
    expect(wrongConnect.alerts.at(-1)).toMatch(/^Notion is not connected: Notion rejected the token/);
    await host.setUser('b', { [TOKEN_KEY]: TOKEN });
    const off = record(await script('disconnectNotion'));
    expect(off.user[TOKEN_KEY]).toBeUndefined();
    expect(off.triggers).toEqual([]);

    const places: [string, string][] = [
      ['Code.js', readFileSync(BUNDLE_PATH, 'utf8')],
      ['the pushed code', b.pushed],
      ['the workbook', JSON.stringify(b.google.state.spreadsheet(b.gas.spreadsheetId))],
      ['the Drive files', JSON.stringify([...b.google.state.drive.files.values()])],
      ['Notion pages', JSON.stringify([...b.notion.state.pages.values()])],
      ['logs, dialogs, properties', seen.join('\n')],
    ];
    for (const secret of [TOKEN, bad])
      for (const [where, text] of places) expect(text.includes(secret), `${where} holds a token`).toBe(false);
    // The scan can see a token: the requests to Notion carried it.
    expect(host.wire.some((w) => JSON.stringify(w.headers).includes(TOKEN))).toBe(true);
    expect(host.wire.some((w) => JSON.stringify(w.headers).includes(bad))).toBe(true);
  }, 180_000);
});

describe('the menu, the trigger and its budget', () => {
  it('onOpen adds a Sync with Notion submenu whose items are top-level functions of Code.js', async () => {
    const r = await script('onOpen');
    const menu = r.menus.at(-1) as { caption: string; items: Record<string, unknown>[] };
    const sub = menu.items.find((i) => 'submenu' in i)?.submenu as {
      caption: string;
      items: { caption?: string; functionName?: string }[];
    };
    expect(sub.caption).toBe('Sync with Notion');
    const items = sub.items.filter((i) => i.functionName);
    expect(items.map((i) => i.caption)).toEqual([
      'Connect Notion…',
      'Disconnect Notion',
      'Turn on automatic sync',
      'Turn off automatic sync',
      'Sync now',
    ]);
    const top = new Set([...b.pushed.matchAll(/^function ([A-Za-z_$][\w$]*)\s*\(/gm)].map((m) => m[1]));
    for (const i of items) expect(top.has(i.functionName), i.functionName).toBe(true);
    expect(top.has(TRIGGER_HANDLER)).toBe(true);
  });

  it("Turn on shows each interval's daily budget at the measured costs, offers the default, and sets one trigger", async () => {
    restore(b.world, snapB);
    await script('disconnectNotion');
    const none = await script('turnOnAutomaticSync');
    expect(none.alerts.at(-1)).toMatch(/^Connect Notion first/);
    expect(none.triggers).toEqual([]);
    await script('connectNotion', { answers: [{ button: 'OK', text: TOKEN }] });
    const on = await script('turnOnAutomaticSync', { answers: [{ button: 'OK', text: '' }] });
    const stats = JSON.parse(on.document['partnernomics.sync.stats']!) as MeasuredRuns;
    expect(stats.full?.fetches).toBeGreaterThan(0);
    const measured: MeasuredRuns = {
      tables: stats.tables,
      rows: stats.rows,
      ...(stats.full ? { full: stats.full } : {}),
      ...(stats.incremental ? { incremental: stats.incremental } : {}),
    };
    const dialog = on.prompts.at(-1)!;
    expect(dialog.title).toBe('Turn on automatic sync');
    expect(dialog.prompt).toBe(budgetDialog(costsOf(measured), measured));
    expect(dialog.prompt).toMatch(
      /90 minutes of runtime and 20,000 URL fetches a day on a consumer account, 6 hours and 100,000 on Google Workspace/,
    );
    for (const i of [5, 10, 15, 30])
      expect(dialog.prompt).toMatch(new RegExp(`^Every ${i} min: ${1440 / i} runs a day`, 'm'));
    const chosen = defaultInterval(costsOf(measured));
    expect(on.triggers).toEqual([{ handler: TRIGGER_HANDLER, minutes: chosen }]);
    // Another interval replaces the trigger; one a time trigger cannot take changes nothing.
    const thirty = await script('turnOnAutomaticSync', { answers: [{ button: 'OK', text: '30' }] });
    expect(thirty.triggers).toEqual([{ handler: TRIGGER_HANDLER, minutes: 30 }]);
    const seven = await script('turnOnAutomaticSync', { answers: [{ button: 'OK', text: '7' }] });
    expect(seven.alerts.at(-1)).toMatch(/Type 5, 10, 15 or 30/);
    expect(seven.triggers).toEqual([{ handler: TRIGGER_HANDLER, minutes: 30 }]);
    const cancel = await script('turnOnAutomaticSync', { answers: [{ button: 'CANCEL', text: '5' }] });
    expect(cancel.triggers).toEqual([{ handler: TRIGGER_HANDLER, minutes: 30 }]);
    const off = await script('turnOffAutomaticSync');
    expect(off.triggers).toEqual([]);
    expect(off.alerts.at(-1)).toBe('Automatic sync is off.');
    // Sync now: one run, its outcome in a toast.
    const now = await script('syncNow');
    expect(now.toasts.at(-1)).toBe(now.result.message);
  }, 120_000);
});
