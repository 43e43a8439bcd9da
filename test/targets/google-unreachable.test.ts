// Google that cannot be reached (connection refused) is said at once: never retried as a server error, never
// waited on as a write that "may have happened" (nothing was sent), and never reported as a refused login.
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PnError } from '../../src/platform/errors.js';
import { withRetry } from '../../src/platform/retry.js';
import { classifyGoogle, GoogleApi, type GoogleWait } from '../../src/targets/sheets/google-api.js';
import { createFakeGoogle, type FakeGoogle } from '../fakes/google/index.js';
import { cli, tempDir } from '../helpers.js';

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

let fake: FakeGoogle;
let closed: string;

beforeAll(async () => {
  fake = createFakeGoogle();
  await fake.listen();
  closed = `http://127.0.0.1:${await closedPort()}`;
});
afterAll(() => fake.close());

/** The API on a closed port (the token endpoint is the fake's, so the login itself works), counting every wait. */
function offlineApi(options: { tokenUrlClosed?: boolean } = {}) {
  const slept: number[] = [];
  const waits: GoogleWait[] = [];
  const { refreshToken } = fake.issueToken(['drive.file', 'script.projects']);
  const auth = options.tokenUrlClosed
    ? new OAuth2Client({
        clientId: fake.clientId,
        clientSecret: fake.clientSecret,
        endpoints: { oauth2TokenUrl: `${closed}/token` },
      })
    : fake.oauthClient({ refreshToken });
  if (options.tokenUrlClosed) auth.setCredentials({ refresh_token: refreshToken });
  const api = new GoogleApi({
    auth,
    rootUrl: `${closed}/`,
    clock: { now: () => Date.now(), sleep: async (ms) => void slept.push(ms) },
    onWait: (w) => waits.push(w),
  });
  return { api, slept, waits };
}

async function failure(run: Promise<unknown>): Promise<PnError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PnError);
  return error as PnError;
}

describe('Google on a closed port', () => {
  it('a read: UNREACHABLE on the first attempt, no back-off', async () => {
    const { api, slept, waits } = offlineApi();
    let attempts = 0;
    const error = await failure(
      api.call('reading the workbook', true, false, () => {
        attempts += 1;
        return api.sheets.spreadsheets.get({ spreadsheetId: 'not-sent' });
      }),
    );
    expect(error.code).toBe('UNREACHABLE');
    expect(error.oneLine()).toMatch(
      /^cannot reach Google \(ECONNREFUSED\) while reading the workbook — check the network/,
    );
    expect(attempts).toBe(1);
    expect([slept, waits]).toEqual([[], []]);
  });

  it('a create: UNREACHABLE at once, not "may or may not have happened", and nothing looked up', async () => {
    const { api, slept, waits } = offlineApi();
    let lookups = 0;
    const error = await failure(
      api.call(
        'creating the workbook',
        false,
        true,
        () => api.sheets.spreadsheets.create({ requestBody: { properties: { title: 'never sent' } } }),
        {
          lookup: async () => {
            lookups += 1;
            return undefined;
          },
        },
      ),
    );
    expect(error.code).toBe('UNREACHABLE');
    expect(error.message).toBe('cannot reach Google (ECONNREFUSED) while creating the workbook');
    expect(error.message).not.toMatch(/may or may not/);
    expect(lookups).toBe(0);
    expect([slept, waits]).toEqual([[], []]);
  });

  it('the token endpoint: UNREACHABLE while refreshing the login, no back-off', async () => {
    const { api, slept, waits } = offlineApi({ tokenUrlClosed: true });
    const error = await failure(api.checkLogin());
    expect(error.code).toBe('UNREACHABLE');
    expect(error.message).toMatch(/^cannot reach Google \(ECONNREFUSED\) while refreshing the login/);
    expect([slept, waits]).toEqual([[], []]);
  });

  it('the retry layer never retries an unreachable host, even for an idempotent call', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    expect(classifyGoogle(refused)).toEqual({
      status: undefined,
      retryAfterSeconds: undefined,
      unreachable: true,
    });
    let attempts = 0;
    const slept: number[] = [];
    await expect(
      withRetry(
        async () => {
          attempts += 1;
          throw refused;
        },
        {
          idempotent: true,
          classify: classifyGoogle,
          clock: { now: () => 0, sleep: async (ms) => void slept.push(ms) },
        },
      ),
    ).rejects.toBe(refused);
    expect([attempts, slept]).toEqual([1, []]);
    // A dropped connection (the host answered, then went away) is still retried: only "unreachable" is final.
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    attempts = 0;
    await expect(
      withRetry(
        async () => {
          attempts += 1;
          throw reset;
        },
        { idempotent: true, classify: classifyGoogle, clock: { now: () => 0, sleep: async () => {} } },
      ),
    ).rejects.toBe(reset);
    expect(attempts).toBe(5);
  });
});

describe('login google with the sign-in service unreachable', () => {
  it('says Google cannot be reached (exit 1), not that it refused the code, and stores nothing', async () => {
    const home = tempDir();
    const clientFile = join(tempDir(), 'client.json');
    writeFileSync(
      clientFile,
      JSON.stringify({ installed: { client_id: fake.clientId, client_secret: fake.clientSecret } }),
    );
    const run = await cli(['--json', 'login', 'google', '--client-file', clientFile, '--no-browser'], {
      env: { PARTNERNOMICS_HOME: home, PARTNERNOMICS_GOOGLE_TOKEN_URL: `${closed}/token` },
      stdin: 'http://127.0.0.1:1/?code=4%2Fnever-exchanged\n',
    });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).error.code).toBe('UNREACHABLE');
    expect(run.stderr).toMatch(
      /^error: cannot reach Google \(ECONNREFUSED\) while exchanging the authorization code for a login — /,
    );
    expect(run.stderr).not.toMatch(/refused the authorization code/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});
