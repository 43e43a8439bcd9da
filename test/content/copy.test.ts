// Customer-facing copy: no research tags, internal notes or British spellings anywhere the install writes; one-page term sheets with an internal companion; one Sources and assumptions page.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import type { DesiredWorkspace } from '../../src/blueprint/desired.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import {
  PARTNERSHIP_TYPE_NAMES,
  PARTNERSHIP_TYPES,
  type PartnershipTypeKey,
} from '../../src/domain/types.js';
import { TEMPLATES_DIR } from '../../src/platform/paths.js';

/** CONTENT-SPEC.md: a type's term sheet fits one page. */
const TERM_SHEET_MAX_WORDS = 600;

/** Research shorthand from reference/partnership-benchmarks.md that must never reach a reader. */
const TAGS: [string, RegExp][] = [
  ['a grade tag such as [W] or [S, one vendor]', /\[[MSW][\],/]/],
  ['"Benchmarks §"', /Benchmarks §/],
  ['a section sign with a number', /§\s?\d/],
  ['"House default"', /house default/i],
  ['"Method target"', /method target/i],
  ['an internal note about the mission', /\bmission\b/i],
  ['a grade in words', /\bweak-graded\b|\bgraded \[/i],
];

/**
 * British spellings (and the US form a reader should see). Each pattern matches whole words, so "commission"
 * or "analyses" (the plural of analysis) never trips it.
 */
const BRITISH: [RegExp, string][] = [
  [/\boptimis(e|es|ed|ing|ation|ations)\b/i, 'optimize, optimization'],
  [/\bbehaviours?\b/i, 'behavior'],
  [/\borganis(e|es|ed|ing|ation|ations|ational)\b/i, 'organize, organization'],
  [/\bcolour(s|ed|ing|ful)?\b/i, 'color'],
  [/\blicences?\b/i, 'license'],
  [/\bprioritis(e|es|ed|ing|ation)\b/i, 'prioritize'],
  [/\brecognis(e|es|ed|ing|able)\b/i, 'recognize'],
  [/\banalys(e|ed|ing)\b/i, 'analyze'],
  [/\bcentres?\b/i, 'center'],
  [/\bfavour(s|ed|ing|able|ite|ites)?\b/i, 'favor, favorite'],
  [/\bcatalogues?\b/i, 'catalog'],
  [/\bprogrammes?\b/i, 'program'],
  [/\bcancell(ed|ing)\b/i, 'canceled, canceling'],
  [/\btravell(ed|ing|er|ers)\b/i, 'traveled'],
  [/\bmodell(ed|ing)\b/i, 'modeled, modeling'],
  [/\blabour\b/i, 'labor'],
  [/\bhonour(s|ed|ing)?\b/i, 'honor'],
  [/\bdefence\b/i, 'defense'],
  [/\boffence\b/i, 'offense'],
  [/\bjudgement\b/i, 'judgment'],
  [/\benrol(s)?\b|\benrolment\b/i, 'enroll, enrollment'],
  [/\bfulfil(s|ment)?\b/i, 'fulfill, fulfillment'],
  [/\bpenalis(e|es|ed|ing)\b/i, 'penalize'],
  [/\bauthoris(e|es|ed|ing|ation)\b/i, 'authorize, authorization'],
  [/\bsummaris(e|es|ed|ing)\b/i, 'summarize'],
  [/\bpersonalis(e|es|ed|ing|ation)\b/i, 'personalize'],
  [/\bincentivis(e|es|ed|ing)\b/i, 'incentivize'],
  [/\bstandardis(e|es|ed|ing|ation)\b/i, 'standardize'],
  [/\bcustomis(e|es|ed|ing|ation)\b/i, 'customize'],
  [
    /\b(minimis|maximis|utilis|categoris|finalis|formalis|normalis|visualis|specialis|emphasis)(e|es|ed|ing)\b/i,
    '-ize',
  ],
  [/\brealis(e|es|ed|ing|ation)\b/i, 'realize'],
  [/\bneighbour/i, 'neighbor'],
  [/\bgreyed\b/i, 'grayed'],
  [/\blabell(ed|ing)\b/i, 'labeled'],
  [/\bsignall(ed|ing)\b/i, 'signaled'],
  [/\binstalments?\b/i, 'installment'],
  [/\bendeavour/i, 'endeavor'],
  [/\bpractis(e|es|ed|ing)\b/i, 'practice'],
  [/\bwhilst\b/i, 'while'],
  [/\blearnt\b/i, 'learned'],
  [/\bcheques?\b/i, 'check'],
  [/\bsceptic/i, 'skeptic'],
  [/\backnowledgement/i, 'acknowledgment'],
];

/** Every text the install writes that a customer or partner reads, with where it is. */
function readerTexts(ws: DesiredWorkspace): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = [];
  for (const p of ws.pages) out.push({ where: `page ${p.key}`, text: `${p.title}\n${p.markdown}` });
  out.push({ where: 'hub', text: ws.hub.markdown });
  for (const db of ws.databases) {
    out.push({ where: `database ${db.key} description`, text: `${db.title}\n${db.description}` });
    for (const prop of db.properties) {
      const options = 'options' in prop ? prop.options.join('\n') : '';
      out.push({ where: `database ${db.key} property ${prop.name}`, text: `${prop.name}\n${options}` });
    }
    for (const view of db.views) out.push({ where: `database ${db.key} view`, text: view.name });
    for (const row of db.rows) {
      const values = Object.values(row.values)
        .map((v) => (v.kind === 'text' ? v.value : v.kind === 'select' ? (v.value ?? '') : ''))
        .join('\n');
      out.push({ where: `${db.key} row ${row.key}`, text: `${row.title}\n${values}\n${row.markdown}` });
    }
  }
  for (const tab of ws.workbook.tabs) {
    out.push({ where: `tab ${tab.name}`, text: tab.name });
    for (const cell of tab.cells) {
      const text = typeof cell.value === 'string' ? cell.value : (cell.formula ?? '');
      if (text) out.push({ where: `tab ${tab.name} R${cell.row}C${cell.col}`, text });
    }
    for (const col of tab.table?.columns ?? [])
      out.push({ where: `tab ${tab.name} header`, text: col.header });
    for (const r of tab.protectedRanges)
      out.push({ where: `tab ${tab.name} ${r.range}`, text: r.description });
    for (const v of tab.validations)
      if (v.list) out.push({ where: `tab ${tab.name} ${v.range} list`, text: v.list.join('\n') });
  }
  for (const step of ws.manualSteps) out.push({ where: `manual step (${step.target})`, text: step.step });
  return out;
}

/** The offending text around a match, for the failure message. */
function around(text: string, pattern: RegExp): string {
  const m = pattern.exec(text);
  if (!m) return '';
  return text
    .slice(Math.max(0, m.index - 40), m.index + m[0].length + 40)
    .replace(/\s+/g, ' ')
    .trim();
}

/** Words as a reader counts them: whitespace-separated runs holding a letter or digit (table pipes are not words). */
function words(markdown: string): number {
  return markdown.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

const bp = loadBlueprint();
const compileFor = (types?: PartnershipTypeKey[]) =>
  compile(bp, parseConfig(types ? { partnership_types: types } : {}, 'test', '2027-01-04'));
const ws = compileFor();
const texts = readerTexts(ws);
const page = (w: DesiredWorkspace, templateKey: string, type: PartnershipTypeKey | null = null) =>
  w.pages.find((p) => p.templateKey === templateKey && p.type === type);

describe('the scanners', () => {
  it('catch research tags and leave ordinary text alone', () => {
    const hits = (s: string) => TAGS.filter(([, re]) => re.test(s)).map(([label]) => label);
    expect(hits('10–25% of first-year ACV [W]; Tovuti 15% [S, one vendor]')).toHaveLength(1);
    expect(hits('see Benchmarks §7 for the gap')).toEqual(['"Benchmarks §"', 'a section sign with a number']);
    expect(hits('House default: a judgment')).toEqual(['"House default"']);
    expect(hits("the mission's 3–6 weeks")).toEqual(['an internal note about the mission']);
    expect(hits('A 15% commission, [Mon] standup, [Sales] channel and a published benchmark')).toEqual([]);
  });

  it('catch British spellings in any case and never a US one', () => {
    const british = (s: string) => BRITISH.filter(([re]) => re.test(s)).map(([, us]) => us);
    expect(british('Optimisation moves, the Licence and a fulfilment fee')).toEqual([
      'optimize, optimization',
      'license',
      'fulfill, fulfillment',
    ]);
    expect(british('nobody argues about colours; our judgement; enrolment opens')).toHaveLength(3);
    const us =
      'optimization, behavior, organization, color, license, prioritize, recognize, analyze, analyses, center, favor, ' +
      'catalog, program, canceled, traveling, modeling, labor, honor, defense, judgment, enrolled, enrollment, ' +
      'fulfill, fulfillment, commission, mission, emphasis, grayed, labeled, installment, practice, emphasize';
    expect(british(us)).toEqual([]);
  });
});

describe('everything a customer or partner reads, with all six types', () => {
  it('covers every page, every database and every workbook tab', () => {
    expect(texts.filter((t) => t.where.startsWith('page ')).length).toBe(ws.pages.length);
    for (const db of ws.databases)
      expect(texts.some((t) => t.where === `database ${db.key} description`)).toBe(true);
    for (const tab of ws.workbook.tabs) expect(texts.some((t) => t.where === `tab ${tab.name}`)).toBe(true);
    expect(texts.length).toBeGreaterThan(1000);
  });

  it('carries no research tag and no internal note', () => {
    const problems = texts.flatMap(({ where, text }) =>
      TAGS.filter(([, re]) => re.test(text)).map(
        ([label, re]) => `${where}: ${label} in "${around(text, re)}"`,
      ),
    );
    expect(problems).toEqual([]);
  });

  it('uses US spelling throughout', () => {
    const problems = texts.flatMap(({ where, text }) =>
      BRITISH.filter(([re]) => re.test(text)).map(
        ([re, us]) => `${where}: "${around(text, re)}" (US: ${us})`,
      ),
    );
    expect(problems).toEqual([]);
  });

  it('starts every source a reader sees with how firm it is', () => {
    for (const key of PARTNERSHIP_TYPES) {
      const sources = [
        ...bp.types[key].incentives.default_terms.map((t) => t.source),
        ...bp.types[key].kpis.map((k) => k.source),
      ];
      for (const source of sources)
        expect(source, key).toMatch(/^(Well supported|Indicative|Thin evidence|Our judgment): \S/);
    }
  });
});

describe('term sheets', () => {
  for (const key of PARTNERSHIP_TYPES) {
    const type = bp.types[key];
    const sheet = page(ws, 'term-sheet', key);
    const notes = page(ws, 'term-sheet-notes', key);

    it(`${key}: the term sheet fits one page (${TERM_SHEET_MAX_WORDS} words) with the 8 sections and every default term`, () => {
      expect(sheet, `Term Sheet — ${PARTNERSHIP_TYPE_NAMES[key]}`).toBeDefined();
      const md = sheet!.markdown;
      expect(words(md), `${key} term sheet words`).toBeLessThanOrEqual(TERM_SHEET_MAX_WORDS);
      const sections = [...md.matchAll(/^## (\d)\. /gm)].map((m) => Number(m[1]));
      expect(sections).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(md).toContain('| Term | Default offer |');
      for (const t of type.incentives.default_terms) expect(md).toContain(`| ${t.term} | ${t.value} |`);
    });

    it(`${key}: the term sheet keeps the rationale, the sources and the market position off the partner's page`, () => {
      const md = sheet!.markdown;
      for (const t of type.incentives.default_terms) {
        expect(md, `${key} ${t.term} rationale`).not.toContain(t.rationale);
        expect(md, `${key} ${t.term} source`).not.toContain(t.source);
      }
      expect(md).not.toMatch(/\| Why \|/);
      expect(md).not.toMatch(
        /\b(midpoint|common range|typical range|market (range|rate|norm|average|median)|sweet spot|(above|below) (the )?market|industry standard)\b/i,
      );
      expect(md).not.toMatch(/\b(Well supported|Indicative|Thin evidence|Our judgment):/);
    });

    it(`${key}: an internal companion page holds each default's rationale and what it rests on`, () => {
      expect(notes, `Term Sheet Notes — ${PARTNERSHIP_TYPE_NAMES[key]}`).toBeDefined();
      expect(notes!.title).toMatch(/internal/i);
      const md = notes!.markdown;
      expect(md).toMatch(/never send this page to a partner/i);
      for (const t of type.incentives.default_terms)
        expect(md, `${key} ${t.term}`).toContain(`| ${t.term} | ${t.value} | ${t.rationale} | ${t.source} |`);
      expect(md).toContain('**Sources and assumptions**');
      expect(md).toContain(`**Term Sheet — ${type.name}**`);
    });
  }

  it('installs the companion page only for the chosen types', () => {
    const two = compileFor(['co-sell', 'service-implementation']);
    const companions = two.pages.filter((p) => p.templateKey === 'term-sheet-notes').map((p) => p.type);
    expect(companions).toEqual(['co-sell', 'service-implementation']);
  });
});

describe('the Sources and assumptions page', () => {
  const sources = page(ws, 'sources-and-assumptions');

  it("lists each chosen type's default terms and KPI targets with what they rest on", () => {
    expect(sources, 'Sources and assumptions page').toBeDefined();
    const md = sources!.markdown;
    for (const key of PARTNERSHIP_TYPES) {
      const type = ws.config.partnership_types.includes(key) ? bp.types[key] : undefined;
      expect(type, key).toBeDefined();
      expect(md).toContain(`### ${type!.name}`);
      for (const t of type!.incentives.default_terms)
        expect(md).toContain(`| ${t.term} | ${t.value} | ${t.source} |`);
      for (const k of type!.kpis) {
        expect(md, `${key} ${k.key}`).toContain(`| ${k.name} |`);
        expect(md, `${key} ${k.key}`).toContain(`| \`${k.key}\` | ${k.source} |`);
      }
      expect(md).toContain(`\`targets.by_type.${key}\``);
    }
  });

  it('states the program-wide defaults as the workbook sets them, and where to change each', () => {
    const md = sources!.markdown;
    const settings = ws.workbook.tabs.find((t) => t.key === 'settings')!;
    const band = ws.workbook.namedRanges.find((n) => n.name === 'RygYellowBand')!;
    const bandCell = settings.cells.find(
      (c) => `$${String.fromCharCode(64 + c.col)}$${c.row}` === band.range,
    )!;
    expect(typeof bandCell.value).toBe('number');
    expect(md).toContain(`| Yellow band | Within ${Math.round(Number(bandCell.value) * 100)}% of target |`);
    expect(md).toContain(`A score of ${bp.scoring.thresholds.pursue} or more`);
    expect(md).toContain(`from ${bp.scoring.thresholds.nurture} up to ${bp.scoring.thresholds.pursue}`);
    expect(md).toContain(`| Partners signed by day 90 | ${ws.config.targets.partners_signed_by_day_90} |`);
    for (const key of ['company.average_deal_size', 'company.sales_cycle_days', 'program.start_date'])
      expect(md).toContain(`\`${key}\``);
    const rows = md
      .split('\n')
      .filter(
        (l) => l.startsWith('| ') && /\| (Our judgment|Thin evidence|Indicative|Well supported):/.test(l),
      );
    expect(rows.length).toBeGreaterThan(40);
    for (const e of ws.databases.find((d) => d.key === 'db.roadmap')!.rows)
      expect(md, e.title).toContain(`. ${e.title} |`);
  });

  it('lists only the chosen types', () => {
    const two = compileFor(['co-sell', 'service-implementation']);
    const md = page(two, 'sources-and-assumptions')!.markdown;
    expect(md).toContain('### Co-Sell');
    expect(md).toContain('### Service/Implementation');
    for (const t of bp.types.referral.incentives.default_terms) expect(md).not.toContain(t.source);
    expect(md).not.toContain('### Referral');
  });

  it('is where the workbook points a reader for the why', () => {
    const cells = ws.workbook.tabs.flatMap((t) => t.cells.map((c) => String(c.value ?? '')));
    expect(cells.some((c) => c.includes('Sources and assumptions page'))).toBe(true);
  });
});

describe('the registration protection window', () => {
  /** [base days, extension days] from a term value such as "protected for 90 days, extended once by 60 days". */
  const windowOf = (value: string) => {
    const m = /protected for (\d+) days, extend(?:ed|able) once by (\d+) days/.exec(value);
    return m ? [Number(m[1]), Number(m[2])] : undefined;
  };
  const registering = PARTNERSHIP_TYPES.filter((key) =>
    bp.types[key].incentives.default_terms.some((t) => /registration|protection/i.test(t.term)),
  );

  it('is stated as a base and one extension in each registering type', () => {
    expect(registering).toEqual(['referral', 'co-sell', 'service-implementation']);
    for (const key of registering) {
      const term = bp.types[key].incentives.default_terms.find((t) =>
        /registration|protection/i.test(t.term),
      )!;
      expect(windowOf(term.value), `${key}: "${term.value}"`).toBeDefined();
    }
  });

  it('is the same on each term sheet as in the negotiation wish list', () => {
    const wish =
      /A second (\d+)-day extension of registration protection[^\n]*beyond the term sheet's (\d+) days plus one (\d+)-day extension/;
    for (const key of registering) {
      const w = compileFor([key]);
      const term = bp.types[key].incentives.default_terms.find((t) =>
        /registration|protection/i.test(t.term),
      )!;
      const [base, extension] = windowOf(term.value)!;
      expect(page(w, 'term-sheet', key)!.markdown).toContain(term.value);
      const m = wish.exec(page(w, 'negotiation')!.markdown);
      expect(m, `${key}: the wish list offers a second extension`).not.toBeNull();
      expect([Number(m![2]), Number(m![3]), Number(m![1])], key).toEqual([base, extension, extension]);
      expect(page(w, 'negotiation')!.markdown.match(/registration protection/g), key).toHaveLength(1);
    }
    expect(page(compileFor(['affiliate', 'influencer', 'marketplace']), 'negotiation')!.markdown).not.toMatch(
      /registration protection/,
    );
  });

  it('is the same wherever a worksheet states it', () => {
    const [base, extension] = windowOf(
      bp.types.referral.incentives.default_terms.find((t) => /protection/i.test(t.term))!.value,
    )!;
    const statements = ws.pages
      .flatMap((p) => p.markdown.split(/(?<=[.!?])\s+|\n/).map((s) => ({ where: p.key, s })))
      .filter(
        ({ s }) =>
          /protect/i.test(s) && /regist/i.test(s) && /\b\d+[ -]days?\b/.test(s) && !/cookie/i.test(s),
      );
    expect(statements.length).toBeGreaterThan(3);
    const wrong = statements
      .map(({ where, s }) => ({
        where,
        s,
        days: [...s.matchAll(/\b(\d+)[ -]days?\b/g)]
          .map((m) => Number(m[1]))
          .filter((d) => d !== 3 && d !== 5),
      }))
      .filter(({ days }) => days.some((d) => d !== base && d !== extension));
    expect(wrong.map(({ where, s }) => `${where}: ${s}`)).toEqual([]);
  });
});

describe('the example company', () => {
  /** Companies the worksheets' worked examples present as "our" company: "Ridgeway Dispatch (fictional ...". */
  const workedExampleCompanies = new Set(
    ws.pages.flatMap((p) =>
      [...p.markdown.matchAll(/([A-Z][\w&]*(?: [A-Z&][\w&]*)*?)(?:,[^()\n]{0,20})? \(fictional/g)].map((m) =>
        m[1]!.trim(),
      ),
    ),
  );
  /** Names on the workbook's Example rows (partners and customers), without the "Example — " prefix. */
  const exampleRows = new Set(
    ws.workbook.tabs.flatMap((t) =>
      t.cells
        .map((c) =>
          typeof c.value === 'string' ? /^Example — (.+?)(?: Q\d PBR)?$/.exec(c.value)?.[1] : undefined,
        )
        .filter((n): n is string => n !== undefined),
    ),
  );

  it('is never also a partner or customer in the examples', () => {
    expect(workedExampleCompanies.size).toBeGreaterThan(0);
    expect(exampleRows.size).toBeGreaterThan(3);
    for (const company of workedExampleCompanies) {
      expect(exampleRows.has(company), company).toBe(false);
      for (const row of exampleRows)
        expect(row.includes(company) || company.includes(row), `${company} / ${row}`).toBe(false);
    }
  });

  it("is not the company the README's example config installs for", () => {
    const readme = readFileSync(join(TEMPLATES_DIR, '..', 'README.md'), 'utf8');
    const configured = [
      ...readme.matchAll(/--company "([^"]+)"/g),
      ...readme.matchAll(/company:\s*\{?\s*name: ([^,}\n]+)/g),
    ].map((m) => m[1]!.trim());
    expect(configured.length).toBeGreaterThan(0);
    for (const name of configured) {
      expect(
        workedExampleCompanies.has(name),
        `README example company "${name}" is also the worked example's`,
      ).toBe(false);
      for (const p of ws.pages) expect(p.markdown.includes(name), `${p.key} mentions ${name}`).toBe(false);
    }
  });
});
