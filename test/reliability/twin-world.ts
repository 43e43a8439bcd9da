// The Apps Script sync twin (Code.js in the vm harness) on an installed, edited workspace, for its reliability tests: faults, cut-off runs, the oracle.
import { syncValueOf } from '../../src/sync/notion-side.js';
import { FULL_PASS_MAX_AGE_MS } from '../../src/sync/run-state.js';
import { parseSheetsSide } from '../../src/sync/sheets-side.js';
import { type CallResult, GasHost, thrown } from '../apps-script-sync/gas-host.js';
import type { KillAt } from '../apps-script-sync/gas-protocol.js';
import { closeWorld, type Installed, installWorld, MINUTE, startTime } from '../apps-script-sync/worlds.js';
import type { WireAnswer, WireRequest } from '../fakes/spreadsheet-app.js';
import { prng } from '../helpers.js';
import { type Before, before, convergenceProblems } from '../sync/convergence-check.js';
import { EditDriver, type EditKind, type Ledger } from '../sync/convergence-edits.js';
import { restore, type Snapshot, type SyncWorld, snapshot, syncLog } from '../sync/convergence-world.js';
import { diffShape, type SyncShape } from './sync-world.js';

/** The trigger's interval: each rerun is the next time the trigger fires. */
export const INTERVAL_MS = 10 * MINUTE;
/** The Sync Log's object for the automatic sync's own failure rows (health.ts HEALTH_LABEL). */
const HEALTH_OBJECT = 'Automatic sync';

/** What the twin's runs return (ScriptRunResult, the fields read here). */
export interface TwinRun {
  status: string;
  message: string;
  rowsChanged: number;
  fetches: number;
}

export interface TwinRig {
  w: Installed;
  host: GasHost;
  world: SyncWorld;
  ledger: Ledger;
  was: Before;
  start: Snapshot;
  /** The document properties at the start (stats, last run, health): put back with the workbook and pages. */
  startDoc: Record<string, string>;
  /** The time every scenario's first run starts at. */
  t0: number;
  close(): Promise<void>;
}

/**
 * Edits that give a sync many writes on both sides (as the CLI's sync reliability tests make): on each table
 * the workbook computes fields of, new pages, hand-typed computed values and owner edits (each a Notion
 * write-back); a non-owner edit in every tab; a trashed page, a sort, a moved column, a renamed tab and a
 * row typed without a Notion ID.
 */
function scripted(world: SyncWorld): [EditKind, string][] {
  const computed = world.tables.filter((t) => t.spec.fields.some((f) => f.owner === 'sheets'));
  const all = world.tables.map((t) => t.spec.key);
  const first = computed[0]?.spec.key ?? all[0]!;
  // The trashed page is on the table with the most pages: one of few would trip the trigger's mass-archive guard.
  const most = [...world.tables].sort(
    (a, b) =>
      world.notion.rows(b.notion.dataSourceId).length - world.notion.rows(a.notion.dataSourceId).length,
  )[0]!.spec.key;
  return [
    ...computed.flatMap((t): [EditKind, string][] => [
      ['create', t.spec.key],
      ['create', t.spec.key],
      ['nonOwnerEditInNotion', t.spec.key],
      ['nonOwnerEditInNotion', t.spec.key],
      ['nonOwnerEditInNotion', t.spec.key],
      ['ownerEditInNotion', t.spec.key],
      ['ownerEditInNotion', t.spec.key],
    ]),
    ...all.map((key): [EditKind, string] => ['nonOwnerEditInSheets', key]),
    ['trash', most],
    ['sort', first],
    ['moveColumn', all.at(-1)!],
    ['renameTab', all[1] ?? first],
    ['typeOrphan', first],
  ];
}

/**
 * Installs (the CLI), connects Notion in the script, syncs once with Code.js, then edits both sides (the
 * script above and `edits` seeded random edits): where every scenario starts.
 */
export async function twinRig(seed: number, edits: number): Promise<TwinRig> {
  const w = await installWorld('twin', startTime());
  const host = await GasHost.start('', w.pushed);
  await host.addWorld(w.gas);
  const connected = await host.call({
    world: 'twin',
    fn: 'connectNotion',
    now: w.clock.now(),
    answers: [{ button: 'OK', text: w.notion.token }],
  });
  if (!/^Connected to Notion/.test(connected.alerts.at(-1) ?? ''))
    throw new Error(`connectNotion: ${connected.alerts.join(' | ')}`);
  w.clock.advance(MINUTE);
  const syncedAt = w.clock.now();
  const first = await host.call<TwinRun>({ world: 'twin', fn: 'runScheduledSync', now: syncedAt });
  if (first.result.status !== 'done') throw new Error(`the first sync: ${first.result.message}`);
  const world = w.world;
  const was = before(world);
  const driver = new EditDriver(world, prng(seed), (ms) => w.clock.advance(ms), `t${seed}`);
  driver.synced();
  for (const [kind, table] of scripted(world)) await driver.edit(kind, table);
  for (let i = 0; i < edits; i++) {
    await driver.step();
    driver.advance();
  }
  driver.syncing();
  // The trigger's runs make a full pass (the only one that finds trashed pages) when the last is 6 hours
  // old: the scenarios start then, so every run of a series is a full pass until one stores its state.
  w.clock.advance(Math.max(MINUTE, syncedAt + FULL_PASS_MAX_AGE_MS + MINUTE - w.clock.now()));
  return {
    w,
    host,
    world,
    ledger: driver.ledger,
    was,
    start: snapshot(world),
    startDoc: first.document,
    t0: w.clock.now(),
    async close() {
      await host.close();
      await closeWorld(w);
    },
  };
}

/** Puts the rig back where every scenario starts: pages, workbook, document properties, clocks; no faults. */
export async function resetTwin(rig: TwinRig): Promise<void> {
  restore(rig.world, rig.start);
  rig.w.clock.advance(rig.t0 - rig.w.clock.now());
  rig.host.intercept = null;
  rig.host.wire.length = 0;
  rig.host.statuses.length = 0;
  await rig.host.setProperties('twin', 'document', rig.startDoc, true);
}

/** One execution of `fn` at `at` (both the script's clock and Notion's), optionally stopped at a request. */
export async function runTwin(
  rig: TwinRig,
  at: number,
  options: { fn?: string; internal?: boolean; args?: unknown[]; killAt?: KillAt } = {},
): Promise<CallResult<TwinRun | null>> {
  rig.w.clock.advance(at - rig.w.clock.now());
  return rig.host.call<TwinRun | null>({
    world: 'twin',
    fn: options.fn ?? 'runScheduledSync',
    now: at,
    ...(options.internal ? { internal: true } : {}),
    ...(options.args ? { args: options.args } : {}),
    ...(options.killAt ? { killAt: options.killAt } : {}),
  });
}

const text = (v: unknown) => JSON.stringify(v);

function titleOf(world: SyncWorld, pageId: string): string {
  const title = Object.values(world.notion.page(pageId).properties).find((p) => p.type === 'title');
  return title?.type === 'title' ? title.title.map((t) => t.plain_text).join('') : pageId;
}

/**
 * The synced state, comparable with the CLI suite's diffShape: each tab's rows, each page's synced values,
 * the Sync Log without times and without the automatic sync's own failure rows (counted in `health`: a
 * faulted series logs why a run failed, a fault-free run has nothing to say).
 */
export function twinShape(rig: TwinRig): SyncShape & { health: number } {
  const { world } = rig;
  const read = parseSheetsSide(
    world.spreadsheetId,
    world.google.state.snapshot(world.spreadsheetId),
    world.tables.map((t) => t.spec),
  );
  const rows = world.tables.flatMap((t) =>
    (read.tables.get(t.spec.key) ?? []).map(
      (r) => `${t.spec.key} ${r.pageId ?? '(no ID)'}${r.archived ? ' archived' : ''} ${text(r.values)}`,
    ),
  );
  const pages = world.tables.flatMap((t) =>
    world.notion.rows(t.notion.dataSourceId, { includeTrashed: true }).map((p) => {
      const values = t.notion.columns.map((c) => {
        const v = Object.values(p.properties).find((x) => x.id === c.id);
        const related = v?.type === 'relation' ? v.relation.map((r) => titleOf(world, r.id)) : [];
        return [c.field.key, v ? syncValueOf(v, related) : null];
      });
      return `${t.spec.key} ${p.id}${p.in_trash ? ' trashed' : ''} ${text(values)}`;
    }),
  );
  const all = syncLog(world);
  const log = all
    .filter((e) => e.object !== HEALTH_OBJECT)
    .map(({ time: _time, reason, ...rest }) =>
      text({ ...rest, reason: (reason ?? '').replace(/ by [^;]+;/, ';') }),
    );
  return {
    rows: rows.sort(),
    pages: pages.sort(),
    log: log.sort(),
    health: all.length - log.length,
  };
}

/** Conflicts in the Sync Log since the start (rows naming a record and a field). */
export function conflictsLogged(rig: TwinRig): number {
  return syncLog(rig.world)
    .slice(rig.was.logRows)
    .filter((e) => e.field !== '' && e.record_id !== '').length;
}

/** Writes among requests: Notion page updates and creates, Sheets batchUpdates. */
export function isWrite(r: WireRequest, rig: TwinRig): boolean {
  if (r.url.startsWith(rig.w.gas.notionBase))
    return r.method !== 'GET' && !/\/(query|search)(\?|$)/.test(r.url) && !/\/users\/me/.test(r.url);
  return r.method === 'POST' && r.url.includes(':batchUpdate');
}

/**
 * What is wrong with the end state: its differences from the fault-free run's (`reference`: every row, every
 * page's synced values, every Sync Log line), and one more run of the engine in Code.js (at `at`) that must
 * write nothing. With `oracle` (the reference's own check), or when the state differs (to say what is
 * wrong), the owner-wins oracle of the property tests too: every edit kept or logged once, no page or row
 * twice. A state equal to a reference the oracle passed passes it as well (it reads the same rows and values).
 */
export async function twinProblems(
  rig: TwinRig,
  reference: SyncShape,
  at: number,
  oracle = false,
): Promise<string[]> {
  const problems = diffShape(reference, twinShape(rig));
  if (oracle || problems.length)
    problems.push(...(await convergenceProblems(rig.world, rig.ledger, rig.was)));
  const from = rig.host.wire.length;
  const next = await runTwin(rig, at, { fn: 'syncOnce', internal: true });
  if (next.result?.status !== 'done')
    problems.push(`the check run: ${next.result?.status}: ${next.result?.message}`);
  const writes = rig.host.wire.slice(from).filter((r) => isWrite(r, rig));
  if (writes.length)
    problems.push(`the next run still wrote: ${writes.map((r) => `${r.method} ${r.url}`).join(', ')}`);
  return problems;
}

/** Problem lines that are a duplicate (a page on two rows, a row or log line twice) or a lost edit. */
export function countProblems(problems: string[]): { duplicates: number; lostEdits: number } {
  return {
    duplicates: problems.filter((p) => /DUPLICATE|is on \d+ rows|is there \d+ times|logged \d+ times/.test(p))
      .length,
    lostEdits: problems.filter((p) =>
      /not in the Sync Log|is gone|has no row|MISSING|Notion .*, Sheets .*owns it/.test(p),
    ).length,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Faults: what the script meets from UrlFetchApp (Notion) and the Sheets advanced service.

/** UrlFetchApp's faults: "before" ones never reach Notion; the rest land, and only the answer is lost or spoiled. */
export const NOTION_FAULTS = [
  'rate-limit',
  'server-error',
  'html-502',
  'throw-before',
  'malformed',
  'empty',
  'throw-after',
] as const;
/** The Sheets service's exceptions: with an HTTP code (429, 503) or without; before the call lands or after. */
export const SHEETS_FAULTS = [
  'sheets-429',
  'sheets-503',
  'sheets-throw-before',
  'sheets-throw-after',
] as const;
export type TwinFault = (typeof NOTION_FAULTS)[number] | (typeof SHEETS_FAULTS)[number];

export interface TwinLogEntry {
  api: 'notion' | 'sheets';
  method: string;
  url: string;
  /** Which run of the series sent it (1-based). */
  run: number;
  fault?: TwinFault;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): WireAnswer => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

const NOTION_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n';

/** The answer (or exception) a fault gives, `forward` sending the request to its fake for the "after" kinds. */
async function faulted(
  kind: TwinFault,
  request: WireRequest,
  forward: () => Promise<WireAnswer>,
  n: number,
): Promise<WireAnswer> {
  switch (kind) {
    case 'rate-limit':
      return json(
        429,
        { object: 'error', status: 429, code: 'rate_limited', message: 'You have been rate limited.' },
        { 'retry-after': '1' },
      );
    case 'server-error':
      return n % 2
        ? json(500, {
            object: 'error',
            status: 500,
            code: 'internal_server_error',
            message: 'Unexpected error.',
          })
        : json(503, {
            object: 'error',
            status: 503,
            code: 'service_unavailable',
            message: 'Notion is unavailable.',
          });
    case 'html-502':
      return { status: 502, headers: { 'content-type': 'text/html' }, body: NOTION_502 };
    case 'throw-before':
      return thrown(`Exception: Address unavailable: ${request.url}`);
    case 'malformed': {
      const got = await forward();
      return { ...got, body: got.body.slice(0, Math.floor(got.body.length / 2)) };
    }
    case 'empty': {
      const got = await forward();
      return { status: 200, headers: got.headers, body: '' };
    }
    case 'throw-after':
      await forward();
      return thrown(`Exception: Timeout: ${request.url}`);
    case 'sheets-429':
      return json(429, {
        error: {
          code: 429,
          message:
            "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user' of service 'sheets.googleapis.com'.",
          status: 'RESOURCE_EXHAUSTED',
        },
      });
    case 'sheets-503':
      return json(503, {
        error: { code: 503, message: 'The service is currently unavailable.', status: 'UNAVAILABLE' },
      });
    case 'sheets-throw-before':
      return thrown("We're sorry, a server error occurred. Please wait a bit and try again.");
    case 'sheets-throw-after':
      await forward();
      return thrown('Exception: Service Spreadsheets timed out while accessing document.');
  }
}

/**
 * A seeded fault plan for the host: while `on`, each Notion request and each Sheets call draws a fault at
 * `rate` (two seeded draws, one per API), and one seeded request early in the series gets one regardless;
 * the n-th fault of an API is its kinds' (start + n)-th in turn, so a few seeds cover every kind. Every
 * request goes to `log`, with the run the series is at.
 */
export class TwinFaults {
  readonly log: TwinLogEntry[] = [];
  on = true;
  run = 1;
  private readonly draw: Record<'notion' | 'sheets', () => number>;
  private readonly made = { notion: 0, sheets: 0 };
  private readonly start: number;

  /** The request (1-based, in the series) that gets a fault whatever its draw: every series has one. */
  readonly forced: number;

  constructor(
    readonly seed: number,
    readonly rate: number,
    private readonly notionBase: string,
    /** Requests of a fault-free run: the forced fault falls in its first 85%. */
    cleanRequests: number,
  ) {
    this.draw = { notion: prng(seed * 7919 + 1), sheets: prng(seed * 7919 + 2) };
    this.start = seed;
    this.forced = 1 + Math.floor(prng(seed * 7919 + 3)() * Math.max(1, Math.floor(cleanRequests * 0.85)));
  }

  readonly intercept = async (
    request: WireRequest,
    forward: () => Promise<WireAnswer>,
  ): Promise<WireAnswer> => {
    const api = request.url.startsWith(this.notionBase) ? 'notion' : 'sheets';
    const entry: TwinLogEntry = { api, method: request.method, url: request.url, run: this.run };
    this.log.push(entry);
    // Both draws advance on every request, faults on or off: a seed's faults fall where they fall.
    const hit = this.draw[api]() < this.rate || this.log.length === this.forced;
    if (!this.on || !hit) return forward();
    const kinds: readonly TwinFault[] = api === 'notion' ? NOTION_FAULTS : SHEETS_FAULTS;
    const kind = kinds[(this.start + this.made[api]) % kinds.length]!;
    this.made[api] += 1;
    entry.fault = kind;
    return faulted(kind, request, forward, this.made[api]);
  };

  /** Requests and faults of the runs the faults were on in. */
  density(): { requests: number; faults: number } {
    const faultedRuns = this.log.filter((e) => e.run <= this.lastFaultedRun);
    return { requests: faultedRuns.length, faults: faultedRuns.filter((e) => e.fault).length };
  }

  lastFaultedRun = 0;

  /** "#12 notion PATCH /v1/pages/…: empty" for each fault, for a failure's report. */
  describe(): string {
    return (
      this.log
        .map((e, i) =>
          e.fault
            ? `#${i + 1} (run ${e.run}) ${e.method} ${e.url.replace(/^https?:\/\/[^/]+/, '')}: ${e.fault}`
            : '',
        )
        .filter(Boolean)
        .join('\n  ') || 'none'
    );
  }
}
