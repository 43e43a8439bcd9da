// Upgrading a workbook whose table tab lacks columns the blueprint added: inserted in place, user rows and formulas kept.
import type { sheets_v4 } from '@googleapis/sheets';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { planTable } from '../../src/sync/planner.js';
import {
  logEntriesOf,
  readSheetsSide,
  sheetsTablesOf,
  tableSpecOf,
  writeSheetsSide,
} from '../../src/sync/sheets-side.js';
import { GoogleApi } from '../../src/targets/sheets/google-api.js';
import { installWorkbook, planWorkbook } from '../../src/targets/sheets/install.js';
import { METADATA_COLUMN } from '../../src/targets/sheets/requests.js';
import { createFakeGoogle, type FakeGoogle } from '../fakes/google/index.js';
import { editedTemplates } from '../helpers.js';

const NEW_COLUMNS = ['channel', 'owner', 'launch_date'];
const config = parseConfig({ company: { name: 'Ridgeway Dispatch' } }, 'test', '2027-01-04');
const ws = compile(loadBlueprint(), config);
/** The blueprint before Partner Scoring gained Sourcing channel, Owner and Launch date. */
const old = compile(
  loadBlueprint(
    editedTemplates({
      'blueprint/workbook.yaml': (t) =>
        t
          .split('\n')
          .filter((l) => !/\{ key: (channel|owner|launch_date),/.test(l))
          // The Start tab's Program health block came later still: its owner count reads that column.
          .filter((l) => !l.includes('{range:partner_scoring.owner}'))
          .join('\n'),
      'blueprint/sync.yaml': (t) =>
        t
          .split('\n')
          .filter((l) => !/sheet: (channel|owner|launch_date),/.test(l))
          .join('\n'),
    }),
  ),
  config,
);
const scoringOf = (w: typeof ws) => w.workbook.tabs.find((t) => t.key === 'partner_scoring')!;
const letterIn = (w: typeof ws, key: string) =>
  scoringOf(w).table!.columns.find((c) => c.key === key)!.letter;
const ratingKeys = scoringOf(ws)
  .table!.columns.filter((c) => c.kind === 'rating')
  .map((c) => c.key);

let google: FakeGoogle;
let api: GoogleApi;
let spreadsheetId: string;

beforeEach(async () => {
  google = createFakeGoogle({ recordBodies: true });
  await google.listen();
  const tokens = google.issueToken(['drive.file', 'script.projects']);
  api = new GoogleApi({
    auth: google.oauthClient({ refreshToken: tokens.refreshToken }),
    rootUrl: google.rootUrl,
  });
});
afterEach(() => google.close());

/** Partner Scoring's column positions (key → 0-based index), from the column metadata. */
async function scoringColumns(): Promise<Map<string, number>> {
  const got = await api.sheets.spreadsheets.get({
    spreadsheetId,
    fields: 'sheets(properties(title),data(columnMetadata(developerMetadata(metadataKey,metadataValue))))',
  });
  const sheet = got.data.sheets!.find((s) => s.properties?.title === 'Partner Scoring')!;
  const columns = new Map<string, number>();
  (sheet.data?.[0]?.columnMetadata ?? []).forEach((c, i) => {
    for (const m of c.developerMetadata ?? [])
      if (m.metadataKey === METADATA_COLUMN) columns.set(m.metadataValue!, i);
  });
  return columns;
}

async function row(r: number, render: 'FORMULA' | 'UNFORMATTED_VALUE' = 'UNFORMATTED_VALUE') {
  const got = await api.sheets.spreadsheets.values.get({
    spreadsheetId,
    range: `'Partner Scoring'!${r}:${r}`,
    valueRenderOption: render,
  });
  return got.data.values?.[0] ?? [];
}

/** A person's row typed on the old layout: row 9, below the examples. */
async function typeUserRow(): Promise<void> {
  const at = (key: string) => `'Partner Scoring'!${letterIn(old, key)}9`;
  const data: sheets_v4.Schema$ValueRange[] = [
    { range: at('name'), values: [['Harbor Freight Brokers']] },
    { range: at('stage'), values: [['Active']] },
    { range: at('signed_on'), values: [['2027-02-01']] },
    ...ratingKeys.map((key, i) => ({ range: at(key), values: [[(i % 5) + 1]] })),
  ];
  await api.sheets.spreadsheets.values.batchUpdate({
    spreadsheetId,
    requestBody: { valueInputOption: 'USER_ENTERED', data },
  });
}

/** By column key, the values of row `r` read on the layout of `w`. */
async function valuesByKey(w: typeof ws, r: number): Promise<Record<string, unknown>> {
  const values = await row(r);
  const out: Record<string, unknown> = {};
  scoringOf(w).table!.columns.forEach((c, i) => {
    out[c.key] = values[i] ?? '';
  });
  return out;
}

describe('install --target sheets on a workbook whose table lacks new blueprint columns', () => {
  it('inserts them with their tags, keeps user rows and formulas, writes nothing the second time, and sync works', async () => {
    spreadsheetId = (await installWorkbook(api, old, null)).spreadsheetId;
    await typeUserRow();
    const before = await valuesByKey(old, 9);
    const examplesBefore = await Promise.all([3, 4, 5, 6].map((r) => valuesByKey(old, r)));
    expect(typeof before.score).toBe('number');

    const plan = await planWorkbook(api, ws, null);
    expect(plan.action).toBe('upgrade');
    expect(plan.addColumns).toEqual([
      'Partner Scoring: Sourcing channel',
      'Partner Scoring: Owner',
      'Partner Scoring: Launch date',
    ]);

    const result = await installWorkbook(api, ws, null);
    expect(result.action).toBe('upgraded');
    expect(result.addedColumns).toEqual(plan.addColumns);
    expect(result.skippedColumns).toEqual([]);
    expect(result.addedTabs).toEqual([]);

    // Every column, new and old, sits where the blueprint puts it, found by its tag, with its header.
    const columns = await scoringColumns();
    const blueprint = scoringOf(ws).table!.columns;
    expect(Object.fromEntries(columns)).toEqual(Object.fromEntries(blueprint.map((c, i) => [c.key, i])));
    const headers = await row(1);
    expect(headers.slice(0, blueprint.length)).toEqual(blueprint.map((c) => c.header));

    // The person's row: each value in its own (moved) column, the new columns blank, the score the same.
    const after = await valuesByKey(ws, 9);
    for (const key of Object.keys(before)) expect([key, after[key]]).toEqual([key, before[key]]);
    for (const key of NEW_COLUMNS) expect([key, after[key]]).toEqual([key, '']);
    const examplesAfter = await Promise.all([3, 4, 5, 6].map((r) => valuesByKey(ws, r)));
    expect(examplesAfter.map((e) => [e.name, e.score, e.rank, e.recommendation])).toEqual(
      examplesBefore.map((e) => [e.name, e.score, e.rank, e.recommendation]),
    );
    // The formula reads the moved rating columns (Sheets shifted its references).
    const formulas = await row(9, 'FORMULA');
    const ratingLetters = ratingKeys.map((k) => letterIn(ws, k));
    expect(String(formulas[blueprint.findIndex((c) => c.key === 'rated_weight')])).toContain(
      `${ratingLetters[0]}9:${ratingLetters.at(-1)}9`,
    );

    // The new date column validates dates, like a freshly installed one.
    const launch = letterIn(ws, 'launch_date');
    const rules = await api.sheets.spreadsheets.get({
      spreadsheetId,
      ranges: [`'Partner Scoring'!${launch}9`, `'Partner Scoring'!${letterIn(ws, 'channel')}9`],
      fields: 'sheets(data(rowData(values(dataValidation))))',
    });
    const [launchCell, channelCell] = rules.data.sheets![0]!.data!.map((d) => d.rowData?.[0]?.values?.[0]);
    expect(launchCell?.dataValidation?.condition?.type).toBe('DATE_IS_VALID');
    expect(channelCell?.dataValidation).toBeUndefined(); // not the Stage dropdown of its left neighbour

    // A second upgrade finds nothing to do.
    google.clearLog();
    const again = await installWorkbook(api, ws, null);
    expect(again.action).toBe('unchanged');
    expect(again.writes).toBe(0);
    expect(google.count('POST', /:batchUpdate$/)).toBe(0);

    // Sync finds every column and writes a Notion value into the new column.
    const tables = sheetsTablesOf(ws);
    const read = await readSheetsSide(api, spreadsheetId, tables);
    const typed = read.tables.get('partner_scoring')!.find((r) => r.values.name === 'Harbor Freight Brokers');
    expect(typed?.values.channel).toBeNull();
    const now = '2027-03-01T10:00:00.000Z';
    const plans = tables.map((table) =>
      planTable({
        spec: tableSpecOf(table),
        notionRows:
          table.key === 'partner_scoring'
            ? [
                {
                  pageId: 'p-new',
                  values: { name: 'Synced Partner', channel: 'Search', owner: 'Dana' },
                  trashed: false,
                  lastEditedTime: now,
                },
              ]
            : [],
        full: false,
        sheetRows: read.tables.get(table.key) ?? [],
        baseline: read.baseline.get(table.key) ?? { rows: {} },
        now,
      }),
    );
    await writeSheetsSide(api, read, plans, logEntriesOf(plans, now), { run: { id: 'run-1', at: now } });
    const reread = await readSheetsSide(api, spreadsheetId, tables);
    const synced = reread.tables.get('partner_scoring')!.find((r) => r.pageId === 'p-new');
    expect(synced?.values).toMatchObject({ name: 'Synced Partner', channel: 'Search', owner: 'Dana' });
    const syncedRow = await valuesByKey(ws, synced!.row);
    expect([syncedRow.name, syncedRow.channel, syncedRow.owner]).toEqual([
      'Synced Partner',
      'Search',
      'Dana',
    ]);
  });

  it('repairs a current workbook that lost a synced column; sync names it first, and install says what it cannot add', async () => {
    spreadsheetId = (await installWorkbook(api, ws, null)).spreadsheetId;
    const columns = await scoringColumns();
    const sheetId = (
      await api.sheets.spreadsheets.get({ spreadsheetId, fields: 'sheets(properties)' })
    ).data.sheets!.find((s) => s.properties?.title === 'Partner Scoring')!.properties!.sheetId!;
    const deleteColumn = (key: string): sheets_v4.Schema$Request => ({
      deleteDimension: {
        range: {
          sheetId,
          dimension: 'COLUMNS',
          startIndex: columns.get(key)!,
          endIndex: columns.get(key)! + 1,
        },
      },
    });
    const examplesBefore = await Promise.all([3, 4, 5, 6].map((r) => valuesByKey(ws, r)));
    // The Recommendation (formula) and Owner columns deleted by hand: the version stays current.
    await api.sheets.spreadsheets.batchUpdate({
      spreadsheetId,
      requestBody: { requests: [deleteColumn('recommendation'), deleteColumn('owner')] },
    });
    const tables = sheetsTablesOf(ws);
    const error = await readSheetsSide(api, spreadsheetId, tables).catch((e: Error & { hint?: string }) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/"Partner Scoring".*"owner".*"recommendation"/);
    expect((error as Error & { hint?: string }).hint).toContain('install --target sheets');

    const repaired = await installWorkbook(api, ws, null);
    expect(repaired.action).toBe('upgraded');
    expect(repaired.addedColumns).toEqual(['Partner Scoring: Owner', 'Partner Scoring: Recommendation']);
    expect(repaired.skippedColumns).toEqual([]);
    const blueprint = scoringOf(ws).table!.columns;
    expect(Object.fromEntries(await scoringColumns())).toEqual(
      Object.fromEntries(blueprint.map((c, i) => [c.key, i])),
    );
    // The recommendation formula is back on every data row and computes as before.
    const examplesAfter = await Promise.all([3, 4, 5, 6].map((r) => valuesByKey(ws, r)));
    expect(examplesAfter.map((e) => e.recommendation)).toEqual(examplesBefore.map((e) => e.recommendation));
    expect(examplesAfter.map((e) => e.name)).toEqual(examplesBefore.map((e) => e.name));
    await expect(readSheetsSide(api, spreadsheetId, tables)).resolves.toBeDefined();

    // A formula column cannot be placed once columns were moved by hand: reported with why, nothing written.
    const moved = await scoringColumns();
    await api.sheets.spreadsheets.batchUpdate({
      spreadsheetId,
      requestBody: {
        requests: [
          deleteColumn('recommendation'),
          {
            moveDimension: {
              source: {
                sheetId,
                dimension: 'COLUMNS',
                startIndex: moved.get('stage')!,
                endIndex: moved.get('stage')! + 1,
              },
              destinationIndex: moved.get('name')!,
            },
          },
        ],
      },
    });
    google.clearLog();
    const refused = await installWorkbook(api, ws, null);
    expect(refused.addedColumns).toEqual([]);
    expect(refused.skippedColumns).toEqual([
      expect.stringMatching(/^Partner Scoring: Recommendation \(.*moved.*by hand/),
    ]);
    expect(refused.action).toBe('unchanged');
    expect(google.count('POST', /:batchUpdate$/)).toBe(0);
  });
});
