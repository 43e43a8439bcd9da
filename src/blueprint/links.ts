// Links between pages: templates write `[text](page:KEY)` or `[text](db:KEY)`; compiled markdown holds `pn:` links
// to blueprint keys, which each target turns into its own kind of link (Notion mentions, relative file paths).

/** A compiled link's scheme: `pn:row.playbooks.icp`, `pn:db.partners`. */
export const LINK_SCHEME = 'pn:';

/** `[text](href)` in Markdown, with the text and the href captured (no nested brackets in link text). */
const MARKDOWN_LINK = /\[([^\]\n]*)\]\(([^)\s]+)\)/g;

export interface LinkTargets {
  /** Template keys of every page template, installed or not (a link to another key is a blueprint bug). */
  templateKeys: ReadonlySet<string>;
  /** Keys of the pages this workspace installs: page.icp, page.term-sheet.co-sell. */
  pageKeys: ReadonlySet<string>;
  /** Keys of the databases: db.partners. */
  databaseKeys: ReadonlySet<string>;
}

/** The Playbooks row that holds a page: page.term-sheet.co-sell → row.playbooks.term-sheet.co-sell. */
export function playbookRowKey(pageKey: string): string {
  return `row.playbooks.${pageKey.replace(/^page\./, '')}`;
}

/**
 * Rewrites a rendered page's template links into compiled `pn:` links. `page:term-sheet` in a page of one
 * partnership type means that type's term sheet; a link to a page this workspace does not install (a type
 * not chosen) or to the page itself keeps its text and loses the link. A link to a key no template or
 * database has throws (`where` is the page's own key).
 */
export function compileLinks(
  markdown: string,
  targets: LinkTargets,
  pageType: string | null,
  where: string,
): string {
  return markdown.replace(MARKDOWN_LINK, (whole, text: string, href: string) => {
    const page = /^page:([a-z0-9-]+)(?:\.([a-z-]+))?$/.exec(href);
    if (page) {
      const [, templateKey, type] = page;
      if (!targets.templateKeys.has(templateKey!))
        throw new Error(`${where}: link to an unknown page "${href}"`);
      const candidates = [
        type ? `page.${templateKey}.${type}` : null,
        !type && pageType ? `page.${templateKey}.${pageType}` : null,
        type ? null : `page.${templateKey}`,
      ];
      const key = candidates.find((k): k is string => k !== null && targets.pageKeys.has(k));
      return key && key !== where ? `[${text}](${LINK_SCHEME}${playbookRowKey(key)})` : text;
    }
    const db = /^db:([a-z_]+)$/.exec(href);
    if (db) {
      const key = `db.${db[1]}`;
      if (!targets.databaseKeys.has(key)) throw new Error(`${where}: link to an unknown database "${href}"`);
      return `[${text}](${LINK_SCHEME}${key})`;
    }
    if (/^(page|db):/.test(href)) throw new Error(`${where}: malformed link "${href}"`);
    return whole;
  });
}

/** Every compiled link's target key in a markdown body, in order. */
export function linkedKeys(markdown: string): string[] {
  return [...markdown.matchAll(MARKDOWN_LINK)]
    .map((m) => m[2]!)
    .filter((href) => href.startsWith(LINK_SCHEME))
    .map((href) => href.slice(LINK_SCHEME.length));
}

/** Rewrites each compiled link with `target(key)`: its new href, or null to keep only the text. */
export function rewriteLinks(markdown: string, target: (key: string) => string | null): string {
  return markdown.replace(MARKDOWN_LINK, (whole, text: string, href: string) => {
    if (!href.startsWith(LINK_SCHEME)) return whole;
    const to = target(href.slice(LINK_SCHEME.length));
    return to === null ? text : `[${text}](${to})`;
  });
}
