// Contract tests: the official Google clients against the fake Google (OAuth, Drive, Sheets, Apps Script, errors).
import type { sheets_v4 } from '@googleapis/sheets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APPS_SCRIPT_USER_DISABLED_MESSAGE,
  createFakeGoogle,
  FakeClock,
  type FakeGoogle,
  type FakeGoogleClients,
  MIME,
  SCOPES,
} from './google/index.js';

/** What a failed official-client call carries (a GaxiosError). */
interface Failure {
  status?: number;
  message: string;
  response?: { status: number; data: unknown; headers: Headers };
}

/** Google's error body: `{ error: { code, message, status, errors?, details? } }`. */
interface GoogleError {
  code: number;
  message: string;
  status?: string;
  errors?: Record<string, unknown>[];
  details?: Record<string, unknown>[];
}

async function failure(call: Promise<unknown>): Promise<Failure> {
  try {
    await call;
  } catch (error) {
    return error as Failure;
  }
  throw new Error('expected the call to fail');
}

/** The Google error body of a failed call. */
function googleError(f: Failure): GoogleError {
  expect(f.response, f.message).toBeDefined();
  return (f.response!.data as { error: GoogleError }).error;
}

/** The OAuth endpoint's flat error body. */
function oauthError(f: Failure): { error: string; error_description?: string } {
  return f.response?.data as { error: string; error_description?: string };
}

const NO_RETRY = { retry: false } as const;
const APP_SCOPES = ['drive.file', 'script.projects'];

let fake: FakeGoogle;
let app: FakeGoogleClients;

beforeAll(async () => {
  fake = createFakeGoogle();
  await fake.listen();
  app = fake.clients(APP_SCOPES);
});

afterAll(async () => {
  await fake.close();
});

async function newSpreadsheet(
  title = 'Partnernomics',
  sheetTitles = ['Partner Scoring'],
): Promise<sheets_v4.Schema$Spreadsheet> {
  const res = await app.sheets.spreadsheets.create({
    requestBody: { properties: { title }, sheets: sheetTitles.map((t) => ({ properties: { title: t } })) },
  });
  return res.data;
}

describe('OAuth token endpoint', () => {
  it('exchanges a refresh token for an access token with its scopes', async () => {
    const tokens = fake.issueToken(APP_SCOPES);
    const auth = fake.oauthClient({ refreshToken: tokens.refreshToken });
    const { credentials, res } = await auth.refreshAccessToken();
    expect(credentials.access_token).toMatch(/^ya29\./);
    expect(credentials.token_type).toBe('Bearer');
    expect(credentials.scope).toBe(`${SCOPES.driveFile} ${SCOPES.scriptProjects}`);
    expect(credentials.expiry_date).toBeGreaterThan(Date.now());
    expect(res?.status).toBe(200);
    const info = await auth.getTokenInfo(credentials.access_token!);
    expect(info.scopes).toEqual([SCOPES.driveFile, SCOPES.scriptProjects]);
  });

  it('answers a revoked or unknown refresh token with 400 invalid_grant', async () => {
    const tokens = fake.issueToken(APP_SCOPES);
    fake.state.auth.revoke(tokens.refreshToken);
    const f = await failure(fake.oauthClient({ refreshToken: tokens.refreshToken }).refreshAccessToken());
    expect(f.response?.status).toBe(400);
    expect(f.response?.data).toEqual({
      error: 'invalid_grant',
      error_description: 'Token has been expired or revoked.',
    });
  });

  it('answers a wrong client secret with 401 invalid_client', async () => {
    const tokens = fake.issueToken(APP_SCOPES);
    const auth = fake.oauthClient({ refreshToken: tokens.refreshToken });
    (auth as unknown as { _clientSecret: string })._clientSecret = 'wrong';
    const f = await failure(auth.refreshAccessToken());
    expect(f.response?.status).toBe(401);
    expect(oauthError(f).error).toBe('invalid_client');
  });

  it('exchanges an authorization code once (installed-app login)', async () => {
    const code = fake.state.auth.authorizationCode(APP_SCOPES, { redirectUri: 'http://127.0.0.1:5555' });
    const auth = fake.oauthClient();
    const { tokens } = await auth.getToken({ code, redirect_uri: 'http://127.0.0.1:5555' });
    expect(tokens.refresh_token).toMatch(/^1\/\//);
    expect(tokens.access_token).toMatch(/^ya29\./);
    const again = await failure(auth.getToken({ code, redirect_uri: 'http://127.0.0.1:5555' }));
    expect(oauthError(again).error).toBe('invalid_grant');
  });
});

describe('authentication and scopes on every API', () => {
  it('401 UNAUTHENTICATED for a missing or unknown bearer token', async () => {
    const unknown = fake.clientsFor(fake.oauthClient({ accessToken: 'ya29.not-a-real-token' }));
    const f = await failure(unknown.sheets.spreadsheets.get({ spreadsheetId: 'x' }, NO_RETRY));
    expect(f.status).toBe(401);
    const e = googleError(f);
    expect(e.status).toBe('UNAUTHENTICATED');
    expect(e.message).toMatch(/^Request had invalid authentication credentials\./);
    expect(f.response!.headers.get('www-authenticate')).toContain('invalid_token');

    const driveFailure = await failure(unknown.drive.files.list({}, NO_RETRY));
    expect(driveFailure.status).toBe(401);
    expect(googleError(driveFailure).errors?.[0]).toMatchObject({
      reason: 'authError',
      location: 'Authorization',
    });
  });

  it('401 with ACCESS_TOKEN_EXPIRED once the access token has expired', async () => {
    const clock = new FakeClock();
    const timed = createFakeGoogle({ clock });
    await timed.listen();
    try {
      const tokens = timed.issueToken(['spreadsheets']);
      const client = timed.clientsFor(timed.oauthClient({ accessToken: tokens.accessToken }));
      const id = timed.state.seedSpreadsheet();
      await client.sheets.spreadsheets.get({ spreadsheetId: id });
      clock.advance(3600 * 1000);
      const f = await failure(client.sheets.spreadsheets.get({ spreadsheetId: id }, NO_RETRY));
      expect(f.status).toBe(401);
      expect(googleError(f).details?.[0]).toMatchObject({ reason: 'ACCESS_TOKEN_EXPIRED' });
    } finally {
      await timed.close();
    }
  });

  it('403 PERMISSION_DENIED ACCESS_TOKEN_SCOPE_INSUFFICIENT when no accepted scope was granted', async () => {
    const sheetsOnly = fake.clients(['spreadsheets']);
    const f = await failure(sheetsOnly.script.projects.create({ requestBody: { title: 'x' } }));
    expect(f.status).toBe(403);
    const e = googleError(f);
    expect(e).toMatchObject({
      code: 403,
      status: 'PERMISSION_DENIED',
      message: 'Request had insufficient authentication scopes.',
    });
    expect(e.details?.[0]).toMatchObject({
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
    });

    const scriptOnly = fake.clients(['script.projects']);
    const sheetsFailure = await failure(scriptOnly.sheets.spreadsheets.create({ requestBody: {} }));
    expect(googleError(sheetsFailure).details?.[0]?.reason).toBe('ACCESS_TOKEN_SCOPE_INSUFFICIENT');
    const driveFailure = await failure(scriptOnly.drive.files.list({}, NO_RETRY));
    expect(googleError(driveFailure).errors?.[0]?.reason).toBe('insufficientPermissions');

    const readonly = fake.clients(['spreadsheets.readonly']);
    const id = fake.state.seedSpreadsheet();
    await readonly.sheets.spreadsheets.get({ spreadsheetId: id });
    const write = await failure(
      readonly.sheets.spreadsheets.batchUpdate({
        spreadsheetId: id,
        requestBody: { requests: [{ addSheet: {} }] },
      }),
    );
    expect(write.status).toBe(403);
  });
});

describe('Drive files with drive.file semantics', () => {
  it('creates a spreadsheet file with appProperties and finds it with q', async () => {
    const created = await app.drive.files.create({
      requestBody: {
        name: 'Partner OS',
        mimeType: MIME.spreadsheet,
        appProperties: { partnernomics: 'workbook' },
      },
    });
    // Without `fields`, Drive answers kind, id, name and mimeType only.
    expect(Object.keys(created.data).sort()).toEqual(['id', 'kind', 'mimeType', 'name']);
    const id = created.data.id!;
    const got = await app.drive.files.get({
      fileId: id,
      fields: 'id,name,appProperties,trashed,webViewLink',
    });
    expect(got.data).toEqual({
      id,
      name: 'Partner OS',
      appProperties: { partnernomics: 'workbook' },
      trashed: false,
      webViewLink: `https://docs.google.com/spreadsheets/d/${id}/edit?usp=drivesdk`,
    });
    // The Drive-created file is a real spreadsheet for the Sheets API.
    const sheet = await app.sheets.spreadsheets.get({ spreadsheetId: id });
    expect(sheet.data.properties?.title).toBe('Partner OS');

    const q =
      "appProperties has { key='partnernomics' and value='workbook' } and mimeType = 'application/vnd.google-apps.spreadsheet' and trashed = false and name = 'Partner OS'";
    const list = await app.drive.files.list({ q, fields: 'files(id,name),nextPageToken' });
    expect(list.data.files).toEqual([{ id, name: 'Partner OS' }]);
    const none = await app.drive.files.list({
      q: "appProperties has { key='partnernomics' and value='other' }",
    });
    expect(none.data.files).toEqual([]);
  });

  it('shows an app only the files it created or was given; others answer 404 notFound', async () => {
    const foreign = fake.state.seedSpreadsheet({ title: 'Made in the UI', createdByClient: null });
    const f = await failure(app.drive.files.get({ fileId: foreign }, NO_RETRY));
    expect(f.status).toBe(404);
    const e = googleError(f);
    expect(e.message).toBe(`File not found: ${foreign}.`);
    expect(e.errors?.[0]).toMatchObject({
      reason: 'notFound',
      location: 'fileId',
      locationType: 'parameter',
    });
    const listed = await app.drive.files.list({ q: "name = 'Made in the UI'" });
    expect(listed.data.files).toEqual([]);
    const viaSheets = await failure(app.sheets.spreadsheets.get({ spreadsheetId: foreign }, NO_RETRY));
    expect(viaSheets.status).toBe(404);
    expect(googleError(viaSheets)).toMatchObject({
      status: 'NOT_FOUND',
      message: 'Requested entity was not found.',
    });

    // A Drive-wide scope sees it; so does the app once the user opens the file with it.
    const full = fake.clients(['drive']);
    expect((await full.drive.files.get({ fileId: foreign })).data.id).toBe(foreign);
    fake.state.grantAppAccess(foreign);
    expect((await app.drive.files.get({ fileId: foreign })).data.id).toBe(foreign);

    // Another OAuth client with drive.file does not see this app's files nor its appProperties.
    fake.state.auth.registerClient('other-app.apps.googleusercontent.com', 'other-secret');
    const mine = fake.state.seedSpreadsheet({ title: 'Ours', appProperties: { k: 'v' } });
    const other = fake.clients(['drive.file'], { clientId: 'other-app.apps.googleusercontent.com' });
    expect((await failure(other.drive.files.get({ fileId: mine }, NO_RETRY))).status).toBe(404);
    fake.state.grantAppAccess(mine, 'other-app.apps.googleusercontent.com');
    const seen = await other.drive.files.get({ fileId: mine, fields: 'id,appProperties' });
    expect(seen.data).toEqual({ id: mine });
  });

  it('lists trashed files unless q says trashed = false, pages, and rejects a bad q', async () => {
    const created = await app.drive.files.create({
      requestBody: { name: 'trash-me', appProperties: { batch: 't1' } },
    });
    await app.drive.files.update({ fileId: created.data.id!, requestBody: { trashed: true } });
    const all = await app.drive.files.list({
      q: "appProperties has { key='batch' and value='t1' }",
      fields: 'files(id,trashed)',
    });
    expect(all.data.files).toEqual([{ id: created.data.id, trashed: true }]);
    const live = await app.drive.files.list({
      q: "appProperties has { key='batch' and value='t1' } and trashed = false",
    });
    expect(live.data.files).toEqual([]);

    for (const n of [1, 2, 3])
      await app.drive.files.create({ requestBody: { name: `page-${n}`, appProperties: { batch: 'p' } } });
    const first = await app.drive.files.list({
      q: "appProperties has { key='batch' and value='p' }",
      pageSize: 2,
    });
    expect(first.data.files).toHaveLength(2);
    const second = await app.drive.files.list({
      q: "appProperties has { key='batch' and value='p' }",
      pageSize: 2,
      pageToken: first.data.nextPageToken!,
    });
    expect(second.data.files?.map((f) => f.name)).toEqual(['page-3']);
    expect(second.data.nextPageToken).toBeUndefined();

    const bad = await failure(app.drive.files.list({ q: "name == 'x'" }, NO_RETRY));
    expect(bad.status).toBe(400);
    expect(googleError(bad)).toMatchObject({
      message: 'Invalid Value',
      errors: [{ reason: 'invalid', location: 'q' }],
    });
  });
});

describe('Drive about', () => {
  it('requires `fields` and names the signed-in user', async () => {
    const f = await failure(app.drive.about.get({}, NO_RETRY));
    expect(googleError(f)).toMatchObject({
      code: 400,
      message: "The 'fields' parameter is required for this method.",
    });
    const about = await app.drive.about.get({ fields: 'user(emailAddress)' });
    expect(about.data).toEqual({ user: { emailAddress: 'admin@example.com' } });
  });
});

describe('spreadsheets.create and get', () => {
  it('creates with defaults Google applies and reads back with fields and grid data', async () => {
    const bare = await app.sheets.spreadsheets.create({ requestBody: {} });
    expect(bare.data.properties).toMatchObject({ title: 'Untitled spreadsheet', locale: 'en_US' });
    expect(bare.data.sheets?.[0]?.properties).toEqual({
      sheetId: 0,
      title: 'Sheet1',
      index: 0,
      sheetType: 'GRID',
      gridProperties: { rowCount: 1000, columnCount: 26 },
    });
    expect(bare.data.spreadsheetUrl).toBe(
      `https://docs.google.com/spreadsheets/d/${bare.data.spreadsheetId}/edit`,
    );

    const book = await newSpreadsheet('Scoring', ['Partner Scoring', 'Weights']);
    const id = book.spreadsheetId!;
    await app.sheets.spreadsheets.values.update({
      spreadsheetId: id,
      range: "'Partner Scoring'!A1",
      valueInputOption: 'USER_ENTERED',
      requestBody: {
        values: [
          ['Partner', 'Score'],
          ['Acme', '=2*21'],
        ],
      },
    });
    const masked = await app.sheets.spreadsheets.get({
      spreadsheetId: id,
      fields: 'sheets.properties(sheetId,title)',
    });
    expect(masked.data).toEqual({
      sheets: [
        { properties: { sheetId: 0, title: 'Partner Scoring' } },
        { properties: { sheetId: expect.any(Number), title: 'Weights' } },
      ],
    });
    const grid = await app.sheets.spreadsheets.get({
      spreadsheetId: id,
      ranges: ["'Partner Scoring'!A1:B2"],
      includeGridData: true,
    });
    expect(grid.data.sheets).toHaveLength(1);
    const rows = grid.data.sheets![0]!.data![0]!.rowData!;
    expect(rows[1]!.values![1]).toMatchObject({
      userEnteredValue: { formulaValue: '=2*21' },
      effectiveValue: { numberValue: 42 },
      formattedValue: '42',
    });
  });

  it('answers an unknown spreadsheet with 404 NOT_FOUND', async () => {
    const f = await failure(app.sheets.spreadsheets.get({ spreadsheetId: 'does-not-exist' }, NO_RETRY));
    expect(f.status).toBe(404);
    expect(googleError(f)).toEqual({
      code: 404,
      message: 'Requested entity was not found.',
      status: 'NOT_FOUND',
    });
  });
});

describe('spreadsheets.batchUpdate', () => {
  it('applies every supported request in order and replies with the new objects', async () => {
    const book = await newSpreadsheet('Install', ['Partner Scoring']);
    const id = book.spreadsheetId!;
    const scoring = 0;
    const res = await app.sheets.spreadsheets.batchUpdate({
      spreadsheetId: id,
      requestBody: {
        requests: [
          {
            addSheet: {
              properties: { title: 'PBR Scoreboard', gridProperties: { rowCount: 50, columnCount: 8 } },
            },
          },
          {
            updateSheetProperties: {
              properties: { sheetId: scoring, gridProperties: { frozenRowCount: 1 } },
              fields: 'gridProperties.frozenRowCount',
            },
          },
          {
            updateCells: {
              start: { sheetId: scoring, rowIndex: 0, columnIndex: 0 },
              rows: [
                {
                  values: [
                    { userEnteredValue: { stringValue: 'Partner' } },
                    { userEnteredValue: { stringValue: 'Score' } },
                  ],
                },
              ],
              fields: 'userEnteredValue',
            },
          },
          {
            repeatCell: {
              range: { sheetId: scoring, startRowIndex: 1, startColumnIndex: 1, endColumnIndex: 2 },
              cell: { userEnteredFormat: { numberFormat: { type: 'NUMBER', pattern: '0.0' } } },
              fields: 'userEnteredFormat.numberFormat',
            },
          },
          {
            addConditionalFormatRule: {
              rule: {
                ranges: [{ sheetId: scoring, startRowIndex: 1, startColumnIndex: 1, endColumnIndex: 2 }],
                booleanRule: {
                  condition: { type: 'NUMBER_GREATER_THAN_EQ', values: [{ userEnteredValue: '70' }] },
                  format: { backgroundColor: { green: 1 } },
                },
              },
              index: 0,
            },
          },
          {
            addProtectedRange: {
              protectedRange: {
                range: { sheetId: scoring, startColumnIndex: 0, endColumnIndex: 1 },
                description: 'IDs',
                warningOnly: true,
              },
            },
          },
          {
            addNamedRange: {
              namedRange: { name: 'Weights', range: { sheetId: scoring, startRowIndex: 0, endRowIndex: 1 } },
            },
          },
          {
            createDeveloperMetadata: {
              developerMetadata: {
                metadataKey: 'pn.blueprint',
                metadataValue: 'v1',
                visibility: 'DOCUMENT',
                location: { spreadsheet: true },
              },
            },
          },
          {
            createDeveloperMetadata: {
              developerMetadata: {
                metadataKey: 'pn.tab',
                metadataValue: 'scoring',
                visibility: 'DOCUMENT',
                location: { sheetId: scoring },
              },
            },
          },
          {
            createDeveloperMetadata: {
              developerMetadata: {
                metadataKey: 'pn.column',
                metadataValue: 'score',
                visibility: 'DOCUMENT',
                location: {
                  dimensionRange: { sheetId: scoring, dimension: 'COLUMNS', startIndex: 1, endIndex: 2 },
                },
              },
            },
          },
          {
            addChart: {
              chart: {
                spec: {
                  title: 'Scores',
                  basicChart: {
                    chartType: 'COLUMN',
                    domains: [
                      {
                        domain: {
                          sourceRange: {
                            sources: [{ sheetId: scoring, startColumnIndex: 0, endColumnIndex: 1 }],
                          },
                        },
                      },
                    ],
                    series: [
                      {
                        series: {
                          sourceRange: {
                            sources: [{ sheetId: scoring, startColumnIndex: 1, endColumnIndex: 2 }],
                          },
                        },
                      },
                    ],
                  },
                },
                position: {
                  overlayPosition: { anchorCell: { sheetId: scoring, rowIndex: 0, columnIndex: 4 } },
                },
              },
            },
          },
          {
            setDataValidation: {
              range: {
                sheetId: scoring,
                startRowIndex: 1,
                endRowIndex: 10,
                startColumnIndex: 2,
                endColumnIndex: 3,
              },
              rule: {
                condition: {
                  type: 'ONE_OF_LIST',
                  values: [{ userEnteredValue: 'Yes' }, { userEnteredValue: 'No' }],
                },
                strict: true,
              },
            },
          },
        ],
      },
    });
    const replies = res.data.replies!;
    expect(replies).toHaveLength(12);
    expect(replies[0]!.addSheet!.properties).toMatchObject({
      title: 'PBR Scoreboard',
      index: 1,
      gridProperties: { rowCount: 50, columnCount: 8 },
    });
    expect(replies[0]!.addSheet!.properties!.sheetId).toBeGreaterThan(0);
    expect(replies.slice(1, 5)).toEqual([{}, {}, {}, {}]);
    expect(replies[5]!.addProtectedRange!.protectedRange).toMatchObject({
      warningOnly: true,
      description: 'IDs',
      protectedRangeId: expect.any(Number),
    });
    expect(replies[6]!.addNamedRange!.namedRange).toMatchObject({
      name: 'Weights',
      namedRangeId: expect.any(String),
    });
    expect(replies[7]!.createDeveloperMetadata!.developerMetadata).toMatchObject({
      metadataId: expect.any(Number),
      location: { locationType: 'SPREADSHEET', spreadsheet: true },
    });
    expect(replies[9]!.createDeveloperMetadata!.developerMetadata!.location).toEqual({
      locationType: 'COLUMN',
      dimensionRange: { sheetId: scoring, dimension: 'COLUMNS', startIndex: 1, endIndex: 2 },
    });
    expect(replies[10]!.addChart!.chart!.chartId).toEqual(expect.any(Number));
    expect(replies[11]).toEqual({});

    const got = await app.sheets.spreadsheets.get({ spreadsheetId: id });
    const sheet = got.data.sheets![0]!;
    expect(sheet.properties!.gridProperties!.frozenRowCount).toBe(1);
    expect(sheet.conditionalFormats).toHaveLength(1);
    expect(sheet.protectedRanges![0]!.warningOnly).toBe(true);
    expect(sheet.charts).toHaveLength(1);
    expect(sheet.developerMetadata?.map((m) => m.metadataKey)).toEqual(['pn.tab']);
    expect(got.data.developerMetadata?.map((m) => m.metadataKey)).toEqual(['pn.blueprint']);
    expect(got.data.namedRanges?.map((n) => n.name)).toEqual(['Weights']);

    const columns = await app.sheets.spreadsheets.get({
      spreadsheetId: id,
      ranges: ["'Partner Scoring'!A1:C2"],
      includeGridData: true,
    });
    const data = columns.data.sheets![0]!.data![0]!;
    expect(data.columnMetadata![1]!.developerMetadata![0]!.metadataKey).toBe('pn.column');
    expect(data.rowData![1]!.values![2]!.dataValidation!.condition!.type).toBe('ONE_OF_LIST');

    const search = await app.sheets.spreadsheets.developerMetadata.search({
      spreadsheetId: id,
      requestBody: { dataFilters: [{ developerMetadataLookup: { metadataKey: 'pn.column' } }] },
    });
    expect(search.data.matchedDeveloperMetadata?.[0]?.developerMetadata?.metadataValue).toBe('score');
  });

  it('is all-or-nothing: one invalid request names its index and changes nothing', async () => {
    const book = await newSpreadsheet('Atomic', ['Partner Scoring', 'ICP']);
    const id = book.spreadsheetId!;
    const before = (await app.sheets.spreadsheets.get({ spreadsheetId: id, includeGridData: true })).data;
    const snapshotBefore = fake.state.snapshot(id);
    const f = await failure(
      app.sheets.spreadsheets.batchUpdate({
        spreadsheetId: id,
        requestBody: {
          requests: [
            { addSheet: { properties: { title: 'Dashboard' } } },
            {
              updateCells: {
                start: { sheetId: 0 },
                rows: [{ values: [{ userEnteredValue: { stringValue: 'changed' } }] }],
                fields: 'userEnteredValue',
              },
            },
            {
              createDeveloperMetadata: {
                developerMetadata: {
                  metadataKey: 'k',
                  visibility: 'DOCUMENT',
                  location: { spreadsheet: true },
                },
              },
            },
            { addSheet: { properties: { title: 'ICP' } } },
          ],
        },
      }),
    );
    expect(f.status).toBe(400);
    expect(googleError(f)).toEqual({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message:
        'Invalid requests[3].addSheet: A sheet with the name "ICP" already exists. Please enter another name.',
    });
    const after = (await app.sheets.spreadsheets.get({ spreadsheetId: id, includeGridData: true })).data;
    expect(after).toEqual(before);
    expect(fake.state.snapshot(id)).toEqual(snapshotBefore);
  });

  it('rejects malformed batches the way the API does', async () => {
    const id = (await newSpreadsheet('Errors', ['Data'])).spreadsheetId!;
    const run = (requests: unknown[]) =>
      failure(
        app.sheets.spreadsheets.batchUpdate({
          spreadsheetId: id,
          requestBody: { requests: requests as sheets_v4.Schema$Request[] },
        }),
      );
    expect(googleError(await run([])).message).toBe('Must specify at least one request.');
    expect(googleError(await run([{ frobnicate: {} }])).message).toBe(
      `Invalid JSON payload received. Unknown name "frobnicate" at 'requests[0]': Cannot find field.`,
    );
    expect(googleError(await run([{ repeatCell: { range: { sheetId: 0 }, cell: {} } }])).message).toBe(
      "Invalid requests[0].repeatCell: At least one field must be listed in 'fields'. (Use '*' to indicate all fields.)",
    );
    expect(
      googleError(await run([{ updateSheetProperties: { properties: { sheetId: 99 }, fields: 'title' } }]))
        .message,
    ).toBe('Invalid requests[0].updateSheetProperties: No grid with id: 99');
    expect(
      googleError(
        await run([
          {
            repeatCell: {
              range: { sheetId: 0, startRowIndex: 1000, startColumnIndex: 0, endColumnIndex: 2 },
              cell: {},
              fields: '*',
            },
          },
        ]),
      ).message,
    ).toBe(
      'Invalid requests[0].repeatCell: Range (Data!A1001:B) exceeds grid limits. Max rows: 1000, max columns: 26',
    );
    expect(
      googleError(
        await run([
          { deleteDimension: { range: { sheetId: 0, dimension: 'ROWS', startIndex: 0, endIndex: 1000 } } },
        ]),
      ).message,
    ).toBe("Invalid requests[0].deleteDimension: You can't delete all the rows on the sheet.");
    const unmodelled = await run([{ mergeCells: { range: { sheetId: 0 }, mergeType: 'MERGE_ALL' } }]);
    expect(unmodelled.status).toBe(501);
  });

  it('follows the documented field rules of protected ranges and developer metadata', async () => {
    const id = (await newSpreadsheet('Rules', ['Data'])).spreadsheetId!;
    // "When writing: if warningOnly is true, then editors are ignored."
    const ok = await app.sheets.spreadsheets.batchUpdate({
      spreadsheetId: id,
      requestBody: {
        requests: [
          {
            addProtectedRange: {
              protectedRange: {
                range: { sheetId: 0, endRowIndex: 1 },
                warningOnly: true,
                editors: { users: ['x@example.com'] },
              },
            },
          },
        ],
      },
    });
    expect(ok.data.replies![0]!.addProtectedRange!.protectedRange!.editors).toBeUndefined();
    // "The specified DimensionRange must represent a single row or column."
    const span = await failure(
      app.sheets.spreadsheets.batchUpdate({
        spreadsheetId: id,
        requestBody: {
          requests: [
            {
              createDeveloperMetadata: {
                developerMetadata: {
                  metadataKey: 'k',
                  visibility: 'DOCUMENT',
                  location: {
                    dimensionRange: { sheetId: 0, dimension: 'COLUMNS', startIndex: 0, endIndex: 2 },
                  },
                },
              },
            },
          ],
        },
      }),
    );
    expect(googleError(span).message).toMatch(/^Invalid requests\[0\]\.createDeveloperMetadata: /);
    // "Developer metadata must always have visibility specified."
    const noVisibility = await failure(
      app.sheets.spreadsheets.batchUpdate({
        spreadsheetId: id,
        requestBody: {
          requests: [
            {
              createDeveloperMetadata: {
                developerMetadata: { metadataKey: 'k', location: { spreadsheet: true } },
              },
            },
          ],
        },
      }),
    );
    expect(googleError(noVisibility).status).toBe('INVALID_ARGUMENT');
  });

  it('insertDimension and deleteDimension move cells and column metadata', async () => {
    const id = (await newSpreadsheet('Shift', ['Data'])).spreadsheetId!;
    await app.sheets.spreadsheets.values.update({
      spreadsheetId: id,
      range: 'Data!A1',
      valueInputOption: 'RAW',
      requestBody: { values: [['a', 'b', 'c']] },
    });
    await app.sheets.spreadsheets.batchUpdate({
      spreadsheetId: id,
      requestBody: {
        requests: [
          {
            createDeveloperMetadata: {
              developerMetadata: {
                metadataKey: 'col.c',
                visibility: 'DOCUMENT',
                location: {
                  dimensionRange: { sheetId: 0, dimension: 'COLUMNS', startIndex: 2, endIndex: 3 },
                },
              },
            },
          },
          { insertDimension: { range: { sheetId: 0, dimension: 'COLUMNS', startIndex: 1, endIndex: 2 } } },
          { deleteDimension: { range: { sheetId: 0, dimension: 'COLUMNS', startIndex: 0, endIndex: 1 } } },
        ],
      },
    });
    expect(fake.state.values(id, 'Data!A1:D1')).toEqual([['', 'b', 'c']]);
    const meta = await app.sheets.spreadsheets.developerMetadata.search({
      spreadsheetId: id,
      requestBody: { dataFilters: [{ developerMetadataLookup: { metadataKey: 'col.c' } }] },
    });
    expect(meta.data.matchedDeveloperMetadata![0]!.developerMetadata!.location!.dimensionRange).toMatchObject(
      { startIndex: 2, endIndex: 3 },
    );
    const props = (await app.sheets.spreadsheets.get({ spreadsheetId: id })).data.sheets![0]!.properties!;
    expect(props.gridProperties).toEqual({ rowCount: 1000, columnCount: 26 });
  });

  it('moves formula references when rows are inserted and tabs renamed, as Sheets does', async () => {
    const id = (await newSpreadsheet('Refs', ['Data', 'Summary'])).spreadsheetId!;
    const v = app.sheets.spreadsheets.values;
    await v.batchUpdate({
      spreadsheetId: id,
      requestBody: {
        valueInputOption: 'USER_ENTERED',
        data: [
          { range: 'Data!A1', values: [[1, '=A2*10'], [2]] },
          { range: 'Summary!A1', values: [['=SUM(Data!A1:A2)']] },
        ],
      },
    });
    await app.sheets.spreadsheets.batchUpdate({
      spreadsheetId: id,
      requestBody: {
        requests: [
          { insertDimension: { range: { sheetId: 0, dimension: 'ROWS', startIndex: 0, endIndex: 1 } } },
          { updateSheetProperties: { properties: { sheetId: 0, title: 'Raw Data' }, fields: 'title' } },
        ],
      },
    });
    const formulas = await v.batchGet({
      spreadsheetId: id,
      ranges: ["'Raw Data'!A1:B3", 'Summary!A1'],
      valueRenderOption: 'FORMULA',
    });
    expect(formulas.data.valueRanges?.map((r) => r.values)).toEqual([
      [[], [1, '=A3*10'], [2]],
      [["=SUM('Raw Data'!A2:A3)"]],
    ]);
    const values = await v.batchGet({
      spreadsheetId: id,
      ranges: ["'Raw Data'!B2", 'Summary!A1'],
      valueRenderOption: 'UNFORMATTED_VALUE',
    });
    expect(values.data.valueRanges?.map((r) => r.values)).toEqual([[[20]], [[3]]]);
  });

  it('rejects a request body over 2 MB (Google recommends ≤2 MB; the fake enforces it)', async () => {
    const id = (await newSpreadsheet('Big', ['Data'])).spreadsheetId!;
    const big = 'x'.repeat(2_100_000);
    const f = await failure(
      app.sheets.spreadsheets.batchUpdate({
        spreadsheetId: id,
        requestBody: {
          requests: [
            { updateCells: { start: { sheetId: 0 }, rows: [{ values: [{ note: big }] }], fields: 'note' } },
          ],
        },
      }),
    );
    expect(f.status).toBe(400);
    expect(googleError(f)).toMatchObject({
      status: 'INVALID_ARGUMENT',
      message: 'Request payload size exceeds the limit: 2000000 bytes.',
    });
  });
});

describe('spreadsheets.values', () => {
  it('RAW keeps "=1+1" as text; USER_ENTERED makes it a formula; numbers stay numbers', async () => {
    const id = (await newSpreadsheet('Values', ['Partner Scoring'])).spreadsheetId!;
    const v = app.sheets.spreadsheets.values;
    await v.update({
      spreadsheetId: id,
      range: "'Partner Scoring'!A1",
      valueInputOption: 'RAW',
      requestBody: { values: [['=1+1', 5, '5', true]] },
    });
    await v.update({
      spreadsheetId: id,
      range: "'Partner Scoring'!A2",
      valueInputOption: 'USER_ENTERED',
      requestBody: { values: [['=1+1', 5, '5', "'=text", '12.5%']] },
    });
    const read = (valueRenderOption: string) =>
      v.get({ spreadsheetId: id, range: "'Partner Scoring'!A1:E2", valueRenderOption });
    expect((await read('FORMULA')).data.values).toEqual([
      ['=1+1', 5, '5', true],
      ['=1+1', 5, 5, '=text', 0.125],
    ]);
    expect((await read('UNFORMATTED_VALUE')).data.values).toEqual([
      ['=1+1', 5, '5', true],
      [2, 5, 5, '=text', 0.125],
    ]);
    const formatted = await read('FORMATTED_VALUE');
    expect(formatted.data).toEqual({
      range: "'Partner Scoring'!A1:E2",
      majorDimension: 'ROWS',
      values: [
        ['=1+1', '5', '5', 'TRUE'],
        ['2', '5', '5', '=text', '12.5%'],
      ],
    });
    const cells = fake.state.spreadsheet(id).sheets[0]!.rows;
    expect(cells[0]![0]!.userEnteredValue).toEqual({ stringValue: '=1+1' });
    expect(cells[1]![0]!.userEnteredValue).toEqual({ formulaValue: '=1+1' });
  });

  it('reads whole-column and open-ended ranges, trimmed, and columns-major', async () => {
    const id = (await newSpreadsheet('Ranges', ['Data'])).spreadsheetId!;
    const v = app.sheets.spreadsheets.values;
    await v.update({
      spreadsheetId: id,
      range: 'Data!A1:C3',
      valueInputOption: 'RAW',
      requestBody: { values: [['h1', 'h2', 'h3'], ['a', '', 'c'], ['d']] },
    });
    expect((await v.get({ spreadsheetId: id, range: 'Data!A:C' })).data).toEqual({
      range: 'Data!A1:C1000',
      majorDimension: 'ROWS',
      values: [['h1', 'h2', 'h3'], ['a', '', 'c'], ['d']],
    });
    expect((await v.get({ spreadsheetId: id, range: 'Data!A2:C' })).data.values).toEqual([
      ['a', '', 'c'],
      ['d'],
    ]);
    expect(
      (await v.get({ spreadsheetId: id, range: 'Data!B2:C', majorDimension: 'COLUMNS' })).data.values,
    ).toEqual([[], ['c']]);
    expect((await v.get({ spreadsheetId: id, range: 'Data!E5:F9' })).data).toEqual({
      range: 'Data!E5:F9',
      majorDimension: 'ROWS',
    });
    const batch = await v.batchGet({ spreadsheetId: id, ranges: ['Data!A1', 'Data!C1:C3'] });
    expect(batch.data.valueRanges?.map((r) => r.values)).toEqual([[['h1']], [['h3'], ['c']]]);
  });

  it('appends after the table, batch-updates atomically and clears', async () => {
    const id = (await newSpreadsheet('Append', ['Sync Log'])).spreadsheetId!;
    const v = app.sheets.spreadsheets.values;
    await v.update({
      spreadsheetId: id,
      range: "'Sync Log'!A1",
      valueInputOption: 'RAW',
      requestBody: {
        values: [
          ['when', 'what'],
          ['t1', 'x'],
        ],
      },
    });
    const appended = await v.append({
      spreadsheetId: id,
      range: "'Sync Log'!A:B",
      valueInputOption: 'RAW',
      insertDataOption: 'INSERT_ROWS',
      requestBody: { values: [['t2', 'y']] },
    });
    expect(appended.data).toEqual({
      spreadsheetId: id,
      tableRange: "'Sync Log'!A1:B2",
      updates: {
        spreadsheetId: id,
        updatedRange: "'Sync Log'!A3:B3",
        updatedRows: 1,
        updatedColumns: 2,
        updatedCells: 2,
      },
    });

    const before = fake.state.snapshot(id);
    const f = await failure(
      v.batchUpdate({
        spreadsheetId: id,
        requestBody: {
          valueInputOption: 'RAW',
          data: [
            { range: "'Sync Log'!C1", values: [['ok']] },
            { range: 'Nope!A1', values: [['bad']] },
          ],
        },
      }),
    );
    expect(googleError(f)).toMatchObject({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: 'Unable to parse range: Nope!A1',
    });
    expect(fake.state.snapshot(id)).toEqual(before);

    const ok = await v.batchUpdate({
      spreadsheetId: id,
      requestBody: {
        valueInputOption: 'USER_ENTERED',
        data: [{ range: "'Sync Log'!C1", values: [['n'], ['=1+2']] }],
      },
    });
    expect(ok.data).toMatchObject({
      totalUpdatedCells: 2,
      totalUpdatedSheets: 1,
      responses: [{ updatedRange: "'Sync Log'!C1:C2" }],
    });
    const cleared = await v.clear({ spreadsheetId: id, range: "'Sync Log'!C:C" });
    // INSERT_ROWS grew the grid by the appended row.
    expect(cleared.data.clearedRange).toBe("'Sync Log'!C1:C1001");
    expect(fake.state.values(id, "'Sync Log'!A1:C3")).toEqual([
      ['when', 'what'],
      ['t1', 'x'],
      ['t2', 'y'],
    ]);
  });

  it('parses USER_ENTERED dates and percentages, and renders them per valueRenderOption', async () => {
    const id = (await newSpreadsheet('Dates', ['Data'])).spreadsheetId!;
    const v = app.sheets.spreadsheets.values;
    await v.update({
      spreadsheetId: id,
      range: 'Data!A1',
      valueInputOption: 'USER_ENTERED',
      requestBody: { values: [['2026-01-15', '50%', 'TRUE', '-1,234.5']] },
    });
    const get = (valueRenderOption: string, dateTimeRenderOption?: string) =>
      v.get({
        spreadsheetId: id,
        range: 'Data!A1:D1',
        valueRenderOption,
        ...(dateTimeRenderOption ? { dateTimeRenderOption } : {}),
      });
    expect((await get('FORMATTED_VALUE')).data.values![0]!.slice(0, 3)).toEqual([
      '2026-01-15',
      '50%',
      'TRUE',
    ]);
    expect((await get('UNFORMATTED_VALUE')).data.values).toEqual([[46037, 0.5, true, -1234.5]]);
    expect((await get('UNFORMATTED_VALUE', 'FORMATTED_STRING')).data.values).toEqual([
      ['2026-01-15', 0.5, true, -1234.5],
    ]);
  });

  it('rejects writes the API rejects', async () => {
    const id = (await newSpreadsheet('Bad writes', ['Data', 'Sync Log'])).spreadsheetId!;
    const v = app.sheets.spreadsheets.values;
    const missing = await failure(
      v.update({ spreadsheetId: id, range: 'Data!A1', requestBody: { values: [['x']] } }, NO_RETRY),
    );
    expect(googleError(missing)).toMatchObject({
      status: 'INVALID_ARGUMENT',
      message: "'valueInputOption' is required but not specified",
    });
    const unknownTab = await failure(v.get({ spreadsheetId: id, range: "'No Such Tab'!A1" }, NO_RETRY));
    expect(googleError(unknownTab).message).toBe("Unable to parse range: 'No Such Tab'!A1");
    const beyond = await failure(v.get({ spreadsheetId: id, range: 'Data!A1:AA2' }, NO_RETRY));
    expect(googleError(beyond).message).toBe(
      'Range (Data!A1:AA2) exceeds grid limits. Max rows: 1000, max columns: 26',
    );
    const unquoted = await failure(v.get({ spreadsheetId: id, range: 'Sync Log!A1' }, NO_RETRY));
    expect(googleError(unquoted).message).toBe('Unable to parse range: Sync Log!A1');
    const pastGrid = await failure(
      v.update(
        {
          spreadsheetId: id,
          range: 'Data!A999',
          valueInputOption: 'RAW',
          requestBody: { values: [['a'], ['b'], ['c']] },
        },
        NO_RETRY,
      ),
    );
    expect(googleError(pastGrid).message).toBe(
      'Requested writing within range [Data!A999], but tried writing to row [1001]',
    );
    const tooWide = await failure(
      v.update(
        {
          spreadsheetId: id,
          range: 'Data!A1:B1',
          valueInputOption: 'RAW',
          requestBody: { values: [['a', 'b', 'c']] },
        },
        NO_RETRY,
      ),
    );
    expect(googleError(tooWide).message).toBe(
      'Requested writing within range [Data!A1:B1], but tried writing to column [C]',
    );
  });
});

describe('Apps Script API', () => {
  it('creates a project bound to the spreadsheet, pushes Code + manifest, reads it back', async () => {
    const id = (await newSpreadsheet('Bound')).spreadsheetId!;
    const created = await app.script.projects.create({
      requestBody: { title: 'Partnernomics', parentId: id },
    });
    expect(created.data).toMatchObject({
      title: 'Partnernomics',
      parentId: id,
      scriptId: expect.stringMatching(/^1/),
    });
    const scriptId = created.data.scriptId!;
    const initial = await app.script.projects.getContent({ scriptId });
    expect(initial.data.files?.map((f) => [f.name, f.type])).toEqual([['appsscript', 'JSON']]);

    const manifest = JSON.stringify({
      timeZone: 'Etc/UTC',
      runtimeVersion: 'V8',
      exceptionLogging: 'STACKDRIVER',
    });
    const pushed = await app.script.projects.updateContent({
      scriptId,
      requestBody: {
        files: [
          {
            name: 'Code',
            type: 'SERVER_JS',
            source: 'function onOpen() {}\nfunction PN_SCORE(a) { return a; }\n',
          },
          { name: 'appsscript', type: 'JSON', source: manifest },
        ],
      },
    });
    expect(pushed.data.files?.map((f) => f.name)).toEqual(['Code', 'appsscript']);
    const content = await app.script.projects.getContent({ scriptId });
    expect(content.data.files?.[0]).toMatchObject({
      name: 'Code',
      type: 'SERVER_JS',
      functionSet: { values: [{ name: 'onOpen' }, { name: 'PN_SCORE' }] },
    });
    expect(content.data.files?.[1]?.source).toBe(manifest);

    const noManifest = await failure(
      app.script.projects.updateContent({
        scriptId,
        requestBody: { files: [{ name: 'Code', type: 'SERVER_JS', source: '' }] },
      }),
    );
    expect(googleError(noManifest)).toMatchObject({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: 'Project contents must include a manifest file named appsscript.',
    });
    const missing = await failure(app.script.projects.getContent({ scriptId: 'nope' }, NO_RETRY));
    expect(googleError(missing)).toMatchObject({ code: 404, status: 'NOT_FOUND' });
  });

  it('returns the real 403s when the Apps Script API is switched off', async () => {
    fake.setAppsScriptApi('userSettingDisabled');
    try {
      const f = await failure(app.script.projects.create({ requestBody: { title: 'x' } }));
      expect(f.status).toBe(403);
      const e = googleError(f);
      expect(e).toMatchObject({
        code: 403,
        status: 'PERMISSION_DENIED',
        message: APPS_SCRIPT_USER_DISABLED_MESSAGE,
      });
      expect(e.message).toContain('https://script.google.com/home/usersettings');
      expect(e.errors?.[0]).toMatchObject({ reason: 'forbidden', domain: 'global' });

      fake.setAppsScriptApi('serviceDisabled');
      const g = googleError(await failure(app.script.projects.create({ requestBody: { title: 'x' } })));
      expect(g.message).toMatch(
        /^Apps Script API has not been used in project 123456789012 before or it is disabled\. Enable it by visiting https:\/\/console\.developers\.google\.com\/apis\/api\/script\.googleapis\.com\/overview\?project=123456789012 then retry\./,
      );
      expect(g.details?.[0]).toMatchObject({
        reason: 'SERVICE_DISABLED',
        metadata: { service: 'script.googleapis.com' },
      });
    } finally {
      fake.setAppsScriptApi('enabled');
    }
  });
});

describe('quota, faults and the call log', () => {
  it('answers the 61st read in a minute with 429 RESOURCE_EXHAUSTED, counts writes apart, refills each minute', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 15, 9, 0, 10));
    const limited = createFakeGoogle({ clock, quota: true, formulas: 'none' });
    await limited.listen();
    try {
      const tokens = limited.issueToken(['spreadsheets']);
      const c = limited.clientsFor(limited.oauthClient({ accessToken: tokens.accessToken }));
      const id = limited.state.seedSpreadsheet();
      for (let i = 0; i < 60; i++) await c.sheets.spreadsheets.values.get({ spreadsheetId: id, range: 'A1' });
      const f = await failure(c.sheets.spreadsheets.values.get({ spreadsheetId: id, range: 'A1' }, NO_RETRY));
      expect(f.status).toBe(429);
      const e = googleError(f);
      expect(e.status).toBe('RESOURCE_EXHAUSTED');
      expect(e.message).toBe(
        "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' of service 'sheets.googleapis.com' for consumer 'project_number:123456789012'.",
      );
      expect(e.details?.[0]).toMatchObject({
        reason: 'RATE_LIMIT_EXCEEDED',
        metadata: { quota_limit: 'ReadRequestsPerMinutePerUser' },
      });
      expect(f.response!.headers.get('retry-after')).toBe('50');
      await c.sheets.spreadsheets.values.update({
        spreadsheetId: id,
        range: 'A1',
        valueInputOption: 'RAW',
        requestBody: { values: [[1]] },
      });
      clock.advance(60_000);
      await c.sheets.spreadsheets.values.get({ spreadsheetId: id, range: 'A1' });
      expect(limited.count('GET', /\/values\//)).toBe(62);
    } finally {
      await limited.close();
    }
  });

  it('injects seeded faults in Google’s error shape', async () => {
    fake.injectFaults({ seed: 7, serverError: 1 });
    try {
      const f = await failure(app.sheets.spreadsheets.create({ requestBody: {} }));
      expect(f.status).toBe(503);
      expect(googleError(f)).toEqual({
        code: 503,
        message: 'The service is currently unavailable.',
        status: 'UNAVAILABLE',
      });
    } finally {
      fake.injectFaults(undefined);
    }
  });

  it('logs every call so tests can count calls by endpoint', async () => {
    const id = (await newSpreadsheet('Counted')).spreadsheetId!;
    fake.clearLog();
    await app.sheets.spreadsheets.batchUpdate({
      spreadsheetId: id,
      requestBody: { requests: [{ addSheet: {} }] },
    });
    await app.sheets.spreadsheets.values.batchUpdate({
      spreadsheetId: id,
      requestBody: { valueInputOption: 'RAW', data: [{ range: 'A1', values: [[1]] }] },
    });
    await app.sheets.spreadsheets.values.get({ spreadsheetId: id, range: 'A1' });
    expect(fake.count('POST', /^\/v4\/spreadsheets\/[^/]+:batchUpdate$/)).toBe(1);
    expect(fake.count('POST', /\/values:batchUpdate$/)).toBe(1);
    expect(fake.count('GET', /\/values\//)).toBe(1);
    expect(fake.calls.every((c) => c.status === 200)).toBe(true);
    expect(fake.calls[0]!.requestBytes).toBeGreaterThan(0);
  });
});
