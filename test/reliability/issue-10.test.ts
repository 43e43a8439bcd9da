// Each reproduction of issue 10, from outside the process: the built CLI through a fault proxy.
import { afterAll, describe, it } from 'vitest';
import {
  assertBuilt,
  CLIENT_TIMEOUT_MS,
  describeRun,
  outputs,
  scanSecrets,
  scanTokenShapes,
  semaphore,
} from './cli.js';
import { type FaultRule, gaveUp, type ProxyLogEntry } from './proxy.js';
import {
  cleanGoogle,
  cleanNotion,
  endpoint,
  type GoogleLane,
  googleSeries,
  googleWorld,
  type NotionLane,
  notionSeries,
  notionWorld,
  report,
  type Series,
  secretsReport,
} from './world.js';

assertBuilt();
const notion = await notionWorld();
const google = await googleWorld();
afterAll(async () => {
  await notion.close();
  await google.close();
});
const cleanN = await cleanNotion(notion, notion.fake.seedRootPage('Reference'));
const cleanG = await cleanGoogle(google);

/** A hold that outlasts the client's timeout by a clear margin. */
const LONG_HOLD_MS = CLIENT_TIMEOUT_MS + 4000;

/**
 * A slow create that lands in the middle of the run: held until the run has sent this many more requests
 * (its timeout, the lookups over the settle window and the second create come first), whatever the machine's
 * speed, so it always lands while the run still has work to do (an install sends ~170), never after it.
 */
const LANDS_AFTER_REQUESTS = 40;
const landsMidRun = (log: readonly ProxyLogEntry[], held: ProxyLogEntry) =>
  log.length - held.position >= LANDS_AFTER_REQUESTS;

/**
 * The late landing happened inside run 1 (the reproduction), and run 1 itself cleaned it up: it exited 0,
 * reported the copy it moved to the trash, and no later run was needed.
 */
function cleanedByTheSameRun(
  series: Series,
  lane: NotionLane,
  what: (e: ProxyLogEntry) => boolean,
): string[] {
  const log = lane.proxy.log;
  const held = log.find((e) => e.fault === 'hold-before' && what(e));
  const first = series.runs[0]!;
  const lastOfRun = log[(first.traffic?.requests ?? log.length) - 1];
  if (!held?.appliedAt || !lastOfRun) return ['the held create never landed'];
  const problems: string[] = [];
  if (held.appliedAt >= lastOfRun.at)
    problems.push(
      `not reproduced: ${endpoint(held)} landed at +${held.appliedAt} ms, after run 1's last request (+${lastOfRun.at} ms)`,
    );
  if (series.runs.length !== 1 || first.code !== 0)
    problems.push(
      `run 1 did not finish the install by itself (${series.runs.length} runs; run 1 exit ${first.code})`,
    );
  let trashed: unknown[] = [];
  try {
    trashed = (JSON.parse(first.stdout) as { trashed?: unknown[] }).trashed ?? [];
  } catch {
    // outputProblems reports output that does not parse.
  }
  if (trashed.length !== 1)
    problems.push(
      `run 1 reported ${trashed.length} copies moved to the trash, expected 1: ${JSON.stringify(trashed)}`,
    );
  return problems;
}

const slots = semaphore(3);

function withNotion(
  name: string,
  rules: FaultRule[],
  maxReruns: number,
  check?: (series: Series, lane: NotionLane) => string[],
): Promise<{ series: Series; message: string; problems: string[] }> {
  return slots(() => notionCase(name, rules, maxReruns, check));
}

function withGoogle(
  name: string,
  rules: FaultRule[],
  maxReruns: number,
  check?: (series: Series, lane: GoogleLane) => string[],
): Promise<{ series: Series; message: string; problems: string[] }> {
  return slots(() => googleCase(name, rules, maxReruns, check));
}

async function notionCase(
  name: string,
  rules: FaultRule[],
  maxReruns: number,
  check?: (series: Series, lane: NotionLane) => string[],
): Promise<{ series: Series; message: string; problems: string[] }> {
  const lane = await notion.lane();
  try {
    for (const rule of rules) lane.proxy.addRule(rule);
    const root = notion.fake.seedRootPage(name);
    const series = await notionSeries(notion, lane, root, cleanN.shape, { label: name, maxReruns });
    const problems = [...series.problems, ...(check?.(series, lane) ?? [])];
    return { series, problems, message: report(name, { ...series, problems }) };
  } finally {
    await lane.close();
  }
}

async function googleCase(
  name: string,
  rules: FaultRule[],
  maxReruns: number,
  check?: (series: Series, lane: GoogleLane) => string[],
): Promise<{ series: Series; message: string; problems: string[] }> {
  const lane = await google.lane(name);
  try {
    for (const rule of rules) lane.proxy.addRule(rule);
    const series = await googleSeries(google, lane, cleanG.shape, { label: name, maxReruns });
    const problems = [...series.problems, ...(check?.(series, lane) ?? [])];
    return { series, problems, message: report(name, { ...series, problems }) };
  } finally {
    await lane.close();
  }
}

/** The held request must have been given up by the client (its timeout), not waited out. */
function timedOut(
  lane: { proxy: { log: ProxyLogEntry[] } },
  env: string,
  what: (e: ProxyLogEntry) => boolean,
  series?: Series,
) {
  const log = lane.proxy.log;
  const held = log.find((e) => e.fault && what(e));
  if (!held) return [`the fault was never injected (no matching request)`];
  const problems = gaveUp(log, held)
    ? []
    : [
        `the client waited out the ${LONG_HOLD_MS} ms hold of ${endpoint(held)} instead of timing out after ${CLIENT_TIMEOUT_MS} ms (${env} not honoured?)`,
      ];
  // When the end state is wrong, say when the held request landed against what the run did after it.
  if (series?.problems.length) {
    const landed = held.appliedAt ?? held.at + LONG_HOLD_MS;
    const after = log.filter((e) => e.at > landed);
    problems.push(
      `timeline: ${endpoint(held)} arrived at +${held.at} ms and was forwarded to Notion at +${landed} ms; the run sent ${log.filter((e) => e.at > held.at && e.at <= landed).length} requests in between and ${after.length} after (last at +${log.at(-1)?.at ?? 0} ms: ${after
        .slice(-3)
        .map(endpoint)
        .join(', ')})`,
    );
  }
  return problems;
}

/** The first run must succeed by itself: a retryable fault on a read is retried, not reported. */
function firstRunSucceeds(series: Series): string[] {
  const first = series.runs[0]!;
  return first.code === 0 ? [] : [`a read with a bad answer was not retried: ${describeRun(first)}`];
}

// Up to three reproductions at a time: most of their time is waiting (holds, Retry-After, back-off).
describe.concurrent('issue 10, reproduced', () => {
  describe('1. a slow create is not duplicated (Notion)', () => {
    it('the first database create held past the client timeout, then landing mid-run: the run trashes the empty copy itself', async ({
      expect,
    }) => {
      const isCreate = (e: ProxyLogEntry) => e.path === '/v1/databases';
      const result = await withNotion(
        'slow database create',
        [
          {
            method: 'POST',
            path: /^\/v1\/databases$/,
            nth: 1,
            fault: 'hold-before',
            holdMs: 60_000,
            releaseWhen: landsMidRun,
          },
        ],
        2,
        (series, lane) => [
          ...timedOut(lane, 'PARTNERNOMICS_NOTION_TIMEOUT_MS', isCreate, series),
          ...cleanedByTheSameRun(series, lane, isCreate),
        ],
      );
      expect(result.problems, result.message).toEqual([]);
    });

    it('the hub page create held past the client timeout, then landing mid-run: one hub', async ({
      expect,
    }) => {
      const isCreate = (e: ProxyLogEntry) => e.path === '/v1/pages';
      const result = await withNotion(
        'slow hub create',
        [
          {
            method: 'POST',
            path: /^\/v1\/pages$/,
            body: /Partner Program OS/,
            nth: 1,
            fault: 'hold-before',
            holdMs: 60_000,
            releaseWhen: landsMidRun,
          },
        ],
        2,
        (series, lane) => [
          ...timedOut(lane, 'PARTNERNOMICS_NOTION_TIMEOUT_MS', isCreate, series),
          ...cleanedByTheSameRun(series, lane, isCreate),
        ],
      );
      expect(result.problems, result.message).toEqual([]);
    });
  });

  describe('2. one bound Apps Script project (Sheets)', () => {
    it('killed after POST /v1/projects returned: no second project holding the code, and any empty one recorded', ({
      expect,
    }) =>
      slots(async () => {
        const lane = await google.lane('kill-after-project-create');
        try {
          const write =
            cleanG.log.find((e) => e.method === 'POST' && e.path === '/v1/projects')?.writeIndex ?? 0;
          const series = await googleSeries(google, lane, cleanG.shape, {
            label: 'kill after project create',
            maxReruns: 2,
            kill: { proxy: lane.proxy, point: { at: write, count: 'writes', when: 'after' } },
          });
          expect(series.problems, report('killed after POST /v1/projects', series)).toEqual([]);
        } finally {
          await lane.close();
        }
      }));

    it('one 500 on the batchUpdate that records the project: reruns create no second project', async ({
      expect,
    }) => {
      const result = await withGoogle(
        'record-500',
        [
          {
            method: 'POST',
            path: /:batchUpdate$/,
            body: /partnernomics\.script/,
            fault: 'server-error',
            times: 1,
          },
        ],
        2,
      );
      expect(result.problems, result.message).toEqual([]);
    });

    it('a malformed project create response: no PUT /v1/projects//content, no second project', async ({
      expect,
    }) => {
      const result = await withGoogle(
        'project-malformed',
        [{ method: 'POST', path: /^\/v1\/projects$/, fault: 'malformed', times: 1 }],
        2,
        (_s, lane) =>
          lane.proxy.log
            .filter((e) => e.path.includes('/projects//'))
            .map((e) => `called ${e.method} ${e.path} with an empty script ID`),
      );
      expect(result.problems, result.message).toEqual([]);
    });
  });

  describe("3. Google's Retry-After is honoured", () => {
    const RETRY_AFTER = 3;
    /** The gap between the 429 and the next request of the same kind. */
    const gap = (log: ProxyLogEntry[], is: (e: ProxyLogEntry) => boolean): string[] => {
      const limited = log.find((e) => e.fault === 'rate-limit' && is(e));
      if (!limited) return ['the 429 was never sent'];
      const retry = log.find((e) => e.position > limited.position && is(e));
      if (!retry) return ['the request was never retried'];
      const waited = retry.at - limited.at;
      return waited >= RETRY_AFTER * 1000 - 100
        ? []
        : [`retried ${endpoint(limited)} after ${waited} ms; Retry-After said ${RETRY_AFTER} s`];
    };

    it('a 429 with Retry-After on a Drive read', async ({ expect }) => {
      const result = await withGoogle(
        'retry-after-drive',
        [
          {
            method: 'GET',
            path: /^\/drive\/v3\/files$/,
            fault: 'rate-limit',
            retryAfterSeconds: RETRY_AFTER,
            times: 1,
          },
        ],
        1,
        (series, lane) => [
          ...firstRunSucceeds(series),
          ...gap(lane.proxy.log, (e) => e.method === 'GET' && e.path === '/drive/v3/files'),
        ],
      );
      expect(result.problems, result.message).toEqual([]);
    });

    it("a 429 with Retry-After from the OAuth token endpoint, retried by the product's retry layer", async ({
      expect,
    }) => {
      const result = await withGoogle(
        'retry-after-token',
        [
          {
            method: 'POST',
            path: /^\/token$/,
            fault: 'rate-limit',
            retryAfterSeconds: RETRY_AFTER,
            times: 1,
          },
        ],
        1,
        (series, lane) => [...firstRunSucceeds(series), ...gap(lane.proxy.log, (e) => e.path === '/token')],
      );
      expect(result.problems, result.message).toEqual([]);
    });
  });

  describe('4. every Google call has a timeout', () => {
    it('a slow read is given up after the timeout and retried', async ({ expect }) => {
      const result = await withGoogle(
        'slow-read',
        [
          {
            method: 'GET',
            path: /^\/v4\/spreadsheets\/[^/:]+$/,
            fault: 'hold-after',
            holdMs: LONG_HOLD_MS,
            times: 1,
          },
        ],
        1,
        (series, lane) => [
          ...firstRunSucceeds(series),
          ...timedOut(lane, 'PARTNERNOMICS_GOOGLE_TIMEOUT_MS', (e) => e.method === 'GET'),
        ],
      );
      expect(result.problems, result.message).toEqual([]);
    });

    it('a slow spreadsheet create (applied, answer held) is looked up, not made twice', async ({
      expect,
    }) => {
      const result = await withGoogle(
        'slow-create',
        [
          {
            method: 'POST',
            path: /^\/v4\/spreadsheets$/,
            fault: 'hold-after',
            holdMs: LONG_HOLD_MS,
            times: 1,
          },
        ],
        2,
        (_s, lane) => timedOut(lane, 'PARTNERNOMICS_GOOGLE_TIMEOUT_MS', (e) => e.method === 'POST'),
      );
      expect(result.problems, result.message).toEqual([]);
    });
  });

  describe('5. bad bodies are API errors, and reads with them are retried', () => {
    it('Notion: a malformed JSON 200 on a read is retried', async ({ expect }) => {
      const result = await withNotion(
        'notion-malformed-read',
        [{ method: 'GET', path: /^\/v1\/users\/me$/, fault: 'malformed', times: 1 }],
        1,
        firstRunSucceeds,
      );
      expect(result.problems, result.message).toEqual([]);
    });

    it('Notion: an empty 200 on a read is retried', async ({ expect }) => {
      const result = await withNotion(
        'notion-empty-read',
        [{ method: 'GET', path: /^\/v1\/blocks\/[^/]+\/children$/, fault: 'empty', times: 1 }],
        1,
        firstRunSucceeds,
      );
      expect(result.problems, result.message).toEqual([]);
    });

    it('Notion: a dropped connection and a malformed answer during apply are one-line product errors, then converge', async ({
      expect,
    }) => {
      const result = await withNotion(
        'notion-apply-bad',
        [
          { method: 'POST', path: /^\/v1\/databases$/, nth: 2, fault: 'drop-before' },
          { method: 'POST', path: /^\/v1\/views$/, nth: 1, fault: 'malformed' },
        ],
        3,
      );
      expect(result.problems, result.message).toEqual([]);
    });

    it('Google: an HTML 502 is one line, without the page, in stderr and in --json', async ({ expect }) => {
      const result = await withGoogle(
        'google-html-502',
        [{ method: 'POST', path: /:batchUpdate$/, fault: 'html-502', times: 1 }],
        2,
      );
      expect(result.problems, result.message).toEqual([]);
    });
  });

  describe('6. no token is printed', () => {
    for (const fault of ['malformed', 'empty'] as const) {
      it(`a ${fault} answer from the OAuth token endpoint prints no token`, async ({ expect }) => {
        const before = outputs.length;
        const result = await withGoogle(
          `token-${fault}`,
          [{ method: 'POST', path: /^\/token$/, fault, times: 1 }],
          2,
        );
        const leaks = [
          ...scanSecrets(outputs.slice(before), google.secrets()),
          ...scanTokenShapes(outputs.slice(before)),
        ];
        expect(
          [...result.problems, ...leaks.map((l) => `${l.secret} (${l.form}) printed in ${l.where}`)],
          result.message,
        ).toEqual([]);
      });
    }
  });

  describe('8. a resumed install carries on where it stopped', () => {
    // A resumed run reads each database, data source and view it recorded (about 70 reads for 14 databases
    // and 24 views) before its first write; killed 30 requests later every time, it must still finish.
    it('every run killed at its request #100: the install still completes within 10 runs', ({ expect }) =>
      slots(async () => {
        const lane = await notion.lane();
        try {
          const root = notion.fake.seedRootPage('Resume under interruption');
          const cap = { at: 100, count: 'requests', when: 'after' } as const;
          const series = await notionSeries(notion, lane, root, cleanN.shape, {
            label: 'killed at #100 every run',
            maxReruns: 9,
            kill: { proxy: lane.proxy, point: cap },
            rerunKills: Array.from({ length: 9 }, () => cap),
          });
          expect(series.problems, report('every run killed at its request #100', series)).toEqual([]);
        } finally {
          await lane.close();
        }
      }));
  });
});

describe('secrets', () => {
  it('no stdout or stderr of this file holds a token or the client secret (plain, URL-encoded or JSON-escaped)', ({
    expect,
  }) => {
    expect(secretsReport([...notion.secrets(), ...google.secrets()])).toBe('');
  });
});
