// A Sheets install under 20% and 40% injected faults, 10 seeds each: reruns converge on a clean install.
import { afterAll, describe, it } from 'vitest';
import { assertBuilt, semaphore } from './cli.js';
import { faultsOf, KindTally, RATES, SEEDS, seriesPlan } from './faults.js';
import { cleanGoogle, googleSeries, googleWorld, report, secretsReport } from './world.js';

assertBuilt();
const world = await googleWorld();
afterAll(() => world.close());

const clean = await cleanGoogle(world);
const MAX_FAULTS = 6;
const lanes = semaphore(3);
const tally = new KindTally();

for (const rate of RATES) {
  describe.concurrent(`Sheets install with ${rate * 100}% faults`, () => {
    for (const seed of SEEDS) {
      // A Sheets install is ~10 requests: the faults start anywhere in the first run, token request included.
      const plan = seriesPlan(seed, rate, clean.log.length, MAX_FAULTS);
      const scenario = `seed ${seed}: ${rate * 100}% faults from request #${plan.startAt}, at most ${MAX_FAULTS}`;
      it(scenario, ({ expect }) =>
        lanes(async () => {
          const lane = await world.lane(`faults-${rate * 100}-${seed}`);
          try {
            lane.proxy.setPlan(plan);
            const series = await googleSeries(world, lane, clean.shape, {
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
  it('no stdout or stderr of this file holds a Google token or the client secret (plain, URL-encoded or JSON-escaped)', ({
    expect,
  }) => {
    expect(secretsReport(world.secrets())).toBe('');
  });
});
