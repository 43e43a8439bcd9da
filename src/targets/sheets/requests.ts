// Pure: the compiled workbook as Sheets API requests — the create body, then batchUpdate requests within 2 MB.
import type { sheets_v4 } from '@googleapis/sheets';
import { columnIndex } from '../../blueprint/compile-workbook.js';
import type {
  CellFormat,
  CellStyle,
  DesiredCell,
  DesiredTab,
  DesiredWorkbook,
  Fill,
} from '../../blueprint/desired.js';

export const METADATA_WORKBOOK = 'partnernomics.workbook';
export const METADATA_TAB = 'partnernomics.tab';
export const METADATA_COLUMN = 'partnernomics.column';

/** Google recommends at most 2 MB per request; batches stay under this many bytes of JSON. */
export const MAX_BATCH_BYTES = 1_800_000;

const NUMBER_FORMATS: Record<CellFormat, sheets_v4.Schema$NumberFormat> = {
  number: { type: 'NUMBER', pattern: '0.0' },
  integer: { type: 'NUMBER', pattern: '0' },
  percent: { type: 'PERCENT', pattern: '0%' },
  currency: { type: 'CURRENCY', pattern: '"$"#,##0' },
  date: { type: 'DATE', pattern: 'yyyy-mm-dd' },
  month: { type: 'DATE', pattern: 'mmm yyyy' },
};

const rgb = (hex: string): sheets_v4.Schema$Color => ({
  red: Number.parseInt(hex.slice(0, 2), 16) / 255,
  green: Number.parseInt(hex.slice(2, 4), 16) / 255,
  blue: Number.parseInt(hex.slice(4, 6), 16) / 255,
});
const FILLS: Record<Fill, sheets_v4.Schema$Color> = {
  green: rgb('b7e1cd'),
  yellow: rgb('fce8b2'),
  red: rgb('f4c7c3'),
  grey: rgb('efefef'),
};

function styleFormat(style: CellStyle | undefined): sheets_v4.Schema$CellFormat {
  switch (style) {
    case 'title':
      return { textFormat: { bold: true, fontSize: 16 } };
    case 'header':
      return {
        textFormat: { bold: true, foregroundColor: rgb('ffffff') },
        backgroundColor: rgb('34495e'),
        wrapStrategy: 'WRAP',
      };
    case 'label':
      return { textFormat: { bold: true } };
    case 'input':
      return { backgroundColor: rgb('fff2cc') };
    case 'note':
    case 'weights':
      return { textFormat: { italic: true, foregroundColor: rgb('666666') } };
    default:
      return {};
  }
}

/** Days since 1899-12-30, the spreadsheet date serial. */
export function dateSerial(iso: string): number {
  return (Date.parse(`${iso}T00:00:00Z`) - Date.UTC(1899, 11, 30)) / 86_400_000;
}

/** A value as the sheet should hold it: formulas only from the blueprint, text never parsed as a formula. */
function cellData(cell: DesiredCell | undefined): sheets_v4.Schema$CellData {
  if (!cell) return {};
  const data: sheets_v4.Schema$CellData = {};
  if (cell.formula !== undefined) data.userEnteredValue = { formulaValue: cell.formula };
  else if (cell.isDate && typeof cell.value === 'string')
    data.userEnteredValue = { numberValue: dateSerial(cell.value) };
  else if (typeof cell.value === 'number') data.userEnteredValue = { numberValue: cell.value };
  else if (cell.value !== undefined) data.userEnteredValue = { stringValue: cell.value };
  const format: sheets_v4.Schema$CellFormat = { ...styleFormat(cell.style) };
  if (cell.format) format.numberFormat = NUMBER_FORMATS[cell.format];
  if (Object.keys(format).length) data.userEnteredFormat = format;
  return data;
}

/** "B5:C16" (no sheet name) as a grid range on `sheetId`. */
export function gridRange(sheetId: number, a1: string): sheets_v4.Schema$GridRange {
  const m = /^\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?$/.exec(a1);
  if (!m) throw new Error(`not an A1 range: ${a1}`);
  const c1 = columnIndex(m[1]!);
  const r1 = Number(m[2]);
  const c2 = m[3] ? columnIndex(m[3]) : c1;
  const r2 = m[4] ? Number(m[4]) : r1;
  return { sheetId, startRowIndex: r1 - 1, endRowIndex: r2, startColumnIndex: c1 - 1, endColumnIndex: c2 };
}

export function gridSize(tab: DesiredTab): { rows: number; columns: number } {
  let rows = tab.table ? tab.table.lastDataRow : 1;
  let columns = Math.max(tab.columnWidths.length, tab.table?.columns.length ?? 0);
  for (const c of tab.cells) {
    rows = Math.max(rows, c.row);
    columns = Math.max(columns, c.col);
  }
  return { rows: Math.max(rows + 20, 80), columns: Math.max(columns, 6) };
}

/** The spreadsheet create body: title and every tab with its size and frozen header rows (sheet IDs 1..n). */
export function createBody(workbook: DesiredWorkbook, title: string): sheets_v4.Schema$Spreadsheet {
  return {
    properties: { title },
    sheets: workbook.tabs.map((tab, i) => {
      const size = gridSize(tab);
      return {
        properties: {
          sheetId: i + 1,
          title: tab.name,
          index: i,
          gridProperties: { rowCount: size.rows, columnCount: size.columns, frozenRowCount: tab.frozenRows },
        },
      };
    }),
  };
}

function cellRequests(tab: DesiredTab, sheetId: number): sheets_v4.Schema$Request[] {
  const byRow = new Map<number, Map<number, DesiredCell>>();
  let maxCol = 0;
  for (const cell of tab.cells) {
    if (!byRow.has(cell.row)) byRow.set(cell.row, new Map());
    byRow.get(cell.row)!.set(cell.col, cell);
    maxCol = Math.max(maxCol, cell.col);
  }
  const maxRow = Math.max(0, ...byRow.keys());
  const requests: sheets_v4.Schema$Request[] = [];
  const CHUNK = 200; // rows per updateCells, so batches can be cut under the size limit
  for (let start = 1; start <= maxRow; start += CHUNK) {
    const rows: sheets_v4.Schema$RowData[] = [];
    for (let r = start; r < Math.min(start + CHUNK, maxRow + 1); r++) {
      const cells = byRow.get(r);
      rows.push({ values: Array.from({ length: maxCol }, (_, c) => cellData(cells?.get(c + 1))) });
    }
    requests.push({
      updateCells: {
        start: { sheetId, rowIndex: start - 1, columnIndex: 0 },
        rows,
        fields: 'userEnteredValue,userEnteredFormat',
      },
    });
  }
  return requests;
}

export function tabRequests(tab: DesiredTab, sheetId: number): sheets_v4.Schema$Request[] {
  const requests: sheets_v4.Schema$Request[] = [...cellRequests(tab, sheetId)];
  tab.columnWidths.forEach((width, i) => {
    requests.push({
      updateDimensionProperties: {
        range: { sheetId, dimension: 'COLUMNS', startIndex: i, endIndex: i + 1 },
        properties: { pixelSize: Math.round(width * 7) },
        fields: 'pixelSize',
      },
    });
  });
  for (const v of tab.validations) {
    const condition: sheets_v4.Schema$BooleanCondition = v.list
      ? { type: 'ONE_OF_LIST', values: v.list.map((userEnteredValue) => ({ userEnteredValue })) }
      : v.between
        ? { type: 'NUMBER_BETWEEN', values: v.between.map((n) => ({ userEnteredValue: String(n) })) }
        : { type: 'DATE_IS_VALID' };
    requests.push({
      setDataValidation: {
        range: gridRange(sheetId, v.range),
        rule: { condition, strict: true, showCustomUi: Boolean(v.list) },
      },
    });
  }
  tab.conditionalFormats.forEach((cf, i) => {
    requests.push({
      addConditionalFormatRule: {
        index: i,
        rule: {
          ranges: [gridRange(sheetId, cf.range)],
          booleanRule: {
            condition: { type: 'TEXT_EQ', values: [{ userEnteredValue: cf.equals }] },
            format: { backgroundColor: FILLS[cf.fill] },
          },
        },
      },
    });
  });
  for (const p of tab.protectedRanges) {
    requests.push({
      addProtectedRange: {
        protectedRange: { range: gridRange(sheetId, p.range), description: p.description, warningOnly: true },
      },
    });
  }
  requests.push({
    createDeveloperMetadata: {
      developerMetadata: {
        metadataKey: METADATA_TAB,
        metadataValue: tab.key,
        location: { sheetId },
        visibility: 'PROJECT',
      },
    },
  });
  tab.table?.columns.forEach((col, i) => {
    requests.push({
      createDeveloperMetadata: {
        developerMetadata: {
          metadataKey: METADATA_COLUMN,
          metadataValue: col.key,
          location: { dimensionRange: { sheetId, dimension: 'COLUMNS', startIndex: i, endIndex: i + 1 } },
          visibility: 'PROJECT',
        },
      },
    });
  });
  return requests;
}

/** A column range on a sheet: rows [startRow, endRow) of one column, 0-based like the API. */
function column(sheetId: number, col: number, startRow: number, endRow: number): sheets_v4.Schema$ChartData {
  return {
    sourceRange: {
      sources: [
        {
          sheetId,
          startRowIndex: startRow,
          endRowIndex: endRow,
          startColumnIndex: col,
          endColumnIndex: col + 1,
        },
      ],
    },
  };
}

interface ChartSpec {
  title: string;
  type: 'LINE' | 'COLUMN' | 'BAR';
  domain: sheets_v4.Schema$ChartData;
  series: sheets_v4.Schema$ChartData[];
  headerCount: number;
  anchor: { sheetId: number; row: number; col: number };
}

function addChart(spec: ChartSpec): sheets_v4.Schema$Request {
  return {
    addChart: {
      chart: {
        spec: {
          title: spec.title,
          basicChart: {
            chartType: spec.type,
            legendPosition: spec.series.length > 1 ? 'BOTTOM_LEGEND' : 'NO_LEGEND',
            headerCount: spec.headerCount,
            domains: [{ domain: spec.domain }],
            series: spec.series.map((series) => ({
              series,
              targetAxis: spec.type === 'BAR' ? 'BOTTOM_AXIS' : 'LEFT_AXIS',
            })),
          },
        },
        position: {
          overlayPosition: {
            anchorCell: {
              sheetId: spec.anchor.sheetId,
              rowIndex: spec.anchor.row,
              columnIndex: spec.anchor.col,
            },
            widthPixels: 520,
            heightPixels: 300,
          },
        },
      },
    },
  };
}

/**
 * Charts on the Dashboard tab, from its own tables (months in A5:I16, stages in K5:L14, partners in
 * N5:O24) and from Unit Economics (partner and direct CAC in A10:B11).
 */
function chartRequests(
  workbook: DesiredWorkbook,
  sheetIdOf: (key: string) => number,
): sheets_v4.Schema$Request[] {
  if (!workbook.tabs.some((t) => t.key === 'dashboard')) return [];
  const dash = sheetIdOf('dashboard');
  const at = (row: number, col: number) => ({ sheetId: dash, row, col });
  const months = column(dash, 0, 3, 17);
  const charts: ChartSpec[] = [
    {
      title: 'Partner-sourced pipeline and revenue by month',
      type: 'LINE',
      domain: months,
      series: [column(dash, 3, 3, 16), column(dash, 5, 3, 16)],
      headerCount: 1,
      anchor: at(18, 0),
    },
    {
      title: 'Partner leads by month',
      type: 'COLUMN',
      domain: months,
      series: [column(dash, 2, 3, 16)],
      headerCount: 1,
      anchor: at(18, 6),
    },
    {
      title: 'Partners by stage',
      type: 'BAR',
      domain: column(dash, 10, 3, 15),
      series: [column(dash, 11, 3, 15)],
      headerCount: 1,
      anchor: at(36, 0),
    },
    {
      title: 'Leads (referrals) per partner, to date',
      type: 'BAR',
      domain: column(dash, 13, 3, 24),
      series: [column(dash, 14, 3, 24)],
      headerCount: 1,
      anchor: at(36, 6),
    },
  ];
  const unitEconomics = sheetIdOf('unit_economics');
  if (unitEconomics > 0) {
    charts.push({
      title: 'Customer acquisition cost: partner vs direct',
      type: 'COLUMN',
      domain: column(unitEconomics, 0, 9, 11),
      series: [column(unitEconomics, 1, 9, 11)],
      headerCount: 0,
      anchor: at(54, 0),
    });
  }
  return charts.map(addChart);
}

/** Every request that fills a freshly created workbook, in order; sheet IDs are 1..n as in `createBody`. */
export function workbookRequests(workbook: DesiredWorkbook, version: string): sheets_v4.Schema$Request[] {
  const sheetIdOf = (key: string) => workbook.tabs.findIndex((t) => t.key === key) + 1;
  const requests: sheets_v4.Schema$Request[] = workbook.tabs.flatMap((tab, i) => tabRequests(tab, i + 1));
  for (const named of workbook.namedRanges) {
    const sheetId = workbook.tabs.findIndex((t) => t.name === named.tab) + 1;
    requests.push({
      addNamedRange: { namedRange: { name: named.name, range: gridRange(sheetId, named.range) } },
    });
  }
  requests.push(...chartRequests(workbook, sheetIdOf));
  requests.push({
    createDeveloperMetadata: {
      developerMetadata: {
        metadataKey: METADATA_WORKBOOK,
        metadataValue: version,
        location: { spreadsheet: true },
        visibility: 'PROJECT',
      },
    },
  });
  return requests;
}

/** Cuts requests into batches under the payload limit, keeping their order (each batch is atomic). */
export function batches(
  requests: readonly sheets_v4.Schema$Request[],
  maxBytes = MAX_BATCH_BYTES,
): sheets_v4.Schema$Request[][] {
  const out: sheets_v4.Schema$Request[][] = [];
  let current: sheets_v4.Schema$Request[] = [];
  let size = 0;
  for (const request of requests) {
    const bytes = Buffer.byteLength(JSON.stringify(request));
    if (current.length && size + bytes > maxBytes) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(request);
    size += bytes;
  }
  if (current.length) out.push(current);
  return out;
}

/** The blueprint version recorded on the spreadsheet, replaced in one delete + create. */
export function versionRequests(version: string): sheets_v4.Schema$Request[] {
  return [
    {
      deleteDeveloperMetadata: {
        dataFilter: { developerMetadataLookup: { metadataKey: METADATA_WORKBOOK } },
      },
    },
    {
      createDeveloperMetadata: {
        developerMetadata: {
          metadataKey: METADATA_WORKBOOK,
          metadataValue: version,
          location: { spreadsheet: true },
          visibility: 'PROJECT',
        },
      },
    },
  ];
}

/**
 * Pure upgrade of a workbook installed from an older blueprint: tabs the workbook lacks (by their
 * developer metadata) are added and filled, with their named ranges; existing tabs and every value in
 * them are left untouched. Columns new to an existing tab are reported, not written: inserting them
 * would shift the references in formulas a person may have edited.
 */
export function upgradeRequests(
  workbook: DesiredWorkbook,
  version: string,
  existing: { tabKeys: Set<string>; columnKeys: Map<string, Set<string>>; maxSheetId: number },
): { requests: sheets_v4.Schema$Request[]; addedTabs: string[]; skippedColumns: string[] } {
  const requests: sheets_v4.Schema$Request[] = [];
  const addedTabs: string[] = [];
  const skippedColumns: string[] = [];
  let nextId = existing.maxSheetId + 1;
  workbook.tabs.forEach((tab, index) => {
    if (existing.tabKeys.has(tab.key)) {
      const have = existing.columnKeys.get(tab.key) ?? new Set();
      for (const col of tab.table?.columns ?? [])
        if (!have.has(col.key)) skippedColumns.push(`${tab.name}: ${col.header}`);
      return;
    }
    const sheetId = nextId++;
    const size = gridSize(tab);
    requests.push({
      addSheet: {
        properties: {
          sheetId,
          title: tab.name,
          index,
          gridProperties: { rowCount: size.rows, columnCount: size.columns, frozenRowCount: tab.frozenRows },
        },
      },
    });
    requests.push(...tabRequests(tab, sheetId));
    for (const named of workbook.namedRanges.filter((n) => n.tab === tab.name)) {
      requests.push({
        addNamedRange: { namedRange: { name: named.name, range: gridRange(sheetId, named.range) } },
      });
    }
    addedTabs.push(tab.name);
  });
  return { requests: [...requests, ...versionRequests(version)], addedTabs, skippedColumns };
}
