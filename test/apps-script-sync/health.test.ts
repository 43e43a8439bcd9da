// The automatic sync's health in Code.js: the Start tab's line, one Sync Log row per failure reason, and no hot retries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backoffMs,
  failureKind,
  failureReason,
  HEALTH_LINE_ROW,
  MAX_BACKOFF_MS,
} from '../../apps-script/src/sync/health.js';
import { TOKEN_KEY } from '../../apps-script/src/sync/state.js';
import { runtimeToken } from '../helpers.js';
import { type CallResult, GasHost } from './gas-host.js';
import { closeWorld, type Installed, installWorld, MINUTE, startTime } from './worlds.js';

const TOKEN = runtimeToken('health');
const REVOKED = runtimeToken('revoked');
const HEALTH_KEY = 'partnernomics.sync.health';
let host: GasHost;
let b: Installed;

interface RunResult {
  at: string;
  status: string;
  message: string;
  fetches: number;
  rowsChanged: number;
}

function script(fn: string, now: number, extra: Partial<Parameters<GasHost['call']>[0]> = {}) {
  return host.call<RunResult>({ world: 'b', fn, now, ...extra });
}

/** The cells of a tab as the fake Google keeps them (entered strings), by tab title. */
function rowsOf(title: string): string[][] {
  const book = b.google.state.spreadsheet(b.gas.spreadsheetId);
  const sheet = book.sheets.find((s) => s.properties.title === title);
  if (!sheet) throw new Error(`no ${title} tab`);
  return sheet.rows.map((row) =>
    (row ?? []).map((cell) => {
      const v = cell?.userEnteredValue;
      return v?.stringValue ?? (v?.numberValue !== undefined ? String(v.numberValue) : '');
    }),
  );
}

function startLine(): [string, string] {
  const row = rowsOf('Start')[HEALTH_LINE_ROW] ?? [];
  return [row[0] ?? '', row[1] ?? ''];
}

/** The Sync Log rows the automatic sync wrote (its object is "Automatic sync"). */
function healthLogRows(): string[][] {
  return rowsOf('Sync Log').filter((row) => row.includes('Automatic sync'));
}

function failures(r: CallResult<RunResult>): number {
  return (JSON.parse(r.document[HEALTH_KEY] ?? '{}') as { failures?: number }).failures ?? 0;
}

const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

beforeAll(async () => {
  b = await installWorld('b', startTime(), TOKEN);
  host = await GasHost.start('', b.pushed);
  await host.addWorld(b.gas);
  const t = b.clock.now();
  const connected = await script('connectNotion', t, { answers: [{ button: 'OK', text: TOKEN }] });
  expect(connected.alerts.at(-1)).toMatch(/^Connected to Notion/);
  const first = await script('syncOnce', t + MINUTE, { internal: true, args: [{ allowMassArchive: true }] });
  expect(first.result.status).toBe('done');
  const on = await script('turnOnAutomaticSync', t + 2 * MINUTE, { answers: [{ button: 'OK', text: '5' }] });
  expect(on.triggers).toEqual([{ handler: 'runScheduledSync', minutes: 5 }]);
  expect(on.document['partnernomics.sync.interval']).toBe('5');
}, 240_000);

afterAll(async () => {
  await host?.close();
  await closeWorld(b);
});

describe('the backoff and the failure reasons (pure)', () => {
  it('waits the interval times 2^(failures-1) from the second failure on, at most 6 hours', () => {
    expect(backoffMs(5, 0)).toBe(0);
    expect(backoffMs(5, 1)).toBe(0);
    expect(backoffMs(5, 2)).toBe(10 * MINUTE);
    expect(backoffMs(5, 3)).toBe(20 * MINUTE);
    expect(backoffMs(30, 5)).toBe(MAX_BACKOFF_MS);
    expect(backoffMs(30, 40)).toBe(6 * 60 * MINUTE);
  });

  it('names the fix of each kind of failure in one line', () => {
    const at = Date.UTC(2026, 0, 2, 3, 4);
    const failed = (message: string, code?: string) => ({ status: 'failed' as const, message, code });
    expect(failureKind(failed('Notion rejected the token while reading', 'AUTH_FAILED'))).toBe('token');
    expect(failureKind({ status: 'not-connected', message: 'x' })).toBe('token');
    expect(failureKind(failed('Notion page p is not shared with the integration', 'NOT_SHARED'))).toBe(
      'sharing',
    );
    expect(failureKind(failed('no installed Partnernomics workspace found in Notion', 'INPUT_INVALID'))).toBe(
      'sharing',
    );
    const quota = failed(
      'unexpected error while reading: Exception: Service invoked too many times for one day: urlfetch.',
      'INTERNAL',
    );
    expect(failureKind(quota)).toBe('quota');
    expect(failureKind(failed('Notion kept rate-limiting the requests while x', 'API_ERROR'))).toBe('quota');
    expect(failureReason(quota, at)).toMatch(/wait: automatic sync resumes at 2026-01-02 03:04 UTC$/);
    expect(failureReason(failed('x', 'NOT_SHARED'), at)).toMatch(
      /share the Partnernomics page with the integration in Notion/,
    );
    const other = failed('Google Sheets failed while writing: boom.', 'API_ERROR');
    expect(failureKind(other)).toBe('other');
    expect(failureReason(other, at)).toBe('Google Sheets failed while writing: boom');
    for (const r of [quota, other, failed('a', 'AUTH_FAILED')])
      expect(failureReason(r, at)).not.toMatch(/\n/);
  });
});

describe('a revoked token on the automatic sync', () => {
  it('shows the reason and the fix on the Start tab and once on the Sync Log, backs off, and clears once the token works', async () => {
    await host.setUser('b', { [TOKEN_KEY]: REVOKED });
    const t0 = b.clock.now() + 10 * MINUTE;
    expect(healthLogRows()).toEqual([]);

    // First failure: it ran (Notion answered 401), the Start tab and the Sync Log say what to do.
    const r1 = await script('runScheduledSync', t0);
    expect(r1.result.status).toBe('failed');
    expect(r1.fetchesThisCall).toBeGreaterThan(0);
    expect(failures(r1)).toBe(1);
    const [label, line1] = startLine();
    expect(label).toBe('Automatic sync');
    expect(line1).toBe(
      `Failed at ${utc(t0)}: Notion rejected the token: reconnect: Partnernomics → Sync with Notion → Connect Notion…. Next run about ${utc(t0 + 5 * MINUTE)} (every 5 min).`,
    );
    expect(line1).not.toContain(REVOKED);
    const logged = healthLogRows();
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('—');
    expect(logged[0]!.join(' ')).toContain(
      'Notion rejected the token: reconnect: Partnernomics → Sync with Notion → Connect Notion…',
    );

    // Second failure, 5 minutes later: it still ran; from now on it waits 10 minutes.
    const r2 = await script('runScheduledSync', t0 + 5 * MINUTE);
    expect(r2.result.status).toBe('failed');
    expect(r2.fetchesThisCall).toBeGreaterThan(0);
    expect(failures(r2)).toBe(2);
    expect(startLine()[1]).toMatch(/\(2 failures in a row\).*Next run about .* \(every 5 min\)\.$/);
    expect(startLine()[1]).toContain(`Next run about ${utc(t0 + 15 * MINUTE)}`);

    // The trigger fires again within the backoff: no request at all.
    const r3 = await script('runScheduledSync', t0 + 10 * MINUTE);
    expect(r3.result.status).toBe('backoff');
    expect(r3.fetchesThisCall).toBe(0);
    expect(r3.result.message).toContain(utc(t0 + 15 * MINUTE));
    expect(failures(r3)).toBe(2);

    // At the end of the backoff it tries again, fails a third time, and waits 20 minutes.
    const r4 = await script('runScheduledSync', t0 + 15 * MINUTE);
    expect(r4.result.status).toBe('failed');
    expect(r4.fetchesThisCall).toBeGreaterThan(0);
    expect(failures(r4)).toBe(3);
    const skipped = [];
    for (const m of [20, 25, 30]) skipped.push(await script('runScheduledSync', t0 + m * MINUTE));
    expect(skipped.map((r) => [r.result.status, r.fetchesThisCall])).toEqual([
      ['backoff', 0],
      ['backoff', 0],
      ['backoff', 0],
    ]);

    // Sync now always runs, backoff or not.
    const now = await script('syncNow', t0 + 31 * MINUTE);
    expect(now.result.status).toBe('failed');
    expect(now.fetchesThisCall).toBeGreaterThan(0);
    // The same reason every time: still one Sync Log row.
    expect(healthLogRows()).toHaveLength(1);

    // The admin reconnects: the next allowed scheduled run succeeds, and the count starts over.
    await host.setUser('b', { [TOKEN_KEY]: TOKEN });
    const t1 = t0 + 31 * MINUTE + backoffMs(5, 4);
    const early = await script('runScheduledSync', t1 - MINUTE);
    expect(early.result.status).toBe('backoff');
    expect(early.fetchesThisCall).toBe(0);
    const ok = await script('runScheduledSync', t1);
    expect(ok.result.status).toBe('done');
    expect(ok.fetchesThisCall).toBeGreaterThan(0);
    expect(failures(ok)).toBe(0);
    expect(startLine()[1]).toBe(
      `Done at ${utc(t1)}: ${ok.result.rowsChanged} row(s) changed. Next run about ${utc(t1 + 5 * MINUTE)} (every 5 min).`,
    );
    expect(healthLogRows()).toHaveLength(1);
    // No longer backing off: the next firing runs.
    const next = await script('runScheduledSync', t1 + 5 * MINUTE);
    expect(next.result.status).toBe('done');
    expect(next.fetchesThisCall).toBeGreaterThan(0);

    // The same failure after a success is news again: a second row.
    await host.setUser('b', { [TOKEN_KEY]: REVOKED });
    const again = await script('runScheduledSync', t1 + 10 * MINUTE);
    expect(again.result.status).toBe('failed');
    expect(failures(again)).toBe(1);
    expect(healthLogRows()).toHaveLength(2);
  }, 240_000);
});
