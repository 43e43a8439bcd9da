// In-process reproductions of the Google defects an outside-the-process run found (issue 10): duplicate bound
// script projects, Retry-After, timeouts, bad bodies, a leaked token, concurrent installs. Each drives the
// fake Google through its harness faults; waits go through an injected clock, never real back-offs.
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import type { sheets_v4 } from '@googleapis/sheets';
import { afterEach, describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { PnError } from '../../src/platform/errors.js';
import { APPS_SCRIPT_BUNDLE, APPS_SCRIPT_MANIFEST } from '../../src/platform/paths.js';
import type { Clock } from '../../src/platform/throttle.js';
import { GoogleApi, type GoogleApiOptions, type GoogleWait } from '../../src/targets/sheets/google-api.js';
import {
  installWorkbook,
  METADATA_SCRIPT,
  METADATA_SCRIPT_ORPHANS,
  METADATA_SCRIPT_PENDING,
  type SheetsInstallResult,
  scriptTitle,
} from '../../src/targets/sheets/install.js';
import { acquireLease, LEASE_FILE_NAME, withInstallLease } from '../../src/targets/sheets/lease.js';
import { FILL_PART_KEY } from '../../src/targets/sheets/requests.js';
import { createFakeGoogle, type FakeGoogle, MIME } from '../fakes/google/index.js';
import {
  createSpreadsheetFakes,
  FakeSpreadsheet,
  installSpreadsheetFakes,
} from '../fakes/spreadsheet-app.js';
import { cli, tempDir } from '../helpers.js';

const ws = compile(
  loadBlueprint(),
  parseConfig({ company: { name: 'Ridgeway Dispatch' } }, 'test', '2027-01-04'),
);
const source = {
  code: readFileSync(APPS_SCRIPT_BUNDLE, 'utf8'),
  manifest: readFileSync(APPS_SCRIPT_MANIFEST, 'utf8'),
};

const open: FakeGoogle[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((f) => f.close()));
});

async function startFake(): Promise<FakeGoogle> {
  const fake = createFakeGoogle({ recordBodies: true });
  await fake.listen();
  open.push(fake);
  return fake;
}

interface TestClock extends Clock {
  slept: number[];
}

/** Records every wait; waits `realMs` of real time instead (0: just lets other work run). */
function testClock(realMs = 0, onSleep?: (ms: number) => void): TestClock {
  const slept: number[] = [];
  return {
    slept,
    now: () => Date.now(),
    sleep: async (ms) => {
      slept.push(ms);
      onSleep?.(ms);
      await new Promise((resolve) => setTimeout(resolve, realMs));
    },
  };
}

function apiOf(fake: FakeGoogle, options: Partial<GoogleApiOptions> = {}): GoogleApi {
  const tokens = fake.issueToken(['drive.file', 'script.projects']);
  return new GoogleApi({
    auth: fake.oauthClient({ refreshToken: tokens.refreshToken }),
    rootUrl: fake.rootUrl,
    clock: testClock(),
    ...options,
  });
}

/** The CLI's environment for a fake Google, logged in with a fresh refresh token. */
function envOf(fake: FakeGoogle, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PARTNERNOMICS_HOME: tempDir(),
    PARTNERNOMICS_GOOGLE_URL: fake.rootUrl,
    PARTNERNOMICS_GOOGLE_TOKEN_URL: fake.tokenUrl,
    PARTNERNOMICS_GOOGLE_RETRY_BASE_MS: '1',
    GOOGLE_OAUTH_CLIENT_ID: fake.clientId,
    GOOGLE_OAUTH_CLIENT_SECRET: fake.clientSecret,
    GOOGLE_REFRESH_TOKEN: fake.issueToken(['drive.file', 'script.projects']).refreshToken,
    ...extra,
  };
}

async function outcome<T>(run: Promise<T>): Promise<T | PnError> {
  try {
    return await run;
  } catch (error) {
    if (error instanceof PnError) return error;
    throw error;
  }
}

function failed(value: unknown): PnError {
  expect(value).toBeInstanceOf(PnError);
  const error = value as PnError;
  expect(error.oneLine()).not.toContain('\n');
  return error;
}

const googleError = (code: number, message: string, status: string) => ({
  error: { code, message, status },
});

/** A batchUpdate whose requests create the spreadsheet's script record (not the pending marker). */
const recordsScript = (body: unknown) =>
  ((body as sheets_v4.Schema$BatchUpdateSpreadsheetRequest | undefined)?.requests ?? []).some(
    (r) => r.createDeveloperMetadata?.developerMetadata?.metadataKey === METADATA_SCRIPT,
  );

function spreadsheets(fake: FakeGoogle) {
  return [...fake.state.drive.files.values()].filter((f) => f.mimeType === MIME.spreadsheet && !f.trashed);
}

function metadata(fake: FakeGoogle, spreadsheetId: string): Map<string, string> {
  return new Map(
    (fake.state.spreadsheet(spreadsheetId)?.developerMetadata ?? [])
      .filter((m) => m.location?.spreadsheet)
      .map((m) => [m.metadataKey ?? '', m.metadataValue ?? '']),
  );
}

/** The menus the bundle's onOpen adds when it runs in project `scriptId` bound to the fake's workbook. */
function menusIn(fake: FakeGoogle, spreadsheetId: string, scriptId: string): string[] {
  const book = new FakeSpreadsheet('Etc/GMT', spreadsheetId);
  for (const m of fake.state.spreadsheet(spreadsheetId)?.developerMetadata ?? []) {
    // What a bound script sees: DOCUMENT-visible metadata (PROJECT metadata belongs to the CLI's project).
    if (m.visibility === 'DOCUMENT' && m.location?.spreadsheet)
      book.addDeveloperMetadata(m.metadataKey ?? '', m.metadataValue ?? null);
  }
  const fakes = createSpreadsheetFakes(book, { scriptId, recorded: false });
  const context: Record<string, unknown> = {};
  installSpreadsheetFakes(fakes, context);
  vm.createContext(context);
  vm.runInContext(source.code, context, { filename: 'Code.js' });
  (context.onOpen as () => void)();
  return fakes.ui.menus.map((m) => m.caption);
}

/** Installs until a run succeeds (at most `runs`), as a person rerunning after an error would. */
async function installUntilDone(
  api: () => GoogleApi,
  runs = 3,
): Promise<{ result: SheetsInstallResult; errors: PnError[] }> {
  const errors: PnError[] = [];
  for (let i = 0; i < runs; i++) {
    const got = await outcome(installWorkbook(api(), ws, source));
    if (!(got instanceof PnError)) return { result: got, errors };
    errors.push(got);
  }
  throw new Error(`no run succeeded: ${errors.map((e) => e.oneLine()).join(' | ')}`);
}

describe('1. one bound Apps Script project per workbook', () => {
  it('a run killed right after POST /v1/projects returns: the rerun records the possible orphan, which has no code and adds no menu, and doctor names it', async () => {
    const fake = await startFake();
    // The run dies before it can write anything after the create: its next write never happens.
    fake.server.reject({
      method: 'POST',
      path: /:batchUpdate$/,
      body: recordsScript,
      times: 1,
      response: { status: 400, body: googleError(400, 'the process was killed here', 'INVALID_ARGUMENT') },
    });
    const killed = await outcome(installWorkbook(apiOf(fake), ws, source));
    failed(killed);
    const [first] = [...fake.state.script.projects.values()];
    expect(first).toBeDefined();

    const rerun = await installWorkbook(apiOf(fake), ws, source);
    expect(rerun.scriptAction).toBe('created');
    const id = rerun.spreadsheetId;
    const bound = fake.state.script.boundTo(id);
    expect(bound).toHaveLength(2); // bound projects cannot be listed: the first one cannot be found again
    const orphan = bound.find((p) => p.project.scriptId !== rerun.scriptId)!;
    // Code only ever reaches the recorded project, and only the recorded project adds the menu.
    expect(orphan.pushes).toEqual([]);
    expect(bound.filter((p) => p.pushes.length > 0).map((p) => p.project.scriptId)).toEqual([rerun.scriptId]);
    expect(menusIn(fake, id, orphan.project.scriptId!)).toEqual([]);
    expect(menusIn(fake, id, rerun.scriptId!)).toEqual(['Partnernomics']);
    // The orphan is named by the title that carries the nonce recorded before its create.
    expect(rerun.possibleOrphanScripts).toEqual([orphan.project.title]);
    const meta = metadata(fake, id);
    expect(meta.get(METADATA_SCRIPT_ORPHANS)).toContain(orphan.project.title!.match(/install (\w+)/)![1]);
    expect(meta.has(METADATA_SCRIPT_PENDING)).toBe(false);

    const again = await installWorkbook(apiOf(fake), ws, source);
    expect(again).toMatchObject({ scriptAction: 'unchanged', writes: 0 });
    expect(fake.state.script.projects.size).toBe(2);

    const doctor = await cli(['doctor'], { env: envOf(fake) });
    const line = doctor.stdout.split('\n').find((l) => l.includes('Apps Script project:')) ?? '';
    expect(line).toContain(orphan.project.title!);
    expect(line).toContain('script.google.com/home');
    expect(line).toContain(rerun.scriptId!);
  });

  it('one 500 on the batchUpdate that records the project: retried (it is idempotent), one project', async () => {
    const fake = await startFake();
    fake.server.reject({
      method: 'POST',
      path: /:batchUpdate$/,
      body: recordsScript,
      times: 1,
      response: { status: 500, body: googleError(500, 'Internal error encountered.', 'INTERNAL') },
    });
    const { result, errors } = await installUntilDone(() => apiOf(fake));
    expect(errors).toEqual([]);
    expect(fake.state.script.boundTo(result.spreadsheetId)).toHaveLength(1);
    expect(menusIn(fake, result.spreadsheetId, result.scriptId!)).toEqual(['Partnernomics']);
    expect((await installWorkbook(apiOf(fake), ws, source)).scriptAction).toBe('unchanged');
  });

  it('a malformed create answer: one line API_ERROR, never PUT /v1/projects//content; the rerun records the orphan', async () => {
    const fake = await startFake();
    fake.server.reject({
      method: 'POST',
      path: /^\/v1\/projects$/,
      times: 1,
      apply: true,
      response: { status: 200, raw: '' },
    });
    const error = failed(await outcome(installWorkbook(apiOf(fake), ws, source)));
    expect(error.code).toBe('API_ERROR');
    expect(error.oneLine()).toMatch(/creating the Apps Script project .*unreadable answer/);
    expect(fake.calls.some((c) => c.path === '/v1/projects//content')).toBe(false);
    expect(fake.count('PUT', /^\/v1\/projects/)).toBe(0);

    const rerun = await installWorkbook(apiOf(fake), ws, source);
    const orphan = [...fake.state.script.projects.values()].find(
      (p) => p.project.scriptId !== rerun.scriptId,
    )!;
    expect(orphan.pushes).toEqual([]);
    expect(rerun.possibleOrphanScripts).toEqual([orphan.project.title]);
  });

  it('a truncated create answer that still holds the whole ID: that project is used, none is left behind', async () => {
    const fake = await startFake();
    // {"scriptId":"<57 characters>","title":"Partnern… cut off.
    fake.server.reject({ method: 'POST', path: /^\/v1\/projects$/, times: 1, apply: true, truncateTo: 90 });
    const result = await installWorkbook(apiOf(fake), ws, source);
    expect(result.scriptAction).toBe('created');
    expect(fake.state.script.projects.size).toBe(1);
    expect(fake.state.script.projects.get(result.scriptId!)?.pushes).toHaveLength(1);
    expect(result.possibleOrphanScripts).toEqual([]);
  });

  it('a recorded project deleted by hand: doctor says so, and install makes a new one instead of "unchanged"', async () => {
    const fake = await startFake();
    const first = await installWorkbook(apiOf(fake), ws, source);
    fake.state.script.projects.delete(first.scriptId!);
    const env = envOf(fake);
    const doctor = await cli(['doctor'], { env });
    const line = doctor.stdout.split('\n').find((l) => l.includes('Apps Script project:')) ?? '';
    expect(line).toMatch(/^✗ Apps Script project: .*no longer exists/);
    expect(line).toContain('partnernomics install --target sheets');
    const again = await installWorkbook(apiOf(fake), ws, source);
    expect(again.scriptAction).toBe('created');
    expect(again.possibleOrphanScripts).toEqual([]);
    expect(fake.state.script.boundTo(first.spreadsheetId)).toHaveLength(1);
  });
});

describe("2. Google's Retry-After, through the one retry layer", () => {
  it('a 429 with Retry-After: 10 (a fetch Headers object) waits 10 s; an HTTP date waits until then', async () => {
    const fake = await startFake();
    const clock = testClock();
    const api = apiOf(fake, { clock });
    const rateLimited = (retryAfter: string) =>
      fake.server.reject({
        method: 'GET',
        path: /^\/drive\/v3\/files$/,
        times: 1,
        response: {
          status: 429,
          body: googleError(429, 'Quota exceeded', 'RESOURCE_EXHAUSTED'),
          headers: { 'retry-after': retryAfter },
        },
      });
    const list = () =>
      api.call('listing files', true, false, () => api.drive.files.list({ q: 'trashed = false' }));
    rateLimited('10');
    await list();
    expect(clock.slept).toEqual([10_000]);
    rateLimited(new Date(Date.now() + 30_000).toUTCString());
    await list();
    expect(clock.slept[1]).toBeGreaterThanOrEqual(28_000);
    expect(clock.slept[1]).toBeLessThanOrEqual(31_000);
  });

  it("the token endpoint's 429 is retried by our layer after its Retry-After, not by google-auth-library", async () => {
    const fake = await startFake();
    const tokenCallsAtSleep: number[] = [];
    const clock = testClock(0, () => tokenCallsAtSleep.push(fake.count('POST', /^\/token$/)));
    const api = apiOf(fake, { clock });
    fake.server.reject({
      method: 'POST',
      path: /^\/token$/,
      times: 1,
      response: {
        status: 429,
        body: { error: 'rate_limit_exceeded', error_description: 'Rate limit exceeded.' },
        headers: { 'retry-after': '7' },
      },
    });
    await api.call('listing files', true, false, () => api.drive.files.list({ q: 'trashed = false' }));
    expect(clock.slept).toEqual([7000]);
    expect(tokenCallsAtSleep).toEqual([1]); // nobody retried it before our wait
    expect(fake.count('POST', /^\/token$/)).toBe(2);
  });
});

describe('a fill in several parts', () => {
  /** The fill part a batchUpdate body carries, by its marker (partnernomics.fill-part.<n>), or -1. */
  const partOf = (body: unknown): number => {
    for (const r of (body as sheets_v4.Schema$BatchUpdateSpreadsheetRequest | undefined)?.requests ?? []) {
      const key = r.createDeveloperMetadata?.developerMetadata?.metadataKey ?? '';
      if (key.startsWith(`${FILL_PART_KEY}.`)) return Number(key.slice(FILL_PART_KEY.length + 1));
    }
    return -1;
  };

  it('is cut into parts today, and an interrupted fill sends only the parts that did not land', async () => {
    const fake = await startFake();
    // The second part is refused once, as if the run had been killed just before it.
    fake.server.reject({
      method: 'POST',
      path: /:batchUpdate$/,
      body: (b) => partOf(b) === 1,
      times: 1,
      response: { status: 400, body: googleError(400, 'the process was killed here', 'INVALID_ARGUMENT') },
    });
    failed(await outcome(installWorkbook(apiOf(fake), ws, null)));
    const rerun = await installWorkbook(apiOf(fake), ws, null);
    const sent = fake.calls
      .filter((c) => c.method === 'POST' && partOf(c.body) >= 0)
      .map((c) => partOf(c.body));
    const parts = Math.max(...sent) + 1;
    expect(parts).toBeGreaterThan(1);
    // Part 0 landed once and was not sent again; part 1 was refused, then sent; every later part once.
    expect(sent).toEqual([0, 1, ...Array.from({ length: parts - 1 }, (_, n) => n + 1)]);
    const again = await installWorkbook(apiOf(fake), ws, null);
    expect(again).toMatchObject({ spreadsheetId: rerun.spreadsheetId, writes: 0 });
  });
});

describe('3. a timeout on every Google call', () => {
  it('a slow read is abandoned at the timeout and retried, saying what it waits for', async () => {
    const fake = await startFake();
    const waits: GoogleWait[] = [];
    const slow: string[] = [];
    const api = apiOf(fake, {
      timeoutMs: 300,
      onWait: (w) => waits.push(w),
      onSlow: ({ doing }) => slow.push(doing),
    });
    await api.checkLogin();
    fake.server.reject({ method: 'GET', path: /^\/drive\/v3\/files$/, times: 1, delayMs: 2500 });
    const started = Date.now();
    const listed = await api.call('looking for the workbook in Drive', true, false, () =>
      api.drive.files.list({ q: 'trashed = false' }),
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(listed.data.files).toEqual([]);
    expect(fake.count('GET', /^\/drive\/v3\/files$/)).toBe(2);
    expect(waits.map((w) => [w.reason, w.doing])).toEqual([['timeout', 'looking for the workbook in Drive']]);
    expect(slow).toEqual(['looking for the workbook in Drive']);
  });

  it('a timed-out workbook create is looked up, not repeated: the held create lands and is used', async () => {
    const fake = await startFake();
    const waits: GoogleWait[] = [];
    const api = apiOf(fake, {
      timeoutMs: 300,
      clock: testClock(400),
      lookupWaitsMs: [1, 1, 1, 1],
      onWait: (w) => waits.push(w),
    });
    // Held 700 ms, then applied: the client has given up at 300 ms.
    fake.server.reject({ method: 'POST', path: /^\/v4\/spreadsheets$/, times: 1, delayMs: 700 });
    const result = await installWorkbook(api, ws, source);
    expect(result.action).toBe('created');
    expect(fake.count('POST', /^\/v4\/spreadsheets$/)).toBe(1);
    expect(spreadsheets(fake)).toHaveLength(1);
    expect(waits.some((w) => w.reason === 'looking' && w.doing === 'creating the workbook')).toBe(true);
    expect(metadata(fake, result.spreadsheetId).get('partnernomics.workbook')).toBe(ws.version);
  });

  it('a timed-out create that never lands: one line saying it may or may not have happened, nothing repeated', async () => {
    const fake = await startFake();
    const api = apiOf(fake, { timeoutMs: 300, lookupWaitsMs: [1] });
    fake.server.reject({
      method: 'POST',
      path: /^\/v4\/spreadsheets$/,
      times: 1,
      delayMs: 1000,
      response: { status: 503, body: googleError(503, 'never applied', 'UNAVAILABLE') },
    });
    const error = failed(await outcome(installWorkbook(api, ws, source)));
    expect(error.code).toBe('API_ERROR');
    expect(error.oneLine()).toMatch(
      /^Google did not confirm creating the workbook \(no answer within 0\.3 s\): it may or may not have happened.* — run the same command again/,
    );
    expect(fake.count('POST', /^\/v4\/spreadsheets$/)).toBe(1);
    expect(spreadsheets(fake)).toHaveLength(0);
  });

  it('a held create that lands after the run gave up is trashed by the next run, if it is an empty twin', async () => {
    const fake = await startFake();
    fake.server.reject({ method: 'POST', path: /^\/v4\/spreadsheets$/, times: 1, delayMs: 600 });
    failed(await outcome(installWorkbook(apiOf(fake, { timeoutMs: 200, lookupWaitsMs: [] }), ws, source)));
    const rerun = await installWorkbook(apiOf(fake), ws, source); // may run before the held create lands
    await new Promise((resolve) => setTimeout(resolve, 700));
    const last = await installWorkbook(apiOf(fake), ws, source);
    expect(last.spreadsheetId).toBe(rerun.spreadsheetId);
    expect(spreadsheets(fake).map((f) => f.id)).toEqual([rerun.spreadsheetId]);
    expect([...rerun.trashedDuplicates, ...last.trashedDuplicates]).toHaveLength(
      fake.count('POST', /^\/v4\/spreadsheets$/) - 1,
    );
  });

  it('a timed-out fill is looked up, not repeated; a fill that lands twice fails whole the second time', async () => {
    const fake = await startFake();
    const fills = (body: unknown) =>
      ((body as sheets_v4.Schema$BatchUpdateSpreadsheetRequest | undefined)?.requests ?? []).some(
        (r) => r.addChart,
      );
    const charts = (google: FakeGoogle, id: string) =>
      google.state.spreadsheet(id)!.sheets.reduce((n, sh) => n + sh.charts.length, 0);
    // Held 700 ms, then applied: found by the lookup.
    const waits: GoogleWait[] = [];
    fake.server.reject({ method: 'POST', path: /:batchUpdate$/, body: fills, times: 1, delayMs: 700 });
    const api = apiOf(fake, {
      timeoutMs: 300,
      clock: testClock(400),
      lookupWaitsMs: [1, 1, 1],
      onWait: (w) => waits.push(w),
    });
    const first = await installWorkbook(api, ws, source);
    expect(waits.some((w) => w.reason === 'looking' && w.doing === 'filling the workbook')).toBe(true);
    expect(charts(fake, first.spreadsheetId)).toBe(5);

    // Held past the run's looking: the rerun fills, then the held fill lands and is refused whole.
    const other = await startFake();
    // The client waits 2 s (enough for the batches before the charts, even on a loaded machine); the held
    // fill lands 10 s after it was sent, after the rerun's own fill, and is waited for.
    other.server.reject({ method: 'POST', path: /:batchUpdate$/, body: fills, times: 1, delayMs: 10_000 });
    failed(await outcome(installWorkbook(apiOf(other, { timeoutMs: 2_000, lookupWaitsMs: [] }), ws, source)));
    const rerun = await installWorkbook(apiOf(other), ws, source);
    const fillCallsOf = () => other.calls.filter((c) => c.method === 'POST' && fills(c.body));
    const settled = () => fillCallsOf().length >= 2 && fillCallsOf().every((c) => c.status !== 0);
    for (let waited = 0; !settled() && waited < 20_000; waited += 100)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const fillCalls = fillCallsOf();
    expect(fillCalls.map((c) => c.status).sort()).toEqual([200, 400]);
    expect(charts(other, rerun.spreadsheetId)).toBe(5);
  });

  it('a terminal shows what it waits for; --json stays quiet', async () => {
    const fake = await startFake();
    const hold = () =>
      fake.server.reject({ method: 'GET', path: /^\/drive\/v3\/files$/, times: 1, delayMs: 1200 });
    hold();
    const env = envOf(fake, { PARTNERNOMICS_GOOGLE_TIMEOUT_MS: '400' });
    const shown = await cli(['install', '--target', 'sheets'], { env, interactive: true });
    expect(shown.code).toBe(0);
    expect(shown.stderr).toContain(
      'waiting for Google: reading the install lease (0.2s so far; gives up at 0.4s)',
    );
    expect(shown.stderr).toContain(
      'Google did not answer within 0.4s (reading the install lease); retrying in',
    );
    hold();
    const quiet = await cli(['--json', 'install', '--target', 'sheets'], { env, interactive: true });
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
  });
});

describe('4. bad bodies: one line with a code, what was being done, and that a rerun is safe', () => {
  it('an HTML 502 never reaches the output, on stderr or inside --json', async () => {
    const fake = await startFake();
    const page =
      '<!DOCTYPE html>\n<html lang=en>\n<title>Error 502 (Server Error)!!1</title>\n<p>That’s an error.</p>\n</html>';
    fake.server.reject({
      method: 'GET',
      path: /^\/drive\/v3\/files$/,
      response: { status: 502, raw: page, headers: { 'content-type': 'text/html; charset=UTF-8' } },
    });
    const env = envOf(fake);
    const plain = await cli(['install', '--target', 'sheets'], { env });
    expect(plain.code).toBe(1);
    expect(plain.stderr.trim().split('\n')).toHaveLength(1);
    expect(plain.stderr).toMatch(
      /^error: Google failed while reading the install lease \(HTTP 502, an HTML page, not an API answer\) — run the same command again/,
    );
    const json = await cli(['--json', 'install', '--target', 'sheets'], { env });
    const parsed = JSON.parse(json.stdout);
    expect(parsed).toMatchObject({ ok: false, error: { code: 'API_ERROR' } });
    for (const text of [plain.stdout, plain.stderr, json.stdout, json.stderr]) {
      expect(text).not.toContain('<html');
      expect(text).not.toContain('That’s an error');
    }
  });

  it('a malformed or empty 200 on a read is retried', async () => {
    const fake = await startFake();
    const api = apiOf(fake);
    fake.server.reject({
      method: 'GET',
      path: /^\/drive\/v3\/files$/,
      times: 1,
      response: { status: 200, raw: '{"files": [' },
    });
    fake.server.reject({
      method: 'GET',
      path: /^\/drive\/v3\/files$/,
      times: 1,
      response: { status: 200, raw: '' },
    });
    const listed = await api.call('listing files', true, false, () =>
      api.drive.files.list({ q: 'trashed = false' }),
    );
    expect(listed.data.files).toEqual([]);
    expect(fake.count('GET', /^\/drive\/v3\/files$/)).toBe(3);
  });

  it('every kind of failure maps to an API_ERROR line naming the step, with no body and a rerun hint', async () => {
    const fake = await startFake();
    const api = apiOf(fake, {
      timeoutMs: 200,
      policy: { maxRateLimitRetries: 0, maxServerRetries: 0, baseDelayMs: 1 },
    });
    await api.checkLogin();
    const faults: { name: string; arm: () => void; says: RegExp }[] = [
      {
        name: 'HTML 502',
        arm: () =>
          fake.server.reject({
            method: 'GET',
            path: /files$/,
            times: 1,
            response: { status: 502, raw: '<html><b>502</b></html>' },
          }),
        says: /HTTP 502, an HTML page/,
      },
      {
        name: 'JSON 500',
        arm: () =>
          fake.server.reject({
            method: 'GET',
            path: /files$/,
            times: 1,
            response: { status: 500, body: googleError(500, 'Internal error\nencountered.', 'INTERNAL') },
          }),
        says: /Google answered 500 while reading the files: Internal error encountered\./,
      },
      {
        name: 'empty 500',
        arm: () =>
          fake.server.reject({ method: 'GET', path: /files$/, times: 1, response: { status: 500, raw: '' } }),
        says: /HTTP 500, an empty answer/,
      },
      {
        name: 'timeout',
        arm: () => fake.server.reject({ method: 'GET', path: /files$/, times: 1, delayMs: 600 }),
        says: /no answer within 0\.2 s/,
      },
      {
        name: 'reset',
        arm: () => fake.injectFaults({ seed: 1, reset: 1 }),
        says: /the connection failed \(ECONNRESET\)/,
      },
      {
        name: 'unreadable 200',
        arm: () =>
          fake.server.reject({
            method: 'GET',
            path: /files$/,
            times: 1,
            response: { status: 200, raw: '<h1>' },
          }),
        says: /an unreadable answer/,
      },
    ];
    for (const fault of faults) {
      fault.arm();
      const error = failed(
        await outcome(api.call('reading the files', true, false, () => api.drive.files.list({}))),
      );
      fake.injectFaults(undefined);
      expect(error.code, fault.name).toBe('API_ERROR');
      expect(error.message, fault.name).toContain('reading the files');
      expect(error.message, fault.name).toMatch(fault.says);
      expect(error.oneLine(), fault.name).not.toMatch(/</);
      expect(error.hint, fault.name).toContain('run the same command again');
    }
  });
});

describe('5. no token is ever printed', () => {
  it('a truncated token endpoint answer (holding a live access token) is retried, then one line without it', async () => {
    const fake = await startFake();
    const env = envOf(fake);
    // Every refresh is applied (a token is issued) and its answer cut off inside the access token's value.
    fake.server.reject({ method: 'POST', path: /^\/token$/, apply: true, truncateTo: 60 });
    const runs = [
      await cli(['install', '--target', 'sheets'], { env }),
      await cli(['--json', 'install', '--target', 'sheets'], { env }),
      await cli(['--debug', 'doctor'], { env }),
    ];
    const issued = [...fake.state.auth.accessTokens.keys()];
    expect(issued.length).toBeGreaterThan(3);
    for (const run of runs) {
      expect(run.code).toBe(1);
      const out = run.stdout + run.stderr;
      expect(out).not.toContain('ya29.');
      expect(out).not.toContain('Cannot create property');
      for (const token of issued) expect(out).not.toContain(token.slice(0, 20));
    }
    expect(runs[0]!.stderr).toMatch(
      /^error: Google's sign-in service failed while refreshing the login for .* \(an unreadable answer\) — run the same command again/,
    );
    expect(fake.count('POST', /^\/token$/)).toBeGreaterThanOrEqual(3 * 5);
  });

  it('every access token the process receives is handed to the scrubber', async () => {
    const fake = await startFake();
    const secrets = new Set<string>();
    const api = apiOf(fake, { onSecret: (s) => secrets.add(s) });
    const before = new Set(fake.state.auth.accessTokens.keys());
    await api.call('listing files', true, false, () => api.drive.files.list({ q: 'trashed = false' }));
    const received = [...fake.state.auth.accessTokens.keys()].filter((t) => !before.has(t));
    expect(received).toHaveLength(1);
    expect(secrets.has(received[0]!)).toBe(true);
  });
});

describe('6. concurrent installs', () => {
  const leaseFiles = (fake: FakeGoogle) =>
    [...fake.state.drive.files.values()].filter((f) => f.name === LEASE_FILE_NAME);

  it('two installs started together: one workbook and one script project; the second waits, then finds them', async () => {
    const fake = await startFake();
    const run = () => {
      const api = apiOf(fake, { clock: testClock(20) });
      return withInstallLease(api, { clock: testClock(20), pollMs: 50 }, (lease) =>
        installWorkbook(api, ws, source, { beforeStage: () => lease.renew() }),
      );
    };
    const results = await Promise.all([run(), run()]);
    expect(results.map((r) => r.action).sort()).toEqual(['created', 'unchanged']);
    expect(spreadsheets(fake)).toHaveLength(1);
    expect(fake.state.script.projects.size).toBe(1);
    expect(leaseFiles(fake)).toHaveLength(0);
  });

  it('a second install that may not wait stops with one line naming the holder, having written nothing', async () => {
    const fake = await startFake();
    const holder = await acquireLease(apiOf(fake), { host: 'build-box' });
    fake.clearLog();
    const second = failed(
      await outcome(
        withInstallLease(apiOf(fake), { waitMs: 0 }, () => installWorkbook(apiOf(fake), ws, source)),
      ),
    );
    expect(second.oneLine()).toMatch(
      /^another Google Sheets install is running for this Google account \(on build-box, since .*\) — wait for it to finish/,
    );
    expect(fake.count('POST', /^\/v4\/spreadsheets$/)).toBe(0);
    expect(leaseFiles(fake)).toHaveLength(1);
    await holder.release();
    expect(leaseFiles(fake)).toHaveLength(0);
  });

  it('a stale lease (expired, or held by a process of this host that is gone) is removed and the install goes on', async () => {
    const fake = await startFake();
    // Leases left by runs that ended without releasing them.
    const seed = (appProperties: Record<string, string>) =>
      apiOf(fake).drive.files.create({
        requestBody: { name: LEASE_FILE_NAME, mimeType: 'text/plain', appProperties },
      });
    const lease = { 'partnernomics-lease': 'sheets', holder: 'gone' };
    await seed({ ...lease, host: 'elsewhere', pid: '1', expires: String(Date.now() - 1) });
    await seed({ ...lease, host: 'this-host', pid: '999999', expires: String(Date.now() + 600_000) });
    expect(leaseFiles(fake)).toHaveLength(2);
    const result = await withInstallLease(
      apiOf(fake),
      { waitMs: 0, host: 'this-host', isAlive: (pid) => pid !== 999_999 },
      () => installWorkbook(apiOf(fake), ws, source),
    );
    expect(result.action).toBe('created');
    expect(leaseFiles(fake)).toHaveLength(0);
  });

  it('two `install --target sheets` processes at once (in-process CLI): both succeed, one workbook', async () => {
    const fake = await startFake();
    const env = envOf(fake, { PARTNERNOMICS_GOOGLE_LEASE_POLL_MS: '50' });
    const runs = await Promise.all([
      cli(['--json', 'install', '--target', 'sheets'], { env }),
      cli(['--json', 'install', '--target', 'sheets'], { env }),
    ]);
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    expect(runs.map((r) => JSON.parse(r.stdout).action).sort()).toEqual(['created', 'unchanged']);
    expect(spreadsheets(fake)).toHaveLength(1);
    expect(fake.state.script.projects.size).toBe(1);
    expect(leaseFiles(fake)).toHaveLength(0);
    expect(scriptTitle('abc')).toBe('Partnernomics (install abc)');
  });
});
