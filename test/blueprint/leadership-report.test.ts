// The Leadership Report tab computes every metric its page asks for; each figure here is worked out by hand.
import type { RawCellContent } from 'hyperformula';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import type { DesiredTab, DesiredWorkbook } from '../../src/blueprint/desired.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { workbookToXlsx } from '../../src/targets/local/xlsx.js';
import { type LoadedWorkbook, loadXlsxIntoHyperFormula } from '../xlsx-workbook.js';

const EXCEL_EPOCH = Date.UTC(1899, 11, 30);
const serial = (iso: string) => (Date.parse(`${iso}T00:00:00Z`) - EXCEL_EPOCH) / 86_400_000;

const ws = compile(
  loadBlueprint(),
  parseConfig({ partnership_types: ['co-sell', 'service-implementation'] }, 'test', '2027-01-04'),
);
const tab = (key: string) => ws.workbook.tabs.find((t) => t.key === key)!;
const report = tab('leadership_report');
/** The row whose label is `label`, or failing that the first that starts with it. */
const rowOf = (label: string) => {
  const labels = report.cells.filter((c) => c.col === 1 && typeof c.value === 'string');
  return (labels.find((c) => c.value === label) ?? labels.find((c) => String(c.value).startsWith(label)))!
    .row;
};

function book(workbook: DesiredWorkbook) {
  return workbookToXlsx(workbook).then(loadXlsxIntoHyperFormula);
}

/** The workbook as installed, without its example rows: what a team that deleted them starts from. */
function withoutExamples(workbook: DesiredWorkbook): DesiredWorkbook {
  const strip = (t: DesiredTab): DesiredTab =>
    t.table ? { ...t, cells: t.cells.filter((c) => c.row < t.table!.firstDataRow || c.formula) } : t;
  return { ...workbook, tabs: workbook.tabs.map(strip) };
}

describe('the Leadership Report', () => {
  let wb: LoadedWorkbook;
  const at = (row: number, col: number) =>
    wb.hf.getCellValue({ sheet: wb.sheetId(report.name), row: row - 1, col: col - 1 });
  const setNamed = (name: string, value: RawCellContent) => {
    const n = wb.names.get(name)!;
    wb.hf.setCellContents({ sheet: wb.sheetId(n.sheet), row: n.row - 1, col: n.col - 1 }, value);
  };
  const set = (key: string, i: number, col: string, value: RawCellContent) => {
    const t = tab(key);
    const c = t.table!.columns.findIndex((x) => x.key === col);
    if (c < 0) throw new Error(`no column ${key}.${col}`);
    wb.hf.setCellContents({ sheet: wb.sheetId(t.name), row: t.table!.firstDataRow - 1 + i, col: c }, value);
  };
  const row = (key: string, i: number, values: Record<string, RawCellContent>) => {
    for (const [col, v] of Object.entries(values)) set(key, i, col, v);
  };

  beforeAll(async () => {
    wb = await book(ws.workbook);
    wb.hf.suspendEvaluation();
    // The second quarter; the example rows (January–February) make up the quarter before it.
    setNamed('ReportQuarterStart', serial('2027-04-01'));
    setNamed('QuarterBookings', 300_000);
    setNamed('DirectCloseRate', 0.25);
    setNamed('PipelineTargetMonthTwelve', 500_000);
    row('partner_scoring', 10, {
      name: 'Acme Cloud',
      type: 'Co-Sell',
      stage: 'Active',
      signed_on: serial('2027-04-12'),
    });
    row('partner_scoring', 11, {
      name: 'Beacon Data',
      type: 'Co-Sell',
      stage: 'Active',
      signed_on: serial('2027-02-01'),
    });
    row('partner_scoring', 12, {
      name: 'Cobalt Consulting',
      type: 'Service/Implementation',
      stage: 'Active',
      signed_on: serial('2027-05-02'),
    });
    setNamed('DirectCost', 90_000);
    setNamed('DirectWon', 6);
    [
      ['Acme Cloud', '2027-04-01', 50_000, 10_000, 1],
      ['Acme Cloud', '2027-05-01', 30_000, 5_000, 1],
      ['Cobalt Consulting', '2027-06-01', 20_000, 8_000, 1],
      ['Beacon Data', '2027-06-01', 15_000, 1_000, 0],
      ['Beacon Data', '2027-03-01', 10_000, 2_000, 1],
    ].forEach(([partner, month, revenue, cost, won], i) => {
      row('metrics', 10 + i, {
        partner: partner!,
        month: serial(String(month)),
        revenue: revenue!,
        cost: cost!,
        deals_won: won!,
      });
    });
    [
      ['R1', 'Acme Cloud', 'Sourced', '2027-04-05', 'Won', '2027-05-20', 60_000],
      ['R2', 'Acme Cloud', 'Sourced', '2027-04-20', 'Lost', '2027-06-10', 40_000],
      ['R3', 'Cobalt Consulting', 'Influenced', '2027-05-02', 'Won', '2027-06-15', 30_000],
      ['R4', 'Beacon Data', 'Sourced', '2027-06-01', 'Submitted', null, 50_000],
    ].forEach(([name, partner, attribution, submitted, stage, closed, value], i) => {
      row('referrals', 10 + i, {
        name: name!,
        partner: partner!,
        attribution: attribution!,
        submitted_on: serial(String(submitted)),
        stage: stage!,
        closed_on: closed ? serial(String(closed)) : null,
        value: value!,
      });
    });
    wb.hf.resumeEvaluation();
  }, 120_000);

  it("dates each registration's protection expiry from its partner type's term", () => {
    const expiry = (i: number) => {
      const t = tab('referrals');
      const c = t.table!.columns.findIndex((x) => x.key === 'protection_expires');
      return wb.hf.getCellValue({ sheet: wb.sheetId(t.name), row: t.table!.firstDataRow - 1 + i, col: c });
    };
    // Both chosen types register deals for 90 days (their term sheets' Deal registration term).
    expect(expiry(10)).toBe(serial('2027-04-05') + 90);
    expect(expiry(12)).toBe(serial('2027-05-02') + 90);
    set('referrals', 14, 'name', 'No partner yet');
    set('referrals', 14, 'submitted_on', serial('2027-05-02'));
    expect(expiry(14)).toBe('');
  });

  it('counts partners signed, active and producing by type', () => {
    const counts = (label: string) => [2, 3, 4].map((c) => at(rowOf(label), c));
    expect(counts('Co-Sell')).toEqual([1, 2, 2]); // Acme signed in April; Acme and Beacon active and producing
    expect(counts('Service/Implementation')).toEqual([1, 1, 1]);
    expect(counts('All types')).toEqual([2, 3, 3]);
  });

  it('splits partner-sourced and partner-influenced pipeline and bookings, against the quarter before', () => {
    // The quarter before holds the examples: Alder Creek (Sourced, $36,000, won) and Pinecrest (Influenced, $48,000).
    // The spreadsheet engine keeps about 10 decimals: compare the change to 6.
    const round = (v: unknown) => (typeof v === 'number' ? Math.round(v * 1e6) / 1e6 : v);
    const line = (label: string) => [2, 3, 4].map((c) => round(at(rowOf(label), c)));
    expect(line('Partner-sourced pipeline created')).toEqual([150_000, 36_000, round(150_000 / 36_000 - 1)]);
    expect(line('Partner-influenced pipeline created')).toEqual([30_000, 48_000, round(30_000 / 48_000 - 1)]);
    expect(line('Partner-sourced bookings')).toEqual([60_000, 36_000, round(60_000 / 36_000 - 1)]);
    expect(line('Partner-influenced bookings')).toEqual([30_000, 0, '']);
    expect(at(rowOf('Partner-sourced share of new bookings'), 2)).toBe(0.2);
    expect(at(rowOf('Partner-influenced share of new bookings'), 2)).toBe(0.1);
  });

  it('compares close rate and sales cycle of partner deals with direct ones', () => {
    expect(at(rowOf('Close rate, partner deals'), 2)).toBeCloseTo(2 / 3, 9); // won R1, R3; lost R2
    expect(at(rowOf('Close rate, partner deals'), 3)).toBe(1); // Alder Creek won
    expect(at(rowOf('Close rate, direct deals'), 2)).toBe(0.25);
    expect(at(rowOf('Sales cycle, partner deals won'), 2)).toBe(44.5); // 45 and 44 days
    expect(at(rowOf('Sales cycle, partner deals won'), 3)).toBe(43); // day 9 to day 52
    expect(at(rowOf('Sales cycle, direct deals'), 2)).toBe(90);
  });

  it('compares partner CAC with direct CAC', () => {
    // Program cost 24,000 ÷ 3 partner deals won = 8,000; direct 90,000 ÷ 6 = 15,000.
    const cac = rowOf('Partner CAC');
    expect([2, 3, 4].map((c) => at(cac, c))).toEqual([8_000, 15_000, 'Green']);
    expect(at(rowOf('CAC advantage'), 2)).toBeCloseTo(1 - 8_000 / 15_000, 9);
  });

  it('shows partner profitability and retention', () => {
    // Revenue 115,000 − cost 24,000; before: examples 76,000 − 18,000 plus Beacon's March 10,000 − 2,000.
    expect(at(rowOf('Partner profitability'), 2)).toBe(91_000);
    expect(at(rowOf('Partner profitability'), 3)).toBe(66_000);
    // Producing before: Northwind (example) and Beacon; again now: Beacon only.
    expect(at(rowOf('Partner retention'), 2)).toBe(0.5);
  });

  it('forecasts partner-sourced pipeline against the 3-, 6- and 12-month targets', () => {
    const forecast = (month: number) => [2, 3, 4].map((c) => at(rowOf(`By month ${month} `), c));
    // Month 3 (April 4) has passed by the quarter's end: the actual, Alder Creek only, against 3 × $40,000.
    expect(forecast(3)).toEqual([36_000, 120_000, 'Red']);
    // Month 6 (July 4): $186,000 in by July 1 and no month to go.
    expect(forecast(6)).toEqual([186_000, 480_000, 'Red']);
    // Month 12 (January 4): $186,000 plus the quarter's $50,000 a month for six months, against $500,000.
    expect(forecast(12)).toEqual([486_000, 500_000, 'Yellow']);
  });
});

describe('a workbook without data', () => {
  it('shows no status on the Leadership Report, the PBRs or the PBR Scoreboard', async () => {
    const wb = await book(withoutExamples(ws.workbook));
    const statuses: string[] = [];
    for (const key of ['leadership_report', 'pbrs', 'pbr_scoreboard', 'dashboard']) {
      const values = wb.hf.getSheetValues(wb.sheetId(tab(key).name));
      values.forEach((line, r) => {
        line.forEach((v, c) => {
          if (v === 'Red' || v === 'Yellow' || v === 'Green')
            statuses.push(`${tab(key).name}!R${r + 1}C${c + 1}: ${v}`);
        });
      });
    }
    expect(statuses).toEqual([]);
  });
});
