// Pure: the sync's own state inside the workbook — a hidden `_pn_sync` tab, one row per table + page (the agreed values as JSON), cursors and the last run.
import type { sheets_v4 } from '@googleapis/sheets';
import { PnError } from '../platform/errors.js';
import type { Grid } from './sheets-grid.js';
import { readCell } from './sheets-values.js';
import type { BaselineRow, RowValues, SyncValue, TableBaseline } from './types.js';

/**
 * Why a tab and not developer metadata: the Sheets reference states no size limit for metadata values (the
 * fake enforces none), while a cell holds up to 50,000 characters and a workbook 10 million cells; a
 * baseline of 10,000 rows (~2-4 MB of JSON) fits in cells, one row per page, rewritten only where it
 * changed. The tab is tagged with DOCUMENT-visible metadata: PROJECT metadata is visible only to the
 * Cloud project that made it, and the bound Apps Script runs in another project than the CLI.
 */
export const STATE_TITLE = '_pn_sync';
export const METADATA_STATE = 'partnernomics.sync';
export const STATE_METADATA_VALUE = 'state';
export const STATE_HEADERS = ['kind', 'table', 'page', 'archived', 'data'] as const;
/** A cell holds at most 50,000 characters (Sheets' documented limit). */
export const MAX_CELL_CHARS = 50_000;

export type StateKind = 'row' | 'cursor' | 'run';

/** One row of the state tab: [kind, table, page, archived, data]. */
export type StateRow = [StateKind, string, string, boolean | null, string];

export const stateKey = (kind: StateKind, table: string, page: string) =>
  `${kind}\u0000${table}\u0000${page}`;

export interface SyncState {
  baseline: Map<string, TableBaseline>;
  /** Each table's cursor, as the Notion side wrote it (opaque text). */
  cursor: Map<string, string>;
  lastRun: { id: string; data: string } | null;
  /** Where each state row is now (0-based), and what it holds, so a write touches only what changed. */
  rows: Map<string, { row: number; cells: StateRow }>;
  /** The first row after the last used one (0-based). */
  nextRow: number;
  /** State rows that could not be read (an edited cell): their page is synced as if new. */
  unreadable: number;
}

export function isStateTab(grid: Grid): boolean {
  return grid.metadata.get(METADATA_STATE) === STATE_METADATA_VALUE;
}

/** Values as stored: keys sorted, so the same values always give the same text (and no rewrite). */
export function valuesText(values: RowValues): string {
  const sorted: RowValues = {};
  for (const key of Object.keys(values).sort()) sorted[key] = values[key] ?? null;
  return JSON.stringify(sorted);
}

function parseValues(text: string): RowValues | null {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
    const out: RowValues = {};
    for (const [key, value] of Object.entries(parsed)) {
      if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) return null;
      out[key] = value as SyncValue;
    }
    return out;
  } catch {
    return null;
  }
}

const text = (v: SyncValue | undefined) => (v === null || v === undefined ? '' : String(v));

/** The state of the last sync, read from the state tab (nothing yet when there is no tab). */
export function readState(grid: Grid | null, tables: readonly string[]): SyncState {
  const state: SyncState = {
    baseline: new Map(tables.map((t) => [t, { rows: {} }])),
    cursor: new Map(),
    lastRun: null,
    rows: new Map(),
    nextRow: 1,
    unreadable: 0,
  };
  if (!grid) return state;
  for (let r = 1; r < grid.rowsRead; r++) {
    const cells = STATE_HEADERS.map((_, c) => readCell(grid.value(r, c), undefined));
    if (cells.every((v) => v === null)) continue;
    state.nextRow = r + 1;
    const [kind, table, page, archived, data] = cells;
    const row: StateRow = [
      text(kind) as StateKind,
      text(table),
      text(page),
      typeof archived === 'boolean' ? archived : null,
      text(data),
    ];
    const key = stateKey(row[0], row[1], row[2]);
    if (state.rows.has(key)) {
      state.unreadable += 1; // a copied row: the first one stands, this one is cleared on the next write
      state.rows.set(`${key}\u0000${r}`, { row: r, cells: row });
      continue;
    }
    state.rows.set(key, { row: r, cells: row });
    if (row[0] === 'row') {
      const values = parseValues(row[4]);
      const baseline = state.baseline.get(row[1]);
      if (!values || !baseline || !row[2]) {
        if (!baseline && values) continue; // a table no longer synced: kept as it is
        state.unreadable += 1;
        continue;
      }
      baseline.rows[row[2]] = { values, archived: row[3] === true };
    } else if (row[0] === 'cursor') state.cursor.set(row[1], row[4]);
    else if (row[0] === 'run') state.lastRun = { id: row[2], data: row[4] };
  }
  return state;
}

/** The state rows a sync leaves: every baseline row, the cursors, and the run. */
export function desiredStateRows(
  baseline: ReadonlyMap<string, TableBaseline>,
  cursor: ReadonlyMap<string, string>,
  run: { id: string; data: string } | null,
): Map<string, StateRow> {
  const out = new Map<string, StateRow>();
  for (const [table, { rows }] of baseline) {
    for (const page of Object.keys(rows).sort()) {
      const row: BaselineRow = rows[page]!;
      const data = valuesText(row.values);
      if (data.length > MAX_CELL_CHARS) {
        throw new PnError(
          'INPUT_INVALID',
          `the synced values of page ${page} (${table}) are longer than a cell holds`,
          {
            hint: 'shorten the longest text of that page in Notion, then sync again',
          },
        );
      }
      out.set(stateKey('row', table, page), ['row', table, page, row.archived, data]);
    }
  }
  for (const [table, value] of cursor)
    out.set(stateKey('cursor', table, ''), ['cursor', table, '', null, value]);
  if (run) out.set(stateKey('run', '', run.id), ['run', '', run.id, null, run.data]);
  return out;
}

function cellOf(value: string | boolean | null): sheets_v4.Schema$CellData {
  if (value === null || value === '') return {};
  return { userEnteredValue: typeof value === 'boolean' ? { boolValue: value } : { stringValue: value } };
}

const rowData = (cells: readonly (string | boolean | null)[]): sheets_v4.Schema$RowData => ({
  values: cells.map(cellOf),
});

const sameRow = (a: StateRow, b: StateRow) => a.every((v, i) => v === b[i]);

/**
 * The requests that bring the state tab from what was read to `desired`: changed rows rewritten where they
 * are, new rows written after the last one, rows no longer wanted cleared (the run row is replaced, never
 * piled up; a copied row is cleared). Writes whole rows at fixed places, so sending them twice leaves the same tab. A workbook without
 * the tab gets it here (hidden, tagged, warning-protected) with every row.
 */
export function stateRequests(
  current: { grid: Grid | null; state: SyncState },
  desired: Map<string, StateRow>,
  newTab: { sheetId: number; title: string },
  /** Tables this sync manages: baseline rows of other tables (no longer in the sync map) are left alone. */
  managed: (table: string) => boolean,
): { requests: sheets_v4.Schema$Request[]; creates: boolean } {
  const { grid, state } = current;
  if (!grid) {
    const rows = [...desired.values()];
    if (rows.length === 0) return { requests: [], creates: false };
    const { sheetId, title } = newTab;
    return {
      creates: true,
      requests: [
        {
          addSheet: {
            properties: {
              sheetId,
              title,
              hidden: true,
              gridProperties: { rowCount: rows.length + 1 + 100, columnCount: STATE_HEADERS.length },
            },
          },
        },
        {
          createDeveloperMetadata: {
            developerMetadata: {
              metadataKey: METADATA_STATE,
              metadataValue: STATE_METADATA_VALUE,
              location: { sheetId },
              visibility: 'DOCUMENT',
            },
          },
        },
        {
          addProtectedRange: {
            protectedRange: {
              range: { sheetId },
              description:
                'Partnernomics sync state: what both sides agreed on at the last sync. Do not edit.',
              warningOnly: true,
            },
          },
        },
        {
          updateCells: {
            start: { sheetId, rowIndex: 0, columnIndex: 0 },
            rows: [rowData(STATE_HEADERS), ...rows.map(rowData)],
            fields: 'userEnteredValue',
          },
        },
      ],
    };
  }
  const requests: sheets_v4.Schema$Request[] = [];
  const write = (row: number, cells: readonly (string | boolean | null)[]) =>
    requests.push({
      updateCells: {
        range: {
          sheetId: grid.sheetId,
          startRowIndex: row,
          endRowIndex: row + 1,
          startColumnIndex: 0,
          endColumnIndex: STATE_HEADERS.length,
        },
        rows: [rowData(cells)],
        fields: 'userEnteredValue',
      },
    });
  const added: StateRow[] = [];
  for (const [key, row] of desired) {
    const found = state.rows.get(key);
    if (!found) added.push(row);
    else if (!sameRow(found.cells, row)) write(found.row, row);
  }
  for (const [key, found] of state.rows) {
    if (desired.has(key) || (found.cells[0] === 'row' && !managed(found.cells[1]))) continue;
    write(found.row, ['', '', '', null, '']);
  }
  if (added.length) {
    const needed = state.nextRow + added.length - grid.rowCount;
    if (needed > 0)
      requests.unshift({
        appendDimension: { sheetId: grid.sheetId, dimension: 'ROWS', length: needed + 100 },
      });
    requests.push({
      updateCells: {
        start: { sheetId: grid.sheetId, rowIndex: state.nextRow, columnIndex: 0 },
        rows: added.map(rowData),
        fields: 'userEnteredValue',
      },
    });
  }
  return { requests, creates: false };
}
