// A Notion install under 20% and 40% injected faults, 10 seeds each: reruns converge on a clean install.
import { afterAll, describe, it } from 'vitest';
import { assertBuilt, semaphore } from './cli.js';
import { faultsOf, KindTally, RATES, SEEDS, seriesPlan } from './faults.js';
import { cleanNotion, notionSeries, notionWorld, report, secretsReport } from './world.js';

assertBuilt();
const world = await notionWorld();
afterAll(() => world.close());

const clean = await cleanNotion(world, world.fake.seedRootPage('Reference'));
/** Faults per series: enough to hit every stage, few enough that a series takes seconds, not minutes. */
const MAX_FAULTS = 8;
// Most of a series is waiting (holds, Retry-After, back-off): more lanes than cores.
const lanes = semaphore(3);
const tally = new KindTally();

for (const rate of RATES) {
  describe.concurrent(`Notion install with ${rate * 100}% faults`, () => {
    for (const seed of SEEDS) {
      const plan = seriesPlan(seed, rate, clean.log.length, MAX_FAULTS);
      const scenario = `seed ${seed}: ${rate * 100}% faults from request #${plan.startAt}, at most ${MAX_FAULTS}`;
      it(scenario, ({ expect }) =>
        lanes(async () => {
          const lane = await world.lane();
          try {
            lane.proxy.setPlan(plan);
            const root = world.fake.seedRootPage(`Faults ${rate} ${seed}`);
            const series = await notionSeries(world, lane, root, clean.shape, {
              label: `faults ${rate * 100}% seed ${seed}`,
              maxReruns: 6,
            });
            tally.add(String(rate), lane.proxy);
            expect(series.problems, `${report(scenario, series)}\n  faults: ${faultsOf(lane.proxy)}`).toEqual(
              [],
            );
          } finally {
            await lane.close();
          }
        }),
      );
    }
  });
}

describe('coverage and secrets', () => {
  for (const rate of RATES)
    it(`every kind of fault was injected at ${rate * 100}%`, ({ expect }) => {
      expect(tally.missing(String(rate))).toEqual([]);
    });
  it('no stdout or stderr of this file holds the Notion token (plain, URL-encoded or JSON-escaped)', ({
    expect,
  }) => {
    expect(secretsReport(world.secrets())).toBe('');
  });
});
