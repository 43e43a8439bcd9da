// `import candidates` SIGKILLed at 11 of its 21 writes (partner creates), before each reaches Notion and after Notion applied it, then rerun: the clean import's state, no partner twice.
import { afterAll, describe, it } from 'vitest';
import { assertBuilt, runCli } from './cli.js';
import { desiredStateProblems, importCounts, importRig, importSeries, NEW_NAMES } from './import-world.js';
import { tally } from './tally.js';
import { endpoint, killPositions, report, secretsReport } from './world.js';

assertBuilt();
/** The acceptance: SIGKILL at 20 or more points of an import. */
const MIN_POINTS = 20;
/**
 * Writes killed at (each before and after): the first three, the last, the rest spread evenly. Every one
 * of the 21 would double the file's time (two Node processes per scenario are ~4 s of CPU) for positions
 * that differ only in how many creates came before.
 */
const POSITIONS = 11;
/** Scenarios at once: each is two or three CLI processes, and the machine has two cores. */
const rig = await importRig(3);
afterAll(() => rig.close());

// The clean import through a proxy with no faults: the state every scenario must end in, and its writes.
const clean = await rig.withWorkspace(async (w) => {
  const lane = await w.lane();
  try {
    const run = await runCli(rig.args(w), { env: lane.env(), label: 'clean import' });
    return { run, shape: rig.shape(w), log: [...lane.proxy.log], baseline: w.baseline };
  } finally {
    await lane.close();
  }
});
const reference = { rows: clean.shape.rows };
const writes = clean.log.filter((e) => e.writeIndex !== undefined);
const points = killPositions(clean.log, POSITIONS).flatMap(({ at, request }) =>
  (['before', 'after'] as const).map((when) => ({ at, request, when })),
);

describe.concurrent(`import killed at ${points.length} points (${POSITIONS} of its ${writes.length} writes, before and after), then rerun`, () => {
  it(`the clean import is the desired state, with ${MIN_POINTS} or more points to kill it at`, ({
    expect,
  }) => {
    expect(desiredStateProblems(clean.run, clean.shape, clean.baseline)).toEqual([]);
    // One create per new partner and no other write: a kill point at each.
    expect(writes.map((w) => endpoint(w))).toEqual(NEW_NAMES.map(() => 'POST /v1/pages'));
    expect(points.length).toBeGreaterThanOrEqual(MIN_POINTS);
    const ats = new Set(points.map((p) => p.at));
    expect(ats.size).toBe(POSITIONS);
    expect([ats.has(1), ats.has(writes.length)]).toEqual([true, true]);
  });

  for (const { at, request, when } of points) {
    const scenario = `SIGKILL at write #${at} (${request}) ${when === 'before' ? 'before it reaches Notion' : 'after Notion applied it'}`;
    it(scenario, ({ expect }) =>
      rig.withWorkspace(async (w) => {
        const lane = await w.lane();
        try {
          const series = await importSeries(rig, w, lane, reference, {
            label: `import kill@${at}/${when}`,
            maxReruns: 3,
            kill: { proxy: lane.proxy, point: { at, count: 'writes', when } },
          });
          const counts = importCounts(w.baseline, rig.shape(w));
          tally('import', {
            runs: series.runs.length,
            kills: series.runs.filter((r) => r.killedAt).length,
            ...counts,
          });
          expect(series.problems, report(scenario, series)).toEqual([]);
          expect(counts).toEqual({ duplicates: 0, lostEdits: 0 });
          // The kill landed where it was meant to: that many creates had reached Notion when it died.
          expect(series.runs[0]?.killedAt?.writeIndex).toBe(at);
        } finally {
          await lane.close();
        }
      }),
    );
  }
});

describe('secrets', () => {
  it('no stdout or stderr of this file holds the Notion token (plain, URL-encoded or JSON-escaped)', ({
    expect,
  }) => {
    expect(secretsReport(rig.secrets())).toBe('');
  });
});
