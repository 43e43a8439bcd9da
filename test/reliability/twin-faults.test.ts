// The Apps Script sync (Code.js in the vm harness, run by its trigger) under 10% and 30% faults of UrlFetchApp and the Sheets service, 50 seeds each: the reruns end in the fault-free run's state.
import { afterAll, describe, expect, it } from 'vitest';
import { tally } from './tally.js';
import {
  conflictsLogged,
  countProblems,
  INTERVAL_MS,
  NOTION_FAULTS,
  resetTwin,
  runTwin,
  SHEETS_FAULTS,
  type TwinFault,
  TwinFaults,
  twinProblems,
  twinRig,
  twinShape,
} from './twin-world.js';

const SUITE = 'sync (Apps Script)';
const SEEDS = Number(process.env.PN_TWIN_SEEDS ?? 50);
const RATES = [0.1, 0.3] as const;
/** Faults are on in a series' first run and, when it did not finish, in the next one; the later reruns are clean. */
const FAULTED_RUNS = 2;
/** Runs of the trigger a series may take to finish (the first included). */
const MAX_RUNS = 5;

const rig = await twinRig(5, 6);
afterAll(() => rig.close());

// The same run with no fault: the state every series must end in.
await resetTwin(rig);
const clean = await runTwin(rig, rig.t0);
const reference = twinShape(rig);
const cleanConflicts = conflictsLogged(rig);
const cleanProblems = await twinProblems(rig, reference, rig.t0 + INTERVAL_MS, true);
const cleanRequests = clean.requestsThisCall;

describe('the fault-free run of the trigger (the reference)', () => {
  it('finishes, converges, logs the conflicts the edits made, and the next run writes nothing', () => {
    expect(clean.result?.status, clean.result?.message).toBe('done');
    expect(cleanProblems).toEqual([]);
    expect(cleanConflicts).toBeGreaterThan(0);
    expect(reference.health).toBe(0);
    expect(cleanRequests).toBeGreaterThan(20);
  });
});

for (const rate of RATES) {
  const pct = Math.round(rate * 100);
  const seen = { requests: 0, faults: 0, kinds: new Set<TwinFault>(), reruns: 0 };
  describe(`${pct}% faults (429 with Retry-After, 5xx, malformed and empty bodies, UrlFetchApp and Sheets service exceptions, answers lost after the write landed)`, () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      it(`seed ${seed}`, async () => {
        await resetTwin(rig);
        const faults = new TwinFaults(seed * 1000 + pct, rate, rig.w.gas.notionBase, cleanRequests);
        rig.host.intercept = faults.intercept;
        const runs: string[] = [];
        let at = rig.t0;
        let skips = 0;
        while (runs.length < MAX_RUNS) {
          faults.run = runs.length + 1;
          faults.on = faults.run <= FAULTED_RUNS;
          if (faults.on) faults.lastFaultedRun = faults.run;
          const r = await runTwin(rig, at);
          at += INTERVAL_MS;
          const status = r.result?.status ?? 'no result';
          // Backing off after failures in a row: the trigger fired, the run sent nothing; the next firing runs.
          if (status === 'backoff' && skips++ < 3) continue;
          runs.push(`${status}: ${r.result?.message}`);
          if (status === 'done') break;
        }
        rig.host.intercept = null;
        const problems = runs.at(-1)?.startsWith('done')
          ? []
          : [`no run of ${runs.length} finished: ${runs.join(' | ')}`];
        problems.push(...(await twinProblems(rig, reference, at)));
        const { requests, faults: injected } = faults.density();
        seen.requests += requests;
        seen.faults += injected;
        seen.reruns += runs.length - 1;
        for (const e of faults.log) if (e.fault) seen.kinds.add(e.fault);
        const conflicts = conflictsLogged(rig);
        tally(SUITE, {
          runs: runs.length + 1,
          faults: injected,
          ...countProblems(problems),
          conflictsLogged: conflicts,
        });
        expect(injected, 'a series with no fault proves nothing').toBeGreaterThan(0);
        expect(
          problems,
          `seed ${seed} at ${pct}%:\n  runs: ${runs.join('\n        ')}\n  faults: ${faults.describe()}`,
        ).toEqual([]);
        expect(conflicts).toBe(cleanConflicts);
      });
    }

    it(`the faults came at ${pct}% of the faulted runs' requests, of every kind`, () => {
      console.log(
        `twin faults ${pct}%: ${seen.faults} faults in ${seen.requests} requests (${((100 * seen.faults) / seen.requests).toFixed(1)}%), ${seen.reruns} reruns over ${SEEDS} seeds`,
      );
      // Each request draws a fault at the rate; a run a fault stopped sends no more, so the share is at least it.
      expect(seen.faults / seen.requests).toBeGreaterThanOrEqual(rate);
      expect([...NOTION_FAULTS, ...SHEETS_FAULTS].filter((k) => !seen.kinds.has(k))).toEqual([]);
    });
  });
}
