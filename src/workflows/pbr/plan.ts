// Pure PBR planner: one PBR per active partner for a quarter, its dates, and the open to-dos carried over from the last one.
import {
  compareQuarters,
  nextQuarter,
  parseQuarter,
  pbrDate,
  type Quarter,
  quarterLabel,
  quarterOf,
} from '../../domain/business-days.js';
import type { NewRow } from '../launch/plan.js';
import { type Agenda, pbrMarkdown, type ScoreboardRow } from './agenda.js';

/** The stage whose partners get a PBR each quarter. */
export const ACTIVE = 'Active';
export const DONE = 'Done';
/** Business days after the quarter's first business day when the PBR is held, unless the config says otherwise. */
export const DEFAULT_PBR_BUSINESS_DAY = 10;

export interface PbrPartner {
  id: string;
  name: string;
}

export interface PbrRow {
  id: string;
  title: string;
  partners: string[];
  /** The Quarter property as written ("2027 Q1"; other spellings parse too). */
  quarter: string;
  date: string | null;
}

export interface TodoRow {
  id: string;
  title: string;
  status: string | null;
  pbrs: string[];
}

export interface PbrCalendar {
  quarter: Quarter;
  offset: number;
  holidays: readonly string[];
}

export interface PbrDates {
  quarter: string;
  date: string;
  next: { quarter: string; date: string };
}

export function pbrDates(calendar: PbrCalendar): PbrDates {
  const following = nextQuarter(calendar.quarter);
  return {
    quarter: quarterLabel(calendar.quarter),
    date: pbrDate(calendar.quarter, calendar.offset, calendar.holidays),
    next: { quarter: quarterLabel(following), date: pbrDate(following, calendar.offset, calendar.holidays) },
  };
}

export const pbrTitle = (partner: string, quarter: Quarter) => `${partner} — ${quarterLabel(quarter)} PBR`;

/** A PBR row's quarter: its Quarter property, else its title, else the quarter its date falls in. */
export function quarterOfRow(row: PbrRow): Quarter | undefined {
  const label = parseQuarter(row.quarter);
  if (label) return label;
  const inTitle = /(\d{4}\s*Q[1-4])/i.exec(row.title)?.[1];
  if (inTitle) return parseQuarter(inTitle);
  return row.date ? quarterOf(row.date) : undefined;
}

/** The partner's PBR for the quarter, if one exists (matched by quarter, or by the title this workflow gives it). */
export function pbrFor(rows: readonly PbrRow[], partner: PbrPartner, quarter: Quarter): PbrRow | undefined {
  const title = pbrTitle(partner.name, quarter);
  return rows.find((r) => {
    if (!r.partners.includes(partner.id)) return false;
    const q = quarterOfRow(r);
    return r.title === title || (q !== undefined && compareQuarters(q, quarter) === 0);
  });
}

/** The partner's latest PBR before the quarter (by quarter, then by date). */
export function previousPbr(
  rows: readonly PbrRow[],
  partnerId: string,
  quarter: Quarter,
): PbrRow | undefined {
  const before = rows
    .filter((r) => r.partners.includes(partnerId))
    .map((r) => ({ r, q: quarterOfRow(r) }))
    .filter((x): x is { r: PbrRow; q: Quarter } => x.q !== undefined && compareQuarters(x.q, quarter) < 0);
  before.sort((a, b) => compareQuarters(b.q, a.q) || (b.r.date ?? '').localeCompare(a.r.date ?? ''));
  return before[0]?.r;
}

export interface PbrPlanItem {
  partner: PbrPartner;
  title: string;
  dates: PbrDates;
  /** The quarter's PBR when it exists already (nothing is created then). */
  existingId: string | null;
  create: NewRow | null;
  previous: { id: string; title: string } | null;
  /** Open to-dos of the previous PBR not yet linked to this one: each gets this PBR added to its PBR relation. */
  carry: TodoRow[];
  scoreboard: ScoreboardRow[] | null;
}

export interface PbrPlanInput {
  calendar: PbrCalendar;
  agenda: Agenda;
  partners: readonly PbrPartner[];
  pbrs: readonly PbrRow[];
  /** The to-dos of each previous PBR, by that PBR's page ID. */
  todosOf: (pbrId: string) => readonly TodoRow[];
  /** Scoreboard rows for a partner in the quarter; null when no workbook is configured. */
  scoreboard: (partner: string) => ScoreboardRow[] | null;
}

/**
 * One item per active partner: the PBR to create (unless the quarter has one), dated the quarter's PBR
 * day, with the agenda body, the partner's scoreboard, and the previous PBR's open to-dos to link.
 */
export function planQuarterPbrs(input: PbrPlanInput): PbrPlanItem[] {
  const dates = pbrDates(input.calendar);
  const quarter = input.calendar.quarter;
  return input.partners.map((partner) => {
    const existing = pbrFor(input.pbrs, partner, quarter);
    const previous = previousPbr(input.pbrs, partner.id, quarter);
    const open = previous ? input.todosOf(previous.id).filter((t) => t.status !== DONE) : [];
    const carry = existing ? open.filter((t) => !t.pbrs.includes(existing.id)) : open;
    const scoreboard = input.scoreboard(partner.name);
    const title = pbrTitle(partner.name, quarter);
    const create: NewRow | null = existing
      ? null
      : {
          title,
          values: {
            name: { kind: 'text', value: title },
            partner: { kind: 'relation', rowKeys: [partner.id] },
            quarter: { kind: 'text', value: dates.quarter },
            date: { kind: 'date', value: dates.date },
            status: { kind: 'select', value: 'Scheduled' },
          },
          markdown: pbrMarkdown(input.agenda, {
            partner: partner.name,
            quarter: dates.quarter,
            date: dates.date,
            next: dates.next,
            scoreboard,
            carried: previous ? { from: previous.title, titles: open.map((t) => t.title) } : null,
          }),
        };
    return {
      partner,
      title,
      dates,
      existingId: existing?.id ?? null,
      create,
      previous: previous ? { id: previous.id, title: previous.title } : null,
      carry,
      scoreboard,
    };
  });
}

/** Writes a plan makes: one create per new PBR, one relation update per carried to-do. */
export function pbrWrites(items: readonly PbrPlanItem[]): number {
  return items.reduce((n, i) => n + (i.create ? 1 : 0) + i.carry.length, 0);
}
