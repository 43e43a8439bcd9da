// Partner Scoring Tool: weighted 1–5 ratings -> 0–100 score, rank and Pursue/Nurture/Pass; mirrors the sheet formula.
import { compareNumbers, gte, lt } from './compare.js';
import { PARTNERSHIP_TYPE_NAMES, type PartnershipTypeKey } from './types.js';

export interface ScoringCriterion {
  key: string;
  weight: number;
}

export interface ScoringModel {
  criteria: readonly ScoringCriterion[];
  /** Score at or above which a candidate is pursued (0–100). */
  pursueAt: number;
  /** Score at or above which a candidate is nurtured (0–100). */
  nurtureAt: number;
  /** Share (0–1) of the total weight that must be rated before a score is shown. */
  minCoverage: number;
}

/** One partnership type's weights, one per criterion in the criteria's order. */
export interface TypeWeights {
  /** The type as the Partnership type column names it ("Co-Sell"). */
  name: string;
  weights: readonly number[];
}

/** The Partner Scoring Tool with its weights per partnership type: the same criteria, one weight set per type. */
export interface ScoringByType extends Omit<ScoringModel, 'criteria'> {
  /** The criteria keys, in the order of every type's weights. */
  criteria: readonly string[];
  /** The chosen types' weights, in the order the Settings table lists them; the first is the fallback. */
  types: readonly TypeWeights[];
}

export const RATING_MIN = 1;
export const RATING_MAX = 5;

export type Recommendation = 'Pursue' | 'Nurture' | 'Pass' | 'Needs ratings';

/** A rating counts only when it is a number within 1–5; anything else (blank, text, 0, 7) is "not rated". */
export function isValidRating(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= RATING_MIN && value <= RATING_MAX;
}

/** x to 15 significant digits: what spreadsheets keep of a result, so 28.649999999999995 reads 28.65. */
function toFifteenDigits(x: number): number {
  return Number(x.toPrecision(15));
}

/**
 * ROUND(x, digits) as spreadsheets compute it: the binary error is corrected first (x, and x scaled by
 * 10^digits, to 15 significant digits), then halves go away from zero. A weighted sum whose exact value is
 * 28.65 but whose floating-point value is 28.649999999999995 rounds to 28.7, as in Excel and LibreOffice.
 */
export function roundHalfAwayFromZero(x: number, digits: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const scale = 10 ** Math.abs(digits);
  const magnitude = Math.abs(toFifteenDigits(x));
  const scaled = toFifteenDigits(digits >= 0 ? magnitude * scale : magnitude / scale);
  const whole = Math.floor(scaled + 0.5);
  const rounded = digits >= 0 ? whole / scale : whole * scale;
  return x < 0 && rounded !== 0 ? -rounded : rounded;
}

/**
 * The partner's score, 0–100 with one decimal, or null when too little is rated.
 * Each valid rating r becomes (r − 1) / 4; the score is the weighted mean over the rated criteria × 100.
 * Null when the total weight is not positive, nothing is rated, or the rated criteria carry less than
 * `minCoverage` of the total weight. The arithmetic follows the sheet formula step by step:
 *   ratedW = Σ w·v,  weighted = Σ w·v·r,  score = ROUND(100·(weighted − ratedW) / (4·ratedW), 1)
 */
export function partnerScore(ratings: Readonly<Record<string, unknown>>, model: ScoringModel): number | null {
  let totalWeight = 0;
  let ratedWeight = 0;
  let weighted = 0;
  for (const criterion of model.criteria) {
    const rating = ratings[criterion.key];
    const valid = isValidRating(rating) ? 1 : 0;
    totalWeight += criterion.weight;
    ratedWeight += criterion.weight * valid;
    weighted += criterion.weight * valid * (valid ? (rating as number) : 0);
  }
  if (totalWeight <= 0 || ratedWeight <= 0 || lt(ratedWeight, model.minCoverage * totalWeight)) return null;
  return roundHalfAwayFromZero((100 * (weighted - ratedWeight)) / (4 * ratedWeight), 1);
}

/** Two cells as MATCH(…, 0) compares them: text ignoring case, otherwise the same type and value. */
function sameCell(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  return typeof a === typeof b && a === b;
}

/**
 * Which weight set a partner's type picks, as IFERROR(MATCH(type, WeightTypes, 0), 1) does in the Score
 * formula: the first name equal to the type (text compared ignoring case, no trimming), else 0 — a blank
 * type, a type that is not listed, a number or TRUE all take the first set. One decision for the sheet
 * formula, the Apps Script and the domain.
 */
export function weightSetIndex(type: unknown, names: readonly unknown[]): number {
  if (type === null || type === undefined || type === '') return 0;
  return Math.max(
    names.findIndex((name) => sameCell(type, name)),
    0,
  );
}

/** The single weight set a partner of `type` is scored with (all zeros when no type has weights). */
export function modelForType(model: ScoringByType, type: unknown): ScoringModel {
  const names = model.types.map((t) => t.name);
  const set = model.types[weightSetIndex(type, names)];
  return {
    criteria: model.criteria.map((key, i) => ({ key, weight: set?.weights[i] ?? 0 })),
    pursueAt: model.pursueAt,
    nurtureAt: model.nurtureAt,
    minCoverage: model.minCoverage,
  };
}

/** The per-type model of the chosen types, from scoring content whose criteria carry a weight per type key. */
export function scoringByType(
  scoring: {
    criteria: readonly { key: string; weights: Readonly<Record<PartnershipTypeKey, number>> }[];
    thresholds: { pursue: number; nurture: number };
    min_coverage: number;
  },
  chosen: readonly PartnershipTypeKey[],
): ScoringByType {
  return {
    criteria: scoring.criteria.map((c) => c.key),
    types: chosen.map((type) => ({
      name: PARTNERSHIP_TYPE_NAMES[type],
      weights: scoring.criteria.map((c) => c.weights[type]),
    })),
    pursueAt: scoring.thresholds.pursue,
    nurtureAt: scoring.thresholds.nurture,
    minCoverage: scoring.min_coverage,
  };
}

export function recommend(
  score: number | null,
  model: Pick<ScoringModel, 'pursueAt' | 'nurtureAt'>,
): Recommendation {
  if (score === null) return 'Needs ratings';
  if (gte(score, model.pursueAt)) return 'Pursue';
  if (gte(score, model.nurtureAt)) return 'Nurture';
  return 'Pass';
}

/** RANK(score, scores, 0): 1 + the number of strictly higher scores; ties share a rank; unscored -> null. */
export function rankScores(scores: readonly (number | null)[]): (number | null)[] {
  const descending = scores.filter((s): s is number => s !== null).sort((a, b) => b - a);
  /** How many scores are strictly higher than s: the first index whose score is not above s. */
  const higherThan = (s: number) => {
    let lo = 0;
    let hi = descending.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareNumbers(descending[mid]!, s) > 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return scores.map((s) => (s === null ? null : 1 + higherThan(s)));
}

export interface ScoredPartner<T> {
  partner: T;
  score: number | null;
  rank: number | null;
  recommendation: Recommendation;
}

/** Scores, ranks and recommends a list of partners in one pass, keeping their order. */
export function scorePartners<T extends { ratings: Readonly<Record<string, unknown>> }>(
  partners: readonly T[],
  model: ScoringModel,
): ScoredPartner<T>[] {
  return scoreRankRecommend(partners, () => model, model);
}

/** As scorePartners, each partner scored with the weights of its own partnership type (`type`). */
export function scorePartnersByType<T extends { ratings: Readonly<Record<string, unknown>>; type: unknown }>(
  partners: readonly T[],
  model: ScoringByType,
): ScoredPartner<T>[] {
  return scoreRankRecommend(partners, (p) => modelForType(model, p.type), model);
}

function scoreRankRecommend<T extends { ratings: Readonly<Record<string, unknown>> }>(
  partners: readonly T[],
  modelOf: (partner: T) => ScoringModel,
  thresholds: Pick<ScoringModel, 'pursueAt' | 'nurtureAt'>,
): ScoredPartner<T>[] {
  const scores = partners.map((p) => partnerScore(p.ratings, modelOf(p)));
  const ranks = rankScores(scores);
  return partners.map((partner, i) => ({
    partner,
    score: scores[i] ?? null,
    rank: ranks[i] ?? null,
    recommendation: recommend(scores[i] ?? null, thresholds),
  }));
}
