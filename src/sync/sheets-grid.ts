// One tab of a spreadsheets.get answer with grid data: its cells by (row, column) and its column metadata.
import type { sheets_v4 } from '@googleapis/sheets';

type Value = sheets_v4.Schema$ExtendedValue;

export interface Grid {
  sheetId: number;
  title: string;
  rowCount: number;
  columnCount: number;
  /** The tab's own developer metadata (key → value). */
  metadata: Map<string, string>;
  /** Each column's developer metadata (key → value), by 0-based column index. */
  columnMetadata: Map<number, Map<string, string>>;
  /** Rows past the last one the answer holds are empty. */
  rowsRead: number;
  value(row: number, col: number): Value | undefined;
}

/** The grid of one sheet from spreadsheets.get (includeGridData, any number of data blocks). */
export function gridOf(sheet: sheets_v4.Schema$Sheet): Grid {
  const cells = new Map<number, Map<number, Value>>();
  const columnMetadata = new Map<number, Map<string, string>>();
  let rowsRead = 0;
  for (const block of sheet.data ?? []) {
    const r0 = block.startRow ?? 0;
    const c0 = block.startColumn ?? 0;
    (block.rowData ?? []).forEach((row, i) => {
      (row.values ?? []).forEach((cell, j) => {
        if (!cell.effectiveValue) return;
        const line = cells.get(r0 + i) ?? new Map<number, Value>();
        cells.set(r0 + i, line);
        line.set(c0 + j, cell.effectiveValue);
        rowsRead = Math.max(rowsRead, r0 + i + 1);
      });
    });
    (block.columnMetadata ?? []).forEach((column, j) => {
      for (const meta of column.developerMetadata ?? []) {
        if (!meta.metadataKey) continue;
        const found = columnMetadata.get(c0 + j) ?? new Map<string, string>();
        columnMetadata.set(c0 + j, found);
        found.set(meta.metadataKey, meta.metadataValue ?? '');
      }
    });
  }
  const props = sheet.properties ?? {};
  return {
    sheetId: props.sheetId ?? 0,
    title: props.title ?? '',
    rowCount: props.gridProperties?.rowCount ?? 0,
    columnCount: props.gridProperties?.columnCount ?? 0,
    metadata: new Map(
      (sheet.developerMetadata ?? []).map((m) => [m.metadataKey ?? '', m.metadataValue ?? '']),
    ),
    columnMetadata,
    rowsRead,
    value: (row, col) => cells.get(row)?.get(col),
  };
}

/** The columns that carry developer metadata `key`: metadata value → 0-based column index (first one wins). */
export function columnsByMetadata(grid: Grid, key: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [index, meta] of [...grid.columnMetadata].sort((a, b) => a[0] - b[0])) {
    const value = meta.get(key);
    if (value !== undefined && !out.has(value)) out.set(value, index);
  }
  return out;
}
