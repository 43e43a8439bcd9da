// The partnership-type questionnaire on clear profiles, with the real questions from templates/fit.yaml.
import { describe, expect, it } from 'vitest';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { FitAnswerError, recommendTypes } from '../../src/domain/fit.js';

const { fit } = loadBlueprint();

/** Picks, for each question, the option that scores `type` highest: the clearest profile of that type. */
function profileFor(type: string): Record<string, string> {
  return Object.fromEntries(
    fit.questions.map((q) => {
      const best = [...q.options].sort(
        (a, b) =>
          ((b.scores as Record<string, number>)[type] ?? 0) -
          ((a.scores as Record<string, number>)[type] ?? 0),
      )[0]!;
      return [q.key, best.key];
    }),
  );
}

describe('recommendTypes', () => {
  it.each(['referral', 'affiliate', 'co-sell', 'service-implementation', 'influencer', 'marketplace'])(
    'recommends %s first for its clearest profile, with reasons',
    (type) => {
      const result = recommendTypes(fit.questions, profileFor(type));
      expect(result.recommended[0]).toBe(type);
      expect(result.ranking[0]!.reasons.length).toBeGreaterThan(0);
      expect(result.unanswered).toEqual([]);
    },
  );

  it('recommends two types when the runner-up is close, one when it is not', () => {
    const questions = [
      {
        key: 'q',
        text: 'q',
        options: [
          { key: 'both', label: 'both', reason: 'r', scores: { referral: 3, affiliate: 3 } },
          { key: 'one', label: 'one', reason: 'r', scores: { referral: 3 } },
        ],
      },
    ];
    expect(recommendTypes(questions, { q: 'both' }).recommended).toEqual(['referral', 'affiliate']);
    expect(recommendTypes(questions, { q: 'one' }).recommended).toEqual(['referral']);
  });

  it('rejects an answer that is not an option, and recommends nothing with no answers', () => {
    expect(() => recommendTypes(fit.questions, { [fit.questions[0]!.key]: 'nope' })).toThrow(FitAnswerError);
    const none = recommendTypes(fit.questions, {});
    expect(none.recommended).toEqual([]);
    expect(none.unanswered.length).toBe(fit.questions.length);
  });
});
