// The synced tabs as the Sheets side needs them: column kinds and formats from the compiled blueprint, fields from the sync map.
import type { CellFormat, DesiredTableColumn, DesiredWorkspace } from '../blueprint/desired.js';
import type { Side, TableSpec } from './types.js';

/** The column that holds each row's Notion page ID, and the one the sync ticks for a trashed page. */
export const ID_COLUMN = 'id';
export const ARCHIVED_COLUMN = 'archived';
/** The workbook tab the sync appends its log rows to. */
export const SYNC_LOG_TAB = 'sync_log';
/** The workbook's Start tab: the sync's health (last run, rows changed, open conflicts) is shown there. */
export const START_TAB = 'start';

export interface SheetsColumnSpec {
  /** The column's developer-metadata key (its blueprint key). */
  key: string;
  kind: DesiredTableColumn['kind'];
  format?: CellFormat;
}

export interface SheetsFieldSpec {
  /** The field's key in RowValues (the planner's key). */
  key: string;
  /** The column that holds it (its blueprint key). */
  column: string;
  owner: Side;
}

/** One synced table on the workbook side. */
export interface SheetsTableSpec {
  /** The planner's table key (TableSpec.key). */
  key: string;
  /** The workbook tab's key: its tab developer metadata. */
  tab: string;
  /** The tab's name as installed (for messages only: tabs are found by metadata). */
  name: string;
  headerRows: number;
  /** The compiled data rows (1-based): aggregate formulas cover these, rows below them are not counted. */
  firstDataRow: number;
  lastDataRow: number;
  columns: SheetsColumnSpec[];
  fields: SheetsFieldSpec[];
}

/**
 * The synced tables of a compiled workspace, one per sync-map mapping: the table key is the workbook tab's
 * key, each field's key its column's key (sync.yaml pairs a Notion property with a column of the same key).
 */
export function sheetsTablesOf(ws: DesiredWorkspace): SheetsTableSpec[] {
  return ws.sync.map((mapping) => {
    const tab = ws.workbook.tabs.find((t) => t.key === mapping.sheet);
    if (!tab?.table) throw new Error(`sync map: no table tab "${mapping.sheet}" in the workbook`);
    const table = tab.table;
    return {
      key: mapping.sheet,
      tab: tab.key,
      name: tab.name,
      headerRows: table.headerRows,
      firstDataRow: table.firstDataRow,
      lastDataRow: table.lastDataRow,
      columns: table.columns.map((c) => ({
        key: c.key,
        kind: c.kind,
        ...(c.format ? { format: c.format } : {}),
      })),
      fields: mapping.fields.map((f) => ({ key: f.sheet, column: f.sheet, owner: f.owner })),
    };
  });
}

/** The planner's view of a table: its key and each field's owner. */
export function tableSpecOf(table: SheetsTableSpec): TableSpec {
  return { key: table.key, fields: table.fields.map((f) => ({ key: f.key, owner: f.owner })) };
}
