// Pure: where each synced table, the Sync Log and the sync state are in a read workbook (by developer metadata), and their rows.
import type { sheets_v4 } from '@googleapis/sheets';
import { PnError } from '../platform/errors.js';
import { METADATA_COLUMN, METADATA_TAB } from '../targets/sheets/requests.js';
import { isExampleFlag } from './planner.js';
import { columnsByMetadata, type Grid, gridOf } from './sheets-grid.js';
import { isStateTab } from './sheets-state.js';
import {
  ARCHIVED_COLUMN,
  ID_COLUMN,
  type SheetsTableSpec,
  START_TAB,
  SYNC_LOG_TAB,
} from './sheets-tables.js';
import { readCell } from './sheets-values.js';
import type { SheetRow } from './types.js';

/** A synced table found in the workbook: its sheet, and each column's current 0-based index. */
export interface LocatedTable {
  spec: SheetsTableSpec;
  sheetId: number;
  title: string;
  rowCount: number;
  columns: Map<string, number>;
  /** The first row (0-based) after the last one holding anything a person or the sync typed: appends go here. */
  nextRow: number;
}

/** The Sync Log tab: columns by key, and the first empty row at its end (0-based). */
export interface LocatedLog {
  sheetId: number;
  title: string;
  rowCount: number;
  columns: Map<string, number>;
  nextRow: number;
}

export interface SheetsLayout {
  tables: Map<string, LocatedTable>;
  log: LocatedLog | null;
  /** The hidden sync-state tab, when a sync has written it. */
  state: Grid | null;
  /** The Start tab (found by its tab tag), where the sync shows its health. */
  start: { sheetId: number; title: string } | null;
  /** Every sheet ID and title in use (a new tab takes neither). */
  sheetIds: Set<number>;
  titles: Set<string>;
  /** What a person may want to know: a copied tab, a missing Archived column. */
  warnings: string[];
}

const reinstall = 'run `partnernomics install --target sheets` to restore it, then sync again';

/** The last row holding a value in any column that is not a formula (formula columns fill every data row). */
function nextFreeRow(grid: Grid, columns: number[], firstRow: number): number {
  let next = firstRow;
  for (let r = firstRow; r < grid.rowsRead; r++) {
    if (columns.some((c) => !blank(grid.value(r, c)))) next = r + 1;
  }
  return next;
}

function blank(value: sheets_v4.Schema$ExtendedValue | undefined): boolean {
  const v = readCell(value, undefined);
  return v === null || v === false;
}

/** Finds every synced table, the Sync Log and the sync state in a spreadsheets.get answer (with grid data). */
export function locate(book: sheets_v4.Schema$Spreadsheet, tables: readonly SheetsTableSpec[]): SheetsLayout {
  const grids = (book.sheets ?? []).map(gridOf);
  const warnings: string[] = [];
  const byTab = new Map<string, Grid>();
  for (const grid of grids) {
    const key = grid.metadata.get(METADATA_TAB);
    if (key === undefined) continue;
    if (byTab.has(key)) {
      warnings.push(
        `"${grid.title}" carries the same Partnernomics tag as "${byTab.get(key)!.title}" (a copied tab?): only "${byTab.get(key)!.title}" is synced`,
      );
      continue;
    }
    byTab.set(key, grid);
  }
  const layout: SheetsLayout = {
    tables: new Map(),
    log: null,
    state: grids.find(isStateTab) ?? null,
    start: byTab.has(START_TAB)
      ? { sheetId: byTab.get(START_TAB)!.sheetId, title: byTab.get(START_TAB)!.title }
      : null,
    sheetIds: new Set(grids.map((g) => g.sheetId)),
    titles: new Set(grids.map((g) => g.title)),
    warnings,
  };
  for (const spec of tables) {
    const grid = byTab.get(spec.tab);
    if (!grid) {
      throw new PnError(
        'API_ERROR',
        `the workbook has no "${spec.name}" tab (no tab carries its Partnernomics tag)`,
        {
          hint: reinstall,
        },
      );
    }
    const columns = columnsByMetadata(grid, METADATA_COLUMN);
    const needed = [ID_COLUMN, ...spec.fields.map((f) => f.column)];
    const missing = needed.filter((key) => !columns.has(key));
    if (missing.length) {
      const keys = missing.map((key) => `"${key}"`).join(', ');
      throw new PnError(
        'API_ERROR',
        `the "${grid.title}" tab lacks the synced column(s) ${keys}: no column carries their Partnernomics tag (added by a newer blueprint, or deleted or pasted over by hand)`,
        {
          hint: 'run `partnernomics install --target sheets`: it inserts each missing column where the blueprint puts it, without touching other cells, and names any it could not add and why; then sync again',
        },
      );
    }
    if (!columns.has(ARCHIVED_COLUMN) && spec.columns.some((c) => c.kind === 'archived'))
      warnings.push(
        `"${grid.title}" has no Archived column (installed before it existed): rows of trashed pages cannot be marked archived`,
      );
    const inputColumns = spec.columns.filter((c) => c.kind !== 'formula' && columns.has(c.key));
    layout.tables.set(spec.key, {
      spec,
      sheetId: grid.sheetId,
      title: grid.title,
      rowCount: grid.rowCount,
      columns,
      nextRow: nextFreeRow(
        grid,
        inputColumns.map((c) => columns.get(c.key)!),
        spec.headerRows,
      ),
    });
  }
  const logGrid = byTab.get(SYNC_LOG_TAB);
  if (logGrid) {
    const columns = columnsByMetadata(logGrid, METADATA_COLUMN);
    layout.log = {
      sheetId: logGrid.sheetId,
      title: logGrid.title,
      rowCount: logGrid.rowCount,
      columns,
      nextRow: nextFreeRow(logGrid, [...columns.values()], 1),
    };
  }
  return layout;
}

/**
 * The rows of a located table, in sheet order: wholly blank rows skipped (formula columns do not count),
 * each with its current 1-based row number and the page ID of its Notion ID column (null when blank).
 */
export function tableRows(grid: Grid, table: LocatedTable): SheetRow[] {
  const { spec, columns } = table;
  const id = columns.get(ID_COLUMN)!;
  const archived = columns.get(ARCHIVED_COLUMN);
  const example = columns.get('example');
  const formatOf = new Map(spec.columns.map((c) => [c.key, c.format]));
  const inputs = spec.columns
    .filter((c) => c.kind !== 'formula' && columns.has(c.key))
    .map((c) => columns.get(c.key)!);
  const rows: SheetRow[] = [];
  for (let r = spec.headerRows; r < grid.rowsRead; r++) {
    if (inputs.every((c) => blank(grid.value(r, c)))) continue;
    const rawId = readCell(grid.value(r, id), undefined);
    const pageId = rawId === null || rawId === false ? '' : String(rawId).trim();
    const values: SheetRow['values'] = {};
    for (const field of spec.fields)
      values[field.key] = readCell(grid.value(r, columns.get(field.column)!), formatOf.get(field.column));
    rows.push({
      pageId: pageId === '' ? null : pageId,
      row: r + 1,
      values,
      archived: archived !== undefined && readCell(grid.value(r, archived), undefined) === true,
      ...(example !== undefined && isExampleFlag(readCell(grid.value(r, example), undefined))
        ? { example: true }
        : {}),
    });
  }
  return rows;
}

/** The grid of a located table's sheet. */
export function gridOfTable(book: sheets_v4.Schema$Spreadsheet, table: LocatedTable): Grid {
  const sheet = (book.sheets ?? []).find((s) => (s.properties?.sheetId ?? 0) === table.sheetId);
  if (!sheet) throw new Error(`sheet ${table.sheetId} vanished from the answer`);
  return gridOf(sheet);
}
