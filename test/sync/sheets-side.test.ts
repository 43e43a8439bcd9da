// The Sheets side of the sync against the fake Google, after a real install: found by metadata, one read, one write.
import type { sheets_v4 } from '@googleapis/sheets';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import { columnLetter } from '../../src/blueprint/compile-workbook.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { planTable } from '../../src/sync/planner.js';
import {
  logEntriesOf,
  readSheetsSide,
  type SheetsSideRead,
  STATE_TITLE,
  sheetsTablesOf,
  sheetsWriteRequests,
  tableSpecOf,
  writeSheetsSide,
} from '../../src/sync/sheets-side.js';
import type { RowValues, TablePlan } from '../../src/sync/types.js';
import { GoogleApi } from '../../src/targets/sheets/google-api.js';
import { installWorkbook } from '../../src/targets/sheets/install.js';
import { METADATA_COLUMN, METADATA_TAB } from '../../src/targets/sheets/requests.js';
import { createFakeGoogle, type FakeGoogle } from '../fakes/google/index.js';
import type { CallRecord } from '../fakes/harness.js';
import { editedTemplates, workbookWithoutArchived } from '../helpers.js';

const ws = compile(
  loadBlueprint(),
  parseConfig({ company: { name: 'Ridgeway Dispatch' } }, 'test', '2027-01-04'),
);
const tables = sheetsTablesOf(ws);
const tableOf = (key: string) => tables.find((t) => t.key === key)!;
/** The first month on the Dashboard: the program start's month. */
const MONTH = `${ws.config.program.start_date.slice(0, 7)}-01`;
const NEXT_MONTH = (() => {
  const [y, m] = MONTH.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
})();

let fake: FakeGoogle;
let api: GoogleApi;
let spreadsheetId: string;

/** Notion as the test sees it: pages per table, with the values the sync reads and writes. */
class Notion {
  pages = new Map<string, Map<string, { values: RowValues; trashed: boolean }>>();

  put(table: string, pageId: string, values: RowValues): void {
    if (!this.pages.has(table)) this.pages.set(table, new Map());
    const page = this.pages.get(table)!.get(pageId);
    if (page) Object.assign(page.values, values);
    else this.pages.get(table)!.set(pageId, { values: { ...values }, trashed: false });
  }

  trash(table: string, pageId: string): void {
    this.pages.get(table)!.get(pageId)!.trashed = true;
  }
}

let clock = 0;

/** One full sync of every table: one read, the planner, Notion updates applied here, one write. */
async function sync(notion: Notion, options: { allowMassArchive?: boolean } = {}) {
  clock += 1;
  const now = `2027-03-01T10:${String(clock).padStart(2, '0')}:00.000Z`;
  const read = await readSheetsSide(api, spreadsheetId, tables);
  const plans: TablePlan[] = tables.map((table) =>
    planTable({
      spec: tableSpecOf(table),
      notionRows: [...(notion.pages.get(table.key) ?? [])].map(([pageId, p]) => ({
        pageId,
        values: { ...p.values },
        trashed: p.trashed,
        lastEditedTime: now,
      })),
      full: true,
      sheetRows: read.tables.get(table.key) ?? [],
      baseline: read.baseline.get(table.key) ?? { rows: {} },
      now,
      ...(options.allowMassArchive ? { allowMassArchive: true } : {}),
    }),
  );
  for (const plan of plans) for (const u of plan.notionUpdates) notion.put(plan.table, u.pageId, u.values);
  const log = logEntriesOf(plans, now);
  const result = await writeSheetsSide(api, read, plans, log, { run: { id: `run-${clock}`, at: now } });
  return { read, plans, log, result };
}

/** A person's edit in the Sheets UI, as the API request it amounts to. */
async function leader(...requests: sheets_v4.Schema$Request[]): Promise<void> {
  await api.sheets.spreadsheets.batchUpdate({ spreadsheetId, requestBody: { requests } });
}

/** A tab's current column index of each column key, read from the column metadata (as a test oracle). */
async function columnsOf(
  tabKey: string,
): Promise<{ sheetId: number; title: string; columns: Map<string, number> }> {
  const found = await api.sheets.spreadsheets.developerMetadata.search({
    spreadsheetId,
    requestBody: {
      dataFilters: [{ developerMetadataLookup: { metadataKey: METADATA_TAB, metadataValue: tabKey } }],
    },
  });
  const sheetId = found.data.matchedDeveloperMetadata![0]!.developerMetadata!.location!.sheetId!;
  const cols = await api.sheets.spreadsheets.developerMetadata.search({
    spreadsheetId,
    requestBody: { dataFilters: [{ developerMetadataLookup: { metadataKey: METADATA_COLUMN } }] },
  });
  const columns = new Map<string, number>();
  for (const m of cols.data.matchedDeveloperMetadata ?? []) {
    const range = m.developerMetadata?.location?.dimensionRange;
    if (range?.sheetId === sheetId) columns.set(m.developerMetadata!.metadataValue!, range.startIndex!);
  }
  const got = await api.sheets.spreadsheets.get({
    spreadsheetId,
    fields: 'sheets(properties(sheetId,title))',
  });
  const title = got.data.sheets!.find((s) => s.properties?.sheetId === sheetId)!.properties!.title!;
  return { sheetId, title, columns };
}

async function cell(range: string, render: 'FORMULA' | 'UNFORMATTED_VALUE' = 'UNFORMATTED_VALUE') {
  const got = await api.sheets.spreadsheets.values.get({ spreadsheetId, range, valueRenderOption: render });
  return got.data.values?.[0]?.[0];
}

/**
 * Removes the example rows (the Start tab tells leaders to), so totals hold only synced rows: every table
 * tab's, formula columns left in place, the ranges taken from the compiled tabs of `installed`.
 */
async function clearExamples(installed: typeof ws = ws): Promise<void> {
  const ranges = installed.workbook.tabs.flatMap((tab) => {
    const table = tab.table;
    const rows = tab.cells.filter((c) => table && c.row >= table.firstDataRow && c.value !== undefined);
    if (!table || !rows.length) return [];
    const last = Math.max(...rows.map((c) => c.row));
    return table.columns
      .filter((c) => c.kind !== 'formula')
      .map((c) => `'${tab.name}'!${c.letter}${table.firstDataRow}:${c.letter}${last}`);
  });
  await api.sheets.spreadsheets.values.batchClear({ spreadsheetId, requestBody: { ranges } });
}

const rowsById = (read: SheetsSideRead, table: string) =>
  new Map((read.tables.get(table) ?? []).flatMap((r) => (r.pageId ? [[r.pageId, r] as const] : [])));

const sheetsCalls = (calls: readonly CallRecord[]) =>
  calls.filter((c) => c.path.startsWith('/v4/spreadsheets'));

beforeEach(async () => {
  fake = createFakeGoogle({ recordBodies: true });
  await fake.listen();
  const tokens = fake.issueToken(['drive.file', 'script.projects']);
  api = new GoogleApi({
    auth: fake.oauthClient({ refreshToken: tokens.refreshToken }),
    rootUrl: fake.rootUrl,
  });
  spreadsheetId = (await installWorkbook(api, ws, null)).spreadsheetId;
  clock = 0;
});

afterEach(() => fake.close());

function metricsPages(notion: Notion): void {
  notion.put('metrics', 'm1', {
    partner: 'Acme',
    month: MONTH,
    leads: 5,
    pipeline: 1000,
    deals_won: 1,
    revenue: 500,
    training: 0.5,
    cost: 100,
  });
  notion.put('metrics', 'm2', {
    partner: 'Bravo',
    month: MONTH,
    leads: 7,
    pipeline: 2000,
    deals_won: 0,
    revenue: 0,
    training: 0.25,
    cost: 200,
  });
  notion.put('metrics', 'm3', {
    partner: 'Crane',
    month: MONTH,
    leads: 11,
    pipeline: 3000,
    deals_won: 2,
    revenue: 900,
    training: 1,
    cost: 300,
  });
  notion.put('metrics', 'm4', {
    partner: 'Delta',
    month: NEXT_MONTH,
    leads: 13,
    pipeline: 0,
    deals_won: 0,
    revenue: 0,
    training: 0,
    cost: 0,
  });
  notion.put('metrics', 'm5', {
    partner: 'Echo',
    month: NEXT_MONTH,
    leads: 17,
    pipeline: 0,
    deals_won: 0,
    revenue: 0,
    training: 0,
    cost: 0,
  });
}

function partnerPages(notion: Notion): void {
  const ratings = (n: number) =>
    Object.fromEntries(
      tableOf('partner_scoring')
        .columns.filter((c) => c.kind === 'rating')
        .map((c) => [c.key, n]),
    );
  notion.put('partner_scoring', 'p1', {
    name: 'Acme',
    type: 'Referral',
    stage: 'Active',
    signed_on: '2027-01-15',
    ...ratings(5),
  });
  notion.put('partner_scoring', 'p2', {
    name: 'Bravo',
    type: 'Referral',
    stage: 'Scoring',
    signed_on: null,
    ...ratings(3),
  });
  notion.put('partner_scoring', 'p3', {
    name: 'Crane',
    type: 'Referral',
    stage: 'Active',
    signed_on: '2027-02-01',
    ...ratings(1),
  });
}

describe('the Sheets side of the sync', () => {
  it('reads every synced table in one call and writes a run in one batchUpdate; a no-op run writes nothing', async () => {
    await clearExamples();
    const notion = new Notion();
    metricsPages(notion);
    partnerPages(notion);
    fake.clearLog();
    const first = await sync(notion);
    // One read (spreadsheets.get) and one batchUpdate: the tables, the log and the new state tab together.
    expect(sheetsCalls(fake.calls).map((c) => `${c.method} ${c.path.replace(spreadsheetId, 'ID')}`)).toEqual([
      'GET /v4/spreadsheets/ID',
      'POST /v4/spreadsheets/ID:batchUpdate',
    ]);
    expect(first.result.calls).toBe(1);
    expect(first.result.counts.appended).toBe(8);
    expect(first.result.createsState).not.toBeNull();

    // The second run takes the workbook's scores into Notion (and the baseline), then nothing is left to do.
    await sync(notion);
    fake.clearLog();
    const idle = await sync(notion);
    expect(idle.result.calls).toBe(0);
    expect(sheetsCalls(fake.calls).map((c) => c.method)).toEqual(['GET']);
    expect(idle.plans.every((p) => p.notionUpdates.length === 0 && p.sheetUpdates.length === 0)).toBe(true);
  });

  it('finds tables by metadata after a tab and a header are renamed, columns moved, rows sorted and a blank row inserted', async () => {
    await clearExamples();
    const notion = new Notion();
    metricsPages(notion);
    partnerPages(notion);
    await sync(notion);
    await sync(notion);

    const metrics = await columnsOf('metrics');
    const scoring = await columnsOf('partner_scoring');
    const leadsTotal = async () => cell(`Dashboard!C5`);
    expect(await leadsTotal()).toBe(23);
    await leader(
      {
        updateSheetProperties: {
          properties: { sheetId: metrics.sheetId, title: 'Monthly numbers' },
          fields: 'title',
        },
      },
      {
        updateCells: {
          range: {
            sheetId: metrics.sheetId,
            startRowIndex: 0,
            endRowIndex: 1,
            startColumnIndex: metrics.columns.get('leads')!,
            endColumnIndex: metrics.columns.get('leads')! + 1,
          },
          rows: [{ values: [{ userEnteredValue: { stringValue: 'Referrals' } }] }],
          fields: 'userEnteredValue',
        },
      },
      // Leads dragged to the front, Notion ID to the far right.
      {
        moveDimension: {
          source: {
            sheetId: metrics.sheetId,
            dimension: 'COLUMNS',
            startIndex: metrics.columns.get('leads')!,
            endIndex: metrics.columns.get('leads')! + 1,
          },
          destinationIndex: 0,
        },
      },
      {
        moveDimension: {
          source: { sheetId: metrics.sheetId, dimension: 'COLUMNS', startIndex: 1, endIndex: 2 },
          destinationIndex: 11,
        },
      },
      {
        sortRange: {
          range: {
            sheetId: metrics.sheetId,
            startRowIndex: 1,
            endRowIndex: 1001,
            startColumnIndex: 0,
            endColumnIndex: 11,
          },
          sortSpecs: [{ dimensionIndex: 0, sortOrder: 'DESCENDING' }],
        },
      },
      {
        insertDimension: {
          range: { sheetId: metrics.sheetId, dimension: 'ROWS', startIndex: 3, endIndex: 4 },
        },
      },
      {
        moveDimension: {
          source: {
            sheetId: scoring.sheetId,
            dimension: 'COLUMNS',
            startIndex: scoring.columns.get('stage')!,
            endIndex: scoring.columns.get('stage')! + 1,
          },
          destinationIndex: 0,
        },
      },
      {
        sortRange: {
          range: {
            sheetId: scoring.sheetId,
            startRowIndex: 2,
            endRowIndex: 302,
            startColumnIndex: 0,
            endColumnIndex: 23,
          },
          sortSpecs: [{ dimensionIndex: scoring.columns.get('name')! + 1, sortOrder: 'DESCENDING' }],
        },
      },
    );
    const moved = await columnsOf('metrics');
    expect(moved.title).toBe('Monthly numbers');
    expect(moved.columns.get('leads')).toBe(0);
    expect(await cell(`'Monthly numbers'!A1`)).toBe('Referrals');
    // Sheets keeps the totals pointing at the moved column; so does the fake.
    expect(await leadsTotal()).toBe(23);

    fake.clearLog();
    const after = await sync(notion);
    expect(after.result.calls).toBe(0); // everything matched by page ID: nothing to write
    const byId = rowsById(after.read, 'metrics');
    expect([...byId.keys()].sort()).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(byId.get('m2')!.values).toMatchObject({ partner: 'Bravo', month: MONTH, leads: 7 });
    expect(after.read.tables.get('metrics')!.map((r) => r.values.partner)).toEqual([
      'Echo',
      'Delta',
      'Crane',
      'Bravo',
      'Acme',
    ]);
    expect(byId.get('m3')!.row).toBe(5); // below the inserted blank row
    const partners = rowsById(after.read, 'partner_scoring');
    expect(partners.get('p1')!.values).toMatchObject({
      name: 'Acme',
      stage: 'Active',
      signed_on: '2027-01-15',
      score: 100,
      rank: 1,
    });

    // A Notion edit lands in the cell where the value is now.
    notion.put('metrics', 'm3', { leads: 12 });
    notion.put('partner_scoring', 'p2', { stage: 'Signed' });
    fake.clearLog();
    const edit = await sync(notion);
    expect(edit.result.calls).toBe(1);
    expect(await cell(`'Monthly numbers'!A5`)).toBe(12);
    expect(await leadsTotal()).toBe(24);
    const stageRow = rowsById(edit.read, 'partner_scoring').get('p2')!.row;
    expect(await cell(`'Partner Scoring'!A${stageRow}`)).toBe('Signed');
    const again = await readSheetsSide(api, spreadsheetId, tables);
    expect(rowsById(again, 'metrics').get('m3')!.values.leads).toBe(12);
  });

  it('writes text that looks like a formula as text, and reads it back unchanged', async () => {
    await clearExamples();
    const notion = new Notion();
    const tricky = ['=HYPERLINK("https://example.com","x")', '+1-800-555-0100', '=1+1', "'quoted", '007'];
    tricky.forEach((name, i) => {
      notion.put('icp_analysis', `c${i}`, {
        name,
        industry: 'Health',
        employees: 10,
        geography: '-5',
        annual_revenue: 1,
        gross_margin: 0.5,
        profitability: 3,
        ease: 4,
      });
    });
    fake.clearLog();
    const { result } = await sync(notion);
    const requests = fake.calls
      .filter((c) => c.method === 'POST' && c.path.endsWith(':batchUpdate'))
      .flatMap((c) => (c.body as sheets_v4.Schema$BatchUpdateSpreadsheetRequest).requests ?? []);
    expect(JSON.stringify(requests)).not.toContain('formulaValue');
    expect(result.calls).toBe(1);
    const icp = await columnsOf('icp_analysis');
    const name = columnLetter(icp.columns.get('name')! + 1);
    const entered = await api.sheets.spreadsheets.values.get({
      spreadsheetId,
      range: `'ICP Analysis'!${name}2:${name}6`,
      valueRenderOption: 'FORMULA',
    });
    expect(entered.data.values?.map((r) => r[0])).toEqual(tricky);
    const geography = columnLetter(icp.columns.get('geography')! + 1);
    expect(await cell(`'ICP Analysis'!${geography}2`)).toBe('-5');
    const read = await readSheetsSide(api, spreadsheetId, tables);
    expect(read.tables.get('icp_analysis')!.map((r) => r.values.name)).toEqual(tricky);
    expect(Object.values(read.baseline.get('icp_analysis')!.rows).map((r) => r.values.name)).toEqual(tricky);

    // A leader types over a Notion-owned cell: reverted, and the overwritten text logged as text.
    await api.sheets.spreadsheets.values.update({
      spreadsheetId,
      range: `'ICP Analysis'!${name}4`,
      valueInputOption: 'RAW',
      requestBody: { values: [['=2+2']] },
    });
    const { log } = await sync(notion);
    expect(log).toEqual([
      expect.objectContaining({ recordId: 'c2', field: 'name', kept: '=1+1', overwritten: '=2+2' }),
    ]);
    expect(await cell(`'ICP Analysis'!${name}4`, 'FORMULA')).toBe('=1+1');
    const logged = await api.sheets.spreadsheets.values.get({
      spreadsheetId,
      range: "'Sync Log'!A2:H2",
      valueRenderOption: 'FORMULA',
    });
    expect(logged.data.values?.[0]?.slice(3)).toEqual(['c2', 'name', '=1+1', '=2+2', expect.any(String)]);
  });

  it('archives the row of a trashed page: kept, greyed, and left out of the Dashboard totals', async () => {
    await clearExamples();
    const notion = new Notion();
    metricsPages(notion);
    partnerPages(notion);
    await sync(notion);
    expect(await cell('Dashboard!C5')).toBe(23);
    const stage = (s: string) =>
      cell(
        `Dashboard!L${5 + ['Sourced', 'Researching', 'Discovery', 'Scoring', 'Negotiating', 'Signed', 'Launching', 'Active'].indexOf(s)}`,
      );
    expect(await stage('Active')).toBe(2);

    notion.trash('metrics', 'm2');
    notion.trash('partner_scoring', 'p3');
    const blocked = await sync(notion);
    expect(blocked.plans.find((p) => p.table === 'partner_scoring')!.blocked).toMatch(/would archive 1 of 3/);
    expect(blocked.result.counts.archived).toBe(1); // Metrics (1 of 5) went through; Partner Scoring was stopped
    const { result, read } = await sync(notion, { allowMassArchive: true });
    expect(result.counts.archived).toBe(1);

    const metrics = await columnsOf('metrics');
    const archived = columnLetter(metrics.columns.get('archived')! + 1);
    const row = rowsById(read, 'metrics').get('m2')!.row;
    expect(await cell(`Metrics!${archived}${row}`)).toBe(true);
    expect(await cell(`Metrics!B${row}`)).toBe('Bravo'); // kept
    expect(await cell('Dashboard!C5')).toBe(16); // 5 + 11: Bravo's 7 leads left out
    expect(await cell('Dashboard!B5')).toBe(2);
    expect(await stage('Active')).toBe(1);
    const rank = await columnsOf('partner_scoring');
    const p3 = rowsById(await readSheetsSide(api, spreadsheetId, tables), 'partner_scoring').get('p3')!;
    expect(p3.archived).toBe(true);
    expect(p3.values.rank).toBeNull(); // an archived partner takes no rank
    expect(await cell(`'Partner Scoring'!${columnLetter(rank.columns.get('rank')! + 1)}3`)).toBe(1);

    // Greyed: the tab's first conditional format greys a whole data row when its Archived box is ticked.
    const book = await api.sheets.spreadsheets.get({
      spreadsheetId,
      fields: 'sheets(properties(sheetId),conditionalFormats)',
    });
    const rules = book.data.sheets!.find((s) => s.properties?.sheetId === metrics.sheetId)!
      .conditionalFormats!;
    const grey = rules[0]!;
    expect(grey.booleanRule?.condition?.type).toBe('CUSTOM_FORMULA');
    const formula = grey.booleanRule!.condition!.values![0]!.userEnteredValue!;
    expect(formula).toBe(`=$${archived}2=TRUE`);
    const range = grey.ranges![0]!;
    expect(range.startRowIndex! < row && row <= range.endRowIndex!).toBe(true);
    const metricsColumns = ws.workbook.tabs.find((t) => t.key === 'metrics')!.table!.columns.length;
    expect([range.startColumnIndex, range.endColumnIndex]).toEqual([0, metricsColumns]); // the whole row
    expect(grey.booleanRule?.format?.backgroundColor).toMatchObject({ red: expect.any(Number) });

    // Restored in Notion: un-archived, counted again.
    notion.pages.get('metrics')!.get('m2')!.trashed = false;
    await sync(notion);
    expect(await cell(`Metrics!${archived}${row}`)).toBe(false);
    expect(await cell('Dashboard!C5')).toBe(23);
  });

  it('round-trips the baseline and the cursor through the hidden state tab, read in the same single read', async () => {
    await clearExamples();
    const notion = new Notion();
    metricsPages(notion);
    partnerPages(notion);
    const { plans } = await sync(notion);
    const read1 = await readSheetsSide(api, spreadsheetId, tables);
    for (const plan of plans) expect(read1.baseline.get(plan.table)).toEqual(plan.baseline);
    expect(read1.lastRun?.id).toBe('run-1');
    const state = await api.sheets.spreadsheets.get({
      spreadsheetId,
      fields: 'sheets(properties(title,hidden))',
    });
    expect(state.data.sheets!.find((s) => s.properties?.title === STATE_TITLE)?.properties?.hidden).toBe(
      true,
    );

    // A cursor written with a run comes back; a later run that names no cursor keeps it.
    const cursor = JSON.stringify({ since: '2027-03-01T10:00:00.000Z', seen: ['p1', 'p2'] });
    await writeSheetsSide(api, read1, [], [], {
      cursor: new Map([['metrics', cursor]]),
      run: { id: 'run-c', at: 'now' },
    });
    notion.put('metrics', 'm1', { leads: 6 });
    await sync(notion);
    fake.clearLog();
    const read2 = await readSheetsSide(api, spreadsheetId, tables);
    expect(fake.count('GET', /^\/v4\/spreadsheets\/[^/:]+$/)).toBe(1);
    expect(read2.cursor.get('metrics')).toBe(cursor);
    expect(read2.baseline.get('metrics')!.rows.m1!.values.leads).toBe(6);
    expect(read2.lastRun?.id).toBe('run-2');
    // Only the changed rows of the state were rewritten: one row of m1, the run row.
    const lastWrite = (await sync(notion)).result;
    expect(lastWrite.calls).toBe(0);
  });

  it('returns a row typed without a Notion ID with pageId null, and never writes a Sheets-owned field or a formula column', async () => {
    await clearExamples();
    const notion = new Notion();
    partnerPages(notion);
    await sync(notion);
    await api.sheets.spreadsheets.values.update({
      spreadsheetId,
      range: "'Partner Scoring'!B9",
      valueInputOption: 'RAW',
      requestBody: { values: [['Typed by a leader']] },
    });
    const read = await readSheetsSide(api, spreadsheetId, tables);
    const typed = read.tables.get('partner_scoring')!.find((r) => r.values.name === 'Typed by a leader')!;
    expect(typed).toMatchObject({ pageId: null, row: 9, archived: false });
    const plan = planTable({
      spec: tableSpecOf(tableOf('partner_scoring')),
      notionRows: [],
      full: false,
      sheetRows: read.tables.get('partner_scoring')!,
      baseline: read.baseline.get('partner_scoring')!,
      now: 'now',
    });
    // Known by what was typed (the Notion-owned fields), not by the formulas computed beside it.
    const typedKeys = tableOf('partner_scoring')
      .fields.filter((f) => f.owner === 'notion')
      .map((f) => f.key);
    expect(plan.orphans).toEqual([
      { row: 9, values: Object.fromEntries(typedKeys.map((k) => [k, typed.values[k]])) },
    ]);
    expect(logEntriesOf([plan], 'now')[0]).toMatchObject({
      recordId: 'row 9',
      reason: expect.stringContaining('no Notion ID'),
    });

    // A plan that would write the score (a formula) is refused before anything is sent.
    const bad: TablePlan = {
      ...plan,
      orphans: [],
      sheetUpdates: [{ pageId: 'p1', row: 3, values: { score: 99 } }],
    };
    expect(() => sheetsWriteRequests(read, [bad], [])).toThrow(/formula column "score"/);

    // A real run's requests touch no formula column of any table.
    partnerPages(notion);
    notion.put('partner_scoring', 'p4', { name: 'Delta', stage: 'Sourced' });
    notion.put('partner_scoring', 'p1', { stage: 'Paused' });
    fake.clearLog();
    await sync(notion);
    const scoring = await columnsOf('partner_scoring');
    const formulaCols = tableOf('partner_scoring')
      .columns.filter((c) => c.kind === 'formula')
      .map((c) => scoring.columns.get(c.key)!);
    const requests = fake.calls
      .filter((c) => c.method === 'POST' && c.path.endsWith(':batchUpdate'))
      .flatMap((c) => (c.body as sheets_v4.Schema$BatchUpdateSpreadsheetRequest).requests ?? []);
    const touched = requests.flatMap((r) =>
      r.updateCells?.range?.sheetId === scoring.sheetId ? [r.updateCells.range] : [],
    );
    expect(touched.length).toBeGreaterThan(0);
    for (const range of touched)
      for (const col of formulaCols)
        expect(col < range.startColumnIndex! || col >= range.endColumnIndex!).toBe(true);
    expect(requests.every((r) => !r.appendCells)).toBe(true);
  });

  it('syncs a workbook installed before the Archived column, and says it cannot mark archived rows there', async () => {
    const old = compile(
      loadBlueprint(editedTemplates({ 'blueprint/workbook.yaml': workbookWithoutArchived })),
      ws.config,
    );
    await fake.close();
    fake = createFakeGoogle();
    await fake.listen();
    const tokens = fake.issueToken(['drive.file', 'script.projects']);
    api = new GoogleApi({
      auth: fake.oauthClient({ refreshToken: tokens.refreshToken }),
      rootUrl: fake.rootUrl,
    });
    spreadsheetId = (await installWorkbook(api, old, null)).spreadsheetId;
    await clearExamples(old);
    const notion = new Notion();
    metricsPages(notion);
    await sync(notion);
    notion.trash('metrics', 'm1');
    const { read, result } = await sync(notion);
    expect(read.warnings).toContainEqual(expect.stringContaining('"Metrics" has no Archived column'));
    expect(result.warnings).toEqual(['Metrics: 1 row(s) not marked (no Archived column)']);
    expect(result.counts.archived).toBe(0);
    expect(rowsById(read, 'metrics').get('m1')!.archived).toBe(false);
  });
});
