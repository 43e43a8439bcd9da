// Pure: cell writes collected per sheet, then sent as few updateCells as the changed cells allow (values only, dates formatted).
import type { sheets_v4 } from '@googleapis/sheets';

interface CellWrite {
  data: sheets_v4.Schema$CellData;
  numberFormat?: sheets_v4.Schema$NumberFormat;
}

/** Cells to write, by sheet, row and column (0-based); a later write of the same cell replaces the earlier. */
export class CellWrites {
  private readonly sheets = new Map<number, Map<number, Map<number, CellWrite>>>();

  set(sheetId: number, row: number, col: number, write: CellWrite): void {
    const rows = this.sheets.get(sheetId) ?? new Map<number, Map<number, CellWrite>>();
    this.sheets.set(sheetId, rows);
    const cells = rows.get(row) ?? new Map<number, CellWrite>();
    rows.set(row, cells);
    cells.set(col, write);
  }

  get size(): number {
    let n = 0;
    for (const rows of this.sheets.values()) for (const cells of rows.values()) n += cells.size;
    return n;
  }

  /**
   * updateCells requests: one per run of adjacent columns, runs with the same columns on adjacent rows sent
   * together (appended rows become one request per run). Only `userEnteredValue` is written: formats,
   * validation and notes stay; a date column's number format is set on the cells it writes (repeatCell).
   */
  requests(): sheets_v4.Schema$Request[] {
    const out: sheets_v4.Schema$Request[] = [];
    const formats: sheets_v4.Schema$Request[] = [];
    for (const [sheetId, rows] of this.sheets) {
      type Block = {
        startRow: number;
        endRow: number;
        startCol: number;
        endCol: number;
        rows: CellWrite[][];
      };
      let open: Block[] = [];
      for (const row of [...rows.keys()].sort((a, b) => a - b)) {
        const cells = rows.get(row)!;
        const cols = [...cells.keys()].sort((a, b) => a - b);
        const runs: [number, number][] = [];
        for (const col of cols) {
          const last = runs.at(-1);
          if (last && last[1] === col) last[1] = col + 1;
          else runs.push([col, col + 1]);
        }
        const next: Block[] = [];
        for (const [startCol, endCol] of runs) {
          const line = Array.from({ length: endCol - startCol }, (_, i) => cells.get(startCol + i)!);
          const block = open.find((b) => b.endRow === row && b.startCol === startCol && b.endCol === endCol);
          if (block) {
            block.endRow = row + 1;
            block.rows.push(line);
            next.push(block);
          } else next.push({ startRow: row, endRow: row + 1, startCol, endCol, rows: [line] });
        }
        for (const block of open) if (!next.includes(block)) out.push(...emit(sheetId, block, formats));
        open = next;
      }
      for (const block of open) out.push(...emit(sheetId, block, formats));
    }
    return [...out, ...formats];
  }
}

function emit(
  sheetId: number,
  block: { startRow: number; endRow: number; startCol: number; endCol: number; rows: CellWrite[][] },
  formats: sheets_v4.Schema$Request[],
): sheets_v4.Schema$Request[] {
  const range = {
    sheetId,
    startRowIndex: block.startRow,
    endRowIndex: block.endRow,
    startColumnIndex: block.startCol,
    endColumnIndex: block.endCol,
  };
  for (let c = 0; c < block.endCol - block.startCol; c++) {
    // Each run of rows in this column whose writes carry a number format gets it in one repeatCell.
    let start = -1;
    const flush = (end: number) => {
      if (start < 0) return;
      const numberFormat = block.rows[start]![c]!.numberFormat!;
      formats.push({
        repeatCell: {
          range: {
            sheetId,
            startRowIndex: block.startRow + start,
            endRowIndex: block.startRow + end,
            startColumnIndex: block.startCol + c,
            endColumnIndex: block.startCol + c + 1,
          },
          cell: { userEnteredFormat: { numberFormat } },
          fields: 'userEnteredFormat.numberFormat',
        },
      });
      start = -1;
    };
    block.rows.forEach((line, r) => {
      const format = line[c]!.numberFormat;
      if (format && start >= 0 && block.rows[start]![c]!.numberFormat === format) return;
      flush(r);
      if (format) start = r;
    });
    flush(block.rows.length);
  }
  return [
    {
      updateCells: {
        range,
        rows: block.rows.map((line) => ({ values: line.map((w) => w.data) })),
        fields: 'userEnteredValue',
      },
    },
  ];
}
