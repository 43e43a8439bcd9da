// What every bench scenario returns (one row of bench/results.json), the published limits behind simulated time, and the measuring helpers.
import type { CallRecord } from '../../test/fakes/harness.js';

/** Calls of one scenario per API; only the APIs the scenario talks to are present. */
export interface Calls {
  notion?: number;
  sheets?: number;
  drive?: number;
  /** The Apps Script API (projects.create / updateContent / get), not calls made from inside a script. */
  script?: number;
  /** UrlFetchApp requests made by the bound script (to Notion). */
  url_fetch?: number;
  /** Sheets calls made by the bound script: the Sheets service (REST) for the sync, SpreadsheetApp ranges for recompute. */
  range_calls?: number;
  /** Files written (the local target: no API). */
  files?: number;
}

export interface Budget {
  /** What the budget says, in words (printed when it is broken). */
  rule: string;
  /** Whether a broken budget fails `npm run bench` (exit 1). */
  enforced: boolean;
  failures: string[];
}

export interface ScenarioResult {
  scenario: string;
  /** A scenario group, for the table's grouping (install, sync, apps-script, import, local). */
  group: string;
  calls: Calls;
  total: number;
  lower_bound: number;
  /** What the lower bound counts. */
  bound: string;
  /** total / lower_bound. */
  ratio: number;
  simulated_seconds: number;
  /** Which published limit drives simulated_seconds. */
  limit: string;
  /** CPU of this process (the CLI and the in-process fakes together) while the scenario ran. */
  cpu_ms: number;
  /** The naive baseline, measured in the same run against the same fake (null: none is meaningful). */
  naive: { calls: number; ratio: number; what: string } | null;
  budget: Budget | null;
}

/**
 * Published limits. Notion: "an average of three requests per second" per integration. Sheets: 60 read and
 * 60 write requests per minute per user (counted here as one call a second). Drive: 12,000 queries per
 * minute per user. Apps Script API (the project pushes): counted like Sheets, one a second (its
 * per-minute quota is not published; an assumption). Inside Apps Script: UrlFetchApp 20,000 calls a day
 * (consumer; 100,000 Workspace), 6 minutes a run; SpreadsheetApp range calls have no per-call quota, so
 * their time is an assumed 0.1 s each, which only the 6-minute runtime bounds.
 */
export const LIMITS = {
  notionPerSecond: 3,
  sheetsPerSecond: 1,
  drivePerSecond: 200,
  scriptPerSecond: 1,
  rangeCallSeconds: 0.1,
  runtimeSeconds: 360,
  urlFetchPerDay: 20_000,
};

export function total(calls: Calls): number {
  return Object.values(calls).reduce((a, b) => a + (b ?? 0), 0);
}

/** Seconds the calls take at the published rates, run one after the other (the CLI and the script are sequential). */
export function simulatedSeconds(calls: Calls): number {
  const s =
    (calls.notion ?? 0) / LIMITS.notionPerSecond +
    (calls.url_fetch ?? 0) / LIMITS.notionPerSecond +
    (calls.sheets ?? 0) / LIMITS.sheetsPerSecond +
    (calls.drive ?? 0) / LIMITS.drivePerSecond +
    (calls.script ?? 0) / LIMITS.scriptPerSecond;
  return Math.round(s * 10) / 10;
}

/** Which limit takes the most of the simulated time. */
export function drivingLimit(calls: Calls): string {
  const parts: [string, number][] = [
    ['Notion 3 req/s', (calls.notion ?? 0) / LIMITS.notionPerSecond],
    ['Notion 3 req/s (UrlFetchApp)', (calls.url_fetch ?? 0) / LIMITS.notionPerSecond],
    ['Sheets 60 req/min', (calls.sheets ?? 0) / LIMITS.sheetsPerSecond],
    ['Drive 12,000 req/min', (calls.drive ?? 0) / LIMITS.drivePerSecond],
    ['Apps Script API (1 req/s assumed)', (calls.script ?? 0) / LIMITS.scriptPerSecond],
  ];
  const top = parts.sort((a, b) => b[1] - a[1])[0]!;
  return top[1] > 0 ? top[0] : 'none';
}

/** Google calls by API from a fake's log (OAuth token calls are not API calls). */
export function googleCalls(log: readonly CallRecord[]): Pick<Calls, 'sheets' | 'drive' | 'script'> {
  let sheets = 0;
  let drive = 0;
  let script = 0;
  for (const c of log) {
    if (c.path.startsWith('/v4/spreadsheets')) sheets += 1;
    else if (c.path.startsWith('/drive/') || c.path.startsWith('/upload/drive/')) drive += 1;
    else if (c.path.startsWith('/v1/projects')) script += 1;
  }
  return { sheets, drive, script };
}

/** Runs `work` and returns its value with the process CPU it took (user + system), in ms. */
export async function withCpu<T>(work: () => Promise<T>): Promise<{ value: T; cpu_ms: number }> {
  const start = process.cpuUsage();
  const value = await work();
  const used = process.cpuUsage(start);
  return { value, cpu_ms: Math.round((used.user + used.system) / 1000) };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Builds a result row: total, ratio, simulated time and its limit follow from the calls. */
export function result(row: {
  scenario: string;
  group: string;
  calls: Calls;
  lower_bound: number;
  bound: string;
  cpu_ms: number;
  naive?: { calls: number; what: string } | null;
  budget?: Budget | null;
  simulated?: { seconds: number; limit: string };
}): ScenarioResult {
  const sum = total(row.calls);
  return {
    scenario: row.scenario,
    group: row.group,
    calls: row.calls,
    total: sum,
    lower_bound: row.lower_bound,
    bound: row.bound,
    ratio: round2(sum / row.lower_bound),
    simulated_seconds: row.simulated?.seconds ?? simulatedSeconds(row.calls),
    limit: row.simulated?.limit ?? drivingLimit(row.calls),
    cpu_ms: row.cpu_ms,
    naive: row.naive ? { ...row.naive, ratio: round2(row.naive.calls / row.lower_bound) } : null,
    budget: row.budget ?? null,
  };
}

/** A budget from a list of broken rules (empty: within budget). */
export function budget(rule: string, failures: string[], enforced = true): Budget {
  return { rule, enforced, failures };
}
