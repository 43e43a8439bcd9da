// `selftest` end to end against both fakes: every row passes and the scratch objects are trashed; one refused kind fails alone.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cliEnvFor } from '../fakes/cli-env.js';
import { createFakeGoogle } from '../fakes/google/index.js';
import { createFakeNotion } from '../fakes/notion/index.js';
import { views } from '../fakes/notion/views.js';
import { cli } from '../helpers.js';

interface Row {
  check: string;
  status: 'pass' | 'fail' | 'skipped';
  detail: string;
}
interface Report {
  ok: boolean;
  target: string;
  rows: Row[];
  scratch: { id: string; url: string; trashed: boolean } | null;
}

const notion = createFakeNotion();
const google = createFakeGoogle();
let env: NodeJS.ProcessEnv;
let refreshToken: string;

beforeAll(async () => {
  await Promise.all([notion.listen(), google.listen()]);
  refreshToken = google.issueToken(['drive.file', 'script.projects']).refreshToken;
  env = cliEnvFor(notion, google, {
    GOOGLE_OAUTH_CLIENT_ID: google.clientId,
    GOOGLE_OAUTH_CLIENT_SECRET: google.clientSecret,
    GOOGLE_REFRESH_TOKEN: refreshToken,
  });
});
afterEach(() => {
  notion.server.clearRejections();
  google.server.clearRejections();
});
afterAll(() => Promise.all([notion.close(), google.close()]));

const NOTION_ROWS = [
  'token',
  'root page',
  'scratch page',
  'database: property kinds',
  'database: second',
  'relation: two-way',
  'relation: one-way',
  'formula',
  'rollup',
  'view: default table taken over',
  'view: table, filtered and sorted',
  'view: board',
  'view: calendar',
  'view: timeline',
  'page: property values',
  'page: relation values',
  'query: filter by title',
  'schema: add option, rename property',
  'page body: nested blocks',
  'page body: 250 blocks in batches',
  'blocks: update and delete',
  'trash scratch page',
];
const SHEETS_ROWS = [
  'login',
  'spreadsheet: create',
  'drive: app property',
  'cells: values and formula',
  'values: update',
  'column width',
  'data validation',
  'conditional format',
  'protected range (warning only)',
  'named range',
  'developer metadata',
  'chart',
  'add sheet',
  'apps script: bound project',
  'apps script: push code',
  'trash spreadsheet',
];

async function selftest(args: string[]): Promise<{ code: number; report: Report; stderr: string }> {
  const run = await cli(['--json', 'selftest', ...args], { env });
  for (const secret of [notion.token, refreshToken, google.clientSecret])
    expect(run.stdout + run.stderr).not.toContain(secret);
  return { code: run.code, report: JSON.parse(run.stdout) as Report, stderr: run.stderr };
}

const statusOf = (report: Report) => Object.fromEntries(report.rows.map((r) => [r.check, r.status]));
const row = (report: Report, check: string) => report.rows.find((r) => r.check === check)!;
const notionTrashed = (report: Report) => notion.page(report.scratch!.id).in_trash;
const driveTrashed = (report: Report) => google.state.drive.files.get(report.scratch!.id)?.trashed;

describe('selftest --target notion', () => {
  it('passes every row against the fake, leaves the views it asked for, and trashes the scratch page', async () => {
    const root = notion.seedRootPage('Selftest root');
    const before = new Set(views(notion.state).keys());
    const { code, report } = await selftest(['--target', 'notion', '--root', root]);
    expect(report.rows.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(code).toBe(0);
    expect(report).toMatchObject({ ok: true, target: 'notion' });
    expect(report.rows.map((r) => r.check)).toEqual(NOTION_ROWS);
    expect(report.scratch?.trashed).toBe(true);
    expect(notionTrashed(report)).toBe(true);
    const scratchTitle = JSON.stringify(notion.page(report.scratch!.id).properties);
    expect(scratchTitle).toMatch(/Partnernomics selftest \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
    expect(notion.childrenOf(root)).toEqual([]); // the trashed scratch page is no longer listed
    const made = [...views(notion.state).values()].filter(
      (v) => !before.has(v.id) && v.name.startsWith('Selftest '),
    );
    expect(made.map((v) => v.type).sort()).toEqual(['board', 'calendar', 'table', 'table', 'timeline']);
  });

  it('names a refused view kind as FAIL while the independent rows still pass', async () => {
    const root = notion.seedRootPage('Selftest root (board refused)');
    notion.server.reject({
      method: 'POST',
      path: /^\/v1\/views$/,
      body: (body) => (body as { type?: string }).type === 'board',
      response: {
        status: 400,
        body: {
          object: 'error',
          status: 400,
          code: 'validation_error',
          message: 'board views are off here.',
        },
      },
    });
    const { code, report, stderr } = await selftest(['--target', 'notion', '--root', root]);
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    expect(row(report, 'view: board')).toEqual({
      check: 'view: board',
      status: 'fail',
      detail: 'Notion answered 400 validation_error while creating the board view: board views are off here.',
    });
    const others = report.rows.filter((r) => r.check !== 'view: board');
    expect(others.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(stderr).toContain('selftest failed: view: board');
    expect(notionTrashed(report)).toBe(true);
  });

  it('skips the rows that depend on a failed one, says which, and still cleans up (terminal table)', async () => {
    const root = notion.seedRootPage('Selftest root (second database refused)');
    notion.server.reject({
      method: 'POST',
      path: /^\/v1\/databases$/,
      body: (body) => JSON.stringify(body).includes('Selftest partners'),
      response: {
        status: 400,
        body: { object: 'error', status: 400, code: 'validation_error', message: 'no second database.' },
      },
    });
    const run = await cli(['selftest', '--target', 'notion', '--root', root], { env });
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n');
    const line = (check: string) => lines.find((l) => l.startsWith(`${check} `)) ?? '';
    expect(line('database: second')).toMatch(/ FAIL +Notion answered 400 validation_error while creating/);
    expect(line('relation: two-way')).toMatch(/ skip +skipped \(depends on database: second\)$/);
    expect(line('rollup')).toMatch(/ skip +skipped \(depends on relation: two-way\)$/);
    expect(line('page: relation values')).toMatch(/ skip +skipped \(depends on relation: two-way\)$/);
    for (const check of ['database: property kinds', 'formula', 'view: board', 'page: property values'])
      expect(line(check)).toMatch(/ pass /);
    expect(line('trash scratch page')).toMatch(/ pass +moved to the trash/);
    expect(run.stderr).toContain('error: selftest failed: database: second');
  });

  it('stops at a root page the integration cannot see, with the fix, and makes nothing', async () => {
    const hidden = notion.seedRootPage('Private root', { shared: false });
    const { code, report } = await selftest(['--target', 'notion', '--root', hidden]);
    expect(code).toBe(1);
    expect(row(report, 'root page')).toMatchObject({ status: 'fail' });
    expect(row(report, 'root page').detail).toContain(
      `Notion page ${hidden} is not shared with the integration — `,
    );
    expect(row(report, 'scratch page').detail).toBe('skipped (depends on root page)');
    expect(row(report, 'trash scratch page').detail).toBe('skipped (depends on scratch page)');
    expect(report.scratch).toBeNull();
  });

  it('needs --root', async () => {
    const run = await cli(['selftest', '--target', 'notion'], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--target notion needs --root');
  });
});

describe('selftest --target sheets', () => {
  it('passes every row against the fake and trashes the spreadsheet with its bound script', async () => {
    const { code, report } = await selftest(['--target', 'sheets']);
    expect(report.rows.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(code).toBe(0);
    expect(report).toMatchObject({ ok: true, target: 'sheets' });
    expect(report.rows.map((r) => r.check)).toEqual(SHEETS_ROWS);
    expect(driveTrashed(report)).toBe(true);
    expect(google.state.drive.files.get(report.scratch!.id)?.name).toMatch(/^Partnernomics selftest /);
    const [project] = google.state.script.boundTo(report.scratch!.id);
    expect(project?.files.map((f) => f.name).sort()).toEqual(['Code', 'appsscript']);
  });

  it('names a refused addChart as FAIL while the other rows still pass', async () => {
    google.server.reject({
      method: 'POST',
      path: /:batchUpdate$/,
      body: (body) => JSON.stringify(body).includes('"addChart"'),
      response: {
        status: 400,
        body: { error: { code: 400, message: 'Charts are not allowed.', status: 'INVALID_ARGUMENT' } },
      },
    });
    const { code, report } = await selftest(['--target', 'sheets']);
    expect(code).toBe(1);
    expect(statusOf(report).chart).toBe('fail');
    expect(row(report, 'chart').detail).toBe(
      'Google answered 400 while adding a chart: Charts are not allowed.',
    );
    expect(report.rows.filter((r) => r.check !== 'chart' && r.status !== 'pass')).toEqual([]);
    expect(driveTrashed(report)).toBe(true);
  });
});
