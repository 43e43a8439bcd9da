// Partner score, rank and recommendation: the semantics the sheet formula must match.
import { describe, expect, it } from 'vitest';
import { loadBlueprint } from '../../src/blueprint/load.js';
import {
  isValidRating,
  modelForType,
  partnerScore,
  rankScores,
  recommend,
  roundHalfAwayFromZero,
  type ScoringByType,
  type ScoringModel,
  scorePartners,
  scorePartnersByType,
  scoringByType,
  weightSetIndex,
} from '../../src/domain/scoring.js';
import { PARTNERSHIP_TYPES, type PartnershipTypeKey } from '../../src/domain/types.js';

const model: ScoringModel = {
  criteria: [
    { key: 'a', weight: 50 },
    { key: 'b', weight: 30 },
    { key: 'c', weight: 20 },
  ],
  pursueAt: 70,
  nurtureAt: 45,
  minCoverage: 0.5,
};

describe('partnerScore', () => {
  it('maps all 5s to 100 and all 1s to 0', () => {
    expect(partnerScore({ a: 5, b: 5, c: 5 }, model)).toBe(100);
    expect(partnerScore({ a: 1, b: 1, c: 1 }, model)).toBe(0);
  });

  it('is the weighted mean of (r-1)/4, rounded to one decimal', () => {
    // (50*0.75 + 30*0.5 + 20*0.25) / 100 = 0.575
    expect(partnerScore({ a: 4, b: 3, c: 2 }, model)).toBe(57.5);
    // (50*1 + 30*0 + 20*0.5)/100 = 0.6
    expect(partnerScore({ a: 5, b: 1, c: 3 }, model)).toBe(60);
  });

  it('averages over rated criteria only, never counting a missing rating as zero', () => {
    // only a and b rated: (50*1 + 30*0.5)/80 = 0.8125 -> 81.3
    expect(partnerScore({ a: 5, b: 3 }, model)).toBe(81.3);
  });

  it('is null until the rated criteria carry the minimum share of weight', () => {
    expect(partnerScore({ b: 5, c: 5 }, model)).toBe(100); // 50% of weight: exactly the minimum
    expect(partnerScore({ c: 5 }, model)).toBeNull(); // 20%
    expect(partnerScore({}, model)).toBeNull();
  });

  it('treats out-of-range and non-numeric ratings as not rated', () => {
    expect(isValidRating(0)).toBe(false);
    expect(isValidRating(6)).toBe(false);
    expect(isValidRating('4')).toBe(false);
    expect(isValidRating(Number.NaN)).toBe(false);
    expect(isValidRating(2.5)).toBe(true);
    expect(partnerScore({ a: 5, b: 9, c: 'x' }, model)).toBe(100);
  });

  it('is null when every weight is zero', () => {
    const zero = { ...model, criteria: model.criteria.map((c) => ({ ...c, weight: 0 })) };
    expect(partnerScore({ a: 5, b: 5, c: 5 }, zero)).toBeNull();
  });

  it('lets one extreme weight dominate', () => {
    const extreme = {
      ...model,
      criteria: [
        { key: 'a', weight: 1e6 },
        { key: 'b', weight: 1 },
      ],
    };
    expect(partnerScore({ a: 5, b: 1 }, extreme)).toBe(100);
  });
});

describe('roundHalfAwayFromZero', () => {
  it('rounds halves away from zero like spreadsheet ROUND', () => {
    expect(roundHalfAwayFromZero(81.25, 1)).toBe(81.3);
    expect(roundHalfAwayFromZero(-81.25, 1)).toBe(-81.3);
    expect(roundHalfAwayFromZero(0.04, 1)).toBe(0);
  });

  it('corrects the binary error to 15 significant digits first, as spreadsheets do', () => {
    expect(roundHalfAwayFromZero(28.649999999999995, 1)).toBe(28.7); // a sum whose exact value is 28.65
    expect(roundHalfAwayFromZero(-28.649999999999995, 1)).toBe(-28.7);
    expect(roundHalfAwayFromZero(1.005, 2)).toBe(1.01); // 1.005 × 100 is 100.49999999999999 in binary
    expect(roundHalfAwayFromZero(21.9 / 0.2, 0)).toBe(110); // 109.49999999999999: Excel gives 110
    expect(roundHalfAwayFromZero(28.6499999999, 1)).toBe(28.6); // a real difference is kept
    expect(roundHalfAwayFromZero(1250, -2)).toBe(1300);
    expect(roundHalfAwayFromZero(-0.04, 1)).toBe(0); // never -0
  });
});

describe('recommend and rank', () => {
  it('uses inclusive thresholds', () => {
    expect(recommend(70, model)).toBe('Pursue');
    expect(recommend(69.9, model)).toBe('Nurture');
    expect(recommend(45, model)).toBe('Nurture');
    expect(recommend(44.9, model)).toBe('Pass');
    expect(recommend(null, model)).toBe('Needs ratings');
  });

  it('ranks like RANK(x, range, 0): ties share a rank, gaps follow, unscored stay blank', () => {
    expect(rankScores([80, null, 90, 80, 10])).toEqual([2, null, 1, 2, 4]);
  });

  it('ranks large lists exactly like the pairwise definition', () => {
    const scores = Array.from({ length: 3000 }, (_, i) =>
      i % 7 === 0 ? null : Math.round((((i * 7919) % 1000) / 10) * 10) / 10,
    );
    const naive = scores.map((s) =>
      s === null ? null : 1 + scores.filter((o) => o !== null && o > s).length,
    );
    expect(rankScores(scores)).toEqual(naive);
  });

  it('scores, ranks and recommends a list in one pass, keeping its order', () => {
    const out = scorePartners(
      [
        { name: 'low', ratings: { a: 1, b: 2, c: 1 } },
        { name: 'high', ratings: { a: 5, b: 5, c: 4 } },
        { name: 'unrated', ratings: {} },
      ],
      model,
    );
    expect(out.map((o) => [o.partner.name, o.rank, o.recommendation])).toEqual([
      ['low', 2, 'Pass'],
      ['high', 1, 'Pursue'],
      ['unrated', null, 'Needs ratings'],
    ]);
  });
});

const byType: ScoringByType = {
  criteria: ['a', 'b', 'c'],
  types: [
    { name: 'Referral', weights: [50, 30, 20] },
    { name: 'Co-Sell', weights: [0, 20, 80] },
    { name: 'Marketplace', weights: [100, 0, 0] },
  ],
  pursueAt: 70,
  nurtureAt: 45,
  minCoverage: 0.5,
};

describe('weights per partnership type', () => {
  const names = ['Referral', 'Co-Sell', 'Marketplace'];

  it('picks the weight set as MATCH(type, WeightTypes, 0) does: exact text, any case, no trimming', () => {
    expect(weightSetIndex('Referral', names)).toBe(0);
    expect(weightSetIndex('Co-Sell', names)).toBe(1);
    expect(weightSetIndex('co-sell', names)).toBe(1);
    expect(weightSetIndex('MARKETPLACE', names)).toBe(2);
    expect(weightSetIndex('mArKeTpLaCe', names)).toBe(2);
    expect(weightSetIndex(' Co-Sell', names)).toBe(0); // a padded name matches nothing: the first set
    expect(weightSetIndex('Co-Sell ', names)).toBe(0);
    expect(weightSetIndex('CoSell', names)).toBe(0);
  });

  it('gives a blank, unlisted or non-text type the first set', () => {
    for (const type of ['', null, undefined, 'Hyperscaler', true, false, 0, 2])
      expect(weightSetIndex(type, names), String(type)).toBe(0);
    expect(weightSetIndex(2, ['x', 2])).toBe(1); // numbers match numbers, as in the sheet
    expect(weightSetIndex('2', ['x', 2])).toBe(0); // but not text that looks like one
    expect(weightSetIndex('Referral', [])).toBe(0);
  });

  it("scores a partner with its type's weights", () => {
    const ratings = { a: 5, b: 3, c: 1 };
    expect(partnerScore(ratings, modelForType(byType, 'Referral'))).toBe(65); // (50·1 + 30·0.5) / 100
    expect(partnerScore(ratings, modelForType(byType, 'co-sell'))).toBe(10); // (20·0.5) / 100
    expect(partnerScore(ratings, modelForType(byType, 'Marketplace'))).toBe(100);
    expect(partnerScore(ratings, modelForType(byType, ''))).toBe(65); // no type: the first set
    expect(modelForType(byType, 'Co-Sell').criteria).toEqual([
      { key: 'a', weight: 0 },
      { key: 'b', weight: 20 },
      { key: 'c', weight: 80 },
    ]);
  });

  it("measures coverage against the type's own total, so a 0 weight is never missing", () => {
    // Only a is rated: 50% of Referral's weight, 0% of Co-Sell's, 100% of Marketplace's.
    expect(partnerScore({ a: 4 }, modelForType(byType, 'Referral'))).toBe(75);
    expect(partnerScore({ a: 4 }, modelForType(byType, 'Co-Sell'))).toBeNull();
    expect(partnerScore({ a: 4 }, modelForType(byType, 'Marketplace'))).toBe(75);
    // Co-Sell needs c (80% of its weight); b alone (20%) is not enough.
    expect(partnerScore({ b: 5 }, modelForType(byType, 'Co-Sell'))).toBeNull();
    expect(partnerScore({ c: 5 }, modelForType(byType, 'Co-Sell'))).toBe(100);
  });

  it('is all zeros, and so never scores, when no type has weights', () => {
    const none = { ...byType, types: [] };
    expect(modelForType(none, 'Referral').criteria.map((c) => c.weight)).toEqual([0, 0, 0]);
    expect(partnerScore({ a: 5, b: 5, c: 5 }, modelForType(none, 'Referral'))).toBeNull();
  });

  it('ranks partners of different types on one list, each scored with its own weights', () => {
    const out = scorePartnersByType(
      [
        { name: 'advisor', type: 'Referral', ratings: { a: 5, b: 3, c: 1 } },
        { name: 'isv', type: 'Co-Sell', ratings: { a: 5, b: 3, c: 1 } },
        { name: 'store', type: 'Marketplace', ratings: { a: 5, b: 3, c: 1 } },
        { name: 'untyped', type: null, ratings: { a: 5, b: 3, c: 1 } },
        { name: 'unrated', type: 'Co-Sell', ratings: { a: 5 } },
      ],
      byType,
    );
    expect(out.map((o) => [o.partner.name, o.score, o.rank, o.recommendation])).toEqual([
      ['advisor', 65, 2, 'Nurture'],
      ['isv', 10, 4, 'Pass'],
      ['store', 100, 1, 'Pursue'],
      ['untyped', 65, 2, 'Nurture'],
      ['unrated', null, null, 'Needs ratings'],
    ]);
  });
});

describe("the template's weights per type", () => {
  const bp = loadBlueprint();
  const all = scoringByType(bp.scoring, PARTNERSHIP_TYPES);
  const weightOf = (type: PartnershipTypeKey, key: string) =>
    bp.scoring.criteria.find((c) => c.key === key)!.weights[type];

  it('lists the chosen types only, in canonical order, by the names the Partnership type column uses', () => {
    const some = scoringByType(bp.scoring, ['co-sell', 'service-implementation']);
    expect(some.types.map((t) => t.name)).toEqual(['Co-Sell', 'Service/Implementation']);
    expect(some.criteria).toEqual(bp.scoring.criteria.map((c) => c.key));
    expect(some.types[0]!.weights).toEqual(bp.scoring.criteria.map((c) => c.weights['co-sell']));
    expect(some).toMatchObject({ pursueAt: 70, nurtureAt: 45, minCoverage: 0.5 });
  });

  it('gives every type its own weights, each totalling 100, with criteria that do not apply at 0', () => {
    const sets = all.types.map((t) => t.weights.join(','));
    expect(new Set(sets).size).toBe(PARTNERSHIP_TYPES.length);
    for (const t of all.types)
      expect(
        t.weights.reduce((a, b) => a + b, 0),
        t.name,
      ).toBe(100);
    expect(all.types.filter((t) => t.weights.includes(0)).map((t) => t.name)).toEqual(
      expect.arrayContaining(['Affiliate', 'Influencer', 'Marketplace']),
    );
    // The judgments the weights encode.
    expect(weightOf('referral', 'trusted_advisor')).toBeGreaterThan(
      3 * weightOf('marketplace', 'trusted_advisor'),
    );
    expect(weightOf('co-sell', 'cultural_fit')).toBeGreaterThan(3 * weightOf('affiliate', 'cultural_fit'));
    expect(weightOf('co-sell', 'cultural_fit')).toBeGreaterThan(3 * weightOf('influencer', 'cultural_fit'));
    expect(weightOf('service-implementation', 'technical_fit')).toBeGreaterThan(
      weightOf('referral', 'technical_fit'),
    );
  });

  it("gives the scoring guide's worked example its score: 80.5 as Referral, 74.0 as Co-Sell", () => {
    const keys = bp.scoring.criteria.map((c) => c.key);
    const ratings = Object.fromEntries(keys.map((k, i) => [k, [5, 5, 5, 3, 3, 5, 4, 3, 3, 4, 4, 4][i]]));
    expect(partnerScore(ratings, modelForType(all, 'Referral'))).toBe(80.5);
    expect(partnerScore(ratings, modelForType(all, 'Co-Sell'))).toBe(74);
    const firstThree = Object.fromEntries(keys.slice(0, 3).map((k) => [k, 5]));
    expect(partnerScore(firstThree, modelForType(all, 'Referral'))).toBeNull(); // 42 of 100
    expect(partnerScore({ ...firstThree, [keys[3]!]: 3 }, modelForType(all, 'Referral'))).toBe(88.9);
  });

  it('scores the same ratings differently for two types', () => {
    const ratings = Object.fromEntries(bp.scoring.criteria.map((c, i) => [c.key, (i % 5) + 1]));
    const scores = all.types.map((t) => partnerScore(ratings, modelForType(all, t.name)));
    expect(new Set(scores).size).toBeGreaterThanOrEqual(5);
  });
});
