// Pure: the requests that insert the columns a newer blueprint added to table tabs the workbook already has.
import type { sheets_v4 } from '@googleapis/sheets';
import { columnLetter } from '../../blueprint/compile-workbook.js';
import type {
  DesiredCell,
  DesiredTab,
  DesiredTableColumn,
  DesiredWorkbook,
} from '../../blueprint/desired.js';
import {
  cellData,
  conditionalRule,
  gridRange,
  type LiveSheet,
  METADATA_COLUMN,
  validationRule,
} from './requests.js';

export interface ColumnUpgrade {
  requests: sheets_v4.Schema$Request[];
  /** "Tab: Header" of each column inserted. */
  added: string[];
  /** "Tab: Header (why)" of each new column that could not be inserted. */
  skipped: string[];
}

interface Insert {
  tab: DesiredTab;
  sheet: LiveSheet;
  col: DesiredTableColumn;
  /** The column's 0-based index in the blueprint table. */
  blueprintIndex: number;
  /** The live 0-based index it is inserted at, after the inserts planned before it. */
  at: number;
}

interface Simulation {
  inserts: Insert[];
  skipped: string[];
  /** Each table tab's column positions once the inserts are applied (key → 0-based index). */
  after: Map<string, Map<string, number>>;
}

/**
 * Where each missing column goes: right after its nearest blueprint neighbour on the left that the tab
 * holds (found by column metadata), else right before its nearest neighbour on the right. Inserts are
 * planned left to right, each shifting the positions of the columns at or after it.
 */
function simulate(
  workbook: DesiredWorkbook,
  sheetOfTab: ReadonlyMap<string, LiveSheet>,
  columnKeys: ReadonlyMap<string, ReadonlyMap<string, number>>,
  include: (col: DesiredTableColumn) => boolean,
): Simulation {
  const inserts: Insert[] = [];
  const skipped: string[] = [];
  const after = new Map<string, Map<string, number>>();
  for (const tab of workbook.tabs) {
    const sheet = sheetOfTab.get(tab.key);
    const columns = tab.table?.columns;
    if (!sheet || !columns) continue;
    const pos = new Map(columnKeys.get(tab.key) ?? []);
    after.set(tab.key, pos);
    columns.forEach((col, blueprintIndex) => {
      if (pos.has(col.key) || !include(col)) return;
      const left = columns
        .slice(0, blueprintIndex)
        .reverse()
        .find((c) => pos.has(c.key));
      const right = columns.slice(blueprintIndex + 1).find((c) => pos.has(c.key));
      const at = left ? pos.get(left.key)! + 1 : right ? pos.get(right.key)! : undefined;
      if (at === undefined) {
        skipped.push(`${tab.name}: ${col.header} (no column of the tab carries its Partnernomics tag)`);
        return;
      }
      for (const [key, index] of pos) if (index >= at) pos.set(key, index + 1);
      pos.set(col.key, at);
      inserts.push({ tab, sheet, col, blueprintIndex, at });
    });
  }
  return { inserts, skipped, after };
}

/** Whether every column of every table tab the workbook holds sits where the blueprint puts it. */
function aligned(workbook: DesiredWorkbook, after: Map<string, Map<string, number>>): boolean {
  return workbook.tabs.every((tab) => {
    const pos = after.get(tab.key);
    return !pos || (tab.table?.columns ?? []).every((c, i) => pos.get(c.key) === i);
  });
}

/**
 * The requests that insert every column the blueprint has and a table tab of the workbook lacks (by its
 * column metadata), at its blueprint place relative to its tagged neighbours. Each insert is an
 * insertDimension (Sheets moves every reference, named range, rule and tag at or right of it), then the
 * new column alone is written whole: width, header, formulas, formats, validation, its own fills and
 * protection, and its tag. No other cell is written. A formula column is written only when every table of
 * the workbook then sits where the blueprint puts it (its compiled formula names columns by letter);
 * otherwise it is reported with the reason, as is a column with no tagged neighbour.
 */
export function columnUpgradeRequests(
  workbook: DesiredWorkbook,
  sheetOfTab: ReadonlyMap<string, LiveSheet>,
  columnKeys: ReadonlyMap<string, ReadonlyMap<string, number>>,
): ColumnUpgrade {
  let plan = simulate(workbook, sheetOfTab, columnKeys, () => true);
  const formulaSkipped: string[] = [];
  if (!aligned(workbook, plan.after) && plan.inserts.some((i) => i.col.kind === 'formula')) {
    for (const { tab, col } of plan.inserts.filter((i) => i.col.kind === 'formula'))
      formulaSkipped.push(
        `${tab.name}: ${col.header} (a formula column, and columns of the workbook's tables were moved or added by hand, so its formula would point at the wrong cells: add it by hand)`,
      );
    plan = simulate(workbook, sheetOfTab, columnKeys, (c) => c.kind !== 'formula');
  }
  const requests = plan.inserts.flatMap(insertRequests);
  return {
    requests,
    added: plan.inserts.map((i) => `${i.tab.name}: ${i.col.header}`),
    skipped: [...plan.skipped, ...formulaSkipped],
  };
}

function insertRequests(insert: Insert): sheets_v4.Schema$Request[] {
  const { tab, sheet, col, blueprintIndex, at } = insert;
  const table = tab.table!;
  const sheetId = sheet.sheetId;
  const compiledCol = blueprintIndex + 1;
  const letter = col.letter;
  const dataRange = `${letter}${table.firstDataRow}:${letter}${Math.max(table.lastDataRow, table.firstDataRow)}`;
  const onColumn = (a1: string) => {
    const g = gridRange(sheetId, a1);
    return g.startColumnIndex === blueprintIndex && g.endColumnIndex === compiledCol ? g : undefined;
  };
  const live = (g: sheets_v4.Schema$GridRange): sheets_v4.Schema$GridRange => ({
    ...g,
    startColumnIndex: at,
    endColumnIndex: at + 1,
  });

  // The whole new column, every row of the sheet: what an insert inherits from a neighbour is replaced.
  const cells = new Map<number, DesiredCell>();
  for (const cell of tab.cells) {
    if (cell.col !== compiledCol) continue;
    // Header rows as compiled; data rows only their formulas (example values would land beside user rows).
    if (cell.row <= table.headerRows || cell.formula !== undefined) cells.set(cell.row, cell);
  }
  const validations = tab.validations.filter((v) => onColumn(v.range));
  const rows: sheets_v4.Schema$RowData[] = [];
  for (let r = 1; r <= sheet.rowCount; r++) {
    const data = cellData(cells.get(r));
    const rule = validations.find((v) => {
      const g = gridRange(sheetId, v.range);
      return r - 1 >= (g.startRowIndex ?? 0) && r - 1 < (g.endRowIndex ?? 0);
    });
    if (rule) data.dataValidation = validationRule(rule);
    rows.push({ values: [data] });
  }
  const requests: sheets_v4.Schema$Request[] = [
    {
      insertDimension: {
        range: { sheetId, dimension: 'COLUMNS', startIndex: at, endIndex: at + 1 },
        inheritFromBefore: at > 0,
      },
    },
    {
      updateDimensionProperties: {
        range: { sheetId, dimension: 'COLUMNS', startIndex: at, endIndex: at + 1 },
        properties: { pixelSize: Math.round((tab.columnWidths[blueprintIndex] ?? 14) * 7) },
        fields: 'pixelSize',
      },
    },
    {
      updateCells: {
        range: {
          sheetId,
          startRowIndex: 0,
          endRowIndex: sheet.rowCount,
          startColumnIndex: at,
          endColumnIndex: at + 1,
        },
        rows,
        fields: 'userEnteredValue,userEnteredFormat,dataValidation',
      },
    },
  ];
  for (const cf of tab.conditionalFormats) {
    const g = onColumn(cf.range);
    if (g) requests.push({ addConditionalFormatRule: { index: 0, rule: conditionalRule(cf, live(g)) } });
  }
  if (col.kind === 'archived') {
    // The row greying keyed on this column, over the row up to it (the blueprint puts Archived last).
    const greying = tab.conditionalFormats.find(
      (cf) => cf.formula === `=$${letter}${table.firstDataRow}=TRUE`,
    );
    if (greying) {
      const range = { ...gridRange(sheetId, dataRange), startColumnIndex: 0, endColumnIndex: at + 1 };
      const formula = `=$${columnLetter(at + 1)}${table.firstDataRow}=TRUE`;
      requests.push({
        addConditionalFormatRule: { index: 0, rule: conditionalRule(greying, range, formula) },
      });
    }
  }
  for (const p of tab.protectedRanges) {
    const g = onColumn(p.range);
    if (g)
      requests.push({
        addProtectedRange: {
          protectedRange: { range: live(g), description: p.description, warningOnly: true },
        },
      });
  }
  requests.push({
    createDeveloperMetadata: {
      developerMetadata: {
        metadataKey: METADATA_COLUMN,
        metadataValue: col.key,
        location: { dimensionRange: { sheetId, dimension: 'COLUMNS', startIndex: at, endIndex: at + 1 } },
        visibility: 'PROJECT',
      },
    },
  });
  return requests;
}
