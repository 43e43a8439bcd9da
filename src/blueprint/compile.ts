// compile(blueprint, config) -> DesiredWorkspace: the pure heart of every install, plan and sync.
import { createHash } from 'node:crypto';
import type { Config } from '../config/schema.js';
import { PARTNERSHIP_TYPE_NAMES } from '../domain/types.js';
import { compileDatabases, resolveSyncMap } from './compile-notion.js';
import { compileWorkbook } from './compile-workbook.js';
import type { DesiredDatabase, DesiredPage, DesiredWorkspace } from './desired.js';
import { playbookRowKey } from './links.js';
import type { Blueprint } from './load.js';
import { manualSteps } from './manual-steps.js';
import { roleLabel } from './people.js';
import { renderPages } from './render.js';
import { syncLine, syncTextTables } from './sync-text.js';

/**
 * Where the hub links to, for targets that write files (the local export): a database's CSV, a row's page,
 * and the database reference page. The Notion target leaves them out: its databases are children of the hub.
 */
export interface HubLinks {
  database(key: string): string | undefined;
  row(key: string): string | undefined;
  reference?: string;
}

const NO_LINKS: HubLinks = { database: () => undefined, row: () => undefined };

/**
 * The hub page's body: what the system is, how to use it, what the sync moves (`syncLines`, generated from the
 * sync map), the dated roadmap, the databases and pages.
 */
export function hubMarkdown(
  config: Config,
  databases: DesiredDatabase[],
  pages: DesiredPage[],
  links: HubLinks = NO_LINKS,
  syncLines: readonly string[] = [],
): string {
  const roadmap = databases.find((d) => d.key === 'db.roadmap')?.rows ?? [];
  const date = (v: unknown) =>
    v && typeof v === 'object' && 'value' in v ? String((v as { value: unknown }).value ?? '') : '';
  const link = (text: string, target: string | undefined) => (target ? `[${text}](${target})` : text);
  const lines = [
    `This is ${config.company.name}'s partner program operating system: the 10-step Quick Launch Program and its six extensions, set up for ${config.partnership_types.map((t) => PARTNERSHIP_TYPE_NAMES[t]).join(', ')} partnerships, starting ${config.program.start_date}.`,
    '',
    '## How to use it',
    '- **Teams** work here: each roadmap step has an owner, a due date and a quality gate; partners move through one pipeline from sourced candidate to active partner; every PBR, referral and to-do is a row with an owner.',
    '- **Leaders** read the workbook: partner scores, the PBR scoreboard in red/yellow/green, the program dashboard and the quarterly leadership report.',
    `- **How the numbers reach the workbook:** teams enter the facts here: the ${roleLabel('Partner Manager', config.team)} rates each candidate on its Partners row, ${roleLabel('RevOps', config.team)} adds each month's Monthly Metrics rows, and every referral, PBR and roadmap status lives in its database. \`partnernomics sync\` carries them to the workbook and brings back what the workbook computes, as listed below: no number is entered twice, and none is worked out by hand.`,
    '',
    ...(syncLines.length
      ? [
          '## What syncs',
          "Run `partnernomics sync` on a workspace installed with `partnernomics install --target all`: by hand, on a schedule, or with `--watch`. Each field has one owner and the owner's value wins: an edit made on the other side is overwritten at the next sync and logged on the workbook's Sync Log tab with the value it replaced. A page moved to the trash here keeps its row in the workbook, ticked Archived and left out of every total, from the next full pass on (`partnernomics sync --full`, which also runs by itself every few syncs).",
          '',
          ...syncLines.map((line) => `- ${line}`),
          '',
          'A workspace imported from the local export is not linked to the workbook: there, type the rows into the workbook or paste them from a CSV export of each database.',
          '',
        ]
      : []),
    '## The 90-day roadmap',
    '| Step | Responsible | Start | Due |',
    '|---|---|---|---|',
    ...roadmap.map((r) => {
      const resp = r.values.responsible?.kind === 'select' ? (r.values.responsible.value ?? '') : '';
      return `| ${link(r.title, links.row(r.key))} | ${resp} | ${date(r.values.start)} | ${date(r.values.due)} |`;
    }),
    '',
    '## Databases',
    ...databases.map((d) => `- ${link(`**${d.title}**`, links.database(d.key))} — ${d.description}`),
    ...(links.reference
      ? [
          '',
          `Every database's property types, options, relations, formulas and rollups are on the ${link('Database reference', links.reference)} page.`,
        ]
      : []),
    '',
    '## Playbooks and worksheets',
    ...pages.map((p) => `- ${link(p.title, links.row(playbookRowKey(p.key)))}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** Pure: the same blueprint and config always give the same workspace (and the same version). */
export function compile(bp: Blueprint, config: Config): DesiredWorkspace {
  const pages = renderPages(bp, config);
  const workbook = compileWorkbook(bp, config);
  const sync = resolveSyncMap(bp);
  const syncText = syncTextTables(bp).map((t) => ({ database: t.database, tab: t.tab, text: syncLine(t) }));
  const databases = compileDatabases(bp, config, pages, workbook, sync);
  const hub = {
    key: bp.notion.hub.key,
    title: bp.notion.hub.title,
    icon: bp.notion.hub.icon,
    markdown: hubMarkdown(
      config,
      databases,
      pages,
      NO_LINKS,
      syncText.map((t) => t.text),
    ),
  };
  const body = { config, hub, databases, pages, workbook, sync, renames: bp.renames.properties };
  const version = `${bp.notion.version}.${bp.workbook.version}-${createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 12)}`;
  return {
    version,
    types: config.partnership_types,
    syncText,
    manualSteps: manualSteps(databases, hub.title),
    ...body,
  };
}
