// Pure: the compiled workbook as Sheets API requests — the create body, then batchUpdate requests within 2 MB.
import type { sheets_v4 } from '@googleapis/sheets';
import { columnIndex, columnLetter, quoteSheet, TERMS_HEADERS } from '../../blueprint/compile-workbook.js';
import type {
  CellFormat,
  CellStyle,
  DesiredCell,
  DesiredTab,
  DesiredWorkbook,
  Fill,
} from '../../blueprint/desired.js';
import { PARTNERSHIP_TYPE_NAMES } from '../../domain/types.js';

export const METADATA_WORKBOOK = 'partnernomics.workbook';
export const METADATA_TAB = 'partnernomics.tab';
export const METADATA_COLUMN = 'partnernomics.column';

/**
 * The metadataId of the blueprint version a fill records (the fill's last request). Sheets refuses a
 * metadataId that exists, and a batchUpdate is all or nothing: a fill that lands twice (held, given up on,
 * then landed after the refill) fails whole the second time instead of adding every chart twice.
 */
export const FILL_GUARD_METADATA_ID = 770_400_001;

/** Google recommends at most 2 MB per request; batches stay under this many bytes of JSON. */
export const MAX_BATCH_BYTES = 1_800_000;

/** The number format of each blueprint cell format (the sync writes dates with it too). */
export const NUMBER_FORMATS: Record<CellFormat, sheets_v4.Schema$NumberFormat> = {
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
    case 'wrap':
      return { wrapStrategy: 'WRAP', verticalAlignment: 'TOP' };
    default:
      return {};
  }
}

/** Days since 1899-12-30, the spreadsheet date serial. */
export function dateSerial(iso: string): number {
  return (Date.parse(`${iso}T00:00:00Z`) - Date.UTC(1899, 11, 30)) / 86_400_000;
}

/** A value as the sheet should hold it: formulas only from the blueprint, text never parsed as a formula. */
export function cellData(cell: DesiredCell | undefined): sheets_v4.Schema$CellData {
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

/** Spreadsheet-wide settings fixed at creation: the time zone (IANA) and the locale (en_US, de_DE …). */
export interface WorkbookSettings {
  timeZone: string;
  locale: string;
}

/**
 * The spreadsheet create body: title, time zone, locale and every tab with its size and frozen header rows
 * (sheet IDs 1..n asked for; the IDs Sheets reports back are the ones used).
 */
export function createBody(
  workbook: DesiredWorkbook,
  title: string,
  settings: WorkbookSettings,
): sheets_v4.Schema$Spreadsheet {
  return {
    properties: { title, timeZone: settings.timeZone, locale: settings.locale },
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

/** The data validation rule of a compiled validation (a dropdown, a number range, a checkbox or a date). */
export function validationRule(v: DesiredTab['validations'][number]): sheets_v4.Schema$DataValidationRule {
  const condition: sheets_v4.Schema$BooleanCondition = v.list
    ? { type: 'ONE_OF_LIST', values: v.list.map((userEnteredValue) => ({ userEnteredValue })) }
    : v.between
      ? { type: 'NUMBER_BETWEEN', values: v.between.map((n) => ({ userEnteredValue: String(n) })) }
      : v.checkbox
        ? { type: 'BOOLEAN' }
        : { type: 'DATE_IS_VALID' };
  return { condition, strict: true, showCustomUi: Boolean(v.list) };
}

/** The conditional format rule of a compiled one, on `range`: a fill when the text equals, or a custom formula. */
export function conditionalRule(
  cf: DesiredTab['conditionalFormats'][number],
  range: sheets_v4.Schema$GridRange,
  formula = cf.formula,
): sheets_v4.Schema$ConditionalFormatRule {
  return {
    ranges: [range],
    booleanRule: {
      condition:
        formula !== undefined
          ? { type: 'CUSTOM_FORMULA', values: [{ userEnteredValue: formula }] }
          : { type: 'TEXT_EQ', values: [{ userEnteredValue: cf.equals ?? '' }] },
      format: { backgroundColor: FILLS[cf.fill] },
    },
  };
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
    requests.push({ setDataValidation: { range: gridRange(sheetId, v.range), rule: validationRule(v) } });
  }
  tab.conditionalFormats.forEach((cf, i) => {
    requests.push({
      addConditionalFormatRule: { index: i, rule: conditionalRule(cf, gridRange(sheetId, cf.range)) },
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

/**
 * Where a chart's data sits: on tab `tab`, categories in column `domain` and one series per column in
 * `series` (letters). Either under the header cell in row `headerRow` (the table runs down as far as the
 * category column holds cells, and the header row names the series), or on the rows of the named cells
 * `rowsOf` (no header).
 */
interface ChartSource {
  tab: string;
  domain: string;
  series: string[];
  headerRow?: number;
  rowsOf?: string[];
}

interface ChartSpec {
  title: string;
  type: 'LINE' | 'COLUMN' | 'BAR';
  source: ChartSource;
  anchor: { row: number; col: number };
}

/** Anchored below the Dashboard's tables (the monthly table, then the sourced/influenced table to row 31). */
const CHARTS: ChartSpec[] = [
  {
    title: 'Partner-sourced pipeline and revenue by month',
    type: 'LINE',
    source: { tab: 'dashboard', headerRow: 4, domain: 'A', series: ['D', 'F'] },
    anchor: { row: 33, col: 0 },
  },
  {
    title: 'Partner leads by month',
    type: 'COLUMN',
    source: { tab: 'dashboard', headerRow: 4, domain: 'A', series: ['C'] },
    anchor: { row: 33, col: 6 },
  },
  {
    title: 'Partners by stage',
    type: 'BAR',
    source: { tab: 'dashboard', headerRow: 4, domain: 'K', series: ['L'] },
    anchor: { row: 51, col: 0 },
  },
  {
    // Not one bar per partner: the Dashboard lists 20 partner slots, and a chart over them would show an
    // empty category for every slot not yet filled. The distribution's categories are fixed, never empty.
    title: 'Partners by leads to date (first 20 on Partner Scoring)',
    type: 'COLUMN',
    source: { tab: 'dashboard', headerRow: 26, domain: 'N', series: ['O'] },
    anchor: { row: 51, col: 6 },
  },
  {
    title: 'Customer acquisition cost: partner vs direct',
    type: 'COLUMN',
    source: { tab: 'unit_economics', rowsOf: ['PartnerCac', 'DirectCac'], domain: 'A', series: ['B'] },
    anchor: { row: 69, col: 0 },
  },
];

const hasContent = (cell: DesiredCell | undefined) =>
  cell !== undefined && (cell.formula !== undefined || (cell.value !== undefined && cell.value !== ''));

/**
 * The 1-based rows a chart reads, header included: the same rows for the categories and every series,
 * taken from the compiled table so no range runs past its data. Null when the tab or the data is missing.
 */
function chartRows(
  workbook: DesiredWorkbook,
  source: ChartSource,
): { tab: DesiredTab; first: number; last: number; headerCount: number } | null {
  const tab = workbook.tabs.find((t) => t.key === source.tab);
  if (!tab) return null;
  const at = new Map(tab.cells.map((c) => [`${c.row}:${c.col}`, c]));
  const filled = (row: number, letter: string) => hasContent(at.get(`${row}:${columnIndex(letter)}`));
  let first: number;
  let last: number;
  if (source.headerRow !== undefined) {
    first = source.headerRow;
    last = first;
    while (filled(last + 1, source.domain)) last += 1;
  } else {
    const rows = (source.rowsOf ?? []).map((name) => {
      const named = workbook.namedRanges.find((n) => n.name === name && n.tab === tab.name);
      if (!named) throw new Error(`chart data refers to unknown named cell ${name}`);
      return gridRange(0, named.range).startRowIndex! + 1;
    });
    first = Math.min(...rows);
    last = Math.max(...rows);
    if (rows.length !== last - first + 1) throw new Error(`chart rows ${source.rowsOf} are not adjacent`);
  }
  const dataFrom = source.headerRow === undefined ? first : first + 1;
  if (last < dataFrom) return null;
  for (let row = dataFrom; row <= last; row++) {
    for (const letter of [source.domain, ...source.series]) {
      if (!filled(row, letter))
        throw new Error(`chart data on ${tab.name}: ${letter}${row} is empty inside rows ${first}-${last}`);
    }
  }
  return { tab, first, last, headerCount: source.headerRow === undefined ? 0 : 1 };
}

/** Charts on the Dashboard tab, from its own tables and from Unit Economics (partner and direct CAC). */
function chartRequests(
  workbook: DesiredWorkbook,
  sheetIdOf: (key: string) => number,
): sheets_v4.Schema$Request[] {
  if (!workbook.tabs.some((t) => t.key === 'dashboard')) return [];
  const dash = sheetIdOf('dashboard');
  const requests: sheets_v4.Schema$Request[] = [];
  for (const spec of CHARTS) {
    const rows = chartRows(workbook, spec.source);
    if (!rows) continue;
    const sheetId = sheetIdOf(spec.source.tab);
    // Domain and series cover exactly the same rows [first, last] (0-based start, exclusive end).
    const range = (letter: string) => column(sheetId, columnIndex(letter) - 1, rows.first - 1, rows.last);
    const series = spec.source.series.map(range);
    const chart: sheets_v4.Schema$EmbeddedChart = {
      spec: {
        title: spec.title,
        basicChart: {
          chartType: spec.type,
          legendPosition: series.length > 1 ? 'BOTTOM_LEGEND' : 'NO_LEGEND',
          headerCount: rows.headerCount,
          domains: [{ domain: range(spec.source.domain) }],
          series: series.map((data) => ({
            series: data,
            targetAxis: spec.type === 'BAR' ? 'BOTTOM_AXIS' : 'LEFT_AXIS',
          })),
        },
      },
      position: {
        overlayPosition: {
          anchorCell: { sheetId: dash, rowIndex: spec.anchor.row, columnIndex: spec.anchor.col },
          widthPixels: 520,
          heightPixels: 300,
        },
      },
    };
    requests.push({ addChart: { chart } });
  }
  return requests;
}

/**
 * Every request that fills a freshly created workbook, in order. `sheetIdOfTab` gives each tab's sheet ID
 * as Sheets reported it after the create (tab name -> ID): the create names IDs 1..n, but nothing in the
 * reference promises they are kept, so they are read back, never assumed.
 */
export function workbookRequests(
  workbook: DesiredWorkbook,
  version: string,
  sheetIdOfTab: (tabName: string) => number,
): sheets_v4.Schema$Request[] {
  const sheetIdOf = (key: string) => sheetIdOfTab(workbook.tabs.find((t) => t.key === key)!.name);
  const requests: sheets_v4.Schema$Request[] = workbook.tabs.flatMap((tab) =>
    tabRequests(tab, sheetIdOfTab(tab.name)),
  );
  for (const named of workbook.namedRanges) {
    requests.push({
      addNamedRange: {
        namedRange: { name: named.name, range: gridRange(sheetIdOfTab(named.tab), named.range) },
      },
    });
  }
  requests.push(...chartRequests(workbook, sheetIdOf));
  requests.push({
    createDeveloperMetadata: {
      developerMetadata: {
        metadataId: FILL_GUARD_METADATA_ID,
        metadataKey: METADATA_WORKBOOK,
        metadataValue: version,
        location: { spreadsheet: true },
        visibility: 'PROJECT',
      },
    },
  });
  return requests;
}

/** Spreadsheet metadata marking one landed part of a fill: `partnernomics.fill-part.<n>` = the blueprint version. */
export const FILL_PART_KEY = 'partnernomics.fill-part';

export interface FillPart {
  key: string;
  requests: sheets_v4.Schema$Request[];
}

/**
 * The fill cut into parts under the payload limit, each ending with its own marker. A part is one atomic
 * batchUpdate, and its marker has a fixed metadataId, so a part that lands twice fails whole; an interrupted
 * fill resumes at the first part whose marker the workbook lacks, instead of sending the landed ones again.
 */
export function fillParts(requests: readonly sheets_v4.Schema$Request[], version: string): FillPart[] {
  return batches(requests, MAX_BATCH_BYTES - 2_000).map((batch, n) => {
    const key = `${FILL_PART_KEY}.${n}`;
    const marker: sheets_v4.Schema$Request = {
      createDeveloperMetadata: {
        developerMetadata: {
          metadataId: FILL_GUARD_METADATA_ID + 1 + n,
          metadataKey: key,
          metadataValue: version,
          location: { spreadsheet: true },
          visibility: 'PROJECT',
        },
      },
    };
    return { key, requests: [...batch, marker] };
  });
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
 * developer metadata) are added and filled, with their named ranges, then the blueprint version is
 * recorded. Existing tabs are left to `columnUpgradeRequests` (upgrade-columns.ts), which inserts the
 * columns the blueprint added to them and writes no other cell.
 */
export function upgradeRequests(
  workbook: DesiredWorkbook,
  version: string,
  existing: { tabKeys: ReadonlySet<string>; maxSheetId: number },
): { requests: sheets_v4.Schema$Request[]; addedTabs: string[] } {
  const requests: sheets_v4.Schema$Request[] = [];
  const addedTabs: string[] = [];
  let nextId = existing.maxSheetId + 1;
  workbook.tabs.forEach((tab, index) => {
    if (existing.tabKeys.has(tab.key)) return;
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
  return { requests: [...requests, ...versionRequests(version)], addedTabs };
}

// ---------------------------------------------------------------------------------------------------------
// Config-driven cells: the title, the company cell and the default-terms table follow the config on upgrade.

/** The default-terms table as compiled: its header row and first column (1-based), and its rows of text. */
export function termsTable(tab: DesiredTab): { headerRow: number; col: number; rows: string[][] } | null {
  const at = new Map(tab.cells.map((c) => [`${c.row}:${c.col}`, c]));
  const header = tab.cells.find(
    (c) =>
      c.value === TERMS_HEADERS[0] &&
      TERMS_HEADERS.every((h, i) => at.get(`${c.row}:${c.col + i}`)?.value === h),
  );
  if (!header) return null;
  const rows: string[][] = [];
  for (let r = header.row + 1; hasContent(at.get(`${r}:${header.col}`)); r++)
    rows.push(TERMS_HEADERS.map((_, i) => String(at.get(`${r}:${header.col + i}`)?.value ?? '')));
  return { headerRow: header.row, col: header.col, rows };
}

/** Where a sheet of the live workbook is (found by its tab metadata), for reads and writes there. */
export interface LiveSheet {
  sheetId: number;
  title: string;
  rowCount: number;
}

/** The ranges to read before an upgrade (one values.batchGet), and what they are. */
export interface ConfigReads {
  company?: { a1: string; range: sheets_v4.Schema$GridRange };
  terms?: { a1: string; sheet: LiveSheet; headerRow: number; col: number };
}

/**
 * What to read so `configRequests` can compare: the company cell (where the CompanyName named range points
 * now, else its compiled place) and the default-terms table from its header row down (columns only, so a
 * longer table is read whole).
 */
export function configReads(
  workbook: DesiredWorkbook,
  sheetOfTab: ReadonlyMap<string, LiveSheet>,
  liveNamed: ReadonlyMap<string, sheets_v4.Schema$GridRange>,
): ConfigReads {
  const reads: ConfigReads = {};
  const titleOf = (sheetId: number) => [...sheetOfTab.values()].find((s) => s.sheetId === sheetId)?.title;
  const named = workbook.namedRanges.find((n) => n.name === 'CompanyName');
  const tabOfNamed = named && workbook.tabs.find((t) => t.name === named.tab);
  const live = liveNamed.get('CompanyName');
  const compiledSheet = tabOfNamed && sheetOfTab.get(tabOfNamed.key);
  const range = live ?? (named && compiledSheet ? gridRange(compiledSheet.sheetId, named.range) : undefined);
  const title = range ? titleOf(range.sheetId ?? 0) : undefined;
  if (range && title !== undefined) {
    const a1 = `${quoteSheet(title)}!${columnLetter((range.startColumnIndex ?? 0) + 1)}${(range.startRowIndex ?? 0) + 1}`;
    reads.company = {
      a1,
      range: {
        ...range,
        endRowIndex: (range.startRowIndex ?? 0) + 1,
        endColumnIndex: (range.startColumnIndex ?? 0) + 1,
      },
    };
  }
  for (const tab of workbook.tabs) {
    const table = termsTable(tab);
    const sheet = sheetOfTab.get(tab.key);
    if (!table || !sheet) continue;
    const first = columnLetter(table.col);
    const last = columnLetter(table.col + TERMS_HEADERS.length - 1);
    reads.terms = {
      a1: `${quoteSheet(sheet.title)}!${first}${table.headerRow}:${last}`,
      sheet,
      headerRow: table.headerRow,
      col: table.col,
    };
    break;
  }
  return reads;
}

const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));

/**
 * The requests that bring the config-driven cells in line, compared with what the workbook holds: the title,
 * the company cell, and the default-terms table (rewritten over the rows the old table used, found by their
 * partnership type names, so nothing below it is touched); when the chosen types changed, the type dropdown
 * of every table column that lists them too. Values only: no format, no other cell.
 */
export function configRequests(
  workbook: DesiredWorkbook,
  desiredTitle: string,
  live: {
    title: string;
    reads: ConfigReads;
    /** The values read for `reads.company` and `reads.terms` (FORMULA rendering), as values.batchGet gives them. */
    company?: unknown[][];
    terms?: unknown[][];
    sheetOfTab: ReadonlyMap<string, LiveSheet>;
    columnIndexes: ReadonlyMap<string, ReadonlyMap<string, number>>;
  },
): { requests: sheets_v4.Schema$Request[]; updated: string[]; skipped: string[] } {
  const requests: sheets_v4.Schema$Request[] = [];
  const updated: string[] = [];
  const skipped: string[] = [];
  if (live.title !== desiredTitle) {
    requests.push({ updateSpreadsheetProperties: { properties: { title: desiredTitle }, fields: 'title' } });
    updated.push('title');
  }

  const named = workbook.namedRanges.find((n) => n.name === 'CompanyName');
  const companyCell = named && cellAt(workbook, named.tab, named.range);
  if (live.reads.company && companyCell?.value !== undefined) {
    const want = companyCell.value;
    if (text(live.company?.[0]?.[0]) !== text(want)) {
      requests.push({
        updateCells: {
          range: live.reads.company.range,
          rows: [{ values: [{ userEnteredValue: { stringValue: String(want) } }] }],
          fields: 'userEnteredValue',
        },
      });
      updated.push('company name');
    }
  }

  const termsTab = workbook.tabs.find((t) => termsTable(t));
  const desired = termsTab ? termsTable(termsTab) : null;
  const reads = live.reads.terms;
  if (desired && reads) {
    const [header = [], ...below] = live.terms ?? [];
    const typeNames = new Set<string>(Object.values(PARTNERSHIP_TYPE_NAMES));
    if (TERMS_HEADERS.some((h, i) => text(header[i]) !== h)) {
      skipped.push(`${reads.sheet.title}: default terms (their header row moved; edit them by hand)`);
    } else {
      let oldCount = 0;
      while (oldCount < below.length && typeNames.has(text(below[oldCount]?.[0]))) oldCount++;
      const current = below.slice(0, oldCount).map((row) => TERMS_HEADERS.map((_, i) => text(row?.[i])));
      if (JSON.stringify(current) !== JSON.stringify(desired.rows)) {
        const startRow = reads.headerRow; // 0-based index of the first row under the header
        const height = Math.max(oldCount, desired.rows.length);
        const needed = startRow + height - reads.sheet.rowCount;
        if (needed > 0) {
          requests.push({
            appendDimension: { sheetId: reads.sheet.sheetId, dimension: 'ROWS', length: needed },
          });
        }
        const rows: sheets_v4.Schema$RowData[] = Array.from({ length: height }, (_, r) => ({
          values: TERMS_HEADERS.map((_, c) => {
            const value = desired.rows[r]?.[c];
            return value === undefined ? {} : { userEnteredValue: { stringValue: value } };
          }),
        }));
        requests.push({
          updateCells: {
            range: {
              sheetId: reads.sheet.sheetId,
              startRowIndex: startRow,
              endRowIndex: startRow + height,
              startColumnIndex: reads.col - 1,
              endColumnIndex: reads.col - 1 + TERMS_HEADERS.length,
            },
            rows,
            fields: 'userEnteredValue',
          },
        });
        updated.push('default terms');
      }
      const typesOf = (rows: string[][]) => [...new Set(rows.map((row) => row[0] ?? ''))];
      const types = typesOf(desired.rows);
      if (JSON.stringify(typesOf(current)) !== JSON.stringify(types))
        requests.push(...typeListRequests(workbook, types, live.sheetOfTab, live.columnIndexes));
    }
  }
  return { requests, updated, skipped };
}

/** The compiled cell at `range` ("$I$5") on the tab named `tabName`. */
function cellAt(workbook: DesiredWorkbook, tabName: string, range: string): DesiredCell | undefined {
  const tab = workbook.tabs.find((t) => t.name === tabName);
  const g = gridRange(0, range);
  return tab?.cells.find(
    (c) => c.row === (g.startRowIndex ?? 0) + 1 && c.col === (g.startColumnIndex ?? 0) + 1,
  );
}

/** The dropdown of every table column whose options are the partnership types, set to `types`. */
function typeListRequests(
  workbook: DesiredWorkbook,
  types: string[],
  sheetOfTab: ReadonlyMap<string, LiveSheet>,
  columnIndexes: ReadonlyMap<string, ReadonlyMap<string, number>>,
): sheets_v4.Schema$Request[] {
  const typeNames = new Set<string>(Object.values(PARTNERSHIP_TYPE_NAMES));
  const requests: sheets_v4.Schema$Request[] = [];
  for (const tab of workbook.tabs) {
    const sheet = sheetOfTab.get(tab.key);
    if (!sheet || !tab.table) continue;
    for (const v of tab.validations) {
      if (!v.list?.every((option) => typeNames.has(option))) continue;
      const compiled = gridRange(sheet.sheetId, v.range);
      const letter = columnLetter((compiled.startColumnIndex ?? 0) + 1);
      const key = tab.table.columns.find((c) => c.letter === letter)?.key;
      const index = key === undefined ? undefined : columnIndexes.get(tab.key)?.get(key);
      if (index === undefined) continue;
      const rule: sheets_v4.Schema$DataValidationRule = {
        condition: { type: 'ONE_OF_LIST', values: types.map((userEnteredValue) => ({ userEnteredValue })) },
        strict: true,
        showCustomUi: true,
      };
      requests.push({
        setDataValidation: {
          range: { ...compiled, startColumnIndex: index, endColumnIndex: index + 1 },
          rule,
        },
      });
    }
  }
  return requests;
}
