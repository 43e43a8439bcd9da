// `sync` SIGKILLed at each write (Notion page updates, Sheets batches), before and after it lands, then rerun: the clean run's end state.
import { afterAll, describe, it } from 'vitest';
import { assertBuilt, describeRun, runCli } from './cli.js';
import type { FaultProxy } from './proxy.js';
import { diffShape, reset, syncRig } from './sync-world.js';
import { endpoint, report, runSeries, secretsReport } from './world.js';

assertBuilt();
const ARGS = ['--json', 'sync', '--full', '--allow-mass-archive'];

const rig = await syncRig(11, 4);
afterAll(() => rig.close());

// The clean run: the state every scenario must end in, and where its writes are.
reset(rig);
const clean = await runCli(ARGS, { env: rig.env(), label: 'clean sync' });
const reference = rig.shape();
const cleanProblems = await rig.problems();

interface Point {
  api: 'Notion' | 'Sheets';
  proxy: FaultProxy;
  at: number;
  request: string;
  when: 'before' | 'after';
}

/** Every write of the clean run, Notion's and Sheets', before it reaches the API and after it was applied. */
function points(): Point[] {
  const out: Point[] = [];
  for (const [api, proxy] of [
    ['Notion', rig.notionLane.proxy],
    ['Sheets', rig.googleLane.proxy],
  ] as const)
    for (const w of proxy.log.filter((e) => e.writeIndex !== undefined))
      for (const when of ['before', 'after'] as const)
        out.push({ api, proxy, at: w.writeIndex!, request: endpoint(w), when });
  return out;
}
const kills = points();
describe(`sync killed at ${kills.length} write points, then rerun`, () => {
  it('the clean run converges, with at least 20 write points to kill it at', ({ expect }) => {
    expect(clean.code, describeRun(clean)).toBe(0);
    expect(cleanProblems).toEqual([]);
    expect(kills.length).toBeGreaterThanOrEqual(20);
  });

  for (const { api, proxy, at, request, when } of kills) {
    const scenario = `SIGKILL at ${api} write #${at} (${request}) ${when === 'before' ? 'before it reaches' : 'after'} ${api === 'Notion' ? 'Notion' : 'Google'}${when === 'after' ? ' applied it' : ''}`;
    it(scenario, async ({ expect }) => {
      reset(rig);
      const series = await runSeries({
        label: `kill@${api}#${at}/${when}`,
        args: ARGS,
        env: rig.env,
        shape: rig.shape,
        diff: (shape) => diffShape(reference, shape),
        proxy,
        maxReruns: 3,
        kill: { proxy, point: { at, count: 'writes', when } },
      });
      // Every value the clean run logged is logged here too, exactly once: a value typed in Notion over a
      // workbook-computed field is logged (its own batch) before the Notion write that replaces it.
      const problems = [...series.problems, ...(await rig.problems())];
      expect(problems, report(scenario, { ...series, problems })).toEqual([]);
    });
  }
});

describe('secrets', () => {
  it('no stdout or stderr of this file holds a token or the client secret', ({ expect }) => {
    expect(secretsReport(rig.secrets())).toBe('');
  });
});
