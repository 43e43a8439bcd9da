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

export interface LastRun {
  at: string;
  status: 'done' | 'checkpointed' | 'busy' | 'not-connected' | 'failed';
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
