// The synced tables beyond Partners, Metrics and ICP, end to end through `partnernomics sync` against both fakes, and their mappers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import { columnLetter } from '../../src/blueprint/compile-workbook.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { readRegistry } from '../../src/sync/notion-side.js';
import { type PageValue, syncValueOf, UnwritableValue, valueRequest } from '../../src/sync/notion-values.js';
import { readSheetsSide, type SheetsSideRead, sheetsTablesOf } from '../../src/sync/sheets-side.js';
import { serialToIso } from '../../src/sync/sheets-values.js';
import { NotionApi } from '../../src/targets/notion/api.js';
import type { Registry } from '../../src/targets/notion/registry.js';
import { GoogleApi } from '../../src/targets/sheets/google-api.js';
import { cliEnvFor, loginGoogle } from '../fakes/cli-env.js';
import { createFakeGoogle } from '../fakes/google/index.js';
import { createFakeNotion } from '../fakes/notion/index.js';
import { cli } from '../helpers.js';

const notion = createFakeNotion();
const google = createFakeGoogle();
const ws = compile(loadBlueprint(), parseConfig({}, 'test', '2027-01-04'));
const tables = sheetsTablesOf(ws);
let env: NodeJS.ProcessEnv;
let spreadsheetId: string;
let registry: Registry;
let gapi: GoogleApi;

async function sync() {
  const run = await cli(['--json', 'sync'], { env });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout);
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
const pageTitled = (db: string, title: string) => notion.rows(dsOf(db)).find((p) => titleOf(p.id) === title)!;

/** Cells as the workbook computes them (UNFORMATTED_VALUE), by A1 range. */
async function values(range: string): Promise<unknown[][]> {
  const got = await gapi.sheets.spreadsheets.values.get({
    spreadsheetId,
    range,
    valueRenderOption: 'UNFORMATTED_VALUE',
  });
  return got.data.values ?? [];
}

/** The Dashboard's leads to date of each partner it lists (N5:O24). */
async function leadsByPartner(): Promise<Map<string, number>> {
  const rows = await values("'Dashboard'!N5:O24");
  return new Map(rows.filter((r) => r[0]).map((r) => [String(r[0]), Number(r[1])]));
}

const letterOf = (tab: string, key: string) =>
  ws.workbook.tabs.find((t) => t.key === tab)!.table!.columns.find((c) => c.key === key)!.letter;

/** A person typing one row on the PBR Scoreboard tab (it is kept in the workbook only), below every other row. */
async function typeKpiRow(row: number, kpi: Record<string, string | number>): Promise<void> {
  await gapi.sheets.spreadsheets.values.batchUpdate({
    spreadsheetId,
    requestBody: {
      valueInputOption: 'USER_ENTERED',
      data: Object.entries(kpi).map(([key, value]) => ({
        range: `'PBR Scoreboard'!${letterOf('pbr_scoreboard', key)}${row}`,
        values: [[value]],
      })),
    },
  });
}

beforeAll(async () => {
  await Promise.all([notion.listen(), google.listen()]);
  env = cliEnvFor(notion, google, { PARTNERNOMICS_GOOGLE_RETRY_BASE_MS: '1' });
  expect((await loginGoogle(google, env)).code).toBe(0);
  const root = notion.seedRootPage('Program');
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
  await sync();
}, 180_000);
afterAll(() => Promise.all([notion.close(), google.close()]));

describe('the new synced tables', () => {
  it('the first sync puts every referral, PBR and roadmap step on its tab, and the example PBR gets its overall status', async () => {
    const read = await readBook();
    for (const [table, db] of [
      ['referrals', 'db.referrals'],
      ['pbrs', 'db.pbrs'],
      ['roadmap', 'db.roadmap'],
    ] as const) {
      const pages = notion.rows(dsOf(db));
      expect(pages.length, db).toBeGreaterThan(0);
      const ids = read.tables.get(table)!.flatMap((r) => (r.pageId ? [r.pageId] : []));
      expect(ids.sort(), table).toEqual(pages.map((p) => p.id).sort());
    }
    const steps = read.tables.get('roadmap')!.filter((r) => r.pageId);
    expect(steps).toHaveLength(ws.databases.find((d) => d.key === 'db.roadmap')!.rows.length);
    expect(steps.map((s) => s.values.number).sort((a, b) => Number(a) - Number(b))[0]).toBe(1);
    expect(steps.every((s) => /^\d{4}-\d{2}-\d{2}$/.test(String(s.values.due)))).toBe(true);

    // Northwind's Q1 PBR: the worst status of Northwind's Q1 rows on PBR Scoreboard, written into Notion.
    const pbr = pageTitled('db.pbrs', 'Example — Northwind Advisory Q1 PBR');
    const row = read.tables.get('pbrs')!.find((r) => r.pageId === pbr.id)!;
    expect(row.values).toMatchObject({
      partner: 'Example — Northwind Advisory',
      quarter: 'Q1',
      status: 'Held',
    });
    const board = await values("'PBR Scoreboard'!A2:K300");
    const col = (key: string) =>
      ws.workbook.tabs
        .find((t) => t.key === 'pbr_scoreboard')!
        .table!.columns.findIndex((c) => c.key === key);
    const statuses = board
      .filter((r) => r[col('partner')] === 'Example — Northwind Advisory' && r[col('quarter')] === 'Q1')
      .map((r) => r[col('status')]);
    expect(statuses.length).toBeGreaterThan(0);
    const worst = ['Red', 'Yellow', 'Green'].find((s) => statuses.includes(s));
    expect(worst).toBeDefined();
    expect(row.values.scoreboard).toBe(worst);
    expect(selectOf(pbr.id, 'Overall scoreboard')).toBe(worst);
  });

  it('a referral created in Notion appears on the Referrals tab, in the Dashboard leads and in the quarter count', async () => {
    const partner = pageTitled('db.partners', 'Example — Northwind Advisory');
    const leadsBefore = (await leadsByPartner()).get('Example — Northwind Advisory')!;
    const quarterStart = serialToIso(Number((await values("'Leadership Report'!B3"))[0]![0]));
    const inQuarterBefore = Number((await values("'Leadership Report'!B8"))[0]![0]);
    const submitted = new Date(Date.parse(`${quarterStart}T00:00:00Z`) + 10 * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const id = notion.seedPage({
      parent: { data_source_id: dsOf('db.referrals') },
      properties: {
        Prospect: { title: [{ text: { content: 'Tamarack Heating' } }] },
        Partner: { relation: [{ id: partner.id }] },
        Stage: { select: { name: 'Qualified' } },
        'Submitted on': { date: { start: submitted } },
        'Deal value': { number: 27000 },
        'Handoff owner': { people: [{ id: notion.state.personId }] },
      },
    });
    const run = await sync();
    expect(run.tables.find((t: { table: string }) => t.table === 'referrals')).toMatchObject({ appended: 1 });
    const row = (await readBook()).tables.get('referrals')!.find((r) => r.pageId === id)!;
    expect(row.values).toMatchObject({
      name: 'Tamarack Heating',
      partner: 'Example — Northwind Advisory',
      stage: 'Qualified',
      submitted_on: submitted,
      accepted_on: null,
      value: 27000,
      handoff_owner: 'Ada Admin',
    });
    expect((await leadsByPartner()).get('Example — Northwind Advisory')).toBe(leadsBefore + 1);
    expect(Number((await values("'Leadership Report'!B8"))[0]![0])).toBe(inQuarterBefore + 1);

    // Trashed in Notion: the row stays, archived, and no longer counts.
    notion.trash(id);
    const full = await cli(['--json', 'sync', '--full', '--allow-mass-archive'], { env });
    expect(full.code).toBe(0);
    expect((await readBook()).tables.get('referrals')!.find((r) => r.pageId === id)!.archived).toBe(true);
    expect((await leadsByPartner()).get('Example — Northwind Advisory')).toBe(leadsBefore);
  });

  it("a PBR's overall status comes back into Notion from the workbook, and follows the scoreboard", async () => {
    const partner = pageTitled('db.partners', 'Example — Larkspur Systems');
    const id = notion.seedPage({
      parent: { data_source_id: dsOf('db.pbrs') },
      properties: {
        PBR: { title: [{ text: { content: 'Larkspur Q2 review' } }] },
        Partner: { relation: [{ id: partner.id }] },
        Quarter: { rich_text: [{ text: { content: 'Q2' } }] },
        Status: { select: { name: 'Scheduled' } },
      },
    });
    await sync();
    // No KPI row for Larkspur in Q2 yet: blank on both sides.
    expect((await readBook()).tables.get('pbrs')!.find((r) => r.pageId === id)!.values.scoreboard).toBeNull();
    expect(selectOf(id, 'Overall scoreboard')).toBeNull();

    // A leader rates two KPIs for the quarter on PBR Scoreboard: one met, one 10% short (yellow).
    const used = (await values("'PBR Scoreboard'!B2:B300")).length + 1;
    const kpi = { partner: 'Example — Larkspur Systems', quarter: 'Q2', direction: 'higher', target: 10 };
    await typeKpiRow(used + 1, { ...kpi, metric: 'Referrals submitted', actual: 12 });
    await typeKpiRow(used + 2, { ...kpi, metric: 'Referrals accepted', actual: 9 });
    const run = await sync();
    expect(run.tables.find((t: { table: string }) => t.table === 'pbrs')).toMatchObject({ notionUpdated: 1 });
    expect(selectOf(id, 'Overall scoreboard')).toBe('Yellow');

    // Set by hand in Notion: the workbook owns it, so it is put back and the overwritten value logged.
    notion.editPage(id, { 'Overall scoreboard': { select: { name: 'Green' } } });
    const reverted = await sync();
    expect(selectOf(id, 'Overall scoreboard')).toBe('Yellow');
    expect(reverted.conflicts).toContainEqual(
      expect.objectContaining({ pageId: id, field: 'scoreboard', overwritten: 'Green', kept: 'Yellow' }),
    );

    // The short KPI catches up: the next sync makes it Green, with nothing edited in Notion.
    await typeKpiRow(used + 2, { actual: 10 });
    await sync();
    expect(selectOf(id, 'Overall scoreboard')).toBe('Green');
  });

  it('roadmap statuses set in Notion move the Dashboard program progress', async () => {
    const progress = async () => {
      const [share, done, total] = (await values("'Dashboard'!L16:L18")).map((r) => r[0]);
      return { share, done, total };
    };
    const steps = notion.rows(dsOf('db.roadmap'));
    expect(await progress()).toEqual({ share: 0, done: 0, total: steps.length });
    notion.editPage(steps[0]!.id, { Status: { select: { name: 'Done' } } });
    notion.editPage(steps[1]!.id, { Status: { select: { name: 'Done' } } });
    notion.editPage(steps[2]!.id, { Status: { select: { name: 'In progress' } } });
    const run = await sync();
    expect(run.tables.find((t: { table: string }) => t.table === 'roadmap')).toMatchObject({
      sheetsUpdated: 3,
    });
    const after = await progress();
    expect(after).toMatchObject({ done: 2, total: steps.length });
    expect(after.share).toBeCloseTo(2 / steps.length, 10);
  });

  it('a people property arrives as names; channel and launch date arrive as written in Notion', async () => {
    const second = notion.state.ids.next('user');
    notion.state.users.set(second, {
      object: 'user',
      id: second,
      name: 'Bruno Brandt',
      avatar_url: null,
      type: 'person',
      person: { email: 'bruno@example.com' },
    });
    const partner = pageTitled('db.partners', 'Example — Quillfeather Media');
    notion.editPage(partner.id, {
      Owner: { people: [{ id: notion.state.personId }, { id: second }] },
      'Sourcing channel': { select: { name: 'AI platforms' } },
      'Launch date': { date: { start: '2027-05-03' } },
    });
    await sync();
    const row = (await readBook()).tables.get('partner_scoring')!.find((r) => r.pageId === partner.id)!;
    expect(row.values).toMatchObject({
      owner: 'Ada Admin, Bruno Brandt',
      channel: 'AI platforms',
      launch_date: '2027-05-03',
    });
    // Written as text (the names), and the date as a date the workbook can compute with.
    const located = (await readBook()).layout.tables.get('partner_scoring')!;
    const cell = (key: string) =>
      `'${located.title}'!${columnLetter(located.columns.get(key)! + 1)}${row.row}`;
    expect((await values(cell('owner')))[0]![0]).toBe('Ada Admin, Bruno Brandt');
    expect(typeof (await values(cell('launch_date')))[0]![0]).toBe('number');
    // The owner is Notion's: a name typed over it on the tab is put back at the next sync.
    await gapi.sheets.spreadsheets.values.update({
      spreadsheetId,
      range: cell('owner'),
      valueInputOption: 'RAW',
      requestBody: { values: [['Someone else']] },
    });
    const run = await sync();
    expect(run.conflicts).toContainEqual(
      expect.objectContaining({
        field: 'owner',
        overwritten: 'Someone else',
        kept: 'Ada Admin, Bruno Brandt',
      }),
    );
    expect((await values(cell('owner')))[0]![0]).toBe('Ada Admin, Bruno Brandt');
  });
});

describe('the property mappers the new fields use', () => {
  const person = (id: string, name: string | null) => ({
    object: 'user' as const,
    id,
    type: 'person' as const,
    name,
    avatar_url: null,
    person: {},
  });
  it('reads people as their names joined, a person without a readable name as the ID, nobody as empty', () => {
    const people = (list: PageValue & { type: 'people' }) => syncValueOf(list);
    expect(
      people({ id: 'p', type: 'people', people: [person('u1', 'Ada Admin'), person('u2', 'Bruno Brandt')] }),
    ).toBe('Ada Admin, Bruno Brandt');
    // Without the user-information capability Notion gives bare references: the ID stands in.
    expect(people({ id: 'p', type: 'people', people: [{ object: 'user', id: 'u3' }] })).toBe('u3');
    expect(people({ id: 'p', type: 'people', people: [] })).toBeNull();
  });

  it('reads dates as their day, text as text, selects and numbers as they are, relations as the titles given', () => {
    expect(
      syncValueOf({
        id: 'd',
        type: 'date',
        date: { start: '2027-05-03T09:30:00.000+02:00', end: null, time_zone: null },
      }),
    ).toBe('2027-05-03');
    expect(syncValueOf({ id: 'q', type: 'rich_text', rich_text: [] })).toBe('');
    expect(syncValueOf({ id: 's', type: 'select', select: null })).toBeNull();
    expect(syncValueOf({ id: 'n', type: 'number', number: 27000 })).toBe(27000);
    expect(
      syncValueOf({ id: 'r', type: 'relation', relation: [{ id: 'a' }, { id: 'b' }] }, ['North', 'South']),
    ).toBe('North, South');
  });

  it('writes a computed status only into a Select that has it as an option, a computed date into a Date; never into people', () => {
    const overall = ws.databases
      .find((d) => d.key === 'db.pbrs')!
      .properties.find((p) => p.key === 'scoreboard')!;
    expect(valueRequest(overall, 'Yellow')).toEqual({ select: { name: 'Yellow' } });
    expect(valueRequest(overall, '')).toEqual({ select: null });
    expect(() => valueRequest(overall, 'Amber')).toThrow(UnwritableValue);
    expect(() => valueRequest('people', 'Ada Admin')).toThrow(UnwritableValue);
    expect(() => valueRequest('relation', 'Acme Cloud')).toThrow(UnwritableValue);
    expect(valueRequest('date', '2027-05-03')).toEqual({ date: { start: '2027-05-03' } });
    expect(valueRequest('date', '')).toEqual({ date: null });
    expect(() => valueRequest('date', 'next Tuesday')).toThrow(UnwritableValue);
  });
});
