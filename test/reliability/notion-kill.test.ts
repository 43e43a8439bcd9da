// SIGKILL a Notion install at 20+ write positions, before the write reaches Notion and after Notion applied
// it, then rerun until exit 0: the end state is exactly a clean install's, with nothing duplicated.
import { afterAll, describe, it } from 'vitest';
import { assertBuilt, semaphore } from './cli.js';
import { cleanNotion, killPositions, notionSeries, notionWorld, report, secretsReport } from './world.js';

assertBuilt();
const world = await notionWorld();
afterAll(() => world.close());

// The clean install, through a proxy with no faults: the state every scenario must end in, and its writes.
const clean = await cleanNotion(world, world.fake.seedRootPage('Reference'));
/** The acceptance: SIGKILL at 20 or more write positions of a Notion install. */
const MIN_POSITIONS = 20;
const positions = killPositions(clean.log, MIN_POSITIONS);
const cpu = semaphore(2);

describe.concurrent(`Notion install killed at ${positions.length} of ${clean.log.filter((e) => e.writeIndex).length} write positions`, () => {
  it(`covers at least ${MIN_POSITIONS} distinct write positions, each killed before and after`, ({
    expect,
  }) => {
    // Derived from the clean install's writes: an install with fewer writes would cover fewer positions.
    expect(new Set(positions.map((p) => p.at)).size).toBeGreaterThanOrEqual(MIN_POSITIONS);
  });
  for (const { at, request } of positions) {
    for (const when of ['before', 'after'] as const) {
      const scenario = `SIGKILL at write #${at} (${request}) ${when === 'before' ? 'before it reaches Notion' : 'after Notion applied it'}`;
      it(scenario, ({ expect }) =>
        cpu(async () => {
          const lane = await world.lane();
          try {
            const root = world.fake.seedRootPage(`Kill ${at} ${when}`);
            const series = await notionSeries(world, lane, root, clean.shape, {
              label: `kill@${at}/${when}`,
              maxReruns: 3,
              kill: { proxy: lane.proxy, point: { at, count: 'writes', when } },
            });
            expect(series.problems, report(scenario, series)).toEqual([]);
          } finally {
            await lane.close();
          }
        }),
      );
    }
  }
});

describe('secrets', () => {
  it('no stdout or stderr of this file holds the Notion token (plain, URL-encoded or JSON-escaped)', ({
    expect,
  }) => {
    expect(secretsReport(world.secrets())).toBe('');
  });
});
