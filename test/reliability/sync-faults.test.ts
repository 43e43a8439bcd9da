// `sync` of a workspace edited on both sides, under 10% and 30% injected faults on Notion and Google, 50 seeds each: it converges on the fault-free result.
import { afterAll, describe, it } from 'vitest';
import { assertBuilt, describeRun, runCli, semaphore } from './cli.js';
import { faultsOf, KindTally } from './faults.js';
import { ALL_FAULTS, type FaultKind, type FaultPlan } from './proxy.js';
import {
  countsOf,
  faultSeries,
  type Runner,
  reset,
  type SyncRig,
  type SyncShape,
  syncPlan,
  syncRig,
  windowDensity,
} from './sync-world.js';
import { tally } from './tally.js';
import { report, type Series, secretsReport } from './world.js';

assertBuilt();
const ARGS = ['--json', 'sync', '--full', '--allow-mass-archive'];
const RATES = [0.1, 0.3] as const;
const SEEDS = Array.from({ length: 50 }, (_, i) => i + 1);
/**
 * The first seeds of each rate run the built CLI (a child process per run); the others run the same CLI
 * program in this process (`src/cli/program.ts` with the env a child gets: the same commands, clients,
 * retries and timeouts, through the same proxies): a child's start-up is most of a small sync's CPU, and
 * 100 series of child processes do not fit the suite's time on two cores.
 */
const CLI_SEEDS = 5;
const runnerOf = (seed: number): Runner => (seed <= CLI_SEEDS ? 'cli' : 'in-process');
/**
 * Workspaces (each its own fakes, proxies and rig) that series run on at once: a series mostly waits (a
 * held answer until the client's timeout, Retry-After, back-off), so they overlap well.
 */
const LANES = 6;
/**
 * 429 with Retry-After, 5xx (JSON and an HTML 502), answers lost after the write landed (held, dropped,
 * malformed, empty) and requests dropped before. Not 'hold-before' (a write delivered seconds after the
 * client gave up and retried): landing after the run's next write to the same page or tab, it puts back an
 * older value (reported with this suite; the run cannot see it, and the next run logs it as a conflict).
 */
const SYNC_FAULTS: readonly FaultKind[] = ALL_FAULTS.filter((k) => k !== 'hold-before');
const APIS = ['Notion', 'Google'] as const;

interface Lane {
  rig: SyncRig;
  /** The same sync with no fault: the state every faulted series on this rig must end in. */
  reference: SyncShape;
  cleanProblems: string[];
  cleanRun: string;
  cleanCode: number | null;
  /** Requests of the fault-free sync, per API (the plans' windows are sized from them). */
  cleanRequests: number[];
}

async function lane(n: number): Promise<Lane> {
  // The same seed and edits on every lane: each is the same scenario on fakes of its own.
  const rig = await syncRig(7, 6);
  reset(rig);
  const clean = await runCli(ARGS, { env: rig.env(), label: `lane ${n} fault-free sync` });
  return {
    rig,
    reference: rig.shape(),
    cleanProblems: await rig.problems(),
    cleanRun: describeRun(clean),
    cleanCode: clean.code,
    cleanRequests: rig.proxies.map((p) => p.log.length),
  };
}

const lanes: Lane[] = [];
for (const n of [0, 3]) lanes.push(...(await Promise.all([1, 2, 3].map((i) => lane(n + i)))));
afterAll(() => Promise.all(lanes.map((l) => l.rig.close())));

interface Outcome {
  scenario: string;
  series: Series;
  problems: string[];
  faults: string;
}

const kinds = new KindTally();
const density = new Map<string, { faults: number; requests: number }>();
const free = [...lanes];
const slot = semaphore(LANES);

/** One series on a free lane: plans on both proxies, runs until exit 0, the oracle, the tally. */
function series(rate: number, seed: number): Promise<Outcome> {
  return slot(async () => {
    const lane = free.pop()!;
    try {
      const { rig } = lane;
      reset(rig);
      // Google's series start one kind later than Notion's (the kinds come round in turn from there).
      const plans: FaultPlan[] = rig.proxies.map((_, i) =>
        syncPlan(seed + i, rate, lane.cleanRequests[i]!, SYNC_FAULTS),
      );
      for (const [i, p] of rig.proxies.entries()) p.setPlan(plans[i]);
      const runner = runnerOf(seed);
      const scenario = scenarioOf(rate, seed);
      const result = await faultSeries(rig, {
        runner,
        label: `sync ${rate * 100}% seed ${seed}`,
        args: ARGS,
        reference: lane.reference,
        maxReruns: 4,
      });
      for (const [i, p] of rig.proxies.entries()) {
        kinds.add(`${APIS[i]} ${rate}`, p);
        const d = windowDensity(p, plans[i]!);
        const sum = density.get(String(rate)) ?? { faults: 0, requests: 0 };
        density.set(String(rate), { faults: sum.faults + d.faults, requests: sum.requests + d.requests });
      }
      const problems = [...result.problems, ...(await rig.problems())];
      const injected = rig.proxies.reduce((n, p) => n + p.log.filter((e) => e.fault).length, 0);
      tally('sync (CLI)', {
        runs: result.runs.length,
        faults: injected,
        ...countsOf(rig, problems, lane.reference),
      });
      const faults = rig.proxies.map((p, i) => `${APIS[i]} ${faultsOf(p)}`).join('; ');
      return { scenario, series: result, problems, faults };
    } finally {
      free.push(lane);
    }
  });
}

const scenarioOf = (rate: number, seed: number) =>
  `${rate * 100}% seed ${seed} (${runnerOf(seed) === 'cli' ? 'built CLI, a child process per run' : 'CLI program in-process'})`;

// Every series starts now (the longest, 30%, first) and each test awaits its own.
const outcomes = new Map<string, Promise<Outcome | { error: unknown }>>();
for (const rate of [...RATES].reverse())
  for (const seed of SEEDS)
    outcomes.set(
      `${rate}/${seed}`,
      series(rate, seed).catch((error: unknown) => ({ error })),
    );
const all = Promise.all(outcomes.values());
/** A test waits for its series, which may have waited for a lane: the whole file's time at most. */
const WAIT_MS = 1_200_000;

describe('the fault-free sync (the reference each lane holds the faulted series to)', () => {
  it(`converges on each of the ${LANES} lanes, the same on each`, ({ expect }) => {
    for (const l of lanes) {
      expect(l.cleanCode, l.cleanRun).toBe(0);
      expect(l.cleanProblems).toEqual([]);
      const size = (r: SyncShape) => [r.rows.length, r.pages.length, r.log.length];
      expect(size(l.reference)).toEqual(size(lanes[0]!.reference));
    }
  });
});

for (const rate of RATES)
  describe.concurrent(`sync under ${rate * 100}% faults (429 with Retry-After, 5xx, lost and slow answers) on both APIs`, () => {
    for (const seed of SEEDS)
      it(
        scenarioOf(rate, seed),
        async ({ expect }) => {
          const outcome = await outcomes.get(`${rate}/${seed}`)!;
          if ('error' in outcome) throw outcome.error;
          expect(
            outcome.problems,
            `${report(outcome.scenario, { ...outcome.series, problems: outcome.problems })}\n  faults: ${outcome.faults}`,
          ).toEqual([]);
        },
        WAIT_MS,
      );
  });

describe('coverage, fault density and secrets', () => {
  for (const rate of RATES) {
    for (const api of APIS)
      it(`${api} got every kind of fault at ${rate * 100}% (429, 5xx, HTML 502, lost, malformed, empty and dropped answers)`, async ({
        expect,
      }) => {
        await all;
        expect(kinds.missing(`${api} ${rate}`).filter((k) => SYNC_FAULTS.includes(k))).toEqual([]);
      });
    it(`the runs met ${rate * 100}% faults over the requests of the fault windows`, async ({ expect }) => {
      await all;
      const { faults, requests } = density.get(String(rate)) ?? { faults: 0, requests: 0 };
      console.info(
        `sync ${rate * 100}%: ${faults} faults in ${requests} requests of the fault windows (${((100 * faults) / requests).toFixed(1)}%), both APIs, ${SEEDS.length} seeds`,
      );
      // Every request in a window draws a fault at the rate: ±15% covers the draws' spread (~2,000 in all).
      expect(requests).toBeGreaterThan(SEEDS.length * 30);
      expect(faults / requests).toBeGreaterThan(rate * 0.85);
      expect(faults / requests).toBeLessThan(rate * 1.15);
    });
  }
  it('no stdout or stderr of this file holds a token or the client secret', async ({ expect }) => {
    await all;
    expect(secretsReport(lanes.flatMap((l) => l.rig.secrets()))).toBe('');
  });
});
