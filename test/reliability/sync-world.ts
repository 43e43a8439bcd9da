// An installed Notion + Sheets workspace behind the fault proxies, edited on both sides, for `sync` under faults and kills.

import { rmSync } from 'node:fs';
import { compile } from '../../src/blueprint/compile.js';
import type { DesiredWorkspace } from '../../src/blueprint/desired.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { runCli as runProgram } from '../../src/cli/program.js';
import { parseConfig } from '../../src/config/load.js';
import { syncValueOf } from '../../src/sync/notion-side.js';
import { runSync } from '../../src/sync/run.js';
import { parseSheetsSide } from '../../src/sync/sheets-side.js';
import { editedTemplates, prng, tempDir } from '../helpers.js';
import { type Before, before, convergenceProblems } from '../sync/convergence-check.js';
import { EditDriver, type EditKind, type Ledger } from '../sync/convergence-edits.js';
import {
  attachWorld,
  restore,
  type Snapshot,
  type SyncWorld,
  snapshot,
  syncLog,
} from '../sync/convergence-world.js';
import { type CliRun, describeRun, outputProblems, outputs, runCli, type Secret } from './cli.js';
import type { FaultKind, FaultPlan, FaultProxy } from './proxy.js';
import { type GoogleLane, googleWorld, type NotionLane, notionWorld, type Series } from './world.js';

/** Every table this many rows: reads of the workbook stay fast (the runs are the point, not its size). */
const DATA_ROWS = 10;

/** The synced state, comparable: each tab's rows, each page's synced values, the Sync Log without times. */
export interface SyncShape {
  rows: string[];
  pages: string[];
  log: string[];
}

export interface SyncRig {
  world: SyncWorld;
  notionLane: NotionLane;
  googleLane: GoogleLane;
  proxies: FaultProxy[];
  env(): Record<string, string>;
  /** The edits both sides got since the first sync (what the runs must keep or log). */
  ledger: Ledger;
  was: Before;
  /** Installed, synced once, then edited: where every scenario starts. */
  start: Snapshot;
  shape(): SyncShape;
  /** The oracle of the property test, plus: one more sync (in-process) writes nothing. */
  problems(): Promise<string[]>;
  /** What no output may hold: the Notion token, Google tokens and the client secret. */
  secrets(): Secret[];
  close(): Promise<void>;
}

const text = (v: unknown) => JSON.stringify(v);

/**
 * Edits that give a sync many writes on both sides: on each table whose workbook computes fields (Score,
 * Rank, Recommendation, RYG…), new pages, hand-typed computed values and owner edits, each a Notion
 * write-back; on every table a non-owner edit in the tab; a trashed page, a sort, a moved column, a
 * renamed tab and a row without a Notion ID.
 */
function scripted(world: SyncWorld): [EditKind, string][] {
  const computed = world.tables.filter((t) => t.spec.fields.some((f) => f.owner === 'sheets'));
  const all = world.tables.map((t) => t.spec.key);
  const first = computed[0]?.spec.key ?? all[0]!;
  return [
    ...computed.flatMap((t): [EditKind, string][] => [
      ['create', t.spec.key],
      ['create', t.spec.key],
      ['create', t.spec.key],
      ['create', t.spec.key],
      ['nonOwnerEditInNotion', t.spec.key],
      ['nonOwnerEditInNotion', t.spec.key],
      ['nonOwnerEditInNotion', t.spec.key],
      ['nonOwnerEditInNotion', t.spec.key],
      ['ownerEditInNotion', t.spec.key],
      ['ownerEditInNotion', t.spec.key],
    ]),
    ...all.map((key): [EditKind, string] => ['nonOwnerEditInSheets', key]),
    ['trash', first],
    ['sort', first],
    ['moveColumn', all.at(-1)!],
    ['renameTab', all[1] ?? first],
    ['typeOrphan', first],
  ];
}

/** How a rig's runs are made: the built CLI as a child process, or the same CLI program in this process. */
export type Runner = 'cli' | 'in-process';

/**
 * The CLI program (`src/cli/program.ts`, what `dist/src/cli/main.js` runs) in this process, with the env a
 * child would get: the same commands, clients, retries and timeouts through the same proxies, without the
 * child's start-up (most of a small sync's time). Its output joins the secrets scan like a child's.
 */
export async function runInProcess(args: string[], options: { env: Record<string, string>; label: string }) {
  const started = Date.now();
  const cwd = tempDir('pn-rel-cwd-');
  let stdout = '';
  let stderr = '';
  try {
    const code = await runProgram(args, {
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
      interactive: false,
      env: { CI: '1', NO_COLOR: '1', ...options.env },
      cwd,
      readStdin: async () => '',
    });
    const run: CliRun = {
      label: options.label,
      args,
      code,
      signal: null,
      stdout,
      stderr,
      ms: Date.now() - started,
    };
    return run;
  } finally {
    rmSync(cwd, { recursive: true, force: true });
    outputs.push(
      { label: options.label, stream: 'stdout', text: stdout },
      { label: options.label, stream: 'stderr', text: stderr },
    );
  }
}

/** One run by `runner`. */
export function runBy(
  runner: Runner,
  args: string[],
  options: { env: Record<string, string>; label: string },
) {
  return runner === 'cli' ? runCli(args, options) : runInProcess(args, options);
}

/** Installs through the proxies (no faults), syncs once, then edits both sides: the script, and `edits` random ones. */
export async function syncRig(seed: number, edits: number, setup: Runner = 'cli'): Promise<SyncRig> {
  const templates = editedTemplates({
    'blueprint/workbook.yaml': (t) => t.replace(/data_rows: \d+/g, `data_rows: ${DATA_ROWS}`),
  });
  const ws: DesiredWorkspace = compile(loadBlueprint(templates), parseConfig({}, 'reliability'));
  const notion = await notionWorld();
  const google = await googleWorld();
  const notionLane = await notion.lane();
  const googleLane = await google.lane('sync');
  const env = () => ({ ...notionLane.env(), ...googleLane.env(), PARTNERNOMICS_TEMPLATES: templates });
  const root = notion.fake.seedRootPage('Program');
  const installed = await runBy(setup, ['--json', 'install', '--target', 'all', '--root', root], {
    env: env(),
    label: 'install',
  });
  if (installed.code !== 0) throw new Error(`the install failed: ${describeRun(installed)}`);
  const spreadsheetId: string = JSON.parse(installed.stdout).sheets.spreadsheetId;
  const first = await runBy(setup, ['--json', 'sync'], { env: env(), label: 'first sync' });
  if (first.code !== 0) throw new Error(`the first sync failed: ${describeRun(first)}`);
  const world = await attachWorld(notion.fake, google.fake, ws, {
    root,
    spreadsheetId,
    user: googleLane.user,
  });
  const was = before(world);
  const driver = new EditDriver(world, prng(seed), () => {}, `r${seed}`);
  driver.synced();
  for (const [kind, table] of scripted(world)) await driver.edit(kind, table);
  for (let i = 0; i < edits; i++) await driver.step();
  driver.syncing();
  const start = snapshot(world);
  for (const proxy of [notionLane.proxy, googleLane.proxy]) proxy.reset();

  const shape = (): SyncShape => {
    const read = parseSheetsSide(
      spreadsheetId,
      google.fake.state.snapshot(spreadsheetId),
      world.tables.map((t) => t.spec),
    );
    const rows = world.tables.flatMap((t) =>
      (read.tables.get(t.spec.key) ?? []).map(
        (r) => `${t.spec.key} ${r.pageId ?? '(no ID)'}${r.archived ? ' archived' : ''} ${text(r.values)}`,
      ),
    );
    const pages = world.tables.flatMap((t) =>
      notion.fake.rows(t.notion.dataSourceId, { includeTrashed: true }).map((p) => {
        const values = t.notion.columns.map((c) => {
          const v = Object.values(p.properties).find((x) => x.id === c.id);
          const related = v?.type === 'relation' ? v.relation.map((r) => titleOf(world, r.id)) : [];
          return [c.field.key, v ? syncValueOf(v, related) : null];
        });
        return `${t.spec.key} ${p.id}${p.in_trash ? ' trashed' : ''} ${text(values)}`;
      }),
    );
    // Without the time, and without who: a conflict a rerun finds by reading the page names its editor, the
    // same conflict found from the baseline (the second pass of a run) cannot.
    const log = syncLog(world).map(({ time: _time, reason, ...rest }) =>
      text({ ...rest, reason: (reason ?? '').replace(/ by [^;]+;/, ';') }),
    );
    return { rows: rows.sort(), pages: pages.sort(), log: log.sort() };
  };

  return {
    world,
    notionLane,
    googleLane,
    proxies: [notionLane.proxy, googleLane.proxy],
    env,
    ledger: driver.ledger,
    was,
    start,
    shape,
    async problems() {
      const found = await convergenceProblems(world, driver.ledger, was);
      world.notion.clearLog();
      world.google.clearLog();
      await runSync(world.napi, world.gapi, ws, {});
      const writes = [
        ...world.notion.calls.filter((c) => c.method !== 'GET' && !/\/query$/.test(c.path)),
        ...world.google.calls.filter((c) => c.method !== 'GET' && c.path.includes(':batchUpdate')),
      ];
      if (writes.length)
        found.push(`the next sync still wrote: ${writes.map((c) => `${c.method} ${c.path}`).join(', ')}`);
      return found;
    },
    secrets: () => [...notion.secrets(), ...google.secrets()],
    async close() {
      await notion.close();
      await google.close();
    },
  };
}

function titleOf(world: SyncWorld, pageId: string): string {
  const title = Object.values(world.notion.page(pageId).properties).find((p) => p.type === 'title');
  return title?.type === 'title' ? title.title.map((t) => t.plain_text).join('') : pageId;
}

/** Puts the rig back where every scenario starts, proxies cleared. */
export function reset(rig: SyncRig): void {
  restore(rig.world, rig.start);
  for (const proxy of rig.proxies) proxy.reset();
}

/** Lines for what `actual` has more or less of than `expected` (DUPLICATE/EXTRA, MISSING), per part. */
export function diffShape(expected: SyncShape, actual: SyncShape): string[] {
  const lines: string[] = [];
  for (const part of ['rows', 'pages', 'log'] as const) {
    const want = [...expected[part]];
    const extra: string[] = [];
    for (const item of actual[part]) {
      const i = want.indexOf(item);
      if (i === -1) extra.push(item);
      else want.splice(i, 1);
    }
    for (const item of extra.slice(0, 5)) lines.push(`${part}: DUPLICATE/EXTRA ${item}`);
    for (const item of want.slice(0, 5)) lines.push(`${part}: MISSING ${item}`);
  }
  return lines;
}

/**
 * The tally's counts of one scenario: duplicates (a page or row of one ID, or a Sync Log entry, more often
 * than in `reference`; rows on one page, conflicts logged twice, rows typed without an ID kept twice), lost
 * edits (an edit overwritten and not logged) and the conflicts the runs logged.
 */
export function countsOf(
  rig: SyncRig,
  problems: readonly string[],
  reference: SyncShape,
): { duplicates: number; lostEdits: number; conflictsLogged: number } {
  const end = rig.shape();
  const id = (line: string) => line.split(' ').slice(0, 2).join(' ');
  const more = (want: string[], got: string[], key: (line: string) => string) => {
    const wanted = new Map<string, number>();
    for (const line of want) wanted.set(key(line), (wanted.get(key(line)) ?? 0) + 1);
    const seen = new Map<string, number>();
    for (const line of got) seen.set(key(line), (seen.get(key(line)) ?? 0) + 1);
    return [...seen].reduce((n, [k, count]) => n + Math.max(0, count - Math.max(1, wanted.get(k) ?? 0)), 0);
  };
  const lines = (pattern: RegExp) => problems.filter((p) => pattern.test(p)).length;
  // The same duplicate can show in the shape and in the oracle's lines: each kind counted once.
  const duplicates =
    Math.max(
      more(
        reference.rows.filter((r) => !r.includes('(no ID)')),
        end.rows.filter((r) => !r.includes('(no ID)')),
        id,
      ),
      lines(/is on \d+ rows/),
    ) +
    more(reference.pages, end.pages, id) +
    Math.max(
      more(reference.log, end.log, (line) => line),
      lines(/logged \d+ times/),
    ) +
    lines(/is there ([2-9]|\d{2,}) times/);
  const lostEdits = problems.filter((p) => p.includes('is not in the Sync Log')).length;
  const conflictsLogged = syncLog(rig.world)
    .slice(rig.was.logRows)
    .filter((e) => e.field !== '' && e.record_id !== '').length;
  return { duplicates, lostEdits, conflictsLogged };
}

/**
 * A seeded fault plan over one sync's requests on one API: from its first request, each request draws a
 * fault at `rate` (the kinds in turn from the seed's), up to the request count a first run makes at that
 * rate (every failed request is sent again: clean / (1 − rate)). A first run meets the rate over about all
 * its requests; the requests after the window (a rerun's) get none, so a series ends in a bounded time.
 */
export function syncPlan(
  seed: number,
  rate: number,
  cleanRequests: number,
  kinds: readonly FaultKind[],
): FaultPlan {
  return {
    seed: seed * 1000 + Math.round(rate * 100),
    rate,
    kinds,
    order: 'cycle',
    cycleStart: seed - 1,
    startAt: 1,
    endBefore: 1 + Math.ceil(cleanRequests / (1 - rate)),
  };
}

/** Faults injected and requests made in a plan's window (every run's requests at window positions). */
export function windowDensity(proxy: FaultProxy, plan: FaultPlan): { faults: number; requests: number } {
  const window = (plan.endBefore ?? Number.POSITIVE_INFINITY) - (plan.startAt ?? 1);
  const inWindow = proxy.log.filter(
    (e) => e.position >= (plan.startAt ?? 1) && e.position < (plan.endBefore ?? Number.POSITIVE_INFINITY),
  );
  return { faults: inWindow.filter((e) => e.fault).length, requests: Math.min(inWindow.length, window) };
}

/**
 * Sync runs under the proxies' plans until one exits 0 (at most 1 + `maxReruns`), by `runner`: every run
 * that exits 0 must leave nothing of `reference` missing (checked as it exits), each run's output must be
 * one clean line or JSON, and the last must leave exactly `reference`.
 */
export async function faultSeries(
  rig: SyncRig,
  options: { runner: Runner; label: string; args: string[]; reference: SyncShape; maxReruns: number },
): Promise<Series> {
  const runs: CliRun[] = [];
  const problems: string[] = [];
  const diff = () => diffShape(options.reference, rig.shape());
  let last: CliRun | undefined;
  for (let n = 1; n <= 1 + options.maxReruns && last?.code !== 0; n++) {
    const from = rig.proxies.map((p) => p.log.length);
    const label = `${options.label} run ${n}`;
    let atExit: string[] | undefined;
    last =
      options.runner === 'cli'
        ? await runCli(options.args, {
            env: rig.env(),
            label,
            onExit: (code) => {
              if (code === 0) atExit = diff();
            },
          })
        : await runInProcess(options.args, { env: rig.env(), label });
    if (options.runner === 'in-process' && last.code === 0) atExit = diff();
    const mine = rig.proxies.flatMap((p, i) => p.log.slice(from[i]));
    last.traffic = {
      requests: mine.length,
      writes: mine.filter((e) => e.writeIndex !== undefined).length,
      beforeFirstWrite: Math.max(
        0,
        mine.findIndex((e) => e.writeIndex !== undefined),
      ),
      top: `${mine.filter((e) => e.fault).length} faulted`,
    };
    runs.push(last);
    const missing = (atExit ?? []).filter((line) => line.includes('MISSING'));
    if (last.code === 0 && missing.length)
      problems.push(`run ${n} exited 0 with an INCOMPLETE sync: ${missing.join('; ')}`);
    if (last.hung) problems.push(`run ${n} hung: ${describeRun(last)}`);
    for (const problem of outputProblems(last)) problems.push(`run ${n} (exit ${last.code}) ${problem}`);
  }
  if (last?.code !== 0)
    problems.push(
      `no run exited 0 after ${options.maxReruns} reruns; the last: ${last && describeRun(last)}`,
    );
  const end = diff();
  if (end.length) problems.push(`end state differs from the fault-free run's:\n    ${end.join('\n    ')}`);
  return { runs, problems, diff: end, notes: [] };
}
