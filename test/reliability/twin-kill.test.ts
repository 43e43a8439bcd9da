// The Apps Script sync (Code.js in the vm harness) cut off by Apps Script's time limit at each of its writes, before and after it lands, and between reads: the next triggered run converges.
import { afterAll, describe, expect, it } from 'vitest';
import type { KillAt } from '../apps-script-sync/gas-protocol.js';
import { tally } from './tally.js';
import {
  conflictsLogged,
  countProblems,
  INTERVAL_MS,
  isWrite,
  resetTwin,
  runTwin,
  twinProblems,
  twinRig,
  twinShape,
} from './twin-world.js';

const SUITE = 'sync (Apps Script)';
/** Reads are cut after every this many (between two reads); every write is cut before and after it lands. */
const READ_STRIDE = 3;

const rig = await twinRig(11, 4);
afterAll(() => rig.close());

// The clean run: the state every scenario must end in, and the requests it sends (where to cut).
await resetTwin(rig);
const clean = await runTwin(rig, rig.t0);
const cleanWire = rig.host.wire.map((r) => `${r.method} ${r.url}`);
const sent = rig.host.wire.map((r) => ({
  what: `${r.method} ${r.url.replace(/^https?:\/\/[^/]+/, '').replace(/\?.*$/, '')}`,
  api: r.url.startsWith(rig.w.gas.notionBase) ? 'Notion' : 'Sheets',
  write: isWrite(r, rig),
}));
/** The health stage's first request (its read of the Start tab), after the engine recorded the run. */
const healthAt = 1 + sent.findIndex((r, i) => r.api === 'Sheets' && !r.write && i > 0);
const reference = twinShape(rig);
const cleanConflicts = conflictsLogged(rig);
const cleanProblems = await twinProblems(rig, reference, rig.t0 + INTERVAL_MS, true);

interface Point extends KillAt {
  label: string;
}

function points(): Point[] {
  const out: Point[] = [];
  let reads = 0;
  sent.forEach((r, i) => {
    const at = i + 1;
    if (r.write)
      for (const when of ['before', 'after'] as const)
        out.push({
          at,
          when,
          label: `${r.api} write ${r.what} (request #${at}) ${when === 'before' ? 'before it is sent' : 'after it landed'}`,
        });
    else if (++reads % READ_STRIDE === 0)
      out.push({
        at,
        when: 'after',
        label: `${r.api} read ${r.what} (request #${at}), before the next request`,
      });
  });
  return out;
}
const kills = points();

describe(`the trigger's run cut off at ${kills.length} points (the 6-minute limit), then the next run`, () => {
  it('the clean run converges, writes on both sides, and has at least 20 points to cut it at', () => {
    expect(clean.result?.status, clean.result?.message).toBe('done');
    expect(cleanProblems).toEqual([]);
    expect(cleanConflicts).toBeGreaterThan(0);
    expect(sent.filter((r) => r.write && r.api === 'Notion').length).toBeGreaterThan(0);
    expect(sent.filter((r) => r.write && r.api === 'Sheets').length).toBeGreaterThan(0);
    expect(kills.length).toBeGreaterThanOrEqual(20);
    expect(healthAt).toBeGreaterThan(sent.findLastIndex((r) => r.api === 'Notion') + 1);
  });

  for (const point of kills) {
    it(`cut at ${point.label}`, async () => {
      await resetTwin(rig);
      const cut = await runTwin(rig, rig.t0, { killAt: point });
      // Stopped where meant: the same requests as the clean run up to the point, the last one sent or not.
      expect(cut.killed).toBe(true);
      expect(cut.result).toBeNull();
      expect(cut.lock.held, 'Apps Script releases a stopped execution’s lock').toBe(false);
      const before = rig.host.wire.length;
      expect(before).toBe(point.when === 'before' ? point.at - 1 : point.at);
      expect(rig.host.wire.map((r) => `${r.method} ${r.url}`)).toEqual(cleanWire.slice(0, before));
      // Nothing ran after the cut: a run records itself in document properties when it ends (or fails).
      if (point.at < healthAt) expect(cut.document).toEqual(rig.startDoc);
      const next = await runTwin(rig, rig.t0 + INTERVAL_MS);
      const problems =
        next.result?.status === 'done'
          ? []
          : [`the next run: ${next.result?.status}: ${next.result?.message}`];
      problems.push(...(await twinProblems(rig, reference, rig.t0 + 2 * INTERVAL_MS)));
      tally(SUITE, {
        runs: 3,
        kills: 1,
        ...countProblems(problems),
        conflictsLogged: conflictsLogged(rig),
      });
      expect(problems, point.label).toEqual([]);
      // Every conflict the clean run logged is logged here too, once.
      expect(conflictsLogged(rig)).toBe(cleanConflicts);
    });
  }
});
