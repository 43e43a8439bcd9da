// The workbook's formulas, evaluated by a spreadsheet engine from the real .xlsx, agree with src/domain.
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import type { DesiredTab } from '../../src/blueprint/desired.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { type Direction, rygStatus } from '../../src/domain/ryg.js';
import { type ScoringModel, scorePartners } from '../../src/domain/scoring.js';
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
});

/** A rating as a team might leave it: blank, a whole or half point, out of range, or text. */
function randomRating(rand: () => number): unknown {
  const x = rand();
  if (x < 0.3) return null;
  if (x < 0.8) return 1 + Math.floor(rand() * 5);
  if (x < 0.9) return Math.round((1 + rand() * 4) * 4) / 4;
  if (x < 0.95) return rand() < 0.5 ? 0 : 6;
  return 'n/a';
}

const WEIGHT_SETS: [string, (rand: () => number) => number[]][] = [
  ['defaults', () => criteria.map((c) => c.weight)],
  ['all zero', () => criteria.map(() => 0)],
  ['one extreme weight', () => criteria.map((_, i) => (i === 3 ? 1000 : 0.001))],
  ['equal', () => criteria.map(() => 1)],
  ['random integers', (rand) => criteria.map(() => Math.floor(rand() * 21))],
  ['random decimals', (rand) => criteria.map(() => Math.round(rand() * 1000) / 100)],
];

describe('Partner Scoring formulas', () => {
  it.each(WEIGHT_SETS.map(([name], i) => [name, i] as const))(
    'score, rank and recommendation match the domain with %s weights',
    (_name, setIndex) => {
      const rand = prng(1000 + setIndex);
      const weights = WEIGHT_SETS[setIndex]![1](rand);
      const { hf, sheetId, names } = book;
      const settings = names.get('Weights')!;
      weights.forEach((w, i) => {
        hf.setCellContents(
          { sheet: sheetId(settings.sheet), row: settings.row - 1 + i, col: settings.col - 1 },
          w,
        );
      });
      const minCoverage = setIndex === 3 ? 0 : 0.5;
      const mc = names.get('MinCoverage')!;
      hf.setCellContents({ sheet: sheetId(mc.sheet), row: mc.row - 1, col: mc.col - 1 }, minCoverage);

      const scoring = tab('partner_scoring');
      const sheet = sheetId(scoring.name);
      const first = scoring.table!.firstDataRow - 1;
      const partners = Array.from({ length: 40 }, (_, i) => ({
        name: `Partner ${i}`,
        ratings: Object.fromEntries(criteria.map((c) => [c.key, randomRating(rand)])),
      }));
      // Include the edge cases every time: all blank, all five, all one.
      partners[0]!.ratings = {};
      partners[1]!.ratings = Object.fromEntries(criteria.map((c) => [c.key, 5]));
      partners[2]!.ratings = Object.fromEntries(criteria.map((c) => [c.key, 1]));
      const nameCol = colOf('partner_scoring', 'name');
      partners.forEach((p, i) => {
        hf.setCellContents({ sheet, row: first + i, col: nameCol }, p.name);
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

      const model: ScoringModel = {
        criteria: criteria.map((c, i) => ({ key: c.key, weight: weights[i]! })),
        pursueAt: bp.scoring.thresholds.pursue,
        nurtureAt: bp.scoring.thresholds.nurture,
        minCoverage,
      };
      const expected = scorePartners(partners, model);
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
