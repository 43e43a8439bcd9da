// The Sheets side's one write: every table's changes, the Sync Log rows and the sync state, in one spreadsheets.batchUpdate.
import type { sheets_v4 } from '@googleapis/sheets';
import type { GoogleApi } from '../targets/sheets/google-api.js';
import { isPayloadTooLarge } from '../targets/sheets/google-errors.js';
import { batches, MAX_BATCH_BYTES, NUMBER_FORMATS } from '../targets/sheets/requests.js';
import { CellWrites } from './sheets-cells.js';
import type { LocatedTable } from './sheets-layout.js';
import { LOG_COLUMNS, type SyncLogEntry } from './sheets-log.js';
import { parseSheetsSide, READ_BACK_FIELDS, type SheetsSideRead } from './sheets-read.js';
import {
  desiredStateRows,
  METADATA_STATE,
  STATE_METADATA_VALUE,
  STATE_TITLE,
  stateRequests,
} from './sheets-state.js';
import { ARCHIVED_COLUMN, ID_COLUMN, type SheetsTableSpec } from './sheets-tables.js';
import { extendedValue, needsDateFormat } from './sheets-values.js';
import type { RowValues, SyncValue, TableBaseline, TablePlan } from './types.js';

export interface SheetsWriteOptions {
  /** The baseline to store per table (default: each written plan's `baseline`); blocked tables keep theirs. */
  baseline?: ReadonlyMap<string, TableBaseline>;
  /** Cursors to store (opaque text per table); tables not named keep their stored cursor. */
  cursor?: ReadonlyMap<string, string>;
  /**
   * This run's ID and time, recorded in the state tab (the ID also tells whether an unconfirmed write landed);
   * `data` is kept with the counts in the run's record (the CLI's summary, what `status` prints).
   */
  run?: { id: string; at: string; data?: Record<string, unknown> };
  /** Label/value lines shown on the Start tab (sync health), written in the same batch as the run. */
  health?: readonly { label: string; value: string }[];
  /**
   * Have the (last) batch answer with the workbook as it is after the write, read like `readSheetsSide`
   * reads these tables: what the workbook's formulas made of the rows just written, without another read.
   */
  readBack?: readonly SheetsTableSpec[];
}

/**
 * Bytes of JSON per sync batch. The Sheets reference sets no hard limit on a request and recommends at most
 * 2 MB to speed requests up (developers.google.com/workspace/sheets/api/limits); Google's front end refuses
 * bodies over 10,485,760 bytes ("Request payload size exceeds the limit: 10485760 bytes", quoted in public
 * issue threads; not documented, "subject to change"). A run stays one batch up to 10 MB, so its tables,
 * log and baseline land together and a 10,000-row first sync (about 9 MB) is one write; past that it is
 * split (the state last). The installer keeps to the 2 MB advice (MAX_BATCH_BYTES).
 */
export const SYNC_MAX_BATCH_BYTES = 10_000_000;

/** Rows per updateCells at most: a batch can only be cut between requests, never inside one. */
export const MAX_ROWS_PER_REQUEST = 1000;

/** Where the Start tab shows the sync's health: its first line (0-based row), labels in A, values in B. */
export const HEALTH_ROW = 17;

export interface SheetsWritePlan {
  requests: sheets_v4.Schema$Request[];
  /** The batch adds the sync-state tab (the first sync of a workbook). */
  createsState: { sheetId: number } | null;
  counts: { updated: number; appended: number; archived: number; logged: number };
  /** Tables whose new rows went below the rows the blueprint's totals cover. */
  overflow: string[];
  warnings: string[];
}

/** A write into a blueprint formula column is a bug upstream: the planner never sends Sheets-owned fields. */
function columnFor(
  table: LocatedTable,
  field: string,
): { index: number; format: LocatedTable['spec']['columns'][number]['format'] } {
  const spec = table.spec.fields.find((f) => f.key === field);
  if (!spec) throw new Error(`sync: ${table.spec.key} has no field "${field}"`);
  const column = table.spec.columns.find((c) => c.key === spec.column);
  if (column?.kind === 'formula')
    throw new Error(
      `sync: refusing to write "${field}" into ${table.title}'s formula column "${spec.column}"`,
    );
  if (spec.owner !== 'notion')
    throw new Error(`sync: refusing to write the workbook-owned field "${field}" into ${table.title}`);
  return { index: table.columns.get(spec.column)!, format: column?.format };
}

function putValues(cells: CellWrites, table: LocatedTable, row: number, values: RowValues): void {
  for (const [field, value] of Object.entries(values)) {
    const { index, format } = columnFor(table, field);
    const data: sheets_v4.Schema$CellData = {};
    const entered = extendedValue(value, format);
    if (entered) data.userEnteredValue = entered;
    cells.set(table.sheetId, row, index, {
      data,
      ...(needsDateFormat(value, format) && format ? { numberFormat: NUMBER_FORMATS[format] } : {}),
    });
  }
}

const logText = (value: SyncValue): sheets_v4.Schema$CellData =>
  value === null || value === '' ? {} : { userEnteredValue: { stringValue: String(value) } };

/**
 * Pure: every request of a sync's write. Each table's updates, appends (into the first empty rows at the
 * table's end) and Archived flags; the Sync Log rows after its last row; the state rows that changed. Every
 * write goes to a fixed place (cells, never appendCells), so the batch is safe to send again. A plan the
 * mass-archive guard blocked writes nothing, and its table keeps its baseline. No change at all: no request.
 */
export function sheetsWriteRequests(
  read: SheetsSideRead,
  plans: readonly TablePlan[],
  log: readonly SyncLogEntry[],
  options: SheetsWriteOptions = {},
): SheetsWritePlan {
  const cells = new CellWrites();
  const grow = new Map<number, number>();
  const need = (sheetId: number, rowCount: number, rows: number) => {
    if (rows > rowCount) grow.set(sheetId, Math.max(grow.get(sheetId) ?? 0, rows - rowCount));
  };
  const plan: SheetsWritePlan = {
    requests: [],
    createsState: null,
    counts: { updated: 0, appended: 0, archived: 0, logged: 0 },
    overflow: [],
    warnings: [],
  };
  const baseline = new Map(read.baseline);

  for (const p of plans) {
    const table = read.layout.tables.get(p.table);
    if (!table) throw new Error(`sync: table "${p.table}" was not read`);
    if (p.blocked) continue;
    for (const u of p.sheetUpdates) {
      putValues(cells, table, u.row - 1, u.values);
      plan.counts.updated += 1;
    }
    const id = table.columns.get(ID_COLUMN)!;
    p.sheetAppends.forEach((a, i) => {
      const row = table.nextRow + i;
      cells.set(table.sheetId, row, id, { data: { userEnteredValue: { stringValue: a.pageId } } });
      putValues(cells, table, row, a.values);
    });
    if (p.sheetAppends.length) {
      const end = table.nextRow + p.sheetAppends.length;
      need(table.sheetId, table.rowCount, end);
      if (end > table.spec.lastDataRow)
        plan.overflow.push(
          `${table.title}: rows ${Math.max(table.nextRow, table.spec.lastDataRow) + 1}-${end} are below the ${table.spec.lastDataRow} rows the workbook's totals cover`,
        );
      plan.counts.appended += p.sheetAppends.length;
    }
    const archived = table.columns.get(ARCHIVED_COLUMN);
    if (archived === undefined && p.sheetArchive.length)
      plan.warnings.push(`${table.title}: ${p.sheetArchive.length} row(s) not marked (no Archived column)`);
    if (archived !== undefined)
      for (const a of p.sheetArchive) {
        cells.set(table.sheetId, a.row - 1, archived, {
          data: { userEnteredValue: { boolValue: a.archived } },
        });
        plan.counts.archived += 1;
      }
    baseline.set(p.table, options.baseline?.get(p.table) ?? p.baseline);
  }

  const logSheet = read.layout.log;
  if (log.length && !logSheet)
    plan.warnings.push('the workbook has no Sync Log tab: the log is in the output only');
  if (log.length && logSheet) {
    log.forEach((entry, i) => {
      for (const [field, key] of Object.entries(LOG_COLUMNS) as [keyof SyncLogEntry, string][]) {
        const col = logSheet.columns.get(key);
        if (col !== undefined)
          cells.set(logSheet.sheetId, logSheet.nextRow + i, col, { data: logText(entry[field]) });
      }
    });
    need(logSheet.sheetId, logSheet.rowCount, logSheet.nextRow + log.length);
    plan.counts.logged = log.length;
  }

  const cursor = new Map([...read.cursor, ...(options.cursor ?? [])]);
  const ids = [...read.layout.sheetIds];
  const newTab = {
    sheetId: Math.max(0, ...ids) + 1,
    title: uniqueTitle(read.layout.titles),
  };
  const managed = (table: string) => read.baseline.has(table);
  const state = (run: { id: string; data: string } | null) =>
    stateRequests(
      { grid: read.layout.state, state: read.state },
      desiredStateRows(baseline, cursor, run),
      newTab,
      managed,
    );
  const withoutRun = state(read.lastRun);
  const changed = cells.size > 0 || withoutRun.requests.length > 0;
  if (!changed) return plan;
  const run = options.run
    ? {
        id: options.run.id,
        data: JSON.stringify({ at: options.run.at, ...plan.counts, ...(options.run.data ?? {}) }),
      }
    : read.lastRun;
  const stateWrites = state(run);
  const start = read.layout.start;
  const health: sheets_v4.Schema$Request[] =
    options.run && start && options.health?.length
      ? [
          {
            updateCells: {
              range: {
                sheetId: start.sheetId,
                startRowIndex: HEALTH_ROW,
                endRowIndex: HEALTH_ROW + options.health.length,
                startColumnIndex: 0,
                endColumnIndex: 2,
              },
              rows: options.health.map((h) => ({
                values: [
                  { userEnteredValue: { stringValue: h.label } },
                  { userEnteredValue: { stringValue: h.value } },
                ],
              })),
              fields: 'userEnteredValue',
            },
          },
        ]
      : [];
  const growth: sheets_v4.Schema$Request[] = [...grow].map(([sheetId, length]) => ({
    appendDimension: { sheetId, dimension: 'ROWS', length: length + 100 },
  }));
  // Grids grow first (appendDimension adds rows: sent twice, it only leaves more blank rows at the end).
  plan.requests = [...growth, ...cells.requests(), ...health, ...stateWrites.requests];
  if (stateWrites.creates) plan.createsState = { sheetId: newTab.sheetId };
  return plan;
}

function uniqueTitle(titles: ReadonlySet<string>): string {
  const taken = new Set([...titles].map((t) => t.toLowerCase()));
  let title = STATE_TITLE;
  for (let n = 2; taken.has(title.toLowerCase()); n++) title = `${STATE_TITLE} ${n}`;
  return title;
}

export interface SheetsWriteResult extends Omit<SheetsWritePlan, 'requests'> {
  /** batchUpdate calls made: 0 when nothing changed, 1 unless the payload passed SYNC_MAX_BATCH_BYTES. */
  calls: number;
  requests: number;
  /**
   * With `readBack`: the workbook as the last batch's answer shows it; null when nothing was written or the
   * answer could not be used (a lost answer whose batch was found landed): read it again then.
   */
  after: SheetsSideRead | null;
}

/** Splits updateCells requests of more than MAX_ROWS_PER_REQUEST rows into requests of consecutive rows. */
export function splitLargeRequests(
  requests: readonly sheets_v4.Schema$Request[],
): sheets_v4.Schema$Request[] {
  return requests.flatMap((request): sheets_v4.Schema$Request[] => {
    const u = request.updateCells;
    const rows = u?.rows;
    if (!u || !rows || rows.length <= MAX_ROWS_PER_REQUEST) return [request];
    const { range, start } = u;
    const exact = range && (range.endRowIndex ?? 0) - (range.startRowIndex ?? 0) === rows.length;
    if (!start && !exact) return [request];
    const out: sheets_v4.Schema$Request[] = [];
    for (let i = 0; i < rows.length; i += MAX_ROWS_PER_REQUEST) {
      const part = rows.slice(i, i + MAX_ROWS_PER_REQUEST);
      const where = start
        ? { start: { ...start, rowIndex: (start.rowIndex ?? 0) + i } }
        : {
            range: {
              ...range,
              startRowIndex: (range?.startRowIndex ?? 0) + i,
              endRowIndex: (range?.startRowIndex ?? 0) + i + part.length,
            },
          };
      out.push({ updateCells: { ...u, ...where, rows: part } });
    }
    return out;
  });
}

/**
 * Writes a sync's Sheets side in one spreadsheets.batchUpdate (more only past SYNC_MAX_BATCH_BYTES; in
 * order, the state last, so the baseline and cursor never run ahead of the rows). Call it after the Notion
 * writes: a batch is all or nothing, so the tables, the log and the new baseline land together or not at all.
 * Every write is at a fixed place, so a batch whose answer was lost is sent again; only the batch that adds
 * the state tab is not (a second addSheet would fail): it is looked up by the tab it adds instead.
 *
 * With `readBack`, the last batch asks for the spreadsheet in its answer (includeSpreadsheetInResponse,
 * with the grid data named by the field mask), parsed into `after`. The reference does not say whether
 * formulas are recomputed before Google answers: if they were not, `after` shows the old Score/Rank, the
 * pass that writes them back to Notion writes nothing new (or stale values), and its baseline records
 * what was written; the next run reads the recomputed cells, finds them unlike that baseline, and writes
 * them back then. Nothing is lost, only delayed by one run.
 */
export async function writeSheetsSide(
  api: GoogleApi,
  read: SheetsSideRead,
  plans: readonly TablePlan[],
  log: readonly SyncLogEntry[],
  options: SheetsWriteOptions = {},
): Promise<SheetsWriteResult> {
  const plan = sheetsWriteRequests(read, plans, log, options);
  const { requests, ...rest } = plan;
  const queue = requests.length ? batches(splitLargeRequests(requests), SYNC_MAX_BATCH_BYTES) : [];
  let after: SheetsSideRead | null = null;
  let calls = 0;
  while (queue.length) {
    const batch = queue.shift()!;
    const readBack = queue.length === 0 ? options.readBack : undefined;
    const requestBody: sheets_v4.Schema$BatchUpdateSpreadsheetRequest = {
      requests: batch,
      ...(readBack ? { includeSpreadsheetInResponse: true, responseIncludeGridData: true } : {}),
    };
    const creates =
      plan.createsState !== null &&
      batch.some((r) => r.addSheet?.properties?.sheetId === plan.createsState?.sheetId);
    // Found landed after a lost answer: there is no answer to read the workbook from.
    const lookup = creates
      ? {
          lookup: async (): Promise<sheets_v4.Schema$BatchUpdateSpreadsheetResponse | undefined> =>
            (await stateTabExists(api, read.spreadsheetId, plan.createsState!.sheetId)) ? {} : undefined,
        }
      : {};
    calls += 1;
    const answer = await api
      .call(
        'writing the sync to the workbook',
        !creates,
        true,
        async () => {
          const res = await api.sheets.spreadsheets.batchUpdate({
            spreadsheetId: read.spreadsheetId,
            requestBody,
            ...(readBack ? { fields: READ_BACK_FIELDS } : {}),
          });
          return res.data;
        },
        { body: 'any', ...lookup },
      )
      .catch((error: unknown) => {
        // Google's size limit is undocumented and may be lower than ours: nothing was applied, so the same
        // requests go again, in order, in batches under the 2 MB the reference recommends.
        if (!isPayloadTooLarge(error) || batch.length < 2) throw error;
        return null;
      });
    if (answer === null) {
      queue.unshift(
        ...batches(batch, Math.min(MAX_BATCH_BYTES, Buffer.byteLength(JSON.stringify(batch)) / 2)),
      );
      continue;
    }
    const book = answer && typeof answer === 'object' ? answer.updatedSpreadsheet : undefined;
    if (readBack && book) after = parseSheetsSide(read.spreadsheetId, book, readBack);
  }
  return { ...rest, calls, requests: requests.length, after };
}

/** Whether the batch that adds the state tab landed after all (a batch is atomic: the tab means all of it). */
async function stateTabExists(
  api: GoogleApi,
  spreadsheetId: string,
  sheetId: number,
): Promise<true | undefined> {
  const got = await api.call('checking whether the sync was written', true, false, () =>
    api.sheets.spreadsheets.get({
      spreadsheetId,
      fields: 'sheets(properties(sheetId),developerMetadata(metadataKey,metadataValue))',
    }),
  );
  const found = (got.data.sheets ?? []).some(
    (s) =>
      s.properties?.sheetId === sheetId &&
      (s.developerMetadata ?? []).some(
        (m) => m.metadataKey === METADATA_STATE && m.metadataValue === STATE_METADATA_VALUE,
      ),
  );
  return found ? true : undefined;
}
