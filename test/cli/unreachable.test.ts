// A host that cannot be reached (connection refused): said at once in one line, the refused connection itself
// (ECONNREFUSED 127.0.0.1:<port>) shown under --debug with the rest of the cause chain, and doctor's failing
// checks reported with a stable code under --json.
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { causeChain } from '../../src/cli/program.js';
import { PnError } from '../../src/platform/errors.js';
import { createFakeGoogle } from '../fakes/google/index.js';
import { cli, tempDir } from '../helpers.js';
import { childEnv, ensureBuilt, runChild, STACK_LINE } from './child.js';

/** A loopback port that was just listening and no longer is: connection refused. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const TOKEN = 'ntn_offline_test_token_0000000000000000000000';
let port: number;
let offline: NodeJS.ProcessEnv;

beforeAll(async () => {
  port = await closedPort();
  offline = {
    NOTION_TOKEN: TOKEN,
    PARTNERNOMICS_NOTION_URL: `http://127.0.0.1:${port}`,
    GOOGLE_OAUTH_CLIENT_ID: 'offline-test.apps.googleusercontent.com',
    GOOGLE_OAUTH_CLIENT_SECRET: 'offline-test-secret',
    GOOGLE_REFRESH_TOKEN: 'offline-test-refresh-token',
    PARTNERNOMICS_GOOGLE_URL: `http://127.0.0.1:${port}/`,
    PARTNERNOMICS_GOOGLE_TOKEN_URL: `http://127.0.0.1:${port}/token`,
  };
});

const REFUSED = () => new RegExp(`connect ECONNREFUSED 127\\.0\\.0\\.1:${port}`);

describe('login notion against a closed port', () => {
  it('without --debug: one line, no cause, no stack', async () => {
    const home = tempDir();
    const run = await cli(['login', 'notion', '--token-stdin'], {
      env: { PARTNERNOMICS_HOME: home, PARTNERNOMICS_NOTION_URL: offline.PARTNERNOMICS_NOTION_URL },
      stdin: TOKEN,
    });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^error: cannot reach Notion \(ECONNREFUSED\) while checking the token — /);
    expect(run.stderr).not.toMatch(REFUSED());
    expect(run.stderr).not.toMatch(STACK_LINE);
    expect(existsSync(join(home, 'credentials.json'))).toBe(false);
  });

  it('with --debug: the wrapper, then each cause down to the refused connection, with its stack', async () => {
    const run = await cli(['--debug', 'login', 'notion', '--token-stdin'], {
      env: { PARTNERNOMICS_HOME: tempDir(), PARTNERNOMICS_NOTION_URL: offline.PARTNERNOMICS_NOTION_URL },
      stdin: TOKEN,
    });
    expect(run.code).toBe(1);
    const lines = run.stderr.split('\n');
    expect(lines[0]).toMatch(/^error: cannot reach Notion \(ECONNREFUSED\)/);
    expect(lines[1]).toBe('PnError: cannot reach Notion (ECONNREFUSED) while checking the token');
    const refused = lines.findIndex((l) => l.startsWith('caused by: '));
    expect(refused).toBeGreaterThan(1);
    const causes = lines.filter((l) => l.startsWith('caused by'));
    expect(causes.at(-1)).toMatch(new RegExp(`^caused by: Error \\[ECONNREFUSED\\]: ${REFUSED().source}$`));
    // The socket's own stack follows it: where the connection was refused, not where it was wrapped.
    const last = lines.indexOf(causes.at(-1)!);
    expect(lines[last + 1]).toMatch(/^\s+at .*(net|tcp|TCP)/i);
    expect(run.stderr).not.toContain(TOKEN);
  });

  it('with --debug --json: one JSON object whose causes name the code and the address', async () => {
    const run = await cli(['--debug', '--json', 'login', 'notion', '--token-stdin'], {
      env: { PARTNERNOMICS_HOME: tempDir(), PARTNERNOMICS_NOTION_URL: offline.PARTNERNOMICS_NOTION_URL },
      stdin: TOKEN,
    });
    const parsed = JSON.parse(run.stdout);
    expect(parsed.ok).toBe(false);
    expect(parsed.error.code).toBe('UNREACHABLE');
    expect(parsed.error.causes.at(-1)).toEqual({
      name: 'Error',
      code: 'ECONNREFUSED',
      message: `connect ECONNREFUSED 127.0.0.1:${port}`,
    });
    // Without --debug the object stays as it was: code, message, hint.
    const plain = await cli(['--json', 'login', 'notion', '--token-stdin'], {
      env: { PARTNERNOMICS_HOME: tempDir(), PARTNERNOMICS_NOTION_URL: offline.PARTNERNOMICS_NOTION_URL },
      stdin: TOKEN,
    });
    expect(Object.keys(JSON.parse(plain.stdout).error)).toEqual(['code', 'message', 'hint']);
  });

  it('the built CLI prints the same chain as a child process', async () => {
    ensureBuilt();
    const env = childEnv({ PARTNERNOMICS_NOTION_URL: offline.PARTNERNOMICS_NOTION_URL });
    const debug = await runChild(['--debug', 'login', 'notion', '--token-stdin'], {
      cwd: tempDir(),
      env,
      stdin: TOKEN,
    });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(new RegExp(`caused by: Error \\[ECONNREFUSED\\]: ${REFUSED().source}`));
    const plain = await runChild(['login', 'notion', '--token-stdin'], { cwd: tempDir(), env, stdin: TOKEN });
    expect(plain.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(plain.stderr).not.toMatch(STACK_LINE);
  }, 200_000);
});

describe('the cause chain', () => {
  it('follows cause after cause and each error of an AggregateError, once each', () => {
    const refusedV4 = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {
      code: 'ECONNREFUSED',
      syscall: 'connect',
    });
    const refusedV6 = Object.assign(new Error('connect ECONNREFUSED ::1:9'), { code: 'ECONNREFUSED' });
    const fetchFailed = new TypeError('fetch failed', {
      cause: new AggregateError([refusedV4, refusedV6], 'all addresses refused'),
    });
    const wrapped = new PnError('UNREACHABLE', 'cannot reach Notion (ECONNREFUSED)', { cause: fetchFailed });
    const looped = new PnError('API_ERROR', 'a cause that points back', { cause: wrapped });
    Reflect.set(refusedV6, 'cause', looped);
    expect(causeChain(wrapped).map(({ label, name, code, message }) => [label, name, code, message])).toEqual(
      [
        ['caused by', 'TypeError', undefined, 'fetch failed'],
        ['caused by', 'AggregateError', undefined, undefined],
        ['caused by (1 of 2)', 'Error', 'ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9'],
        ['caused by (2 of 2)', 'Error', 'ECONNREFUSED', 'connect ECONNREFUSED ::1:9'],
        ['caused by', 'PnError', 'API_ERROR', 'a cause that points back'],
      ],
    );
  });

  it("shows a library's message only when it cannot quote a server's answer", async () => {
    // What google-auth-library throws on a token answer cut off mid-token: its message holds the body.
    const truncated = new TypeError(
      `Cannot create property 'refresh_token' on string '{"access_token":"ya29.a0AfB_'`,
    );
    const wrapped = new PnError('API_ERROR', "Google's sign-in service failed (an unreadable answer)", {
      cause: truncated,
    });
    const [link, ...more] = causeChain(wrapped);
    expect(more).toEqual([]);
    expect([link!.name, link!.message]).toEqual(['TypeError', undefined]);
    // Through the CLI, against a token endpoint that cuts its answer off inside the access token.
    const fake = createFakeGoogle();
    await fake.listen();
    try {
      fake.server.reject({ method: 'POST', path: /^\/token$/, apply: true, truncateTo: 60 });
      const env = {
        PARTNERNOMICS_HOME: tempDir(),
        PARTNERNOMICS_GOOGLE_URL: fake.rootUrl,
        PARTNERNOMICS_GOOGLE_TOKEN_URL: fake.tokenUrl,
        PARTNERNOMICS_GOOGLE_RETRY_BASE_MS: '1',
        GOOGLE_OAUTH_CLIENT_ID: fake.clientId,
        GOOGLE_OAUTH_CLIENT_SECRET: fake.clientSecret,
        GOOGLE_REFRESH_TOKEN: fake.issueToken(['drive.file', 'script.projects']).refreshToken,
      };
      const debug = await cli(['--debug', 'doctor'], { env });
      expect(debug.code).toBe(1);
      expect(debug.stderr).toMatch(
        /^caused by: TypeError: \(message not shown: it may quote a server's answer\)$/m,
      );
      const json = await cli(['--debug', '--json', 'install', '--target', 'sheets'], { env });
      const causes: { name: string; message?: string }[] = JSON.parse(json.stdout).error.causes;
      expect(causes.find((c) => c.name === 'TypeError')).toEqual({ name: 'TypeError' });
      for (const out of [debug.stdout, debug.stderr, json.stdout, json.stderr]) {
        expect(out).not.toContain('ya29.');
        expect(out).not.toContain('Cannot create property');
      }
    } finally {
      await fake.close();
    }
  }, 60_000);
});

describe('doctor with Notion and Google unreachable', () => {
  it('says so for each at once, with no retrying, and exits 1', async () => {
    const started = Date.now();
    const run = await cli(['doctor'], { env: { PARTNERNOMICS_HOME: tempDir(), ...offline } });
    const elapsed = Date.now() - started;
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^✗ Notion token: cannot reach Notion \(ECONNREFUSED\) while checking the token — /m,
    );
    expect(run.stdout).toMatch(
      /^✗ Google login: cannot reach Google \(ECONNREFUSED\) while refreshing the login/m,
    );
    expect(run.stderr).toBe(
      'error: 2 check(s) failed: Notion token, Google login — fix what the checklist above says, then run doctor again\n',
    );
    // Retried as server errors, each check would wait 1 + 2 + 4 + 8 s before giving up (30 s for the two); what
    // remains is compiling the blueprint for the Config check, a few seconds on a loaded machine.
    expect(elapsed).toBeLessThan(15_000);
  });

  it('--json: one object, each failed check and the run carrying the code UNREACHABLE', async () => {
    const run = await cli(['--json', 'doctor'], { env: { PARTNERNOMICS_HOME: tempDir(), ...offline } });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.ok).toBe(false);
    expect(report.error).toEqual({
      code: 'UNREACHABLE',
      message: '2 check(s) failed: Notion token, Google login',
      hint: 'fix what the checklist above says, then run doctor again',
    });
    const failed = report.checks.filter((c: { status: string }) => c.status === 'fail');
    expect(failed.map((c: { name: string; code: string }) => [c.name, c.code])).toEqual([
      ['Notion token', 'UNREACHABLE'],
      ['Google login', 'UNREACHABLE'],
    ]);
  });

  it('--debug: the refused connection under each failed check', async () => {
    const run = await cli(['--debug', 'doctor'], { env: { PARTNERNOMICS_HOME: tempDir(), ...offline } });
    expect(run.code).toBe(1);
    const causes = run.stderr.split('\n').filter((l) => l.startsWith('caused by'));
    expect(causes).toContain(
      'caused by (1 of 2): PnError [UNREACHABLE]: cannot reach Notion (ECONNREFUSED) while checking the token',
    );
    expect(
      causes.some((l) => l.startsWith('caused by (2 of 2): PnError [UNREACHABLE]: cannot reach Google')),
    ).toBe(true);
    expect(causes.filter((l) => REFUSED().test(l)).length).toBeGreaterThanOrEqual(2);
  });
});

describe('doctor --json when a check fails', () => {
  it('carries the failing check’s code as error.code, and exits 1 as the README says', async () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, 'partnernomics.config.yaml'),
      'targets: { partner_share_of_bookings_pct: 140 }\n',
    );
    const run = await cli(['--json', 'doctor'], { cwd, env: { PARTNERNOMICS_HOME: tempDir() } });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({
      ok: false,
      command: 'doctor',
      error: { code: 'CONFIG_INVALID', message: '1 check(s) failed: Config' },
    });
    expect(report.checks[0]).toMatchObject({ name: 'Config', status: 'fail', code: 'CONFIG_INVALID' });
    expect(report.checks[0].detail).toMatch(/partner_share_of_bookings_pct: must be at most 100/);
    // stderr stays the one line; stdout is the one object.
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('has no error when every check passes', async () => {
    const run = await cli(['--json', 'doctor'], { env: { PARTNERNOMICS_HOME: tempDir() } });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.ok).toBe(true);
    expect(report).not.toHaveProperty('error');
    expect(report.checks.some((c: object) => 'code' in c)).toBe(false);
  });
});
