// The workbook's formulas, evaluated by a spreadsheet engine from the real .xlsx, agree with src/domain.
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import type { DesiredTab } from '../../src/blueprint/desired.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { type Direction, rygStatus } from '../../src/domain/ryg.js';
import { type ScoringByType, scorePartnersByType } from '../../src/domain/scoring.js';
import { PARTNERSHIP_TYPE_NAMES, PARTNERSHIP_TYPES } from '../../src/domain/types.js';
import { workbookToXlsx } from '../../src/targets/local/xlsx.js';
import { prng } from '../helpers.js';
import { type LoadedWorkbook, loadXlsxIntoHyperFormula } from '../xlsx-workbook.js';

const bp = loadBlueprint();
const ws = compile(bp, parseConfig({}, 'test', '2027-01-04'));
const criteria = bp.scoring.criteria;
let book: LoadedWorkbook;

function tab(key: string): DesiredTab {
  return ws.workbook.tabs.find((t) => t.key === key)!;
}
function colOf(tabKey: string, key: string): number {
  return tab(tabKey).table!.columns.findIndex((c) => c.key === key);
}

beforeAll(async () => {
  book = await loadXlsxIntoHyperFormula(await workbookToXlsx(ws.workbook));
}, 60_000);

/** A rating as a team might leave it: blank, a whole or half point, out of range, or text. */
function randomRating(rand: () => number): unknown {
  const x = rand();
  if (x < 0.3) return null;
  if (x < 0.8) return 1 + Math.floor(rand() * 5);
  if (x < 0.9) return Math.round((1 + rand() * 4) * 4) / 4;
  if (x < 0.95) return rand() < 0.5 ? 0 : 6;
  return 'n/a';
}

/** The six types' names, as the default install lists them on Settings (one weights row each). */
const TYPE_NAMES = PARTNERSHIP_TYPES.map((t) => PARTNERSHIP_TYPE_NAMES[t]);
/** What a Partnership type cell may hold: a listed type in any case, blank, or a type Settings does not list. */
const TYPE_CELLS = [...TYPE_NAMES, 'co-sell', 'INFLUENCER', null, 'Hyperscaler'];

/** Each set gives every type its own weights (one row per type, in the Settings order). */
const WEIGHT_SETS: [string, (rand: () => number) => number[][]][] = [
  ['defaults', () => PARTNERSHIP_TYPES.map((t) => criteria.map((c) => c.weights[t]))],
  ['all zero', () => TYPE_NAMES.map(() => criteria.map(() => 0))],
  ['one extreme weight', () => TYPE_NAMES.map((_, t) => criteria.map((_, i) => (i === t ? 1000 : 0.001)))],
  ['equal', () => TYPE_NAMES.map(() => criteria.map(() => 1))],
  ['random integers', (rand) => TYPE_NAMES.map(() => criteria.map(() => Math.floor(rand() * 21)))],
  ['random decimals', (rand) => TYPE_NAMES.map(() => criteria.map(() => Math.round(rand() * 1000) / 100))],
];

/** Writes one weights row per type into the Settings table (the Weights named range). */
function setWeights(weights: number[][]): void {
  const { hf, sheetId, names } = book;
  const at = names.get('Weights')!;
  expect(at.rows).toBe(TYPE_NAMES.length);
  weights.forEach((row, t) => {
    row.forEach((w, i) => {
      hf.setCellContents({ sheet: sheetId(at.sheet), row: at.row - 1 + t, col: at.col - 1 + i }, w);
    });
  });
}

function modelOf(weights: number[][], minCoverage: number): ScoringByType {
  return {
    criteria: criteria.map((c) => c.key),
    types: TYPE_NAMES.map((name, t) => ({ name, weights: weights[t]! })),
    pursueAt: bp.scoring.thresholds.pursue,
    nurtureAt: bp.scoring.thresholds.nurture,
    minCoverage,
  };
}

describe('Partner Scoring formulas', () => {
  it.each(WEIGHT_SETS.map(([name], i) => [name, i] as const))(
    'score, rank and recommendation match the domain with %s weights',
    (_name, setIndex) => {
      const rand = prng(1000 + setIndex);
      const weights = WEIGHT_SETS[setIndex]![1](rand);
      const { hf, sheetId, names } = book;
      hf.suspendEvaluation(); // one recalculation for all the writes below
      setWeights(weights);
      const minCoverage = setIndex === 3 ? 0 : 0.5;
      const mc = names.get('MinCoverage')!;
      hf.setCellContents({ sheet: sheetId(mc.sheet), row: mc.row - 1, col: mc.col - 1 }, minCoverage);

      const scoring = tab('partner_scoring');
      const sheet = sheetId(scoring.name);
      const first = scoring.table!.firstDataRow - 1;
      const partners = Array.from({ length: 40 }, (_, i) => ({
        name: `Partner ${i}`,
        type: TYPE_CELLS[i % TYPE_CELLS.length]!,
        ratings: Object.fromEntries(criteria.map((c) => [c.key, randomRating(rand)])),
      }));
      // Include the edge cases every time: all blank, all five, all one.
      partners[0]!.ratings = {};
      partners[1]!.ratings = Object.fromEntries(criteria.map((c) => [c.key, 5]));
      partners[2]!.ratings = Object.fromEntries(criteria.map((c) => [c.key, 1]));
      const nameCol = colOf('partner_scoring', 'name');
      partners.forEach((p, i) => {
        hf.setCellContents({ sheet, row: first + i, col: nameCol }, p.name);
        hf.setCellContents({ sheet, row: first + i, col: colOf('partner_scoring', 'type') }, p.type);
        criteria.forEach((c) => {
          const value = p.ratings[c.key];
          hf.setCellContents(
            { sheet, row: first + i, col: colOf('partner_scoring', c.key) },
            value === undefined ? null : (value as number | string | null),
          );
        });
      });
      // Clear the example rows below the generated ones so they do not take part in ranking.
      for (let i = partners.length; i < 10; i++) {
        for (let c = 0; c < scoring.table!.columns.length; c++) {
          if (scoring.table!.columns[c]!.kind !== 'formula')
            hf.setCellContents({ sheet, row: first + i, col: c }, null);
        }
      }

      hf.resumeEvaluation();
      const expected = scorePartnersByType(partners, modelOf(weights, minCoverage));
      const read = (row: number, key: string) =>
        hf.getCellValue({ sheet, row, col: colOf('partner_scoring', key) });
      const actual = partners.map((_, i) => ({
        score: read(first + i, 'score'),
        rank: read(first + i, 'rank'),
        recommendation: read(first + i, 'recommendation'),
      }));
      expect(actual).toEqual(
        expected.map((e) => ({ score: e.score ?? '', rank: e.rank ?? '', recommendation: e.recommendation })),
      );
      if (setIndex === 1) expect(expected.every((e) => e.recommendation === 'Needs ratings')).toBe(true);
      if (setIndex === 0)
        expect(new Set(expected.map((e) => e.recommendation)).size).toBeGreaterThanOrEqual(3);
    },
  );
});

describe('PBR Scoreboard status formula', () => {
  it('matches rygStatus on 200 generated cases, blanks and boundaries included', () => {
    const rand = prng(42);
    const { hf, sheetId, names } = book;
    const band = names.get('RygYellowBand')!;
    const bandValue = 0.2;
    hf.setCellContents({ sheet: sheetId(band.sheet), row: band.row - 1, col: band.col - 1 }, bandValue);
    const pbr = tab('pbr_scoreboard');
    const sheet = sheetId(pbr.name);
    const first = pbr.table!.firstDataRow - 1;
    const cases: { actual: number | null; target: number | null; direction: Direction }[] = [
      { actual: 10, target: 10, direction: 'higher' },
      { actual: 8, target: 10, direction: 'higher' },
      { actual: 12, target: 10, direction: 'lower' },
      { actual: 0, target: 0, direction: 'higher' },
      { actual: null, target: 5, direction: 'higher' },
      { actual: 5, target: null, direction: 'lower' },
    ];
    while (cases.length < 200) {
      const target = rand() < 0.05 ? null : Math.round(rand() * 200) / 2;
      const mult = [1, 0.8, 1.2, rand() * 2][Math.floor(rand() * 4)]!;
      const actual =
        rand() < 0.05
          ? null
          : target === null
            ? Math.round(rand() * 100)
            : Math.round(target * mult * 100) / 100;
      cases.push({ actual, target, direction: rand() < 0.5 ? 'higher' : 'lower' });
    }
    cases.forEach((c, i) => {
      hf.setCellContents({ sheet, row: first + i, col: colOf('pbr_scoreboard', 'direction') }, c.direction);
      hf.setCellContents({ sheet, row: first + i, col: colOf('pbr_scoreboard', 'target') }, c.target);
      hf.setCellContents({ sheet, row: first + i, col: colOf('pbr_scoreboard', 'actual') }, c.actual);
    });
    const actual = cases.map((_, i) =>
      hf.getCellValue({ sheet, row: first + i, col: colOf('pbr_scoreboard', 'status') }),
    );
    expect(actual).toEqual(cases.map((c) => rygStatus(c.actual, c.target, c.direction, bandValue) ?? ''));
    expect(new Set(actual)).toEqual(new Set(['Green', 'Yellow', 'Red', '']));
  });
});

describe('Archived rows (a page trashed in Notion)', () => {
  it('leave every total, stage count and rank; the other rows still match the domain', () => {
    const rand = prng(77);
    const { hf, sheetId, names } = book;
    const set = (name: string, value: number, offset = 0) => {
      const at = names.get(name)!;
      hf.setCellContents({ sheet: sheetId(at.sheet), row: at.row - 1 + offset, col: at.col - 1 }, value);
    };
    const defaults = PARTNERSHIP_TYPES.map((t) => criteria.map((c) => c.weights[t]));
    hf.suspendEvaluation(); // one recalculation for the Partner Scoring writes below
    setWeights(defaults);
    set('MinCoverage', bp.scoring.min_coverage);
    const clear = (tabKey: string, rows: number) => {
      const t = tab(tabKey);
      const sheet = sheetId(t.name);
      for (let r = 0; r < rows; r++)
        t.table!.columns.forEach((col, c) => {
          if (col.kind !== 'formula')
            hf.setCellContents({ sheet, row: t.table!.firstDataRow - 1 + r, col: c }, null);
        });
    };

    // Partner Scoring: every third partner archived.
    const scoring = tab('partner_scoring');
    const sheet = sheetId(scoring.name);
    const first = scoring.table!.firstDataRow - 1;
    clear('partner_scoring', 50);
    const partners = Array.from({ length: 15 }, (_, i) => ({
      name: `Partner ${i}`,
      type: TYPE_CELLS[i % TYPE_CELLS.length]!,
      stage: i % 2 === 0 ? 'Active' : 'Scoring',
      archived: i % 3 === 0,
      ratings: Object.fromEntries(criteria.map((c) => [c.key, 1 + Math.floor(rand() * 5)])),
    }));
    partners.forEach((p, i) => {
      const put = (key: string, value: string | number | boolean) =>
        hf.setCellContents({ sheet, row: first + i, col: colOf('partner_scoring', key) }, value);
      put('name', p.name);
      if (p.type !== null) put('type', p.type);
      put('stage', p.stage);
      if (p.archived) put('archived', true);
      for (const c of criteria) put(c.key, p.ratings[c.key] as number);
    });
    hf.resumeEvaluation();
    const kept = partners.filter((p) => !p.archived);
    const expected = scorePartnersByType(kept, modelOf(defaults, bp.scoring.min_coverage));
    const read = (row: number, key: string) =>
      hf.getCellValue({ sheet, row, col: colOf('partner_scoring', key) });
    const keptRows = partners.flatMap((p, i) => (p.archived ? [] : [i]));
    expect(keptRows.map((i) => ({ score: read(first + i, 'score'), rank: read(first + i, 'rank') }))).toEqual(
      expected.map((e) => ({ score: e.score ?? '', rank: e.rank ?? '' })),
    );
    for (const [i, p] of partners.entries()) if (p.archived) expect(read(first + i, 'rank')).toBe('');

    const dashboard = sheetId(tab('dashboard').name);
    const activeRow =
      4 +
      [
        'Sourced',
        'Researching',
        'Discovery',
        'Scoring',
        'Negotiating',
        'Signed',
        'Launching',
        'Active',
      ].indexOf('Active');
    const activeKept = kept.filter((p) => p.stage === 'Active').length;
    expect(activeKept).toBeLessThan(partners.filter((p) => p.stage === 'Active').length);
    expect(hf.getCellValue({ sheet: dashboard, row: activeRow, col: 11 })).toBe(activeKept);
    const report = sheetId(tab('leadership_report').name);
    expect(hf.getCellValue({ sheet: report, row: 6, col: 1 })).toBe(activeKept);

    // Metrics: every fourth row archived, in the Dashboard's first two months.
    const metrics = tab('metrics');
    const msheet = sheetId(metrics.name);
    const mfirst = metrics.table!.firstDataRow - 1;
    hf.suspendEvaluation();
    clear('metrics', 20);
    hf.resumeEvaluation();
    const months = [0, 1].map((r) => hf.getCellValue({ sheet: dashboard, row: 4 + r, col: 0 }) as number);
    const rows = Array.from({ length: 16 }, (_, i) => ({
      partner: `Partner ${i % 3}`,
      month: months[i % 2]!,
      leads: Math.floor(rand() * 10),
      revenue: Math.floor(rand() * 1000),
      archived: i % 4 === 1,
    }));
    hf.suspendEvaluation();
    rows.forEach((m, i) => {
      const put = (key: string, value: string | number | boolean) =>
        hf.setCellContents({ sheet: msheet, row: mfirst + i, col: colOf('metrics', key) }, value);
      put('partner', m.partner);
      put('month', m.month);
      put('leads', m.leads);
      put('revenue', m.revenue);
      if (m.archived) put('archived', true);
    });
    hf.resumeEvaluation();
    const live = rows.filter((m) => !m.archived);
    const dash = (row: number, col: number) => hf.getCellValue({ sheet: dashboard, row, col });
    for (const [r, month] of months.entries()) {
      const inMonth = live.filter((m) => m.month === month);
      expect(dash(4 + r, 1)).toBe(inMonth.filter((m) => m.leads > 0).length); // active partners
      expect(dash(4 + r, 2)).toBe(inMonth.reduce((n, m) => n + m.leads, 0)); // leads
      expect(dash(4 + r, 5)).toBe(inMonth.reduce((n, m) => n + m.revenue, 0)); // revenue
    }
    expect(rows.reduce((n, m) => n + m.leads, 0)).toBeGreaterThan(live.reduce((n, m) => n + m.leads, 0));

    // Leads to date per partner (Dashboard N/O) count that partner's rows on Referrals, archived ones left
    // out; the Leadership Report counts the quarter's referrals by Submitted on.
    const referrals = tab('referrals');
    const rsheet = sheetId(referrals.name);
    const rfirst = referrals.table!.firstDataRow - 1;
    hf.suspendEvaluation();
    clear('referrals', 30);
    hf.resumeEvaluation();
    const quarterStart = hf.getCellValue({ sheet: report, row: 2, col: 1 }) as number;
    const leads = Array.from({ length: 25 }, (_, i) => ({
      partner: `Partner ${i % 4}`,
      submitted: quarterStart - 30 + Math.floor(rand() * 150),
      archived: i % 5 === 2,
    }));
    hf.suspendEvaluation();
    leads.forEach((l, i) => {
      const put = (key: string, value: string | number | boolean) =>
        hf.setCellContents({ sheet: rsheet, row: rfirst + i, col: colOf('referrals', key) }, value);
      put('name', `Prospect ${i}`);
      put('partner', l.partner);
      put('submitted_on', l.submitted);
      if (l.archived) put('archived', true);
    });
    hf.resumeEvaluation();
    const counted = leads.filter((l) => !l.archived);
    for (let n = 0; n < 3; n++) {
      expect(dash(4 + n, 13)).toBe(`Partner ${n}`);
      expect(dash(4 + n, 14)).toBe(counted.filter((l) => l.partner === `Partner ${n}`).length);
    }
    expect(counted.length).toBeLessThan(leads.length);
    // Report quarter: [ReportQuarterStart, EDATE(ReportQuarterStart, 3)), as date serials.
    const start = new Date(Date.UTC(1899, 11, 30) + quarterStart * 86_400_000);
    const quarterEnd =
      (Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 3, start.getUTCDate()) -
        Date.UTC(1899, 11, 30)) /
      86_400_000;
    const inQuarter = counted.filter((l) => l.submitted >= quarterStart && l.submitted < quarterEnd);
    expect(inQuarter.length).toBeGreaterThan(0);
    expect(inQuarter.length).toBeLessThan(counted.length);
    expect(hf.getCellValue({ sheet: report, row: 7, col: 1 })).toBe(inQuarter.length);
  });
});

describe('PBRs overall scoreboard formula', () => {
  it('is the worst status of the partner and quarter on PBR Scoreboard, archived rows left out, blank when none', () => {
    const rand = prng(91);
    const { hf, sheetId, names } = book;
    const band = names.get('RygYellowBand')!;
    hf.setCellContents({ sheet: sheetId(band.sheet), row: band.row - 1, col: band.col - 1 }, 0.2);
    const board = tab('pbr_scoreboard');
    const bsheet = sheetId(board.name);
    const bfirst = board.table!.firstDataRow - 1;
    const clear = (t: DesiredTab, rows: number) => {
      for (let r = 0; r < rows; r++)
        t.table!.columns.forEach((col, c) => {
          if (col.kind !== 'formula')
            hf.setCellContents({ sheet: sheetId(t.name), row: t.table!.firstDataRow - 1 + r, col: c }, null);
        });
    };
    hf.suspendEvaluation();
    clear(board, 250);
    const partners = ['Alder', 'Birch', 'Cedar', 'Dogwood'];
    const quarters = ['Q1', 'Q2'];
    // Alder and Birch at random; Cedar green in Q1, and green in Q2 once its archived red is left out;
    // Dogwood yellow in Q1 (yellow beats green) and no KPI rows in Q2.
    const kpis = [
      ...Array.from({ length: 50 }, () => {
        const target = 10 + Math.floor(rand() * 90);
        const mult = [1.1, 0.9, 0.5][Math.floor(rand() * 3)]!;
        return {
          partner: partners[Math.floor(rand() * 2)]!,
          quarter: quarters[Math.floor(rand() * 2)]!,
          target,
          actual: rand() < 0.15 ? null : Math.round(target * mult * 100) / 100,
          archived: rand() < 0.2,
        };
      }),
      { partner: 'Cedar', quarter: 'Q1', target: 10, actual: 12, archived: false },
      { partner: 'Cedar', quarter: 'Q1', target: 10, actual: null, archived: false },
      { partner: 'Cedar', quarter: 'Q2', target: 10, actual: 10, archived: false },
      { partner: 'Cedar', quarter: 'Q2', target: 10, actual: 1, archived: true },
      { partner: 'Dogwood', quarter: 'Q1', target: 10, actual: 11, archived: false },
      { partner: 'Dogwood', quarter: 'Q1', target: 10, actual: 9, archived: false },
    ];
    kpis.forEach((k, i) => {
      const put = (key: string, value: string | number | boolean | null) =>
        hf.setCellContents({ sheet: bsheet, row: bfirst + i, col: colOf('pbr_scoreboard', key) }, value);
      put('partner', k.partner);
      put('quarter', k.quarter);
      put('direction', 'higher');
      put('target', k.target);
      put('actual', k.actual);
      if (k.archived) put('archived', true);
    });
    const pbrs = tab('pbrs');
    const psheet = sheetId(pbrs.name);
    const pfirst = pbrs.table!.firstDataRow - 1;
    clear(pbrs, 20);
    const cases = [
      ...partners.flatMap((partner) => quarters.map((quarter) => ({ partner, quarter }))),
      { partner: '', quarter: 'Q1' },
      { partner: 'Alder', quarter: '' },
      { partner: 'Alder', quarter: 'Q3' },
    ];
    cases.forEach((c, i) => {
      hf.setCellContents({ sheet: psheet, row: pfirst + i, col: colOf('pbrs', 'name') }, `PBR ${i}`);
      hf.setCellContents(
        { sheet: psheet, row: pfirst + i, col: colOf('pbrs', 'partner') },
        c.partner || null,
      );
      hf.setCellContents(
        { sheet: psheet, row: pfirst + i, col: colOf('pbrs', 'quarter') },
        c.quarter || null,
      );
    });
    hf.resumeEvaluation();
    const order = ['Red', 'Yellow', 'Green'] as const;
    const expected = cases.map((c) => {
      if (!c.partner || !c.quarter) return '';
      const statuses = kpis
        .filter((k) => !k.archived && k.partner === c.partner && k.quarter === c.quarter)
        .map((k) => rygStatus(k.actual, k.target, 'higher', 0.2));
      return order.find((s) => statuses.includes(s)) ?? '';
    });
    const actual = cases.map((_, i) =>
      hf.getCellValue({ sheet: psheet, row: pfirst + i, col: colOf('pbrs', 'scoreboard') }),
    );
    expect(actual).toEqual(expected);
    // The cases cover every outcome, including an archived red that would otherwise decide one.
    expect(new Set(expected)).toEqual(new Set(['Red', 'Yellow', 'Green', '']));
    expect(actual[partners.indexOf('Cedar') * 2 + 1]).toBe('Green');
  });
});

describe('Dashboard program progress', () => {
  it('counts roadmap steps Done out of all steps, archived steps left out', () => {
    const { hf, sheetId } = book;
    const roadmap = tab('roadmap');
    const sheet = sheetId(roadmap.name);
    const first = roadmap.table!.firstDataRow - 1;
    const statuses = [
      'Done',
      'In progress',
      'Done',
      'Not started',
      'Done',
      'Gate review',
      'Done',
      'Not started',
    ];
    const archived = [false, false, true, false, false, false, false, true];
    statuses.forEach((status, i) => {
      hf.setCellContents({ sheet, row: first + i, col: colOf('roadmap', 'name') }, `Step ${i + 1}`);
      hf.setCellContents({ sheet, row: first + i, col: colOf('roadmap', 'status') }, status);
      if (archived[i]) hf.setCellContents({ sheet, row: first + i, col: colOf('roadmap', 'archived') }, true);
    });
    const dashboard = sheetId(tab('dashboard').name);
    const at = (a1: string) => {
      const cell = tab('dashboard').cells.find((c) => `${String.fromCharCode(64 + c.col)}${c.row}` === a1)!;
      return hf.getCellValue({ sheet: dashboard, row: cell.row - 1, col: cell.col - 1 });
    };
    expect(at('K16')).toBe('Program progress');
    expect(at('L17')).toBe(3); // Done, not archived
    expect(at('L18')).toBe(6);
    expect(at('L16')).toBeCloseTo(0.5, 10);
    // An empty roadmap shows no percentage rather than an error.
    for (let i = 0; i < statuses.length; i++)
      roadmap.table!.columns.forEach((col, c) => {
        if (col.kind !== 'formula') hf.setCellContents({ sheet, row: first + i, col: c }, null);
      });
    expect(at('L18')).toBe(0);
    expect(at('L16')).toBe('');
  });
});
