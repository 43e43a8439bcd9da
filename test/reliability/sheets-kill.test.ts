// SIGKILL a Sheets install at every request position, before the request reaches Google and after Google
// applied it, then rerun until exit 0: one spreadsheet, one bound script project, every tab, nothing twice.
import { afterAll, describe, it } from 'vitest';
import { assertBuilt, semaphore } from './cli.js';
import { cleanGoogle, endpoint, googleSeries, googleWorld, report, secretsReport } from './world.js';

assertBuilt();
const world = await googleWorld();
afterAll(() => world.close());

const clean = await cleanGoogle(world);
const requests = clean.log.map((e) => ({ at: e.position, request: endpoint(e), write: e.writeIndex }));
// Killed twice: from the spreadsheet's create on (the writes a rerun must find again), at most 6 of them.
const writes = requests
  .filter((r) => r.write !== undefined)
  .filter((_r, i, all) => i >= all.findIndex((w) => w.request === 'POST /v4/spreadsheets'))
  .filter((_r, i, all) => all.length <= 6 || i % Math.ceil(all.length / 6) === 0 || i === all.length - 1);
const cpu = semaphore(3);

describe.concurrent(`Sheets install killed at each of its ${requests.length} request positions`, () => {
  for (const { at, request } of requests) {
    for (const when of ['before', 'after'] as const) {
      const scenario = `SIGKILL at request #${at} (${request}) ${when === 'before' ? 'before it reaches Google' : 'after Google answered it'}`;
      it(scenario, ({ expect }) =>
        cpu(async () => {
          const lane = await world.lane(`kill-${at}-${when}`);
          try {
            const series = await googleSeries(world, lane, clean.shape, {
              label: `kill@${at}/${when}`,
              maxReruns: 3,
              kill: { proxy: lane.proxy, point: { at, count: 'requests', when } },
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

describe.concurrent(`Sheets install killed twice: after write #k, then its rerun after its own first write`, () => {
  for (const { write, request } of writes) {
    const scenario = `SIGKILL after write #${write} (${request}) was applied, then the rerun after its first write`;
    it(scenario, ({ expect }) =>
      cpu(async () => {
        const lane = await world.lane(`twice-${write}`);
        try {
          const series = await googleSeries(world, lane, clean.shape, {
            label: `kill-twice@${write}`,
            maxReruns: 3,
            kill: { proxy: lane.proxy, point: { at: write!, count: 'writes', when: 'after' } },
            rerunKills: [{ at: 1, count: 'writes', when: 'after' }],
          });
          expect(series.problems, report(scenario, series)).toEqual([]);
        } finally {
          await lane.close();
        }
      }),
    );
  }
});

describe('secrets', () => {
  it('no stdout or stderr of this file holds a Google token or the client secret (plain, URL-encoded or JSON-escaped)', ({
    expect,
  }) => {
    expect(secretsReport(world.secrets())).toBe('');
  });
});
