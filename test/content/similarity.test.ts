// Every partnership type must be genuinely different: each section is compared, type against type,
// with a word-trigram Jaccard similarity over normalized text that ignores the types' own names.
import { describe, expect, it } from 'vitest';
import type { PartnershipType } from '../../src/blueprint/content-schema.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import {
  PARTNERSHIP_TYPE_NAMES,
  PARTNERSHIP_TYPES,
  type PartnershipTypeKey,
} from '../../src/domain/types.js';
import { KIT_SECTIONS, TYPE_SECTIONS } from './sections.js';

/**
 * Two types' corresponding sections are "near-duplicates" at or above this score. Independently
 * written sections on the same topic share some phrasing ("the partner manager", "first-year ACV")
 * and score well under 0.1 (the highest pair was about 0.03 when this test was written); a section
 * made by swapping type names in another type's text scores ~1.0. 0.35 is the limit CONTENT-SPEC.md
 * promises to enforce.
 */
const MAX_SECTION_SIMILARITY = 0.35;

/** The sections compared, in CONTENT-SPEC.md order. */
const SECTIONS = TYPE_SECTIONS;
type Section = (typeof SECTIONS)[number];

/**
 * Type names and the key words of type names, removed before comparing so that a name-swap
 * (replacing "referral" by "affiliate" throughout) produces identical normalized text.
 * Matched on the lowercased text before punctuation is stripped, so "co-sell" and "service/implementation" are caught whole.
 */
const TYPE_WORDS =
  /\b(?:co[\s-]?sell(?:s|ing|ers?)?|referrals?|affiliates?|influencers?|marketplaces?|services?|implementations?)\b/g;

/** lowercase, drop type names, strip punctuation and digits, collapse whitespace. */
function normalize(text: string): string {
  return text
    .toLowerCase()
    .replace(TYPE_WORDS, ' ')
    .replace(/[^a-z\s]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Every string (and number) inside a value, depth first, in document order. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number') return [String(value)];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/** A section as one text: its strings (list fields too) joined with spaces; KPIs are names and definitions only. */
function sectionText(type: PartnershipType, section: Section): string {
  if (section === 'kpis') return type.kpis.map((k) => `${k.name} ${k.definition}`).join(' ');
  return strings(type[section]).join(' ');
}

function trigrams(text: string): Set<string> {
  const words = normalize(text).split(' ').filter(Boolean);
  const grams = new Set<string>();
  for (let i = 0; i + 2 < words.length; i++) grams.add(`${words[i]} ${words[i + 1]} ${words[i + 2]}`);
  return grams;
}

/** Jaccard similarity of the two texts' word-trigram sets: |A ∩ B| / |A ∪ B| (0 when both are empty). */
function similarity(a: string, b: string): number {
  const ga = trigrams(a);
  const gb = trigrams(b);
  let shared = 0;
  for (const g of ga) if (gb.has(g)) shared++;
  const union = ga.size + gb.size - shared;
  return union === 0 ? 0 : shared / union;
}

/** Replaces one type's display name and key with another's, in every case form, the way a copy-paste author would. */
function swapNames(text: string, from: PartnershipTypeKey, to: PartnershipTypeKey): string {
  const forms = (key: PartnershipTypeKey) => [
    PARTNERSHIP_TYPE_NAMES[key],
    key,
    PARTNERSHIP_TYPE_NAMES[key].toLowerCase(),
  ];
  const [fromName, fromKey, fromLower] = forms(from);
  const [toName, toKey, toLower] = forms(to);
  return text.split(fromName!).join(toName!).split(fromKey!).join(toKey!).split(fromLower!).join(toLower!);
}

const bp = loadBlueprint();

const pairs: [PartnershipTypeKey, PartnershipTypeKey][] = PARTNERSHIP_TYPES.flatMap((a, i) =>
  PARTNERSHIP_TYPES.slice(i + 1).map((b): [PartnershipTypeKey, PartnershipTypeKey] => [a, b]),
);

describe('the similarity measure', () => {
  it('normalizes case, punctuation, digits, whitespace and type names', () => {
    expect(normalize('Pay the Co-Sell partner 15% of ACV,  within 30 days!')).toBe(
      'pay the partner of acv within days',
    );
    expect(normalize('Service/Implementation partners scope the SOW')).toBe('partners scope the sow');
    expect(normalize('Referral partners')).toBe(normalize('Affiliate partners'));
    expect(normalize('Influencers and marketplaces')).toBe('and');
  });

  it('scores identical text 1, disjoint text 0 and partial overlap in between', () => {
    expect(similarity('one two three four', 'one two three four')).toBe(1);
    expect(similarity('one two three four', 'five six seven eight')).toBe(0);
    // {one two three, two three four} vs {one two three, two three five}: 1 shared of 3.
    expect(similarity('one two three four', 'one two three five')).toBeCloseTo(1 / 3, 10);
  });

  it('catches a section copied from another type with the names swapped', () => {
    let changed = 0;
    for (const section of SECTIONS) {
      const original = sectionText(bp.types.referral, section);
      const copied = swapNames(original, 'referral', 'affiliate');
      if (copied !== original) changed++;
      expect(similarity(original, copied), section).toBeGreaterThan(0.95);
      expect(similarity(original, copied), section).toBeGreaterThan(MAX_SECTION_SIMILARITY);
    }
    // The swap really rewrote most sections (a section that never names its type is trivially equal).
    expect(changed).toBeGreaterThanOrEqual(5);
    // The same with the hyphenated and slash names, which the normalizer must remove whole.
    const coSell = sectionText(bp.types['co-sell'], 'launch');
    expect(similarity(coSell, swapNames(coSell, 'co-sell', 'service-implementation'))).toBeGreaterThan(0.95);
  });

  it('catches a name-swapped copy with light edits', () => {
    const original = sectionText(bp.types.influencer, 'failure_modes');
    const words = swapNames(original, 'influencer', 'marketplace').split(' ');
    // Change every tenth word: still an obvious copy.
    const edited = words.map((w, i) => (i % 10 === 0 ? `edited${i}` : w)).join(' ');
    expect(similarity(original, edited)).toBeGreaterThan(MAX_SECTION_SIMILARITY);
  });

  it('scores unrelated sections low', () => {
    expect(
      similarity(sectionText(bp.types.referral, 'failure_modes'), sectionText(bp.types['co-sell'], 'kpis')),
    ).toBeLessThan(0.05);
    expect(
      similarity(
        sectionText(bp.types.affiliate, 'term_sheet'),
        sectionText(bp.types.marketplace, 'recruitment'),
      ),
    ).toBeLessThan(0.1);
  });
});

describe('partnership types are genuinely different', () => {
  it('compares all 15 pairs of the six types', () => {
    expect(pairs).toHaveLength(15);
  });

  for (const section of SECTIONS) {
    it(`no two types have near-duplicate ${section} (similarity < ${MAX_SECTION_SIMILARITY})`, () => {
      const offenders: string[] = [];
      for (const [a, b] of pairs) {
        const textA = sectionText(bp.types[a], section);
        const textB = sectionText(bp.types[b], section);
        expect(trigrams(textA).size, `${a}.${section} is too short to compare`).toBeGreaterThan(10);
        const score = similarity(textA, textB);
        if (score >= MAX_SECTION_SIMILARITY) offenders.push(`${a} vs ${b}: ${score.toFixed(3)}`);
      }
      expect(offenders, `templates/partnership-types/*.yaml ${section}`).toEqual([]);
    });
  }
});

describe('recruiting kits are genuinely different', () => {
  const kitText = (type: PartnershipTypeKey, section: (typeof KIT_SECTIONS)[number]) =>
    strings(bp.recruitingKits[type][section]).join(' ');

  it('catches a kit section copied from another type with the names swapped', () => {
    for (const section of KIT_SECTIONS) {
      const original = kitText('referral', section);
      expect(similarity(original, swapNames(original, 'referral', 'affiliate')), section).toBeGreaterThan(
        0.95,
      );
    }
  });

  for (const section of KIT_SECTIONS) {
    it(`no two types have a near-duplicate recruiting-kit ${section} (similarity < ${MAX_SECTION_SIMILARITY})`, () => {
      const offenders: string[] = [];
      for (const [a, b] of pairs) {
        const textA = kitText(a, section);
        expect(trigrams(textA).size, `${a} kit ${section} is too short to compare`).toBeGreaterThan(10);
        const score = similarity(textA, kitText(b, section));
        if (score >= MAX_SECTION_SIMILARITY) offenders.push(`${a} vs ${b}: ${score.toFixed(3)}`);
      }
      expect(offenders, `templates/recruiting-kits/*.yaml ${section}`).toEqual([]);
    });
  }
});
