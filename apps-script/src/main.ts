// The bound Apps Script: Partnernomics menu, custom functions and a read-once batch recompute, using src/domain.

import { rygStatus } from '../../src/domain/ryg.js';
import {
  modelForType,
  partnerScore,
  rankScores,
  recommend,
  type ScoringByType,
  type ScoringModel,
  weightSetIndex,
} from '../../src/domain/scoring.js';
import { type Sheet, type Spreadsheet, services } from './sheet.js';

const SCORING_TAB = 'Partner Scoring';
const HEADER_ROWS = 2;

function toNumberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function flat(values: unknown): unknown[] {
  return Array.isArray(values) ? (values as unknown[]).flat(2) : [values];
}

/** A range as Sheets passes it to a custom function: rows of cells. A 1×1 array counts as its one cell. */
function isGrid(value: unknown): value is unknown[][] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((row) => Array.isArray(row)) &&
    !(value.length === 1 && (value[0] as unknown[]).length === 1)
  );
}

function cell(value: unknown): unknown {
  return Array.isArray(value) ? (value as unknown[][])[0]?.[0] : value;
}

/**
 * Applies `fn` cell by cell: with no range among `args` it is called once on the values; otherwise the
 * ranges (all the same size) are walked together, single values repeating for every cell, and the results
 * come back as rows of the same shape, as Sheets spills them.
 */
function mapCells<T>(name: string, args: unknown[], fn: (...cells: unknown[]) => T): T | T[][] {
  const grids = args.filter(isGrid);
  const shape = grids[0];
  if (!shape) return fn(...args.map(cell));
  const width = shape[0]?.length ?? 0;
  if (grids.some((g) => g.length !== shape.length || g.some((row) => row.length !== width)))
    throw new Error(`${name}: the ranges must all be the same size.`);
  return shape.map((row, r) => row.map((_, c) => fn(...args.map((a) => (isGrid(a) ? a[r]?.[c] : cell(a))))));
}

function isDate(value: unknown): value is Date {
  return Object.prototype.toString.call(value) === '[object Date]';
}

const WEIGHTS_SHAPE = 'PN_SCORE: weights needs one row (or one column) per name in types.';
const SETTINGS_WEIGHTS_SHAPE =
  'The Weights table on Settings needs one row per name in WeightTypes; reinstall the workbook to restore it.';

/** A range as rows of cells (a single value as one cell). */
function grid(value: unknown): unknown[][] {
  if (!Array.isArray(value)) return [[value]];
  return (value as unknown[]).map((row) => (Array.isArray(row) ? (row as unknown[]) : [row]));
}

/**
 * The weight sets of a table with one row (or one column) per type name, `count` names: the set of the
 * i-th name is the i-th row, or the i-th column when the rows do not match the names.
 */
function weightSets(weights: unknown, count: number, problem: string): unknown[][] {
  const table = grid(weights);
  if (table.length === count) return table;
  if ((table[0]?.length ?? 0) === count)
    return Array.from({ length: count }, (_, i) => table.map((row) => row[i]));
  throw new Error(problem);
}

/**
 * The partner score, 0 to 100, from 1 to 5 ratings weighted like the Score column: blank when less than the
 * minimum share of the weight is rated. With type and types, weights is the Settings table with one row per
 * partnership type, and the row of the partner's type is used (the first row for a blank or unlisted type).
 *
 * @param {number[][]} ratings The partner's ratings, 1 to 5, one per criterion (a row or a column).
 * @param {number[][]} weights The criteria weights in the same order, or the Weights named range (one row per type).
 * @param {number} minCoverage The share of the total weight that must be rated; 0.5 when left out.
 * @param {string} type The partner's partnership type, e.g. its Partnership type cell; used with types.
 * @param {string[][]} types The type names of the rows of weights, e.g. the WeightTypes named range.
 * @return {number|string} The score rounded to one decimal, or blank.
 * @customfunction
 */
export function PN_SCORE(
  ratings: unknown,
  weights: unknown,
  minCoverage: unknown = 0.5,
  type: unknown = '',
  types: unknown = '',
): number | string {
  const r = flat(ratings);
  const names = flat(types).filter((n) => n !== '' && n !== null && n !== undefined);
  const chosen =
    names.length > 0
      ? (weightSets(weights, names.length, WEIGHTS_SHAPE)[weightSetIndex(cell(type), names)] ?? [])
      : flat(weights);
  const w = chosen.map((v) => toNumberOrNull(v) ?? 0);
  const model: ScoringModel = {
    criteria: w.map((weight, i) => ({ key: String(i), weight })),
    pursueAt: 0,
    nurtureAt: 0,
    minCoverage: toNumberOrNull(minCoverage) ?? 0.5,
  };
  const score = partnerScore(Object.fromEntries(r.map((v, i) => [String(i), v])), model);
  return score ?? '';
}

/**
 * Pursue, Nurture or Pass for a partner score, or "Needs ratings" when the score is blank. Given a range of
 * scores, returns one recommendation per cell.
 *
 * @param {number|number[][]} score A partner score (0 to 100), or a range of scores.
 * @param {number} pursueAt The score from which to pursue, e.g. PursueAt; 70 when blank.
 * @param {number} nurtureAt The score from which to nurture, e.g. NurtureAt; 45 when blank.
 * @return {string|string[][]} The recommendation, or one per cell of the range.
 * @customfunction
 */
export function PN_RECOMMEND(score: unknown, pursueAt: unknown, nurtureAt: unknown): string | string[][] {
  return mapCells('PN_RECOMMEND', [score, pursueAt, nurtureAt], (s, p, n) =>
    recommend(toNumberOrNull(s), {
      pursueAt: toNumberOrNull(p) ?? 70,
      nurtureAt: toNumberOrNull(n) ?? 45,
    }),
  );
}

/**
 * Green, Yellow or Red for an actual figure against its target, blank unless both are numbers. Given ranges
 * of the same size, returns one status per row and column.
 *
 * @param {number|number[][]} actual The actual figure, or a range of them.
 * @param {number|number[][]} target The target, or a range of targets the same size as actual.
 * @param {string|string[][]} direction "higher" (the default) when more is better, "lower" (any case) when less is.
 * @param {number} band How far from target still counts as Yellow, as a share; 0.2 when left out.
 * @return {string|string[][]} The status, or one per cell of the ranges.
 * @customfunction
 */
export function PN_RYG(
  actual: unknown,
  target: unknown,
  direction: unknown = 'higher',
  band: unknown = 0.2,
): string | string[][] {
  return mapCells('PN_RYG', [actual, target, direction, band], (a, t, d, b) => rygCell(a, t, d, b));
}

/** One status, read by the domain as the Status formula reads the row: only numbers count, "lower" in any case. */
function rygCell(actual: unknown, target: unknown, direction: unknown, band: unknown): string {
  return rygStatus(actual, target, direction, toNumberOrNull(band) ?? 0.2) ?? '';
}

/** Runs `work` under the document lock, so two runs never interleave their reads and writes. */
function withDocumentLock<T>(work: () => T): T {
  const lock = services().LockService.getDocumentLock();
  if (!lock.tryLock(30_000))
    throw new Error('Another Partnernomics run is in progress; try again in a minute.');
  try {
    return work();
  } finally {
    lock.releaseLock();
  }
}

function requireSheet(book: Spreadsheet, name: string): Sheet {
  const sheet = book.getSheetByName(name);
  if (!sheet) throw new Error(`The "${name}" tab is missing; reinstall the workbook.`);
  return sheet;
}

export interface RecomputeSummary {
  partners: number;
  Pursue: number;
  Nurture: number;
  Pass: number;
  'Needs ratings': number;
}

/**
 * Reads the whole Partner Scoring table once, scores, ranks and recommends every partner with the domain
 * code, and writes the three result columns back in one call: a cell that still holds its formula keeps
 * it, a cell whose formula was typed over gets the computed value. Runs under the document lock.
 */
export function recalculateScores(): RecomputeSummary {
  const { SpreadsheetApp } = services();
  return withDocumentLock(() => {
    const book = SpreadsheetApp.getActiveSpreadsheet();
    const sheet = requireSheet(book, SCORING_TAB);
    const lastRow = sheet.getLastRow();
    const lastCol = sheet.getLastColumn();
    const all = sheet.getRange(1, 1, Math.max(lastRow, HEADER_ROWS), lastCol).getValues();
    const header = (all[0] ?? []).map(String);
    const col = (name: string) => header.indexOf(name);
    const scoreCol = col('Score');
    const rankCol = col('Rank');
    const recCol = col('Recommendation');
    const nameCol = col('Partner');
    const firstRating = col('Example') + 1;
    const lastRating = col('Rated weight') - 1;
    if (
      [scoreCol, rankCol, recCol, nameCol, firstRating - 1].some((c) => c < 0) ||
      lastRating < firstRating ||
      rankCol !== scoreCol + 1 ||
      recCol !== rankCol + 1
    ) {
      throw new Error('The Partner Scoring headers were changed; reinstall the workbook to restore them.');
    }
    const settings = (name: string, fallback: number) =>
      toNumberOrNull(book.getRangeByName(name)?.getValues()[0]?.[0]) ?? fallback;
    const model = weightsByType(book, header.slice(firstRating, lastRating + 1), {
      pursueAt: settings('PursueAt', 70),
      nurtureAt: settings('NurtureAt', 45),
      minCoverage: settings('MinCoverage', 0.5),
    });
    const typeCol = col('Partnership type');
    const rows = all.slice(HEADER_ROWS).filter((row) => String(row[nameCol] ?? '') !== '');
    const rowIndex = new Map(rows.map((row, i) => [row, i]));
    const scores = rows.map((row) => {
      const rowModel = modelForType(model, typeCol < 0 ? '' : row[typeCol]);
      return partnerScore(
        Object.fromEntries(rowModel.criteria.map((c, i) => [c.key, row[firstRating + i]])),
        rowModel,
      );
    });
    // Archived rows (their page was trashed in Notion) keep their score but get no rank, as the Rank formula.
    const archivedCol = col('Archived');
    const isArchived = (row: unknown[]) =>
      archivedCol >= 0 && (row[archivedCol] === true || row[archivedCol] === 'TRUE');
    const ranks = rankScores(scores.map((score, i) => (isArchived(rows[i]!) ? null : score)));
    const summary: RecomputeSummary = {
      partners: rows.length,
      Pursue: 0,
      Nurture: 0,
      Pass: 0,
      'Needs ratings': 0,
    };
    const dataRows = all.length - HEADER_ROWS;
    if (dataRows > 0 && rankCol === scoreCol + 1 && recCol === rankCol + 1) {
      const target = sheet.getRange(HEADER_ROWS + 1, scoreCol + 1, dataRows, 3);
      const formulas = target.getFormulas();
      const out = all.slice(HEADER_ROWS).map((row, r) => {
        const i = rowIndex.get(row) ?? -1;
        const computed: unknown[] =
          i < 0 ? ['', '', ''] : [scores[i] ?? '', ranks[i] ?? '', recommend(scores[i] ?? null, model)];
        return computed.map((value, c) => formulas[r]?.[c] || value);
      });
      target.setValues(out);
    }
    for (const score of scores) summary[recommend(score, model)] += 1;
    SpreadsheetApp.flush();
    book.toast(
      `${summary.partners} partners: ${summary.Pursue} Pursue, ${summary.Nurture} Nurture, ${summary.Pass} Pass, ${summary['Needs ratings']} need ratings.`,
      'Partnernomics',
    );
    return summary;
  });
}

/**
 * The weights per partnership type from Settings: the Weights named range, one row per name in WeightTypes
 * (a column per type is read too). Without WeightTypes, Weights is one weight set for every partner.
 */
function weightsByType(
  book: Spreadsheet,
  criteria: string[],
  thresholds: Pick<ScoringModel, 'pursueAt' | 'nurtureAt' | 'minCoverage'>,
): ScoringByType {
  const weights = book.getRangeByName('Weights')?.getValues();
  if (!weights) throw new Error('The Weights table on Settings is missing; reinstall the workbook.');
  const names = flat(book.getRangeByName('WeightTypes')?.getValues() ?? []).filter((n) => n !== '');
  const sets =
    names.length === 0
      ? [{ name: '', weights: flat(weights) }]
      : weightSets(weights, names.length, SETTINGS_WEIGHTS_SHAPE).map((set, i) => ({
          name: String(names[i]),
          weights: set,
        }));
  return {
    criteria,
    types: sets.map((set) => ({ name: set.name, weights: set.weights.map((v) => toNumberOrNull(v) ?? 0) })),
    ...thresholds,
  };
}

/**
 * Reads the PBR Scoreboard once, computes every row's red/yellow/green status with the domain code, and
 * writes the Status column back in one call (a cell that still holds its formula keeps it).
 */
export function refreshPbrScoreboard(): { Green: number; Yellow: number; Red: number } {
  const { SpreadsheetApp } = services();
  return withDocumentLock(() => {
    const book = SpreadsheetApp.getActiveSpreadsheet();
    const sheet = requireSheet(book, 'PBR Scoreboard');
    const lastRow = Math.max(sheet.getLastRow(), 1);
    const all = sheet.getRange(1, 1, lastRow, sheet.getLastColumn()).getValues();
    const header = (all[0] ?? []).map(String);
    const col = (name: string) => header.indexOf(name);
    const [dir, target, actual, status] = [col('Better when'), col('Target'), col('Actual'), col('Status')];
    if ([dir, target, actual, status].some((c) => c < 0)) {
      throw new Error('The PBR Scoreboard headers were changed; reinstall the workbook to restore them.');
    }
    const band = toNumberOrNull(book.getRangeByName('RygYellowBand')?.getValues()[0]?.[0]) ?? 0.2;
    const counts = { Green: 0, Yellow: 0, Red: 0 };
    const rows = all.length - 1;
    if (rows > 0) {
      const range = sheet.getRange(2, status + 1, rows, 1);
      const formulas = range.getFormulas();
      const out = all.slice(1).map((row, r) => {
        const value = rygCell(row[actual], row[target], row[dir], band);
        if (value) counts[value as keyof typeof counts] += 1;
        return [formulas[r]?.[0] || value];
      });
      range.setValues(out);
    }
    SpreadsheetApp.flush();
    book.toast(
      `Scoreboard: ${counts.Green} green, ${counts.Yellow} yellow, ${counts.Red} red.`,
      'Partnernomics',
    );
    return counts;
  });
}

/**
 * Freezes this quarter's Leadership Report as values on its own tab ("Leadership Report <quarter start>"),
 * so the board sees the numbers as they were, whatever the live tab shows later. One read, one write.
 */
export function buildLeadershipReport(): string {
  const { SpreadsheetApp, Utilities } = services();
  const book = SpreadsheetApp.getActiveSpreadsheet();
  const live = requireSheet(book, 'Leadership Report');
  const values = live
    .getRange(1, 1, Math.max(live.getLastRow(), 1), Math.max(live.getLastColumn(), 1))
    .getValues();
  const start = book.getRangeByName('ReportQuarterStart')?.getValues()[0]?.[0];
  // A date cell arrives as midnight in the spreadsheet's time zone: name the tab by that day, not by UTC's.
  const label = isDate(start)
    ? Utilities.formatDate(start, book.getSpreadsheetTimeZone(), 'yyyy-MM-dd')
    : String(start ?? 'this quarter');
  const name = `Leadership Report ${label}`;
  const snapshot = book.getSheetByName(name) ?? book.insertSheet(name);
  snapshot.getRange(1, 1, values.length, values[0]?.length ?? 1).setValues(values);
  book.toast(`Saved the quarter's numbers on the "${name}" tab.`, 'Partnernomics');
  return name;
}

export function about(): void {
  services()
    .SpreadsheetApp.getUi()
    .alert(
      'Partnernomics — the partner program workbook. Scores, ranks and statuses are computed by the formulas on each tab; weights and thresholds live on Settings. Recalculate scores re-applies them to every partner in one pass.',
    );
}

/**
 * The key under which the workbook records the Apps Script project it uses, as `scriptId:hash:spreadsheetId`
 * (written by the installer: src/targets/sheets/install.ts METADATA_SCRIPT, DOCUMENT-visible).
 */
export const SCRIPT_RECORD_KEY = 'partnernomics.script';

/**
 * Whether this project is the one the workbook records. An install whose create answer was lost can leave a
 * second project bound to the workbook; that one stays silent (no second menu). A copy of the workbook
 * (File → Make a copy) carries the original's record, naming the original spreadsheet: its copied project
 * is the one it has, so it counts. When the record cannot be read the menu is shown (a duplicate menu is
 * better than none).
 */
function isRecordedProject(): boolean {
  const { SpreadsheetApp, ScriptApp } = services();
  try {
    const book = SpreadsheetApp.getActiveSpreadsheet();
    const record = book.getDeveloperMetadata().find((m) => m.getKey() === SCRIPT_RECORD_KEY);
    const [scriptId = '', , spreadsheetId = ''] = String(record?.getValue() ?? '').split(':');
    if (!scriptId) return false;
    if (spreadsheetId && spreadsheetId !== book.getId()) return true;
    return scriptId === ScriptApp.getScriptId();
  } catch {
    return true;
  }
}

export function onOpen(): void {
  if (!isRecordedProject()) return;
  const ui = services().SpreadsheetApp.getUi();
  // The no-server sync (apps-script/src/sync/menu.ts): the functions are top-level in the bundle.
  const sync = ui
    .createMenu('Sync with Notion')
    .addItem('Connect Notion…', 'connectNotion')
    .addItem('Disconnect Notion', 'disconnectNotion')
    .addSeparator()
    .addItem('Turn on automatic sync', 'turnOnAutomaticSync')
    .addItem('Turn off automatic sync', 'turnOffAutomaticSync')
    .addItem('Sync now', 'syncNow');
  ui.createMenu('Partnernomics')
    .addItem('Recalculate scores', 'recalculateScores')
    .addItem('Refresh PBR scoreboard', 'refreshPbrScoreboard')
    .addItem('Build quarterly leadership report', 'buildLeadershipReport')
    .addSeparator()
    .addSubMenu(sync)
    .addSeparator()
    .addItem('About', 'about')
    .addToUi();
}
