// Links between pages: every compiled link lands on something the workspace has, the local export's relative links
// name files in the export, pages link the databases and pages they name, and template typos fail the compile.
import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import type { DesiredWorkspace } from '../../src/blueprint/desired.js';
import { compileLinks, type LinkTargets, linkedKeys } from '../../src/blueprint/links.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import type { PartnershipTypeKey } from '../../src/domain/types.js';
import { notionExportFiles } from '../../src/targets/local/notion-export.js';

const bp = loadBlueprint();
const compileFor = (types?: PartnershipTypeKey[]) =>
  compile(bp, parseConfig(types ? { partnership_types: types } : {}, 'test', '2027-01-04'));

const CONFIGS: Record<string, PartnershipTypeKey[] | undefined> = {
  'all six types': undefined,
  'co-sell alone': ['co-sell'],
  'co-sell and service-implementation': ['co-sell', 'service-implementation'],
};
const workspaces = Object.entries(CONFIGS).map(([name, types]) => [name, compileFor(types)] as const);
const all = workspaces[0]![1];

/** `[text](href)` with the text and href (the same shape src/blueprint/links.ts reads). */
const MARKDOWN_LINK = /\[([^\]\n]*)\]\(([^)\s]+)\)/g;

/** Every body the install writes, with where it comes from: pages, then database rows that have a body. */
function bodies(ws: DesiredWorkspace): { where: string; markdown: string }[] {
  return [
    { where: 'hub', markdown: ws.hub.markdown },
    ...ws.pages.map((p) => ({ where: p.key, markdown: p.markdown })),
    ...ws.databases.flatMap((d) => d.rows.map((r) => ({ where: r.key, markdown: r.markdown }))),
  ];
}

/** Keys a compiled link may name: the databases and every row of every database. */
function linkableKeys(ws: DesiredWorkspace): Set<string> {
  return new Set([
    ...ws.databases.map((d) => d.key),
    ...ws.databases.flatMap((d) => d.rows.map((r) => r.key)),
  ]);
}

/** The markdown with every link replaced by a marker, so what is left is the text no link covers. */
const unlinked = (markdown: string) => markdown.replace(MARKDOWN_LINK, '\u0000');

/** Sentences (split at ". " and line ends) that name `name`, outside any link. */
function sentencesNaming(markdown: string, name: RegExp): string[] {
  return unlinked(markdown)
    .split(/\n|\. /)
    .filter((s) => name.test(s));
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('compiled links in every page and row', () => {
  for (const [name, ws] of workspaces) {
    it(`name a database or a row this workspace has (${name})`, () => {
      const keys = linkableKeys(ws);
      const problems = bodies(ws).flatMap(({ where, markdown }) =>
        linkedKeys(markdown)
          .filter((k) => !keys.has(k))
          .map((k) => `${where} → ${k}`),
      );
      expect(problems).toEqual([]);
      // Template links reach the installed text: none is left in the template form.
      const raw = bodies(ws).flatMap(({ where, markdown }) =>
        [...markdown.matchAll(MARKDOWN_LINK)]
          .filter((m) => /^(page|db):/.test(m[2]!))
          .map((m) => `${where}: ${m[0]}`),
      );
      expect(raw).toEqual([]);
    });
  }

  it('link each playbook row the same as its page, and never a page to itself', () => {
    const playbooks = all.databases.find((d) => d.key === 'db.playbooks')!;
    for (const page of all.pages) {
      const row = playbooks.rows.find((r) => r.key === `row.playbooks.${page.key.replace(/^page\./, '')}`);
      expect(row, page.key).toBeDefined();
      expect(linkedKeys(row!.markdown), page.key).toEqual(linkedKeys(page.markdown));
      expect(linkedKeys(page.markdown), page.key).not.toContain(row!.key);
    }
  });

  it("send a per-type page to its own type's pages, and a shared page to each chosen type's", () => {
    const two = workspaces[2]![1];
    const notes = two.pages.find((p) => p.key === 'page.term-sheet-notes.co-sell')!;
    const sheets = linkedKeys(notes.markdown).filter((k) => k.startsWith('row.playbooks.term-sheet.'));
    expect(sheets.length).toBeGreaterThan(0);
    expect(new Set(sheets)).toEqual(new Set(['row.playbooks.term-sheet.co-sell']));
    const sources = two.pages.find((p) => p.key === 'page.sources-and-assumptions')!;
    const linkedSheets = linkedKeys(sources.markdown).filter((k) =>
      k.startsWith('row.playbooks.term-sheet.'),
    );
    expect(new Set(linkedSheets)).toEqual(
      new Set(['row.playbooks.term-sheet.co-sell', 'row.playbooks.term-sheet.service-implementation']),
    );
  });

  it('keep the words and drop the link to a type not chosen (the affiliate term sheet in the joint GTM plan)', () => {
    const everyType = all.pages.find((p) => p.key === 'page.joint-gtm')!.markdown;
    expect(linkedKeys(everyType)).toContain('row.playbooks.term-sheet.affiliate');
    const withAffiliate = compileFor(['affiliate']).pages.find((p) => p.key === 'page.joint-gtm')!.markdown;
    expect(withAffiliate).toMatch(/\[Affiliate term sheet\]\(pn:row\.playbooks\.term-sheet\.affiliate\)/);
    // In a co-sell workspace the affiliate paragraph is gone with the type; no link to it survives anywhere.
    const coSell = workspaces[1]![1];
    for (const { where, markdown } of bodies(coSell))
      expect(
        linkedKeys(markdown).filter((k) => k.includes('affiliate')),
        where,
      ).toEqual([]);
  });
});

describe('the local export', () => {
  for (const [name, ws] of workspaces) {
    it(`links only to files it holds, relative to the linking file (${name})`, () => {
      const files = notionExportFiles(ws);
      let relative = 0;
      const problems: string[] = [];
      for (const [path, text] of files) {
        if (!path.endsWith('.md')) continue;
        for (const m of text.matchAll(MARKDOWN_LINK)) {
          const href = m[2]!;
          if (/^(https?|mailto):/i.test(href) || href.startsWith('#')) continue;
          if (href.startsWith('pn:') || /^(page|db):/.test(href)) {
            problems.push(`${path}: unconverted link ${m[0]}`);
            continue;
          }
          relative += 1;
          const target = posix.normalize(posix.join(posix.dirname(path), decodeURIComponent(href)));
          if (!files.has(target)) problems.push(`${path}: ${m[0]} → ${target}`);
        }
      }
      expect(problems).toEqual([]);
      // The page links are among them: at least one per compiled link in the pages.
      const compiled = ws.pages.reduce((n, p) => n + linkedKeys(p.markdown).length, 0);
      expect(compiled).toBeGreaterThan(0);
      expect(relative).toBeGreaterThanOrEqual(compiled);
    });
  }

  it('turns a page link into the path of that page, and a database link into its CSV', () => {
    const files = notionExportFiles(all);
    const [notesPath, notes] = [...files].find(
      ([p, text]) => p.endsWith('.md') && text.startsWith('# Term Sheet Notes (internal) — Co-Sell\n'),
    )!;
    const targets = [...notes.matchAll(MARKDOWN_LINK)].map((m) =>
      posix.normalize(posix.join(posix.dirname(notesPath), decodeURIComponent(m[2]!))),
    );
    const sheetPath = [...files].find(
      ([p, text]) => p.endsWith('.md') && text.startsWith('# Term Sheet — Co-Sell\n'),
    )![0];
    expect(targets).toContain(sheetPath);
    expect(targets.some((t) => posix.basename(t).startsWith('Term Sheets ') && t.endsWith('.csv'))).toBe(
      true,
    );
  });
});

describe('what pages name, they link', () => {
  /** Pages that name no other page or database: the term sheet is sent to partners, who cannot open our pages. */
  const NO_LINKS = new Set(['term-sheet']);

  it('every page links somewhere, except the partner-facing term sheet', () => {
    for (const page of all.pages) {
      const count = linkedKeys(page.markdown).length;
      if (NO_LINKS.has(page.templateKey)) expect(count, page.key).toBe(0);
      else expect(count, page.key).toBeGreaterThan(0);
    }
  });

  for (const [name, ws] of workspaces) {
    it(`a page that names a database (bold, or "X database") links to it (${name})`, () => {
      const problems: string[] = [];
      for (const page of ws.pages) {
        const linked = new Set(linkedKeys(page.markdown));
        for (const db of ws.databases) {
          const title = escapeRe(db.title);
          const named = sentencesNaming(
            page.markdown,
            new RegExp(`\\*\\*${title}\\*\\*|(?<![\\w*])${title} (database|databases|row|rows|record)\\b`),
          ).filter((s) => !/\btabs?\b/.test(s)); // "the **Referrals** tab" is the workbook's, not Notion's
          if (named.length && !linked.has(db.key))
            problems.push(`${page.key} names ${db.title}: "${named[0]!.trim()}"`);
        }
      }
      expect(problems).toEqual([]);
    });

    it(`a page that names another page in bold ("the **Title** page") links to it (${name})`, () => {
      const problems: string[] = [];
      for (const page of ws.pages) {
        const linked = new Set(linkedKeys(page.markdown));
        for (const other of ws.pages) {
          if (other.key === page.key) continue;
          const named = sentencesNaming(
            page.markdown,
            new RegExp(`\\*\\*${escapeRe(other.title)}\\*\\* page`),
          );
          if (named.length && !linked.has(`row.playbooks.${other.key.replace(/^page\./, '')}`))
            problems.push(`${page.key} names ${other.title}`);
        }
      }
      expect(problems).toEqual([]);
    });
  }

  it('links the worksheets that feed each other (spot checks a reader relies on)', () => {
    const links = (key: string) => new Set(linkedKeys(all.pages.find((p) => p.key === key)!.markdown));
    expect(links('page.icp')).toContain('db.icp');
    expect(links('page.icp')).toContain('row.playbooks.ecosystem-map');
    expect(links('page.ecosystem-map')).toContain('db.ecosystem');
    expect(links('page.negotiation')).toContain('db.negotiation');
    expect(links('page.negotiation')).toContain('row.playbooks.discovery-and-preparation');
    expect(links('page.pbr-agenda')).toContain('db.pbrs');
    expect(links('page.pbr-agenda')).toContain('db.todos');
    expect(links('page.first-90-days.co-sell')).toEqual(new Set(['db.plans', 'db.todos']));
    expect(links('page.recruitment-sop.co-sell')).toContain('row.playbooks.recruiting-kit.co-sell');
    expect(links('page.recruiting-kit.co-sell')).toContain('row.playbooks.recruitment-sop.co-sell');
    expect(links('page.playbook.co-sell')).toContain('row.playbooks.first-90-days.co-sell');
  });
});

describe('compileLinks', () => {
  const targets: LinkTargets = {
    templateKeys: new Set(['icp', 'term-sheet', 'sources-and-assumptions']),
    pageKeys: new Set(['page.icp', 'page.term-sheet.co-sell', 'page.sources-and-assumptions']),
    databaseKeys: new Set(['db.partners']),
  };

  it('turns page and database links into pn: links to the Playbooks row or the database', () => {
    expect(
      compileLinks(
        'See the [ICP worksheet](page:icp) and **[Partners](db:partners)**.',
        targets,
        null,
        'page.x',
      ),
    ).toBe('See the [ICP worksheet](pn:row.playbooks.icp) and **[Partners](pn:db.partners)**.');
  });

  it("reads page:term-sheet in a per-type page as that type's term sheet, and names a type explicitly anywhere", () => {
    expect(compileLinks('[term sheet](page:term-sheet)', targets, 'co-sell', 'page.y.co-sell')).toBe(
      '[term sheet](pn:row.playbooks.term-sheet.co-sell)',
    );
    expect(compileLinks('[term sheet](page:term-sheet.co-sell)', targets, null, 'page.icp')).toBe(
      '[term sheet](pn:row.playbooks.term-sheet.co-sell)',
    );
  });

  it('keeps the text and drops the link to a type not chosen, to a shared mention of a per-type page, and to itself', () => {
    expect(
      compileLinks('the [Affiliate term sheet](page:term-sheet.affiliate).', targets, null, 'page.icp'),
    ).toBe('the Affiliate term sheet.');
    expect(compileLinks('the [term sheet](page:term-sheet)', targets, null, 'page.icp')).toBe(
      'the term sheet',
    );
    expect(compileLinks('this [ICP worksheet](page:icp)', targets, null, 'page.icp')).toBe(
      'this ICP worksheet',
    );
  });

  it('throws on an unknown page, an unknown database and a malformed link, naming the page', () => {
    expect(() => compileLinks('[x](page:icp-worksheet)', targets, null, 'page.sourcing-plan')).toThrow(
      /page\.sourcing-plan: link to an unknown page "page:icp-worksheet"/,
    );
    expect(() => compileLinks('[x](db:partner)', targets, null, 'page.icp')).toThrow(
      /unknown database "db:partner"/,
    );
    expect(() => compileLinks('[x](db:Partners)', targets, null, 'page.icp')).toThrow(
      /malformed link "db:Partners"/,
    );
  });

  it('leaves web links and plain text alone', () => {
    const md = 'Read [the docs](https://example.com/a) and [x] (y).';
    expect(compileLinks(md, targets, null, 'page.icp')).toBe(md);
  });

  it('makes a template typo fail the compile, naming the page', () => {
    const typo = {
      ...bp,
      pages: bp.pages.map((p) =>
        p.key === 'icp' ? { ...p, body: `${p.body}\nSee the [plan](page:strategic-plan).\n` } : p,
      ),
    };
    expect(() => compile(typo, parseConfig({}, 'test', '2027-01-04'))).toThrow(
      /page\.icp: .*"page:strategic-plan"/,
    );
  });
});
