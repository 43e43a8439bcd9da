// Two `sync` runs of the built CLI on one workspace at the same moment: the sync lease puts one after the other, so the end state and the writes are those of two syncs in a row.
import { afterAll, describe, it } from 'vitest';
import { isLeaseCall } from '../helpers.js';
import { assertBuilt, type CliRun, describeRun, outputProblems, runCli } from './cli.js';
import type { FaultProxy, ProxyLogEntry } from './proxy.js';
import { countsOf, diffShape, reset, syncRig } from './sync-world.js';
import { tally } from './tally.js';
import { endpoint, secretsReport } from './world.js';

assertBuilt();
const ARGS = ['--json', 'sync', '--full', '--allow-mass-archive'];
/** What a second sync says if it stops waiting for the first (src/sync/exclusive.ts). */
const BUSY = /another sync is running/i;

const rig = await syncRig(13, 4);
afterAll(() => rig.close());

/**
 * Writes as "PATCH /v1/pages/<id>" (each Notion page its own) and "POST …:batchUpdate" (the Sheets batches);
 * the lease file each sync creates and deletes is not a write to the workspace.
 */
const writesOf = (proxy: FaultProxy) =>
  proxy.log
    .filter((e) => e.writeIndex !== undefined && e.upstreamStatus !== undefined && e.upstreamStatus < 300)
    .filter((e) => !isLeaseCall(e))
    .map((e) => (e.path.startsWith('/v1/pages/') ? `${e.method} ${e.path}` : endpoint(e)));

const count = (items: string[]) => {
  const m = new Map<string, number>();
  for (const i of items) m.set(i, (m.get(i) ?? 0) + 1);
  return m;
};

// Two syncs in a row: the end state two at once must leave, and the writes they make between them.
reset(rig);
const single = await runCli(ARGS, { env: rig.env(), label: 'single sync' });
const reference = rig.shape();
const singleProblems = await rig.problems();
reset(rig);
await runCli(ARGS, { env: rig.env(), label: 'first of two in a row' });
await runCli(ARGS, { env: rig.env(), label: 'second of two in a row' });
const singleWrites = rig.proxies.map((p) => count(writesOf(p)));

/** Holds the first request each run sends to `proxy` until both runs have sent theirs (at most `ms`). */
function holdFirst(proxy: FaultProxy, match: (e: ProxyLogEntry) => boolean, ms: number): void {
  proxy.addRule({
    fault: 'hold-after',
    times: 2,
    holdMs: ms,
    releaseWhen: (log) => log.filter(match).length >= 2,
  });
}

interface Pair {
  runs: CliRun[];
  problems: string[];
  writes: Map<string, number>[];
}

async function pair(label: string, holdMs: number): Promise<Pair> {
  reset(rig);
  // Held under the clients' timeout (raised for both runs, so the hold is never taken for a lost answer):
  // each run's first Google request (taking the sync lease) is answered only once the other run's has
  // arrived, so both are under way before either reads the workspace.
  holdFirst(rig.proxies[1]!, () => true, holdMs);
  const env = () => ({
    ...rig.env(),
    PARTNERNOMICS_NOTION_TIMEOUT_MS: String(holdMs + 4000),
    PARTNERNOMICS_GOOGLE_TIMEOUT_MS: String(holdMs + 4000),
  });
  const problems: string[] = [];
  const runs = await Promise.all(
    ['first', 'second'].map((which) => runCli(ARGS, { env: env(), label: `${label} ${which}` })),
  );
  for (const [i, run] of runs.entries()) {
    const which = i === 0 ? 'first' : 'second';
    if (run.code !== 0 && !BUSY.test(run.stderr))
      problems.push(`${which} failed without saying another sync is running: ${describeRun(run)}`);
    for (const p of outputProblems(run)) problems.push(`${which} ${p}`);
  }
  if (!runs.some((r) => r.code === 0)) problems.push('neither sync exited 0');
  // Whether they were under way at once: the second run's first Google request came before the first
  // run's was answered.
  const [a, b] = rig.proxies[1]!.log;
  if (!a || !b || a.doneAt === undefined || b.at > a.doneAt)
    problems.push(
      `the runs did not start together (the second's first request at +${b?.at} ms, the first's answered at +${a?.doneAt} ms)`,
    );
  const end = diffShape(reference, rig.shape());
  if (end.length) problems.push(`end state differs from one sync's:\n    ${end.join('\n    ')}`);
  problems.push(...(await rig.problems()));
  return { runs, problems, writes: rig.proxies.map((p) => count(writesOf(p))) };
}

const message = (scenario: string, result: Pair) =>
  [
    `${scenario}:`,
    ...result.problems.map((p) => `  ✗ ${p}`),
    ...result.runs.map((r) => `    ${describeRun(r)}`),
  ].join('\n');

const scenario =
  'two CLI syncs started together, each held at its first Notion and Google request until the other got there';
const together = await pair('concurrent', 2500);

/** Pages and Sheets batches the two runs wrote more often than two syncs in a row write them. */
const twice: string[] = [];
for (const [i, writes] of together.writes.entries())
  for (const [what, n] of writes) {
    const alone = singleWrites[i]!.get(what) ?? 0;
    if (n > alone) twice.push(`${what} written ×${n} (two syncs in a row: ×${alone})`);
  }
const counts = countsOf(rig, together.problems, reference);
tally('sync (CLI)', { runs: 2, ...counts });

describe('two syncs at once on one workspace', () => {
  it('one sync alone converges (the reference)', ({ expect }) => {
    expect(single.code, describeRun(single)).toBe(0);
    expect(singleProblems).toEqual([]);
    expect([...singleWrites[0]!.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(5);
  });

  it(`${scenario}: both exit 0 (or one says another sync is running) and the end state is one sync's, every conflict logged once`, ({
    expect,
  }) => {
    expect(together.problems, message(scenario, together)).toEqual([]);
  });

  it(`${scenario}: no Notion page and no Sheets batch (rows, Sync Log entries) written more often than by two syncs in a row`, ({
    expect,
  }) => {
    expect(twice, message(scenario, together)).toEqual([]);
  });
});

describe('secrets', () => {
  it('no stdout or stderr of this file holds a token or the client secret', ({ expect }) => {
    expect(secretsReport(rig.secrets())).toBe('');
  });
});
