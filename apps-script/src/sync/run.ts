// One sync inside the bound script: the CLI's engine (src/sync/run.ts) over UrlFetchApp and the Sheets service, under a script lock, with a checkpoint.
import type { DesiredWorkspace } from '../../../src/blueprint/desired.js';
import { PnError } from '../../../src/platform/errors.js';
import { type Clock, Throttle } from '../../../src/platform/throttle.js';
import { hash53 } from '../../../src/sync/hash.js';
import { runSync, type SyncRunSummary } from '../../../src/sync/run.js';
import { READ_FIELDS } from '../../../src/sync/sheets-read.js';
import { METADATA_STATE, STATE_METADATA_VALUE } from '../../../src/sync/sheets-state.js';
import { sheetsTablesOf } from '../../../src/sync/sheets-tables.js';
import { NOTION_BURST, NOTION_RATE_PER_SECOND, NotionApi } from '../../../src/targets/notion/api.js';
import type { GoogleApi } from '../../../src/targets/sheets/google-api.js';
import { type Checkpoint, parseCheckpoint, Replay } from './checkpoint.js';
import { clearChunked, loadChunked, MAX_CHECKPOINT_BYTES, saveChunked } from './chunks.js';
import { syncWorkspace } from './config.js';
import { fetchCount, installWebGlobals, setFetchHooks, setPace, utf8Length } from './http.js';
import { syncServices } from './services.js';
import { AdvancedSheetsApi, OutOfTime } from './sheets-api.js';
import { CHECKPOINT_PREFIX, type LastRun, recordLastRun, recordRun, TOKEN_KEY } from './state.js';

/**
 * Apps Script stops an execution at 6 minutes. Until the run writes to the workbook, it sends no Notion request
 * after 4.5 minutes (it checkpoints instead); once it has written, it goes on to 5.5 minutes to finish.
 */
export const DEFAULT_BUDGET_MS = 270_000;
export const HARD_BUDGET_MS = 330_000;
/** A checkpoint older than this is not resumed (the data it read is too old): the run starts over. */
export const CHECKPOINT_MAX_AGE_MS = 3_600_000;

export interface ScriptRunOptions {
  full?: boolean;
  allowMassArchive?: boolean;
  /** Milliseconds from the start after which no new Notion request is sent (default DEFAULT_BUDGET_MS). */
  budgetMs?: number;
  /** The same once the run has written to the workbook (default HARD_BUDGET_MS). */
  hardBudgetMs?: number;
}

export interface ScriptRunResult extends LastRun {
  /** Notion requests sent over the network by this run, and answers replayed from a checkpoint. */
  fetches: number;
  replayed: number;
  summary: SyncRunSummary | null;
  /** A failed run's PnError code (AUTH_FAILED, NOT_SHARED…), when it had one: the workbook's health reads it. */
  code?: string;
}

/** Waits are Utilities.sleep: Apps Script has no timers, and nothing else runs meanwhile. */
function scriptClock(): Clock {
  return {
    now: () => Date.now(),
    sleep: (ms) => {
      if (ms > 0) syncServices().Utilities.sleep(ms);
      return Promise.resolve();
    },
  };
}

/**
 * The Notion client of the CLI (same retry layer: Retry-After, 429/529 and 5xx, idempotent-only retries), its
 * fetch over UrlFetchApp. The CLI's throttle (3 requests a second, a burst of 4) paces the network requests
 * (setPace), so answers replayed from a checkpoint cost no wait.
 */
export function scriptNotionApi(token: string, clock: Clock): NotionApi {
  installWebGlobals();
  setPace(new Throttle(NOTION_RATE_PER_SECOND, NOTION_BURST, clock));
  // A bucket that never runs dry (finite: an infinite rate times no elapsed time is NaN).
  const unpaced = new Throttle(1e9, 1e9, clock);
  return new NotionApi({ token, clock, throttle: unpaced });
}

/** A hash of the sync state tab in a spreadsheet answer (its stored baseline and cursors), or '' without one. */
export function stateHashOf(book: unknown): string {
  const sheets = (
    book as { sheets?: { developerMetadata?: { metadataKey?: string; metadataValue?: string }[] }[] }
  )?.sheets;
  const state = (sheets ?? []).find((s) =>
    (s.developerMetadata ?? []).some(
      (m) => m.metadataKey === METADATA_STATE && m.metadataValue === STATE_METADATA_VALUE,
    ),
  );
  return state ? hash53(JSON.stringify(state)) : '';
}

/** The state a stored checkpoint says it belongs to ('' when unreadable): checked again after the workbook read. */
function stateClaimed(text: string | null): string {
  try {
    const state: unknown = text ? Reflect.get(JSON.parse(text) as object, 'state') : '';
    return typeof state === 'string' ? state : '';
  } catch {
    return '';
  }
}

function outOfTime(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 6; depth++) {
    if (e instanceof OutOfTime) return true;
    e = typeof e === 'object' ? Reflect.get(e, 'cause') : undefined;
  }
  return false;
}

/** The message of a failure as one line (a PnError's message and its fix); never a request or a header. */
export function failureLine(error: unknown): string {
  if (error instanceof PnError) return error.hint ? `${error.message}: ${error.hint}` : error.message;
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

function codeOf(error: unknown): { code?: string } {
  return error instanceof PnError ? { code: error.code } : {};
}

/** A checkpoint cut to the store's size: the first answers are the ones the next run replays first. */
function fitting(checkpoint: Checkpoint): string {
  const answers = [...checkpoint.answers];
  let text = JSON.stringify({ ...checkpoint, answers });
  while (answers.length && utf8Length(text) > MAX_CHECKPOINT_BYTES) {
    answers.splice(Math.floor(answers.length * 0.8));
    text = JSON.stringify({ ...checkpoint, answers });
  }
  return text;
}

/**
 * One sync run, as the trigger, Sync now and the tests start it. Another run holding the script lock: this
 * one writes nothing. Out of time: the Notion answers so far are checkpointed, nothing is written to the
 * workbook, and the next run replays them and finishes the same run (same time, same result). The run's
 * outcome is kept in document properties (never the token).
 */
export async function syncOnce(options: ScriptRunOptions = {}): Promise<ScriptRunResult> {
  const s = syncServices();
  const startedAt = Date.now();
  const result = (
    status: LastRun['status'],
    message: string,
    extra: Partial<ScriptRunResult> = {},
  ): ScriptRunResult => ({
    at: new Date(startedAt).toISOString(),
    status,
    message,
    rowsChanged: 0,
    fetches: 0,
    replayed: 0,
    summary: null,
    ...extra,
  });
  const lock = s.LockService.getScriptLock();
  if (!lock.tryLock(1_000))
    return result('busy', 'Another Partnernomics sync is running; this one did nothing.');
  const doc = s.PropertiesService.getDocumentProperties();
  try {
    const token = s.PropertiesService.getUserProperties().getProperty(TOKEN_KEY);
    if (!token) {
      const out = result(
        'not-connected',
        'Notion is not connected for this user: choose Partnernomics → Sync with Notion → Connect Notion… first.',
      );
      recordLastRun(doc, out);
      return out;
    }
    const ws = syncWorkspace();
    if (!ws) {
      const out = result(
        'failed',
        'This script has no sync settings: run `partnernomics install --target sheets` again, it pushes them with the code.',
      );
      recordLastRun(doc, out);
      return out;
    }
    return await run(ws, token, options, startedAt, result);
  } catch (error) {
    // Anything the run did not turn into a result (a properties quota, a bug): said in one line, like a failure.
    const out = result('failed', failureLine(error), codeOf(error));
    recordLastRun(doc, out);
    return out;
  } finally {
    setFetchHooks(null);
    setPace(null);
    lock.releaseLock();
  }
}

async function run(
  ws: DesiredWorkspace,
  token: string,
  options: ScriptRunOptions,
  startedAt: number,
  result: (status: LastRun['status'], message: string, extra?: Partial<ScriptRunResult>) => ScriptRunResult,
): Promise<ScriptRunResult> {
  const s = syncServices();
  const doc = s.PropertiesService.getDocumentProperties();
  const clock = scriptClock();
  const deadline = startedAt + (options.budgetMs ?? DEFAULT_BUDGET_MS);
  const hardDeadline = Math.max(deadline, startedAt + (options.hardBudgetMs ?? HARD_BUDGET_MS));
  const spreadsheetId = s.SpreadsheetApp.getActiveSpreadsheet().getId();
  const sheets = new AdvancedSheetsApi(spreadsheetId, clock);
  const notion = scriptNotionApi(token, clock);
  const stored = loadChunked(doc, CHECKPOINT_PREFIX);
  const claimed = parseCheckpoint(stored, stateClaimed(stored));
  let fresh = claimed && startedAt - Date.parse(claimed.at) < CHECKPOINT_MAX_AGE_MS ? claimed : null;
  if (fresh) {
    // Only for the same stored state (baseline and cursors): one read of the workbook tells, before the run.
    const got = await sheets.call('reading the sync state', true, false, () =>
      sheets.sheets.spreadsheets.get({ spreadsheetId, includeGridData: true, fields: READ_FIELDS }),
    );
    if (stateHashOf(got.data) !== fresh.state) fresh = null;
  }
  // Resuming finishes the interrupted run: its time, so the log reads as one run.
  const at = fresh ? fresh.at : new Date(startedAt).toISOString();
  const replay = new Replay(fresh);
  const fetchesBefore = fetchCount.value;
  setFetchHooks({
    before(request) {
      const answer = replay.take(request);
      if (answer) return answer;
      // Before the first workbook write, stopping leaves a checkpoint the next run replays (one run, the
      // same result); after it, the run's first batch is stored and it goes on as long as Apps Script allows.
      if (Date.now() >= (sheets.wrote ? hardDeadline : deadline)) {
        sheets.stopped = true;
        throw new OutOfTime();
      }
      return null;
    },
    after(request, answer) {
      replay.keep(request, answer);
    },
  });
  const fetches = () => fetchCount.value - fetchesBefore;
  try {
    const summary = await runSync(notion, sheets as unknown as GoogleApi, ws, {
      now: new Date(at),
      ...(options.full ? { full: true } : {}),
      ...(options.allowMassArchive ? { allowMassArchive: true } : {}),
    });
    clearChunked(doc, CHECKPOINT_PREFIX);
    // A resumed run cost more than this execution: only whole runs measure the budget.
    if (replay.replayed === 0)
      recordRun(doc, {
        full: summary.tables.some((t) => t.full),
        cost: { fetches: fetches(), seconds: Math.round((Date.now() - startedAt) / 100) / 10 },
        rows: summary.tables.reduce((n, t) => n + t.read, 0),
        tables: sheetsTablesOf(ws).length,
      });
    const out = result(
      'done',
      `Synced: ${summary.rowsChanged} row(s) changed, ${summary.conflicts.length} conflict(s) logged.`,
      {
        at,
        rowsChanged: summary.rowsChanged,
        summary,
        fetches: fetches(),
        replayed: replay.replayed,
      },
    );
    recordLastRun(doc, {
      at: out.at,
      status: out.status,
      message: out.message,
      rowsChanged: out.rowsChanged,
    });
    return out;
  } catch (error) {
    if (outOfTime(error)) {
      // A checkpoint belongs to the state the run started from: one that wrote a batch leaves none (the
      // engine plans the rest again from what it stored, as after any interrupted run).
      const saved =
        !sheets.wrote &&
        saveChunked(doc, CHECKPOINT_PREFIX, fitting(replay.checkpoint(at, stateHashOf(sheets.seen[0]))));
      if (!saved) clearChunked(doc, CHECKPOINT_PREFIX);
      const out = result(
        'checkpointed',
        saved
          ? 'Out of time for this run: what it read is saved, and the next run goes on from there.'
          : sheets.wrote
            ? 'Out of time for this run: what it wrote to the workbook is kept, and the next run does the rest.'
            : 'Out of time for this run, with more read than can be saved: the next run starts over.',
        { at, fetches: fetches(), replayed: replay.replayed },
      );
      recordLastRun(doc, { at: out.at, status: out.status, message: out.message, rowsChanged: 0 });
      return out;
    }
    const out = result('failed', failureLine(error), { at, fetches: fetches(), ...codeOf(error) });
    recordLastRun(doc, { at: out.at, status: out.status, message: out.message, rowsChanged: 0 });
    return out;
  }
}
