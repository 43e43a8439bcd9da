// The Notion side of the sync engine: open a synced table, read its rows (full or since the cursor), write Sheets-owned values back.
export {
  advance,
  alreadySeen,
  fingerprint,
  fullPassDue,
  minuteOf,
  type NotionCursor,
  queryFrom,
  START_CURSOR,
  unseen,
} from './cursor.js';
export {
  type NotionField,
  type NotionTableMap,
  notionTableMap,
  notionTableMaps,
  notionTableSpec,
} from './notion-map.js';
export { emptyStats, queryAll, type ReadStats, relationPageIds } from './notion-query.js';
export { type NotionRead, type ReadOptions, readNotionRows } from './notion-read.js';
export {
  dataSourceIdOf,
  type NotionColumn,
  type NotionTable,
  openNotionTable,
  openSyncedTable,
  readRegistry,
  readRegistryAtHub,
} from './notion-source.js';
export { PageTitles } from './notion-titles.js';
export { syncValueOf, valueRequest } from './notion-values.js';
export {
  applyNotionUpdates,
  type NotionUpdate,
  rowsAfterWrite,
  type WriteBackResult,
} from './notion-write.js';
