// Renders page templates (Mustache + Markdown) into the workspace's pages, once per chosen type where asked.
import Mustache from 'mustache';
import type { Config } from '../config/schema.js';
import { PARTNERSHIP_TYPE_NAMES } from '../domain/types.js';
import type { DesiredPage, PageKind } from './desired.js';
import { compileLinks } from './links.js';
import type { Blueprint, PageTemplate } from './load.js';
import { withCompanyTargets } from './targets.js';
import { appliesTo, buildView, viewTypeFor } from './view.js';

const PER_TYPE_KIND: Record<string, PageKind> = {
  'term-sheet': 'Term sheet',
  'first-90-days': '90-day plan',
  'recruitment-sop': 'Recruitment SOP',
  'recruiting-kit': 'Recruitment SOP',
  playbook: 'Type playbook',
};

/** Markdown with HTML escaping off (the output is Markdown, not HTML) and no runs of blank lines. */
export function renderMarkdown(template: string, view: Record<string, unknown>): string {
  const out = Mustache.render(template, view, {}, { escape: (v: unknown) => String(v) });
  return `${out.replace(/\n{3,}/g, '\n\n').trim()}\n`;
}

function pageFromTemplate(
  template: PageTemplate,
  view: Record<string, unknown>,
  type: DesiredPage['type'],
): DesiredPage {
  const title = type ? `${template.title} — ${PARTNERSHIP_TYPE_NAMES[type]}` : template.title;
  return {
    key: type ? `page.${template.key}.${type}` : `page.${template.key}`,
    templateKey: template.key,
    title,
    kind: type ? (PER_TYPE_KIND[template.key] ?? 'Type playbook') : 'Worksheet',
    type,
    roadmap: template.roadmap,
    markdown: renderMarkdown(template.body, view),
  };
}

/** Every page the chosen types call for: shared worksheets, then each type's own pages in type order. */
export function renderPages(blueprint: Blueprint, config: Config): DesiredPage[] {
  const bp = withCompanyTargets(blueprint, config);
  const view = buildView(bp, config);
  const templates = bp.pages.filter((p) => appliesTo(p.applies_to, config.partnership_types));
  const shared = templates.filter((p) => !p.per_type).map((p) => pageFromTemplate(p, view, null));
  const perType = config.partnership_types.flatMap((type) =>
    templates
      .filter((p) => p.per_type && appliesTo(p.applies_to, [type]))
      .map((p) => pageFromTemplate(p, { ...view, type: viewTypeFor(bp, config, type) }, type)),
  );
  const pages = [...shared, ...perType];
  const targets = {
    templateKeys: new Set(bp.pages.map((p) => p.key)),
    pageKeys: new Set(pages.map((p) => p.key)),
    databaseKeys: new Set(bp.notion.databases.map((d) => d.key)),
  };
  return pages.map((p) => ({ ...p, markdown: compileLinks(p.markdown, targets, p.type, p.key) }));
}
