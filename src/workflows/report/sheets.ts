// The report against the live workbook: set the Leadership Report's quarter, read its figures and the rows the
// charts draw, and freeze the tab as values on "Leadership Report <quarter start>" (the Apps Script's name).
import type { sheets_v4 } from '@googleapis/sheets';
import type { DesiredWorkspace } from '../../blueprint/desired.js';
import { PnError } from '../../platform/errors.js';
import type { GoogleApi } from '../../targets/sheets/google-api.js';
import {
  chartData,
  type Figure,
  HEADLINES,
  headlinesFrom,
  headlineValues,
  type ReportFigures,
} from './compute.js';
import { DATA_TABS, type DataTab, INPUT_NAMES, type ReportData, reportDataFromGrids, tabOf } from './data.js';
import { type Quarter, serialOf } from './quarter.js';

export const LIVE_TAB_KEY = 'leadership_report';
export const frozenTabName = (quarter: Quarter) => `Leadership Report ${quarter.start}`;
export const QUARTER_NAME = 'ReportQuarterStart';

const quoted = (name: string) => `'${name.replace(/'/g, "''")}'`;

function letter(col: number): string {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

type Cell = sheets_v4.Schema$CellData;

/** A cell's value as the report reads it: a number, a string, or null for a blank or "". */
function cellValue(cell: Cell | undefined): number | string | boolean | null {
  const v = cell?.effectiveValue;
  if (!v) return null;
  if (typeof v.numberValue === 'number') return v.numberValue;
  if (typeof v.boolValue === 'boolean') return v.boolValue;
  if (typeof v.stringValue === 'string') return v.stringValue === '' ? null : v.stringValue;
  return null;
}

/** Throws when a headline row's label is not in column A (renamed or deleted by hand). */
function requireHeadlineRows(grid: readonly (readonly Cell[])[]): void {
  for (const h of HEADLINES)
    if (!grid.some((line) => cellValue(line[0]) === h.row))
      throw new PnError('INPUT_INVALID', `the Leadership Report tab has no "${h.row}" row`, {
        hint: 'run `partnernomics install --target sheets` to bring the workbook up to date',
      });
}

/** The headline figures off the tab's grid: each the cell in its row (found by its label in column A). */
export function headlinesFromTab(grid: readonly (readonly Cell[])[]): Record<string, Figure> {
  const out: Record<string, Figure> = {};
  const rowOf = (label: string) => grid.findIndex((line) => cellValue(line[0]) === label);
  requireHeadlineRows(grid);
  for (const h of HEADLINES) {
    const r = rowOf(h.row);
    const read = (col: number): Figure => {
      const v = cellValue(grid[r]?.[col - 1]);
      return typeof v === 'number' ? v : null;
    };
    out[h.key] = read(h.now.col);
    if (h.before) out[`${h.key}.before`] = read(h.before.col);
  }
  return out;
}

export interface SheetsReport {
  figures: ReportFigures;
  /**
   * Where the headline figures came from: the quarter's frozen tab (already frozen), the live tab (freezing
   * now), or the rows (a dry run on a quarter the live tab does not show).
   */
  source: 'frozen tab' | 'tab' | 'rows';
  quarterSet: 'unchanged' | 'set' | 'would set';
  freeze: { tab: string; action: 'created' | 'replaced' | 'unchanged' | 'would create' | 'would replace' };
  writes: number;
}

async function readRows(api: GoogleApi, spreadsheetId: string, ws: DesiredWorkspace) {
  const ranges = [
    QUARTER_NAME,
    ...INPUT_NAMES,
    ...DATA_TABS.map((key) => {
      const tab = tabOf(ws.workbook, key);
      const last = letter(tab.table.columns.length);
      return `${quoted(tab.name)}!A${tab.table.firstDataRow}:${last}${tab.table.lastDataRow}`;
    }),
  ];
  const got = await api.call('reading the report rows', true, false, () =>
    api.sheets.spreadsheets.values.batchGet({
      spreadsheetId,
      ranges,
      valueRenderOption: 'UNFORMATTED_VALUE',
      dateTimeRenderOption: 'SERIAL_NUMBER',
    }),
  );
  const values = (got.data.valueRanges ?? []).map((r) => (r.values ?? []) as unknown[][]);
  const first = (i: number) => values[i]?.[0]?.[0];
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  const grids = Object.fromEntries(
    DATA_TABS.map((key, i) => [key, values[1 + INPUT_NAMES.length + i] ?? []]),
  ) as Record<DataTab, unknown[][]>;
  const data: ReportData = reportDataFromGrids(ws.workbook, grids, {
    QuarterBookings: num(first(1)),
    DirectCost: num(first(2)),
    DirectWon: num(first(3)),
  });
  return { quarterStart: first(0), data };
}

const GRID_FIELDS =
  'sheets(properties(sheetId,title),data(rowData(values(effectiveValue,userEnteredFormat(numberFormat)))))';

async function readTab(api: GoogleApi, spreadsheetId: string, name: string): Promise<Cell[][]> {
  const got = await api.call(`reading the ${name} tab`, true, false, () =>
    api.sheets.spreadsheets.get({
      spreadsheetId,
      ranges: [quoted(name)],
      includeGridData: true,
      fields: GRID_FIELDS,
    }),
  );
  return (got.data.sheets?.[0]?.data?.[0]?.rowData ?? []).map((row) => row.values ?? []);
}

/** The tab's cells as values, keeping each cell's number format (dates stay dates, money stays money). */
function asValues(grid: readonly (readonly Cell[])[]): sheets_v4.Schema$RowData[] {
  return grid.map((line) => ({
    values: line.map((cell) => {
      const v = cell.effectiveValue;
      const userEnteredValue: sheets_v4.Schema$ExtendedValue | undefined =
        typeof v?.numberValue === 'number'
          ? { numberValue: v.numberValue }
          : typeof v?.boolValue === 'boolean'
            ? { boolValue: v.boolValue }
            : typeof v?.stringValue === 'string' && v.stringValue !== ''
              ? { stringValue: v.stringValue }
              : v?.errorValue
                ? { stringValue: v.errorValue.message ?? '#ERROR!' }
                : undefined;
      const numberFormat = cell.userEnteredFormat?.numberFormat;
      return {
        ...(userEnteredValue ? { userEnteredValue } : {}),
        ...(numberFormat ? { userEnteredFormat: { numberFormat } } : {}),
      };
    }),
  }));
}

/**
 * Sets the quarter (when the tab shows another), reads the figures and freezes them. A second run for the same
 * quarter reads and writes nothing; `force` writes the frozen tab again from the live one.
 */
export async function sheetsReport(
  api: GoogleApi,
  spreadsheetId: string,
  ws: DesiredWorkspace,
  quarter: Quarter,
  options: { dryRun: boolean; force: boolean; now?: Date },
): Promise<SheetsReport> {
  const writesBefore = api.writes;
  const start = serialOf(quarter.start);
  const live = ws.workbook.tabs.find((t) => t.key === LIVE_TAB_KEY);
  if (!live) throw new PnError('BLUEPRINT_INVALID', 'the workbook blueprint has no Leadership Report tab');
  const props = await api.call('listing the workbook tabs', true, false, () =>
    api.sheets.spreadsheets.get({ spreadsheetId, fields: 'sheets.properties(sheetId,title)' }),
  );
  const tabs = (props.data.sheets ?? []).map((s) => s.properties ?? {});
  if (!tabs.some((t) => t.title === live.name))
    throw new PnError('INPUT_INVALID', `the workbook has no "${live.name}" tab`, {
      hint: 'run `partnernomics install --target sheets` to bring the workbook up to date',
    });
  const frozenName = frozenTabName(quarter);
  const frozen = tabs.find((t) => t.title === frozenName);

  const { quarterStart, data } = await readRows(api, spreadsheetId, ws);
  // A quarter already frozen is reported from its frozen tab: the live tab keeps whatever quarter it shows.
  const useFrozen = frozen !== undefined && !options.force;
  let quarterSet: SheetsReport['quarterSet'] = 'unchanged';
  if (!useFrozen && quarterStart !== start) {
    quarterSet = options.dryRun ? 'would set' : 'set';
    // A tab whose headline rows were renamed by hand stops the report before its quarter is written.
    if (!options.dryRun) requireHeadlineRows(await readTab(api, spreadsheetId, live.name));
    if (!options.dryRun)
      await api.call(`setting the Leadership Report's quarter to ${quarter.start}`, true, true, () =>
        api.sheets.spreadsheets.values.update({
          spreadsheetId,
          range: QUARTER_NAME,
          valueInputOption: 'RAW',
          requestBody: { values: [[start]] },
        }),
      );
  }

  // A dry run on another quarter cannot read the tab for this one: its figures come from the rows instead.
  const source: SheetsReport['source'] = useFrozen
    ? 'frozen tab'
    : quarterSet === 'would set'
      ? 'rows'
      : 'tab';
  const grid =
    source === 'rows' ? [] : await readTab(api, spreadsheetId, source === 'tab' ? live.name : frozenName);
  const values = source === 'rows' ? headlineValues(data, start) : headlinesFromTab(grid);
  const headlines = headlinesFrom(values);
  const figures: ReportFigures = { quarter, headlines, charts: chartData(data, start, headlines) };

  let action: SheetsReport['freeze']['action'] = 'unchanged';
  if (!frozen || options.force) {
    action = frozen ? 'replaced' : 'created';
    if (options.dryRun) action = frozen ? 'would replace' : 'would create';
    else {
      const sheetId = frozen?.sheetId ?? undefined;
      const requests: sheets_v4.Schema$Request[] = [];
      const newId =
        sheetId ??
        freeSheetId(
          tabs.map((t) => t.sheetId ?? -1),
          quarter,
        );
      if (sheetId === undefined)
        requests.push({ addSheet: { properties: { sheetId: newId, title: frozenName } } });
      else
        requests.push({
          updateCells: { range: { sheetId }, fields: 'userEnteredValue,userEnteredFormat.numberFormat' },
        });
      requests.push({
        updateCells: {
          start: { sheetId: newId, rowIndex: 0, columnIndex: 0 },
          rows: asValues(grid),
          fields: 'userEnteredValue,userEnteredFormat.numberFormat',
        },
      });
      const log = syncLogRow(ws, tabs, {
        time: (options.now ?? new Date()).toISOString(),
        direction: 'Report',
        object: live.name,
        record_id: quarter.id,
        reason: `${frozen ? 'froze again (--force)' : 'froze'} the quarter starting ${quarter.start} as values on "${frozenName}"`,
      });
      if (log) requests.push(log);
      // Not repeated after an unknown outcome (the log row would be appended twice): the next run sees the tab.
      await api.call(`freezing the quarter on the "${frozenName}" tab`, false, true, () =>
        api.sheets.spreadsheets.batchUpdate({ spreadsheetId, requestBody: { requests } }),
      );
    }
  }
  return {
    figures,
    source,
    quarterSet,
    freeze: { tab: frozenName, action },
    writes: api.writes - writesBefore,
  };
}

/** A sheet ID for the frozen tab, derived from the quarter (so a lost answer's tab is recognizable), unused. */
function freeSheetId(taken: readonly number[], quarter: Quarter): number {
  let id = 700_000_000 + quarter.year * 10 + quarter.q;
  while (taken.includes(id)) id += 1;
  return id;
}

/** The Sync Log line of a freeze, appended in the same batch (all or nothing); null without a Sync Log tab. */
function syncLogRow(
  ws: DesiredWorkspace,
  tabs: readonly sheets_v4.Schema$SheetProperties[],
  entry: Record<string, string>,
): sheets_v4.Schema$Request | null {
  const spec = ws.workbook.tabs.find((t) => t.key === 'sync_log');
  const sheetId = tabs.find((t) => t.title === spec?.name)?.sheetId;
  if (!spec?.table || typeof sheetId !== 'number') return null;
  return {
    appendCells: {
      sheetId,
      fields: 'userEnteredValue',
      rows: [
        {
          values: spec.table.columns.map((c) =>
            entry[c.key] ? { userEnteredValue: { stringValue: entry[c.key] } } : {},
          ),
        },
      ],
    },
  };
}
