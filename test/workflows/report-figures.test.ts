// The report's headline figures are the Leadership Report tab's: the pure computation the local install uses and
// the tab reader the Sheets path uses both give exactly what the workbook's own formulas give for the same rows.
import { describe, expect, it } from 'vitest';
import { chartData, HEADLINES, headlineValues } from '../../src/workflows/report/compute.js';
import { exampleReportData, type ReportData } from '../../src/workflows/report/data.js';
import { headlinesFromTab } from '../../src/workflows/report/sheets.js';
import {
  seedSecondQuarter,
  serial,
  type World,
  withoutExamples,
  workspace,
  world,
} from './report-scenario.js';

/** Every headline figure as the tab shows it: a number, or null for its blank. */
function fromTab(w: World): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  for (const h of HEADLINES) {
    out[h.key] = num(w.at(h.row, h.now.col));
    if (h.before) out[`${h.key}.before`] = num(w.at(h.row, h.before.col));
  }
  return out;
}

/** Equal to the engine's 10 or so significant digits. */
function expectSame(actual: Record<string, number | null>, expected: Record<string, number | null>) {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [key, want] of Object.entries(expected)) {
    const got = actual[key];
    if (want === null || got === null || got === undefined) expect(got, key).toBe(want);
    else expect(got, key).toBeCloseTo(want, 9);
  }
}

describe("the report's figures equal the Leadership Report tab's", () => {
  it('for the second-quarter rows worked out by hand', async () => {
    const w = await world();
    seedSecondQuarter(w);
    const tab = fromTab(w);
    // A few of the hand-checked figures (test/blueprint/leadership-report.test.ts), so a tab that went blank fails.
    expect(tab.sourcedPipeline).toBe(150_000);
    expect(tab.sourcedBookings).toBe(60_000);
    expect(tab.sourcedShare).toBe(0.2);
    expect(tab.partnerCac).toBe(8_000);
    expect(tab.directCac).toBe(15_000);
    expect(tab.profit).toBe(91_000);
    expectSame(headlineValues(w.data(), serial('2027-04-01')), tab);
    expectSame(headlinesFromTab(w.tabGrid()), tab);
  }, 120_000);

  it("for the example rows, in the examples' quarter and the one after", async () => {
    const w = await world();
    for (const start of ['2027-01-01', '2027-04-01']) {
      w.setNamed('ReportQuarterStart', serial(start));
      const tab = fromTab(w);
      expectSame(headlineValues(w.data(), serial(start)), tab);
      expectSame(headlinesFromTab(w.tabGrid()), tab);
    }
    // The local install reads the examples from the compiled workbook, not from an engine: the same rows.
    const filled = (d: ReportData) => ({
      ...d,
      partners: d.partners.filter((r) => r.name !== ''),
      referrals: d.referrals.filter((r) => r.name !== ''),
      metrics: d.metrics.filter((r) => r.partner !== ''),
    });
    const examples = exampleReportData(workspace.workbook);
    expect(examples.metrics.length).toBeGreaterThan(0);
    expect(filled(examples)).toEqual(filled(w.data()));
  }, 120_000);

  it('for a workbook without rows: blanks where the tab is blank, zeros where it counts', async () => {
    const w = await world(withoutExamples(workspace.workbook));
    w.setNamed('ReportQuarterStart', serial('2027-01-01'));
    const tab = fromTab(w);
    expect(tab.sourcedPipeline).toBeNull();
    expect(tab.signed).toBe(0);
    expectSame(headlineValues(w.data(), serial('2027-01-01')), tab);
  }, 120_000);
});

describe("the charts' series", () => {
  it('draw the months, stages and top partners of the rows, leaving archived rows out', async () => {
    const w = await world();
    seedSecondQuarter(w);
    const start = serial('2027-04-01');
    const values = headlineValues(w.data(), start);
    const charts = chartData(
      w.data(),
      start,
      HEADLINES.map((h) => ({ key: h.key, label: h.label, format: h.format, now: values[h.key] ?? null })),
    );
    const month = (m: string) => charts.months.filter((x) => x.month === m).map((x) => x.value);
    // Pipeline (referral value submitted) and revenue (Metrics), January to June; the archived R5 and Dormant left out.
    expect(charts.months.map((m) => m.month)).toEqual(
      ['2027-01', '2027-02', '2027-03', '2027-04', '2027-05', '2027-06'].flatMap((m) => [m, m]),
    );
    expect(month('2027-03')).toEqual([0, 10_000]);
    expect(month('2027-04')).toEqual([100_000, 50_000]);
    expect(month('2027-05')).toEqual([30_000, 30_000]);
    // $60,000 sourced and $30,000 influenced of $300,000 new bookings.
    expect(charts.bookings.map((b) => b.source)).toEqual([
      'Partner-sourced',
      'Partner-influenced',
      'Direct and other',
    ]);
    charts.bookings.forEach((b, i) => {
      expect(b.value).toBeCloseTo([0.2, 0.1, 0.7][i]!, 9);
    });
    // Pipeline and revenue of the report quarter drawn in full, the quarter before lighter.
    expect(charts.months.filter((m) => m.current).map((m) => m.month)).toEqual(
      ['2027-04', '2027-05', '2027-06'].flatMap((m) => [m, m]),
    );
    expect(charts.cac).toEqual([
      { who: 'Partner', value: 8_000 },
      { who: 'Direct', value: 15_000 },
    ]);
    // In the order of the Stage drop-down: the examples' four stages, then Active.
    expect(charts.stages.map((s) => s.stage)).toEqual([
      'Sourced',
      'Researching',
      'Discovery',
      'Scoring',
      'Active',
    ]);
    expect(charts.stages.find((s) => s.stage === 'Active')?.partners).toBe(3);
    expect(charts.topPartners).toEqual([
      { partner: 'Acme Cloud', revenue: 80_000 },
      { partner: 'Cobalt Consulting', revenue: 20_000 },
      { partner: 'Beacon Data', revenue: 15_000 },
    ]);
  }, 120_000);
});
