// `sync` SIGKILLed before and after 8 of its Notion page updates and every Sheets batch, then rerun: the clean run's end state.
import { afterAll, describe, it } from 'vitest';
import { assertBuilt, describeRun, runCli, semaphore } from './cli.js';
import { countsOf, diffShape, reset, type SyncRig, type SyncShape, syncRig } from './sync-world.js';
import { tally } from './tally.js';
import { endpoint, report, runSeries, type Series, secretsReport } from './world.js';

assertBuilt();
const ARGS = ['--json', 'sync', '--full', '--allow-mass-archive'];
/** Workspaces the kill points run on at once (the same scenario on fakes of its own): two cores, two lanes. */
const LANES = 2;
const APIS = ['Notion', 'Sheets'] as const;

interface Lane {
  rig: SyncRig;
  /** The clean run's end state: where every scenario on this lane must end. */
  reference: SyncShape;
  cleanProblems: string[];
  cleanRun: string;
  cleanCode: number | null;
  /** The clean run's writes per API, as endpoints (the kill points are their positions). */
  writes: string[][];
}

async function lane(n: number): Promise<Lane> {
  const rig = await syncRig(11, 4);
  reset(rig);
  const clean = await runCli(ARGS, { env: rig.env(), label: `lane ${n} clean sync` });
  return {
    rig,
    reference: rig.shape(),
    cleanProblems: await rig.problems(),
    cleanRun: describeRun(clean),
    cleanCode: clean.code,
    writes: rig.proxies.map((p) => p.log.filter((e) => e.writeIndex !== undefined).map(endpoint)),
  };
}

const lanes = await Promise.all(Array.from({ length: LANES }, (_, i) => lane(i + 1)));
afterAll(() => Promise.all(lanes.map((l) => l.rig.close())));

interface Point {
  api: 0 | 1;
  at: number;
  request: string;
  when: 'before' | 'after';
}

/**
 * The clean run's writes, from the lane whose run wrote least (a clean run on a busy machine may have had an
 * answer slower than the client's timeout, and sent a write again).
 */
const base = [...lanes].sort((a, b) => a.writes.flat().length - b.writes.flat().length)[0]!;
/** Notion page updates killed at: the first, the last, and evenly spaced between (they are all alike). */
const NOTION_POINTS = 8;
/** Up to `n` of positions 1..total: the first, the last and evenly spaced between. */
const spread = (total: number, n: number) => [
  ...new Set(
    Array.from(
      { length: Math.min(n, total) },
      (_, i) => 1 + Math.round((i * (total - 1)) / Math.max(1, Math.min(n, total) - 1)),
    ),
  ),
];
/**
 * Writes of the clean run, before each reaches the API and after it was applied: NOTION_POINTS of the Notion
 * page updates, and every Sheets batch (each writes something else: rows, the Sync Log, the baseline).
 */
const kills: Point[] = base.writes.flatMap((writes, api) =>
  (api === 0 ? spread(writes.length, NOTION_POINTS) : writes.map((_, i) => i + 1)).flatMap((at) =>
    (['before', 'after'] as const).map((when) => ({ api: api as 0 | 1, at, request: writes[at - 1]!, when })),
  ),
);

const free = [...lanes];
const slot = semaphore(LANES);

function scenario({ api, at, request, when }: Point): string {
  const where = api === 0 ? 'Notion' : 'Google';
  return `SIGKILL at ${APIS[api]} write #${at} (${request}) ${when === 'before' ? `before it reaches ${where}` : `after ${where} applied it`}`;
}

async function killAt(point: Point): Promise<{ series: Series; problems: string[] }> {
  return slot(async () => {
    const lane = free.pop()!;
    try {
      const { rig } = lane;
      reset(rig);
      const proxy = rig.proxies[point.api]!;
      const series = await runSeries({
        label: `kill@${APIS[point.api]}#${point.at}/${point.when}`,
        args: ARGS,
        env: rig.env,
        shape: rig.shape,
        diff: (shape) => diffShape(lane.reference, shape),
        proxy,
        maxReruns: 3,
        kill: { proxy, point: { at: point.at, count: 'writes', when: point.when } },
      });
      // Every value the clean run logged is logged here too, exactly once: a value typed in Notion over a
      // workbook-computed field is logged (its own batch) before the Notion write that replaces it.
      const problems = [...series.problems, ...(await rig.problems())];
      tally('sync (CLI)', {
        runs: series.runs.length,
        kills: series.runs.filter((r) => r.killedAt).length,
        ...countsOf(rig, problems, lane.reference),
      });
      return { series, problems };
    } finally {
      free.push(lane);
    }
  });
}

// Every kill point starts now and each test awaits its own: the lanes decide how many run at once.
const outcomes = new Map(kills.map((k) => [k, killAt(k).catch((error: unknown) => ({ error }))] as const));
const all = Promise.all(outcomes.values());
const WAIT_MS = 900_000;

describe(`sync killed at ${kills.length} write points, then rerun`, () => {
  it('the clean run converges, the same on each lane, with at least 20 write points to kill it at', ({
    expect,
  }) => {
    for (const l of lanes) {
      expect(l.cleanCode, l.cleanRun).toBe(0);
      expect(l.cleanProblems).toEqual([]);
      // The kill points are positions in one lane's run: every lane's clean run writes the same, in order.
      expect(l.writes).toEqual(base.writes);
    }
    expect(kills.length).toBeGreaterThanOrEqual(20);
  });

  describe.concurrent('each point', () => {
    for (const point of kills) {
      const name = scenario(point);
      it(
        name,
        async ({ expect }) => {
          const outcome = await outcomes.get(point)!;
          if ('error' in outcome) throw outcome.error;
          expect(outcome.problems, report(name, { ...outcome.series, problems: outcome.problems })).toEqual(
            [],
          );
        },
        WAIT_MS,
      );
    }
  });
});

describe('secrets', () => {
  it('no stdout or stderr of this file holds a token or the client secret', async ({ expect }) => {
    await all;
    expect(secretsReport(lanes.flatMap((l) => l.rig.secrets()))).toBe('');
  });
});
