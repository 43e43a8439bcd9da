// The daily budget of each trigger interval (apps-script/src/sync/budget.ts) and the checkpoint's chunking, as pure functions.
import { describe, expect, it } from 'vitest';
import {
  budgetLines,
  costsOf,
  dailyUse,
  defaultInterval,
  fits,
  INTERVALS,
  parseInterval,
} from '../../apps-script/src/sync/budget.js';
import { chunkText, loadChunked, MAX_CHUNK_BYTES, saveChunked } from '../../apps-script/src/sync/chunks.js';
import { FakeProperties, PROPERTY_VALUE_MAX_BYTES } from '../fakes/spreadsheet-app.js';

describe('the daily budget of each interval', () => {
  // Measured: a full pass 40 requests in 30 s, an ordinary run 10 requests in 6 s.
  const costs = costsOf({
    tables: 6,
    rows: 1200,
    full: { fetches: 40, seconds: 30 },
    incremental: { fetches: 10, seconds: 6 },
  });

  it('counts the runs of a day, the full passes among them (every 12th run, at least every 6 hours), fetches and minutes', () => {
    expect(INTERVALS).toEqual([5, 10, 15, 30]);
    // 288 runs, 24 of them full: 24×40 + 264×10 fetches; 24×30 + 264×6 s = 2304 s → 39 min.
    expect(dailyUse(5, costs)).toEqual({ interval: 5, runs: 288, fullRuns: 24, fetches: 3600, minutes: 39 });
    // 144 runs, 12 full: 480 + 1320; 360 + 792 s = 1152 s → 20 min.
    expect(dailyUse(10, costs)).toEqual({
      interval: 10,
      runs: 144,
      fullRuns: 12,
      fetches: 1800,
      minutes: 20,
    });
    // 96 runs, 8 full: 320 + 880; 240 + 528 = 768 s → 13 min.
    expect(dailyUse(15, costs)).toEqual({ interval: 15, runs: 96, fullRuns: 8, fetches: 1200, minutes: 13 });
    // 48 runs: every 12th is only 4, and a full pass every 6 hours is 4 too: 160 + 440; 120 + 264 = 384 s → 7 min.
    expect(dailyUse(30, costs)).toEqual({ interval: 30, runs: 48, fullRuns: 4, fetches: 600, minutes: 7 });
  });

  it('says which account each interval fits, and offers the most frequent that fits a consumer account with room to spare', () => {
    expect(fits(dailyUse(5, costs), 'consumer')).toBe(true);
    expect(defaultInterval(costs)).toBe(5);
    // A big workspace: a full pass of 30 s × … an ordinary run 25 s: every 5 minutes is 120 min a day.
    const big = costsOf({
      tables: 6,
      rows: 30_000,
      full: { fetches: 320, seconds: 140 },
      incremental: { fetches: 12, seconds: 25 },
    });
    const five = dailyUse(5, big);
    expect(five.minutes).toBe(Math.ceil((24 * 140 + 264 * 25) / 60));
    expect(fits(five, 'consumer')).toBe(false);
    expect(fits(five, 'workspace')).toBe(true);
    // 10 min: (12×140 + 132×25)/60 = 83 min: fits 90, but not with a fifth to spare; 15 min: 56 min does.
    expect(dailyUse(10, big).minutes).toBe(83);
    expect(defaultInterval(big)).toBe(15);
    const lines = budgetLines(big);
    expect(lines[0]).toBe(
      'Every 5 min: 288 runs a day, about 10,848 URL fetches (54% of 20,000; 11% of 100,000) and 166 min of runtime (184% of 90 min; 46% of 6 h): needs a Workspace account.',
    );
    expect(lines[2]).toMatch(/^Every 15 min: 96 runs a day, .*: fits a consumer account\.$/);
  });

  it('estimates from the rows when no run is measured, and from a full pass alone an ordinary run', () => {
    const estimated = costsOf({ tables: 6, rows: 950 });
    // 3 + 6 (registry, schemas) + 6 queries + 10 pages of 100.
    expect(estimated.full.fetches).toBe(25);
    expect(estimated.incremental.fetches).toBe(15);
    expect(estimated.measured).toBe(false);
    const fromFull = costsOf({ tables: 6, rows: 950, full: { fetches: 30, seconds: 20 } });
    expect(fromFull.incremental).toEqual({ fetches: 20, seconds: 16 });
    expect(fromFull.measured).toBe(true);
  });

  it('reads the interval typed in the dialog: empty is the default, anything but 5, 10, 15 or 30 is refused', () => {
    expect(parseInterval('', 10)).toBe(10);
    expect(parseInterval(' 15 ', 10)).toBe(15);
    expect(parseInterval('30 minutes', 10)).toBe(30);
    expect(parseInterval('7', 10)).toBeNull();
    expect(parseInterval('1', 10)).toBeNull();
    expect(parseInterval('five', 10)).toBeNull();
  });
});

describe('the checkpoint in document properties', () => {
  it('is cut into values under 9 KB (never inside a character) and read back whole', () => {
    const text = `${'é'.repeat(5000)}${'😀'.repeat(3000)}${'x'.repeat(20_000)}`;
    const parts = chunkText(text);
    expect(parts.join('')).toBe(text);
    for (const p of parts) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(MAX_CHUNK_BYTES);
    expect(MAX_CHUNK_BYTES).toBeLessThan(PROPERTY_VALUE_MAX_BYTES);
    const props = new FakeProperties();
    expect(saveChunked(props, 'cp', text)).toBe(true);
    expect(loadChunked(props, 'cp')).toBe(text);
    // A shorter one replaces it: no part of the old one is left.
    expect(saveChunked(props, 'cp', 'short')).toBe(true);
    expect(props.getKeys().sort()).toEqual(['cp.0', 'cp.n']);
    // Too big for the store: nothing is stored (the next run starts over).
    expect(saveChunked(props, 'cp', 'y'.repeat(600_000))).toBe(false);
    expect(loadChunked(props, 'cp')).toBeNull();
    expect(props.getKeys()).toEqual([]);
  });
});
