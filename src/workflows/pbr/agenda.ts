// Pure: a PBR row's page body, built from the installed PBR agenda worksheet's five parts (its wording is not copied here).
import type { DesiredWorkspace } from '../../blueprint/desired.js';
import { PnError } from '../../platform/errors.js';

/** The agenda worksheet's template key (templates/pages/worksheets/pbr-agenda.md). */
export const AGENDA_PAGE = 'pbr-agenda';

export interface AgendaPart {
  /** The worksheet's heading, e.g. "1. Lightning Round". */
  heading: string;
  /** The part's text before its first table (paragraphs and bullets). */
  intro: string;
  /** Its fill-in table (empty when it has none). */
  table: string;
}

export interface Agenda {
  /** The worksheet's "60-minute agenda" table. */
  overview: string;
  /** The five parts, in order. */
  parts: AgendaPart[];
}

function sections(markdown: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of markdown.split('\n')) {
    const heading = /^## (.+)$/.exec(line);
    if (heading) {
      current = [];
      out.set(heading[1]!.trim(), current);
    } else current?.push(line);
  }
  return out;
}

/** A section split at its first table: the text before it, and the table's lines. */
function split(lines: readonly string[]): { intro: string; table: string } {
  const start = lines.findIndex((l) => l.startsWith('|'));
  const before = start === -1 ? lines : lines.slice(0, start);
  let end = start;
  while (end !== -1 && end < lines.length && lines[end]!.startsWith('|')) end++;
  return {
    intro: before.join('\n').trim(),
    table: start === -1 ? '' : lines.slice(start, end).join('\n'),
  };
}

/** The five parts of the agenda worksheet as the install rendered it for this config. */
export function agendaOf(ws: DesiredWorkspace): Agenda {
  const page = ws.pages.find((p) => p.templateKey === AGENDA_PAGE);
  if (!page) throw new PnError('BLUEPRINT_INVALID', `the blueprint has no ${AGENDA_PAGE} page`);
  const all = sections(page.markdown);
  const parts: AgendaPart[] = [];
  for (let n = 1; n <= 5; n++) {
    const heading = [...all.keys()].find((h) => h.startsWith(`${n}. `));
    if (!heading)
      throw new PnError('BLUEPRINT_INVALID', `the ${AGENDA_PAGE} page has no "## ${n}. …" section`);
    parts.push({ heading, ...split(all.get(heading)!) });
  }
  // The timed overview: the first section named for the agenda that holds a table ("The 60-minute agenda").
  const overview =
    [...all.entries()]
      .filter(([h]) => /agenda/i.test(h))
      .map(([, lines]) => split(lines).table)
      .find((t) => t) ?? '';
  return { overview, parts };
}

export interface ScoreboardRow {
  metric: string;
  direction: string;
  target: number | null;
  actual: number | null;
  status: string;
}

/** What the PBR body says about the scoreboard and the carried-over to-dos. */
export interface PbrBodyInput {
  partner: string;
  quarter: string;
  date: string;
  next: { quarter: string; date: string };
  /** Null without a workbook; empty when the workbook has no rows for this partner and quarter. */
  scoreboard: ScoreboardRow[] | null;
  carried: { from: string; titles: string[] } | null;
}

const cell = (v: unknown) =>
  v === null || v === undefined ? '' : String(v).replace(/\|/g, '/').replace(/\s+/g, ' ').trim();

export function scoreboardText(input: Pick<PbrBodyInput, 'partner' | 'quarter' | 'scoreboard'>): string {
  if (input.scoreboard === null)
    return 'No workbook is configured, so the scoreboard is empty here: fill it in on the PBR Scoreboard tab once the workbook is installed, or in this table.';
  if (!input.scoreboard.length)
    return `The PBR Scoreboard tab has no rows for ${input.partner} in ${input.quarter} yet: add them there (Partner and Quarter exactly as on this row).`;
  return [
    '| Metric | Better when | Target | Actual | Status |',
    '|---|---|---|---|---|',
    ...input.scoreboard.map(
      (r) =>
        `| ${cell(r.metric)} | ${cell(r.direction)} | ${cell(r.target)} | ${cell(r.actual)} | ${cell(r.status)} |`,
    ),
  ].join('\n');
}

/** The page body: the agenda overview and the five parts, with this partner's scoreboard and carried-over to-dos. */
export function pbrMarkdown(agenda: Agenda, input: PbrBodyInput): string {
  const out: string[] = [
    `Partner Business Review with ${input.partner} for ${input.quarter}, held ${input.date}. Next PBR: ${input.next.date} (${input.next.quarter}).`,
  ];
  if (agenda.overview) out.push('', agenda.overview);
  agenda.parts.forEach((part, i) => {
    out.push('', `## ${part.heading}`);
    if (part.intro) out.push('', part.intro);
    if (i === 2) out.push('', scoreboardText(input));
    else if (part.table) out.push('', part.table);
    if (i === 4) {
      out.push(
        '',
        input.carried?.titles.length
          ? [
              `**Carried over from ${input.carried.from}** (still open, linked to this PBR):`,
              ...input.carried.titles.map((t) => `- ${t}`),
            ].join('\n')
          : 'No open to-dos carried over from the previous PBR.',
      );
    }
  });
  return out.join('\n');
}
