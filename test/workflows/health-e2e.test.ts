// `partnernomics status` end to end: install to the fakes, script a Notion state, and read the findings, exit code and calls.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import { columnLetter } from '../../src/blueprint/compile-workbook.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { readRegistry } from '../../src/sync/notion-side.js';
import { readSheetsSide, sheetsTablesOf } from '../../src/sync/sheets-side.js';
import { NotionApi } from '../../src/targets/notion/api.js';
import type { Registry } from '../../src/targets/notion/registry.js';
import { GoogleApi } from '../../src/targets/sheets/google-api.js';
import { cliEnvFor, loginGoogle } from '../fakes/cli-env.js';
import { createFakeGoogle } from '../fakes/google/index.js';
import type { CallRecord } from '../fakes/harness.js';
import { createFakeNotion } from '../fakes/notion/index.js';
import { cli, tempDir } from '../helpers.js';

const START = '2027-01-04';
const AS_OF = '2027-01-15';
const notion = createFakeNotion();
const google = createFakeGoogle();
const ws = compile(loadBlueprint(), parseConfig({ program: { start_date: START } }, 'test', START));
const config = join(tempDir(), 'partnernomics.config.yaml');
let env: NodeJS.ProcessEnv;
let root: string;
let registry: Registry;
let gapi: GoogleApi;
let spreadsheetId: string;

/** A property's Notion name, from the compiled workspace (never typed twice). */
const nameOf = (db: string, key: string) =>
  ws.databases.find((d) => d.key === db)!.properties.find((p) => p.key === key)!.name;
const dsOf = (db: string) => registry.entries[db]!.dataSourceId!;
const title = (text: string) => ({ title: [{ text: { content: text } }] });
const select = (name: string) => ({ select: { name } });
const date = (start: string) => ({ date: { start } });
const ada = () => ({ people: [{ id: notion.state.personId }] });
const rel = (...ids: string[]) => ({ relation: ids.map((id) => ({ id })) });

function seed(db: string, values: Record<string, unknown>): string {
  const properties = Object.fromEntries(Object.entries(values).map(([k, v]) => [nameOf(db, k), v]));
  return notion.seedPage({ parent: { data_source_id: dsOf(db) }, properties });
}
const edit = (db: string, pageId: string, values: Record<string, unknown>) =>
  notion.editPage(pageId, Object.fromEntries(Object.entries(values).map(([k, v]) => [nameOf(db, k), v])));

const writes = (calls: readonly CallRecord[]) =>
  calls.filter((c) => c.method !== 'GET' && !/\/query$/.test(c.path) && !c.path.startsWith('/token'));

async function status(...args: string[]) {
  const run = await cli(['--json', '--config', config, 'status', '--as-of', AS_OF, ...args], { env });
  return { ...run, json: JSON.parse(run.stdout) };
}

const ids: Record<string, string> = {};

beforeAll(async () => {
  writeFileSync(config, `program:\n  start_date: ${START}\n`);
  await Promise.all([notion.listen(), google.listen()]);
  env = cliEnvFor(notion, google, { PARTNERNOMICS_GOOGLE_RETRY_BASE_MS: '1' });
  expect((await loginGoogle(google, env)).code).toBe(0);
  root = notion.seedRootPage('Program');
  const installed = await cli(['--json', '--config', config, 'install', '--target', 'all', '--root', root], {
    env,
  });
  expect(installed.code, installed.stderr).toBe(0);
  spreadsheetId = JSON.parse(installed.stdout).sheets.spreadsheetId;
  const tokens = google.issueToken(['drive.file']);
  gapi = new GoogleApi({
    auth: google.oauthClient({ refreshToken: tokens.refreshToken }),
    rootUrl: google.rootUrl,
  });
  registry = (await readRegistry(
    new NotionApi({ token: notion.token, baseUrl: notion.baseUrl }),
    root,
    ws.hub.title,
  ))!;

  // A partner a leader typed into the workbook, with no Notion ID: the first sync leaves it for a person.
  // (The workbook's own example rows have no Notion ID either, and need nobody.) The sync runs before the
  // scripted state: a sync also sets signed partners up (their launch to-dos).
  await gapi.sheets.spreadsheets.values.update({
    spreadsheetId,
    range: "'Partner Scoring'!B20",
    valueInputOption: 'RAW',
    requestBody: { values: [['Typed by a leader']] },
  });
  const synced = await cli(['--config', config, 'sync'], { env });
  expect(synced.code, synced.stderr).toBe(0);
  // One partner of each kind of trouble, and one in good order.
  ids.acme = seed('db.partners', {
    name: title('Acme Advisory'),
    type: select('Referral'),
    stage: select('Active'),
    owner: ada(),
  });
  ids.birch = seed('db.partners', {
    name: title('Birch Labs'),
    type: select('Referral'),
    stage: select('Negotiating'),
  });
  ids.cobalt = seed('db.partners', {
    name: title('Cobalt Cloud'),
    type: select('Co-Sell'),
    stage: select('Signed'),
    owner: ada(),
    signed_on: date('2026-12-01'),
  });
  ids.dune = seed('db.partners', {
    name: title('Dune Media'),
    type: select('Influencer'),
    stage: select('Active'),
    owner: ada(),
  });
  seed('db.pbrs', {
    name: title('Acme Q1 PBR'),
    partner: rel(ids.acme),
    quarter: { rich_text: [{ text: { content: '2027Q1' } }] },
    date: date('2027-02-10'),
  });
  seed('db.pbrs', {
    name: title('Dune Q4 PBR'),
    partner: rel(ids.dune),
    quarter: { rich_text: [{ text: { content: '2026Q4' } }] },
    date: date('2026-11-20'),
  });
  ids.welcome = seed('db.todos', {
    name: title('Send the welcome pack'),
    due: date('2027-01-10'),
    status: select('Not started'),
    partner: rel(ids.cobalt),
  });
  seed('db.todos', {
    name: title('Book the kickoff'),
    due: date(AS_OF),
    status: select('Not started'),
    owner: ada(),
  });
  seed('db.todos', { name: title('Map accounts'), due: date('2027-01-05'), status: select('Done') });
}, 180_000);
afterAll(() => Promise.all([notion.close(), google.close()]));

describe('partnernomics status', () => {
  it('lists each finding with its fix, exits 1, and writes nothing', async () => {
    notion.clearLog();
    google.clearLog();
    const run = await status();
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('need attention');
    expect(run.json).toMatchObject({ ok: false, command: 'status', healthy: false, asOf: AS_OF });
    const found = run.json.findings.map((f: { kind: string; item: string }) => `${f.kind}: ${f.item}`);
    expect(found).toEqual([
      'partner-without-owner: Birch Labs',
      'overdue-todo: Send the welcome pack',
      'stuck-in-stage: Cobalt Cloud',
      'no-pbr-this-quarter: Dune Media',
      'roadmap-step-past-due: 1. Define the Ideal Customer Profile',
      'sync-conflicts: Sync Log',
    ]);
    const byKind = Object.fromEntries(run.json.findings.map((f: { kind: string }) => [f.kind, f]));
    expect(byKind['overdue-todo']).toMatchObject({
      since: '2027-01-10',
      pageId: ids.welcome,
      detail: 'due 2027-01-10, 5 day(s) ago; Not started; no owner; for Cobalt Cloud',
    });
    expect(byKind['stuck-in-stage']).toMatchObject({
      since: '2026-12-01',
      detail: 'Signed, signed on 2026-12-01: 45 days; the Co-Sell norm for Signed is 14 days',
    });
    expect(byKind['partner-without-owner'].fix).toContain('Notion → Partners');
    expect(byKind['sync-conflicts'].detail).toMatch(/workbook row\(s\) without a Notion ID/);
    expect(run.json.lastSync.openRows).toBeGreaterThan(0);
    expect(run.json.lastRun).toEqual(run.json.lastSync);
    expect(run.json.checked).toMatchObject({ notion: true, workbook: true });
    // Reads only: one schema read and one query per database (each under 100 rows), nothing written anywhere.
    expect(notion.count('dataSources.retrieve')).toBe(4);
    expect(notion.count('dataSources.query')).toBe(4);
    expect(writes(notion.calls)).toEqual([]);
    expect(writes(google.calls)).toEqual([]);
  });

  it('prints the findings grouped by kind, with names and the fix', async () => {
    const run = await cli(['--config', config, 'status', '--as-of', AS_OF], { env });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`Program health on ${AS_OF}: 6 item(s) need attention.`);
    expect(run.stdout).toContain(
      'Partners without an owner (1): assign an owner in Notion → Partners (the Owner column)\n  • Birch Labs: Negotiating, Referral',
    );
    expect(run.stdout).toContain('Active partners with no PBR this quarter (1)');
    expect(run.stdout).toContain('Last sync:');
    expect(run.stdout).toContain('Open conflicts:');
    expect(run.stderr).toMatch(
      /^error: 6 item\(s\) need attention: partners without an owner; overdue to-dos/,
    );
  });

  it('--root finds the workspace without the workbook; a bad --as-of is a usage error', async () => {
    const run = await status('--root', root);
    expect(run.code).toBe(1);
    expect(run.json.findings).toHaveLength(6);
    const bad = await cli(['--json', '--config', config, 'status', '--as-of', '2027-02-30'], { env });
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout).error.code).toBe('USAGE');
  });

  it('without a Google login it checks Notion and says the sync was not checked', async () => {
    const { PARTNERNOMICS_HOME: _home, ...rest } = env;
    const run = await cli(['--json', '--config', config, 'status', '--as-of', AS_OF, '--root', root], {
      env: { ...rest, PARTNERNOMICS_HOME: tempDir() },
    });
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout);
    expect(json.checked).toMatchObject({ notion: true, workbook: false });
    expect(json.findings.map((f: { kind: string }) => f.kind)).not.toContain('sync-conflicts');
    expect(json.findings).toHaveLength(5);
  });

  it('a workspace in good order exits 0', async () => {
    edit('db.partners', ids.birch!, { owner: ada() });
    edit('db.partners', ids.cobalt!, { stage: select('Launching'), launch_date: date('2027-01-10') });
    seed('db.pbrs', { name: title('Dune Q1 PBR'), partner: rel(ids.dune!), date: date('2027-03-20') });
    edit('db.todos', ids.welcome!, { status: select('Done') });
    const icp = notion.rows(dsOf('db.roadmap')).find((p) => {
      const v = p.properties[nameOf('db.roadmap', 'number')];
      return v?.type === 'number' && v.number === 1;
    })!;
    edit('db.roadmap', icp.id, { status: select('Done') });
    // The workbook's example rows (no Notion ID) are what the last sync left for a person: delete them.
    const tables = sheetsTablesOf(ws);
    const read = await readSheetsSide(gapi, spreadsheetId, tables);
    const ranges: string[] = [];
    for (const [key, rows] of read.tables) {
      const located = read.layout.tables.get(key)!;
      const inputs = located.spec.columns.filter((c) => c.kind !== 'formula' && located.columns.has(c.key));
      for (const row of rows.filter((r) => r.pageId === null))
        for (const c of inputs)
          ranges.push(`'${located.title}'!${columnLetter(located.columns.get(c.key)! + 1)}${row.row}`);
    }
    expect(ranges.length).toBeGreaterThan(0);
    await gapi.sheets.spreadsheets.values.batchClear({ spreadsheetId, requestBody: { ranges } });
    const synced = await cli(['--json', '--config', config, 'sync'], { env });
    expect(synced.code, synced.stderr).toBe(0);
    // The sync may have set up the launched partner (dated to-dos from its signing): the team has done them.
    for (const todo of notion.rows(dsOf('db.todos'))) {
      const v = todo.properties[nameOf('db.todos', 'status')];
      if (v?.type === 'select' && v.select?.name !== 'Done')
        edit('db.todos', todo.id, { status: select('Done') });
    }

    const run = await status();
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ ok: true, healthy: true, findings: [] });
    expect(run.json.lastSync).toMatchObject({ conflicts: 0, openRows: 0 });
    const text = await cli(['--config', config, 'status', '--as-of', AS_OF], { env });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Program health on ${AS_OF}: nothing needs attention.`);
  });
});
