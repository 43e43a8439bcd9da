// Conformance: each rule the fake Google enforces, traced to Google's reference (see google/CONFORMANCE.md).
// Every test here fails if its rule is removed from the fake; the row in CONFORMANCE.md names the test.
import { readFileSync } from 'node:fs';
import type { sheets_v4 } from '@googleapis/sheets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { APPS_SCRIPT_BUNDLE, APPS_SCRIPT_MANIFEST } from '../../src/platform/paths.js';
import { GoogleApi } from '../../src/targets/sheets/google-api.js';
import { installWorkbook } from '../../src/targets/sheets/install.js';
import {
  createFakeGoogle,
  FakeClock,
  type FakeGoogle,
  type FakeGoogleClients,
  MIME,
} from './google/index.js';

interface Failure {
  status?: number;
  message: string;
  response?: { status: number; data: unknown; headers: Headers };
}

interface GoogleError {
  code: number;
  message: string;
  status?: string;
  errors?: Record<string, unknown>[];
}

async function failure(call: Promise<unknown>): Promise<Failure> {
  try {
    await call;
  } catch (error) {
    return error as Failure;
  }
  throw new Error('expected the call to fail');
}

function googleError(f: Failure): GoogleError {
  expect(f.response, f.message).toBeDefined();
  return (f.response!.data as { error: GoogleError }).error;
}

const NO_RETRY = { retry: false } as const;
const OTHER_CLIENT = 'other-project.apps.googleusercontent.com';

let fake: FakeGoogle;
let app: FakeGoogleClients;

beforeAll(async () => {
  fake = createFakeGoogle();
  await fake.listen();
  app = fake.clients(['drive.file', 'script.projects']);
  fake.state.auth.registerClient(OTHER_CLIENT, 'other-secret');
});

afterAll(async () => {
  await fake.close();
});

async function newBook(sheetTitles = ['Data']): Promise<string> {
  const res = await app.sheets.spreadsheets.create({
    requestBody: {
      properties: { title: 'Conformance' },
      sheets: sheetTitles.map((title) => ({ properties: { title } })),
    },
  });
  return res.data.spreadsheetId!;
}

/** One batchUpdate; resolves to the response or rejects with the GaxiosError. */
function batch(spreadsheetId: string, requests: unknown[], clients: FakeGoogleClients = app) {
  return clients.sheets.spreadsheets.batchUpdate(
    { spreadsheetId, requestBody: { requests: requests as sheets_v4.Schema$Request[] } },
    NO_RETRY,
  );
}

/** The 400 INVALID_ARGUMENT message of a batchUpdate that must fail. */
async function rejected(spreadsheetId: string, requests: unknown[]): Promise<string> {
  const f = await failure(batch(spreadsheetId, requests));
  expect(f.status, f.message).toBe(400);
  const e = googleError(f);
  expect(e.status).toBe('INVALID_ARGUMENT');
  return e.message;
}

const column = (sheetId: number, col: number): sheets_v4.Schema$ChartData => ({
  sourceRange: {
    sources: [{ sheetId, startRowIndex: 0, endRowIndex: 5, startColumnIndex: col, endColumnIndex: col + 1 }],
  },
});

function chart(spec: sheets_v4.Schema$BasicChartSpec, position?: sheets_v4.Schema$EmbeddedObjectPosition) {
  return {
    addChart: {
      chart: {
        spec: { basicChart: spec },
        position: position ?? {
          overlayPosition: { anchorCell: { sheetId: 0, rowIndex: 0, columnIndex: 5 } },
        },
      },
    },
  };
}

describe('spreadsheets.create', () => {
  it('keeps the sheetIds the request names and rejects a negative or repeated sheetId', async () => {
    const created = await app.sheets.spreadsheets.create({
      requestBody: {
        sheets: [{ properties: { title: 'A', sheetId: 7 } }, { properties: { title: 'B', sheetId: 3 } }],
      },
    });
    expect(created.data.sheets?.map((s) => s.properties?.sheetId)).toEqual([7, 3]);
    const repeated = await failure(
      app.sheets.spreadsheets.create(
        {
          requestBody: {
            sheets: [{ properties: { title: 'A', sheetId: 1 } }, { properties: { title: 'B', sheetId: 1 } }],
          },
        },
        NO_RETRY,
      ),
    );
    expect(googleError(repeated)).toMatchObject({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: 'Invalid sheets[1]: Sheet with id 1 already exists.',
    });
    const negative = await failure(
      app.sheets.spreadsheets.create(
        { requestBody: { sheets: [{ properties: { title: 'A', sheetId: -1 } }] } },
        NO_RETRY,
      ),
    );
    expect(googleError(negative).status).toBe('INVALID_ARGUMENT');
    // An id the fake picks for an unnamed sheet never collides with one the request names.
    const mixed = await app.sheets.spreadsheets.create({
      requestBody: { sheets: [{ properties: { title: 'A' } }, { properties: { title: 'B', sheetId: 0 } }] },
    });
    const ids = mixed.data.sheets!.map((s) => s.properties!.sheetId);
    expect(ids[1]).toBe(0);
    expect(ids[0]).not.toBe(0);
  });
});

describe('batchUpdate: sheets and grid ranges', () => {
  it('addSheet rejects a sheetId that already exists', async () => {
    const id = await newBook();
    expect(await rejected(id, [{ addSheet: { properties: { sheetId: 0, title: 'Again' } } }])).toBe(
      'Invalid requests[0].addSheet: Sheet with id 0 already exists.',
    );
  });

  it('rejects a GridRange whose end index is below its start index, or a negative index', async () => {
    const id = await newBook();
    const range = (r: Partial<sheets_v4.Schema$GridRange>) => [
      { repeatCell: { range: { sheetId: 0, ...r }, cell: { note: 'x' }, fields: 'note' } },
    ];
    expect(await rejected(id, range({ startRowIndex: 5, endRowIndex: 2 }))).toBe(
      "Invalid requests[0].repeatCell: range's end index must not be less than its start index.",
    );
    expect(await rejected(id, range({ startColumnIndex: 3, endColumnIndex: 1 }))).toMatch(/end index/);
    expect(await rejected(id, range({ startRowIndex: -1, endRowIndex: 2 }))).toBe(
      'Invalid requests[0].repeatCell: range indexes must be non-negative.',
    );
    // start == end is an empty range: allowed.
    await batch(id, range({ startRowIndex: 2, endRowIndex: 2 }));
  });

  it('updateCells takes exactly one of start or range', async () => {
    const id = await newBook();
    const rows = [{ values: [{ userEnteredValue: { stringValue: 'x' } }] }];
    expect(
      await rejected(id, [
        { updateCells: { rows, fields: 'userEnteredValue', start: { sheetId: 0 }, range: { sheetId: 0 } } },
      ]),
    ).toBe('Invalid requests[0].updateCells: Exactly one of start or range must be set.');
    expect(await rejected(id, [{ updateCells: { rows, fields: 'userEnteredValue' } }])).toMatch(
      /Exactly one of start or range/,
    );
  });
});

describe('batchUpdate: cell formats', () => {
  it('a written number format needs its type; colour channels stay within [0, 1]', async () => {
    const id = await newBook();
    const cell = (userEnteredFormat: sheets_v4.Schema$CellFormat) => [
      {
        updateCells: {
          start: { sheetId: 0 },
          rows: [{ values: [{ userEnteredFormat }] }],
          fields: 'userEnteredFormat',
        },
      },
    ];
    expect(await rejected(id, cell({ numberFormat: { pattern: '0.0' } }))).toMatch(
      /numberFormat\.type must be set/,
    );
    expect(await rejected(id, cell({ numberFormat: { type: 'MONEY', pattern: '0' } }))).toMatch(
      /NumberFormatType/,
    );
    expect(await rejected(id, cell({ backgroundColor: { red: 183, green: 0.5, blue: 0.5 } }))).toMatch(
      /backgroundColor\.red must be in the interval \[0, 1\]/,
    );
    expect(
      await rejected(id, [
        {
          repeatCell: {
            range: { sheetId: 0, endRowIndex: 1 },
            cell: { userEnteredFormat: { textFormat: { foregroundColor: { blue: -0.1 } } } },
            fields: 'userEnteredFormat',
          },
        },
      ]),
    ).toMatch(/foregroundColor\.blue/);
    // What the product writes passes.
    await batch(
      id,
      cell({ numberFormat: { type: 'CURRENCY', pattern: '"$"#,##0' }, backgroundColor: { red: 1 } }),
    );
  });
});

describe('batchUpdate: conditions in data validation and conditional formats', () => {
  const dv = (condition: sheets_v4.Schema$BooleanCondition) => ({
    setDataValidation: { range: { sheetId: 0, endRowIndex: 3, endColumnIndex: 1 }, rule: { condition } },
  });
  const cf = (condition: sheets_v4.Schema$BooleanCondition) => ({
    addConditionalFormatRule: {
      index: 0,
      rule: {
        ranges: [{ sheetId: 0, endRowIndex: 3, endColumnIndex: 1 }],
        booleanRule: { condition, format: { backgroundColor: { green: 1 } } },
      },
    },
  });

  it('accepts a condition type only in the features the ConditionType reference lists', async () => {
    const id = await newBook();
    const list = { type: 'ONE_OF_LIST', values: [{ userEnteredValue: 'Yes' }] };
    expect(await rejected(id, [cf(list)])).toBe(
      'Invalid requests[0].addConditionalFormatRule: rule.booleanRule.condition: ONE_OF_LIST is not supported by conditional formatting.',
    );
    expect(await rejected(id, [cf({ type: 'DATE_IS_VALID' })])).toMatch(/DATE_IS_VALID is not supported/);
    expect(await rejected(id, [dv({ type: 'BLANK' })])).toBe(
      'Invalid requests[0].setDataValidation: rule.condition: BLANK is not supported by data validation.',
    );
    expect(await rejected(id, [dv({ type: 'TEXT_NOT_EQ', values: [{ userEnteredValue: 'x' }] })])).toMatch(
      /TEXT_NOT_EQ is not supported by data validation/,
    );
    // The kinds the product sends: ONE_OF_LIST, NUMBER_BETWEEN and DATE_IS_VALID as validation, TEXT_EQ as format.
    await batch(id, [
      dv(list),
      dv({ type: 'NUMBER_BETWEEN', values: [{ userEnteredValue: '0' }, { userEnteredValue: '5' }] }),
      dv({ type: 'DATE_IS_VALID' }),
      cf({ type: 'TEXT_EQ', values: [{ userEnteredValue: 'Green' }] }),
    ]);
  });

  it('ONE_OF_LIST takes any number of values', async () => {
    const id = await newBook();
    const values = Array.from({ length: 600 }, (_, i) => ({ userEnteredValue: `v${i}` }));
    await batch(id, [dv({ type: 'ONE_OF_LIST', values })]);
    expect(await rejected(id, [dv({ type: 'ONE_OF_LIST', values: [] })])).toMatch(/ONE_OF_LIST takes/);
  });

  it('a conditional format keeps its ranges on one grid and sets only the formats CF may set', async () => {
    const id = await newBook(['Data', 'Other']);
    const other = (await app.sheets.spreadsheets.get({ spreadsheetId: id })).data.sheets![1]!.properties!
      .sheetId!;
    expect(
      await rejected(id, [
        {
          addConditionalFormatRule: {
            rule: {
              ranges: [
                { sheetId: 0, endRowIndex: 1 },
                { sheetId: other, endRowIndex: 1 },
              ],
              booleanRule: { condition: { type: 'NOT_BLANK' }, format: { textFormat: { bold: true } } },
            },
          },
        },
      ]),
    ).toMatch(/same sheet/);
    expect(
      await rejected(id, [
        {
          addConditionalFormatRule: {
            rule: {
              ranges: [{ sheetId: 0, endRowIndex: 1 }],
              booleanRule: {
                condition: { type: 'NOT_BLANK' },
                format: { numberFormat: { type: 'NUMBER', pattern: '0' } },
              },
            },
          },
        },
      ]),
    ).toMatch(/Conditional formatting cannot set numberFormat/);
  });
});

describe('batchUpdate: protected ranges', () => {
  it('takes a range or a namedRangeId, not both; unprotected ranges only on a protected sheet', async () => {
    const id = await newBook();
    const named = await batch(id, [
      { addNamedRange: { namedRange: { name: 'Inputs', range: { sheetId: 0, endRowIndex: 2 } } } },
    ]);
    const namedRangeId = named.data.replies![0]!.addNamedRange!.namedRange!.namedRangeId!;
    expect(
      await rejected(id, [
        { addProtectedRange: { protectedRange: { range: { sheetId: 0, endRowIndex: 1 }, namedRangeId } } },
      ]),
    ).toMatch(/Only one of range or namedRangeId/);
    expect(
      await rejected(id, [
        {
          addProtectedRange: {
            protectedRange: {
              range: { sheetId: 0, endRowIndex: 5 },
              unprotectedRanges: [{ sheetId: 0, endRowIndex: 1 }],
              warningOnly: true,
            },
          },
        },
      ]),
    ).toBe(
      'Invalid requests[0].addProtectedRange: Unprotected ranges are only supported on protected sheets.',
    );
    const whole = await batch(id, [
      {
        addProtectedRange: {
          protectedRange: { range: { sheetId: 0 }, unprotectedRanges: [{ sheetId: 0, endRowIndex: 1 }] },
        },
      },
    ]);
    expect(whole.data.replies![0]!.addProtectedRange!.protectedRange!.unprotectedRanges).toHaveLength(1);
  });
});

describe('batchUpdate: charts', () => {
  it("a series' targetAxis must be a minor axis for the chart type", async () => {
    const id = await newBook();
    expect(
      await rejected(id, [
        chart({
          chartType: 'BAR',
          domains: [{ domain: column(0, 0) }],
          series: [{ series: column(0, 1), targetAxis: 'LEFT_AXIS' }],
        }),
      ]),
    ).toBe(
      'Invalid requests[0].addChart: chart.spec.basic_chart.series[0].target_axis LEFT_AXIS is not a valid minor axis for a BAR chart.',
    );
    expect(
      await rejected(id, [
        chart({
          chartType: 'COLUMN',
          domains: [{ domain: column(0, 0) }],
          series: [{ series: column(0, 1), targetAxis: 'BOTTOM_AXIS' }],
        }),
      ]),
    ).toMatch(/not a valid minor axis for a COLUMN chart/);
    // As the product sends them: BAR on the bottom axis, LINE and COLUMN on the left.
    await batch(id, [
      chart({
        chartType: 'BAR',
        domains: [{ domain: column(0, 0) }],
        series: [{ series: column(0, 1), targetAxis: 'BOTTOM_AXIS' }],
      }),
      chart({
        chartType: 'LINE',
        domains: [{ domain: column(0, 0) }],
        series: [{ series: column(0, 1), targetAxis: 'LEFT_AXIS' }],
      }),
      chart({
        chartType: 'COLUMN',
        domains: [{ domain: column(0, 0) }],
        series: [{ series: column(0, 1), targetAxis: 'RIGHT_AXIS' }],
      }),
    ]);
  });

  it('takes one domain, enum values for chartType and legendPosition, and one kind of position', async () => {
    const id = await newBook();
    expect(
      await rejected(id, [
        chart({ chartType: 'LINE', domains: [{ domain: column(0, 0) }, { domain: column(0, 2) }] }),
      ]),
    ).toMatch(/Only a single domain is supported/);
    expect(await rejected(id, [chart({ chartType: 'DONUT' })])).toMatch(/BasicChartType\), "DONUT"/);
    expect(await rejected(id, [chart({ chartType: 'LINE', legendPosition: 'UNDER' })])).toMatch(
      /BasicChartLegendPosition\), "UNDER"/,
    );
    expect(
      await rejected(id, [
        chart(
          { chartType: 'LINE' },
          { newSheet: true, overlayPosition: { anchorCell: { sheetId: 0, rowIndex: 0, columnIndex: 0 } } },
        ),
      ]),
    ).toMatch(/Exactly one of position\.sheetId, position\.overlayPosition or position\.newSheet/);
    // "It is an error to specify the ID of an embedded object that already exists."
    const first = chart({ chartType: 'LINE' });
    await batch(id, [{ addChart: { chart: { ...first.addChart.chart, chartId: 99 } } }]);
    expect(await rejected(id, [{ addChart: { chart: { ...first.addChart.chart, chartId: 99 } } }])).toMatch(
      /Chart with id 99 already exists/,
    );
  });
});

describe('developer metadata', () => {
  const meta = (developerMetadata: sheets_v4.Schema$DeveloperMetadata) => ({
    createDeveloperMetadata: { developerMetadata },
  });

  it('needs a key, a visibility and a positive metadataId that is not in use', async () => {
    const id = await newBook();
    const where = { location: { spreadsheet: true }, visibility: 'PROJECT' };
    expect(await rejected(id, [meta({ ...where })])).toMatch(/metadataKey is required/);
    expect(await rejected(id, [meta({ ...where, metadataKey: 'k', metadataId: 0 })])).toMatch(
      /must be positive/,
    );
    await batch(id, [meta({ ...where, metadataKey: 'k', metadataId: 42 })]);
    expect(await rejected(id, [meta({ ...where, metadataKey: 'k', metadataId: 42 })])).toMatch(
      /ID 42 already exists/,
    );
    expect(
      await rejected(id, [meta({ location: { spreadsheet: true }, metadataKey: 'k', visibility: 'PUBLIC' })]),
    ).toMatch(/visibility must be DOCUMENT or PROJECT/);
  });

  it('PROJECT-visible metadata is seen and matched only by the project that made it; DOCUMENT metadata by all', async () => {
    // Another OAuth client stands for another developer project; it reaches the file through the full scope.
    const other = fake.clients(['spreadsheets'], { clientId: OTHER_CLIENT });
    const id = await newBook();
    await batch(id, [
      meta({
        metadataKey: 'mine',
        metadataValue: 'p',
        location: { spreadsheet: true },
        visibility: 'PROJECT',
      }),
      meta({
        metadataKey: 'shared',
        metadataValue: 'd',
        location: { spreadsheet: true },
        visibility: 'DOCUMENT',
      }),
      meta({ metadataKey: 'mine', location: { sheetId: 0 }, visibility: 'PROJECT' }),
    ]);
    const keys = async (clients: FakeGoogleClients) => {
      const got = await clients.sheets.spreadsheets.get({ spreadsheetId: id });
      return [
        ...(got.data.developerMetadata ?? []).map((m) => m.metadataKey),
        ...(got.data.sheets?.[0]?.developerMetadata ?? []).map((m) => `sheet:${m.metadataKey}`),
      ];
    };
    expect(await keys(app)).toEqual(['mine', 'shared', 'sheet:mine']);
    expect(await keys(other)).toEqual(['shared']);
    const search = (clients: FakeGoogleClients) =>
      clients.sheets.spreadsheets.developerMetadata.search({
        spreadsheetId: id,
        requestBody: { dataFilters: [{ developerMetadataLookup: { metadataKey: 'mine' } }] },
      });
    expect((await search(app)).data.matchedDeveloperMetadata).toHaveLength(2);
    expect((await search(other)).data.matchedDeveloperMetadata).toBeUndefined();
    const mineId = (await search(app)).data.matchedDeveloperMetadata![0]!.developerMetadata!.metadataId!;
    const hidden = await failure(
      other.sheets.spreadsheets.developerMetadata.get({ spreadsheetId: id, metadataId: mineId }, NO_RETRY),
    );
    expect(hidden.status).toBe(404);
    // Another project's delete by key does not reach this project's entries.
    const deleted = await batch(
      id,
      [{ deleteDeveloperMetadata: { dataFilter: { developerMetadataLookup: { metadataKey: 'mine' } } } }],
      other,
    );
    expect(deleted.data.replies![0]!.deleteDeveloperMetadata!.deletedDeveloperMetadata).toEqual([]);
    expect((await search(app)).data.matchedDeveloperMetadata).toHaveLength(2);
  });

  it('developerMetadata.get and search refuse read-only scopes', async () => {
    const id = await newBook();
    await batch(id, [
      meta({ metadataKey: 'k', metadataId: 7, location: { spreadsheet: true }, visibility: 'DOCUMENT' }),
    ]);
    const readonly = fake.clients(['spreadsheets.readonly', 'drive.readonly']);
    await readonly.sheets.spreadsheets.get({ spreadsheetId: id });
    const get = await failure(
      readonly.sheets.spreadsheets.developerMetadata.get({ spreadsheetId: id, metadataId: 7 }, NO_RETRY),
    );
    expect(get.status).toBe(403);
    const search = await failure(
      readonly.sheets.spreadsheets.developerMetadata.search(
        {
          spreadsheetId: id,
          requestBody: { dataFilters: [{ developerMetadataLookup: { metadataKey: 'k' } }] },
        },
        NO_RETRY,
      ),
    );
    expect(search.status).toBe(403);
    const full = fake.clients(['spreadsheets']);
    expect(
      (await full.sheets.spreadsheets.developerMetadata.get({ spreadsheetId: id, metadataId: 7 })).data
        .metadataKey,
    ).toBe('k');
  });
});

describe('spreadsheets.values', () => {
  it('reads and writes through a named range given as the range (as the product links the Start tab)', async () => {
    const id = await newBook();
    await batch(id, [
      {
        addNamedRange: {
          namedRange: {
            name: 'HubLink',
            range: { sheetId: 0, startRowIndex: 4, endRowIndex: 5, startColumnIndex: 1, endColumnIndex: 2 },
          },
        },
      },
    ]);
    const link = '=HYPERLINK("https://www.notion.so/x","Open the Notion hub")';
    await app.sheets.spreadsheets.values.update({
      spreadsheetId: id,
      range: 'HubLink',
      valueInputOption: 'USER_ENTERED',
      requestBody: { values: [[link]] },
    });
    const got = await app.sheets.spreadsheets.values.get({
      spreadsheetId: id,
      range: 'HubLink',
      valueRenderOption: 'FORMULA',
    });
    expect(got.data).toMatchObject({ range: 'Data!B5', values: [[link]] });
  });
});

describe('Drive appProperties', () => {
  it('limits a property to 124 bytes of key and value, an app to 30, and clears an entry set to null', async () => {
    const created = await app.drive.files.create({
      requestBody: {
        name: 'props',
        mimeType: MIME.spreadsheet,
        appProperties: { partnernomics: 'workbook' },
      },
    });
    const fileId = created.data.id!;
    const long = await failure(
      app.drive.files.update({ fileId, requestBody: { appProperties: { k: 'v'.repeat(124) } } }, NO_RETRY),
    );
    expect(long.status).toBe(400);
    expect(googleError(long).errors?.[0]).toMatchObject({ reason: 'badRequest', location: 'appProperties' });
    await app.drive.files.update({ fileId, requestBody: { appProperties: { k: 'v'.repeat(123) } } });

    const many = Object.fromEntries(Array.from({ length: 29 }, (_, i) => [`p${i}`, 'x']));
    const tooMany = await failure(
      app.drive.files.update({ fileId, requestBody: { appProperties: many } }, NO_RETRY),
    );
    expect(tooMany.status).toBe(400);
    expect(googleError(tooMany).message).toBe(
      'The file would have more than 30 private properties for this app.',
    );
    const publicMany = Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`q${i}`, 'x']));
    const tooManyPublic = await failure(
      app.drive.files.update({ fileId, requestBody: { properties: publicMany } }, NO_RETRY),
    );
    expect(googleError(tooManyPublic).message).toBe('The file would have more than 30 public properties.');

    await app.drive.files.update({
      fileId,
      requestBody: { appProperties: { k: null } as unknown as Record<string, string> },
    });
    const got = await app.drive.files.get({ fileId, fields: 'appProperties' });
    expect(got.data.appProperties).toEqual({ partnernomics: 'workbook' });
  });
});

describe('Apps Script updateContent', () => {
  it('needs the manifest named appsscript of type JSON, and only the manifest may be JSON', async () => {
    const id = await newBook();
    const { scriptId } = (await app.script.projects.create({ requestBody: { title: 'P', parentId: id } }))
      .data;
    const push = (files: { name: string; type: string; source: string }[]) =>
      failure(app.script.projects.updateContent({ scriptId: scriptId!, requestBody: { files } }, NO_RETRY));
    const manifest = { name: 'appsscript', type: 'JSON', source: '{"timeZone":"Etc/UTC"}' };
    const asJs = await push([{ ...manifest, type: 'SERVER_JS' }]);
    expect(googleError(asJs).message).toBe('Project contents must include a manifest file named appsscript.');
    const extraJson = await push([manifest, { name: 'config', type: 'JSON', source: '{}' }]);
    expect(googleError(extraJson)).toMatchObject({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: 'Only the manifest file (appsscript) may be of type JSON, not config.',
    });
    const badType = await push([manifest, { name: 'Code', type: 'GS', source: '' }]);
    expect(googleError(badType).message).toMatch(/FileType\), "GS"/);
  });
});

describe('batchUpdate: insertDimension (upgrades insert new columns)', () => {
  it('insertDimension: inheriting from before needs a start above 0; the cells at and after the start move on', async () => {
    const id = await newBook();
    await batch(id, [
      {
        updateCells: {
          start: { sheetId: 0, rowIndex: 0, columnIndex: 0 },
          rows: [
            {
              values: [
                { userEnteredValue: { stringValue: 'A' } },
                { userEnteredValue: { stringValue: 'B' } },
              ],
            },
          ],
          fields: 'userEnteredValue',
        },
      },
    ]);
    const insert = (startIndex: number, inheritFromBefore: boolean) => ({
      insertDimension: {
        range: { sheetId: 0, dimension: 'COLUMNS', startIndex, endIndex: startIndex + 1 },
        inheritFromBefore,
      },
    });
    // "True to inherit from the dimensions before (in which case the start index must be greater than 0)".
    expect(await rejected(id, [insert(0, true)])).toMatch(/inherit from before/i);
    // The product's shape (inheritFromBefore: start > 0) passes at the start and in the middle of a row.
    await batch(id, [insert(1, true)]);
    await batch(id, [insert(0, false)]);
    const row = await app.sheets.spreadsheets.values.get({ spreadsheetId: id, range: 'Data!A1:D1' });
    expect(row.data.values).toEqual([['', 'A', '', 'B']]);
  });
});

describe('batchUpdate: repeatCell (sync writes number formats)', () => {
  it('repeatCell: writes the cell to every cell of the range, only the fields listed, which must not be empty', async () => {
    const id = await newBook();
    const range = { sheetId: 0, startRowIndex: 0, endRowIndex: 2, startColumnIndex: 0, endColumnIndex: 1 };
    await batch(id, [
      {
        updateCells: {
          start: { sheetId: 0, rowIndex: 0, columnIndex: 0 },
          rows: [0, 1, 2].map((n) => ({
            values: [
              { userEnteredValue: { numberValue: n }, userEnteredFormat: { textFormat: { bold: true } } },
            ],
          })),
          fields: 'userEnteredValue,userEnteredFormat.textFormat.bold',
        },
      },
    ]);
    const numberFormat = { type: 'CURRENCY', pattern: '"$"#,##0' };
    expect(
      await rejected(id, [{ repeatCell: { range, cell: { userEnteredFormat: { numberFormat } } } }]),
    ).toMatch(/At least one field must be listed in 'fields'/);
    await batch(id, [
      {
        repeatCell: {
          range,
          cell: { userEnteredFormat: { numberFormat } },
          fields: 'userEnteredFormat.numberFormat',
        },
      },
    ]);
    const got = await app.sheets.spreadsheets.get({
      spreadsheetId: id,
      ranges: ['Data!A1:A3'],
      fields: 'sheets(data(rowData(values(userEnteredValue,userEnteredFormat))))',
    });
    const cells = got.data.sheets?.[0]?.data?.[0]?.rowData?.map((r) => r.values?.[0]) ?? [];
    expect(cells.map((c) => c?.userEnteredValue?.numberValue)).toEqual([0, 1, 2]);
    expect(cells.map((c) => c?.userEnteredFormat?.textFormat?.bold)).toEqual([true, true, true]);
    expect(cells.map((c) => c?.userEnteredFormat?.numberFormat?.type)).toEqual([
      'CURRENCY',
      'CURRENCY',
      undefined,
    ]);
  });
});

describe('Apps Script getContent (the selftest reads the pushed code back)', () => {
  it('getContent answers the files of the last push with their types and sources; it needs a script scope', async () => {
    const id = await newBook();
    const { scriptId } = (await app.script.projects.create({ requestBody: { title: 'P', parentId: id } }))
      .data;
    const manifest = { name: 'appsscript', type: 'JSON', source: '{"timeZone":"Etc/UTC"}' };
    const push = (files: { name: string; type: string; source: string }[]) =>
      app.script.projects.updateContent({ scriptId: scriptId!, requestBody: { files } });
    await push([manifest, { name: 'Old', type: 'SERVER_JS', source: 'function a() {}' }]);
    await push([{ name: 'Code', type: 'SERVER_JS', source: 'function b() {}' }, manifest]);
    const readonly = fake.clients(['script.projects.readonly']);
    const content = await readonly.script.projects.getContent({ scriptId: scriptId! });
    expect(content.data.scriptId).toBe(scriptId);
    expect(content.data.files?.map((f) => [f.name, f.type, f.source])).toEqual([
      ['Code', 'SERVER_JS', 'function b() {}'],
      ['appsscript', 'JSON', manifest.source],
    ]);
    const sheetsOnly = fake.clients(['drive.file']);
    const denied = await failure(sheetsOnly.script.projects.getContent({ scriptId: scriptId! }, NO_RETRY));
    expect(denied.status).toBe(403);
  });
});

describe('Sheets per-minute quota', () => {
  it('can answer the 429 without Retry-After, as the usage-limits page describes no such header', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 15, 9, 0, 10));
    const limited = createFakeGoogle({ clock, quota: { retryAfter: false }, formulas: 'none' });
    await limited.listen();
    try {
      const c = limited.clientsFor(
        limited.oauthClient({ accessToken: limited.issueToken(['spreadsheets']).accessToken }),
      );
      const id = limited.state.seedSpreadsheet();
      for (let i = 0; i < 60; i++) await c.sheets.spreadsheets.values.get({ spreadsheetId: id, range: 'A1' });
      const f = await failure(c.sheets.spreadsheets.values.get({ spreadsheetId: id, range: 'A1' }, NO_RETRY));
      expect(f.status).toBe(429);
      expect(googleError(f).status).toBe('RESOURCE_EXHAUSTED');
      expect(f.response!.headers.get('retry-after')).toBeNull();
    } finally {
      await limited.close();
    }
  });
});

describe("the product's own requests", () => {
  it('install --target sheets passes every rule above', async () => {
    const own = createFakeGoogle();
    await own.listen();
    try {
      const ws = compile(
        loadBlueprint(),
        parseConfig({ company: { name: 'Conformance Co' } }, 'test', '2027-01-04'),
      );
      const tokens = own.issueToken(['drive.file', 'script.projects']);
      const api = new GoogleApi({
        auth: own.oauthClient({ refreshToken: tokens.refreshToken }),
        rootUrl: own.rootUrl,
      });
      const source = {
        code: readFileSync(APPS_SCRIPT_BUNDLE, 'utf8'),
        manifest: readFileSync(APPS_SCRIPT_MANIFEST, 'utf8'),
      };
      const result = await installWorkbook(api, ws, source);
      expect(result.action).toBe('created');
      expect(own.calls.filter((c) => c.status >= 400)).toEqual([]);
      // Its PROJECT-visible metadata is what it reads back on the next run.
      const again = await installWorkbook(api, ws, source);
      expect(again.action).toBe('unchanged');
      expect(again.scriptAction).toBe('unchanged');
    } finally {
      await own.close();
    }
  });
});
