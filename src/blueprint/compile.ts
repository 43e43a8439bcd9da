// compile(blueprint, config) -> DesiredWorkspace: the pure heart of every install, plan and sync.
import { createHash } from 'node:crypto';
import type { Config } from '../config/schema.js';
import { PARTNERSHIP_TYPE_NAMES } from '../domain/types.js';
import { compileDatabases, resolveSyncMap } from './compile-notion.js';
import { compileWorkbook } from './compile-workbook.js';
import type { DesiredDatabase, DesiredPage, DesiredWorkspace } from './desired.js';
import type { Blueprint } from './load.js';
import { manualSteps } from './manual-steps.js';
import { renderPages } from './render.js';

function hubMarkdown(config: Config, databases: DesiredDatabase[], pages: DesiredPage[]): string {
  const roadmap = databases.find((d) => d.key === 'db.roadmap')?.rows ?? [];
  const date = (v: unknown) =>
    v && typeof v === 'object' && 'value' in v ? String((v as { value: unknown }).value ?? '') : '';
  const lines = [
    `This is ${config.company.name}'s partner program operating system: the 10-step Quick Launch Program and its six extensions, set up for ${config.partnership_types.map((t) => PARTNERSHIP_TYPE_NAMES[t]).join(', ')} partnerships, starting ${config.program.start_date}.`,
    '',
    '## How to use it',
    '- **Teams** work here: each roadmap step has an owner, a due date and a quality gate; partners move through one pipeline from sourced candidate to active partner; every PBR, referral and to-do is a row with an owner.',
    '- **Leaders** read the Sheets workbook: partner scores, the PBR scoreboard in red/yellow/green, the program dashboard and the quarterly leadership report.',
    '- **The sync** carries ratings, stages and monthly metrics from here to Sheets, and brings score, rank, recommendation and status back. Do not edit Score, Rank or Recommendation by hand: Sheets owns them.',
    '',
    '## The 90-day roadmap',
    '| Step | Responsible | Start | Due |',
    '|---|---|---|---|',
    ...roadmap.map((r) => {
      const resp = r.values.responsible?.kind === 'select' ? (r.values.responsible.value ?? '') : '';
      return `| ${r.title} | ${resp} | ${date(r.values.start)} | ${date(r.values.due)} |`;
    }),
    '',
    '## Databases',
    ...databases.map((d) => `- **${d.title}** — ${d.description}`),
    '',
    '## Playbooks and worksheets',
    ...pages.map((p) => `- ${p.title}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** Pure: the same blueprint and config always give the same workspace (and the same version). */
export function compile(bp: Blueprint, config: Config): DesiredWorkspace {
  const pages = renderPages(bp, config);
  const workbook = compileWorkbook(bp, config);
  const sync = resolveSyncMap(bp);
  const databases = compileDatabases(bp, config, pages, workbook, sync);
  const hub = {
    key: bp.notion.hub.key,
    title: bp.notion.hub.title,
    icon: bp.notion.hub.icon,
    markdown: hubMarkdown(config, databases, pages),
  };
  const body = { config, hub, databases, pages, workbook, sync, renames: bp.renames.properties };
  const version = `${bp.notion.version}.${bp.workbook.version}-${createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 12)}`;
  return { version, types: config.partnership_types, manualSteps: manualSteps(databases), ...body };
}
