// What the script keeps in properties: the token (user properties only), the last run's measurements and result (document properties).
import type { MeasuredRuns, RunCost } from './budget.js';
import type { PropertiesLike } from './services.js';

/** The Notion token's key, in the connecting admin's user properties: never in document or script properties. */
export const TOKEN_KEY = 'partnernomics.notion.token';
/** The handler the automatic sync's trigger runs. */
export const TRIGGER_HANDLER = 'runScheduledSync';
export const CHECKPOINT_PREFIX = 'partnernomics.sync.checkpoint';
const STATS_KEY = 'partnernomics.sync.stats';
const LAST_KEY = 'partnernomics.sync.last';
/** The trigger's interval in minutes, kept when it is turned on (a time trigger cannot be asked for it). */
const INTERVAL_KEY = 'partnernomics.sync.interval';
const HEALTH_KEY = 'partnernomics.sync.health';

export interface LastRun {
  at: string;
  /** backoff: a scheduled run skipped after repeated failures (no request sent). */
  status: 'done' | 'checkpointed' | 'busy' | 'not-connected' | 'failed' | 'backoff';
  message: string;
  rowsChanged: number;
}

function readJson<T>(props: PropertiesLike, key: string): T | null {
  try {
    const text = props.getProperty(key);
    return text ? (JSON.parse(text) as T) : null;
  } catch {
    return null;
  }
}

export function readStats(props: PropertiesLike): Partial<MeasuredRuns> {
  return readJson<Partial<MeasuredRuns>>(props, STATS_KEY) ?? {};
}

/** Records a finished run's cost: a full pass's also gives the row count the budget is computed at. */
export function recordRun(
  props: PropertiesLike,
  run: { full: boolean; cost: RunCost; rows: number; tables: number },
): void {
  const stats = readStats(props);
  const next: Partial<MeasuredRuns> = {
    ...stats,
    tables: run.tables,
    ...(run.full ? { full: run.cost, rows: run.rows } : { incremental: run.cost }),
  };
  props.setProperty(STATS_KEY, JSON.stringify(next));
}

export function readLastRun(props: PropertiesLike): LastRun | null {
  return readJson<LastRun>(props, LAST_KEY);
}

export function recordLastRun(props: PropertiesLike, last: LastRun): void {
  props.setProperty(LAST_KEY, JSON.stringify(last));
}

export function readInterval(props: PropertiesLike): number | null {
  const minutes = Number(props.getProperty(INTERVAL_KEY));
  return Number.isFinite(minutes) && minutes > 0 ? minutes : null;
}

export function recordInterval(props: PropertiesLike, minutes: number | null): void {
  if (minutes === null) props.deleteProperty(INTERVAL_KEY);
  else props.setProperty(INTERVAL_KEY, String(minutes));
}

/** The automatic sync's failures in a row, when the last one was, and the reason last put on the Sync Log. */
export interface HealthState {
  failures: number;
  lastFailureAt: number;
  logged: string;
}

export function readHealth(props: PropertiesLike): HealthState {
  const got = readJson<Partial<HealthState>>(props, HEALTH_KEY) ?? {};
  return {
    failures: typeof got.failures === 'number' ? got.failures : 0,
    lastFailureAt: typeof got.lastFailureAt === 'number' ? got.lastFailureAt : 0,
    logged: typeof got.logged === 'string' ? got.logged : '',
  };
}

export function recordHealth(props: PropertiesLike, health: HealthState): void {
  props.setProperty(HEALTH_KEY, JSON.stringify(health));
}
