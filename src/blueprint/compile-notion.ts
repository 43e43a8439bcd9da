// Compiles the Notion blueprint: databases with resolved properties, seed rows and example rows.
import type { Config } from '../config/schema.js';
import { scorePartnersByType, scoringByType } from '../domain/scoring.js';
import { PARTNERSHIP_TYPE_NAMES, SOURCING_CHANNEL_NAMES, SOURCING_CHANNELS } from '../domain/types.js';
import type {
  DesiredDatabase,
  DesiredPage,
  DesiredProperty,
  DesiredRow,
  DesiredWorkbook,
  PlainValue,
  SyncMapping,
} from './desired.js';
import { LINK_SCHEME, playbookRowKey } from './links.js';
import type { Blueprint } from './load.js';
import { roleLabels } from './people.js';
import type { NotionBlueprint } from './schema.js';
import { syncLines } from './sync-text.js';
import { labelledRaci, type ScheduledRoadmapEntry, scheduledRoadmap } from './view.js';

type DbSpec = NotionBlueprint['databases'][number];

function resolveOptions(options: string | string[], config: Config): string[] {
  if (options === '$roles') return roleLabels(config.team);
  if (options === '$types') return config.partnership_types.map((t) => PARTNERSHIP_TYPE_NAMES[t]);
  if (options === '$channels') return SOURCING_CHANNELS.map((c) => SOURCING_CHANNEL_NAMES[c]);
  return [...(options as string[])];
}

function resolveProperties(db: DbSpec, bp: Blueprint, config: Config): DesiredProperty[] {
  return db.properties.flatMap((prop): DesiredProperty[] => {
    if ('generate' in prop) {
      return bp.scoring.criteria.map((c) => ({ key: c.key, name: c.name, type: 'number', format: 'number' }));
    }
    switch (prop.type) {
      case 'select':
      case 'multi_select':
        return [
          { key: prop.key, name: prop.name, type: prop.type, options: resolveOptions(prop.options, config) },
        ];
      case 'number':
        return [{ key: prop.key, name: prop.name, type: 'number', format: prop.format ?? 'number' }];
      default:
        return [prop];
    }
  });
}

/** The sync map with `generate: scoring-criteria` expanded to one field per criterion. */
export function resolveSyncMap(bp: Blueprint): SyncMapping[] {
  return bp.sync.mappings.map((m) => ({
    notion: m.notion,
    sheet: m.sheet,
    fields: m.fields.flatMap((f) =>
      'generate' in f
        ? bp.scoring.criteria.map((c) => ({ notion: c.key, sheet: c.key, owner: f.owner }))
        : [f],
    ),
  }));
}

const text = (value: string): PlainValue => ({ kind: 'text', value });

function roadmapMarkdown(
  entry: ScheduledRoadmapEntry,
  all: ScheduledRoadmapEntry[],
  pages: DesiredPage[],
  team: Config['team'],
): string {
  const raci = labelledRaci(entry.raci, team);
  const title = (key: string) => all.find((e) => e.key === key)?.title ?? key;
  /** A worksheet by its template key: a link to its page when the workspace has it as one page. */
  const worksheet = (key: string) => {
    const page = pages.find((p) => p.templateKey === key);
    const title = `**${page?.title.replace(/ — .*$/, '') ?? key}**`;
    return page && page.key === `page.${key}`
      ? `[${title}](${LINK_SCHEME}${playbookRowKey(page.key)})`
      : title;
  };
  const lines = [
    `${entry.purpose}`,
    '',
    `**When:** ${entry.start_date} to ${entry.due_date} (${entry.duration_days} days). **Responsible:** ${raci.responsible}. **Accountable:** ${raci.accountable}.`,
    '',
    '## Inputs',
    ...entry.inputs.map((i) => `- ${i}`),
    '',
    '## What it produces',
    ...entry.outputs.map((o) => `- ${o.artifact} (worksheet: ${worksheet(o.worksheet)} in Playbooks)`),
    '',
    '## Who does what',
    `- Responsible: ${raci.responsible}`,
    `- Accountable: ${raci.accountable}`,
    `- Consulted: ${raci.consulted.join(', ') || 'nobody'}`,
    `- Informed: ${raci.informed.join(', ') || 'nobody'}`,
    '',
    '## Sequence',
    `- Depends on: ${
      entry.depends_on
        .filter((k) => all.some((e) => e.key === k))
        .map(title)
        .join('; ') || 'nothing — it can start on day one'
    }`,
    `- Can run in parallel with: ${
      entry.parallel_with
        .filter((k) => all.some((e) => e.key === k))
        .map(title)
        .join('; ') || 'nothing'
    }`,
    '',
    '## Quality gate (all must be true before this step is Done)',
    ...entry.quality_gate.map((g) => `- [ ] ${g}`),
  ];
  return `${lines.join('\n')}\n`;
}

function roadmapRows(bp: Blueprint, config: Config, pages: DesiredPage[]): DesiredRow[] {
  const entries = scheduledRoadmap(bp, config);
  const included = new Set<string>(entries.map((e) => e.key));
  const rel = (keys: readonly string[]): PlainValue => ({
    kind: 'relation',
    rowKeys: keys.filter((k) => included.has(k)).map((k) => `row.roadmap.${k}`),
  });
  return entries.map((e) => {
    const raci = labelledRaci(e.raci, config.team);
    return {
      key: `row.roadmap.${e.key}`,
      title: e.title,
      example: false,
      markdown: roadmapMarkdown(e, entries, pages, config.team),
      values: {
        name: text(e.title),
        number: { kind: 'number', value: e.number },
        kind: { kind: 'select', value: e.kind === 'step' ? 'QLP step' : 'Extension' },
        status: { kind: 'select', value: 'Not started' },
        responsible: { kind: 'select', value: raci.responsible },
        accountable: { kind: 'select', value: raci.accountable },
        start: { kind: 'date', value: e.start_date },
        due: { kind: 'date', value: e.due_date },
        duration: { kind: 'number', value: e.duration_days },
        depends_on: rel(e.depends_on),
        parallel_with: rel(e.parallel_with),
        quality_gate: text(e.quality_gate.map((g) => `☐ ${g}`).join('\n')),
        outputs: text(e.outputs.map((o) => o.artifact).join('\n')),
      },
    };
  });
}

function playbookRows(pages: DesiredPage[], roadmapKeys: Set<string>): DesiredRow[] {
  return pages.map((p) => ({
    key: playbookRowKey(p.key),
    title: p.title,
    example: false,
    markdown: p.markdown,
    values: {
      name: text(p.title),
      kind: { kind: 'select', value: p.kind },
      type: { kind: 'select', value: p.type ? PARTNERSHIP_TYPE_NAMES[p.type] : null },
      steps: {
        kind: 'relation',
        rowKeys: p.roadmap.filter((k) => roadmapKeys.has(k)).map((k) => `row.roadmap.${k}`),
      },
    },
  }));
}

/** A workbook example cell as the Notion property value it stands for (fields paired in sync.yaml). */
function toPlain(
  prop: DesiredProperty,
  raw: string | number | undefined,
  lookup: (db: string, title: string) => string[],
): PlainValue {
  switch (prop.type) {
    case 'number':
      return { kind: 'number', value: typeof raw === 'number' ? raw : null };
    case 'checkbox':
      return { kind: 'checkbox', value: raw === 'Example' };
    case 'date':
      return { kind: 'date', value: raw === undefined ? null : String(raw) };
    case 'select':
      return { kind: 'select', value: raw === undefined ? null : String(raw) };
    case 'multi_select':
      return { kind: 'multi_select', value: raw === undefined ? [] : [String(raw)] };
    case 'relation':
      return { kind: 'relation', rowKeys: raw === undefined ? [] : lookup(prop.target, String(raw)) };
    default:
      return text(raw === undefined ? '' : String(raw));
  }
}

/** Example rows for the databases paired with a workbook tab (sync.yaml), taken from that tab's example rows. */
function exampleRows(
  databases: DesiredDatabase[],
  workbook: DesiredWorkbook,
  sync: SyncMapping[],
  bp: Blueprint,
  config: Config,
): void {
  const lookup = (dbKey: string, title: string) =>
    databases
      .find((d) => d.key === dbKey)
      ?.rows.filter((r) => r.title === title)
      .map((r) => r.key) ?? [];
  for (const mapping of sync) {
    const db = databases.find((d) => d.key === mapping.notion)!;
    const tab = workbook.tabs.find((t) => t.key === mapping.sheet)!;
    const table = tab.table!;
    const exampleCol = table.columns.findIndex((c) => c.key === 'example') + 1;
    const rowsWithExamples = new Set(
      tab.cells
        .filter((c) => c.row >= table.firstDataRow && c.col === exampleCol && c.value === 'Example')
        .map((c) => c.row),
    );
    const cellAt = (row: number, key: string) => {
      const col = table.columns.findIndex((c) => c.key === key) + 1;
      return tab.cells.find((c) => c.row === row && c.col === col && c.formula === undefined)?.value;
    };
    const rows = [...rowsWithExamples]
      .sort((a, b) => a - b)
      .map((row, i): DesiredRow => {
        const values: Record<string, PlainValue> = {};
        for (const field of mapping.fields.filter((f) => f.owner === 'notion')) {
          const prop = db.properties.find((p) => p.key === field.notion)!;
          // A people property needs a real member of the workspace: examples leave it empty.
          if (prop.type === 'people') continue;
          values[prop.key] = toPlain(prop, cellAt(row, field.sheet), lookup);
        }
        if (db.properties.some((p) => p.key === 'example'))
          values.example = { kind: 'checkbox', value: true };
        const titleProp = db.properties.find((p) => p.type === 'title')!;
        let title =
          values[titleProp.key]?.kind === 'text' ? (values[titleProp.key] as { value: string }).value : '';
        if (!title) {
          const partner = cellAt(row, 'partner');
          const month = cellAt(row, 'month');
          title = `${partner ?? 'Example'} — ${String(month ?? '').slice(0, 7)}`;
          values[titleProp.key] = text(title);
        }
        return { key: `row.${db.key.slice(3)}.example-${i + 1}`, title, example: true, markdown: '', values };
      });
    if (db.key === 'db.partners') addSheetOwnedScores(rows, bp, config);
    db.rows.push(...rows);
  }
}

/**
 * Score, Rank and Recommendation as the Partner Scoring tab computes them for the example partners (domain
 * code), each with the weights of its partnership type.
 */
function addSheetOwnedScores(rows: DesiredRow[], bp: Blueprint, config: Config): void {
  const model = scoringByType(bp.scoring, config.partnership_types);
  const partners = rows.map((row) => ({
    row,
    type: row.values.type?.kind === 'select' ? row.values.type.value : null,
    ratings: Object.fromEntries(
      bp.scoring.criteria.map((c) => {
        const v = row.values[c.key];
        return [c.key, v?.kind === 'number' ? v.value : null];
      }),
    ),
  }));
  for (const scored of scorePartnersByType(partners, model)) {
    scored.partner.row.values.score = { kind: 'number', value: scored.score };
    scored.partner.row.values.rank = { kind: 'number', value: scored.rank };
    scored.partner.row.values.recommendation = { kind: 'select', value: scored.recommendation };
  }
}

/**
 * A database description with `{sync}` replaced by the generated line saying what the sync moves for it,
 * field by field; a database the sync map does not pair with a tab may not say `{sync}`.
 */
function describe(db: DbSpec, bp: Blueprint, lines: Map<string, string>): string {
  if (!db.description.includes('{sync}')) return db.description;
  const tab = bp.sync.mappings.find((m) => m.notion === db.key)?.sheet;
  const line = tab === undefined ? undefined : lines.get(tab);
  if (line === undefined)
    throw new Error(`${db.key}: its description says {sync}, but the sync map leaves it out`);
  return db.description.replace('{sync}', line);
}

export function compileDatabases(
  bp: Blueprint,
  config: Config,
  pages: DesiredPage[],
  workbook: DesiredWorkbook,
  sync: SyncMapping[],
): DesiredDatabase[] {
  const owners = new Map<string, 'notion' | 'sheets'>();
  for (const m of sync) for (const f of m.fields) owners.set(`${m.notion}/${f.notion}`, f.owner);
  const roadmap = roadmapRows(bp, config, pages);
  const roadmapKeys = new Set(roadmap.map((r) => r.key.slice('row.roadmap.'.length)));
  const lines = syncLines(bp);
  const databases: DesiredDatabase[] = bp.notion.databases.map((db) => ({
    key: db.key,
    title: db.title,
    icon: db.icon,
    description: describe(db, bp, lines),
    properties: resolveProperties(db, bp, config).map((p) => {
      const owner = owners.get(`${db.key}/${p.key}`);
      return owner ? { ...p, owner } : p;
    }),
    views: db.views,
    rows: db.seed === 'roadmap' ? roadmap : db.seed === 'pages' ? playbookRows(pages, roadmapKeys) : [],
  }));
  exampleRows(databases, workbook, sync, bp, config);
  return databases;
}
