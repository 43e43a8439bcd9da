// Edge inputs as spreadsheets read them: scores on a half, direction words, booleans and text (domain = HyperFormula = Apps Script).
import type { RawCellContent } from 'hyperformula';
import { beforeAll, describe, expect, it } from 'vitest';
import { rygStatus } from '../../src/domain/ryg.js';
import { partnerScore, recommend, type ScoringModel } from '../../src/domain/scoring.js';
import { type CellValue, createSpreadsheetFakes } from '../fakes/spreadsheet-app.js';
import { type BundleGlobals, loadAppsScriptBundle } from '../helpers/apps-script-bundle.js';
import { type CompiledWorkbook, loadCompiledWorkbook } from '../helpers/compiled-workbook.js';

/** A cell as a leader leaves it: a number, a text, TRUE/FALSE, or blank (null). */
type Cell = number | string | boolean | null;

/** The cell as typed into the engine: text that looks like a number stays text (as '10 does in a sheet). */
const hfCell = (v: Cell): RawCellContent =>
  typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? `'${v}` : v === '' ? null : v;
/** The cell as Apps Script's getValues hands it over: blank is "". */
const gasCell = (v: Cell): CellValue => v ?? '';

let wb: CompiledWorkbook;
let gas: BundleGlobals;
let criteria: string[];

beforeAll(async () => {
  wb = await loadCompiledWorkbook({ spreadsheetRound: true });
  gas = loadAppsScriptBundle(createSpreadsheetFakes());
  criteria = wb
    .tab('partner_scoring')
    .table!.columns.filter((c) => c.kind === 'rating')
    .map((c) => c.key);
}, 60_000);

interface Scored {
  score: unknown;
  recommendation: unknown;
}

/** Writes one weight into the Settings weights table: `type`'s row (0 = the first type), `criterion`'s column. */
function setWeight(book: CompiledWorkbook, type: number, criterion: number, value: number): void {
  const at = book.book.names.get('Weights')!;
  book.book.hf.setCellContents(
    { sheet: book.book.sheetId(at.sheet), row: at.row - 1 + type, col: at.col - 1 + criterion },
    value,
  );
}

/**
 * One partner row scored three ways under the given weights (padded with 0) and thresholds. The weights go
 * into the first type's row on Settings and the partner's type is that type's name.
 */
function scoreThreeWays(
  book: CompiledWorkbook,
  weights: readonly number[],
  ratings: readonly Cell[],
  thresholds = { pursueAt: 70, nurtureAt: 45 },
): { sheet: Scored; domain: Scored; script: Scored } {
  const w = criteria.map((_, i) => weights[i] ?? 0);
  const r = criteria.map((_, i) => ratings[i] ?? null);
  book.book.hf.suspendEvaluation(); // one recalculation for all the writes below
  w.forEach((weight, i) => {
    setWeight(book, 0, i, weight);
  });
  book.setNamed('MinCoverage', 0.5);
  book.setNamed('PursueAt', thresholds.pursueAt);
  book.setNamed('NurtureAt', thresholds.nurtureAt);
  const row = book.dataRow('partner_scoring', 0);
  book.set('partner_scoring', row, 'name', 'Edge case partner');
  book.set('partner_scoring', row, 'type', 'Referral');
  criteria.forEach((key, i) => {
    book.set('partner_scoring', row, key, hfCell(r[i]!));
  });
  book.book.hf.resumeEvaluation();
  const model: ScoringModel = {
    criteria: criteria.map((key, i) => ({ key, weight: w[i]! })),
    ...thresholds,
    minCoverage: 0.5,
  };
  const domainScore = partnerScore(Object.fromEntries(criteria.map((key, i) => [key, r[i]])), model);
  // PN_SCORE as the sheet would call it, with the Settings table: the first row is Referral's.
  const table = criteria.map(() => 0);
  const scriptScore = gas.PN_SCORE!([r.map(gasCell)], [w, table], 0.5, 'referral', [
    ['Referral'],
    ['Co-Sell'],
  ]);
  return {
    sheet: {
      score: book.get('partner_scoring', row, 'score'),
      recommendation: book.get('partner_scoring', row, 'recommendation'),
    },
    domain: { score: domainScore ?? '', recommendation: recommend(domainScore, model) },
    script: {
      score: scriptScore,
      recommendation: gas.PN_RECOMMEND!(scriptScore, thresholds.pursueAt, thresholds.nurtureAt),
    },
  };
}

/** The exact score 25·Σw(r−1)/Σw of one-decimal weights and whole ratings, rounded half away from zero. */
function exactRounded(weights: readonly number[], ratings: readonly (number | null)[]): number {
  let w10 = 0;
  let d10 = 0;
  ratings.forEach((r, i) => {
    if (r === null) return;
    const w = Math.round(weights[i]! * 10);
    w10 += w;
    d10 += w * (r - 1);
  });
  // score × 20 = 500·d10 / w10; on a half it is an odd whole number.
  const twenty = (500 * d10) / w10;
  expect(Number.isInteger(twenty) && Math.abs(twenty) % 2 === 1, 'the case lies exactly on a half').toBe(
    true,
  );
  return (Math.sign(twenty) * (Math.abs(twenty) + 1)) / 20;
}

const THE_28_65 = {
  weights: [2.1, 5, 8.3, 3.5, 4.8, 0.5, 3.1, 0.8, 3.5, 1.2, 13.8, 3.4],
  ratings: [1, 1, 1, 3, 1, 4, 3, 1, 1, 2, 4, 1],
};

const HALVES: { name: string; weights: number[]; ratings: (number | null)[]; rounded: number }[] = [
  { name: '28.65 whose SUMPRODUCT is 28.649999999999995', ...THE_28_65, rounded: 28.7 },
  {
    name: '28.65 near the default weights (28.650000000000006)',
    weights: [14, 13.4, 10, 10, 8, 6.6, 8, 8, 6, 6, 6, 4],
    ratings: [3, 1, 1, 4, 1, 2, 2, 2, 2, 1, 5, 2],
    rounded: 28.7,
  },
  { name: '49.75 (49.74999999999999)', weights: [5.2, 8.2, 6.6], ratings: [2, 2, 5], rounded: 49.8 },
  { name: '58.75 (58.74999999999999)', weights: [3.2, 3.9, 5.2, 3.7], ratings: [4, 4, 2, 4], rounded: 58.8 },
  { name: '6.25 (6.249999999999998)', weights: [1.2, 0.4], ratings: [1, 2], rounded: 6.3 },
  { name: '81.25, exact in binary', weights: [50, 30, 20], ratings: [5, 3, null], rounded: 81.3 },
  { name: '−6.25 from a negative weight, exact', weights: [10, -2], ratings: [1, 2], rounded: -6.3 },
  {
    name: '−21.25 from a negative weight (−21.249999999999993)',
    weights: [-11.4, 7.4, 3.9, 2.1],
    ratings: [3, 3, 1, 4],
    rounded: -21.3,
  },
];

describe('scores exactly on a half', () => {
  it.each(HALVES)('$name rounds half away from zero in the domain, the sheet and the script', (c) => {
    expect(exactRounded(c.weights, c.ratings)).toBe(c.rounded);
    const { sheet, domain, script } = scoreThreeWays(wb, c.weights, c.ratings);
    expect(domain.score).toBe(c.rounded);
    expect(sheet).toEqual(domain);
    expect(script).toEqual(domain);
  });

  it('gives the recommendation at the threshold: 28.65 is Nurture when nurturing starts at 28.7', () => {
    const at = { pursueAt: 70, nurtureAt: 28.7 };
    const { sheet, domain, script } = scoreThreeWays(wb, THE_28_65.weights, THE_28_65.ratings, at);
    expect(domain).toEqual({ score: 28.7, recommendation: 'Nurture' });
    expect(sheet).toEqual(domain);
    expect(script).toEqual(domain);
  });

  it('corrects to 15 significant digits, not more: an error of 7e-15 on −8.25 stays below the half', () => {
    const weights = [-9.7, 0.7, 6.8, 12.2];
    const ratings = [4, 1, 3, 2];
    expect(exactRounded(weights, ratings)).toBe(-8.3);
    const { sheet, domain, script } = scoreThreeWays(wb, weights, ratings);
    expect(domain.score).toBe(-8.2);
    expect(sheet).toEqual(domain);
    expect(script).toEqual(domain);
  });

  it("needs the corrected ROUND in the test engine: HyperFormula's own gives 28.6 (hyperformula#1746)", async () => {
    // When this fails, HyperFormula rounds like the spreadsheets and test/helpers/spreadsheet-round.ts can go.
    const plain = await loadCompiledWorkbook({ spreadsheetRound: false });
    const { sheet } = scoreThreeWays(plain, THE_28_65.weights, THE_28_65.ratings);
    expect(sheet.score).toBe(28.6);
  });
});

describe('booleans and text in rating cells are not ratings, in the domain, the sheet and the script', () => {
  const defaults = [14, 12, 10, 10, 8, 8, 8, 8, 6, 6, 6, 4];
  it.each<[string, Cell[], Scored]>([
    [
      'TRUE, FALSE, "4", "n/a" and blanks beside 5s',
      [5, true, 5, false, 5, '4', 5, 'n/a', 5, null, 5, 5],
      { score: 100, recommendation: 'Pursue' },
    ],
    [
      'TRUE where a 1 would pull the score down',
      [5, 5, 5, 5, 5, 5, 5, 5, true, true, true, true],
      { score: 100, recommendation: 'Pursue' },
    ],
    [
      'only booleans and text',
      [true, false, 'five', '3', true, true, true, true, true, true, true, true],
      {
        score: '',
        recommendation: 'Needs ratings',
      },
    ],
    [
      'TRUE on the four heaviest criteria: the other 54% of the weight is scored alone',
      [true, true, true, true, 3, 3, 3, 3, 3, 3, 3, 3],
      { score: 50, recommendation: 'Nurture' },
    ],
    [
      'TRUE on the six heaviest criteria leaves 38% of the weight rated: no score',
      [true, true, true, true, true, true, 3, 3, 3, 3, 3, 3],
      { score: '', recommendation: 'Needs ratings' },
    ],
  ])('%s', (_name, ratings, expected) => {
    const { sheet, domain, script } = scoreThreeWays(wb, defaults, ratings);
    expect(domain).toEqual(expected);
    expect(sheet).toEqual(domain);
    expect(script).toEqual(domain);
  });
});

interface StatusRow {
  actual: Cell;
  target: Cell;
  direction: Cell;
}

/** Writes the rows to the PBR Scoreboard and reads each status from the sheet, the domain, PN_RYG and the menu run. */
function statusesThreeWays(rows: readonly StatusRow[], band = 0.2) {
  wb.setNamed('RygYellowBand', band);
  const first = wb.dataRow('pbr_scoreboard', 0);
  rows.forEach((r, i) => {
    wb.set('pbr_scoreboard', first + i, 'direction', hfCell(r.direction));
    wb.set('pbr_scoreboard', first + i, 'target', hfCell(r.target));
    wb.set('pbr_scoreboard', first + i, 'actual', hfCell(r.actual));
  });
  const sheet = rows.map((_, i) => wb.get('pbr_scoreboard', first + i, 'status'));
  const domain = rows.map((r) => rygStatus(r.actual, r.target, r.direction, band) ?? '');
  const custom = rows.map((r) =>
    gas.PN_RYG!(gasCell(r.actual), gasCell(r.target), gasCell(r.direction), band),
  );

  // The menu's batch refresh, over the same rows on a fake PBR Scoreboard.
  const fakes = createSpreadsheetFakes();
  const settings = fakes.spreadsheet.insertSheet('Settings');
  settings.setCell(1, 1, band);
  fakes.spreadsheet.nameCell('RygYellowBand', settings, 1, 1);
  const pbr = fakes.spreadsheet.insertSheet('PBR Scoreboard');
  pbr.setRow(1, ['Partner', 'Better when', 'Target', 'Actual', 'Status']);
  rows.forEach((r, i) => {
    pbr.setRow(i + 2, ['P', gasCell(r.direction), gasCell(r.target), gasCell(r.actual), '']);
  });
  loadAppsScriptBundle(fakes).refreshPbrScoreboard!();
  const menu = pbr
    .getRange(2, 5, rows.length, 1)
    .getValues()
    .map((v) => v[0]);
  return { sheet, domain, custom, menu };
}

describe('direction words, matched case-insensitively with spaces trimmed', () => {
  const WORDS: Cell[] = [
    'lower',
    'LOWER',
    'Lower',
    'LoWeR',
    ' lower',
    'lower  ',
    'higher',
    'HIGHER',
    ' Higher ',
    null,
    'low',
    'lower.',
    'not lower',
    true,
    5,
  ];
  const LOWER_WORDS = new Set<Cell>(['lower', 'LOWER', 'Lower', 'LoWeR', ' lower', 'lower  ']);

  it('read every word the same way in the domain, the sheet formula, PN_RYG and the scoreboard refresh', () => {
    // 12 against 10 is Green when higher is better and Yellow when lower is; 8 the other way round.
    const rows = WORDS.flatMap((direction) => [
      { actual: 12, target: 10, direction },
      { actual: 8, target: 10, direction },
    ]);
    const { sheet, domain, custom, menu } = statusesThreeWays(rows);
    expect(domain).toEqual(
      WORDS.flatMap((w) => (LOWER_WORDS.has(w) ? ['Yellow', 'Green'] : ['Green', 'Yellow'])),
    );
    expect(sheet).toEqual(domain);
    expect(custom).toEqual(domain);
    expect(menu).toEqual(domain);
  });
});

describe('booleans and text in actual and target cells', () => {
  const VALUES: Cell[] = [10, 8, 12, 0, null, 'n/a', 'ten', '10', true, false];
  const isNumber = (v: Cell) => typeof v === 'number';

  it('give a blank status unless both are numbers, in the domain, the sheet, PN_RYG and the refresh', () => {
    const rows = VALUES.flatMap((actual) =>
      VALUES.flatMap((target) => ['higher', 'LOWER'].map((direction) => ({ actual, target, direction }))),
    );
    const { sheet, domain, custom, menu } = statusesThreeWays(rows);
    rows.forEach((r, i) => {
      if (!isNumber(r.actual) || !isNumber(r.target)) expect(domain[i], JSON.stringify(r)).toBe('');
    });
    expect(new Set(domain)).toEqual(new Set(['Green', 'Yellow', 'Red', '']));
    expect(sheet).toEqual(domain);
    expect(custom).toEqual(domain);
    expect(menu).toEqual(domain);
  });

  it('leave the Leadership Report statuses blank for a text or boolean target, and match the domain otherwise', () => {
    const report = wb.tab('leadership_report');
    const sheet = wb.book.sheetId(report.name);
    const statusCells = report.cells.filter((c) => c.col === 4 && /"Green"/.test(c.formula ?? ''));
    expect(statusCells.length).toBeGreaterThanOrEqual(4);
    wb.setNamed('RygYellowBand', 0.2);
    const pairs: [Cell, Cell][] = [
      [10, 10],
      [8, 10],
      [12, 10],
      [13, 10],
      [7, 10],
      [10, 'n/a'],
      [10, 'ten'],
      [10, true],
      [10, '10'],
      ['n/a', 10],
      [false, 10],
      [null, 10],
    ];
    for (const cell of statusCells) {
      const lower = /B\d+<=C\d+/.test(cell.formula!);
      const row = cell.row - 1;
      const seen: unknown[] = [];
      for (const [actual, target] of pairs) {
        wb.book.hf.setCellContents({ sheet, row, col: 1 }, hfCell(actual));
        wb.book.hf.setCellContents({ sheet, row, col: 2 }, hfCell(target));
        const got = wb.book.hf.getCellValue({ sheet, row, col: 3 });
        const want = rygStatus(actual, target, lower ? 'lower' : 'higher', 0.2) ?? '';
        expect(got, `D${cell.row} with ${JSON.stringify([actual, target])}`).toBe(want);
        seen.push(got);
      }
      expect(new Set(seen)).toEqual(new Set(['Green', 'Yellow', 'Red', '']));
    }
  });
});
