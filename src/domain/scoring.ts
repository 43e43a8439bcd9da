// Partner Scoring Tool: weighted 1–5 ratings -> 0–100 score, rank and Pursue/Nurture/Pass; mirrors the sheet formula.
import { compareNumbers, gte, lt } from './compare.js';

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
  const scores = partners.map((p) => partnerScore(p.ratings, model));
  const ranks = rankScores(scores);
  return partners.map((partner, i) => ({
    partner,
    score: scores[i] ?? null,
    rank: ranks[i] ?? null,
    recommendation: recommend(scores[i] ?? null, model),
  }));
}
