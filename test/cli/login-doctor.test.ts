// login notion and doctor against focused HTTP stubs (nock): tokens stored 0600 outside the project, never printed.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers.js';

const API = 'http://notion.test';
const TOKEN = 'ntn_test_4f9c2a7e51b8_4d0f9e3a6c1b2d5e8f_7a0b';
const ME = {
  object: 'user',
  id: '6a1b2c3d-0000-4000-8000-000000000001',
  type: 'bot',
  name: 'Partnernomics',
  avatar_url: null,
  bot: {
    owner: { type: 'workspace', workspace: true },
    workspace_name: 'Ridgeway Dispatch',
    workspace_limits: {},
  },
};
const UNAUTHORIZED = {
  object: 'error',
  status: 401,
  code: 'unauthorized',
  message: 'API token is invalid.',
  request_id: 'r1',
};
const NOT_FOUND = {
  object: 'error',
  status: 404,
  code: 'object_not_found',
  message:
    'Could not find page with ID: 1429989f-e8ac-4eff-bc8f-57f56486db54. Make sure the relevant pages and databases are shared with your integration.',
  request_id: 'r2',
};

function env(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PARTNERNOMICS_HOME: home, PARTNERNOMICS_NOTION_URL: API, ...extra };
}

const outputs: string[] = [];
async function run(argv: string[], options: Parameters<typeof cli>[1]) {
  const result = await cli(argv, options);
  outputs.push(result.stdout, result.stderr);
  return result;
}

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});

describe('login notion', () => {
  it('checks the token with Notion and stores it outside the project, mode 0600', async () => {
    const home = tempDir();
    const cwd = tempDir();
    const scope = nock(API)
      .get('/v1/users/me')
      .matchHeader('authorization', `Bearer ${TOKEN}`)
      .reply(200, ME);
    const result = await run(['login', 'notion', '--token-stdin'], {
      cwd,
      env: env(home),
      stdin: `${TOKEN}\n`,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'Logged in to Notion as "Partnernomics" in workspace "Ridgeway Dispatch"',
    );
    scope.done();
    const file = join(home, 'credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).notion.token).toBe(TOKEN);
    expect(existsSync(join(cwd, 'credentials.json'))).toBe(false);
  });

  it('rejects a bad token with one line and stores nothing', async () => {
    const home = tempDir();
    nock(API).get('/v1/users/me').reply(401, UNAUTHORIZED);
    const result = await run(['login', 'notion', '--token-stdin'], { env: env(home), stdin: TOKEN });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: Notion rejected the token while checking the token — create an internal integration/,
    );
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(home, 'credentials.json'))).toBe(false);
  });

  it('refuses to run without a token source and without a terminal', async () => {
    const result = await run(['login', 'notion'], { env: env(tempDir()) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--token-stdin');
  });

  it('refuses a credentials file other users can read', async () => {
    const home = tempDir();
    writeFileSync(
      join(home, 'credentials.json'),
      JSON.stringify({ notion: { token: TOKEN, savedAt: 'x' } }),
      { mode: 0o644 },
    );
    const result = await run(['doctor'], { env: env(home) });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`chmod 600 ${join(home, 'credentials.json')}`);
  });
});

describe('doctor', () => {
  it('reports a local-only setup without failing', async () => {
    const result = await run(['--json', 'doctor'], { env: env(tempDir()) });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.checks.map((c: { name: string; status: string }) => [c.name, c.status])).toEqual([
      ['Config', 'ok'],
      ['Notion token', 'info'],
      ['Google login', 'info'],
      ['Block budget', 'info'],
    ]);
  });

  it('explains how to share a root page the integration cannot see', async () => {
    nock(API).get('/v1/users/me').reply(200, ME);
    nock(API)
      .get('/v1/pages/1429989f-e8ac-4eff-bc8f-57f56486db54')
      .query({ filter_properties: 'title' })
      .reply(404, NOT_FOUND);
    const result = await run(
      ['--json', 'doctor', '--root', 'https://www.notion.so/acme/Partners-1429989fe8ac4effbc8f57f56486db54'],
      { env: env(tempDir(), { NOTION_TOKEN: TOKEN }) },
    );
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    const root = report.checks.find((c: { name: string }) => c.name === 'Root page shared');
    expect(root.status).toBe('fail');
    expect(root.fix).toContain('Connections');
    expect(result.stderr).toContain('1 check(s) failed: Root page shared');
  });

  it('passes with a valid token and a shared root page', async () => {
    nock(API).get('/v1/users/me').reply(200, ME);
    nock(API)
      .get('/v1/pages/1429989f-e8ac-4eff-bc8f-57f56486db54')
      .query({ filter_properties: 'title' }) // only the title is read: nothing else of the page is needed
      .times(2)
      .reply(200, { object: 'page', id: '1429989f-e8ac-4eff-bc8f-57f56486db54', properties: {} });
    nock(API).get('/v1/blocks/1429989f-e8ac-4eff-bc8f-57f56486db54/children').query(true).reply(200, {
      object: 'list',
      results: [],
      next_cursor: null,
      has_more: false,
      type: 'block',
      block: {},
    });
    const result = await run(['doctor', '--root', '1429989fe8ac4effbc8f57f56486db54'], {
      env: env(tempDir(), { NOTION_TOKEN: TOKEN }),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✓ Notion token: valid (NOTION_TOKEN)');
    expect(result.stdout).toContain('✓ Root page shared');
    expect(result.stdout).toContain('• Workspace drift: nothing installed under this page yet');
  });

  it('never prints a token, even in errors with --debug', async () => {
    nock(API).get('/v1/users/me').reply(401, UNAUTHORIZED);
    const doctor = await run(['--debug', '--json', 'doctor'], {
      env: env(tempDir(), { NOTION_TOKEN: TOKEN }),
    });
    expect(doctor.code).toBe(1);
    nock(API)
      .get('/v1/users/me')
      .reply(400, {
        object: 'error',
        status: 400,
        code: 'validation_error',
        message: `bad header: Bearer ${TOKEN}`,
        request_id: 'r3',
      });
    const login = await run(['--debug', 'login', 'notion', '--token-stdin'], {
      env: env(tempDir()),
      stdin: TOKEN,
    });
    expect(login.code).toBe(1);
    expect(login.stderr).toContain('bad header: Bearer [redacted]');
    expect(login.stderr).toContain('    at ');
    for (const text of outputs) expect(text).not.toContain(TOKEN);
    expect(outputs.length).toBeGreaterThan(10);
  });
});
