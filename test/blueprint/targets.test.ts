// KPI targets per partnership type: scaled to the company, overridable, and the same in every page and tab that reads them.
import type { RawCellContent } from 'hyperformula';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import type { DesiredWorkspace } from '../../src/blueprint/desired.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { targetedKpis, withCompanyTargets } from '../../src/blueprint/targets.js';
import { parseConfig } from '../../src/config/load.js';
import { workbookToXlsx } from '../../src/targets/local/xlsx.js';
import { loadXlsxIntoHyperFormula } from '../xlsx-workbook.js';

const bp = loadBlueprint();
const config = (raw: Record<string, unknown>) => parseConfig(raw, 'test', '2027-01-04');
const target = (raw: Record<string, unknown>, type: 'co-sell' | 'referral', key: string) =>
  targetedKpis(bp.types[type], config(raw)).find((k) => k.key === key)!;

describe('KPI targets for this company', () => {
  it("keeps each type's default for a company at the reference deal size and sales cycle", () => {
    const kpis = targetedKpis(bp.types['co-sell'], config({}));
    expect(kpis.map((k) => k.target)).toEqual(bp.types['co-sell'].kpis.map((k) => k.target));
  });

  it('scales dollar targets with the average deal size, to two significant digits, and leaves counts alone', () => {
    expect(
      target({ company: { average_deal_size: 80_000 } }, 'co-sell', 'partner_influenced_pipeline').target,
    ).toBe(480_000);
    // 240,000 × 55,555 / 40,000 = 333,330 -> 330,000.
    expect(
      target({ company: { average_deal_size: 55_555 } }, 'co-sell', 'partner_influenced_pipeline').target,
    ).toBe(330_000);
    expect(
      target({ company: { average_deal_size: 80_000 } }, 'co-sell', 'co_sell_opps_registered').target,
    ).toBe(6);
  });

  it('scales cycle-time targets with the sales cycle, in whole days', () => {
    const kpi = target({ company: { sales_cycle_days: 45 } }, 'co-sell', 'co_sell_cycle_days_saved');
    expect(kpi.target).toBe(7);
    expect(kpi.basis).toContain('45-day sales cycle');
  });

  it("takes the config's override over the scaled default, and says so", () => {
    const kpi = target(
      {
        company: { average_deal_size: 80_000 },
        targets: { by_type: { 'co-sell': { partner_influenced_pipeline: 1_000_000 } } },
      },
      'co-sell',
      'partner_influenced_pipeline',
    );
    expect(kpi.target).toBe(1_000_000);
    expect(kpi.basis).toBe('set in your config');
  });

  it('refuses an override of a KPI the type does not have, naming the ones it has', () => {
    const bad = config({ targets: { by_type: { 'co-sell': { referrals_per_partner_per_month: 15 } } } });
    expect(() => withCompanyTargets(bp, bad)).toThrow(
      /targets\.by_type\.co-sell\.referrals_per_partner_per_month/,
    );
    try {
      withCompanyTargets(bp, bad);
    } catch (e) {
      expect((e as { code: string; hint: string }).code).toBe('CONFIG_INVALID');
      expect((e as { hint: string }).hint).toContain('co_sell_opps_registered');
    }
  });

  it("reads an earlier config's monthly referral target as the referral type's override", () => {
    expect(
      target({ targets: { monthly_referrals_per_partner: 4 } }, 'referral', 'referrals_per_partner_per_month')
        .target,
    ).toBe(4);
  });

  it('gives the same targets when applied twice (compile and render both apply them)', () => {
    const c = config({ company: { average_deal_size: 60_000 } });
    const once = withCompanyTargets(bp, c);
    expect(withCompanyTargets(once, c).types['co-sell'].kpis).toEqual(once.types['co-sell'].kpis);
  });
});

const coSellService = config({
  partnership_types: ['co-sell', 'service-implementation'],
  company: { average_deal_size: 60_000 },
});
const ws: DesiredWorkspace = compile(bp, coSellService);

/** Every string the install writes: page bodies and every workbook cell's value or formula, with named ranges. */
function everything(w: DesiredWorkspace): { where: string; text: string }[] {
  return [
    ...w.pages.map((p) => ({ where: `page ${p.key}`, text: p.markdown })),
    { where: 'hub', text: w.hub.markdown },
    ...w.databases.flatMap((d) => [
      { where: `${d.key} description`, text: d.description },
      ...d.rows.map((r) => ({ where: `${d.key} row ${r.key}`, text: `${r.title}\n${r.markdown}` })),
    ]),
    ...w.workbook.tabs.flatMap((t) =>
      t.cells.map((c) => ({
        where: `${t.name}!R${c.row}C${c.col}`,
        text: String(c.formula ?? c.value ?? ''),
      })),
    ),
    ...w.workbook.namedRanges.map((n) => ({ where: `named range ${n.name}`, text: n.name })),
  ];
}

describe('a Co-Sell + Service/Implementation install', () => {
  it('has no referral-count target anywhere: no page, database, tab or named range', () => {
    const referralTarget =
      /referrals? (submitted )?per (active )?partner per month|\d+\+? (or more )?(monthly )?referrals|TargetReferralsPerPartner|referrals_per_partner/i;
    const hits = everything(ws)
      .filter((x) => referralTarget.test(x.text))
      .map((x) => `${x.where}: ${referralTarget.exec(x.text)?.[0]}`);
    expect(hits).toEqual([]);
  });

  it("states each type's reported targets, scaled to a $60,000 deal, the same on the plan, the report page and the Targets tab", () => {
    const spp = ws.pages.find((p) => p.key === 'page.strategic-partnering-plan')!.markdown;
    const report = ws.pages.find((p) => p.key === 'page.leadership-report')!.markdown;
    // Co-sell revenue: 80,000 at $40K -> 120,000 at $60K; service ARR: 25,000 -> 37,500, shown to two significant digits: 38,000.
    for (const page of [spp, report]) {
      expect(page).toContain('Co-sell opportunities registered');
      expect(page).toContain('$120,000');
      expect(page).toContain('Deals registered by the partner');
      expect(page).toContain('$38,000');
    }
    const targets = ws.workbook.tabs.find((t) => t.key === 'targets')!;
    const row = targets.cells.find((c) => c.value === 'partner_sourced_influenced_revenue')!.row;
    expect(targets.cells.find((c) => c.row === row && c.col === 6)?.formula).toBe(
      '=IFERROR(ROUND(80000*AverageDealSize/40000,1-INT(LOG10(80000*AverageDealSize/40000))),"")',
    );
  });
});

const EXCEL_EPOCH = Date.UTC(1899, 11, 30);
const serial = (iso: string) => (Date.parse(`${iso}T00:00:00Z`) - EXCEL_EPOCH) / 86_400_000;

describe("the Leadership Report's rows per type, evaluated", () => {
  it('computes each type against its own target, and shows no status where the type has no partner yet', async () => {
    const book = await loadXlsxIntoHyperFormula(await workbookToXlsx(ws.workbook));
    const tab = (key: string) => ws.workbook.tabs.find((t) => t.key === key)!;
    const set = (key: string, i: number, col: string, value: RawCellContent) => {
      const t = tab(key);
      const c = t.table!.columns.findIndex((x) => x.key === col);
      book.hf.setCellContents(
        { sheet: book.sheetId(t.name), row: t.table!.firstDataRow - 1 + i, col: c },
        value,
      );
    };
    const report = tab('leadership_report');
    const rowOf = (label: string) =>
      report.cells.find((c) => typeof c.value === 'string' && c.value.startsWith(label))!.row;
    const cell = (row: number, col: number) =>
      book.hf.getCellValue({ sheet: book.sheetId(report.name), row: row - 1, col: col - 1 });

    // A quarter after the example rows, so only the rows below count.
    const quarter = book.names.get('ReportQuarterStart')!;
    book.hf.setCellContents(
      { sheet: book.sheetId(quarter.sheet), row: quarter.row - 1, col: quarter.col - 1 },
      serial('2027-04-01'),
    );

    const opps = rowOf('Co-Sell: Co-sell opportunities registered');
    const coSellRevenue = rowOf('Co-Sell: Partner-sourced and influenced revenue');
    const deals = rowOf('Service/Implementation: Deals registered');
    const arr = rowOf('Service/Implementation: Partner-sourced new ARR');
    // Before any partner is Active: blanks, and no status at all.
    for (const r of [opps, coSellRevenue, deals, arr]) {
      expect(cell(r, 2)).toBe('');
      expect(cell(r, 4)).toBe('');
    }

    const partners = [
      ['Acme Cloud', 'Co-Sell', 'Active'],
      ['Beacon Data', 'Co-Sell', 'Active'],
      ['Cobalt Consulting', 'Service/Implementation', 'Active'],
      ['Dune Partners', 'Service/Implementation', 'Negotiating'],
    ];
    partners.forEach(([name, type, stage], i) => {
      set('partner_scoring', 10 + i, 'name', name!);
      set('partner_scoring', 10 + i, 'type', type!);
      set('partner_scoring', 10 + i, 'stage', stage!);
    });
    // Co-sell: 10 registrations in the quarter (one in the next quarter does not count) -> 5 per partner.
    const leads = [
      ...Array.from({ length: 6 }, () => 'Acme Cloud'),
      ...Array.from({ length: 4 }, () => 'Beacon Data'),
      ...Array.from({ length: 3 }, () => 'Cobalt Consulting'),
    ];
    leads.forEach((partner, i) => {
      set('referrals', 10 + i, 'name', `Prospect ${i}`);
      set('referrals', 10 + i, 'partner', partner);
      set('referrals', 10 + i, 'submitted_on', serial('2027-05-03'));
    });
    set('referrals', 30, 'name', 'Too late');
    set('referrals', 30, 'partner', 'Acme Cloud');
    set('referrals', 30, 'submitted_on', serial('2027-07-02'));
    // Revenue in the quarter: co-sell 100,000 + 80,000; service 40,000 (Dune is not Active but its row counts).
    [
      ['Acme Cloud', 100_000],
      ['Beacon Data', 80_000],
      ['Cobalt Consulting', 30_000],
      ['Dune Partners', 10_000],
    ].forEach(([partner, revenue], i) => {
      set('metrics', 10 + i, 'partner', partner!);
      set('metrics', 10 + i, 'month', serial('2027-05-01'));
      set('metrics', 10 + i, 'revenue', revenue!);
    });

    // Co-sell registrations: 10 / 2 active = 5 against 6; the yellow band (20%) starts at 4.8 -> Yellow.
    expect(cell(opps, 2)).toBe(5);
    expect(cell(opps, 3)).toBe(6);
    expect(cell(opps, 4)).toBe('Yellow');
    // Co-sell revenue: 180,000 / 2 = 90,000 against 120,000 (80,000 scaled to a $60K deal); 96,000 is yellow -> Red.
    expect(cell(coSellRevenue, 2)).toBe(90_000);
    expect(cell(coSellRevenue, 3)).toBe(120_000);
    expect(cell(coSellRevenue, 4)).toBe('Red');
    // Service registrations: 3 / 1 active = 3 against 2 -> Green.
    expect(cell(deals, 2)).toBe(3);
    expect(cell(deals, 4)).toBe('Green');
    // Service ARR: 40,000 / 1 active against 38,000 (37,500 to two significant digits) -> Green.
    expect(cell(arr, 2)).toBe(40_000);
    expect(cell(arr, 3)).toBe(38_000);
    expect(cell(arr, 4)).toBe('Green');

    // A new deal size on the Targets tab moves the dollar target, and the status with it.
    const size = book.names.get('AverageDealSize')!;
    book.hf.setCellContents(
      { sheet: book.sheetId(size.sheet), row: size.row - 1, col: size.col - 1 },
      45_000,
    );
    expect(cell(coSellRevenue, 3)).toBe(90_000);
    expect(cell(coSellRevenue, 4)).toBe('Green');
  });
});
