// An installed Notion + Sheets workspace behind the fault proxies, edited on both sides, for `sync` under faults and kills.
import { compile } from '../../src/blueprint/compile.js';
import type { DesiredWorkspace } from '../../src/blueprint/desired.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { syncValueOf } from '../../src/sync/notion-side.js';
import { runSync } from '../../src/sync/run.js';
import { parseSheetsSide } from '../../src/sync/sheets-side.js';
import { editedTemplates, prng } from '../helpers.js';
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
import { describeRun, runCli, type Secret } from './cli.js';
import type { FaultProxy } from './proxy.js';
import { type GoogleLane, googleWorld, type NotionLane, notionWorld } from './world.js';

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

/** Installs through the proxies (no faults), syncs once, then edits both sides: the script, and `edits` random ones. */
export async function syncRig(seed: number, edits: number): Promise<SyncRig> {
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
  const installed = await runCli(['--json', 'install', '--target', 'all', '--root', root], {
    env: env(),
    label: 'install',
  });
  if (installed.code !== 0) throw new Error(`the install failed: ${describeRun(installed)}`);
  const spreadsheetId: string = JSON.parse(installed.stdout).sheets.spreadsheetId;
  const first = await runCli(['--json', 'sync'], { env: env(), label: 'first sync' });
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
