// The automatic sync's health: the Start tab's "Automatic sync" line, one Sync Log row per new failure reason, and the backoff after repeated failures.
import type { sheets_v4 } from '@googleapis/sheets';
import { locate } from '../../../src/sync/sheets-layout.js';
import { LOG_COLUMNS, type SyncLogEntry } from '../../../src/sync/sheets-log.js';
import { READ_FIELDS } from '../../../src/sync/sheets-read.js';
import { HEALTH_ROW } from '../../../src/sync/sheets-write.js';
import { runScheduledSync as runOnce, syncNow as syncNowOnce } from './menu.js';
import type { ScriptRunResult } from './run.js';
import { syncServices } from './services.js';
import { type HealthState, readHealth, readInterval, recordHealth } from './state.js';

/** The Start tab's line under the engine's three sync status lines (0-based row 20: row 21, label in A, value in B). */
export const HEALTH_LINE_ROW = HEALTH_ROW + 3;
export const HEALTH_LABEL = 'Automatic sync';
/** The longest wait between two tries after repeated failures. */
export const MAX_BACKOFF_MS = 6 * 3_600_000;
/** The interval assumed when none was kept (the trigger was made by an older version): the shortest one. */
const FALLBACK_MINUTES = 5;
const MINUTE_MS = 60_000;
const RECONNECT = 'reconnect: Partnernomics → Sync with Notion → Connect Notion…';
const SHARE = 'share the Partnernomics page with the integration in Notion (••• → Connections)';

export type FailureKind = 'token' | 'sharing' | 'quota' | 'other';

/** Pure: how long scheduled runs wait after `failures` failures in a row (none before the second). */
export function backoffMs(intervalMinutes: number, failures: number): number {
  if (failures < 2) return 0;
  return Math.min(intervalMinutes * MINUTE_MS * 2 ** (failures - 1), MAX_BACKOFF_MS);
}

/** Pure: when the next scheduled run may reach Notion (the trigger's next firing, or later when backing off). */
export function resumeAt(health: HealthState, intervalMinutes: number, now: number): number {
  const next = now + intervalMinutes * MINUTE_MS;
  if (health.failures < 2) return next;
  return Math.max(next, health.lastFailureAt + backoffMs(intervalMinutes, health.failures));
}

/** Pure: what kind of failure a run's result is (by its PnError code, else by the words of its message). */
export function failureKind(run: Pick<ScriptRunResult, 'status' | 'message' | 'code'>): FailureKind {
  if (run.status === 'not-connected' || run.code === 'AUTH_FAILED') return 'token';
  if (run.code === 'NOT_SHARED' || /no installed Partnernomics workspace/i.test(run.message))
    return 'sharing';
  if (/rate-limit|rate limit|\b429\b|quota|too many times|bandwidth/i.test(run.message)) return 'quota';
  return 'other';
}

/** Pure: a failure as one line, the problem and its fix. */
export function failureReason(
  run: Pick<ScriptRunResult, 'status' | 'message' | 'code'>,
  resume: number,
): string {
  switch (failureKind(run)) {
    case 'token':
      return run.status === 'not-connected'
        ? `Notion is not connected for the user who turned the sync on: ${RECONNECT}`
        : `Notion rejected the token: ${RECONNECT}`;
    case 'sharing':
      return `the integration cannot see the Partnernomics page: ${SHARE}`;
    case 'quota':
      return `the Notion or Apps Script quota is used up; wait: automatic sync resumes at ${clock(resume)}`;
    default:
      return run.message.replace(/\.$/, '');
  }
}

/** The key a reason is logged under: the same problem is logged once, however its time changes. */
function reasonKey(run: Pick<ScriptRunResult, 'status' | 'message' | 'code'>): string {
  const kind = failureKind(run);
  return kind === 'other' ? `other:${run.message}` : kind;
}

function clock(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Pure: the Start tab's Automatic sync line after a run. */
export function healthLine(
  run: ScriptRunResult,
  health: HealthState,
  intervalMinutes: number | null,
  now: number,
): string {
  const at = clock(Date.parse(run.at));
  const next =
    intervalMinutes === null
      ? 'Automatic sync is off: Partnernomics → Sync with Notion → Turn on automatic sync.'
      : `Next run about ${clock(resumeAt(health, intervalMinutes, now))} (every ${intervalMinutes} min).`;
  if (run.status === 'done') return `Done at ${at}: ${run.rowsChanged} row(s) changed. ${next}`;
  if (run.status === 'checkpointed') return `Out of time at ${at}: the next run goes on. ${next}`;
  const resume = resumeAt(health, intervalMinutes ?? FALLBACK_MINUTES, now);
  const times = health.failures > 1 ? ` (${health.failures} failures in a row)` : '';
  return `Failed at ${at}${times}: ${failureReason(run, resume)}. ${next}`;
}

const START_FIELDS =
  'sheets(properties(sheetId,title,gridProperties(rowCount,columnCount)),developerMetadata(metadataKey,metadataValue))';

function text(value: string): sheets_v4.Schema$CellData {
  return { userEnteredValue: { stringValue: value } };
}

/**
 * Writes the line on the Start tab, and `log` as one Sync Log row, in one batchUpdate of the Sheets service
 * (the workbook the engine writes). The Sync Log's columns are found by their tags, as the engine finds them.
 */
function writeWorkbook(line: string, log: SyncLogEntry | null): void {
  const s = syncServices();
  const spreadsheetId = s.SpreadsheetApp.getActiveSpreadsheet().getId();
  const book = s.Sheets.Spreadsheets.get(
    spreadsheetId,
    log ? { includeGridData: true, fields: READ_FIELDS } : { fields: START_FIELDS },
  ) as sheets_v4.Schema$Spreadsheet;
  const layout = locate(book, []);
  const requests: sheets_v4.Schema$Request[] = [];
  if (layout.start)
    requests.push({
      updateCells: {
        range: {
          sheetId: layout.start.sheetId,
          startRowIndex: HEALTH_LINE_ROW,
          endRowIndex: HEALTH_LINE_ROW + 1,
          startColumnIndex: 0,
          endColumnIndex: 2,
        },
        rows: [{ values: [text(HEALTH_LABEL), text(line)] }],
        fields: 'userEnteredValue',
      },
    });
  const sheet = layout.log;
  if (log && sheet) {
    if (sheet.nextRow >= sheet.rowCount)
      requests.push({ appendDimension: { sheetId: sheet.sheetId, dimension: 'ROWS', length: 100 } });
    for (const [field, key] of Object.entries(LOG_COLUMNS) as [keyof SyncLogEntry, string][]) {
      const column = sheet.columns.get(key);
      const value = log[field];
      if (column === undefined || value === null || value === '') continue;
      requests.push({
        updateCells: {
          start: { sheetId: sheet.sheetId, rowIndex: sheet.nextRow, columnIndex: column },
          rows: [{ values: [text(String(value))] }],
          fields: 'userEnteredValue',
        },
      });
    }
  }
  if (requests.length) s.Sheets.Spreadsheets.batchUpdate({ requests }, spreadsheetId);
}

/**
 * Keeps a run's outcome (failures in a row, reset by a success) and shows it: the Start tab's line, and a
 * Sync Log row the first time a failure reason is seen. A run that could not take the lock changes nothing.
 */
function afterRun(run: ScriptRunResult, startedAt: number, show: boolean): void {
  if (run.status === 'busy' || run.status === 'backoff') return;
  const s = syncServices();
  const doc = s.PropertiesService.getDocumentProperties();
  const before = readHealth(doc);
  const failed = run.status === 'failed' || run.status === 'not-connected';
  const health: HealthState = failed
    ? { ...before, failures: before.failures + 1, lastFailureAt: startedAt }
    : run.status === 'done'
      ? { failures: 0, lastFailureAt: 0, logged: '' }
      : before;
  const interval = readInterval(doc);
  const line = healthLine(run, health, interval, startedAt);
  const key = failed ? reasonKey(run) : '';
  const log: SyncLogEntry | null =
    failed && key !== before.logged
      ? {
          time: run.at,
          direction: '—',
          object: HEALTH_LABEL,
          recordId: '',
          field: '',
          kept: null,
          overwritten: null,
          reason: line,
        }
      : null;
  let wrote = false;
  if (show || log) {
    try {
      writeWorkbook(line, log);
      wrote = true;
    } catch (error) {
      s.console.error(
        `Partnernomics could not show the sync's health on the Start tab: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      );
    }
  }
  // A reason counts as logged only once its row is in the Sync Log: the next failure tries again otherwise.
  recordHealth(doc, { ...health, logged: log && wrote ? key : failed ? before.logged : '' });
}

/**
 * The trigger's handler. After two failures in a row it waits before trying again (the interval times
 * 2^(failures-1), at most 6 hours): a run that starts sooner returns at once and sends no request.
 */
export async function runScheduledSync(): Promise<ScriptRunResult> {
  const s = syncServices();
  const doc = s.PropertiesService.getDocumentProperties();
  const startedAt = Date.now();
  const health = readHealth(doc);
  const interval = readInterval(doc) ?? FALLBACK_MINUTES;
  const resume = health.lastFailureAt + backoffMs(interval, health.failures);
  if (health.failures >= 2 && startedAt < resume) {
    const message = `Skipped: the last ${health.failures} runs failed; automatic sync resumes at ${clock(resume)}.`;
    s.console.log(`Partnernomics sync: ${message}`);
    return {
      at: new Date(startedAt).toISOString(),
      status: 'backoff',
      message,
      rowsChanged: 0,
      fetches: 0,
      replayed: 0,
      summary: null,
    };
  }
  const run = await runOnce();
  afterRun(run, startedAt, true);
  return run;
}

/** Sync now: always runs, whatever the backoff; a success clears the failures (and the Start tab's failure line). */
export async function syncNow(): Promise<ScriptRunResult> {
  const startedAt = Date.now();
  const failing = readHealth(syncServices().PropertiesService.getDocumentProperties()).failures > 0;
  const run = await syncNowOnce();
  afterRun(run, startedAt, failing && run.status === 'done');
  return run;
}
