// Pure: what each trigger interval costs a day against Apps Script's quotas, from the runs the workbook measured.

/** The minute intervals a time-driven trigger accepts (everyMinutes), longer than one minute. */
export const INTERVALS = [5, 10, 15, 30] as const;
export type Interval = (typeof INTERVALS)[number];

/** Apps Script's daily quotas for time-driven triggers: total runtime and UrlFetchApp calls. */
export const QUOTAS = {
  consumer: { label: 'consumer (gmail.com) account', runtimeMinutes: 90, urlFetches: 20_000 },
  workspace: { label: 'Google Workspace account', runtimeMinutes: 360, urlFetches: 100_000 },
} as const;
export type Account = keyof typeof QUOTAS;

/** A full pass at least every this many runs, and at least every 6 hours (the engine's rules). */
export const FULL_EVERY_RUNS = 12;
export const FULL_EVERY_HOURS = 6;
/** Notion answers at most this many pages per query. */
export const PAGE_SIZE = 100;

/** One run's cost: Notion requests (URL fetches) and seconds of runtime. */
export interface RunCost {
  fetches: number;
  seconds: number;
}

/** What the workbook measured of its runs (document properties), or what an estimate assumes. */
export interface MeasuredRuns {
  /** Synced tables. */
  tables: number;
  /** Rows across the synced tables, as the last full pass read them. */
  rows: number;
  full?: RunCost;
  incremental?: RunCost;
}

export interface Costs {
  full: RunCost;
  incremental: RunCost;
  measured: boolean;
}

/** Requests a run makes besides reading rows: the token check, the hub and its registry, each table's schema. */
const overheadFetches = (tables: number) => 3 + tables;
/** Seconds of a run besides its Notion requests (start-up, the workbook read and write). */
const BASE_SECONDS = 4;
/** Seconds per Notion request at Notion's 3 requests a second, with the network. */
const SECONDS_PER_FETCH = 0.4;

/**
 * The cost of a full and an incremental run: measured when the workbook has run them, else estimated from the
 * rows (a full pass reads every page, 100 a request; an incremental one usually one request a table).
 */
export function costsOf(m: MeasuredRuns): Costs {
  const fullFetches = overheadFetches(m.tables) + m.tables + Math.ceil(m.rows / PAGE_SIZE);
  const estimate = (fetches: number): RunCost => ({
    fetches,
    seconds: Math.round((BASE_SECONDS + fetches * SECONDS_PER_FETCH) * 10) / 10,
  });
  const full = m.full ?? estimate(fullFetches);
  const incremental =
    m.incremental ??
    (m.full
      ? {
          fetches: Math.max(
            overheadFetches(m.tables) + m.tables,
            m.full.fetches - Math.ceil(m.rows / PAGE_SIZE),
          ),
          seconds: Math.max(BASE_SECONDS, m.full.seconds - Math.ceil(m.rows / PAGE_SIZE) * SECONDS_PER_FETCH),
        }
      : estimate(overheadFetches(m.tables) + m.tables));
  return { full, incremental, measured: m.full !== undefined || m.incremental !== undefined };
}

export interface DailyUse {
  interval: Interval;
  runs: number;
  fullRuns: number;
  fetches: number;
  minutes: number;
}

/** A day of runs every `interval` minutes: how many are full passes, and what they all take. */
export function dailyUse(interval: Interval, costs: Costs): DailyUse {
  const runs = (24 * 60) / interval;
  const fullRuns = Math.min(runs, Math.max(runs / FULL_EVERY_RUNS, 24 / FULL_EVERY_HOURS));
  const rest = runs - fullRuns;
  return {
    interval,
    runs,
    fullRuns,
    fetches: Math.ceil(fullRuns * costs.full.fetches + rest * costs.incremental.fetches),
    minutes: Math.ceil((fullRuns * costs.full.seconds + rest * costs.incremental.seconds) / 60),
  };
}

export function fits(use: DailyUse, account: Account): boolean {
  const q = QUOTAS[account];
  return use.fetches <= q.urlFetches && use.minutes <= q.runtimeMinutes;
}

/**
 * The interval offered first: the most frequent that fits the consumer quotas with a fifth to spare (for
 * Sync now, and a day busier than the measured one); the least frequent when none does.
 */
export function defaultInterval(costs: Costs): Interval {
  const spare = (u: DailyUse) =>
    u.fetches <= QUOTAS.consumer.urlFetches * 0.8 && u.minutes <= QUOTAS.consumer.runtimeMinutes * 0.8;
  return INTERVALS.find((i) => spare(dailyUse(i, costs))) ?? 30;
}

const pct = (part: number, whole: number) => `${Math.round((part / whole) * 100)}%`;
const num = (n: number) => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** One line per interval, as the Turn on automatic sync dialog shows them. */
export function budgetLines(costs: Costs): string[] {
  const c = QUOTAS.consumer;
  const w = QUOTAS.workspace;
  return INTERVALS.map((i) => {
    const u = dailyUse(i, costs);
    const where = fits(u, 'consumer')
      ? 'fits a consumer account'
      : fits(u, 'workspace')
        ? 'needs a Workspace account'
        : 'too much even for Workspace';
    return `Every ${i} min: ${num(u.runs)} runs a day, about ${num(u.fetches)} URL fetches (${pct(u.fetches, c.urlFetches)} of ${num(c.urlFetches)}; ${pct(u.fetches, w.urlFetches)} of ${num(w.urlFetches)}) and ${num(u.minutes)} min of runtime (${pct(u.minutes, c.runtimeMinutes)} of ${c.runtimeMinutes} min; ${pct(u.minutes, w.runtimeMinutes)} of 6 h): ${where}.`;
  });
}

/** The dialog's text: the quotas, the line of each interval, the measured basis, and the default. */
export function budgetDialog(costs: Costs, m: MeasuredRuns): string {
  const chosen = defaultInterval(costs);
  const basis = costs.measured
    ? `Measured on this workbook: a full pass takes ${num(costs.full.fetches)} Notion requests and ${costs.full.seconds} s, an ordinary run ${num(costs.incremental.fetches)} requests and ${costs.incremental.seconds} s (${num(m.rows)} rows in ${m.tables} tables).`
    : `Estimated for ${num(m.rows)} rows in ${m.tables} tables (no run measured yet).`;
  return [
    `Time-driven triggers get ${QUOTAS.consumer.runtimeMinutes} minutes of runtime and ${num(QUOTAS.consumer.urlFetches)} URL fetches a day on a consumer account, 6 hours and ${num(QUOTAS.workspace.urlFetches)} on Google Workspace.`,
    basis,
    ...budgetLines(costs),
    `Sync every how many minutes? Type 5, 10, 15 or 30, or leave it empty for ${chosen}.`,
  ].join('\n');
}

/** The interval typed in the dialog (empty: the default), or null when it is not one of INTERVALS. */
export function parseInterval(text: string, fallback: Interval): Interval | null {
  const t = text.trim().replace(/\s*min(utes)?$/i, '');
  if (!t) return fallback;
  const n = Number(t);
  return (INTERVALS as readonly number[]).includes(n) ? (n as Interval) : null;
}
