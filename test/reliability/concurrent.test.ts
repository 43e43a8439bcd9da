// Two installs of one target at once (same root page, same Google account): one waits for the other or
// stops with a clear message; the end state is one clean install, and neither exits 0 before it is complete.
import { afterAll, describe, it } from 'vitest';
import { diffGoogle, diffNotion, googleShape, missingLines, notionShape } from './checks.js';
import { assertBuilt, type CliRun, describeRun, outputProblems, runCli } from './cli.js';
import type { ProxyLogEntry } from './proxy.js';
import { cleanGoogle, cleanNotion, googleWorld, notionWorld, secretsReport } from './world.js';

assertBuilt();
const notion = await notionWorld();
// Two installs at once: Drive's createdTime must order their lease files as Drive does (see tickingClock).
const google = await googleWorld({ clock: 'ticking' });
afterAll(async () => {
  await notion.close();
  await google.close();
});

const cleanN = await cleanNotion(notion, notion.fake.seedRootPage('Reference'));
const cleanG = await cleanGoogle(google);

/** How long a run's first Drive search may be held for the other run's (under CLIENT_TIMEOUT_MS, 1.5 s). */
const SEARCH_HOLD_MS = 1200;

/** Says what a second install must say when it does not wait: that another one is running. */
const BUSY = /another install|already running|in progress|is running|install lock|lease/i;

interface Pair {
  runs: CliRun[];
  problems: string[];
}

/** Starts two runs `offsetMs` apart and checks each as it ends; then the end state. */
async function pair(
  label: string,
  offsetMs: number,
  start: (label: string, onExit: (code: number | null) => void) => Promise<CliRun>,
  diff: () => string[],
): Promise<Pair> {
  const problems: string[] = [];
  const go = async (which: string, delay: number) => {
    if (delay) await new Promise((r) => setTimeout(r, delay));
    let atExit: string[] = [];
    const run = await start(`${label} ${which}`, (code) => {
      if (code === 0) atExit = missingLines(diff());
    });
    if (run.code === 0 && atExit.length)
      problems.push(`${which} exited 0 with an INCOMPLETE workspace: ${atExit.join('; ')}`);
    if (run.code !== 0 && !BUSY.test(run.stderr))
      problems.push(`${which} failed without saying another install is running: ${describeRun(run)}`);
    for (const problem of outputProblems(run)) problems.push(`${which} ${problem}`);
    return run;
  };
  const runs = await Promise.all([go('first', 0), go('second', offsetMs)]);
  if (!runs.some((r) => r.code === 0)) problems.push('neither install exited 0');
  const end = diff();
  if (end.length) problems.push(`end state differs from a clean install:\n    ${end.join('\n    ')}`);
  return { runs, problems };
}

const message = (scenario: string, result: Pair) =>
  [
    `${scenario}:`,
    ...result.problems.map((p) => `  ✗ ${p}`),
    ...result.runs.map((r) => `    ${describeRun(r)}`),
  ].join('\n');

describe('two concurrent installs', () => {
  for (const offset of [0, 700]) {
    const scenario = `Notion: two installs on one root page, the second started ${offset} ms after the first`;
    it(scenario, async ({ expect }) => {
      const root = notion.fake.seedRootPage(`Concurrent ${offset}`);
      const lanes = [await notion.lane(), await notion.lane()];
      try {
        let next = 0;
        const result = await pair(
          `notion+${offset}ms`,
          offset,
          (label, onExit) =>
            runCli(['--json', 'install', '--target', 'notion', '--root', root], {
              env: lanes[next++]!.env(),
              label,
              onExit,
            }),
          () => diffNotion(cleanN.shape, notionShape(notion.fake, root)),
        );
        expect(result.problems, message(scenario, result)).toEqual([]);
      } finally {
        await Promise.all(lanes.map((l) => l.close()));
      }
    });
  }

  for (const offset of [0, 700]) {
    const scenario = `Sheets: two installs for one Google account, the second started ${offset} ms after the first, both looking in Drive before either creates`;
    it(scenario, async ({ expect }) => {
      const lane = await google.lane(`concurrent-${offset}`);
      // The race forced: each run's first Drive search (for the workbook, or for the lease files) is answered
      // only once the other run's has reached Drive, so neither can have created anything the other would
      // see. Held less than the client's timeout, so neither run retries it.
      const isSearch = (e: ProxyLogEntry) => e.method === 'GET' && e.path === '/drive/v3/files';
      lane.proxy.addRule({
        method: 'GET',
        path: /^\/drive\/v3\/files$/,
        fault: 'hold-after',
        times: 2,
        holdMs: SEARCH_HOLD_MS,
        releaseWhen: (log) => log.filter(isSearch).length >= 2,
      });
      try {
        const result = await pair(
          `sheets+${offset}ms`,
          offset,
          (label, onExit) =>
            runCli(['--json', 'install', '--target', 'sheets'], { env: lane.env(), label, onExit }),
          () => diffGoogle(cleanG.shape, googleShape(google.fake, lane.user)),
        );
        // Whether the race was forced: the second search reached Drive before the first was answered.
        const [first, second] = lane.proxy.log.filter(isSearch);
        if (!first || !second || first.doneAt === undefined || second.at > first.doneAt)
          result.problems.push(
            `the race was not forced: the second run's first Drive search came at +${second?.at} ms, after the first run's was answered (+${first?.doneAt} ms)`,
          );
        expect(result.problems, message(scenario, result)).toEqual([]);
      } finally {
        await lane.close();
      }
    });
  }
});

describe('secrets', () => {
  it('no stdout or stderr of this file holds a token or the client secret (plain, URL-encoded or JSON-escaped)', ({
    expect,
  }) => {
    expect(secretsReport([...notion.secrets(), ...google.secrets()])).toBe('');
  });
});
