// Installing the leaders' workbook into the stateful fake Google APIs: complete, computed, idempotent, clear errors.
import { readFileSync } from 'node:fs';
import type { sheets_v4 } from '@googleapis/sheets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import { columnLetter, TERMS_HEADERS } from '../../src/blueprint/compile-workbook.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { scorePartnersByType, scoringByType } from '../../src/domain/scoring.js';
import { PnError } from '../../src/platform/errors.js';
import { APPS_SCRIPT_BUNDLE, APPS_SCRIPT_MANIFEST } from '../../src/platform/paths.js';
import { GoogleApi } from '../../src/targets/sheets/google-api.js';
import { installWorkbook } from '../../src/targets/sheets/install.js';
import { termsTable } from '../../src/targets/sheets/requests.js';
import { createFakeGoogle, type FakeGoogle } from '../fakes/google/index.js';
import type { CallRecord } from '../fakes/harness.js';
import { cli, editedTemplates, tempDir, WORKBOOK_TABS, workbookWithoutArchived } from '../helpers.js';

const fake = createFakeGoogle({ recordBodies: true });
const bp = loadBlueprint();
const ws = compile(bp, parseConfig({ company: { name: 'Ridgeway Dispatch' } }, 'test', '2027-01-04'));
const source = {
  code: readFileSync(APPS_SCRIPT_BUNDLE, 'utf8'),
  manifest: readFileSync(APPS_SCRIPT_MANIFEST, 'utf8'),
};

beforeAll(() => fake.listen());
afterAll(() => fake.close());

function apiOf(google: FakeGoogle, scopes = ['drive.file', 'script.projects']) {
  const tokens = google.issueToken(scopes);
  return new GoogleApi({
    auth: google.oauthClient({ refreshToken: tokens.refreshToken }),
    rootUrl: google.rootUrl,
  });
}
const api = (scopes?: string[]) => apiOf(fake, scopes);

/** The requests of every batchUpdate in `calls` (the fake records bodies). */
function batchRequests(calls: readonly CallRecord[]): sheets_v4.Schema$Request[] {
  return calls
    .filter((c) => c.method === 'POST' && /:batchUpdate$/.test(c.path))
    .flatMap((c) => (c.body as sheets_v4.Schema$BatchUpdateSpreadsheetRequest).requests ?? []);
}

describe('install --target sheets (library)', () => {
  let spreadsheetId = '';
  let firstInstall: CallRecord[] = [];

  it('creates every tab, formula, named range, chart and the bound script, in as few batchUpdates as the limit allows', async () => {
    fake.clearLog();
    const result = await installWorkbook(api(), ws, source);
    spreadsheetId = result.spreadsheetId;
    firstInstall = [...fake.calls];
    expect(result.action).toBe('created');
    expect(result.scriptAction).toBe('created');
    // Three more record the script: the project about to be created, its ID, then the pushed code's hash.
    expect(result.batchUpdates).toBe(fake.count('POST', /:batchUpdate$/) - 3);
    const book = fake.state.spreadsheet(spreadsheetId)!;
    expect(JSON.stringify(book).length).toBeGreaterThan(0);
    const sheets = await api().sheets.spreadsheets.get({
      spreadsheetId,
      fields: 'sheets(properties,charts),namedRanges',
    });
    expect(sheets.data.sheets?.map((s) => s.properties?.title)).toEqual(WORKBOOK_TABS);
    expect(sheets.data.namedRanges?.map((n) => n.name)).toEqual(
      expect.arrayContaining(['Weights', 'PursueAt', 'MinCoverage', 'RygYellowBand']),
    );
    const charts = sheets.data.sheets?.find((s) => s.properties?.title === 'Dashboard')?.charts ?? [];
    expect(charts).toHaveLength(5);
    const frozen = sheets.data.sheets?.find((s) => s.properties?.title === 'Partner Scoring')?.properties
      ?.gridProperties?.frozenRowCount;
    expect(frozen).toBe(2);
    const project = fake.state.script.projects.values().next().value!;
    expect(project.project.parentId).toBe(spreadsheetId);
    expect(
      project.pushes
        .at(-1)
        ?.map((f) => f.name)
        .sort(),
    ).toEqual(['Code', 'appsscript']);
  });

  it('computes the example partners exactly as the domain does, from the formulas it wrote', async () => {
    const scoring = ws.workbook.tabs.find((t) => t.key === 'partner_scoring')!;
    const cols = scoring.table!.columns;
    const letter = (key: string) => cols.find((c) => c.key === key)!.letter;
    const read = await api().sheets.spreadsheets.values.batchGet({
      spreadsheetId,
      ranges: [
        `'Partner Scoring'!${letter('score')}3:${letter('recommendation')}6`,
        `'Partner Scoring'!${letter('score')}3`,
      ],
      valueRenderOption: 'UNFORMATTED_VALUE',
    });
    const formulas = await api().sheets.spreadsheets.values.get({
      spreadsheetId,
      range: `'Partner Scoring'!${letter('score')}3`,
      valueRenderOption: 'FORMULA',
    });
    expect(String(formulas.data.values?.[0]?.[0])).toMatch(/^=IF\(OR\(SUM\(/);
    const examples = bp.workbook.tabs.find((t) => t.key === 'partner_scoring')!;
    // Each example partner is scored with the weights of its own type (the examples name first/second/last).
    const typeNames = await api().sheets.spreadsheets.values.get({
      spreadsheetId,
      range: `'Partner Scoring'!${letter('type')}3:${letter('type')}6`,
      valueRenderOption: 'UNFORMATTED_VALUE',
    });
    const partners = (examples.kind === 'table' ? examples.examples : []).map((e, i) => ({
      type: typeNames.data.values?.[i]?.[0] ?? '',
      ratings: (e.ratings ?? {}) as Record<string, unknown>,
    }));
    expect(new Set(partners.map((p) => p.type)).size).toBeGreaterThan(1);
    const expected = scorePartnersByType(partners, scoringByType(bp.scoring, ws.types));
    const rows = read.data.valueRanges?.[0]?.values ?? [];
    expect(rows.map((r) => [r[0], r[1], r[2]])).toEqual(
      expected.map((e) => [e.score ?? '', e.rank ?? '', e.recommendation]),
    );
  });

  it('charts leads per partner from the example referrals, and how many partners brought none, a few or many', async () => {
    const read = (range: string) =>
      api()
        .sheets.spreadsheets.values.get({ spreadsheetId, range, valueRenderOption: 'UNFORMATTED_VALUE' })
        .then((r) => r.data.values ?? []);
    const partners = await read("'Dashboard'!N5:O24");
    expect(partners.slice(0, 4)).toEqual([
      ['Example — Northwind Advisory', 2],
      ['Example — Larkspur Systems', 1],
      ['Example — Quillfeather Media', 0],
      ['Example — Brightwater Partners', 0],
    ]);
    // The distribution counts the listed partners only: an empty slot is no partner with no leads.
    const leads = partners.filter((r) => r[0] !== '' && r[0] !== undefined).map((r) => Number(r[1]));
    const within = (lo: number, hi: number) => leads.filter((n) => n >= lo && n <= hi).length;
    expect(await read("'Dashboard'!N26:O31")).toEqual([
      ['Leads to date', 'Partners'],
      ['No leads yet', within(0, 0)],
      ['1 or 2 leads', within(1, 2)],
      ['3 to 5 leads', within(3, 5)],
      ['6 to 10 leads', within(6, 10)],
      ['More than 10 leads', within(11, Number.POSITIVE_INFINITY)],
    ]);
    expect(within(0, 0)).toBeGreaterThan(0);
    expect(within(1, 2)).toBeGreaterThan(0);
  });

  it('charts categories and every series from exactly the data rows of their block, none of them empty', async () => {
    const charts = batchRequests(firstInstall).flatMap((r) => (r.addChart?.chart ? [r.addChart.chart] : []));
    const book = await api().sheets.spreadsheets.get({
      spreadsheetId,
      fields: 'sheets(properties(sheetId,title)),namedRanges(name,range)',
    });
    const titleOf = (id: number | null | undefined) =>
      book.data.sheets?.find((sh) => sh.properties?.sheetId === id)?.properties?.title;
    const a1 = (r: sheets_v4.Schema$GridRange) => {
      const letter = columnLetter(r.startColumnIndex! + 1);
      expect(r.endColumnIndex! - r.startColumnIndex!).toBe(1);
      return `'${titleOf(r.sheetId)}'!${letter}${r.startRowIndex! + 1}:${letter}${r.endRowIndex}`;
    };
    const only = (data: sheets_v4.Schema$ChartData | undefined) => {
      const sources = data?.sourceRange?.sources ?? [];
      expect(sources).toHaveLength(1);
      return sources[0]!;
    };
    // The CAC chart reads the two named cells' rows of Unit Economics (no header); the others a table under
    // its header row, whose block ends where the category column does.
    const rowOf = (name: string) =>
      book.data.namedRanges!.find((n) => n.name === name)!.range!.startRowIndex! + 1;
    const cac = [rowOf('PartnerCac'), rowOf('DirectCac')].sort((x, y) => x - y);
    expect(cac[1]! - cac[0]!).toBe(1);
    const expected: Record<string, { domain: string; series: string[]; headerCount: number }> = {
      'Partner-sourced pipeline and revenue by month': {
        domain: "'Dashboard'!A4:A16",
        series: ["'Dashboard'!D4:D16", "'Dashboard'!F4:F16"],
        headerCount: 1,
      },
      'Partner leads by month': {
        domain: "'Dashboard'!A4:A16",
        series: ["'Dashboard'!C4:C16"],
        headerCount: 1,
      },
      'Partners by stage': { domain: "'Dashboard'!K4:K14", series: ["'Dashboard'!L4:L14"], headerCount: 1 },
      'Partners by leads to date (first 20 on Partner Scoring)': {
        domain: "'Dashboard'!N26:N31",
        series: ["'Dashboard'!O26:O31"],
        headerCount: 1,
      },
      'Customer acquisition cost: partner vs direct': {
        domain: `'Unit Economics'!A${cac[0]}:A${cac[1]}`,
        series: [`'Unit Economics'!B${cac[0]}:B${cac[1]}`],
        headerCount: 0,
      },
    };
    expect(charts.map((c) => c.spec!.title).sort()).toEqual(Object.keys(expected).sort());

    const cellsOf = async (range: string, render: 'FORMULA' | 'UNFORMATTED_VALUE', height: number) => {
      const got = await api().sheets.spreadsheets.values.get({
        spreadsheetId,
        range,
        valueRenderOption: render,
      });
      return Array.from({ length: height }, (_, i) => got.data.values?.[i]?.[0]);
    };
    for (const chart of charts) {
      const title = chart.spec!.title!;
      const basic = chart.spec!.basicChart!;
      const want = expected[title]!;
      const domain = only(basic.domains?.[0]?.domain);
      expect(a1(domain), title).toBe(want.domain);
      expect(basic.headerCount, title).toBe(want.headerCount);
      expect(
        (basic.series ?? []).map((s) => a1(only(s.series))),
        title,
      ).toEqual(want.series);

      // Every category and every series cell of the range holds something, and (for a table under a
      // header) the row after the range is outside the block: its category cell is empty.
      const height = domain.endRowIndex! - domain.startRowIndex!;
      const after = want.headerCount ? 1 : 0;
      const column = (r: sheets_v4.Schema$GridRange) =>
        `'${titleOf(r.sheetId)}'!${columnLetter(r.startColumnIndex! + 1)}${r.startRowIndex! + 1}:${columnLetter(r.startColumnIndex! + 1)}${r.endRowIndex! + after}`;
      const entered = await cellsOf(column(domain), 'FORMULA', height + after);
      expect(
        entered.slice(0, height).every((v) => v !== undefined && v !== ''),
        `${title}: ${JSON.stringify(entered)}`,
      ).toBe(true);
      if (after) expect(entered[height], `${title}: the row after its range`).toBeUndefined();
      const labels = await cellsOf(column(domain), 'UNFORMATTED_VALUE', height);
      expect(
        labels.every((v) => v !== undefined && v !== ''),
        `${title}: ${JSON.stringify(labels)}`,
      ).toBe(true);
      for (const s of basic.series ?? []) {
        const values = await cellsOf(column(only(s.series)), 'FORMULA', height);
        expect(
          values.every((v) => v !== undefined && v !== ''),
          `${title}: ${JSON.stringify(values)}`,
        ).toBe(true);
      }
    }
  });

  it("creates the workbook in the configured time zone and locale, the machine's zone by default", async () => {
    const created = firstInstall.find((c) => c.method === 'POST' && c.path === '/v4/spreadsheets');
    const machine = Intl.DateTimeFormat().resolvedOptions().timeZone;
    expect((created?.body as sheets_v4.Schema$Spreadsheet | undefined)?.properties).toMatchObject({
      timeZone: machine,
      locale: 'en_US',
    });
    const props = await api().sheets.spreadsheets.get({
      spreadsheetId,
      fields: 'properties(timeZone,locale)',
    });
    expect(props.data.properties).toEqual({ timeZone: machine, locale: 'en_US' });

    const other = createFakeGoogle();
    await other.listen();
    try {
      const zoned = compile(
        bp,
        parseConfig(
          { company: { name: 'Kiwi Freight' }, program: { time_zone: 'Pacific/Auckland', locale: 'en_NZ' } },
          'test',
          '2027-01-04',
        ),
      );
      const result = await installWorkbook(apiOf(other), zoned, null);
      expect(other.state.spreadsheet(result.spreadsheetId)!.properties).toMatchObject({
        timeZone: 'Pacific/Auckland',
        locale: 'en_NZ',
      });
    } finally {
      await other.close();
    }

    // An unknown zone or a malformed locale is refused with one line naming the field.
    const refused = (program: Record<string, string>) => {
      try {
        parseConfig({ program }, 'partnernomics.config.yaml');
      } catch (e) {
        return (e as PnError).oneLine();
      }
      return 'accepted';
    };
    expect(refused({ time_zone: 'Mars/Olympus_Mons' })).toMatch(
      /^partnernomics\.config\.yaml: program\.time_zone: "Mars\/Olympus_Mons" is not a time zone/,
    );
    expect(refused({ time_zone: '+05:00' })).toContain('program.time_zone');
    expect(refused({ locale: 'en-US' })).toContain('program.locale: must be a Sheets locale');
    expect(refused({ time_zone: 'asia/tokyo', locale: 'ja_JP' })).toBe('accepted');
    expect(parseConfig({ program: { time_zone: 'asia/tokyo' } }, 'x').program.time_zone).toBe('Asia/Tokyo');
  });

  it('reads the time zone and locale back from the create, and corrects them when Sheets did not take them', async () => {
    // Nothing is corrected, and nothing is read twice, when Sheets kept what it was asked for.
    const create = firstInstall.find((c) => c.method === 'POST' && c.path === '/v4/spreadsheets');
    expect(decodeURIComponent(create?.query ?? '')).toContain('properties(timeZone,locale)');
    expect(batchRequests(firstInstall).filter((r) => r.updateSpreadsheetProperties)).toEqual([]);

    const zoned = compile(
      bp,
      parseConfig(
        { company: { name: 'Kiwi Freight' }, program: { time_zone: 'Pacific/Auckland', locale: 'en_NZ' } },
        'test',
        '2027-01-04',
      ),
    );
    // The reference does not say what create does with a zone it does not take: this fake ignores it.
    const ignoring = createFakeGoogle({ createKeepsZone: false, recordBodies: true });
    await ignoring.listen();
    try {
      const result = await installWorkbook(apiOf(ignoring), zoned, null);
      expect(ignoring.state.spreadsheet(result.spreadsheetId)!.properties).toMatchObject({
        timeZone: 'Pacific/Auckland',
        locale: 'en_NZ',
      });
      expect(result.updated).toEqual([
        'time zone (Pacific/Auckland; Sheets had set Etc/GMT)',
        'locale (en_NZ; Sheets had set en_US)',
      ]);
      expect(result.notUpdated).toEqual([]);
      // One batchUpdate of its own, after the fill, so a refusal could not cost the fill.
      const fixes = ignoring.calls.filter(
        (c) => /:batchUpdate$/.test(c.path) && JSON.stringify(c.body).includes('updateSpreadsheetProperties'),
      );
      expect(fixes.map((c) => (c.body as sheets_v4.Schema$BatchUpdateSpreadsheetRequest).requests)).toEqual([
        [
          {
            updateSpreadsheetProperties: {
              properties: { timeZone: 'Pacific/Auckland', locale: 'en_NZ' },
              fields: 'timeZone,locale',
            },
          },
        ],
      ]);
    } finally {
      await ignoring.close();
    }

    // Sheets may refuse a locale on update ("not all locales/languages are supported"): the install
    // finishes and says what the workbook has, why, and where to change it.
    const refusing = createFakeGoogle({ createKeepsZone: false });
    await refusing.listen();
    refusing.server.reject({
      method: 'POST',
      path: /:batchUpdate$/,
      body: (body) => JSON.stringify(body).includes('"updateSpreadsheetProperties"'),
      response: {
        status: 400,
        body: { error: { code: 400, message: 'Unsupported locale: en_NZ', status: 'INVALID_ARGUMENT' } },
      },
    });
    try {
      const result = await installWorkbook(apiOf(refusing), zoned, null);
      expect(result.action).toBe('created');
      expect(result.updated).toEqual([]);
      expect(result.notUpdated).toEqual([
        expect.stringMatching(
          /^time zone: the workbook has Etc\/GMT, not Pacific\/Auckland; Sheets refused the change: Google answered 400 .*Unsupported locale: en_NZ — set it in File → Settings/,
        ),
        expect.stringMatching(/^locale: the workbook has en_US, not en_NZ; Sheets refused the change: /),
      ]);
      const charts = refusing.state
        .spreadsheet(result.spreadsheetId)!
        .sheets.find((sh) => sh.properties.title === 'Dashboard')?.charts;
      expect(charts).toHaveLength(5);
    } finally {
      await refusing.close();
    }
  });

  it('fills the workbook by the sheet IDs Sheets reports, not the ones it asked for', async () => {
    // The reference does not promise create keeps requested sheetIds: a fake that picks its own proves
    // that tabs, named ranges and charts are placed by the IDs read back from the create.
    const reassigning = createFakeGoogle({ createKeepsSheetIds: false });
    await reassigning.listen();
    try {
      const result = await installWorkbook(apiOf(reassigning), ws, source);
      const got = await apiOf(reassigning).sheets.spreadsheets.get({
        spreadsheetId: result.spreadsheetId,
        fields: 'sheets(properties(sheetId,title),charts(spec(title))),namedRanges(name,range(sheetId))',
      });
      const idOf = new Map(got.data.sheets?.map((sh) => [sh.properties?.title, sh.properties?.sheetId]));
      expect([...idOf.values()]).not.toEqual(WORKBOOK_TABS.map((_, i) => i + 1));
      const weights = got.data.namedRanges?.find((n) => n.name === 'Weights');
      expect(weights?.range?.sheetId).toBe(idOf.get('Settings'));
      const dashboard = got.data.sheets?.find((sh) => sh.properties?.title === 'Dashboard');
      expect(dashboard?.charts).toHaveLength(5);
    } finally {
      await reassigning.close();
    }
  });

  it('makes zero writes when installed again with nothing changed', async () => {
    fake.clearLog();
    const again = await installWorkbook(api(), ws, source);
    expect(again.action).toBe('unchanged');
    expect(again.scriptAction).toBe('unchanged');
    expect(again.writes).toBe(0);
    expect(fake.calls.filter((c) => c.method !== 'GET' && !c.path.startsWith('/token')).length).toBe(0);
  });

  it('upgrades to a new blueprint version by adding the new tab, keeping every value a person typed', async () => {
    await api().sheets.spreadsheets.values.update({
      spreadsheetId,
      range: "'Metrics'!B10",
      valueInputOption: 'RAW',
      requestBody: { values: [['Typed by a person']] },
    });
    const templates = editedTemplates({
      'blueprint/workbook.yaml': (t) =>
        `${t}\n  - key: partner_tiers\n    name: Partner Tiers\n    kind: table\n    header_rows: 1\n    data_rows: 20\n    columns:\n      - { key: partner, header: Partner, kind: input }\n      - { key: tier, header: Tier, kind: input, list: [Registered, Silver, Gold] }\n`,
    });
    const upgraded = compile(
      loadBlueprint(templates),
      parseConfig({ company: { name: 'Ridgeway Dispatch' } }, 'test', '2027-01-04'),
    );
    const result = await installWorkbook(api(), upgraded, source);
    expect(result.action).toBe('upgraded');
    expect(result.addedTabs).toEqual(['Partner Tiers']);
    expect(result.skippedColumns).toEqual([]);
    const kept = await api().sheets.spreadsheets.values.get({ spreadsheetId, range: "'Metrics'!B10" });
    expect(kept.data.values?.[0]?.[0]).toBe('Typed by a person');
    const tabs = await api().sheets.spreadsheets.get({ spreadsheetId, fields: 'sheets(properties(title))' });
    expect(tabs.data.sheets?.map((t) => t.properties?.title)).toEqual([...WORKBOOK_TABS, 'Partner Tiers']);
    const again = await installWorkbook(api(), upgraded, source);
    expect(again.action).toBe('unchanged');
    expect(again.writes).toBe(0);
  });

  it('says where to switch the Apps Script API on, and that a missing scope needs a new login', async () => {
    const other = createFakeGoogle();
    await other.listen();
    try {
      const otherApi = (scopes: string[]) => apiOf(other, scopes);
      other.setAppsScriptApi('userSettingDisabled');
      const disabled = await installWorkbook(otherApi(['drive.file', 'script.projects']), ws, source).catch(
        (e: unknown) => e,
      );
      expect(disabled).toBeInstanceOf(PnError);
      expect((disabled as PnError).oneLine()).toContain('https://script.google.com/home/usersettings');
      other.setAppsScriptApi('enabled');
      const noScope = await installWorkbook(otherApi(['drive.file']), ws, source).catch((e: unknown) => e);
      expect(noScope).toBeInstanceOf(PnError);
      expect((noScope as PnError).oneLine()).toContain('partnernomics login google');
      // With the API on and the scope granted, the same workbook is finished: no second spreadsheet.
      const done = await installWorkbook(otherApi(['drive.file', 'script.projects']), ws, source);
      expect(done.scriptAction).toBe('created');
      expect(other.state.drive.files.size).toBe(1);
    } finally {
      await other.close();
    }
  });

  it('tells the Cloud project switch (enable the API in the console) from the user setting (usersettings)', async () => {
    const other = createFakeGoogle();
    await other.listen();
    try {
      const project = other.state.projectNumber;
      const consoleUrl = `https://console.developers.google.com/apis/api/script.googleapis.com/overview?project=${project}`;
      const failure = async () => {
        const e = await installWorkbook(apiOf(other), ws, source).catch((error: unknown) => error);
        expect(e).toBeInstanceOf(PnError);
        return (e as PnError).oneLine();
      };
      const probe = async () => {
        const e = await apiOf(other)
          .checkAppsScriptApi()
          .then(() => 'ok')
          .catch((error: unknown) => (error as PnError).oneLine());
        return e;
      };

      other.setAppsScriptApi('serviceDisabled');
      for (const line of [await failure(), await probe()]) {
        expect(line).toContain('Apps Script API is not enabled in the Google Cloud project');
        expect(line).toContain(`enable it at ${consoleUrl}`);
        expect(line).not.toContain('usersettings');
      }

      other.setAppsScriptApi('userSettingDisabled');
      for (const line of [await failure(), await probe()]) {
        expect(line).toContain("switched off in this Google account's Apps Script settings");
        expect(line).toContain('https://script.google.com/home/usersettings');
        expect(line).not.toContain('console.developers.google.com');
      }

      // The same Cloud-project fault on another API names that API and its own console page.
      other.setAppsScriptApi('enabled');
      other.setServiceEnabled('sheets', false);
      const sheetsOff = await installWorkbook(apiOf(other), ws, source).catch((e: unknown) => e);
      other.setServiceEnabled('sheets', true);
      expect((sheetsOff as PnError).oneLine()).toContain(
        `Google Sheets API is not enabled in the Google Cloud project of the OAuth client`,
      );
      expect((sheetsOff as PnError).oneLine()).toContain('sheets.googleapis.com/overview?project=');
      expect(await probe()).toBe('ok');
    } finally {
      await other.close();
    }
  });

  it('retries rate limits (they were not applied) and explains an exhausted quota', async () => {
    const limited = createFakeGoogle();
    await limited.listen();
    try {
      const limitedApi = (policy?: {
        maxRateLimitRetries: number;
        maxServerRetries: number;
        baseDelayMs: number;
      }) =>
        new GoogleApi({
          auth: limited.oauthClient({
            refreshToken: limited.issueToken(['drive.file', 'script.projects']).refreshToken,
          }),
          rootUrl: limited.rootUrl,
          ...(policy ? { policy } : {}),
        });
      limited.injectFaults({ seed: 5, rateLimited: 0.3, retryAfterSeconds: 0 });
      const result = await installWorkbook(limitedApi(), ws, source);
      expect(result.action).toBe('created');
      expect(limited.calls.filter((c) => c.status === 429).length).toBeGreaterThan(0);
      expect(limited.state.drive.files.size).toBe(1);
      // Every request over quota, and a caller that gives up at once: one line that says what to do.
      limited.injectFaults({ seed: 6, rateLimited: 1, retryAfterSeconds: 0 });
      const noRetries = { maxRateLimitRetries: 0, maxServerRetries: 0, baseDelayMs: 1 };
      const exhausted = await installWorkbook(limitedApi(noRetries), ws, source).catch((e: unknown) => e);
      limited.injectFaults(undefined);
      expect(exhausted).toBeInstanceOf(PnError);
      expect((exhausted as PnError).oneLine()).toMatch(/quota .* kept being exceeded .* — wait a minute/);
    } finally {
      await limited.close();
    }
  });
});

describe('doctor names the switch that is off', () => {
  it('the Cloud project API (console URL) and the user setting (usersettings) get different fixes', async () => {
    const google = createFakeGoogle();
    await google.listen();
    try {
      const tokens = google.issueToken(['drive.file', 'script.projects']);
      const env = {
        PARTNERNOMICS_HOME: tempDir(),
        PARTNERNOMICS_GOOGLE_URL: google.rootUrl,
        PARTNERNOMICS_GOOGLE_TOKEN_URL: google.tokenUrl,
        GOOGLE_OAUTH_CLIENT_ID: google.clientId,
        GOOGLE_OAUTH_CLIENT_SECRET: google.clientSecret,
        GOOGLE_REFRESH_TOKEN: tokens.refreshToken,
      };
      const line = (stdout: string) => stdout.split('\n').find((l) => l.includes('Apps Script API:')) ?? '';

      const on = await cli(['doctor'], { env });
      expect(line(on.stdout)).toMatch(/^✓ Apps Script API: enabled/);

      google.setAppsScriptApi('serviceDisabled');
      const project = await cli(['doctor'], { env });
      expect(project.code).toBe(1);
      expect(line(project.stdout)).toMatch(
        /^✗ Apps Script API: the Apps Script API is not enabled in the Google Cloud project/,
      );
      expect(line(project.stdout)).toContain(
        `enable it at https://console.developers.google.com/apis/api/script.googleapis.com/overview?project=${google.state.projectNumber}`,
      );

      google.setAppsScriptApi('userSettingDisabled');
      const user = await cli(['doctor'], { env });
      expect(user.code).toBe(1);
      expect(line(user.stdout)).toMatch(
        /^✗ Apps Script API: the Apps Script API is switched off in this Google account/,
      );
      expect(line(user.stdout)).toContain('turn it on at https://script.google.com/home/usersettings');
      expect(line(user.stdout)).not.toContain('console.developers.google.com');
    } finally {
      await google.close();
    }
  });
});

describe('doctor names the OAuth client that cannot see the workbook', () => {
  it('finds the workbook with the client that made it, and warns before a login with another client makes a second one', async () => {
    const google = createFakeGoogle();
    await google.listen();
    const other = 'another-client.apps.googleusercontent.com';
    google.state.auth.registerClient(other, 'another-secret');
    try {
      const { spreadsheetId } = await installWorkbook(apiOf(google), ws, null);
      const envFor = (clientId: string, clientSecret: string) => ({
        PARTNERNOMICS_HOME: tempDir(),
        PARTNERNOMICS_GOOGLE_URL: google.rootUrl,
        PARTNERNOMICS_GOOGLE_TOKEN_URL: google.tokenUrl,
        GOOGLE_OAUTH_CLIENT_ID: clientId,
        GOOGLE_OAUTH_CLIENT_SECRET: clientSecret,
        GOOGLE_REFRESH_TOKEN: google.issueToken(['drive.file', 'script.projects'], { clientId }).refreshToken,
      });
      const line = (stdout: string) => stdout.split('\n').find((l) => l.includes('Workbook:')) ?? '';

      const same = await cli(['doctor'], { env: envFor(google.clientId, google.clientSecret) });
      expect(line(same.stdout)).toBe(
        `✓ Workbook: found by this login's OAuth client: https://docs.google.com/spreadsheets/d/${spreadsheetId}/edit`,
      );

      const changed = await cli(['doctor'], { env: envFor(other, 'another-secret') });
      expect(line(changed.stdout)).toMatch(
        new RegExp(
          `^• Workbook: the OAuth client of this login \\(${other.replace(/\./g, '\\.')}\\) finds no workbook`,
        ),
      );
      expect(line(changed.stdout)).toContain('partnernomics login google --client-file <that file>');
      expect(line(changed.stdout)).toContain('install would make a second workbook');
      // The warning comes before anything is written: doctor only reads.
      expect(google.state.drive.files.size).toBe(1);
    } finally {
      await google.close();
    }
  });
});

/** The blueprint as it was before the Archived column: no such column, no formula that reads it. */
function withoutArchived(): string {
  return editedTemplates({ 'blueprint/workbook.yaml': workbookWithoutArchived });
}

describe('upgrading a workbook installed before the Archived column', () => {
  it('inserts the new Archived column of each synced tab, and keeps every value and every formula a person may have edited', async () => {
    const google = createFakeGoogle();
    await google.listen();
    try {
      const config = parseConfig({ company: { name: 'Ridgeway Dispatch' } }, 'test', '2027-01-04');
      const old = compile(loadBlueprint(withoutArchived()), config);
      expect(JSON.stringify(old.workbook)).not.toContain('archived');
      const { spreadsheetId } = await installWorkbook(apiOf(google), old, null);
      const result = await installWorkbook(apiOf(google), ws, null);
      expect(result.action).toBe('upgraded');
      expect(result.addedTabs).toEqual([]);
      expect(result.skippedColumns).toEqual([]);
      expect(result.addedColumns).toEqual([
        'Partner Scoring: Archived',
        'ICP Analysis: Archived',
        'Metrics: Archived',
        'Referrals: Archived',
        'PBRs: Archived',
        'PBR Scoreboard: Archived',
        'Roadmap: Archived',
      ]);
      const got = await apiOf(google).sheets.spreadsheets.values.get({
        spreadsheetId,
        range: 'Dashboard!C5',
        valueRenderOption: 'FORMULA',
      });
      expect(String(got.data.values?.[0]?.[0])).not.toContain('"<>TRUE"'); // formulas a person may have edited stay
    } finally {
      await google.close();
    }
  });
});

describe('re-install after the config changes', () => {
  it('updates the title, company cell and type terms in one batchUpdate, keeps typed values, then writes 0', async () => {
    const google = createFakeGoogle({ recordBodies: true });
    await google.listen();
    try {
      const configured = (name: string, types: string[]) =>
        compile(bp, parseConfig({ company: { name }, partnership_types: types }, 'test', '2027-01-04'));
      const settingsOf = (w: typeof ws) => w.workbook.tabs.find((t) => t.key === 'settings')!;
      const before = configured('Ridgeway Dispatch', ['referral', 'co-sell']);
      const after = configured('Ridgeway Logistics', ['referral', 'affiliate', 'marketplace']);
      const oldTerms = termsTable(settingsOf(before))!;
      const newTerms = termsTable(settingsOf(after))!;
      expect(newTerms.rows.length).toBeGreaterThan(oldTerms.rows.length);
      const { spreadsheetId } = await installWorkbook(apiOf(google), before, source);
      const sheets = apiOf(google).sheets.spreadsheets;

      // A person's values: a threshold on Settings, a metric, and a note two rows under the terms table.
      const noteRow = oldTerms.headerRow + newTerms.rows.length + 3;
      await sheets.values.batchUpdate({
        spreadsheetId,
        requestBody: {
          valueInputOption: 'RAW',
          data: [
            { range: 'Settings!I7', values: [[75]] },
            { range: "'Metrics'!B10", values: [['Typed by a person']] },
            { range: `Settings!A${noteRow}`, values: [['Our own note under the terms']] },
          ],
        },
      });

      google.clearLog();
      const upgraded = await installWorkbook(apiOf(google), after, source);
      expect(upgraded.action).toBe('upgraded');
      expect(upgraded.updated).toEqual(['title', 'company name', 'default terms']);
      expect(google.count('POST', /:batchUpdate$/)).toBe(1);

      const title = 'Partnernomics — Program Workbook (Ridgeway Logistics)';
      const props = await sheets.get({ spreadsheetId, fields: 'properties(title)' });
      expect(props.data.properties?.title).toBe(title);
      expect(google.state.drive.files.get(spreadsheetId)?.name).toBe(title);
      const read = await sheets.values.batchGet({
        spreadsheetId,
        ranges: [
          'CompanyName',
          `Settings!A${oldTerms.headerRow}:D${noteRow}`,
          'Settings!I7',
          "'Metrics'!B10",
          'Start!A2',
        ],
        valueRenderOption: 'UNFORMATTED_VALUE',
      });
      const [company, terms, pursue, metric, start] = (read.data.valueRanges ?? []).map((v) => v.values);
      expect(company).toEqual([['Ridgeway Logistics']]);
      expect(terms).toEqual([[...TERMS_HEADERS], ...newTerms.rows, [], [], ['Our own note under the terms']]);
      expect(pursue).toEqual([[75]]);
      expect(metric).toEqual([['Typed by a person']]);
      expect(String(start?.[0]?.[0])).toContain('Partner program of Ridgeway Logistics');

      // The Partnership type dropdown offers the new types.
      const typeColumn = after.workbook.tabs
        .find((t) => t.key === 'partner_scoring')!
        .table!.columns.find((c) => c.key === 'type')!.letter;
      const rule = await sheets.get({
        spreadsheetId,
        ranges: [`'Partner Scoring'!${typeColumn}3`],
        fields: 'sheets(data(rowData(values(dataValidation))))',
      });
      const options =
        rule.data.sheets?.[0]?.data?.[0]?.rowData?.[0]?.values?.[0]?.dataValidation?.condition?.values?.map(
          (v) => v.userEnteredValue,
        );
      expect(options).toEqual(
        ['Referral', 'Affiliate', 'Marketplace'].map((n) => expect.stringContaining(n)),
      );

      google.clearLog();
      const again = await installWorkbook(apiOf(google), after, source);
      expect(again.action).toBe('unchanged');
      expect(again.writes).toBe(0);

      // Fewer types: the rows the longer table used are cleared, the note under it stays.
      const fewer = configured('Ridgeway Logistics', ['marketplace']);
      const fewerTerms = termsTable(settingsOf(fewer))!;
      const shrunk = await installWorkbook(apiOf(google), fewer, source);
      expect(shrunk.updated).toEqual(['default terms']);
      const left = await sheets.values.get({
        spreadsheetId,
        range: `Settings!A${oldTerms.headerRow}:D${noteRow}`,
      });
      expect(left.data.values).toEqual([
        [...TERMS_HEADERS],
        ...fewerTerms.rows,
        ...Array.from({ length: noteRow - oldTerms.headerRow - fewerTerms.rows.length - 1 }, () => []),
        ['Our own note under the terms'],
      ]);
    } finally {
      await google.close();
    }
  });
});
