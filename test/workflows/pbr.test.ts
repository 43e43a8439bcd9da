// `partnernomics pbr new` against the fakes: two active partners, one with a previous PBR holding open and done to-dos.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BlockObjectResponse, PageObjectResponse } from '@notionhq/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { loadConfig } from '../../src/config/load.js';
import { Throttle } from '../../src/platform/throttle.js';
import { readRegistry } from '../../src/sync/notion-side.js';
import { NotionApi } from '../../src/targets/notion/api.js';
import type { Registry } from '../../src/targets/notion/registry.js';
import { GoogleApi } from '../../src/targets/sheets/google-api.js';
import { runWorkflows } from '../../src/workflows/launch/auto.js';
import { cliEnvFor, loginGoogle } from '../fakes/cli-env.js';
import { createFakeGoogle } from '../fakes/google/index.js';
import type { CallRecord } from '../fakes/harness.js';
import { createFakeNotion } from '../fakes/notion/index.js';
import { cli, tempDir } from '../helpers.js';

const notion = createFakeNotion();
const google = createFakeGoogle();
let env: NodeJS.ProcessEnv;
let config: string;
let root: string;
let registry: Registry;
let spreadsheetId: string;
let gapi: GoogleApi;

const writes = (calls: readonly CallRecord[]) =>
  calls.filter((c) => c.method !== 'GET' && !/\/query$/.test(c.path));
const ds = (db: string) => registry.entries[db]!.dataSourceId!;
const titleOf = (page: PageObjectResponse) => {
  const p = Object.values(page.properties).find((v) => v.type === 'title');
  return p?.type === 'title' ? p.title.map((t) => t.plain_text).join('') : '';
};
const relOf = (page: PageObjectResponse, name: string) => {
  const p = page.properties[name]!;
  return p.type === 'relation' ? p.relation.map((r) => r.id) : undefined;
};
const pbrsOf = (partnerId: string) =>
  notion.rows(ds('db.pbrs')).filter((r) => relOf(r, 'Partner')?.includes(partnerId));

/** Every line of text in a page body, table cells joined by " | ". */
function bodyText(pageId: string): string[] {
  const rich = (items: readonly { plain_text: string }[]) => items.map((t) => t.plain_text).join('');
  const lines: string[] = [];
  const walk = (blocks: BlockObjectResponse[]) => {
    for (const b of blocks) {
      const data: { rich_text?: { plain_text: string }[]; cells?: { plain_text: string }[][] } | undefined =
        Reflect.get(b, b.type);
      if (data?.rich_text) lines.push(rich(data.rich_text));
      if (data?.cells) lines.push(data.cells.map(rich).join(' | '));
      if (b.has_children) walk(notion.childrenOf(b.id));
    }
  };
  walk(notion.childrenOf(pageId));
  return lines;
}

function seed(db: string, properties: Record<string, unknown>): string {
  return notion.seedPage({ parent: { data_source_id: ds(db) }, properties });
}
const title = (text: string) => ({ title: [{ text: { content: text } }] });
const sel = (name: string) => ({ select: { name } });

async function pbrNew(extraEnv: NodeJS.ProcessEnv, ...args: string[]) {
  const run = await cli(['--json', '--config', config, 'pbr', 'new', ...args, '--root', root], {
    env: { ...env, ...extraEnv },
  });
  return { ...run, json: run.stdout ? JSON.parse(run.stdout) : null };
}

beforeAll(async () => {
  await Promise.all([notion.listen(), google.listen()]);
  env = cliEnvFor(notion, google, { PARTNERNOMICS_GOOGLE_RETRY_BASE_MS: '1' });
  const login = await loginGoogle(google, env);
  expect(login.code).toBe(0);
  config = join(tempDir(), 'partnernomics.config.yaml');
  writeFileSync(
    config,
    [
      'company: { name: Ridgeway Dispatch }',
      'partnership_types: [co-sell, referral]',
      'program: { start_date: 2026-07-06 }',
      'workflows: { holidays: [2027-01-01, 2027-01-18] }',
      '',
    ].join('\n'),
  );
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
  const api = new NotionApi({ token: notion.token, baseUrl: notion.baseUrl });
  registry = (await readRegistry(api, root, 'Partnernomics — Partner Program OS'))!;
}, 180_000);
afterAll(() => Promise.all([notion.close(), google.close()]));

describe('partnernomics pbr new', () => {
  let acme: string;
  let bolt: string;
  let cobalt: string;
  let q4: string;
  let open1: string;
  let open2: string;
  let done: string;
  let olderOpen: string;

  beforeAll(async () => {
    acme = seed('db.partners', {
      Partner: title('Acme Data'),
      Stage: sel('Active'),
      'Partnership type': sel('Co-Sell'),
    });
    bolt = seed('db.partners', {
      Partner: title('Bolt Cloud'),
      Stage: sel('Active'),
      'Partnership type': sel('Referral'),
    });
    cobalt = seed('db.partners', { Partner: title('Cobalt Labs'), Stage: sel('Launching') });
    const q3 = seed('db.pbrs', {
      PBR: title('Acme Data — 2026 Q3 PBR'),
      Partner: { relation: [{ id: acme }] },
      Quarter: { rich_text: [{ text: { content: '2026 Q3' } }] },
      Date: { date: { start: '2026-07-15' } },
    });
    q4 = seed('db.pbrs', {
      PBR: title('Acme Data — Q4 review'),
      Partner: { relation: [{ id: acme }] },
      Quarter: { rich_text: [{ text: { content: '2026Q4' } }] },
      Date: { date: { start: '2026-10-15' } },
    });
    const todo = (name: string, status: string, pbr: string) =>
      seed('db.todos', {
        'To-do': title(name),
        Status: sel(status),
        Source: sel('PBR'),
        Partner: { relation: [{ id: acme }] },
        PBR: { relation: [{ id: pbr }] },
      });
    open1 = todo('Brief the partner AEs on registration', 'Not started', q4);
    open2 = todo('Refresh the account mapping', 'In progress', q4);
    done = todo('Send the Q4 recap', 'Done', q4);
    olderOpen = todo('An older open item', 'Not started', q3);
    // Acme's scoreboard rows for 2027 Q1 (one green, one red), and one of Bolt's for another quarter.
    await gapi.sheets.spreadsheets.values.update({
      spreadsheetId,
      range: "'PBR Scoreboard'!B280:G282",
      valueInputOption: 'RAW',
      requestBody: {
        values: [
          ['Acme Data', '2027 Q1', 'Co-sell opportunities registered', 'higher', 6, 7],
          ['Acme Data', '2027Q1', 'Partner-influenced pipeline', 'higher', 240000, 150000],
          ['Bolt Cloud', '2026 Q4', 'Referrals submitted', 'higher', 9, 9],
        ],
      },
    });
  });

  it('a dry run lists the PBRs and links it would make and writes nothing', async () => {
    notion.clearLog();
    const dry = await pbrNew({}, '--quarter', '2027Q1', '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(writes(notion.calls)).toEqual([]);
    expect(dry.json.writes).toBe(2 + 2);
    expect(pbrsOf(bolt)).toEqual([]);
  });

  it('creates one PBR per active partner, dated, with the agenda, scoreboard and the open to-dos linked', async () => {
    const run = await pbrNew({}, '--quarter', '2027Q1');
    expect(run.code, run.stderr).toBe(0);
    // Day 0 is Monday 4 January (1 January is a listed holiday, then a weekend); ten business days on,
    // skipping the listed 18 January holiday, is Tuesday 19 January. The next quarter's: Thursday 15 April.
    expect(run.json.date).toBe('2027-01-19');
    expect(run.json.next).toEqual({ quarter: '2027 Q2', date: '2027-04-15' });
    expect(run.json.workbook).toBe(true);

    const acmeNew = pbrsOf(acme).filter((p) => titleOf(p) === 'Acme Data — 2027 Q1 PBR');
    expect(acmeNew).toHaveLength(1);
    const page = acmeNew[0]!;
    const quarter = page.properties.Quarter!;
    expect(quarter.type === 'rich_text' && quarter.rich_text.map((t) => t.plain_text).join('')).toBe(
      '2027 Q1',
    );
    const held = page.properties.Date!;
    expect(held.type === 'date' && held.date?.start).toBe('2027-01-19');
    const status = page.properties.Status!;
    expect(status.type === 'select' && status.select?.name).toBe('Scheduled');
    expect(pbrsOf(bolt).map(titleOf)).toEqual(['Bolt Cloud — 2027 Q1 PBR']);
    // Launching is not Active: no PBR yet.
    expect(pbrsOf(cobalt)).toEqual([]);

    // Linked, not copied: the open to-dos of the previous PBR (Q4, not Q3) now also point at the new one.
    const todo = (id: string) => notion.page(id);
    expect(relOf(todo(open1), 'PBR')).toEqual([q4, page.id]);
    expect(relOf(todo(open2), 'PBR')).toEqual([q4, page.id]);
    expect(relOf(todo(done), 'PBR')).toEqual([q4]);
    expect(relOf(todo(olderOpen), 'PBR')).not.toContain(page.id);
    expect(
      notion.rows(ds('db.todos')).filter((t) => titleOf(t) === 'Refresh the account mapping'),
    ).toHaveLength(1);

    const body = bodyText(page.id);
    for (const part of [
      '1. Lightning Round',
      '2. Headline News',
      '3. Scoreboard Review',
      '4. Open Mic',
      "5. To-Do's",
    ])
      expect(body).toContain(part);
    expect(body).toContain('Co-sell opportunities registered | higher | 6 | 7 | Green');
    expect(body).toContain('Partner-influenced pipeline | higher | 240000 | 150000 | Red');
    expect(body).toContain('Brief the partner AEs on registration');
    expect(body.join('\n')).not.toContain('Send the Q4 recap');
    expect(body.some((l) => l.includes('Next PBR: 2027-04-15 (2027 Q2)'))).toBe(true);
    // Bolt has no rows for the quarter: its body says where to add them.
    const boltBody = bodyText(pbrsOf(bolt)[0]!.id).join('\n');
    expect(boltBody).toContain('has no rows for Bolt Cloud in 2027 Q1');
    expect(run.json.lines.filter((l: string) => l.includes('linked open to-do'))).toHaveLength(2);
  });

  it('a second run writes nothing', async () => {
    notion.clearLog();
    const again = await pbrNew({}, '--quarter', '2027 Q1');
    expect(again.code, again.stderr).toBe(0);
    expect(again.json.writes).toBe(0);
    expect(again.json.lines).toEqual([]);
    expect(writes(notion.calls)).toEqual([]);
    expect(pbrsOf(acme)).toHaveLength(3);
  });

  it('without a workbook the scoreboard is left empty and the output says so; open to-dos move on again', async () => {
    const noGoogle = { PARTNERNOMICS_HOME: tempDir() };
    const run = await pbrNew(noGoogle, '--quarter', '2027Q2');
    expect(run.code, run.stderr).toBe(0);
    expect(run.json.workbook).toBe(false);
    expect(run.json.date).toBe('2027-04-15');
    expect(run.json.lines.some((l: string) => l.includes('no workbook is configured'))).toBe(true);
    const q2 = pbrsOf(acme).find((p) => titleOf(p) === 'Acme Data — 2027 Q2 PBR')!;
    expect(bodyText(q2.id).join('\n')).toContain('No workbook is configured');
    const q1 = pbrsOf(acme).find((p) => titleOf(p) === 'Acme Data — 2027 Q1 PBR')!;
    expect(relOf(notion.page(open1), 'PBR')).toEqual([q4, q1.id, q2.id]);
  });

  it('refuses a quarter it cannot read', async () => {
    const bad = await pbrNew({}, '--quarter', 'Q5');
    expect(bad.code).toBe(2);
    expect(bad.json.error.code).toBe('USAGE');
  });

  it("runWorkflows (the sync's hook) opens the quarter its date falls in, once", async () => {
    const blueprint = loadBlueprint();
    const ws = compile(blueprint, loadConfig({ path: config, cwd: tempDir() }).config);
    const api = new NotionApi({
      token: notion.token,
      baseUrl: notion.baseUrl,
      throttle: new Throttle(500, 500),
    });
    const options = { workbook: { api: gapi, spreadsheetId }, now: new Date('2027-07-05T12:00:00Z') };
    const first = await runWorkflows(api, ws, registry, blueprint.types, options);
    expect(first.pbrs?.quarter).toBe('2027 Q3');
    expect(first.pbrs?.date).toBe('2027-07-15');
    expect(first.launches).toEqual([]);
    const q3 = pbrsOf(acme).find((p) => titleOf(p) === 'Acme Data — 2027 Q3 PBR')!;
    const q2 = pbrsOf(acme).find((p) => titleOf(p) === 'Acme Data — 2027 Q2 PBR')!;
    expect(relOf(notion.page(open2), 'PBR')).toContain(q3.id);
    expect(relOf(notion.page(open2), 'PBR')).toContain(q2.id);
    expect(pbrsOf(bolt).map(titleOf)).toContain('Bolt Cloud — 2027 Q3 PBR');
    expect(first.lines.filter((l) => l.includes(': created PBRs'))).toHaveLength(2);
    notion.clearLog();
    const second = await runWorkflows(api, ws, registry, blueprint.types, options);
    expect(second.writes).toBe(0);
    expect(second.lines).toEqual([]);
    expect(writes(notion.calls)).toEqual([]);
  });
});
