// Both fakes with an installed workspace and N Monthly Metrics pages, and a sync's calls counted from their logs (budget test and `npm run bench`).
import type { sheets_v4 } from '@googleapis/sheets';
import { compile } from '../../src/blueprint/compile.js';
import type { DesiredWorkspace } from '../../src/blueprint/desired.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { Throttle } from '../../src/platform/throttle.js';
import { readRegistry } from '../../src/sync/notion-side.js';
import { readSheetsSide, type SheetsSideRead, sheetsTablesOf } from '../../src/sync/sheets-side.js';
import { NotionApi } from '../../src/targets/notion/api.js';
import type { Registry } from '../../src/targets/notion/registry.js';
import { GoogleApi } from '../../src/targets/sheets/google-api.js';
import { cliEnvFor, loginGoogle } from '../fakes/cli-env.js';
import { createFakeGoogle, type FakeGoogle } from '../fakes/google/index.js';
import type { CallRecord } from '../fakes/harness.js';
import { createFakeNotion, FakeClock, type FakeNotion } from '../fakes/notion/index.js';
import { cli } from '../helpers.js';

/** The synced table the benchmark grows (the Metrics tab holds 1,000 data rows as installed). */
export const METRICS = 'metrics';
const METRICS_DB = 'db.metrics';

/**
 * The request-size limit the fake Google enforces here: Google's front end refuses bodies over 10,485,760
 * bytes (its observed message, not documented). The fake's default, 2,000,000, is stricter than the
 * reference, which states no hard limit; the sync's batches stay under SYNC_MAX_BATCH_BYTES.
 */
export const GOOGLE_MAX_REQUEST_BYTES = 10_485_760;

export interface BudgetWorld {
  notion: FakeNotion;
  google: FakeGoogle;
  /** Notion's clock: seeded pages are spread over minutes, as pages typed over days would be. */
  clock: FakeClock;
  notionApi: NotionApi;
  googleApi: GoogleApi;
  ws: DesiredWorkspace;
  registry: Registry;
  spreadsheetId: string;
  /** The data source of a database key (`db.metrics`). */
  dataSourceOf(db: string): string;
  read(): Promise<SheetsSideRead>;
  close(): Promise<void>;
}

/** Both fakes listening, `login google` and `install --target all` done through the CLI, as a person does. */
export async function createBudgetWorld(): Promise<BudgetWorld> {
  const clock = new FakeClock('2026-06-01T09:00:00.000Z');
  const notion = createFakeNotion({ clock });
  const google = createFakeGoogle({ maxRequestBytes: GOOGLE_MAX_REQUEST_BYTES });
  await Promise.all([notion.listen(), google.listen()]);
  const env = cliEnvFor(notion, google, { PARTNERNOMICS_GOOGLE_RETRY_BASE_MS: '1' });
  const login = await loginGoogle(google, env);
  if (login.code !== 0) throw new Error(`login google failed: ${login.stderr}`);
  const root = notion.seedRootPage('Program');
  const installed = await cli(['--json', 'install', '--target', 'all', '--root', root], { env });
  if (installed.code !== 0) throw new Error(`install failed: ${installed.stderr}`);
  const spreadsheetId: string = JSON.parse(installed.stdout).sheets.spreadsheetId;
  const ws = compile(loadBlueprint(), parseConfig({}, 'test', '2027-01-04'));
  const notionApi = new NotionApi({
    token: notion.token,
    baseUrl: notion.baseUrl,
    throttle: new Throttle(100_000, 100_000),
  });
  const tokens = google.issueToken(['drive.file']);
  const googleApi = new GoogleApi({
    auth: google.oauthClient({ refreshToken: tokens.refreshToken }),
    rootUrl: google.rootUrl,
  });
  const registry = await readRegistry(notionApi, root, ws.hub.title);
  if (!registry) throw new Error('no registry after install');
  const dataSourceOf = (db: string) => {
    const id = registry.entries[db]?.dataSourceId;
    if (!id) throw new Error(`no data source for ${db}`);
    return id;
  };
  return {
    notion,
    google,
    clock,
    notionApi,
    googleApi,
    ws,
    registry,
    spreadsheetId,
    dataSourceOf,
    read: () => readSheetsSide(googleApi, spreadsheetId, sheetsTablesOf(ws)),
    close: async () => {
      await Promise.all([notion.close(), google.close()]);
    },
  };
}

/** The Notion name of a database's property, by its blueprint key. */
function propertyName(ws: DesiredWorkspace, db: string, key: string): string {
  const found = ws.databases.find((d) => d.key === db)?.properties.find((p) => p.key === key);
  if (!found) throw new Error(`${db} has no property "${key}"`);
  return found.name;
}

/**
 * Seeds Monthly Metrics pages straight into the fake's state (no HTTP) until it holds `total`, ten a
 * minute, each with a partner, a month and numbers; then an hour passes. Returns how many were added.
 */
export function seedMetrics(world: BudgetWorld, total: number): number {
  const { notion, ws, clock } = world;
  const ds = world.dataSourceOf(METRICS_DB);
  const partners = notion.rows(world.dataSourceOf('db.partners')).map((p) => p.id);
  const name = (key: string) => propertyName(ws, METRICS_DB, key);
  const start = notion.rows(ds).length;
  for (let i = start; i < total; i++) {
    if (i % 10 === 0) clock.advance(60_000);
    const partner = partners[i % Math.max(partners.length, 1)];
    notion.seedPage({
      parent: { data_source_id: ds },
      properties: {
        [name('name')]: { title: [{ text: { content: `Entry ${i}` } }] },
        ...(partner ? { [name('partner')]: { relation: [{ id: partner }] } } : {}),
        [name('month')]: { date: { start: `2026-${String((i % 12) + 1).padStart(2, '0')}-01` } },
        [name('leads')]: { number: i % 50 },
        [name('pipeline')]: { number: (i % 17) * 5000 },
        [name('deals_won')]: { number: i % 7 },
        [name('revenue')]: { number: (i % 13) * 1000 },
        [name('training')]: { number: (i % 10) / 10 },
        [name('cost')]: { number: (i % 5) * 250 },
      },
    });
  }
  clock.advance(3_600_000);
  return Math.max(0, total - start);
}

/** A person edits the Leads of `k` Monthly Metrics pages, spread over the table, five minutes later. */
export function editMetrics(world: BudgetWorld, k: number): string[] {
  const pages = world.notion.rows(world.dataSourceOf(METRICS_DB));
  const step = Math.max(1, Math.floor(pages.length / k));
  const leads = propertyName(world.ws, METRICS_DB, 'leads');
  world.clock.advance(5 * 60_000);
  const edited = pages.filter((_, i) => i % step === 0).slice(0, k);
  edited.forEach((page, i) => {
    world.notion.editPage(page.id, { [leads]: { number: 100_000 + i } });
  });
  return edited.map((p) => p.id);
}

/** Calls of one run, by side and kind, from the fakes' logs. */
export interface RunCalls {
  notion: {
    /** `dataSources.query` calls per database key (or data source ID when not in the registry). */
    queries: Record<string, number>;
    /** Other reads: data source schemas, the registry page, titles of related pages. */
    reads: number;
    /** Page updates and anything else that is not a read. */
    writes: number;
  };
  sheets: {
    /** spreadsheets.get: the sync's one read. */
    gets: number;
    /** spreadsheets.batchUpdate. */
    batches: number;
    /** values.get of the Start tab's hub link (only while no hub is stored: the first sync). */
    hubLookups: number;
    /** Any other Sheets call (none expected). */
    other: number;
    /** Bytes of each batchUpdate body. */
    batchBytes: number[];
  };
  /** Drive files.list (finding the workbook). */
  drive: number;
}

const normalize = (id: string) => id.replace(/-/g, '');

/** Classifies logged calls (OAuth token calls are not API calls of the sync). */
export function classify(world: BudgetWorld, notion: CallRecord[], google: CallRecord[]): RunCalls {
  const byDataSource = new Map(
    Object.entries(world.registry.entries).flatMap(([key, e]) =>
      e.dataSourceId ? [[normalize(e.dataSourceId), key] as const] : [],
    ),
  );
  const queries: Record<string, number> = {};
  let reads = 0;
  let writes = 0;
  for (const call of notion) {
    const query = /^\/v1\/data_sources\/([^/]+)\/query$/.exec(call.path);
    if (call.method === 'POST' && query) {
      const key = byDataSource.get(normalize(query[1]!)) ?? query[1]!;
      queries[key] = (queries[key] ?? 0) + 1;
    } else if (call.method === 'GET') reads += 1;
    else writes += 1;
  }
  const sheets: RunCalls['sheets'] = { gets: 0, batches: 0, hubLookups: 0, other: 0, batchBytes: [] };
  let drive = 0;
  for (const call of google) {
    if (call.path.startsWith('/drive/')) drive += 1;
    if (!call.path.startsWith('/v4/spreadsheets')) continue;
    if (call.method === 'GET' && /^\/v4\/spreadsheets\/[^/:]+$/.test(call.path)) sheets.gets += 1;
    else if (call.method === 'POST' && /:batchUpdate$/.test(call.path)) {
      sheets.batches += 1;
      sheets.batchBytes.push(call.requestBytes);
    } else if (call.method === 'GET' && /\/values\//.test(call.path)) sheets.hubLookups += 1;
    else sheets.other += 1;
  }
  return { notion: { queries, reads, writes }, sheets, drive };
}

/** Runs `run` with both logs cleared (and Google's request bodies kept), and returns its calls. */
export async function counted<T>(
  world: BudgetWorld,
  run: () => Promise<T>,
): Promise<{ result: T; calls: RunCalls; google: CallRecord[] }> {
  world.notion.clearLog();
  world.google.clearLog();
  world.google.server.recordBodies = true;
  try {
    const result = await run();
    const google = [...world.google.calls];
    return { result, calls: classify(world, [...world.notion.calls], google), google };
  } finally {
    world.google.server.recordBodies = false;
  }
}

/** Cells a run's batchUpdate bodies write on one tab (updateCells values), e.g. the Metrics tab. */
export function cellsWritten(google: readonly CallRecord[], sheetId: number): number {
  let cells = 0;
  for (const call of google) {
    if (call.method !== 'POST' || !/:batchUpdate$/.test(call.path)) continue;
    const body = call.body as sheets_v4.Schema$BatchUpdateSpreadsheetRequest | undefined;
    for (const request of body?.requests ?? []) {
      const u = request.updateCells;
      const target = u?.range?.sheetId ?? u?.start?.sheetId;
      if (u && target === sheetId)
        for (const row of u.rows ?? []) cells += (row.values ?? []).filter((v) => v.userEnteredValue).length;
    }
  }
  return cells;
}

/** Whether each batchUpdate asked for the workbook back (includeSpreadsheetInResponse + its field mask). */
export function readBacks(google: readonly CallRecord[]): boolean[] {
  return google
    .filter((c) => c.method === 'POST' && /:batchUpdate$/.test(c.path))
    .map((c) => {
      const body = c.body as sheets_v4.Schema$BatchUpdateSpreadsheetRequest | undefined;
      return body?.includeSpreadsheetInResponse === true && /updatedSpreadsheet/.test(c.query ?? '');
    });
}

/** Live pages per database key of the registry's synced data sources (what a full pass must read). */
export function livePages(world: BudgetWorld): Record<string, number> {
  const out: Record<string, number> = {};
  for (const mapping of world.ws.sync)
    out[mapping.notion] = world.notion.rows(world.dataSourceOf(mapping.notion)).length;
  return out;
}

/** ⌈n/100⌉, and at least one query: an empty data source takes one to know it is empty. */
export const queriesFor = (n: number) => Math.max(1, Math.ceil(n / 100));

/** The budget's verdicts of one run: each broken rule as a line (none: within budget). */
export interface Verdict {
  queryBudget: Record<string, number>;
  sheetsBudget: number;
  failures: string[];
}

/**
 * Full sync of every data source: ⌈n/100⌉ queries per data source, at most 3 Sheets calls (one read, one
 * batch, one more batch for computed values written back to Notion); the one-time hub lookup apart.
 */
export function fullVerdict(calls: RunCalls, pages: Record<string, number>): Verdict {
  const queryBudget = Object.fromEntries(Object.entries(pages).map(([k, n]) => [k, queriesFor(n)]));
  const failures = queryFailures(calls, queryBudget);
  const sheets = calls.sheets.gets + calls.sheets.batches;
  if (sheets > 3) failures.push(`full sync: ${sheets} Sheets calls (budget 3)`);
  if (calls.sheets.gets !== 1) failures.push(`full sync: ${calls.sheets.gets} spreadsheets.get (one read)`);
  if (calls.sheets.hubLookups > 1)
    failures.push(`full sync: ${calls.sheets.hubLookups} hub lookups (at most one)`);
  if (calls.sheets.other) failures.push(`full sync: ${calls.sheets.other} other Sheets calls`);
  return { queryBudget, sheetsBudget: 3, failures };
}

/**
 * Incremental sync of `changed` pages per database key: ⌈k/100⌉ queries per changed data source, one poll
 * of each other one; one read and one batch on the Sheets side, no Notion write for Notion-owned edits.
 */
export function incrementalVerdict(
  calls: RunCalls,
  changed: Record<string, number>,
  polled: string[],
): Verdict {
  const queryBudget = Object.fromEntries(polled.map((k) => [k, queriesFor(changed[k] ?? 0)]));
  const failures = queryFailures(calls, queryBudget);
  const sheets = calls.sheets.gets + calls.sheets.batches + calls.sheets.hubLookups + calls.sheets.other;
  if (sheets > 3) failures.push(`incremental sync: ${sheets} Sheets calls (budget 3)`);
  if (calls.sheets.batches > 1) failures.push(`incremental sync: ${calls.sheets.batches} batches (one)`);
  return { queryBudget, sheetsBudget: 3, failures };
}

/** No-op sync: one poll per data source, one read, nothing written on either side. */
export function noopVerdict(calls: RunCalls, polled: string[]): Verdict {
  const queryBudget = Object.fromEntries(polled.map((k) => [k, 1]));
  const failures = queryFailures(calls, queryBudget);
  if (calls.notion.writes) failures.push(`no-op sync: ${calls.notion.writes} Notion writes`);
  if (calls.sheets.batches + calls.sheets.other)
    failures.push(`no-op sync: ${calls.sheets.batches + calls.sheets.other} Sheets writes`);
  return { queryBudget, sheetsBudget: 1, failures };
}

function queryFailures(calls: RunCalls, budget: Record<string, number>): string[] {
  const failures: string[] = [];
  for (const [key, n] of Object.entries(calls.notion.queries)) {
    const allowed = budget[key] ?? 0;
    if (n > allowed) failures.push(`${key}: ${n} queries (budget ${allowed})`);
  }
  return failures;
}
