// Scores with each partnership type's own weights: domain = HyperFormula (the compiled workbook) = Apps Script.
import type { RawCellContent } from 'hyperformula';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import type { DesiredWorkspace } from '../../src/blueprint/desired.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { type ScoringByType, scorePartnersByType } from '../../src/domain/scoring.js';
import {
  PARTNERSHIP_TYPE_NAMES,
  PARTNERSHIP_TYPES,
  type PartnershipTypeKey,
} from '../../src/domain/types.js';
import { workbookToXlsx } from '../../src/targets/local/xlsx.js';
import { type CellValue, createSpreadsheetFakes } from '../fakes/spreadsheet-app.js';
import { loadAppsScriptBundle } from '../helpers/apps-script-bundle.js';
import { withSpreadsheetRound } from '../helpers/spreadsheet-round.js';
import { type LoadedWorkbook, loadXlsxIntoHyperFormula } from '../xlsx-workbook.js';

/** A cell as a leader leaves it: a number, a text, TRUE/FALSE, or blank (null). */
type Cell = number | string | boolean | null;

interface Book {
  ws: DesiredWorkspace;
  book: LoadedWorkbook;
}

/** The workbook of an install with `types`, loaded with the spreadsheets' ROUND (see spreadsheet-round.ts). */
async function loadBook(types?: PartnershipTypeKey[]): Promise<Book> {
  const config = parseConfig(types ? { partnership_types: types } : {}, 'test', '2027-01-04');
  const ws = compile(loadBlueprint(), config);
  const book = await withSpreadsheetRound(async () =>
    loadXlsxIntoHyperFormula(await workbookToXlsx(ws.workbook)),
  );
  return { ws, book };
}

/** The cell as typed into the engine: text that looks like a number stays text. */
const hfCell = (v: Cell): RawCellContent =>
  typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? `'${v}` : v === '' ? null : v;

/** A named range's top-left cell and size on its tab, from the compiled workbook. */
function named(b: Book, name: string) {
  const range = b.ws.workbook.namedRanges.find((n) => n.name === name)!;
  const [, c1, r1, c2 = c1, r2 = r1] = /^\$([A-Z]+)\$(\d+)(?::\$([A-Z]+)\$(\d+))?$/.exec(range.range)!;
  const col = (letters: string) => [...letters].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
  return {
    tab: range.tab,
    row: Number(r1),
    col: col(c1!),
    rows: Number(r2) - Number(r1) + 1,
    cols: col(c2!) - col(c1!) + 1,
  };
}

/** The Settings weights table as the workbook holds it now: its type names and one weight row per type. */
function weightsTable(b: Book): { names: unknown[]; weights: unknown[][] } {
  const { hf, sheetId } = b.book;
  const w = named(b, 'Weights');
  const t = named(b, 'WeightTypes');
  const at = (tab: string, row: number, col: number) => hf.getCellValue({ sheet: sheetId(tab), row, col });
  return {
    names: Array.from({ length: t.rows }, (_, i) => at(t.tab, t.row - 1 + i, t.col - 1)),
    weights: Array.from({ length: w.rows }, (_, i) =>
      Array.from({ length: w.cols }, (_, j) => at(w.tab, w.row - 1 + i, w.col - 1 + j)),
    ),
  };
}

function setWeights(b: Book, typeRow: number, weights: readonly number[]): void {
  const w = named(b, 'Weights');
  b.book.hf.suspendEvaluation();
  weights.forEach((value, j) => {
    b.book.hf.setCellContents(
      { sheet: b.book.sheetId(w.tab), row: w.row - 1 + typeRow, col: w.col - 1 + j },
      value,
    );
  });
  b.book.hf.resumeEvaluation();
}

interface Row {
  type: Cell;
  ratings: readonly Cell[];
}
interface Result {
  score: unknown;
  rank: unknown;
  recommendation: unknown;
}

/**
 * Writes `rows` to Partner Scoring (the rows below them cleared) and returns each row's Score, Rank and
 * Recommendation three ways: the workbook's formulas, the domain over the Settings table, and the Apps Script
 * (its menu recompute over the same rows, and PN_SCORE per row with Weights and WeightTypes).
 */
function scoreThreeWays(b: Book, rows: readonly Row[]) {
  const { hf, sheetId } = b.book;
  const tab = b.ws.workbook.tabs.find((t) => t.key === 'partner_scoring')!;
  const table = tab.table!;
  const sheet = sheetId(tab.name);
  const colOf = (key: string) => table.columns.findIndex((c) => c.key === key);
  const ratingCols = table.columns.flatMap((c, i) => (c.kind === 'rating' ? [i] : []));
  const first = table.firstDataRow - 1;
  hf.suspendEvaluation();
  for (let r = 0; r < Math.max(rows.length, 150); r++)
    table.columns.forEach((c, i) => {
      if (c.kind !== 'formula') hf.setCellContents({ sheet, row: first + r, col: i }, null);
    });
  rows.forEach((row, r) => {
    hf.setCellContents({ sheet, row: first + r, col: colOf('name') }, `Partner ${r + 1}`);
    hf.setCellContents({ sheet, row: first + r, col: colOf('type') }, hfCell(row.type));
    ratingCols.forEach((col, i) => {
      hf.setCellContents({ sheet, row: first + r, col }, hfCell(row.ratings[i] ?? null));
    });
  });
  hf.resumeEvaluation();
  const read = (r: number, key: string) => hf.getCellValue({ sheet, row: first + r, col: colOf(key) });
  const sheetResults: Result[] = rows.map((_, r) => ({
    score: read(r, 'score'),
    rank: read(r, 'rank'),
    recommendation: read(r, 'recommendation'),
  }));

  const settings = (name: string) => {
    const at = named(b, name);
    return hf.getCellValue({ sheet: sheetId(at.tab), row: at.row - 1, col: at.col - 1 }) as number;
  };
  const { names, weights } = weightsTable(b);
  const criteria = ratingCols.map((col) => table.columns[col]!.key);
  const model: ScoringByType = {
    criteria,
    types: names.map((name, i) => ({ name: String(name), weights: weights[i] as number[] })),
    pursueAt: settings('PursueAt'),
    nurtureAt: settings('NurtureAt'),
    minCoverage: settings('MinCoverage'),
  };
  const domain: Result[] = scorePartnersByType(
    rows.map((row) => ({
      type: row.type,
      ratings: Object.fromEntries(criteria.map((k, i) => [k, row.ratings[i]])),
    })),
    model,
  ).map((s) => ({ score: s.score ?? '', rank: s.rank ?? '', recommendation: s.recommendation }));

  // The Apps Script: the same rows and Settings table on the fake SpreadsheetApp, recomputed from the menu.
  const fakes = createSpreadsheetFakes();
  const settingsSheet = fakes.spreadsheet.insertSheet('Settings');
  const put = (name: string, values: unknown[][]) => {
    const at = named(b, name);
    values.forEach((line, i) => {
      line.forEach((v, j) => {
        settingsSheet.setCell(at.row + i, at.col + j, (v ?? '') as CellValue);
      });
    });
    fakes.spreadsheet.nameCell(name, settingsSheet, at.row, at.col, at.rows, at.cols);
  };
  put('Weights', weights);
  put(
    'WeightTypes',
    names.map((n) => [n]),
  );
  for (const name of ['PursueAt', 'NurtureAt', 'MinCoverage']) put(name, [[settings(name)]]);
  const scoring = fakes.spreadsheet.insertSheet(tab.name);
  scoring.setRow(
    1,
    table.columns.map((c) => c.header),
  );
  rows.forEach((row, r) => {
    scoring.setRow(
      table.firstDataRow + r,
      table.columns.map((c, i): CellValue => {
        if (c.key === 'name') return `Partner ${r + 1}`;
        if (c.key === 'type') return row.type ?? '';
        const k = ratingCols.indexOf(i);
        return k >= 0 ? (row.ratings[k] ?? '') : '';
      }),
    );
  });
  const gas = loadAppsScriptBundle(fakes);
  gas.recalculateScores!();
  const menu: Result[] = rows.map((_, r) => ({
    score: scoring.valueAt(table.firstDataRow + r, colOf('score') + 1),
    rank: scoring.valueAt(table.firstDataRow + r, colOf('rank') + 1),
    recommendation: scoring.valueAt(table.firstDataRow + r, colOf('recommendation') + 1),
  }));
  const custom = rows.map((row) =>
    gas.PN_SCORE!(
      [row.ratings.map((v) => v ?? '')],
      weights,
      model.minCoverage,
      row.type ?? '',
      names.map((n) => [n]),
    ),
  );
  return { sheet: sheetResults, domain, menu, custom, model };
}

/** Whether the exact score, 25·Σw(r − 1)/Σw over the rated criteria, lies on a half of its last decimal. */
function onAHalf(weights: readonly number[], ratings: readonly Cell[]): boolean {
  let rated = 0;
  let sum = 0; // Σ w·(2r − 2), whole for whole weights and half-point ratings
  ratings.forEach((r, i) => {
    if (typeof r !== 'number' || r < 1 || r > 5) return;
    rated += weights[i]!;
    sum += weights[i]! * (2 * r - 2);
  });
  const twenty = (250 * sum) / rated; // score × 20
  return rated > 0 && Number.isInteger(twenty) && Math.abs(twenty) % 2 === 1;
}

const TYPE_CELLS: Cell[] = [
  ...PARTNERSHIP_TYPES.map((t) => PARTNERSHIP_TYPE_NAMES[t]),
  null,
  '',
  'co-sell',
  'MARKETPLACE',
  'service/implementation',
  'Hyperscaler',
  ' Co-Sell', // padded: MATCH does not trim, so this is an unknown type
  true,
  7,
];

/** Six different scores under the six types' weights, four of them exactly on a half (54.25, 50.25, …). */
const SIX_SCORES: Cell[] = [4.5, 3, 2, 5, 1, 3, 4, 2, 5, 2, 3, 1];

const VECTORS: Cell[][] = [
  [5, 5, 5, 3, 3, 5, 4, 3, 3, 4, 4, 4], // the scoring guide's worked example
  SIX_SCORES,
  [1.5, 2, 4, 3, 5, 2, 3, 4, 1, 5, 2, 3], // on a half for four types too
  [2, 4, 1, 5, 3, 2, 5, 1, 4, 3, 5, 2],
  [5, 1, 5, 1, 5, 1, 5, 1, 5, 1, 5, 1],
  [3.5, 4, 2, 5, null, 3, 4, null, 5, 2, 3, 1], // half points and blanks
  [4, true, 3, 'n/a', 5, '4', 2, false, 5, null, 3, 4], // booleans and text are not ratings
  [null, null, 5, 5, 5, null, null, 5, 5, null, 5, null], // enough weight rated for some types only
  [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
];

describe('scores per partnership type, all six types chosen', () => {
  let b: Book;
  beforeAll(async () => {
    b = await loadBook();
  }, 60_000);

  it('agree in the workbook, the domain and the Apps Script for every type, blank and unknown types included', () => {
    const rows = VECTORS.flatMap((ratings) => TYPE_CELLS.map((type) => ({ type, ratings })));
    const { sheet, domain, menu, custom, model } = scoreThreeWays(b, rows);
    expect(sheet).toEqual(domain);
    expect(menu).toEqual(domain);
    expect(custom).toEqual(domain.map((d) => d.score));

    // The cases reach every outcome, and some exact scores lie on a half of the last decimal.
    expect(new Set(domain.map((d) => d.recommendation))).toEqual(
      new Set(['Pursue', 'Nurture', 'Pass', 'Needs ratings']),
    );
    const halves = rows.filter((row) => {
      const set =
        model.types.find((t) => t.name.toLowerCase() === String(row.type).toLowerCase()) ?? model.types[0]!;
      return onAHalf(set.weights, row.ratings);
    });
    expect(halves.length).toBeGreaterThan(3);
  });

  it('gives the same ratings a different score under each type, and a blank or unknown type the first one', () => {
    const rows = TYPE_CELLS.map((type) => ({ type, ratings: SIX_SCORES }));
    const { sheet, domain } = scoreThreeWays(b, rows);
    expect(sheet).toEqual(domain);
    const byType = new Map(rows.map((row, i) => [row.type, domain[i]!.score]));
    const six = PARTNERSHIP_TYPES.map((t) => byType.get(PARTNERSHIP_TYPE_NAMES[t]));
    expect(new Set(six).size).toBe(6);
    expect(byType.get('co-sell')).toBe(byType.get('Co-Sell'));
    expect(byType.get('MARKETPLACE')).toBe(byType.get('Marketplace'));
    expect(byType.get('service/implementation')).toBe(byType.get('Service/Implementation'));
    for (const fallback of [null, '', 'Hyperscaler', ' Co-Sell', true, 7])
      expect(byType.get(fallback), String(fallback)).toBe(byType.get('Referral'));
  });

  it("uses the weights typed into the type's row on Settings, and only that row", () => {
    // 28.65 exactly, whose floating-point SUMPRODUCT is 28.649999999999995: the spreadsheets show 28.7.
    const weights = [2.1, 5, 8.3, 3.5, 4.8, 0.5, 3.1, 0.8, 3.5, 1.2, 13.8, 3.4];
    const ratings: Cell[] = [1, 1, 1, 3, 1, 4, 3, 1, 1, 2, 4, 1];
    const coSell = PARTNERSHIP_TYPES.indexOf('co-sell');
    setWeights(b, coSell, weights);
    try {
      const rows = ['CO-SELL', 'Co-Sell', 'Referral', ''].map((type) => ({ type, ratings }));
      const { sheet, domain, menu, custom } = scoreThreeWays(b, rows);
      expect(domain.map((d) => d.score)).toEqual([28.7, 28.7, 22, 22]);
      expect(sheet).toEqual(domain);
      expect(menu).toEqual(domain);
      expect(custom).toEqual(domain.map((d) => d.score));
    } finally {
      const bp = loadBlueprint();
      setWeights(
        b,
        coSell,
        bp.scoring.criteria.map((c) => c.weights['co-sell']),
      );
    }
  });
});

describe('scores per partnership type, Co-Sell and Service/Implementation chosen', () => {
  let b: Book;
  beforeAll(async () => {
    b = await loadBook(['co-sell', 'service-implementation']);
  }, 60_000);

  it('lists only the chosen types on Settings, and scores a blank or Referral row with the Co-Sell weights', () => {
    const { names } = weightsTable(b);
    expect(names).toEqual(['Co-Sell', 'Service/Implementation']);
    const rows = ['Co-Sell', 'Service/Implementation', '', 'Referral', 'service/IMPLEMENTATION'].flatMap(
      (type) => VECTORS.map((ratings) => ({ type, ratings })),
    );
    const { sheet, domain, menu, custom } = scoreThreeWays(b, rows);
    expect(sheet).toEqual(domain);
    expect(menu).toEqual(domain);
    expect(custom).toEqual(domain.map((d) => d.score));
    const scores = (type: string) => domain.filter((_, i) => rows[i]!.type === type).map((d) => d.score);
    expect(scores('')).toEqual(scores('Co-Sell'));
    expect(scores('Referral')).toEqual(scores('Co-Sell'));
    expect(scores('service/IMPLEMENTATION')).toEqual(scores('Service/Implementation'));
    expect(scores('Service/Implementation')).not.toEqual(scores('Co-Sell'));
  });
});
