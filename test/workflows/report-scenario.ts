// The report tests' worlds: the installer's workbook evaluated by HyperFormula (as test/blueprint/leadership-report
// does), seeded with rows, and the report's inputs read back from it exactly as the product reads the Sheets API.
import type { sheets_v4 } from '@googleapis/sheets';
import type { RawCellContent } from 'hyperformula';
import { compile } from '../../src/blueprint/compile.js';
import type { DesiredTab, DesiredWorkbook, DesiredWorkspace } from '../../src/blueprint/desired.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { workbookToXlsx } from '../../src/targets/local/xlsx.js';
import {
  DATA_TABS,
  type DataTab,
  type ReportData,
  reportDataFromGrids,
  tabOf,
} from '../../src/workflows/report/data.js';
import { serialOf } from '../../src/workflows/report/quarter.js';
import { type LoadedWorkbook, loadXlsxIntoHyperFormula } from '../xlsx-workbook.js';

export const serial = serialOf;

export const workspace: DesiredWorkspace = compile(
  loadBlueprint(),
  parseConfig({ partnership_types: ['co-sell', 'service-implementation'] }, 'test', '2027-01-04'),
);

/** The workbook as installed, without its example rows. */
export function withoutExamples(workbook: DesiredWorkbook): DesiredWorkbook {
  const strip = (t: DesiredTab): DesiredTab =>
    t.table ? { ...t, cells: t.cells.filter((c) => c.row < t.table!.firstDataRow || c.formula) } : t;
  return { ...workbook, tabs: workbook.tabs.map(strip) };
}

export interface World {
  wb: LoadedWorkbook;
  setNamed: (name: string, value: RawCellContent) => void;
  /** Sets row `i` (0-based from the first data row) of a table tab. */
  row: (key: string, i: number, values: Record<string, RawCellContent>) => void;
  /** The rows and inputs the report reads, as evaluated now. */
  data: () => ReportData;
  /** The Leadership Report tab's evaluated values, as the Sheets API's grid data gives them. */
  tabGrid: () => sheets_v4.Schema$CellData[][];
  /** One cell of the Leadership Report tab: the row whose column A is `label`, column `col` (1-based). */
  at: (label: string, col: number) => unknown;
}

export async function world(workbook: DesiredWorkbook = workspace.workbook): Promise<World> {
  const wb = await loadXlsxIntoHyperFormula(await workbookToXlsx(workbook));
  const report = workbook.tabs.find((t) => t.key === 'leadership_report')!;
  const named = (name: string) => {
    const n = wb.names.get(name);
    if (!n) throw new Error(`no named range ${name}`);
    return { sheet: wb.sheetId(n.sheet), row: n.row - 1, col: n.col - 1 };
  };
  const values = (key: string) =>
    wb.hf.getSheetValues(wb.sheetId(workbook.tabs.find((t) => t.key === key)!.name));
  const scalar = (v: unknown) =>
    typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? v : null;
  return {
    wb,
    setNamed: (name, value) => wb.hf.setCellContents(named(name), value),
    row: (key, i, record) => {
      const t = tabOf(workbook, key);
      for (const [col, value] of Object.entries(record)) {
        const c = t.table.columns.findIndex((x) => x.key === col);
        if (c < 0) throw new Error(`no column ${key}.${col}`);
        wb.hf.setCellContents(
          { sheet: wb.sheetId(t.name), row: t.table.firstDataRow - 1 + i, col: c },
          value,
        );
      }
    },
    data: () => {
      const grids = Object.fromEntries(
        DATA_TABS.map((key) => {
          const t = tabOf(workbook, key);
          return [
            key,
            values(key)
              .slice(t.table.firstDataRow - 1)
              .map((line) => line.map(scalar)),
          ];
        }),
      ) as Record<DataTab, unknown[][]>;
      const input = (name: string) => {
        const v = wb.hf.getCellValue(named(name));
        return typeof v === 'number' ? v : 0;
      };
      return reportDataFromGrids(workbook, grids, {
        QuarterBookings: input('QuarterBookings'),
        DirectCost: input('DirectCost'),
        DirectWon: input('DirectWon'),
      });
    },
    tabGrid: () =>
      values(report.key).map((line) =>
        line.map((v) => {
          const s = scalar(v);
          if (typeof s === 'number') return { effectiveValue: { numberValue: s } };
          if (typeof s === 'boolean') return { effectiveValue: { boolValue: s } };
          if (typeof s === 'string') return { effectiveValue: { stringValue: s } };
          return {};
        }),
      ),
    at: (label, col) => {
      const grid = values(report.key);
      const r = grid.findIndex((line) => line[0] === label);
      if (r < 0) throw new Error(`no row "${label}" on the Leadership Report`);
      return grid[r]![col - 1];
    },
  };
}

/**
 * The second quarter of 2027 as test/blueprint/leadership-report.test.ts seeds it (its figures are worked out by
 * hand there), plus an archived referral and metric (left out everywhere) and attribution/stage in lower case.
 */
export function seedSecondQuarter(w: World): void {
  w.wb.hf.suspendEvaluation();
  w.setNamed('ReportQuarterStart', serial('2027-04-01'));
  w.setNamed('QuarterBookings', 300_000);
  w.setNamed('DirectCloseRate', 0.25);
  w.setNamed('DirectCost', 90_000);
  w.setNamed('DirectWon', 6);
  w.row('partner_scoring', 10, {
    name: 'Acme Cloud',
    type: 'Co-Sell',
    stage: 'Active',
    signed_on: serial('2027-04-12'),
  });
  w.row('partner_scoring', 11, {
    name: 'Beacon Data',
    type: 'Co-Sell',
    stage: 'Active',
    signed_on: serial('2027-02-01'),
  });
  w.row('partner_scoring', 12, {
    name: 'Cobalt Consulting',
    type: 'Service/Implementation',
    stage: 'Active',
    signed_on: serial('2027-05-02'),
  });
  w.row('partner_scoring', 13, {
    name: 'Dormant Ltd',
    type: 'Co-Sell',
    stage: 'Active',
    signed_on: serial('2027-04-20'),
    archived: true,
  });
  [
    ['Acme Cloud', '2027-04-01', 50_000, 10_000, 1, false],
    ['Acme Cloud', '2027-05-01', 30_000, 5_000, 1, false],
    ['Cobalt Consulting', '2027-06-01', 20_000, 8_000, 1, false],
    ['Beacon Data', '2027-06-01', 15_000, 1_000, 0, false],
    ['Beacon Data', '2027-03-01', 10_000, 2_000, 1, false],
    ['Dormant Ltd', '2027-05-01', 99_000, 9_000, 9, true],
  ].forEach(([partner, month, revenue, cost, won, archived], i) => {
    w.row('metrics', 10 + i, {
      partner: partner as string,
      month: serial(String(month)),
      revenue: revenue as number,
      cost: cost as number,
      deals_won: won as number,
      archived: archived as boolean,
    });
  });
  [
    ['R1', 'Acme Cloud', 'Sourced', '2027-04-05', 'Won', '2027-05-20', 60_000, false],
    ['R2', 'Acme Cloud', 'sourced', '2027-04-20', 'lost', '2027-06-10', 40_000, false],
    ['R3', 'Cobalt Consulting', 'Influenced', '2027-05-02', 'Won', '2027-06-15', 30_000, false],
    ['R4', 'Beacon Data', 'Sourced', '2027-06-01', 'Submitted', null, 50_000, false],
    ['R5', 'Dormant Ltd', 'Sourced', '2027-04-02', 'Won', '2027-04-30', 77_000, true],
  ].forEach(([name, partner, attribution, submitted, stage, closed, value, archived], i) => {
    w.row('referrals', 10 + i, {
      name: name as string,
      partner: partner as string,
      attribution: attribution as string,
      submitted_on: serial(String(submitted)),
      stage: stage as string,
      closed_on: closed ? serial(String(closed)) : null,
      value: value as number,
      archived: archived as boolean,
    });
  });
  w.wb.hf.resumeEvaluation();
}
