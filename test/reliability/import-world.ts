// Installed Notion workspaces with edited partners and a 30-row CSV, for `import candidates` under faults and kills.

import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PageObjectResponse } from '@notionhq/client';
import { compile } from '../../src/blueprint/compile.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { runCli as runProgram } from '../../src/cli/program.js';
import { parseConfig } from '../../src/config/load.js';
import { readRegistry } from '../../src/sync/notion-side.js';
import { NotionApi } from '../../src/targets/notion/api.js';
import { PARTNER_KEYS, type PartnerKey } from '../../src/workflows/import/schema.js';
import { createFakeNotion, type FakeNotion } from '../fakes/notion/index.js';
import { tempDir } from '../helpers.js';
import { missingLines } from './checks.js';
import { type CliRun, describeRun, outputProblems, outputs, type Secret } from './cli.js';
import { FaultProxy, notionIsWrite } from './proxy.js';
import { endpoint, type NotionLane, runSeries, type Series, type SeriesOptions } from './world.js';

const ws = compile(loadBlueprint(), parseConfig({}, 'test', '2027-01-04'));
const partnersDb = ws.databases.find((d) => d.key === 'db.partners')!;
/** The Partners properties an import writes, by blueprint key (the import's own list). */
const KEYS = PARTNER_KEYS;
type Key = PartnerKey;
const prop = (key: Key) => partnersDb.properties.find((p) => p.key === key)!.name;

/** Partners a person entered before the import (then edited, below): the import must leave them as they are. */
const EXISTING: { name: string; website?: string; type?: string; stage: string }[] = [
  { name: 'Acme Analytics', website: 'https://acme-analytics.com', type: 'Referral', stage: 'Discovery' },
  {
    name: 'Brightline Consulting',
    website: 'https://www.brightline.co.uk/',
    type: 'Co-Sell',
    stage: 'Scoring',
  },
  { name: 'Cobalt Labs', stage: 'Researching' },
  { name: 'Delta Partners', website: 'https://delta.io', type: 'Referral', stage: 'Signed' },
  { name: 'Ember Media', website: 'https://ember.media', stage: 'Active' },
  { name: 'Granite Works', website: 'https://granite.works', type: 'Co-Sell', stage: 'Paused' },
  { name: 'Fjord Group', website: 'https://fjord-group.com', stage: 'Declined' },
];

/** A person's edits of existing partners after they were entered (what "lost edits" looks for). */
const EDITS: { name: string; key: Key; value: unknown }[] = [
  {
    name: 'Acme Analytics',
    key: 'notes',
    value: { rich_text: [{ text: { content: 'Renewal talk on Friday' } }] },
  },
  { name: 'Acme Analytics', key: 'stage', value: { select: { name: 'Negotiating' } } },
  { name: 'Cobalt Labs', key: 'contact', value: { rich_text: [{ text: { content: 'Mo Ahmed' } }] } },
  { name: 'Ember Media', key: 'type', value: { select: { name: 'Influencer' } } },
  { name: 'Delta Partners', key: 'contact_email', value: { email: 'ops@delta.io' } },
];

/**
 * The file: 21 new partners, 5 rows that are existing partners (by domain in another URL form, by name where
 * one side has no website), 4 repeats of earlier rows; two "Granite Works" with different domains stay apart.
 */
const CSV_ROWS: string[][] = [
  [
    'Northwind Advisory',
    'https://northwind-advisory.com',
    'Referral',
    'Networking events',
    'Dana Reyes',
    'dana@northwind-advisory.com',
    'Met at SaaStr',
  ],
  ['Larkspur Systems', 'larkspur.io', 'Co-Sell', 'Business databases', '', '', ''],
  [
    'ACME Analytics Inc',
    'http://www.acme-analytics.com/contact',
    'Referral',
    'Search',
    '',
    '',
    'already a partner',
  ],
  [
    'Quill Feather Media',
    'https://quillfeather.media',
    'Influencer',
    'Search',
    '',
    '',
    '"Podcast, newsletter"',
  ],
  ['Granite Works', 'granite-works.com', 'Co-Sell', '', '', '', ''],
  ['Harbor Logistics', 'harborlogistics.com', 'Referral', '', 'Lee Kim', 'lee@harborlogistics.com', ''],
  ['Ironwood Capital', '', 'Referral', 'Networking events', '', '', 'no website yet'],
  ['Brightline', 'https://brightline.co.uk', 'Co-Sell', '', '', '', ''],
  ['Juniper Health', 'juniper.health', '', 'Search', '', '', ''],
  ['Kestrel Security', 'https://www.kestrel-security.io/en', 'Co-Sell', '', '', '', ''],
  ['Northwind Advisory LLC', 'www.northwind-advisory.com', 'Referral', '', '', '', 'repeat of line 2'],
  ['Lumen Data', 'lumendata.ai', 'Referral', 'Business databases', '', '', ''],
  ['Cobalt Labs', 'https://cobaltlabs.com', 'Co-Sell', '', '', '', ''],
  ['Meridian Labs', 'meridian-labs.dev', '', '', '', '', ''],
  ['Nimbus Cloud', 'nimbus.cloud', 'Co-Sell', 'Search', '', '', ''],
  ['Orchid Design', '', 'Influencer', '', '', '', ''],
  ['Ironwood Capital', '', 'Referral', '', '', '', 'repeat of line 8'],
  ['Pinnacle Group', 'https://pinnaclegroup.com.au', 'Referral', '', '', '', ''],
  ['Delta Partners', '', 'Referral', '', '', '', ''],
  ['Quartz Analytics', 'quartz.co', 'Co-Sell', '', '', '', ''],
  ['Lumen', 'https://app.lumendata.ai', 'Referral', '', '', '', ''],
  ['Redwood Advisors', 'redwoodadvisors.com', 'Referral', 'Networking events', '', '', ''],
  ['Summit Partners EU', 'summit.eu', '', '', '', '', ''],
  ['Ember Media Ltd', 'ember.media/about', 'Influencer', '', '', '', ''],
  ['Tidal Energy', 'tidal.energy', 'Co-Sell', '', '', '', ''],
  ['Orchid Design', 'orchid.design', 'Influencer', '', '', '', ''],
  ['Umbra Studio', 'umbra.studio', 'Influencer', 'Search', '', '', ''],
  ['Vertex Commerce', 'vertexcommerce.com', 'Co-Sell', '', '', '', ''],
  ['Willow Finance', 'willow.finance', 'Referral', '', '', '', ''],
  ['Xenon Robotics', 'xenon-robotics.com', 'Co-Sell', 'Business databases', '', '', ''],
];
const HEADER = 'Account Name,Company Website,Type,Lead Source,Contact,Email,Description';

/** Names the file brings in once each (its 21 new partners). */
export const NEW_NAMES = [
  'Northwind Advisory',
  'Larkspur Systems',
  'Quill Feather Media',
  'Granite Works',
  'Harbor Logistics',
  'Ironwood Capital',
  'Juniper Health',
  'Kestrel Security',
  'Lumen Data',
  'Meridian Labs',
  'Nimbus Cloud',
  'Orchid Design',
  'Pinnacle Group',
  'Quartz Analytics',
  'Redwood Advisors',
  'Summit Partners EU',
  'Tidal Energy',
  'Umbra Studio',
  'Vertex Commerce',
  'Willow Finance',
  'Xenon Robotics',
];
/** The file's duplicates, line and rule: 5 of existing partners, 4 of earlier lines. */
export const DUPLICATES: [number, 'domain' | 'name'][] = [
  [4, 'domain'],
  [9, 'domain'],
  [12, 'domain'],
  [14, 'name'],
  [18, 'name'],
  [20, 'name'],
  [22, 'domain'],
  [25, 'domain'],
  [27, 'name'],
];
export const CSV_DATA_ROWS = CSV_ROWS.length;

/** The Partners database as the checks see it: every row's import values, and the existing partners'. */
export interface ImportShape {
  /** One line per live row: its values, sorted. */
  rows: string[];
  /** The existing partners: page ID → values, or why it is not as the person left it. */
  existing: Map<string, string>;
}

/**
 * The client's timeout and the proxy's holds for these lanes. After a timeout the import looks a create up
 * over a settle window as long as the timeout, so a create held past the timeout is caught when it lands
 * within 2 × timeout of being sent. The in-process runs share the proxies' event loop, and one of them
 * compiling the blueprint (~0.5 s of CPU, more on a busy machine) delays when a proxy sees a request: a hold
 * just over the timeout (not cli.ts' 2.6 s against 1.5 s) keeps the landing inside the window whatever that
 * delay, so a duplicate here means the import broke its promise, not that the harness was slow.
 */
const TIMEOUT_MS = 2000;
const LANE_HOLD_MS = 2300;

export interface ImportWorkspace {
  /** A fake Notion of its own, holding a copy of the one installed workspace. */
  fake: FakeNotion;
  root: string;
  partnersDs: string;
  /** The existing partners after the person's edits: page ID → values. */
  baseline: Map<string, string>;
  /** Who last edited each existing partner (the person, or the install for its example rows). */
  editors: Map<string, string>;
  /** A proxy of its own in front of this workspace's fake, and the env that points the CLI at it. */
  lane(): Promise<NotionLane>;
}

export interface ImportRig {
  csv: string;
  args(workspace: ImportWorkspace): string[];
  /** A workspace of the pool, put back to its state before any import, while `task` runs; then back to the pool. */
  withWorkspace<T>(task: (workspace: ImportWorkspace) => Promise<T>): Promise<T>;
  shape(workspace: ImportWorkspace): ImportShape;
  secrets(): Secret[];
  close(): Promise<void>;
}

function propertyText(page: PageObjectResponse, name: string): string {
  const v = page.properties[name];
  if (!v) return '(none)';
  switch (v.type) {
    case 'title':
      return v.title.map((t) => t.plain_text).join('');
    case 'rich_text':
      return v.rich_text.map((t) => t.plain_text).join('');
    case 'url':
      return v.url ?? '';
    case 'email':
      return v.email ?? '';
    case 'select':
      return v.select?.name ?? '';
    case 'checkbox':
      return String(v.checkbox);
    default:
      return `(${v.type})`;
  }
}

const rowLine = (page: PageObjectResponse) =>
  KEYS.map((k) => `${k}=${propertyText(page, prop(k))}`).join(' | ');

type NotionState = FakeNotion['state'];
const STATE_MAPS = ['pages', 'databases', 'dataSources', 'blocks', 'views', 'users'] as const;
type StateCopy = Pick<NotionState, (typeof STATE_MAPS)[number] | 'shared' | 'blocksCreated'> & {
  ids: Record<string, unknown>;
};

/** Everything a fake Notion holds, copied (ID counters included, so new objects get fresh IDs). */
function copyState(state: NotionState): StateCopy {
  return structuredClone({
    ...Object.fromEntries(STATE_MAPS.map((k) => [k, state[k]])),
    shared: state.shared,
    blocksCreated: state.blocksCreated,
    ids: { ...state.ids },
  }) as StateCopy;
}

/** Puts a copy back into a fake (a fresh fake has the same workspace, bot and person IDs as any other). */
function putState(state: NotionState, copy: StateCopy): void {
  const fresh = structuredClone(copy);
  for (const k of STATE_MAPS) {
    const map = state[k] as Map<string, unknown>;
    map.clear();
    for (const [id, v] of fresh[k] as Map<string, unknown>) map.set(id, v);
  }
  state.shared.clear();
  for (const id of fresh.shared) state.shared.add(id);
  state.blocksCreated = fresh.blocksCreated;
  Object.assign(state.ids, fresh.ids);
}

/**
 * One install (in-process, straight against a fake: the setup, not what is tested), the existing partners
 * entered and edited by a person, then `workspaces` fakes holding a copy of it: a scenario takes one, which
 * is put back to that copy first, so every scenario starts from the same state and they run side by side.
 */
export async function importRig(workspaces: number): Promise<ImportRig> {
  const folders: string[] = [];
  const folder = (prefix: string) => {
    const made = tempDir(prefix);
    folders.push(made);
    return made;
  };
  const dir = folder('pn-rel-import-');
  const csv = join(dir, 'candidates.csv');
  const cell = (c: string) => (c.startsWith('"') || !/[",\n]/.test(c) ? c : `"${c.replace(/"/g, '""')}"`);
  writeFileSync(csv, `${[HEADER, ...CSV_ROWS.map((r) => r.map(cell).join(','))].join('\n')}\n`);

  const source = createFakeNotion();
  await source.listen();
  const root = source.seedRootPage('Partner program');
  let err = '';
  const code = await runProgram(['--json', 'install', '--target', 'notion', '--root', root], {
    stdout: () => undefined,
    stderr: (t) => {
      err += t;
    },
    interactive: false,
    env: {
      NOTION_TOKEN: source.token,
      PARTNERNOMICS_NOTION_URL: source.baseUrl,
      PARTNERNOMICS_NOTION_RATE: '500',
      PARTNERNOMICS_HOME: folder('pn-rel-home-'),
      HOME: folder('pn-rel-user-'),
    },
    cwd: dir,
    readStdin: async () => '',
  });
  if (code !== 0) throw new Error(`the install the import scenarios start from failed: ${err}`);
  const registry = await readRegistry(
    new NotionApi({ token: source.token, baseUrl: source.baseUrl }),
    root,
    ws.hub.title,
  );
  const partnersDs = registry?.entries['db.partners']?.dataSourceId;
  if (!partnersDs) throw new Error('the install has no Partners database');
  const ids = new Map<string, string>();
  for (const e of EXISTING) {
    const properties: Record<string, unknown> = {
      [prop('name')]: { title: [{ text: { content: e.name } }] },
      [prop('stage')]: { select: { name: e.stage } },
    };
    if (e.website) properties[prop('website')] = { url: e.website };
    if (e.type) properties[prop('type')] = { select: { name: e.type } };
    ids.set(e.name, source.seedPage({ parent: { data_source_id: partnersDs }, properties }));
  }
  for (const edit of EDITS) source.editPage(ids.get(edit.name)!, { [prop(edit.key)]: edit.value });
  // Whatever the install put in Partners (its example rows) counts as existing too.
  const baseline = new Map(source.rows(partnersDs).map((p) => [p.id, rowLine(p)]));
  const editors = new Map(source.rows(partnersDs).map((p) => [p.id, p.last_edited_by.id]));
  const start = copyState(source.state);
  await source.close();

  const proxies = new Set<FaultProxy>();
  const fakes: FakeNotion[] = [];
  const free: ImportWorkspace[] = [];
  const waiting: ((w: ImportWorkspace) => void)[] = [];
  for (let i = 0; i < workspaces; i++) {
    const fake = createFakeNotion();
    await fake.listen();
    fakes.push(fake);
    if (fake.state.personId !== source.state.personId) throw new Error('fake IDs are not deterministic');
    free.push({
      fake,
      root,
      partnersDs,
      baseline,
      editors,
      async lane() {
        const proxy = new FaultProxy({
          name: `notion ${i + 1}`,
          upstream: fake.baseUrl,
          flavor: 'notion',
          isWrite: notionIsWrite,
          holdMs: LANE_HOLD_MS,
          retryAfterSeconds: 1,
        });
        await proxy.listen();
        proxies.add(proxy);
        return {
          proxy,
          env: () => ({
            PARTNERNOMICS_HOME: folder('pn-rel-home-'),
            HOME: folder('pn-rel-user-'),
            NOTION_TOKEN: fake.token,
            PARTNERNOMICS_NOTION_URL: proxy.baseUrl,
            PARTNERNOMICS_NOTION_RATE: '500',
            PARTNERNOMICS_NOTION_TIMEOUT_MS: String(TIMEOUT_MS),
          }),
          close: async () => {
            proxies.delete(proxy);
            await proxy.close();
          },
        };
      },
    });
  }

  return {
    csv,
    args: (w) => ['--json', 'import', 'candidates', csv, '--root', w.root],
    async withWorkspace(task) {
      const w = free.shift() ?? (await new Promise<ImportWorkspace>((resolve) => waiting.push(resolve)));
      putState(w.fake.state, start);
      w.fake.clearLog();
      try {
        return await task(w);
      } finally {
        const next = waiting.shift();
        if (next) next(w);
        else free.push(w);
      }
    },
    shape(w) {
      const existing = new Map<string, string>();
      const all = new Map(w.fake.rows(w.partnersDs, { includeTrashed: true }).map((p) => [p.id, p]));
      for (const id of w.baseline.keys()) {
        const page = all.get(id);
        if (!page) existing.set(id, 'deleted');
        else if (page.in_trash) existing.set(id, 'moved to the trash');
        else if (page.last_edited_by.id !== w.editors.get(id))
          existing.set(id, `last edited by the integration: ${rowLine(page)}`);
        else existing.set(id, rowLine(page));
      }
      return { rows: w.fake.rows(w.partnersDs).map(rowLine).sort(), existing };
    },
    secrets: () => [{ name: 'Notion integration token', value: source.token }],
    async close() {
      await Promise.all([...proxies].map((p) => p.close()));
      await Promise.all(fakes.map((f) => f.close()));
      for (const made of folders) rmSync(made, { recursive: true, force: true });
    },
  };
}

/**
 * What is wrong with a clean import, against the desired state stated here (not taken from a run): exit 0,
 * the 21 new partners once each as Sourced, the 9 duplicates by their rules, nothing rejected, and every
 * existing partner (with the person's edits) as it was.
 */
export function desiredStateProblems(
  run: CliRun,
  shape: ImportShape,
  baseline: ReadonlyMap<string, string>,
): string[] {
  if (run.code !== 0) return [`the clean import failed: ${describeRun(run)}`];
  const problems: string[] = [];
  const json = JSON.parse(run.stdout) as {
    imported: number;
    duplicates: { line: number; rule: string }[];
    rejected: unknown[];
  };
  if (json.imported !== NEW_NAMES.length) problems.push(`imported ${json.imported}, not ${NEW_NAMES.length}`);
  const dups = JSON.stringify(json.duplicates.map((d) => [d.line, d.rule]));
  if (dups !== JSON.stringify(DUPLICATES))
    problems.push(`duplicates ${dups}, not ${JSON.stringify(DUPLICATES)}`);
  if (json.rejected.length) problems.push(`rejected ${JSON.stringify(json.rejected)}`);
  const added = [...shape.rows];
  for (const row of baseline.values()) {
    const at = added.indexOf(row);
    if (at === -1) problems.push(`existing partner changed or gone: ${row}`);
    else added.splice(at, 1);
  }
  const names = added.map((r) => r.split(' | ')[0]!.slice('name='.length)).sort();
  if (JSON.stringify(names) !== JSON.stringify([...NEW_NAMES].sort()))
    problems.push(`partners added: ${names.join(', ')}`);
  for (const r of added) if (!r.includes(' | stage=Sourced | ')) problems.push(`not Sourced: ${r}`);
  for (const [id, values] of baseline)
    if (shape.existing.get(id) !== values)
      problems.push(`existing partner ${id} now ${shape.existing.get(id)}`);
  return problems;
}

/** How `shape` differs from the reference (the clean import's end state, or the desired one). */
export function diffImport(
  reference: { rows: readonly string[] },
  baseline: ReadonlyMap<string, string>,
  shape: ImportShape,
): string[] {
  const lines: string[] = [];
  const have = new Map<string, number>();
  for (const r of shape.rows) have.set(r, (have.get(r) ?? 0) + 1);
  const want = new Map<string, number>();
  for (const r of reference.rows) want.set(r, (want.get(r) ?? 0) + 1);
  for (const [r, n] of want) {
    const got = have.get(r) ?? 0;
    if (got < n) lines.push(`MISSING partner ×${n - got}: ${r}`);
    if (got > n) lines.push(`DUPLICATE partner ×${got - n}: ${r}`);
  }
  for (const [r, n] of have) if (!want.has(r)) lines.push(`UNEXPECTED partner ×${n}: ${r}`);
  for (const [id, values] of baseline) {
    const now = shape.existing.get(id);
    if (now !== values) lines.push(`EDIT LOST on existing partner ${id}: was ${values}; now ${now}`);
  }
  return lines;
}

/** Counts for the tally: partners found more than once (by name), and existing partners not as left. */
export function importCounts(
  baseline: ReadonlyMap<string, string>,
  shape: ImportShape,
): { duplicates: number; lostEdits: number } {
  const names = new Map<string, number>();
  for (const r of shape.rows) {
    const key = `${r.split(' | ')[0]} ${r.split(' | ')[1]}`;
    names.set(key, (names.get(key) ?? 0) + 1);
  }
  let duplicates = 0;
  for (const n of names.values()) duplicates += n - 1;
  let lostEdits = 0;
  for (const [id, values] of baseline) if (shape.existing.get(id) !== values) lostEdits += 1;
  return { duplicates, lostEdits };
}

/** The built CLI importing the file into `workspace` through `lane`, rerun until exit 0. */
export function importSeries(
  rig: ImportRig,
  workspace: ImportWorkspace,
  lane: NotionLane,
  reference: { rows: readonly string[] },
  extra: Partial<SeriesOptions<ImportShape>> & { label: string; maxReruns: number },
): Promise<Series> {
  return runSeries<ImportShape>({
    args: rig.args(workspace),
    env: () => lane.env(),
    proxy: lane.proxy,
    shape: () => rig.shape(workspace),
    diff: (shape) => diffImport(reference, workspace.baseline, shape),
    ...extra,
  });
}

// ---------------------------------------------------------------- in-process runs

/**
 * One run of the CLI's own code in this process (what `dist/` is built from), its output kept for the
 * secrets scan like a child's: the cheap way to run many seeds on two cores (no Node start per run).
 */
export async function runInProcess(
  args: string[],
  env: Record<string, string>,
  label: string,
): Promise<CliRun> {
  const started = Date.now();
  let stdout = '';
  let stderr = '';
  const cwd = tempDir('pn-rel-cwd-');
  let code: number | null;
  try {
    code = await runProgram(args, {
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
      interactive: false,
      env: { CI: '1', NO_COLOR: '1', ...env },
      cwd,
      readStdin: async () => '',
    });
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
  outputs.push({ label, stream: 'stdout', text: stdout }, { label, stream: 'stderr', text: stderr });
  return { label, args, code, signal: null, stdout, stderr, ms: Date.now() - started };
}

/**
 * `runSeries` with the runs in-process (no kills): the first run under the lane's faults, then reruns
 * until one exits 0; a run that exits 0 must leave nothing missing; a create held past the last run's
 * requests that landed after it gets one more run; the end state must be the reference.
 */
export async function inProcessSeries(
  rig: ImportRig,
  workspace: ImportWorkspace,
  lane: NotionLane,
  reference: { rows: readonly string[] },
  options: { label: string; maxReruns: number; beforeRerun?: (n: number) => void },
): Promise<Series> {
  const runs: CliRun[] = [];
  const problems: string[] = [];
  const diff = () => diffImport(reference, workspace.baseline, rig.shape(workspace));
  let lastFrom = 0;
  const once = async (n: number) => {
    const from = lane.proxy.log.length;
    lastFrom = from;
    const run = await runInProcess(rig.args(workspace), lane.env(), `${options.label} run ${n} (in-process)`);
    const atExit = run.code === 0 ? missingLines(diff()) : [];
    const mine = lane.proxy.log.slice(from);
    const firstWrite = mine.findIndex((e) => e.writeIndex !== undefined);
    const kinds = new Map<string, number>();
    for (const e of mine) kinds.set(endpoint(e), (kinds.get(endpoint(e)) ?? 0) + 1);
    run.traffic = {
      top: [...kinds]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([k, c]) => `${k} ×${c}`)
        .join(', '),
      requests: mine.length,
      writes: mine.filter((e) => e.writeIndex !== undefined).length,
      beforeFirstWrite: firstWrite === -1 ? mine.length : firstWrite,
    };
    runs.push(run);
    if (atExit.length) problems.push(`run ${n} exited 0 with an INCOMPLETE import: ${atExit.join('; ')}`);
    for (const problem of outputProblems(run)) problems.push(`run ${n} (exit ${run.code}) ${problem}`);
    return run;
  };
  let last = await once(1);
  for (let n = 1; n <= options.maxReruns && last.code !== 0; n++) {
    options.beforeRerun?.(n);
    last = await once(n + 1);
  }
  if (last.code === 0) {
    await lane.proxy.settle();
    const mine = lane.proxy.log.slice(lastFrom);
    const late = mine.filter(
      (e) =>
        e.fault === 'hold-before' &&
        e.appliedAt !== undefined &&
        mine.every((other) => other === e || other.at < e.appliedAt!),
    );
    if (late.length) {
      last = await once(runs.length + 1);
      runs.at(-1)!.label +=
        ` (a later run: ${late.map((e) => `${endpoint(e)} #${e.position}`).join(', ')} landed after the run before sent its last request)`;
    }
  }
  if (last.code !== 0)
    problems.push(`no run exited 0 after ${options.maxReruns} reruns; the last: ${describeRun(last)}`);
  const end = diff();
  if (end.length) problems.push(`end state differs from the clean import:\n    ${end.join('\n    ')}`);
  return { runs, problems, diff: end, notes: [] };
}
