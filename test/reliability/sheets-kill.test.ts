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
/** The acceptance: SIGKILL at 20 or more request positions of a Sheets install. */
const MIN_POSITIONS = 20;
/** Each series' bound Apps Script projects at its end (see boundProjectsNote), for the tally below. */
const boundProjects: string[] = [];

describe.concurrent(`Sheets install killed at each of its ${requests.length} request positions`, () => {
  it(`covers at least ${MIN_POSITIONS} request positions, each killed before and after`, ({ expect }) => {
    // The positions are the clean install's requests: an install that shrank below 20 would cover fewer.
    expect(new Set(requests.map((r) => r.at)).size).toBeGreaterThanOrEqual(MIN_POSITIONS);
  });
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
            boundProjects.push(...series.notes);
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
          boundProjects.push(...series.notes);
          expect(series.problems, report(scenario, series)).toEqual([]);
        } finally {
          await lane.close();
        }
      }),
    );
  }
});

describe('bound Apps Script projects, counted', () => {
  it('every series ended with exactly one project live with the menu; the empty orphans the workbooks record are counted', ({
    expect,
  }) => {
    const withOrphan = boundProjects.filter((n) => !/ 0 empty orphan/.test(n));
    // Printed with the results: how often a kill left an empty, silent, recorded project (see diffGoogle).
    console.info(
      `bound Apps Script projects: ${boundProjects.length} series, ${withOrphan.length} ended with an empty orphan the workbook records (silent, named by doctor)`,
    );
    expect(boundProjects.length).toBeGreaterThan(0);
    expect(boundProjects.filter((n) => !/: 1 live with the menu, /.test(n) || /OTHER/.test(n))).toEqual([]);
  });
});

describe('secrets', () => {
  it('no stdout or stderr of this file holds a Google token or the client secret (plain, URL-encoded or JSON-escaped)', ({
    expect,
  }) => {
    expect(secretsReport(world.secrets())).toBe('');
  });
});
