// Partner score, rank and recommendation: the semantics the sheet formula must match.
import { describe, expect, it } from 'vitest';
import {
  isValidRating,
  partnerScore,
  rankScores,
  recommend,
  roundHalfAwayFromZero,
  type ScoringModel,
  scorePartners,
} from '../../src/domain/scoring.js';

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
