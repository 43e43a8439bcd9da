// `partnernomics report` end to end against the fakes: it sets the quarter, freezes the Leadership Report tab as
// values, writes the leadership page in Notion and report-<quarter>.html, all with the tab's numbers; a second
// run writes nothing. The local install writes the example dashboard; `--example` needs no login.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoogleApi } from '../../src/targets/sheets/google-api.js';
import { HEADLINES } from '../../src/workflows/report/compute.js';
import { exampleReport } from '../../src/workflows/report/example.js';
import { formatFigure } from '../../src/workflows/report/format.js';
import { cliEnvFor, loginGoogle } from '../fakes/cli-env.js';
import { createFakeGoogle } from '../fakes/google/index.js';
import type { CallRecord } from '../fakes/harness.js';
import { createFakeNotion } from '../fakes/notion/index.js';
import { cli, tempDir } from '../helpers.js';
import { workspace } from './report-scenario.js';

const CONFIG = `company: { name: Acme Software }
partnership_types: [co-sell, service-implementation]
program: { start_date: 2027-01-04 }
`;

const googleWrites = (calls: readonly CallRecord[]) =>
  calls.filter((c) => c.method !== 'GET' && !c.path.startsWith('/token') && !/values:batchGet/.test(c.path));
const notionWrites = (calls: readonly CallRecord[]) =>
  calls.filter((c) => c.method !== 'GET' && !/\/query$/.test(c.path));

describe('partnernomics report, against the fakes', () => {
  const notion = createFakeNotion();
  const google = createFakeGoogle();
  const cwd = tempDir();
  const out = join(cwd, 'reports');
  let env: NodeJS.ProcessEnv;
  let root: string;
  let spreadsheetId: string;
  let gapi: GoogleApi;

  async function report(...args: string[]) {
    const run = await cli(['--json', '--config', join(cwd, 'config.yaml'), 'report', '--out', out, ...args], {
      env,
      cwd,
    });
    return { ...run, json: run.stdout ? JSON.parse(run.stdout) : null };
  }
  /** A tab's cells as the API gives them (numbers unformatted), or its formulas. */
  async function cells(
    tab: string,
    render: 'UNFORMATTED_VALUE' | 'FORMULA' | 'FORMATTED_VALUE' = 'UNFORMATTED_VALUE',
  ) {
    const got = await gapi.sheets.spreadsheets.values.get({
      spreadsheetId,
      range: `'${tab}'`,
      valueRenderOption: render,
      dateTimeRenderOption: 'SERIAL_NUMBER',
    });
    return (got.data.values ?? []) as unknown[][];
  }
  const valueAt = (grid: unknown[][], label: string, col: number) => {
    const v = grid.find((line) => line[0] === label)?.[col - 1];
    return typeof v === 'number' ? v : null;
  };
  const hubChildren = (hubId: string) =>
    notion
      .childrenOf(hubId)
      .flatMap((b) => (b.type === 'child_page' ? [{ id: b.id, title: b.child_page.title }] : []));

  beforeAll(async () => {
    await Promise.all([notion.listen(), google.listen()]);
    env = cliEnvFor(notion, google, { PARTNERNOMICS_GOOGLE_RETRY_BASE_MS: '1' });
    writeFileSync(join(cwd, 'config.yaml'), CONFIG);
    expect((await loginGoogle(google, env)).code).toBe(0);
    root = notion.seedRootPage('Program');
    const installed = await cli(
      ['--json', '--config', join(cwd, 'config.yaml'), 'install', '--target', 'all', '--root', root],
      { env, cwd },
    );
    expect(installed.code, installed.stderr).toBe(0);
    spreadsheetId = JSON.parse(installed.stdout).sheets.spreadsheetId;
    const tokens = google.issueToken(['drive.file']);
    gapi = new GoogleApi({
      auth: google.oauthClient({ refreshToken: tokens.refreshToken }),
      rootUrl: google.rootUrl,
    });
  }, 180_000);
  afterAll(() => Promise.all([notion.close(), google.close()]));

  it('a dry run prints the figures and what it would do, and writes nothing', async () => {
    notion.clearLog();
    google.clearLog();
    const dry = await report('--quarter', '2027Q1', '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.json.sheets.quarterSet).toBe('would set');
    expect(dry.json.sheets.freeze).toEqual({ tab: 'Leadership Report 2027-01-01', action: 'would create' });
    expect(dry.json.notion.action).toBe('would create');
    expect(dry.json.html.action).toBe('would create');
    expect(googleWrites(google.calls)).toEqual([]);
    expect(notionWrites(notion.calls)).toEqual([]);
    expect(existsSync(join(out, 'report-2027Q1.html'))).toBe(false);
  }, 120_000);

  it('freezes the quarter, writes the Notion page and the HTML, all with the tab’s numbers', async () => {
    const first = await report('--quarter', '2027Q1');
    expect(first.code, first.stderr).toBe(0);
    expect(first.json.sheets).toMatchObject({ source: 'tab', quarterSet: 'set' });
    expect(first.json.sheets.freeze.action).toBe('created');

    // The live tab now reports the quarter starting January 1 (the example rows: $36,000 sourced in January).
    const live = await cells('Leadership Report');
    expect(live[2]?.[1]).toBe(46_388); // 2027-01-01 as a serial day
    expect(valueAt(live, 'Partner-sourced pipeline created', 2)).toBe(36_000);

    // The frozen tab: the live tab's values, without a single formula.
    const frozen = await cells('Leadership Report 2027-01-01');
    expect(frozen).toEqual(live);
    const formulas = (await cells('Leadership Report 2027-01-01', 'FORMULA')).flat();
    expect(formulas.filter((v) => typeof v === 'string' && v.startsWith('='))).toEqual([]);
    // Shown as the live tab shows them: money as money, percent as percent, the quarter as a date.
    expect(await cells('Leadership Report 2027-01-01', 'FORMATTED_VALUE')).toEqual(
      await cells('Leadership Report', 'FORMATTED_VALUE'),
    );
    // What it did is on the Sync Log.
    const log = await cells('Sync Log');
    expect(log.filter((line) => line[1] === 'Report')).toEqual([
      [
        expect.any(String),
        'Report',
        'Leadership Report',
        '2027Q1',
        '',
        '',
        '',
        'froze the quarter starting 2027-01-01 as values on "Leadership Report 2027-01-01"',
      ],
    ]);

    // The HTML and the JSON: every headline figure is the live tab's.
    const html = readFileSync(join(out, 'report-2027Q1.html'), 'utf8');
    for (const h of HEADLINES) {
      const value = valueAt(live, h.row, h.now.col);
      const shown = first.json.figures.headlines.find((x: { key: string }) => x.key === h.key);
      expect(shown.now, h.key).toBe(value);
      expect(html, h.key).toContain(
        `data-key="${h.key}" data-col="now" data-value="${value ?? ''}">${formatFigure(value, h.format)}</td>`,
      );
    }

    // The leadership page under the hub: its table holds the same figures, formatted.
    const hubId = notion.childrenOf(root).find((b) => b.type === 'child_page')!.id;
    const page = hubChildren(hubId).find((p) => p.title === 'Leadership report — 2027 Q1');
    expect(page).toBeDefined();
    expect(first.json.notion).toMatchObject({ action: 'created', pageId: page!.id });
    const table = notion.childrenOf(page!.id).find((b) => b.type === 'table')!;
    const rows = notion
      .childrenOf(table.id)
      .map((b) =>
        b.type === 'table_row' ? b.table_row.cells.map((c) => c.map((t) => t.plain_text).join('')) : [],
      );
    expect(rows[0]).toEqual(['Measure', 'This quarter', 'Last quarter']);
    const pipeline = rows.find((r) => r[0] === 'Partner-sourced pipeline created');
    expect(pipeline).toEqual(['Partner-sourced pipeline created', '$36,000', '$0']);
    expect(rows).toHaveLength(HEADLINES.length + 1);
  }, 120_000);

  it('a second run for the same quarter writes nothing anywhere, and reports the frozen numbers', async () => {
    const html = readFileSync(join(out, 'report-2027Q1.html'), 'utf8');
    // Meanwhile the team moved the live tab on to the next quarter and entered total bookings.
    const set = (range: string, value: number) =>
      gapi.sheets.spreadsheets.values.update({
        spreadsheetId,
        range,
        valueInputOption: 'RAW',
        requestBody: { values: [[value]] },
      });
    await set('ReportQuarterStart', 46_478); // 2027-04-01
    await set('QuarterBookings', 400_000);
    notion.clearLog();
    google.clearLog();
    const again = await report('--quarter', '2027Q1');
    expect(again.code, again.stderr).toBe(0);
    expect(again.json.sheets).toMatchObject({ source: 'frozen tab', quarterSet: 'unchanged', writes: 0 });
    expect((await cells('Leadership Report'))[2]?.[1]).toBe(46_478);
    const share = again.json.figures.headlines.find((h: { key: string }) => h.key === 'sourcedShare');
    expect(share.now).toBeNull(); // no total bookings when the quarter was frozen
    expect(again.json.sheets.freeze.action).toBe('unchanged');
    expect(again.json.notion.action).toBe('unchanged');
    expect(again.json.html.action).toBe('unchanged');
    expect(googleWrites(google.calls)).toEqual([]);
    expect(notionWrites(notion.calls)).toEqual([]);
    expect(readFileSync(join(out, 'report-2027Q1.html'), 'utf8')).toBe(html);
    const hubId = notion.childrenOf(root).find((b) => b.type === 'child_page')!.id;
    expect(hubChildren(hubId).filter((p) => p.title === 'Leadership report — 2027 Q1')).toHaveLength(1);
  }, 120_000);

  it('--force writes the frozen tab again from the live one, and leaves the Notion page alone', async () => {
    notion.clearLog();
    google.clearLog();
    const forced = await report('--quarter', '2027Q1', '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.json.sheets).toMatchObject({ source: 'tab', quarterSet: 'set' });
    expect(forced.json.sheets.freeze.action).toBe('replaced');
    expect(forced.json.notion.action).toBe('unchanged');
    expect(notionWrites(notion.calls)).toEqual([]);
    const frozen = await cells('Leadership Report 2027-01-01');
    expect(valueAt(frozen, 'Partner-sourced share of new bookings', 2)).toBe(0.09); // $36,000 of $400,000
    expect(frozen).toEqual(await cells('Leadership Report'));
    expect(forced.json.html.action).toBe('updated');
  }, 120_000);

  it('without a Notion login, the page is skipped and the output says how to add it', async () => {
    const { NOTION_TOKEN: _, ...noNotion } = env;
    const run = await cli(
      [
        '--json',
        '--config',
        join(cwd, 'config.yaml'),
        'report',
        '--out',
        out,
        '--quarter',
        '2027Q2',
        '--dry-run',
      ],
      { env: noNotion, cwd },
    );
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.notion.action).toBe('skipped');
    expect(json.notion.reason).toContain('login notion');
    // A dry run on another quarter cannot read the tab for it: its figures come from the rows.
    expect(json.sheets.source).toBe('rows');
  }, 120_000);

  it('a quarter that is not one is a usage error naming the form', async () => {
    const bad = await report('--quarter', '2027-13');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('e.g. --quarter 2027Q1');
  });
});

describe('the example report', () => {
  it('the local install writes it: the example rows, drawn', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'config.yaml'), CONFIG);
    const run = await cli(['--json', '--config', 'config.yaml', 'install', '--out', 'ws'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    const html = readFileSync(join(cwd, 'ws', 'report-example.html'), 'utf8');
    expect(html).toBe((await exampleReport(workspace)).html.replace('Your company', 'Acme Software'));
    // January and February hold the examples: 2 months × pipeline and revenue; the four example stages.
    expect(html).toContain('data-chart="pipeline-revenue" data-mark="bar" data-marks="4"');
    expect(html).toContain('data-chart="stages" data-mark="bar" data-marks="4"');
    expect(html).toContain('data-key="sourcedPipeline" data-col="now" data-value="36000">$36,000</td>');
  }, 120_000);

  it('without a Google login, the error names the login and the example report', async () => {
    const run = await cli(['report', '--quarter', '2027Q1'], {
      cwd: tempDir(),
      env: { PARTNERNOMICS_HOME: tempDir() },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('login google');
    expect(run.stderr).toContain('report --example');
  });

  it('`report --example` writes it without any login, once', async () => {
    const cwd = tempDir();
    const first = await cli(['--json', 'report', '--example', '--quarter', '2027Q1', '--out', 'r'], {
      cwd,
      env: { PARTNERNOMICS_HOME: tempDir() },
    });
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout).html.action).toBe('created');
    expect(existsSync(join(cwd, 'r', 'report-2027Q1.html'))).toBe(true);
    const again = await cli(['--json', 'report', '--example', '--quarter', '2027Q1', '--out', 'r'], {
      cwd,
      env: { PARTNERNOMICS_HOME: tempDir() },
    });
    expect(JSON.parse(again.stdout).html.action).toBe('unchanged');
  }, 120_000);
});
