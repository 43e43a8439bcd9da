// Property test of the whole sync (runSync, real readers and appliers, stateful fakes): random interleaved edits converge to owner-wins.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { runSync } from '../../src/sync/run.js';
import { cliEnvFor, loginGoogle } from '../fakes/cli-env.js';
import { createFakeGoogle } from '../fakes/google/index.js';
import { createFakeNotion, FakeClock } from '../fakes/notion/index.js';
import { cli, editedTemplates, prng } from '../helpers.js';
import { before, changedOwned, convergenceProblems, notionOwned } from './convergence-check.js';
import { EDIT_KINDS, EditDriver, type EditKind } from './convergence-edits.js';
import { attachWorld, restore, type Snapshot, type SyncWorld, snapshot } from './convergence-world.js';

const SEEDS = 100;
const MINUTE = 60_000;
/** 10 s into the current minute: the install's lock compares the fake's clock with the real one. */
const clock = new FakeClock(Math.floor(Date.now() / MINUTE) * MINUTE + 10_000);
const notion = createFakeNotion({ clock });
const google = createFakeGoogle();
/** A small workbook (every table DATA_ROWS rows): a read of it costs a fraction of a full-size one's. */
const DATA_ROWS = 10;
const templates = editedTemplates({
  'blueprint/workbook.yaml': (t) => t.replace(/data_rows: \d+/g, `data_rows: ${DATA_ROWS}`),
});
const ws = compile(loadBlueprint(templates), parseConfig({}, 'test'));
let world: SyncWorld;
let installed: Snapshot;

beforeAll(async () => {
  await Promise.all([notion.listen(), google.listen()]);
  const env = cliEnvFor(notion, google, {
    PARTNERNOMICS_GOOGLE_RETRY_BASE_MS: '1',
    PARTNERNOMICS_TEMPLATES: templates,
  });
  expect((await loginGoogle(google, env)).code).toBe(0);
  const root = notion.seedRootPage('Program');
  const install = await cli(['--json', 'install', '--target', 'all', '--root', root], { env });
  expect(install.code, install.stderr).toBe(0);
  const spreadsheetId: string = JSON.parse(install.stdout).sheets.spreadsheetId;
  world = await attachWorld(notion, google, ws, { root, spreadsheetId });
  clock.advance(MINUTE);
  // The first sync (the example rows in, their scores back): every case starts from a synced workspace.
  await runSync(world.napi, world.gapi, ws, { allowMassArchive: true, now: new Date(clock.now()) });
  installed = snapshot(world);
}, 120_000);
afterAll(() => Promise.all([notion.close(), google.close()]));

/** What the seeds did, to show the generator reaches every kind of edit and the same-minute case. */
const coverage = { kinds: new Set<EditKind>(), sameMinute: 0, conflicts: 0 };
const NOTION_EDITS: readonly EditKind[] = [
  'create',
  'ownerEditInNotion',
  'nonOwnerEditInNotion',
  'trash',
  'restore',
];
let lastSync = 0;

/**
 * One sync as the CLI runs it; `allowMassArchive` because a case may trash most of a small table (the guard
 * has its own tests). A sync must never write a Notion-owned property: that would overwrite a person's edit.
 */
async function sync(driver: EditDriver, full: boolean): Promise<string[]> {
  driver.syncing();
  const owned = notionOwned(world);
  const run = await runSync(world.napi, world.gapi, ws, {
    full,
    allowMassArchive: true,
    now: new Date(clock.now()),
  });
  driver.synced();
  lastSync = clock.now();
  coverage.conflicts += run.conflicts.length;
  driver.ledger.ops.push(
    `sync${full ? ' --full' : ''}: ${run.rowsChanged} row(s) changed, ${run.conflicts.length} conflict(s)`,
  );
  return changedOwned(owned, notionOwned(world)).map((c) => `a sync wrote a Notion-owned property: ${c}`);
}

describe(`sync converges to owner-wins after random interleaved edits on both sides (${SEEDS} seeds)`, () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    it(`seed ${seed}`, async () => {
      restore(world, installed);
      const rng = prng(seed);
      const driver = new EditDriver(world, rng, (ms) => clock.advance(ms), `s${seed}`);
      const was = before(world);
      const problems: string[] = [];
      const steps = 4 + Math.floor(rng() * 8);
      lastSync = 0;
      let sameMinute = false;
      for (let i = 0; i < steps; i++) {
        const kinds = driver.ledger.kinds.length;
        await driver.step();
        const kind = driver.ledger.kinds[kinds];
        if (
          kind &&
          NOTION_EDITS.includes(kind) &&
          Math.floor(clock.now() / MINUTE) === Math.floor(lastSync / MINUTE)
        )
          sameMinute = true;
        driver.advance();
        if (rng() < 0.25) {
          problems.push(...(await sync(driver, rng() < 0.2)));
          driver.advance();
        }
      }
      // Converge: one more run finds the last edits, a full pass finds the last trashed pages.
      problems.push(...(await sync(driver, false)));
      problems.push(...(await sync(driver, true)));
      problems.push(...(await convergenceProblems(world, driver.ledger, was)));
      // Converged means settled: another run writes nothing on either side (our own writes do not echo).
      notion.clearLog();
      google.clearLog();
      problems.push(...(await sync(driver, false)));
      const writes = [
        ...notion.calls.filter((c) => c.method !== 'GET' && !/\/query$/.test(c.path)),
        ...google.calls.filter((c) => c.method !== 'GET' && c.path.includes(':batchUpdate')),
      ];
      if (writes.length)
        problems.push(
          `a sync after convergence still wrote: ${writes.map((c) => `${c.method} ${c.path}`).join(', ')}`,
        );
      for (const k of driver.ledger.kinds) coverage.kinds.add(k);
      if (sameMinute) coverage.sameMinute += 1;
      expect(problems, `seed ${seed}:\n  ${driver.ledger.ops.join('\n  ')}`).toEqual([]);
    });
  }

  // A generator that stopped reaching an edit (a map change, a table without such a field) proves nothing about it.
  it('the seeds made every kind of edit, Notion edits in the minute of the sync before them, and conflicts', () => {
    // A Sheets owner edit needs a Sheets-owned column people type (today's map computes all of them).
    const typedInSheets = world.tables.some((t) =>
      t.spec.fields.some(
        (f) => f.owner === 'sheets' && t.spec.columns.find((c) => c.key === f.column)?.kind !== 'formula',
      ),
    );
    const wanted = EDIT_KINDS.filter((k) => typedInSheets || k !== 'ownerEditInSheets');
    expect(wanted.filter((k) => !coverage.kinds.has(k))).toEqual([]);
    expect(coverage.sameMinute).toBeGreaterThanOrEqual(20);
    expect(coverage.conflicts).toBeGreaterThanOrEqual(SEEDS);
  });
});
