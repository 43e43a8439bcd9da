// The Sheets side of the sync: one read of every synced table and the sync state, one batchUpdate that writes a run.

export { LOG_COLUMNS, logEntriesOf, type SyncLogEntry } from './sheets-log.js';
export {
  parseSheetsSide,
  READ_BACK_FIELDS,
  READ_FIELDS,
  readSheetsSide,
  type SheetsSideRead,
} from './sheets-read.js';
export { STATE_TITLE } from './sheets-state.js';
export {
  ARCHIVED_COLUMN,
  ID_COLUMN,
  type SheetsTableSpec,
  sheetsTablesOf,
  tableSpecOf,
} from './sheets-tables.js';
export {
  type SheetsWriteOptions,
  type SheetsWritePlan,
  type SheetsWriteResult,
  sheetsWriteRequests,
  writeSheetsSide,
} from './sheets-write.js';
