// Runs the built Apps Script bundle (dist/apps-script/Code.js, built by globalSetup) in a vm context whose
// globals are in-memory fakes of SpreadsheetApp and LockService, calling its top-level functions the way
// Apps Script does, and checks them against the domain code in src/domain.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { rygStatus } from '../src/domain/ryg.js';
import {
  modelForType,
  partnerScore,
  type Recommendation,
  recommend,
  type ScoringByType,
  type ScoringModel,
  scorePartnersByType,
} from '../src/domain/scoring.js';
import { METADATA_SCRIPT } from '../src/targets/sheets/install.js';
import {
  type CellValue,
  createSpreadsheetFakes,
  type FakeSheet,
  FakeSpreadsheet,
  formatDate,
  installSpreadsheetFakes,
  type SpreadsheetFakes,
} from './fakes/spreadsheet-app.js';
import { prng } from './helpers.js';

const BUNDLE_PATH = fileURLToPath(new URL('../dist/apps-script/Code.js', import.meta.url));
const WORKBOOK_YAML = fileURLToPath(new URL('../templates/blueprint/workbook.yaml', import.meta.url));
const SCORING_YAML = fileURLToPath(new URL('../templates/scoring.yaml', import.meta.url));

interface Summary {
  partners: number;
  Pursue: number;
  Nurture: number;
  Pass: number;
  'Needs ratings': number;
}

interface BundleGlobals {
  Partnernomics: Record<string, unknown>;
  onOpen(): void;
  about(): void;
  recalculateScores(): Summary;
  PN_SCORE(...args: unknown[]): unknown;
  PN_RECOMMEND(...args: unknown[]): unknown;
  PN_RYG(...args: unknown[]): unknown;
  [name: string]: unknown;
}

let BUNDLE = '';
beforeAll(() => {
  BUNDLE = readFileSync(BUNDLE_PATH, 'utf8');
});

/** Evaluates the bundle as Apps Script does: one global scope holding the services and the functions. */
function loadBundle(fakes: SpreadsheetFakes): BundleGlobals {
  const context: Record<string, unknown> = {};
  installSpreadsheetFakes(fakes, context);
  vm.createContext(context);
  vm.runInContext(BUNDLE, context, { filename: 'Code.js' });
  return context as BundleGlobals;
}

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)] as T;
}

function int(rand: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo + 1));
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

// ---------------------------------------------------------------------------------------------------------
// The Partner Scoring tab as the workbook lays it out.

const CRITERIA = [
  'ICP overlap',
  'Trusted-advisor strength',
  'Non-competing revenue',
  'Customer reach',
  'Sales capacity',
  'Fit with partnering plan',
  'Executive sponsorship',
  'Incentive alignment',
  'Technical fit',
  'Reputation and brand',
  'Speed to first revenue',
  'Cultural fit',
] as const;
const HEADERS = [
  'Notion ID',
  'Partner',
  'Partnership type',
  'Stage',
  'Sourcing channel',
  'Owner',
  'Signed on',
  'Launch date',
  'Example',
  ...CRITERIA,
  'Rated weight',
  'Score',
  'Rank',
  'Recommendation',
  'Revenue in report quarter',
  'Revenue in quarter before',
  'Archived',
];
const col = (header: string): number => {
  const i = HEADERS.indexOf(header);
  if (i < 0) throw new Error(`no column ${header}`);
  return i + 1;
};
const FIRST_RATING = col('Example') + 1;
const SCORE = col('Score');
const RANK = col('Rank');
const REC = col('Recommendation');
const RESULT_COLS = [SCORE, RANK, REC];
/**
 * The Settings weights table, one row per type as the workbook lays it out (WeightTypes, Weights): not the
 * template's weights, with zeros, and different per type, so a script that uses one set for every partner,
 * or reads the Partner Scoring tab's row 2, cannot pass.
 */
const TYPE_WEIGHTS: Record<string, number[]> = {
  Referral: [3, 20, 0, 7, 11, 5, 9, 1, 15, 2, 6, 13],
  Affiliate: [20, 0, 0, 25, 10, 5, 0, 20, 0, 10, 10, 0],
  'Co-Sell': [10, 2, 8, 2, 14, 6, 12, 8, 18, 2, 2, 16],
  Marketplace: [18, 0, 6, 16, 4, 8, 2, 12, 20, 2, 12, 0],
};
const TYPE_NAMES = Object.keys(TYPE_WEIGHTS);
/** Where the weights table starts on the fixture's Settings tab (the type names' column). */
const WEIGHTS_AT = { row: 17, column: 8 };
/** What a partner's Partnership type cell may hold: the listed types, another case, blank, an unknown type. */
const TYPE_POOL: readonly CellValue[] = [...TYPE_NAMES, 'co-sell', 'MARKETPLACE', '', 'Hyperscaler'];
const SETTINGS = { PursueAt: 65, NurtureAt: 40, MinCoverage: 0.6 };

type Seed = CellValue | { formula: string; value?: CellValue };

interface Workbook {
  fakes: SpreadsheetFakes;
  scoring: FakeSheet;
  settings: FakeSheet;
  /** The sheet rows of the data (row 3 on), as values, for the domain oracle. */
  dataRows: CellValue[][];
}

const RATING_POOL: readonly CellValue[] = [
  1,
  2,
  3,
  4,
  5,
  1,
  2,
  3,
  4,
  5,
  1,
  2,
  3,
  4,
  5,
  2.5,
  4.5,
  '',
  '',
  '',
  0,
  6,
  'abc',
  '4',
  -1,
  true,
];

/**
 * Builds the workbook with `partners` named partners, interleaved with rows whose Partner is blank (some with
 * stray ratings). Each result cell is, at random, the sheet's formula (with a stale displayed value), a
 * value typed over the formula, or blank.
 */
function buildWorkbook(partners: number, seed: number, settings = SETTINGS): Workbook {
  const rand = prng(seed);
  const book = new FakeSpreadsheet();
  const fakes = createSpreadsheetFakes(book);
  const settingsSheet = book.insertSheet('Settings');
  settingsSheet.setCell(7, 8, 'Pursue at (score)');
  settingsSheet.setCell(8, 8, 'Nurture at (score)');
  settingsSheet.setCell(9, 8, 'Minimum rated weight');
  settingsSheet.setCell(7, 9, settings.PursueAt);
  settingsSheet.setCell(8, 9, settings.NurtureAt);
  settingsSheet.setCell(9, 9, settings.MinCoverage);
  book.nameCell('PursueAt', settingsSheet, 7, 9);
  book.nameCell('NurtureAt', settingsSheet, 8, 9);
  book.nameCell('MinCoverage', settingsSheet, 9, 9);
  TYPE_NAMES.forEach((name, t) => {
    settingsSheet.setRow(WEIGHTS_AT.row + t, [
      ...Array.from({ length: WEIGHTS_AT.column - 1 }, () => ''),
      name,
      ...TYPE_WEIGHTS[name]!,
    ]);
  });
  book.nameCell('WeightTypes', settingsSheet, WEIGHTS_AT.row, WEIGHTS_AT.column, TYPE_NAMES.length, 1);
  book.nameCell(
    'Weights',
    settingsSheet,
    WEIGHTS_AT.row,
    WEIGHTS_AT.column + 1,
    TYPE_NAMES.length,
    CRITERIA.length,
  );

  const scoring = book.insertSheet('Partner Scoring');
  scoring.setRow(1, HEADERS);
  const weightsRow: Seed[] = HEADERS.map(() => '');
  weightsRow[col('Partner') - 1] = 'Weights by type (edit on Settings)';
  CRITERIA.forEach((_, i) => {
    weightsRow[FIRST_RATING - 1 + i] = { formula: `=MIN(Settings!I17:I20)`, value: 50 + i };
  });
  scoring.setRow(2, weightsRow);

  const dataRows: CellValue[][] = [];
  let named = 0;
  let row = 3;
  while (named < partners) {
    const blank = row > 5 && rand() < 0.08;
    const cells: Seed[] = HEADERS.map(() => '');
    if (!blank) {
      named += 1;
      cells[0] = `nid-${row}`;
      cells[1] = row === 3 ? 'Example — Northwind Advisory' : `Partner ${row}`;
      cells[2] = pick(rand, TYPE_POOL);
      cells[3] = pick(rand, ['Sourced', 'Scoring', 'Signed', 'Active']);
      cells[4] = rand() < 0.3 ? new Date(Date.UTC(2026, int(rand, 0, 11), int(rand, 1, 28))) : '';
      cells[5] = row === 3 ? 'Example' : '';
    }
    const style = rand();
    CRITERIA.forEach((_, i) => {
      // Some partners have nothing rated; some blank rows carry stray ratings that must not be scored.
      if (style < 0.05 || (blank && style < 0.5)) return;
      cells[FIRST_RATING - 1 + i] = pick(rand, RATING_POOL);
    });
    cells[col('Rated weight') - 1] = { formula: `=SUMPRODUCT(Weights,ISNUMBER(G${row}:R${row}))`, value: 0 };
    const stale: CellValue[] = [
      int(rand, 0, 1000) / 10,
      int(rand, 1, 99),
      pick(rand, ['Pursue', 'Pass', 'Needs ratings']),
    ];
    RESULT_COLS.forEach((c, k) => {
      const p = rand();
      cells[c - 1] =
        p < 0.55
          ? { formula: `=IF(B${row}="","",X${row}+${k})`, value: stale[k] as CellValue }
          : p < 0.85
            ? (stale[k] as CellValue)
            : '';
    });
    if (row === 4 || row === 5) {
      // Fixed partners scoring exactly 0 (all 1s) and 100 (all 5s), with typed-over result cells.
      CRITERIA.forEach((_, i) => {
        cells[FIRST_RATING - 1 + i] = row === 4 ? 1 : 5;
      });
      RESULT_COLS.forEach((c, k) => {
        cells[c - 1] = stale[k] as CellValue;
      });
    }
    scoring.setRow(row, cells);
    dataRows.push(scoring.readBlock(row, 1, 1, HEADERS.length)[0] as CellValue[]);
    row += 1;
  }
  return { fakes, scoring, settings: settingsSheet, dataRows };
}

function domainModel(settings = SETTINGS): ScoringByType {
  return {
    criteria: CRITERIA,
    types: TYPE_NAMES.map((name) => ({ name, weights: TYPE_WEIGHTS[name]! })),
    pursueAt: settings.PursueAt,
    nurtureAt: settings.NurtureAt,
    minCoverage: settings.MinCoverage,
  };
}

/** The domain's results for the named rows, keyed by their index in dataRows. */
function expectedResults(dataRows: CellValue[][], settings = SETTINGS) {
  const named = dataRows
    .map((row, index) => ({ index, row }))
    .filter(({ row }) => row[col('Partner') - 1] !== '')
    .map(({ index, row }) => ({
      index,
      type: row[col('Partnership type') - 1],
      ratings: Object.fromEntries(CRITERIA.map((key, i) => [key, row[FIRST_RATING - 1 + i]])),
    }));
  const scored = scorePartnersByType(named, domainModel(settings));
  const byIndex = new Map(scored.map((s) => [s.partner.index, s]));
  const summary: Summary = { partners: scored.length, Pursue: 0, Nurture: 0, Pass: 0, 'Needs ratings': 0 };
  for (const s of scored) summary[s.recommendation] += 1;
  return { byIndex, summary };
}

function toastText(s: Summary): string {
  return `${s.partners} partners: ${s.Pursue} Pursue, ${s.Nurture} Nurture, ${s.Pass} Pass, ${s['Needs ratings']} need ratings.`;
}

// ---------------------------------------------------------------------------------------------------------

describe('the bundle', () => {
  it('lays out the fixture exactly as the workbook blueprint lays out Partner Scoring', () => {
    const workbook = parse(readFileSync(WORKBOOK_YAML, 'utf8')) as {
      tabs: {
        key: string;
        name: string;
        header_rows?: number;
        columns?: ({ header: string } | { generate: string })[];
      }[];
    };
    const scoringCriteria = (parse(readFileSync(SCORING_YAML, 'utf8')) as { criteria: { name: string }[] })
      .criteria;
    const tab = workbook.tabs.find((t) => t.key === 'partner_scoring');
    expect(tab?.name).toBe('Partner Scoring');
    expect(tab?.header_rows).toBe(2);
    const headers = (tab?.columns ?? []).flatMap((c) =>
      'generate' in c ? scoringCriteria.map((s) => s.name) : [c.header],
    );
    expect(headers).toEqual(HEADERS);
  });

  it('onOpen adds one Partnernomics menu whose items run top-level functions of the bundle', () => {
    const { fakes, scoring } = buildWorkbook(3, 7);
    const g = loadBundle(fakes);
    const topLevel = new Set([...BUNDLE.matchAll(/^function ([A-Za-z_$][\w$]*)\s*\(/gm)].map((m) => m[1]));

    g.onOpen();

    expect(fakes.ui.menus).toHaveLength(1);
    const menu = fakes.ui.menus[0]!;
    expect(menu.caption).toBe('Partnernomics');
    const items = menu.items.filter(
      (i): i is { caption: string; functionName: string } => 'functionName' in i,
    );
    expect(items.map((i) => i.caption)).toEqual([
      'Recalculate scores',
      'Refresh PBR scoreboard',
      'Build quarterly leadership report',
      'About',
    ]);
    expect(menu.items.some((i) => 'separator' in i)).toBe(true);
    for (const item of items) {
      expect(topLevel.has(item.functionName), `${item.functionName} is a top-level function`).toBe(true);
      expect(typeof g[item.functionName]).toBe('function');
    }

    // Running the items as the menu would: by name, from the global scope.
    (g[items.find((i) => i.caption === 'About')!.functionName] as () => void)();
    expect(fakes.ui.alerts).toHaveLength(1);
    expect(fakes.ui.alerts[0]).toMatch(/Partnernomics/);
    (g[items.find((i) => i.caption === 'Recalculate scores')!.functionName] as () => void)();
    expect(scoring.calls.setValues).toBe(1);
    expect(fakes.spreadsheet.toasts).toHaveLength(1);
  });

  it('onOpen adds no menu in a project the workbook does not record, and none without a record', () => {
    // A create whose answer was lost can leave a second project bound to the workbook: it must stay silent.
    const book = new FakeSpreadsheet('Etc/GMT', '1WorkbookId');
    book.addDeveloperMetadata(METADATA_SCRIPT, `1RecordedProject0000000000:abc:1WorkbookId`);
    const duplicate = createSpreadsheetFakes(book, { scriptId: '1DuplicateProject000000000' });
    loadBundle(duplicate).onOpen();
    expect(duplicate.ui.menus).toEqual([]);
    const recorded = createSpreadsheetFakes(book, { scriptId: '1RecordedProject0000000000' });
    loadBundle(recorded).onOpen();
    expect(recorded.ui.menus.map((m) => m.caption)).toEqual(['Partnernomics']);
    const unrecorded = createSpreadsheetFakes(new FakeSpreadsheet(), { recorded: false });
    loadBundle(unrecorded).onOpen();
    expect(unrecorded.ui.menus).toEqual([]);
  });

  it('a copy of the workbook, whose record names the original spreadsheet, shows the menu of its own project', () => {
    const copy = new FakeSpreadsheet('Etc/GMT', '1CopyOfTheWorkbook');
    copy.addDeveloperMetadata(METADATA_SCRIPT, '1OriginalProject0000000000:abc:1OriginalWorkbook');
    const fakes = createSpreadsheetFakes(copy, { scriptId: '1CopiedProject000000000000' });
    loadBundle(fakes).onOpen();
    expect(fakes.ui.menus).toHaveLength(1);
    // The key the bundle reads is the one the installer writes.
    expect(BUNDLE).toContain(`"${METADATA_SCRIPT}"`);
  });

  it('exposes every exported entry point as a top-level function that forwards its arguments', () => {
    const g = loadBundle(createSpreadsheetFakes());
    const topLevel = new Set([...BUNDLE.matchAll(/^function ([A-Za-z_$][\w$]*)\s*\(/gm)].map((m) => m[1]));
    const exported = Object.keys(g.Partnernomics).filter((k) => typeof g.Partnernomics[k] === 'function');
    expect(exported.sort()).toEqual([
      'PN_RECOMMEND',
      'PN_RYG',
      'PN_SCORE',
      'about',
      'buildLeadershipReport',
      'onOpen',
      'recalculateScores',
      'refreshPbrScoreboard',
    ]);
    for (const name of exported) expect(topLevel.has(name), name).toBe(true);
    expect(g.PN_RYG(90, 100, 'higher', 0.05)).toBe('Red');
  });

  it('keeps every custom function JSDoc (@param lines, @customfunction on its own line) right above it', () => {
    // Sheets builds its formula help from this block: esbuild drops comments, so the build must copy it.
    const params = { PN_SCORE: 5, PN_RECOMMEND: 3, PN_RYG: 4 };
    for (const [name, count] of Object.entries(params)) {
      const m = new RegExp(`/\\*\\*\\n((?: \\*.*\\n)+) \\*/\\nfunction ${name}\\(([^)]*)\\)`).exec(BUNDLE);
      expect(m, `${name} has a JSDoc block directly above it`).not.toBeNull();
      const lines = m![1]!.split('\n').filter(Boolean);
      expect(lines.at(-1), name).toBe(' * @customfunction');
      const documented = lines.flatMap((l) => /^ \* @param \{[^}]+\} (\w+) \S/.exec(l)?.[1] ?? []);
      expect(documented, name).toHaveLength(count);
      // The wrapper's parameters are the documented ones, so the editor and Sheets show the same names.
      expect(m![2]!.split(', '), name).toEqual(documented);
    }
  });
});

describe('custom functions agree with src/domain', () => {
  it('PN_SCORE: hand-checked cases', () => {
    const g = loadBundle(createSpreadsheetFakes());
    expect(g.PN_SCORE([[5, 1]], [[1, 1]])).toBe(50);
    expect(g.PN_SCORE([[2, 3]], [[1, 2]])).toBe(41.7); // (0.25 + 2 × 0.5) / 3 → 41.666… rounds half up
    expect(g.PN_SCORE([[5, '']], [[3, 1]])).toBe(100); // a blank rating is left out, not counted as 0
    expect(g.PN_SCORE([['', 5]], [[3, 1]])).toBe(''); // rated weight 1 of 4 < default coverage 0.5
    expect(g.PN_SCORE([['', 5]], [[3, 1]], 0.25)).toBe(100);
    expect(g.PN_SCORE([[0, 6, 'abc']], [[1, 1, 1]])).toBe('');
    expect(g.PN_SCORE([[4, 4]], [[0, 0]])).toBe('');
    expect(g.PN_SCORE(5, 2)).toBe(100); // single cells arrive as scalars
    expect(g.PN_SCORE([[1], [5]], [[1], [3]])).toBe(75); // a column range works too
  });

  it("PN_SCORE with type and types takes the weights of the partner's type, as the Score formula does", () => {
    const g = loadBundle(createSpreadsheetFakes());
    const weights = [
      [1, 0],
      [0, 1],
      [3, 1],
    ];
    const types = [['Referral'], ['Co-Sell'], ['Marketplace']];
    const ratings = [[5, 1]];
    expect(g.PN_SCORE(ratings, weights, 0.5, 'Referral', types)).toBe(100);
    expect(g.PN_SCORE(ratings, weights, 0.5, 'Co-Sell', types)).toBe(0);
    expect(g.PN_SCORE(ratings, weights, 0.5, 'co-sell', types)).toBe(0); // case is ignored, as MATCH does
    expect(g.PN_SCORE(ratings, weights, 0.5, 'MARKETPLACE', types)).toBe(75);
    // A blank, unlisted, padded or non-text type takes the first row's weights.
    for (const type of ['', 'Hyperscaler', ' Co-Sell', true, 3])
      expect(g.PN_SCORE(ratings, weights, 0.5, type, types), String(type)).toBe(100);
    // Types as a row with weights as one column per type (the table turned around) give the same answers.
    const columns = [
      [1, 0, 3],
      [0, 1, 1],
    ];
    expect(g.PN_SCORE(ratings, columns, 0.5, 'Marketplace', [['Referral', 'Co-Sell', 'Marketplace']])).toBe(
      75,
    );
    // Each answer is the domain's, through the same decision.
    const model: ScoringByType = {
      criteria: ['a', 'b'],
      types: types.map(([name], i) => ({ name: name!, weights: weights[i]! })),
      pursueAt: 70,
      nurtureAt: 45,
      minCoverage: 0.5,
    };
    for (const type of ['Referral', 'co-sell', 'MARKETPLACE', '', 'Hyperscaler'])
      expect(g.PN_SCORE(ratings, weights, 0.5, type, types)).toBe(
        partnerScore({ a: 5, b: 1 }, modelForType(model, type)) ?? '',
      );
    expect(() => g.PN_SCORE(ratings, [[1, 0]], 0.5, 'Referral', types)).toThrow(/one row \(or one column\)/);
  });

  it('PN_SCORE matches partnerScore on 400 generated rows', () => {
    const g = loadBundle(createSpreadsheetFakes());
    const rand = prng(0x5c0e);
    const pool: readonly unknown[] = [1, 2, 3, 4, 5, 1.5, 3.25, 4.9, '', '', 0, 6, 'abc', -2, '3', true];
    let blanks = 0;
    let numbers = 0;
    for (let n = 0; n < 400; n++) {
      const k = int(rand, 1, 12);
      let weights: unknown[] = Array.from({ length: k }, () => (rand() < 0.08 ? '' : int(rand, 0, 20)));
      if (n % 10 === 0) weights = weights.map(() => 0); // all-zero weights
      if (n % 10 === 1) weights[int(rand, 0, k - 1)] = 1e12; // one huge weight
      const ratings: unknown[] = Array.from({ length: k }, () => pick(rand, pool));
      if (n % 13 === 0) ratings.fill(''); // nothing rated
      const coverage = pick(rand, [undefined, 0, 0.25, 0.5, 0.75, 1, '']);
      const model: ScoringModel = {
        criteria: weights.map((w, i) => ({ key: `c${i}`, weight: num(w) ?? 0 })),
        pursueAt: 0,
        nurtureAt: 0,
        minCoverage: num(coverage) ?? 0.5,
      };
      const expected = partnerScore(Object.fromEntries(ratings.map((r, i) => [`c${i}`, r])), model) ?? '';
      const vertical = rand() < 0.2;
      const shape = (xs: unknown[]) => (vertical ? xs.map((x) => [x]) : [xs]);
      const got =
        coverage === undefined
          ? g.PN_SCORE(shape(ratings), shape(weights))
          : g.PN_SCORE(shape(ratings), shape(weights), coverage);
      expect(got, JSON.stringify({ n, ratings, weights, coverage })).toBe(expected);
      if (expected === '') blanks += 1;
      else numbers += 1;
    }
    expect(blanks).toBeGreaterThan(40);
    expect(numbers).toBeGreaterThan(120);
  });

  it('PN_RECOMMEND matches recommend on 300 generated scores, including the exact thresholds', () => {
    const g = loadBundle(createSpreadsheetFakes());
    expect(g.PN_RECOMMEND(70, '', '')).toBe('Pursue'); // defaults 70 / 45
    expect(g.PN_RECOMMEND(69.9, 70, 45)).toBe('Nurture');
    expect(g.PN_RECOMMEND(45, 70, 45)).toBe('Nurture');
    expect(g.PN_RECOMMEND(44.9, 70, 45)).toBe('Pass');
    expect(g.PN_RECOMMEND('', 70, 45)).toBe('Needs ratings');
    const rand = prng(0xbeef);
    const seen = new Set<Recommendation>();
    for (let n = 0; n < 300; n++) {
      const pursueAt = pick(rand, [70, 80, 60, '', undefined]);
      const nurtureAt = pick(rand, [45, 30, 50, '', undefined]);
      const p = num(pursueAt) ?? 70;
      const q = num(nurtureAt) ?? 45;
      const score = pick(rand, [int(rand, 0, 1000) / 10, p, q, p - 0.1, q - 0.1, 0, 100, '', 'abc']);
      const expected = recommend(num(score), { pursueAt: p, nurtureAt: q });
      seen.add(expected);
      const args = [score, pursueAt, nurtureAt];
      while (args.length > 1 && args[args.length - 1] === undefined) args.pop();
      expect(g.PN_RECOMMEND(...args), JSON.stringify({ score, pursueAt, nurtureAt })).toBe(expected);
    }
    expect([...seen].sort()).toEqual(['Needs ratings', 'Nurture', 'Pass', 'Pursue']);
  });

  it('PN_RYG: hand-checked cases at the target and at the band edge, both directions', () => {
    const g = loadBundle(createSpreadsheetFakes());
    expect(g.PN_RYG(100, 100)).toBe('Green');
    expect(g.PN_RYG(80, 100)).toBe('Yellow'); // exactly 20% under: still yellow
    expect(g.PN_RYG(79.99, 100)).toBe('Red');
    expect(g.PN_RYG(50, 50, 'lower', 0.5)).toBe('Green');
    expect(g.PN_RYG(75, 50, 'lower', 0.5)).toBe('Yellow'); // exactly 50% over: still yellow
    expect(g.PN_RYG(75.01, 50, 'lower', 0.5)).toBe('Red');
    expect(g.PN_RYG(10, 50, 'lower', 0.5)).toBe('Green');
    expect(g.PN_RYG(0, 0)).toBe('Green');
    expect(g.PN_RYG(-1, 0)).toBe('Red');
    expect(g.PN_RYG(1, 0, 'lower')).toBe('Red');
    expect(g.PN_RYG('', 100)).toBe('');
    expect(g.PN_RYG(100, '')).toBe('');
    expect(g.PN_RYG(0, 100)).toBe('Red'); // 0 is a number, not a blank
  });

  it('PN_RYG matches rygStatus on 400 generated cases', () => {
    const g = loadBundle(createSpreadsheetFakes());
    const rand = prng(0x7e6);
    const seen = new Set<string>();
    for (let n = 0; n < 400; n++) {
      const target = pick(rand, [int(rand, 1, 500), int(rand, 1, 500) / 4, 0, 0, '', 100, 50]);
      const direction = pick(rand, ['higher', 'lower', undefined]);
      const band = direction === undefined ? undefined : pick(rand, [0.2, 0.1, 0.5, 0, undefined]);
      const t = num(target) ?? 0;
      const b = num(band) ?? 0.2;
      const edge = direction === 'lower' ? t * (1 + b) : t * (1 - b);
      const actual = pick(rand, [
        t,
        edge,
        edge + 0.01,
        edge - 0.01,
        int(rand, -10, 600),
        '',
        0,
        'abc',
        t + 0.01,
        t - 0.01,
      ]);
      const args: unknown[] = [actual, target, direction, band];
      while (args.length > 2 && args[args.length - 1] === undefined) args.pop();
      const expected =
        rygStatus(num(actual), num(target), direction === 'lower' ? 'lower' : 'higher', b) ?? '';
      seen.add(expected);
      expect(g.PN_RYG(...args), JSON.stringify(args)).toBe(expected);
    }
    expect([...seen].sort()).toEqual(['', 'Green', 'Red', 'Yellow']);
  });
});

describe('custom functions over ranges', () => {
  const grid = <T>(rows: number, cols: number, make: () => T): T[][] =>
    Array.from({ length: rows }, () => Array.from({ length: cols }, make));

  it('PN_RECOMMEND maps a range of scores to a range of the same shape, cell by cell as recommend does', () => {
    const g = loadBundle(createSpreadsheetFakes());
    const rand = prng(0x2ec0);
    const pool: unknown[] = [0, 44.9, 45, 69.9, 70, 100, 55.5, 64.9, 65, '', 'abc', true];
    for (const [rows, cols] of [
      [1, 6],
      [9, 1],
      [5, 4],
    ] as const) {
      const scores = grid(rows, cols, () => pick(rand, pool));
      const expected = (p: number, q: number) =>
        scores.map((row) => row.map((s) => recommend(num(s), { pursueAt: p, nurtureAt: q })));
      expect(g.PN_RECOMMEND(scores, 65, 40)).toEqual(expected(65, 40));
      expect(g.PN_RECOMMEND(scores, '', '')).toEqual(expected(70, 45)); // blank thresholds: the defaults
      expect(g.PN_RECOMMEND(scores, [[65]], [[40]])).toEqual(expected(65, 40)); // one-cell ranges
    }
    // A single cell stays a single value, whether Sheets passes it bare or as a one-cell range.
    expect(g.PN_RECOMMEND(70, 70, 45)).toBe('Pursue');
    expect(g.PN_RECOMMEND([[44]], 70, 45)).toBe('Pass');
  });

  it('PN_RYG maps ranges of actuals, targets and directions to statuses of the same shape, as rygStatus does', () => {
    const g = loadBundle(createSpreadsheetFakes());
    const rand = prng(0x4a6);
    for (const [rows, cols] of [
      [1, 5],
      [12, 1],
      [4, 3],
    ] as const) {
      const target = grid(rows, cols, () => pick(rand, [100, 50, 0, 10, '', 250]));
      const actual = grid(rows, cols, () => pick(rand, [100, 80, 79.9, 120, 0, '', 'abc', 55, 60.1]));
      const direction = grid(rows, cols, () => pick(rand, ['higher', 'lower', 'Lower ', '']));
      const oracle = (band: number, dirs: unknown[][] | null) =>
        actual.map((row, r) =>
          row.map((a, c) => {
            const d = dirs ? String(dirs[r]![c]).trim().toLowerCase() : 'higher';
            return rygStatus(num(a), num(target[r]![c]), d === 'lower' ? 'lower' : 'higher', band) ?? '';
          }),
        );
      expect(g.PN_RYG(actual, target, direction, 0.1)).toEqual(oracle(0.1, direction));
      expect(g.PN_RYG(actual, target)).toEqual(oracle(0.2, null));
      expect(g.PN_RYG(actual, target, 'lower', 0.5)).toEqual(
        oracle(
          0.5,
          grid(rows, cols, () => 'lower'),
        ),
      );
      // One target for a whole range of actuals.
      const one = actual.map((row) => row.map((a) => rygStatus(num(a), 100, 'higher', 0.2) ?? ''));
      expect(g.PN_RYG(actual, 100)).toEqual(one);
    }
    expect(g.PN_RYG([[80]], [[100]])).toBe('Yellow');
    expect(() => g.PN_RYG([[1, 2]], [[1], [2]])).toThrow(/same size/);
  });
});

describe('recalculateScores', () => {
  function freshRun(partners: number, seed: number) {
    const wb = buildWorkbook(partners, seed);
    const before = wb.scoring.snapshot();
    const g = loadBundle(wb.fakes);
    const summary = g.recalculateScores();
    return { ...wb, before, summary, g };
  }
  // A 5,000-partner run takes seconds in a vm context, so the read-only tests below share each run.
  const runs = new Map<string, ReturnType<typeof freshRun>>();
  function runOn(partners: number, seed: number) {
    const key = `${partners}/${seed}`;
    if (!runs.has(key)) runs.set(key, freshRun(partners, seed));
    return runs.get(key)!;
  }

  it('gives an archived partner (its page trashed in Notion) no rank, as the Rank formula does', () => {
    const rankOfRow5 = (archived: boolean) => {
      const wb = buildWorkbook(6, 77);
      // Row 5 is the fixed partner rated 5 on every criterion: score 100, rank 1 unless archived.
      if (archived) wb.scoring.setCell(5, col('Archived'), true);
      loadBundle(wb.fakes).recalculateScores();
      return wb.scoring.readBlock(5, SCORE + 1, 1, 1)[0]![0];
    };
    expect(rankOfRow5(false)).toBe(1);
    expect(rankOfRow5(true)).toBe('');
  });

  it('reads and writes a constant number of ranges, the same for 50 and 5,000 partners', () => {
    const counts = [50, 5000].map((n) => {
      const { scoring, settings, dataRows, summary } = runOn(n, 1000 + n);
      expect(summary.partners).toBe(n);
      expect(dataRows.length).toBeGreaterThan(n); // blank rows are interleaved
      // One read of the table, one read of the result columns' formulas, one write of the result columns.
      expect(scoring.calls).toEqual({ getValues: 1, getFormulas: 1, setValues: 1 });
      expect(scoring.writes).toEqual([{ row: 3, column: SCORE, numRows: dataRows.length, numColumns: 3 }]);
      // The weights table and its type names, then the three settings, one cell each.
      expect(settings.calls).toEqual({ getValues: 5, getFormulas: 0, setValues: 0 });
      return { scoring: { ...scoring.calls }, settings: { ...settings.calls } };
    });
    expect(counts[0]).toEqual(counts[1]);
  });

  it.each([50, 5000])(
    'with %i partners writes the domain results where no formula is, and keeps every formula',
    (partners) => {
      const { fakes, scoring, dataRows, before, summary } = runOn(partners, 1000 + partners);
      const { byIndex, summary: expectedSummary } = expectedResults(dataRows);
      expect(expectedSummary.partners).toBe(partners);

      let formulas = 0;
      let written = 0;
      dataRows.forEach((_, i) => {
        const row = i + 3;
        const s = byIndex.get(i);
        const computed: CellValue[] = s ? [s.score ?? '', s.rank ?? '', s.recommendation] : ['', '', ''];
        RESULT_COLS.forEach((c, k) => {
          const original = before.formulas[row - 1]?.[c - 1] ?? '';
          const where = `row ${row} ${HEADERS[c - 1]}`;
          if (original !== '') {
            formulas += 1;
            expect(scoring.formulaAt(row, c), where).toBe(original);
            expect(scoring.valueAt(row, c), where).toEqual(before.values[row - 1]?.[c - 1]);
          } else {
            written += 1;
            expect(scoring.formulaAt(row, c), where).toBe('');
            expect(scoring.valueAt(row, c), where).toBe(computed[k]);
          }
        });
      });
      // A score of 0 is a score, not a blank; the fixed rows 4 and 5 score 0 and 100.
      expect(scoring.valueAt(4, SCORE)).toBe(0);
      expect(scoring.valueAt(4, REC)).toBe('Pass');
      expect(scoring.valueAt(5, SCORE)).toBe(100);
      expect(scoring.valueAt(5, RANK)).toBe(1);
      expect(scoring.valueAt(5, REC)).toBe('Pursue');
      expect(formulas).toBeGreaterThan(partners / 2);
      expect(written).toBeGreaterThan(partners / 2);

      // Nothing outside the three result columns changed: inputs, weights row, Rated weight formulas.
      const after = scoring.snapshot();
      const strip = (grid: unknown[][]) =>
        grid.map((line) => line.filter((_, c) => !RESULT_COLS.includes(c + 1)));
      expect(strip(after.values)).toEqual(strip(before.values));
      expect(strip(after.formulas)).toEqual(strip(before.formulas));
      expect(after.values.slice(0, 2)).toEqual(before.values.slice(0, 2));

      // The summary and toast count what the domain recommends, with the thresholds from Settings.
      expect({ ...summary }).toEqual(expectedSummary);
      expect(expectedSummary.Pursue * expectedSummary.Nurture * expectedSummary.Pass).toBeGreaterThan(0);
      expect(expectedSummary['Needs ratings']).toBeGreaterThan(0);
      expect(fakes.spreadsheet.toasts).toEqual([
        { message: toastText(expectedSummary), title: 'Partnernomics' },
      ]);
      expect(fakes.flushes()).toBe(1);
      expect(fakes.lock.held).toBe(false);
      expect(fakes.lock.tryLockTimeouts).toHaveLength(1);
    },
  );

  it('agrees with PN_SCORE on every partner row, so the menu and the custom function give one answer', () => {
    const { scoring, dataRows, g } = runOn(60, 99);
    const weights = TYPE_NAMES.map((name) => TYPE_WEIGHTS[name]!);
    const types = TYPE_NAMES.map((name) => [name]);
    const { byIndex } = expectedResults(dataRows);
    const seen = new Set<unknown>();
    for (const [i, s] of byIndex) {
      const ratings = [dataRows[i]!.slice(FIRST_RATING - 1, FIRST_RATING - 1 + CRITERIA.length)];
      const type = dataRows[i]![col('Partnership type') - 1];
      seen.add(type);
      expect(g.PN_SCORE(ratings, weights, SETTINGS.MinCoverage, type, types)).toBe(s.score ?? '');
      if (scoring.formulaAt(i + 3, SCORE) === '') expect(scoring.valueAt(i + 3, SCORE)).toBe(s.score ?? '');
    }
    expect(seen).toEqual(new Set(TYPE_POOL));
  });

  it("scores each partner with its own type's weights: one weight set for every row would differ", () => {
    const { dataRows } = runOn(60, 99);
    const { byIndex } = expectedResults(dataRows);
    const oneSet = modelForType(domainModel(), 'Referral');
    const differ = [...byIndex].filter(([i, s]) => {
      const ratings = Object.fromEntries(CRITERIA.map((key, c) => [key, dataRows[i]![FIRST_RATING - 1 + c]]));
      return partnerScore(ratings, oneSet) !== s.score;
    });
    expect(differ.length).toBeGreaterThan(10);
  });

  it('reads the thresholds from the named ranges, not the defaults', () => {
    const strict = { PursueAt: 99, NurtureAt: 98, MinCoverage: 0.95 };
    const wb = buildWorkbook(200, 5, strict);
    const g = loadBundle(wb.fakes);
    const summary = g.recalculateScores();
    const { summary: expected } = expectedResults(wb.dataRows, strict);
    expect({ ...summary }).toEqual(expected);
    expect(expected).not.toEqual(
      expectedResults(wb.dataRows, { PursueAt: 70, NurtureAt: 45, MinCoverage: 0.5 }).summary,
    );
  });

  it('handles a table with no data rows: nothing to write, a zero summary', () => {
    const { fakes, scoring } = buildWorkbook(0, 1);
    expect(scoring.getLastRow()).toBe(2);
    const g = loadBundle(fakes);
    const summary = g.recalculateScores();
    expect({ ...summary }).toEqual({ partners: 0, Pursue: 0, Nurture: 0, Pass: 0, 'Needs ratings': 0 });
    expect(scoring.calls.setValues).toBe(0);
    expect(fakes.spreadsheet.toasts[0]?.message).toBe(toastText({ ...summary }));
    expect(fakes.lock.held).toBe(false);
  });

  it('refuses while another run holds the document lock, writing nothing', () => {
    const { fakes, scoring, settings } = buildWorkbook(40, 3);
    const before = scoring.snapshot();
    fakes.lock.heldElsewhere = true;
    const g = loadBundle(fakes);
    expect(() => g.recalculateScores()).toThrow(/in progress/i);
    expect(scoring.calls.setValues + settings.calls.setValues).toBe(0);
    expect(scoring.snapshot()).toEqual(before);
    expect(fakes.spreadsheet.toasts).toEqual([]);

    // Once the other run finishes, the next attempt goes through and releases the lock.
    fakes.lock.heldElsewhere = false;
    expect(g.recalculateScores().partners).toBe(40);
    expect(scoring.calls.setValues).toBe(1);
    expect(fakes.lock.held).toBe(false);
  });

  const renamed = (from: string, to: string) => (headers: string[]) =>
    headers.map((h) => (h === from ? to : h));
  const swapped = (a: string, b: string) => (headers: string[]) =>
    headers.map((h) => (h === a ? b : h === b ? a : h));
  it.each([
    ['Score renamed', renamed('Score', 'Score (old)')],
    ['Rank renamed', renamed('Rank', 'Position')],
    ['Recommendation renamed', renamed('Recommendation', 'Decision')],
    ['Partner renamed', renamed('Partner', 'Company')],
    ['Rated weight renamed', renamed('Rated weight', 'Weight rated')],
    ['Example renamed', renamed('Example', 'Sample')],
    ['Rank and Recommendation swapped', swapped('Rank', 'Recommendation')],
    ['Score and Rank swapped', swapped('Score', 'Rank')],
  ])('refuses when the headers were changed (%s), writing nothing and releasing the lock', (_, change) => {
    const { fakes, scoring, settings } = buildWorkbook(40, 11);
    scoring.setRow(1, change(HEADERS));
    const before = scoring.snapshot();
    const g = loadBundle(fakes);
    expect(() => g.recalculateScores()).toThrow(/headers were changed/i);
    expect(scoring.calls.setValues + settings.calls.setValues).toBe(0);
    expect(scoring.snapshot()).toEqual(before);
    expect(fakes.spreadsheet.toasts).toEqual([]);
    expect(fakes.lock.held).toBe(false);
  });

  it('refuses when the Partner Scoring tab is missing', () => {
    const fakes = createSpreadsheetFakes();
    const g = loadBundle(fakes);
    expect(() => g.recalculateScores()).toThrow(/Partner Scoring.*missing/);
    expect(fakes.spreadsheet.toasts).toEqual([]);
    expect(fakes.lock.held).toBe(false);
  });
});

describe('refreshPbrScoreboard and buildLeadershipReport', () => {
  it('reads the scoreboard once, writes the statuses once, keeps formulas, and counts like the domain', () => {
    const fakes = createSpreadsheetFakes();
    const pbr = fakes.spreadsheet.insertSheet('PBR Scoreboard');
    const settings = fakes.spreadsheet.insertSheet('Settings');
    settings.getRange(10, 9, 1, 1).setValues([[0.2]]);
    fakes.spreadsheet.nameCell('RygYellowBand', settings, 10, 9);
    const header = ['Notion ID', 'Partner', 'Quarter', 'Metric', 'Better when', 'Target', 'Actual', 'Status'];
    const rows: unknown[][] = [
      ['', 'A', 'Q1', 'Leads', 'higher', 10, 10, ''],
      ['', 'A', 'Q1', 'Leads', 'higher', 10, 8, ''],
      ['', 'A', 'Q1', 'CAC', 'lower', 100, 130, ''],
      ['', 'B', 'Q1', 'Leads', 'higher', 10, 5, '=IF(1,"kept","")'],
      ['', 'B', 'Q1', 'Leads', 'higher', '', 5, ''],
    ];
    pbr.getRange(1, 1, rows.length + 1, header.length).setValues([header, ...rows]);
    const g = loadBundle(fakes);
    const before = { ...pbr.calls };
    const counts = (g.refreshPbrScoreboard as () => { Green: number; Yellow: number; Red: number })();
    expect(pbr.calls.getValues - before.getValues).toBe(1);
    expect(pbr.calls.getFormulas - before.getFormulas).toBe(1);
    expect(pbr.calls.setValues - before.setValues).toBe(1);
    const expected = { Green: 0, Yellow: 0, Red: 0 };
    for (const r of rows) {
      const s = rygStatus(
        r[6] as number,
        r[5] === '' ? null : (r[5] as number),
        r[4] as 'higher' | 'lower',
        0.2,
      );
      if (s) expected[s] += 1;
    }
    expect(counts).toEqual(expected);
    const status = pbr
      .getRange(2, 8, rows.length, 1)
      .getFormulas()
      .map((f) => f[0]);
    expect(status[3]).toBe('=IF(1,"kept","")');
    const values = pbr
      .getRange(2, 8, rows.length, 1)
      .getValues()
      .map((v) => v[0]);
    expect([values[0], values[1], values[2], values[4]]).toEqual(['Green', 'Yellow', 'Red', '']);
  });

  it('freezes the leadership report as values on a dated tab, once per quarter', () => {
    const fakes = createSpreadsheetFakes();
    const live = fakes.spreadsheet.insertSheet('Leadership Report');
    live.getRange(1, 1, 2, 2).setValues([
      ['Measure', 'This quarter'],
      ['Partner leads', 42],
    ]);
    live.getRange(3, 2, 1, 1).setValues([['2027-01-04']]);
    fakes.spreadsheet.nameCell('ReportQuarterStart', live, 3, 2);
    const g = loadBundle(fakes);
    const build = g.buildLeadershipReport as () => string;
    const name = build();
    expect(name).toBe('Leadership Report 2027-01-04');
    const snapshot = fakes.spreadsheet.getSheetByName(name)!;
    expect(snapshot.getRange(2, 2, 1, 1).getValues()[0]![0]).toBe(42);
    expect(build()).toBe(name);
  });

  it('names the dated tab by the quarter start day in the spreadsheet time zone, not in UTC', () => {
    // A date cell reaches the script as midnight in the spreadsheet's zone: east of UTC that is still the
    // day before in UTC (2027-01-04 00:00 in Auckland is 2027-01-03 11:00Z).
    const cases: [string, string][] = [
      ['Pacific/Auckland', '2027-01-03T11:00:00Z'],
      ['Asia/Tokyo', '2027-01-03T15:00:00Z'],
      ['Europe/Berlin', '2027-01-03T23:00:00Z'],
      ['America/Los_Angeles', '2027-01-04T08:00:00Z'],
      ['Etc/GMT', '2027-01-04T00:00:00Z'],
    ];
    for (const [zone, instant] of cases) {
      const fakes = createSpreadsheetFakes(new FakeSpreadsheet(zone));
      const live = fakes.spreadsheet.insertSheet('Leadership Report');
      live.setRow(1, ['Measure', 'This quarter']);
      live.setCell(3, 2, new Date(instant));
      fakes.spreadsheet.nameCell('ReportQuarterStart', live, 3, 2);
      const g = loadBundle(fakes);
      expect((g.buildLeadershipReport as () => string)(), zone).toBe('Leadership Report 2027-01-04');
    }
  });

  it('the fake Utilities.formatDate formats in the given zone like SimpleDateFormat', () => {
    const at = new Date('2027-01-03T11:00:00Z');
    expect(formatDate(at, 'Pacific/Auckland', 'yyyy-MM-dd HH:mm:ss')).toBe('2027-01-04 00:00:00');
    expect(formatDate(at, 'Etc/GMT', "yy/M/d 'at' H")).toBe('27/1/3 at 11');
    expect(formatDate(at, 'America/New_York', 'yyyy-MM-dd')).toBe('2027-01-03');
    expect(formatDate(at, 'Not/AZone', 'HH')).toBe('11'); // unknown IDs are GMT, as in Java
  });
});
