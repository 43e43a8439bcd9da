// Installing the leaders' workbook into the stateful fake Google APIs: complete, computed, idempotent, clear errors.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { scorePartners } from '../../src/domain/scoring.js';
import { PnError } from '../../src/platform/errors.js';
import { APPS_SCRIPT_BUNDLE, APPS_SCRIPT_MANIFEST } from '../../src/platform/paths.js';
import { GoogleApi } from '../../src/targets/sheets/google-api.js';
import { installWorkbook } from '../../src/targets/sheets/install.js';
import { createFakeGoogle } from '../fakes/google/index.js';
import { editedTemplates, WORKBOOK_TABS } from '../helpers.js';

const fake = createFakeGoogle();
const bp = loadBlueprint();
const ws = compile(bp, parseConfig({ company: { name: 'Ridgeway Dispatch' } }, 'test', '2027-01-04'));
const source = {
  code: readFileSync(APPS_SCRIPT_BUNDLE, 'utf8'),
  manifest: readFileSync(APPS_SCRIPT_MANIFEST, 'utf8'),
};

beforeAll(() => fake.listen());
afterAll(() => fake.close());

function api(scopes = ['drive.file', 'script.projects']) {
  const tokens = fake.issueToken(scopes);
  return new GoogleApi({
    auth: fake.oauthClient({ refreshToken: tokens.refreshToken }),
    rootUrl: fake.rootUrl,
  });
}

describe('install --target sheets (library)', () => {
  let spreadsheetId = '';

  it('creates every tab, formula, named range, chart and the bound script, in as few batchUpdates as the limit allows', async () => {
    fake.clearLog();
    const result = await installWorkbook(api(), ws, source);
    spreadsheetId = result.spreadsheetId;
    expect(result.action).toBe('created');
    expect(result.scriptAction).toBe('created');
    expect(result.batchUpdates).toBe(fake.count('POST', /:batchUpdate$/) - 1); // the last one records the script
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
    const ratings = (examples.kind === 'table' ? examples.examples : []).map((e) => ({
      ratings: (e.ratings ?? {}) as Record<string, unknown>,
    }));
    const expected = scorePartners(ratings, {
      criteria: bp.scoring.criteria,
      pursueAt: bp.scoring.thresholds.pursue,
      nurtureAt: bp.scoring.thresholds.nurture,
      minCoverage: bp.scoring.min_coverage,
    });
    const rows = read.data.valueRanges?.[0]?.values ?? [];
    expect(rows.map((r) => [r[0], r[1], r[2]])).toEqual(
      expected.map((e) => [e.score ?? '', e.rank ?? '', e.recommendation]),
    );
  });

  it('charts leads per partner from the example metrics', async () => {
    const leads = await api().sheets.spreadsheets.values.get({
      spreadsheetId,
      range: "'Dashboard'!N5:O8",
      valueRenderOption: 'UNFORMATTED_VALUE',
    });
    expect(leads.data.values).toEqual([
      ['Example — Northwind Advisory', 15],
      ['Example — Larkspur Systems', 3],
      ['Example — Quillfeather Media', 0],
      ['Example — Brightwater Partners', 0],
    ]);
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
      const otherApi = (scopes: string[]) =>
        new GoogleApi({
          auth: other.oauthClient({ refreshToken: other.issueToken(scopes).refreshToken }),
          rootUrl: other.rootUrl,
        });
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
