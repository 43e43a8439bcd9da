// The Sheets side's one read: every synced table, the Sync Log's end and the sync state, in one spreadsheets.get.
import type { sheets_v4 } from '@googleapis/sheets';
import type { GoogleApi } from '../targets/sheets/google-api.js';
import { gridOfTable, locate, type SheetsLayout, tableRows } from './sheets-layout.js';
import { readState, type SyncState } from './sheets-state.js';
import type { SheetsTableSpec } from './sheets-tables.js';
import type { SheetRow, TableBaseline } from './types.js';

export interface SheetsSideRead {
  spreadsheetId: string;
  /** Every row of each synced table (by table key), blank rows skipped, with its current row number. */
  tables: Map<string, SheetRow[]>;
  /** What both sides agreed on at the last sync, per table (empty before the first sync). */
  baseline: Map<string, TableBaseline>;
  /** Each table's Notion cursor as the last sync stored it (opaque text; absent before the first sync). */
  cursor: Map<string, string>;
  /** The last run that wrote anything: its ID and summary (JSON text). */
  lastRun: { id: string; data: string } | null;
  /** Where everything is now, for the write that follows. */
  layout: SheetsLayout;
  state: SyncState;
  warnings: string[];
}

/**
 * Everything of a spreadsheet the read needs: tab properties and tags, and every cell's unformatted value
 * with each column's tags. Google ignores includeGridData when a field mask is set; the mask names the grid
 * data itself.
 */
export const READ_FIELDS =
  'sheets(properties(sheetId,title,gridProperties(rowCount,columnCount)),developerMetadata(metadataKey,metadataValue),' +
  'data(startRow,startColumn,rowData(values(effectiveValue)),columnMetadata(developerMetadata(metadataKey,metadataValue))))';

/**
 * The same content as READ_FIELDS, from a spreadsheets.batchUpdate answer (`updatedSpreadsheet`, sent with
 * includeSpreadsheetInResponse): the workbook as it is after the write, without another read. Google
 * ignores responseIncludeGridData when a field mask is set, so this mask names the grid data itself.
 */
export const READ_BACK_FIELDS = `updatedSpreadsheet(${READ_FIELDS})`;

/** Pure: the read, from a spreadsheets.get answer (READ_FIELDS). */
export function parseSheetsSide(
  spreadsheetId: string,
  book: sheets_v4.Schema$Spreadsheet,
  tables: readonly SheetsTableSpec[],
): SheetsSideRead {
  const layout = locate(book, tables);
  const rows = new Map<string, SheetRow[]>();
  for (const table of layout.tables.values())
    rows.set(table.spec.key, tableRows(gridOfTable(book, table), table));
  const state = readState(
    layout.state,
    tables.map((t) => t.key),
  );
  const warnings = [...layout.warnings];
  if (state.unreadable)
    warnings.push(
      `${state.unreadable} row(s) of the hidden sync-state tab could not be read (edited by hand?): those pages sync as if new`,
    );
  return {
    spreadsheetId,
    tables: rows,
    baseline: state.baseline,
    cursor: state.cursor,
    lastRun: state.lastRun,
    layout,
    state,
    warnings,
  };
}

/**
 * Reads all synced tables, the Sync Log's end and the sync state in one call. Tabs and columns are found by
 * their developer metadata, never by title, header text or position, so a renamed tab or header, moved
 * columns, sorted or filtered rows and blank rows in the middle all read the same.
 */
export async function readSheetsSide(
  api: GoogleApi,
  spreadsheetId: string,
  tables: readonly SheetsTableSpec[],
): Promise<SheetsSideRead> {
  const got = await api.call('reading the workbook for sync', true, false, () =>
    api.sheets.spreadsheets.get({ spreadsheetId, includeGridData: true, fields: READ_FIELDS }),
  );
  return parseSheetsSide(spreadsheetId, got.data, tables);
}
