// The six partnership types: complete per the schema, with sourced default terms, and installed only when chosen.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { compile } from '../../src/blueprint/compile.js';
import { partnershipTypeSchema } from '../../src/blueprint/content-schema.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { PARTNERSHIP_TYPES, type PartnershipTypeKey } from '../../src/domain/types.js';
import { TEMPLATES_DIR } from '../../src/platform/paths.js';
import { TYPE_SECTIONS } from './sections.js';

const SECTIONS = TYPE_SECTIONS;

const bp = loadBlueprint();
const rawType = (key: PartnershipTypeKey): Record<string, unknown> =>
  parseYaml(readFileSync(join(TEMPLATES_DIR, 'partnership-types', `${key}.yaml`), 'utf8')) as Record<
    string,
    unknown
  >;
const compileFor = (types: PartnershipTypeKey[]) =>
  compile(bp, parseConfig({ partnership_types: types }, 'test', '2027-01-04'));

describe('each partnership type file', () => {
  for (const key of PARTNERSHIP_TYPES) {
    it(`${key}: passes the schema with every section present`, () => {
      const raw = rawType(key);
      const result = partnershipTypeSchema.safeParse(raw);
      expect(result.success ? [] : result.error.issues).toEqual([]);
      expect(raw.key).toBe(key);
      for (const section of SECTIONS) {
        expect(raw, `${key}.${section}`).toHaveProperty(section);
        expect(raw[section], `${key}.${section}`).toBeTruthy();
      }
    });

    it(`${key}: has 4–8 default terms, each with a value, a rationale and a source`, () => {
      const terms = bp.types[key].incentives.default_terms;
      expect(terms.length).toBeGreaterThanOrEqual(4);
      expect(terms.length).toBeLessThanOrEqual(8);
      for (const t of terms) {
        expect(t.value.trim(), `${key} ${t.term}`).not.toBe('');
        expect(t.rationale.trim(), `${key} ${t.term}`).not.toBe('');
        expect(t.source, `${key} ${t.term}`).toMatch(
          /^(Well supported|Indicative|Thin evidence|Our judgment): \S.*$/s,
        );
        expect(t.source, `${key} ${t.term}`).not.toMatch(/§|\[[MSW][\],/]|House default/);
      }
      expect(new Set(terms.map((t) => t.term)).size, `${key} repeats a term`).toBe(terms.length);
    });

    it(`${key}: the schema rejects the file with any one section removed`, () => {
      for (const section of SECTIONS) {
        const copy = structuredClone(rawType(key));
        delete copy[section];
        const result = partnershipTypeSchema.safeParse(copy);
        expect(result.success, `${key} without ${section}`).toBe(false);
        expect(
          result.success ? [] : result.error.issues.map((i) => i.path[0]),
          `${key} without ${section}`,
        ).toContain(section);
      }
    });
  }

  it('the schema rejects a default term without a source, or with an unsourced one', () => {
    const copy = structuredClone(rawType('referral')) as {
      incentives: { default_terms: Record<string, unknown>[] };
    };
    delete copy.incentives.default_terms[0]!.source;
    expect(partnershipTypeSchema.safeParse(copy).success).toBe(false);
    copy.incentives.default_terms[0]!.source = 'Everyone pays 15%';
    expect(partnershipTypeSchema.safeParse(copy).success).toBe(false);
    // Research shorthand is refused even behind a valid label: sources are read by customers.
    copy.incentives.default_terms[0]!.source = 'Indicative: Benchmarks §1 Referral, 10–25% [W]';
    expect(partnershipTypeSchema.safeParse(copy).success).toBe(false);
    copy.incentives.default_terms[0]!.source = 'Indicative: published guides give 10–25% of first-year ACV.';
    expect(partnershipTypeSchema.safeParse(copy).success).toBe(true);
  });
});

describe('choosing co-sell and service-implementation', () => {
  const chosen: PartnershipTypeKey[] = ['co-sell', 'service-implementation'];
  const ws = compileFor(chosen);

  it('installs pages only for those two types', () => {
    for (const page of ws.pages) {
      expect(page.type === null || chosen.includes(page.type), `${page.key} is for ${page.type}`).toBe(true);
    }
    const perType = bp.pages.filter((p) => p.per_type).map((p) => p.key);
    for (const type of chosen) {
      const ofType = ws.pages.filter((p) => p.type === type).map((p) => p.templateKey);
      expect(ofType.sort(), type).toEqual([...perType].sort());
    }
  });

  it('includes the service-partner-workflow page and roadmap row', () => {
    expect(ws.pages.map((p) => p.templateKey)).toContain('service-partner-workflow');
    const roadmap = ws.databases.find((d) => d.key === 'db.roadmap')!.rows.map((r) => r.key);
    expect(roadmap).toContain('row.roadmap.service-workflows');
  });

  it('puts every co-sell default term value on the Term Sheet — Co-Sell page, and none of the other type', () => {
    const page = ws.pages.find((p) => p.title === 'Term Sheet — Co-Sell');
    expect(page, 'Term Sheet — Co-Sell page').toBeDefined();
    expect(page!.templateKey).toBe('term-sheet');
    expect(page!.type).toBe('co-sell');
    const own = bp.types['co-sell'].incentives.default_terms.map((t) => t.value);
    for (const value of own) expect(page!.markdown, value.slice(0, 60)).toContain(value);
    for (const t of bp.types['service-implementation'].incentives.default_terms) {
      if (!own.some((v) => v.includes(t.value)))
        expect(page!.markdown, t.value.slice(0, 60)).not.toContain(t.value);
    }
  });

  it('lists every service-implementation milestone on its 90-day plan', () => {
    const page = ws.pages.find(
      (p) => p.templateKey === 'first-90-days' && p.type === 'service-implementation',
    );
    expect(page, '90-day plan for service-implementation').toBeDefined();
    expect(page!.kind).toBe('90-day plan');
    const titles = bp.types['service-implementation'].launch.phases.flatMap((ph) =>
      ph.milestones.map((m) => m.title),
    );
    expect(titles.length).toBeGreaterThanOrEqual(6);
    for (const title of titles) expect(page!.markdown).toContain(title);
    for (const phase of bp.types['service-implementation'].launch.phases)
      expect(page!.markdown).toContain(phase.name);
  });
});

describe('choosing referral and affiliate', () => {
  const ws = compileFor(['referral', 'affiliate']);

  it('leaves out the service-partner-workflow page and its roadmap row', () => {
    expect(ws.pages.map((p) => p.templateKey)).not.toContain('service-partner-workflow');
    const roadmap = ws.databases.find((d) => d.key === 'db.roadmap')!.rows.map((r) => r.key);
    expect(roadmap).not.toContain('row.roadmap.service-workflows');
    expect(roadmap).toContain('row.roadmap.icp');
    expect(roadmap).toHaveLength(15);
    const playbooks = ws.databases.find((d) => d.key === 'db.playbooks')!.rows.map((r) => r.key);
    expect(playbooks.some((k) => k.includes('service-partner-workflow'))).toBe(false);
  });

  it('installs per-type pages for referral and affiliate only', () => {
    const types = new Set(ws.pages.map((p) => p.type).filter((t) => t !== null));
    expect([...types].sort()).toEqual(['affiliate', 'referral']);
  });
});
