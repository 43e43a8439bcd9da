// Partnership-type fit questionnaire: answers -> ranked types with the reasons behind them.
import { PARTNERSHIP_TYPES, type PartnershipTypeKey } from './types.js';

export interface FitOption {
  key: string;
  label: string;
  scores: Partial<Record<PartnershipTypeKey, number>>;
  reason: string;
}

export interface FitQuestion {
  key: string;
  text: string;
  options: readonly FitOption[];
}

export interface TypeFit {
  type: PartnershipTypeKey;
  points: number;
  /** Share of the points this type could have earned on the answered questions, 0–1. */
  fit: number;
  reasons: string[];
}

export interface FitResult {
  ranking: TypeFit[];
  /** One type, or two when the runner-up is within `closeCall` of the leader's fit. */
  recommended: PartnershipTypeKey[];
  answered: number;
  unanswered: string[];
}

export class FitAnswerError extends Error {}

/**
 * Scores every type on the answered questions. Ties keep the canonical type order. An answer that is
 * not one of the question's options is an error naming both; unanswered questions are listed, not guessed.
 */
export function recommendTypes(
  questions: readonly FitQuestion[],
  answers: Readonly<Record<string, string>>,
  closeCall = 0.1,
): FitResult {
  const points = new Map<PartnershipTypeKey, number>(PARTNERSHIP_TYPES.map((t) => [t, 0]));
  const possible = new Map<PartnershipTypeKey, number>(PARTNERSHIP_TYPES.map((t) => [t, 0]));
  const reasons = new Map<PartnershipTypeKey, string[]>(PARTNERSHIP_TYPES.map((t) => [t, []]));
  const unanswered: string[] = [];
  let answered = 0;

  for (const question of questions) {
    const answerKey = answers[question.key];
    if (answerKey === undefined || answerKey === '') {
      unanswered.push(question.key);
      continue;
    }
    const option = question.options.find((o) => o.key === answerKey);
    if (!option) {
      const allowed = question.options.map((o) => o.key).join(', ');
      throw new FitAnswerError(
        `answer "${answerKey}" to "${question.key}" is not an option (one of: ${allowed})`,
      );
    }
    answered += 1;
    for (const type of PARTNERSHIP_TYPES) {
      const best = Math.max(0, ...question.options.map((o) => o.scores[type] ?? 0));
      possible.set(type, possible.get(type)! + best);
      const earned = option.scores[type] ?? 0;
      points.set(type, points.get(type)! + earned);
      if (earned >= 2) reasons.get(type)!.push(option.reason);
    }
  }

  const ranking = PARTNERSHIP_TYPES.map((type) => {
    const max = possible.get(type)!;
    return {
      type,
      points: points.get(type)!,
      fit: max > 0 ? points.get(type)! / max : 0,
      reasons: reasons.get(type)!,
    };
  }).sort((a, b) => b.fit - a.fit || b.points - a.points);

  const [first, second] = ranking;
  const recommended: PartnershipTypeKey[] = [];
  if (first && answered > 0) {
    recommended.push(first.type);
    if (second && second.fit > 0 && first.fit - second.fit <= closeCall) recommended.push(second.type);
  }
  return { ranking, recommended, answered, unanswered };
}
