// A Notion install under 20% and 40% injected faults, 10 seeds each: reruns converge on a clean install.
import { afterAll, describe, it } from 'vitest';
import { assertBuilt, semaphore } from './cli.js';
import {
  endFaultsAfterFirstRun,
  faultsOf,
  firstRunDensity,
  KindTally,
  RATES,
  SEEDS,
  seriesPlan,
} from './faults.js';
import { cleanNotion, notionSeries, notionWorld, report, type Series, secretsReport } from './world.js';

assertBuilt();
const world = await notionWorld();
afterAll(() => world.close());

const clean = await cleanNotion(world, world.fake.seedRootPage('Reference'));
/**
 * Series at once: all of them. A series is mostly waiting (holds past the client's timeout, Retry-After,
 * back-off, lookups over the settle window): a 40% first run waits out ~75 faults, two to three minutes, on
 * little CPU (the whole file used under half a core of 2).
 */
const LANES = 20;
/** A first run under 40% faults waits out dozens of them: it is hung only well past that. */
const RUN_LIMIT_MS = 360_000;
const lanes = semaphore(LANES);
const tally = new KindTally();
const densities = new Map<number, ReturnType<typeof firstRunDensity>[]>();

interface Outcome {
  series: Series;
  faults: string;
}

// Every series starts now (the longest, 40%, first) and each test awaits its own: the lanes, not vitest's
// concurrency limit, decide how many run at once.
const outcomes = new Map<string, Promise<Outcome | { error: unknown }>>();
for (const rate of [...RATES].reverse())
  for (const seed of SEEDS) {
    const plan = seriesPlan(seed, rate, clean.log.length);
    const run = lanes(async (): Promise<Outcome> => {
      const lane = await world.lane();
      try {
        lane.proxy.setPlan(plan);
        const root = world.fake.seedRootPage(`Faults ${rate} ${seed}`);
        const series = await notionSeries(world, lane, root, clean.shape, {
          label: `faults ${rate * 100}% seed ${seed}`,
          maxReruns: 10,
          runLimitMs: RUN_LIMIT_MS,
          beforeRerun: () => endFaultsAfterFirstRun(plan, clean.log.length),
        });
        tally.add(String(rate), lane.proxy);
        densities.set(rate, [...(densities.get(rate) ?? []), firstRunDensity(series, lane.proxy, plan)]);
        return { series, faults: faultsOf(lane.proxy) };
      } finally {
        await lane.close();
      }
    });
    outcomes.set(
      `${rate}/${seed}`,
      run.catch((error: unknown) => ({ error })),
    );
  }
const all = Promise.all(outcomes.values());
/** A test waits for its series, which may have waited for a lane: the whole file's time at most. */
const WAIT_MS = 1_500_000;

for (const rate of RATES) {
  describe.concurrent(`Notion install with ${rate * 100}% faults`, () => {
    for (const seed of SEEDS) {
      const plan = seriesPlan(seed, rate, clean.log.length);
      const scenario = `seed ${seed}: ${rate * 100}% faults from request #${plan.startAt}, ${plan.maxFaults} at most (the first run's share; reruns only up to request #${plan.startAt! + clean.log.length - 1})`;
      it(
        scenario,
        async ({ expect }) => {
          const outcome = await outcomes.get(`${rate}/${seed}`)!;
          if ('error' in outcome) throw outcome.error;
          expect(
            outcome.series.problems,
            `${report(scenario, outcome.series)}\n  faults: ${outcome.faults}`,
          ).toEqual([]);
        },
        WAIT_MS,
      );
    }
  });
}

describe('coverage and secrets', () => {
  for (const rate of RATES) {
    it(`every kind of fault was injected at ${rate * 100}%`, async ({ expect }) => {
      await all;
      expect(tally.missing(String(rate))).toEqual([]);
    });
    it(`the first runs met ${rate * 100}% faults over their requests`, async ({ expect }) => {
      await all;
      const runs = densities.get(rate) ?? [];
      const faults = runs.reduce((n, d) => n + d.faults, 0);
      const requests = runs.reduce((n, d) => n + d.requests, 0);
      const whole = runs.reduce((n, d) => n + d.wholeRun, 0);
      console.info(
        `${rate * 100}%: the first runs got ${faults} faults in their ${requests} requests up to the end of the budget (${((100 * faults) / requests).toFixed(1)}%), ${((100 * faults) / whole).toFixed(1)}% of all ${whole} requests of the first runs`,
      );
      expect(runs).toHaveLength(SEEDS.length);
      // Every request of a first run draws a fault at the rate: ±15% covers the draws' spread (~2,000 in all).
      expect(faults / requests).toBeGreaterThan(rate * 0.85);
      expect(faults / requests).toBeLessThan(rate * 1.15);
    });
  }
  it('no stdout or stderr of this file holds the Notion token (plain, URL-encoded or JSON-escaped)', async ({
    expect,
  }) => {
    await all;
    expect(secretsReport(world.secrets())).toBe('');
  });
});
