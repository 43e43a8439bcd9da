// The incremental cursor: overlapping minute polls miss no edit (same-minute ones included) and count none twice.
import { describe, expect, it } from 'vitest';
import {
  advance,
  alreadySeen,
  fingerprint,
  fullPassDue,
  minuteOf,
  type NotionCursor,
  queryFrom,
  START_CURSOR,
  unseen,
} from '../../src/sync/cursor.js';
import type { NotionRow, RowValues } from '../../src/sync/types.js';
import { prng } from '../helpers.js';

const MINUTE = 60_000;
const T0 = Date.parse('2026-03-02T10:00:00.000Z');

/** A page as Notion returns it at `ms`: last_edited_time rounded down to the minute. */
function row(pageId: string, values: RowValues, ms: number, trashed = false): NotionRow {
  return { pageId, values, trashed, lastEditedTime: minuteOf(new Date(ms).toISOString()) };
}

describe('minuteOf and queryFrom', () => {
  it('rounds down to the minute and polls on_or_after the boundary minute', () => {
    expect(minuteOf('2026-03-02T10:07:59.999Z')).toBe('2026-03-02T10:07:00.000Z');
    expect(minuteOf('2026-03-02T12:07:30+02:00')).toBe('2026-03-02T10:07:00.000Z');
    expect(() => minuteOf('yesterday')).toThrow(/not an ISO time/);
    expect(queryFrom(START_CURSOR)).toBeNull();
    const cursor = advance(START_CURSOR, [row('a', { x: 1 }, T0 + 5 * MINUTE + 10_000)], true);
    expect(queryFrom(cursor)).toEqual({
      timestamp: 'last_edited_time',
      last_edited_time: { on_or_after: '2026-03-02T10:05:00.000Z' },
    });
  });
});

describe('advance', () => {
  it('moves the boundary to the newest minute and keeps only the pages edited in it', () => {
    const rows = [
      row('a', { x: 1 }, T0),
      row('b', { x: 2 }, T0 + 2 * MINUTE),
      row('c', { x: 3 }, T0 + 2 * MINUTE),
    ];
    const cursor = advance(START_CURSOR, rows, true);
    expect(cursor.minute).toBe(minuteOf(new Date(T0 + 2 * MINUTE).toISOString()));
    expect(Object.keys(cursor.seen).sort()).toEqual(['b', 'c']);
    expect(cursor.runsSinceFull).toBe(0);
  });

  it('merges the pages seen when the boundary stays, and leaves an empty read as it was', () => {
    const first = advance(START_CURSOR, [row('a', { x: 1 }, T0)], true);
    const second = advance(first, [row('b', { x: 2 }, T0 + 30_000)]);
    expect(second.minute).toBe(first.minute);
    expect(Object.keys(second.seen).sort()).toEqual(['a', 'b']);
    expect(second.runsSinceFull).toBe(1);
    expect(advance(second, [])).toEqual({ ...second, runsSinceFull: 2 });
  });

  it('is pure: the stored cursor only changes when the caller stores the result (both sides written)', () => {
    const cursor = advance(START_CURSOR, [row('a', { x: 1 }, T0)], true);
    const frozen = structuredClone(cursor);
    advance(cursor, [row('b', { x: 1 }, T0 + 3 * MINUTE)]);
    expect(cursor).toEqual(frozen);
  });
});

describe('fingerprint and unseen', () => {
  it('depends on the synced values and the trash state, not on key order', () => {
    expect(fingerprint({ values: { a: 1, b: 'x' }, trashed: false })).toBe(
      fingerprint({ values: { b: 'x', a: 1 }, trashed: false }),
    );
    expect(fingerprint({ values: { a: 1 }, trashed: false })).not.toBe(
      fingerprint({ values: { a: 1 }, trashed: true }),
    );
    expect(fingerprint({ values: { a: 1 }, trashed: false })).not.toBe(
      fingerprint({ values: { a: '1' }, trashed: false }),
    );
  });

  it('drops a page returned again unchanged at the boundary, keeps one edited again in the same minute', () => {
    const a1 = row('a', { stage: 'Sourced' }, T0 + 10_000);
    const cursor = advance(START_CURSOR, [a1], true);
    // The next poll (on_or_after the minute) returns a again; b was edited later in the same minute.
    const b = row('b', { stage: 'Signed' }, T0 + 50_000);
    expect(unseen(cursor, [a1, b])).toEqual([b]);
    // a edited a second time in the same minute: same rounded time, other values — news.
    const a2 = row('a', { stage: 'Active' }, T0 + 40_000);
    expect(a2.lastEditedTime).toBe(a1.lastEditedTime);
    expect(alreadySeen(cursor, a2)).toBe(false);
    expect(unseen(cursor, [a2, b])).toEqual([a2, b]);
    // The same page edited in a later minute is news too.
    expect(alreadySeen(cursor, row('a', { stage: 'Sourced' }, T0 + MINUTE))).toBe(false);
    expect(alreadySeen(START_CURSOR, a1)).toBe(false);
  });
});

describe('fullPassDue', () => {
  it('is due before the first sync and every Nth run', () => {
    expect(fullPassDue(START_CURSOR, 10)).toBe(true);
    let cursor: NotionCursor = advance(START_CURSOR, [row('a', { x: 1 }, T0)], true);
    const due: boolean[] = [];
    for (let run = 0; run < 20; run++) {
      const full = fullPassDue(cursor, 10);
      due.push(full);
      cursor = advance(cursor, [], full);
    }
    expect(due.map((d, i) => (d ? i : -1)).filter((i) => i >= 0)).toEqual([9, 19]);
  });
});

/**
 * A simulated data source whose edits land at random seconds, sometimes in the same minute as a sync,
 * polled with the cursor: every edit is delivered at least once, and the changed-row count never counts
 * a version twice.
 */
describe('random interleavings of edits and polls', () => {
  it('delivers every edit and counts each version once, over 200 seeds', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rand = prng(seed);
      const pages = new Map<string, { values: RowValues; edited: number; version: number }>();
      let now = T0;
      let cursor: NotionCursor = START_CURSOR;
      const delivered = new Map<string, number>(); // page → newest version synced
      const counted = new Set<string>(); // page@version counted as changed
      for (let step = 0; step < 60; step++) {
        now += Math.floor(rand() * 40_000); // often stays within the minute
        if (rand() < 0.6) {
          const id = `p${Math.floor(rand() * 6)}`;
          const prev = pages.get(id);
          const version = (prev?.version ?? 0) + 1;
          pages.set(id, { values: { v: version }, edited: now, version });
        } else {
          // Poll: Notion compares the rounded time; the cursor drops what it already synced.
          const from = queryFrom(cursor)?.last_edited_time.on_or_after;
          const returned = [...pages]
            .filter(([, p]) => from === undefined || minuteOf(new Date(p.edited).toISOString()) >= from)
            .map(([id, p]) => row(id, p.values, p.edited));
          const fresh = unseen(cursor, returned);
          for (const r of fresh) {
            const key = `${r.pageId}@${String(r.values.v)}`;
            expect(counted.has(key), `seed ${seed}: ${key} counted twice`).toBe(false);
            counted.add(key);
            delivered.set(r.pageId, Number(r.values.v));
          }
          cursor = advance(cursor, fresh, cursor.minute === null);
        }
      }
      // A last poll a minute later: nothing is missing.
      const from = queryFrom(cursor)?.last_edited_time.on_or_after;
      const last = [...pages]
        .filter(([, p]) => from === undefined || minuteOf(new Date(p.edited).toISOString()) >= from)
        .map(([id, p]) => row(id, p.values, p.edited));
      for (const r of unseen(cursor, last)) delivered.set(r.pageId, Number(r.values.v));
      for (const [id, p] of pages) expect(delivered.get(id), `seed ${seed}: ${id}`).toBe(p.version);
    }
  });
});
