import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { readRegistry } from '../../src/sync/notion-side.js';
import { readSheetsSide, type SheetsSideRead, sheetsTablesOf } from '../../src/sync/sheets-side.js';
import { NotionApi } from '../../src/targets/notion/api.js';
import type { Registry } from '../../src/targets/notion/registry.js';
import { GoogleApi } from '../../src/targets/sheets/google-api.js';
import { cliEnvFor, loginGoogle } from '../fakes/cli-env.js';
import { createFakeGoogle } from '../fakes/google/index.js';
import type { CallRecord } from '../fakes/harness.js';
import { createFakeNotion } from '../fakes/notion/index.js';
import { cli, isLeaseCall } from '../helpers.js';

const notion = createFakeNotion();
const google = createFakeGoogle();
const ws = compile(loadBlueprint(), parseConfig({}, 'test', '2027-01-04'));
const tables = sheetsTablesOf(ws);
let env: NodeJS.ProcessEnv;
let root: string;
let spreadsheetId: string;
let registry: Registry;
let gapi: GoogleApi;

/** Writes to the workbook and Drive, the sync's own lease file apart (see isLeaseCall). */
const googleWrites = (calls: readonly CallRecord[]) =>
  calls.filter((c) => c.method !== 'GET' && !c.path.startsWith('/token') && !isLeaseCall(c));
const notionWrites = (calls: readonly CallRecord[]) =>
  calls.filter((c) => c.method !== 'GET' && !/\/query$/.test(c.path));
const sheetsCalls = (calls: readonly CallRecord[]) =>
  calls.filter((c) => c.path.startsWith('/v4/spreadsheets'));
/** Sheets calls by kind: the sync's reads and batches, and the values.get of the Start tab's hub link. */
const sheetsKinds = (calls: readonly CallRecord[]) => {
  const sheets = sheetsCalls(calls);
  return {
    gets: sheets.filter((c) => c.method === 'GET' && /^\/v4\/spreadsheets\/[^/:]+$/.test(c.path)).length,
    batches: sheets.filter((c) => c.method === 'POST' && /:batchUpdate$/.test(c.path)).length,
    hubLookups: sheets.filter((c) => c.method === 'GET' && /\/values\//.test(c.path)).length,
    all: sheets.length,
  };
};

async function sync(...args: string[]) {
  const run = await cli(['--json', 'sync', ...args], { env });
  return { ...run, json: run.stdout ? JSON.parse(run.stdout) : null };
}

const readBook = (): Promise<SheetsSideRead> => readSheetsSide(gapi, spreadsheetId, tables);
const dsOf = (db: string) => registry.entries[db]!.dataSourceId!;
const titleOf = (pageId: string) => {
  const prop = Object.values(notion.page(pageId).properties).find((p) => p.type === 'title');
  return prop?.type === 'title' ? prop.title.map((t) => t.plain_text).join('') : '';
};
const selectOf = (pageId: string, name: string) => {
  const prop = notion.page(pageId).properties[name];
  return prop?.type === 'select' ? (prop.select?.name ?? null) : undefined;
};
const numberOf = (pageId: string, name: string) => {
  const prop = notion.page(pageId).properties[name];
  return prop?.type === 'number' ? prop.number : undefined;
};

/** A cell of a synced table's row (by page ID), as an A1 range on its tab. */
function cellOf(read: SheetsSideRead, table: string, pageId: string, column: string): string {
  const located = read.layout.tables.get(table)!;
  const row = read.tables.get(table)!.find((r) => r.pageId === pageId)!;
  const col = located.columns.get(column)!;
  return `'${located.title}'!${String.fromCharCode(65 + col)}${row.row}`;
}

async function typeInSheet(range: string, value: string): Promise<void> {
  await gapi.sheets.spreadsheets.values.update({
    spreadsheetId,
    range,
    valueInputOption: 'USER_ENTERED',
    requestBody: { values: [[value]] },
  });
}

beforeAll(async () => {
  await Promise.all([notion.listen(), google.listen()]);
  env = cliEnvFor(notion, google, { PARTNERNOMICS_GOOGLE_RETRY_BASE_MS: '1' });
  const login = await loginGoogle(google, env);
  expect(login.code).toBe(0);
  root = notion.seedRootPage('Program');
  const installed = await cli(['--json', 'install', '--target', 'all', '--root', root], { env });
  expect(installed.code).toBe(0);
  spreadsheetId = JSON.parse(installed.stdout).sheets.spreadsheetId;
  const tokens = google.issueToken(['drive.file']);
  gapi = new GoogleApi({
    auth: google.oauthClient({ refreshToken: tokens.refreshToken }),
    rootUrl: google.rootUrl,
  });
  const napi = new NotionApi({ token: notion.token, baseUrl: notion.baseUrl });
  registry = (await readRegistry(napi, root, ws.hub.title))!;
}, 120_000);
afterAll(() => Promise.all([notion.close(), google.close()]));
/** Call counts of a full, a no-op and an incremental sync (printed for the README's Sync section). */
const measured: Record<string, unknown> = {};
afterAll(() => console.log(`sync calls: ${JSON.stringify(measured)}`));

describe('partnernomics sync', () => {
  it('a dry run before the first sync prints the plan and writes nothing', async () => {
    notion.clearLog();
    google.clearLog();
    const dry = await sync('--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.json.dryRun).toBe(true);
    const partners = dry.json.tables.find((t: { table: string }) => t.table === 'partner_scoring');
    expect(partners.appended).toBeGreaterThan(0);
    expect(googleWrites(google.calls)).toEqual([]);
    expect(notionWrites(notion.calls)).toEqual([]);
    const text = await cli(['sync', '--dry-run'], { env });
    expect(text.stdout).toContain('Plan (dry run, nothing written)');
  });

  it('the first sync fills the workbook from Notion and brings Score/Rank/Recommendation back', async () => {
    notion.clearLog();
    google.clearLog();
    const first = await sync();
    const kinds = sheetsKinds(google.calls);
    measured.full = {
      ...first.json.calls,
      notionWrites: notionWrites(notion.calls).length,
      sheetsCalls: kinds.gets + kinds.batches,
      startTabHubLookup: kinds.hubLookups,
    };
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.json.ok).toBe(true);
    const read = await readBook();
    for (const table of ['partner_scoring', 'metrics', 'icp_analysis']) {
      const db = tables.find((t) => t.key === table)!;
      const mapping = ws.sync.find((m) => m.sheet === table)!;
      const pages = notion.rows(dsOf(mapping.notion));
      expect(pages.length, db.name).toBeGreaterThan(0);
      const ids = new Set(read.tables.get(table)!.flatMap((r) => (r.pageId ? [r.pageId] : [])));
      for (const page of pages) expect(ids.has(page.id), `${db.name} ${page.id}`).toBe(true);
    }
    // The workbook computed a score for each partner; it is now on the Notion page.
    const partners = read.tables.get('partner_scoring')!.filter((r) => r.pageId);
    const scored = partners.filter((r) => typeof r.values.score === 'number');
    expect(scored.length).toBeGreaterThan(0);
    for (const row of scored) {
      expect(numberOf(row.pageId!, 'Score')).toBeCloseTo(row.values.score as number, 6);
      expect(numberOf(row.pageId!, 'Rank')).toBe(row.values.rank);
      expect(selectOf(row.pageId!, 'Recommendation')).toBe(row.values.recommendation);
    }
    expect(notion.count('pages.update')).toBeGreaterThan(0);
    // Full sync within 3 Sheets calls: one read, one batch that answers with the recomputed workbook, and one
    // more batch storing the baseline of the scores written back to Notion (they were: pages.update above).
    expect(kinds.gets).toBe(1);
    expect(kinds.batches).toBe(2);
    expect(kinds.gets + kinds.batches).toBeLessThanOrEqual(3);
    // Apart from that, once: the hub's link on the Start tab (no hub is stored before the first sync).
    expect(kinds.hubLookups).toBe(1);
    expect(kinds.all).toBe(kinds.gets + kinds.batches + kinds.hubLookups);
    expect(first.json.calls.google).toBeGreaterThan(0);
    // The workbook's own example rows have no Notion ID, and need nobody: not reported as rows to fix.
    const orphans = first.json.tables.reduce((n: number, t: { orphans: number }) => n + t.orphans, 0);
    expect(orphans).toBe(0);
  });

  it('a second sync with nothing changed writes nothing on either side', async () => {
    notion.clearLog();
    google.clearLog();
    const again = await sync();
    expect(again.code).toBe(0);
    measured.noop = {
      ...again.json.calls,
      notionWrites: notionWrites(notion.calls).length,
      sheetsCalls: sheetsCalls(google.calls).length,
    };
    expect(again.json.wrote).toBe(false);
    expect(again.json.logged).toBe(0);
    expect(googleWrites(google.calls)).toEqual([]);
    expect(notionWrites(notion.calls)).toEqual([]);
  });

  it('an incremental sync of 2 edited rows writes only those; the Start tab shows the sync health', async () => {
    const ds = dsOf('db.metrics');
    const [m1, m2] = notion.rows(ds);
    notion.editPage(m1!.id, { Leads: { number: 41 } });
    notion.editPage(m2!.id, { Leads: { number: 42 } });
    notion.clearLog();
    google.clearLog();
    const run = await sync();
    expect(run.code).toBe(0);
    measured.incremental = {
      ...run.json.calls,
      notionWrites: notionWrites(notion.calls).length,
      sheetsCalls: sheetsCalls(google.calls).length,
    };
    const metrics = run.json.tables.find((t: { table: string }) => t.table === 'metrics');
    expect(metrics).toMatchObject({ read: 2, sheetsUpdated: 2, appended: 0 });
    expect(googleWrites(google.calls).length).toBe(1);
    // One query per synced data source (the two edited pages fit in Metrics' one), and the workflows'
    // two: partners at stage Signed (to launch) and Active (for the quarter's PBRs), none here.
    expect(notion.count('dataSources.query')).toBe(ws.sync.length + 2);
    const read = await readBook();
    const leads = read.tables.get('metrics')!.filter((r) => r.pageId === m1!.id || r.pageId === m2!.id);
    expect(leads.map((r) => r.values.leads).sort()).toEqual([41, 42]);
    const start = await gapi.sheets.spreadsheets.values.get({ spreadsheetId, range: "'Start'!A18:B20" });
    expect(start.data.values?.map((r) => r[0])).toEqual(['Last sync', 'Rows changed', 'Open conflicts']);
    expect(start.data.values?.[1]?.[1]).toBe('2');
  });

  it('status prints the last run and writes nothing', async () => {
    google.clearLog();
    const status = await cli(['status'], { env });
    // A fresh install, synced: nothing needs a person (the workbook's example rows are not orphans).
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('Last sync:');
    expect(status.stdout).toContain('Open conflicts:');
    const json = JSON.parse((await cli(['--json', 'status'], { env })).stdout);
    expect(json.lastRun.rowsChanged).toBeGreaterThan(0);
    expect(json.findings).toEqual([]);
    expect(json.healthy).toBe(true);
    expect(googleWrites(google.calls)).toEqual([]);
  });

  it('Notion wins a stage edited on both sides; the overwritten value is logged and printed', async () => {
    const read = await readBook();
    const row = read.tables.get('partner_scoring')!.find((r) => r.pageId)!;
    const pageId = row.pageId!;
    notion.editPage(pageId, { Stage: { select: { name: 'Negotiating' } } });
    await typeInSheet(cellOf(read, 'partner_scoring', pageId, 'stage'), 'Paused');
    const run = await cli(['sync'], { env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('conflict');
    expect(run.stdout).toContain('"Paused"');
    const after = await readBook();
    expect(after.tables.get('partner_scoring')!.find((r) => r.pageId === pageId)!.values.stage).toBe(
      'Negotiating',
    );
    const log = await gapi.sheets.spreadsheets.values.get({ spreadsheetId, range: "'Sync Log'" });
    const hit = (log.data.values ?? []).find((r) => r.includes(pageId) && r.includes('Paused'));
    expect(hit).toBeDefined();
    expect(hit).toContain('Negotiating');
  });

  it('text that looks like a formula typed in a Notion title stays text in Sheets', async () => {
    const read = await readBook();
    const pageId = read.tables.get('icp_analysis')!.find((r) => r.pageId)!.pageId!;
    notion.editPage(pageId, { Customer: { title: [{ text: { content: '=HYPERLINK("x")' } }] } });
    expect(titleOf(pageId)).toBe('=HYPERLINK("x")');
    const run = await sync();
    expect(run.code).toBe(0);
    const after = await readBook();
    const range = cellOf(after, 'icp_analysis', pageId, 'name');
    const formula = await gapi.sheets.spreadsheets.values.get({
      spreadsheetId,
      range,
      valueRenderOption: 'FORMULA',
    });
    expect(formula.data.values?.[0]?.[0]).toBe('=HYPERLINK("x")');
    expect(after.tables.get('icp_analysis')!.find((r) => r.pageId === pageId)!.values.name).toBe(
      '=HYPERLINK("x")',
    );
  });

  it('a trashed Notion page archives its row (kept, not deleted)', async () => {
    const read = await readBook();
    const rows = read.tables.get('metrics')!.filter((r) => r.pageId && !r.archived);
    const pageId = rows[0]!.pageId!;
    notion.trash(pageId);
    const run = await sync('--full', '--allow-mass-archive');
    expect(run.code).toBe(0);
    const after = await readBook();
    const row = after.tables.get('metrics')!.find((r) => r.pageId === pageId)!;
    expect(row.archived).toBe(true);
    expect(after.tables.get('metrics')!.filter((r) => r.pageId).length).toBe(
      read.tables.get('metrics')!.filter((r) => r.pageId).length,
    );
  });

  it('the mass-archive guard stops a run after the data source is emptied; --allow-mass-archive passes', async () => {
    const ds = dsOf('db.icp');
    const pages = notion.rows(ds);
    for (const page of pages) notion.trash(page.id);
    notion.clearLog();
    google.clearLog();
    const stopped = await sync('--full');
    expect(stopped.code).toBe(2);
    expect(stopped.json.error.message).toContain('icp_analysis');
    expect(stopped.stderr).toContain('--allow-mass-archive');
    expect(googleWrites(google.calls)).toEqual([]);
    expect(notionWrites(notion.calls)).toEqual([]);
    const passed = await sync('--full', '--allow-mass-archive');
    expect(passed.code).toBe(0);
    const icp = passed.json.tables.find((t: { table: string }) => t.table === 'icp_analysis');
    expect(icp.archived).toBe(pages.length);
  });

  it('a wrong --root (another installed workspace) stops before writing: the cursor knows its data sources', async () => {
    // Before: the other workspace's data sources were read incrementally with this workbook's cursor, so
    // its pages were appended next to ours and ours were never missed: no guard could see it.
    const other = notion.seedRootPage('Another program');
    const installed = await cli(['--json', 'install', '--target', 'notion', '--root', other], { env });
    expect(installed.code).toBe(0);
    notion.clearLog();
    google.clearLog();
    const wrong = await sync('--root', other);
    expect(wrong.code).toBe(2);
    expect(wrong.json.error.message).toContain('wrong root page');
    expect(googleWrites(google.calls)).toEqual([]);
    expect(notionWrites(notion.calls)).toEqual([]);
    // The right root still syncs, and nothing of the other workspace reached the workbook.
    const right = await sync('--root', root);
    expect(right.code).toBe(0);
    const ids = new Set(
      [...(await readBook()).tables.values()].flatMap((rows) =>
        rows.flatMap((r) => (r.pageId ? [r.pageId] : [])),
      ),
    );
    const otherRegistry = (await readRegistry(
      new NotionApi({ token: notion.token, baseUrl: notion.baseUrl }),
      other,
      ws.hub.title,
    ))!;
    const otherPages = notion.rows(otherRegistry.entries['db.partners']!.dataSourceId!).map((p) => p.id);
    expect(otherPages.length).toBeGreaterThan(0);
    expect(otherPages.filter((id) => ids.has(id))).toEqual([]);
  });

  it('a failure between the Notion writes and the Sheets batch: the rerun converges, no duplicate, no lost edit', async () => {
    const read = await readBook();
    const partners = read.tables.get('partner_scoring')!.filter((r) => r.pageId && !r.archived);
    const [a, b] = partners;
    // A Score typed by hand in Notion (the workbook owns it: written back) and a Notion fact (to the workbook).
    const score = b!.values.score as number;
    expect(typeof score).toBe('number');
    notion.editPage(b!.pageId!, { Score: { number: score + 1 } });
    notion.editPage(a!.pageId!, { Stage: { select: { name: 'Signed' } } });
    // The run's main batch (the one writing the new stage) fails; the small batch logging the typed Score
    // before Notion's value is replaced went through.
    google.server.reject({
      method: 'POST',
      path: /:batchUpdate$/,
      body: (body) => JSON.stringify(body).includes('"Signed"'),
      times: 1,
      response: {
        status: 400,
        body: { error: { code: 400, message: 'injected', status: 'INVALID_ARGUMENT' } },
      },
    });
    notion.clearLog();
    const failed = await sync();
    expect(failed.code).not.toBe(0);
    // The Notion write landed before the batch failed.
    expect(numberOf(b!.pageId!, 'Score')).toBeCloseTo(score, 6);
    expect(notion.count('pages.update')).toBe(1);
    const typed = String(score + 1);
    const loggedTyped = async () => {
      const log = await gapi.sheets.spreadsheets.values.get({ spreadsheetId, range: "'Sync Log'!A:H" });
      return (log.data.values ?? []).filter((r) => r.includes(b!.pageId!) && r.includes(typed)).length;
    };
    // Logged before it was replaced: the value typed by hand is not lost with the failed batch.
    expect(await loggedTyped()).toBe(1);
    const rerun = await sync();
    expect(rerun.code).toBe(0);
    const after = await readBook();
    const rows = after.tables.get('partner_scoring')!.filter((r) => r.pageId);
    expect(new Set(rows.map((r) => r.pageId)).size).toBe(rows.length);
    expect(rows.find((r) => r.pageId === a!.pageId)!.values.stage).toBe('Signed');
    expect(numberOf(b!.pageId!, 'Score')).toBeCloseTo(score, 6);
    expect(await loggedTyped()).toBe(1); // and not logged twice
    const third = await sync();
    expect(third.json.wrote).toBe(false);
    // Signed without a Signed on date: the launch waits for a person, said on every run, logged never.
    expect(third.json.workflows.skipped.join('\n')).toMatch(/skipped/);
    expect(third.json.workflows.writes).toBe(0);
  });

  it('launches a partner once its Signed on date is set, logs what it created, and does nothing the next run', async () => {
    const read = await readBook();
    const signed = read.tables.get('partner_scoring')!.find((r) => r.pageId && r.values.stage === 'Signed')!;
    notion.editPage(signed.pageId!, { 'Signed on': { date: { start: '2027-02-04' } } });
    const first = await sync();
    expect(first.code).toBe(0);
    expect(first.json.workflows.writes).toBeGreaterThan(0);
    expect(first.json.workflows.lines.some((l: string) => /90-Day Plans/.test(l))).toBe(true);
    const plans = notion.rows(dsOf('db.plans')).filter((p) => {
      const rel = p.properties.Partner;
      return rel?.type === 'relation' && rel.relation.some((x) => x.id === signed.pageId);
    });
    expect(plans).toHaveLength(1);
    const log = await gapi.sheets.spreadsheets.values.get({ spreadsheetId, range: "'Sync Log'!A:H" });
    const logged = (log.data.values ?? []).filter((r) => r.includes('Workflows'));
    expect(logged.length).toBe(first.json.workflows.lines.length);
    const again = await sync();
    expect(again.json.workflows).toMatchObject({ writes: 0, lines: [] });
    expect(again.json.wrote).toBe(false);
  });

  it('--watch syncs until SIGINT, then stops between runs with a summary', async () => {
    const running = cli(['--json', 'sync', '--watch', '--interval', '100ms'], { env });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    process.emit('SIGINT', 'SIGINT');
    const run = await running;
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({ ok: true, watch: true, errors: [] });
    expect(json.runs.length).toBeGreaterThan(0);
  });
});
