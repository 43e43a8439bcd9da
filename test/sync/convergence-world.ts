// An installed Notion + Sheets workspace on the stateful fakes for sync property tests: snapshots, restores, and where things are now.
import type { sheets_v4 } from '@googleapis/sheets';
import type { DesiredWorkspace } from '../../src/blueprint/desired.js';
import { Throttle } from '../../src/platform/throttle.js';
import {
  type NotionTable,
  notionTableMaps,
  openSyncedTable,
  readRegistry,
} from '../../src/sync/notion-side.js';
import { ID_COLUMN, type SheetsTableSpec, sheetsTablesOf } from '../../src/sync/sheets-side.js';
import { NotionApi } from '../../src/targets/notion/api.js';
import type { Registry } from '../../src/targets/notion/registry.js';
import { GoogleApi } from '../../src/targets/sheets/google-api.js';
import { METADATA_COLUMN, METADATA_TAB } from '../../src/targets/sheets/requests.js';
import type { FakeGoogle } from '../fakes/google/index.js';
import type { SpreadsheetModel } from '../fakes/google/sheets-state.js';
import type { FakeNotion } from '../fakes/notion/index.js';

/** The synced workspace as a test drives it: both fakes, clients straight to them, each synced table on both sides. */
export interface SyncWorld {
  notion: FakeNotion;
  google: FakeGoogle;
  ws: DesiredWorkspace;
  napi: NotionApi;
  gapi: GoogleApi;
  spreadsheetId: string;
  root: string;
  registry: Registry;
  /** Every synced table of the compiled map, in map order: its workbook spec and its Notion table. */
  tables: { spec: SheetsTableSpec; notion: NotionTable }[];
}

/** Clients pointed straight at the fakes (no proxy), retrying fast; the Google one acts as `user`. */
export async function attachWorld(
  notion: FakeNotion,
  google: FakeGoogle,
  ws: DesiredWorkspace,
  where: { root: string; spreadsheetId: string; user?: string },
): Promise<SyncWorld> {
  const napi = new NotionApi({
    token: notion.token,
    baseUrl: notion.baseUrl,
    throttle: new Throttle(10_000, 10_000),
    policy: { maxRateLimitRetries: 8, maxServerRetries: 4, baseDelayMs: 1 },
    settleMs: 1,
  });
  const tokens = google.issueToken(['drive.file'], where.user ? { user: where.user } : {});
  const gapi = new GoogleApi({
    auth: google.oauthClient({ refreshToken: tokens.refreshToken }),
    rootUrl: google.rootUrl,
  });
  const registry = await readRegistry(napi, where.root, ws.hub.title);
  if (!registry) throw new Error('no install registry under the root');
  const specs = sheetsTablesOf(ws);
  const tables = [];
  for (const map of notionTableMaps(ws)) {
    const spec = specs.find((s) => s.key === map.key);
    if (!spec) throw new Error(`no workbook table for ${map.key}`);
    tables.push({ spec, notion: await openSyncedTable(napi, ws, registry, map.key) });
  }
  return { notion, google, ws, napi, gapi, registry, tables, ...where };
}

/** Both fakes' data, to put back before each case: Notion pages and schemas, the workbook. */
export interface Snapshot {
  pages: FakeNotion['state']['pages'];
  dataSources: FakeNotion['state']['dataSources'];
  book: SpreadsheetModel;
}

export function snapshot(world: SyncWorld): Snapshot {
  const { state } = world.notion;
  return {
    pages: structuredClone(state.pages),
    dataSources: structuredClone(state.dataSources),
    book: structuredClone(world.google.state.spreadsheet(world.spreadsheetId)),
  };
}

/** Puts a snapshot back (copies of it: the snapshot stays reusable); the call logs start empty. */
export function restore(world: SyncWorld, snap: Snapshot): void {
  const { state } = world.notion;
  state.pages.clear();
  for (const [id, page] of structuredClone(snap.pages)) state.pages.set(id, page);
  state.dataSources.clear();
  for (const [id, ds] of structuredClone(snap.dataSources)) state.dataSources.set(id, ds);
  world.google.state.books.set(world.spreadsheetId, structuredClone(snap.book));
  world.notion.clearLog();
  world.google.clearLog();
}

/** A synced tab as the fake holds it now: found by its tags, like the sync (a test oracle independent of it). */
export interface TabNow {
  sheetId: number;
  title: string;
  rowCount: number;
  columnCount: number;
  /** Column key → current 0-based index. */
  columns: Map<string, number>;
  /** Data rows holding anything typed (formula columns ignored): 0-based row, page ID (null when blank). */
  rows: { row: number; pageId: string | null }[];
  /** The first 0-based row after the last one holding anything typed. */
  nextRow: number;
}

const book = (world: SyncWorld) => world.google.state.spreadsheet(world.spreadsheetId);

/** The sheet a tab tag is on, and its columns by their tags. */
export function tagged(
  model: SpreadsheetModel,
  tab: string,
): { sheet: SpreadsheetModel['sheets'][number]; columns: Map<string, number> } {
  const tag = model.developerMetadata.find(
    (m) => m.metadataKey === METADATA_TAB && m.metadataValue === tab && m.location?.sheetId != null,
  );
  const sheet = model.sheets.find((s) => s.properties.sheetId === tag?.location?.sheetId);
  if (!sheet) throw new Error(`no tab tagged ${tab}`);
  const columns = new Map<string, number>();
  for (const m of model.developerMetadata) {
    const range = m.location?.dimensionRange;
    if (m.metadataKey !== METADATA_COLUMN || range?.sheetId !== sheet.properties.sheetId) continue;
    if (!columns.has(m.metadataValue ?? '')) columns.set(m.metadataValue ?? '', range.startIndex ?? 0);
  }
  return { sheet, columns };
}

/** Text of a cell as entered (number, text or checkbox), or null when empty. */
export function entered(cell: { userEnteredValue?: sheets_v4.Schema$ExtendedValue } | undefined) {
  const v = cell?.userEnteredValue;
  if (!v || v.formulaValue) return null;
  return v.stringValue ?? v.numberValue ?? v.boolValue ?? null;
}

export function tabNow(world: SyncWorld, spec: SheetsTableSpec): TabNow {
  const { sheet, columns } = tagged(book(world), spec.tab);
  const inputs = spec.columns.filter((c) => c.kind !== 'formula' && columns.has(c.key));
  const id = columns.get(ID_COLUMN)!;
  const rows: TabNow['rows'] = [];
  let nextRow = spec.headerRows;
  for (let r = spec.headerRows; r < sheet.rows.length; r++) {
    const line = sheet.rows[r];
    const used = inputs.some((c) => {
      const v = entered(line?.[columns.get(c.key)!]);
      return v !== null && v !== '' && v !== false;
    });
    if (!used) continue;
    nextRow = r + 1;
    const pageId = entered(line?.[id]);
    rows.push({ row: r, pageId: pageId === null || pageId === '' ? null : String(pageId) });
  }
  const grid = sheet.properties.gridProperties;
  return {
    sheetId: sheet.properties.sheetId,
    title: sheet.properties.title,
    rowCount: grid.rowCount,
    columnCount: grid.columnCount,
    columns,
    rows,
    nextRow,
  };
}

/** One row of the Sync Log tab, by column key (every value as text). */
export type LogRow = Record<string, string>;

/** Every row of the Sync Log tab, read from the fake (no formulas there). */
export function syncLog(world: SyncWorld): LogRow[] {
  const { sheet, columns } = tagged(book(world), 'sync_log');
  const out: LogRow[] = [];
  for (let r = 1; r < sheet.rows.length; r++) {
    const row: LogRow = {};
    let any = false;
    for (const [key, c] of columns) {
      const v = entered(sheet.rows[r]?.[c]);
      row[key] = v === null ? '' : String(v);
      if (row[key] !== '') any = true;
    }
    if (any) out.push(row);
  }
  return out;
}
