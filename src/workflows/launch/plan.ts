// Pure launch planner: what a signed partner gets (term sheet, negotiation items, 90-day plan, dated milestones) and what is missing.
import type { PartnershipType } from '../../blueprint/content-schema.js';
import { roleLabel } from '../../blueprint/people.js';
import type { Config } from '../../config/schema.js';
import { addBusinessDays } from '../../domain/business-days.js';
import { PARTNERSHIP_TYPE_NAMES, type PartnershipTypeKey, type Role } from '../../domain/types.js';
import type { WfValue } from './notion-db.js';

/** The plan's Status while its launch is being written; any other status marks the launch done. */
export const DRAFTING = 'Drafting';
export const LAUNCHED = 'Active';
/** The stage that triggers a launch. */
export const SIGNED = 'Signed';

export interface LaunchPartner {
  id: string;
  name: string;
  type: PartnershipTypeKey;
  signedOn: string;
}

/** A row to create: its title, its values by blueprint property key, its page body. */
export interface NewRow {
  title: string;
  values: Record<string, WfValue>;
  markdown: string;
}

export interface Milestone extends NewRow {
  due: string;
  role: Role;
}

export interface DesiredLaunch {
  termSheet: NewRow;
  negotiation: NewRow[];
  plan: NewRow;
  milestones: Milestone[];
  /** What could not be filled in (a role with no Notion user in the config's team). */
  notes: string[];
}

const t = (value: string): WfValue => ({ kind: 'text', value });
const sel = (value: string): WfValue => ({ kind: 'select', value });
const rel = (...ids: string[]): WfValue => ({ kind: 'relation', rowKeys: ids });
const day = (value: string): WfValue => ({ kind: 'date', value });
const cell = (s: string) => s.replace(/\|/g, '/').replace(/\s+/g, ' ').trim();

/** The Notion users the config's team names for a role (members with a `notion_user_id`). */
export function peopleOf(role: Role, team: Config['team']): string[] {
  return [...new Set(team.filter((m) => m.role === role && m.notion_user_id).map((m) => m.notion_user_id!))];
}

/**
 * Everything a signed partner gets, from its type's content: the term sheet from the default terms, the
 * negotiation items (our needs: the term sheet's partner qualifications; our tradeable opening positions:
 * the default terms), the First 90-Days Plan with the role pairing, and one to-do per milestone, due the
 * milestone's day counted in business days from the signing date (weekends and `holidays` skipped).
 */
export function desiredLaunch(
  partner: LaunchPartner,
  content: PartnershipType,
  team: Config['team'],
  holidays: readonly string[],
): DesiredLaunch {
  const typeName = PARTNERSHIP_TYPE_NAMES[partner.type];
  const notes: string[] = [];
  const people = (role: Role): WfValue => {
    const ids = peopleOf(role, team);
    if (!ids.length && !notes.some((n) => n.includes(`"${role}"`)))
      notes.push(
        `no Notion user for the role "${role}" in the config's team: its people fields are left empty (add notion_user_id to the team member)`,
      );
    return { kind: 'people', ids };
  };
  const terms = content.incentives.default_terms;
  const termSheet: NewRow = {
    title: `${partner.name} — ${typeName} term sheet`,
    values: {
      name: t(`${partner.name} — ${typeName} term sheet`),
      partner: rel(partner.id),
      type: sel(typeName),
      status: sel('Agreed'),
      terms: t(terms.map((x) => `${x.term}: ${x.value}`).join('\n')),
    },
    markdown: [
      `The ${typeName} term sheet's default deal terms, agreed when ${partner.name} signed on ${partner.signedOn}. Change any term the negotiation moved, and keep the traded items in Negotiation Items.`,
      '',
      content.term_sheet.deal_terms_note,
      '',
      '| Term | Default offer |',
      '|---|---|',
      ...terms.map((x) => `| ${cell(x.term)} | ${cell(x.value)} |`),
    ].join('\n'),
  };
  const negotiation: NewRow[] = [
    ...content.term_sheet.partner_qualifications.map((q) => ({
      title: `${partner.name} — ${q}`,
      values: {
        name: t(`${partner.name} — ${q}`),
        partner: rel(partner.id),
        side: sel('Ours'),
        category: sel('Need'),
        priority: sel('High'),
      },
      markdown: '',
    })),
    ...terms.map((x) => ({
      title: `${partner.name} — ${x.term}`,
      values: {
        name: t(`${partner.name} — ${x.term}`),
        partner: rel(partner.id),
        side: sel('Ours'),
        category: sel('Want'),
        trade: t(x.value),
        priority: sel('Medium'),
      },
      markdown: '',
    })),
  ];
  const pairing = content.launch.role_pairing;
  const lead = pairing.find((p) => p.ours === 'Partner Manager') ?? pairing[0]!;
  const milestones: Milestone[] = content.launch.phases.flatMap((phase) =>
    phase.milestones.map((m): Milestone => {
      const due = addBusinessDays(partner.signedOn, m.day, holidays);
      const title = `${partner.name} — ${m.title}`;
      return {
        title,
        due,
        role: m.owner_role,
        values: {
          name: t(title),
          owner: people(m.owner_role),
          owner_role: sel(roleLabel(m.owner_role, team)),
          due: day(due),
          status: sel('Not started'),
          source: sel('90-day plan'),
          partner: rel(partner.id),
        },
        markdown: '',
      };
    }),
  );
  const planTitle = `${partner.name} — First 90-Days Plan`;
  const plan: NewRow = {
    title: planTitle,
    values: {
      name: t(planTitle),
      partner: rel(partner.id),
      type: sel(typeName),
      launch_date: day(partner.signedOn),
      status: sel(DRAFTING),
      our_lead: people(lead.ours),
      their_lead: t(lead.theirs),
    },
    markdown: [
      `${partner.name} signed on ${partner.signedOn}. Each milestone is due its plan day counted in business days from that date (weekends and the config's holidays skipped), and is a row in Milestones & To-Dos linked to this plan.`,
      '',
      '## Role pairing',
      '',
      '| Our role | Their role | Why this pair talks |',
      '|---|---|---|',
      ...pairing.map((p) => `| ${cell(roleLabel(p.ours, team))} | ${cell(p.theirs)} | ${cell(p.purpose)} |`),
      '',
      '## Milestones',
      '',
      '| Due | Milestone | Owner |',
      '|---|---|---|',
      ...milestones.map(
        (m) =>
          `| ${m.due} | ${cell(m.title.slice(partner.name.length + 3))} | ${cell(roleLabel(m.role, team))} |`,
      ),
    ].join('\n'),
  };
  return { termSheet, negotiation, plan, milestones, notes };
}

/** What the partner already has in Notion (rows linked to it, and the plan's milestones). */
export interface ExistingLaunch {
  termSheets: { id: string; title: string }[];
  negotiation: { id: string; title: string }[];
  plan: { id: string; status: string | null } | null;
  /** Titles of the to-dos linked to the plan. */
  milestones: string[];
}

export interface LaunchPlan {
  partner: LaunchPartner;
  /** The plan's status says the launch finished: nothing is created. */
  done: boolean;
  termSheet: NewRow | null;
  negotiation: NewRow[];
  plan: NewRow | null;
  planId: string | null;
  milestones: Milestone[];
  /** The plan is set to Active once everything exists (the mark that the launch is complete). */
  markLaunched: boolean;
  notes: string[];
}

/**
 * What is missing. A launch whose plan is past Drafting is done and is never re-created (rows a person
 * deleted since stay deleted); one stopped half-way (the plan still Drafting, or no plan) gets the rows it
 * lacks, matched by title among the partner's rows, and its plan is set to Active at the end.
 */
export function planLaunch(
  desired: DesiredLaunch,
  partner: LaunchPartner,
  existing: ExistingLaunch,
): LaunchPlan {
  const done = existing.plan !== null && existing.plan.status !== DRAFTING;
  if (done)
    return {
      partner,
      done,
      termSheet: null,
      negotiation: [],
      plan: null,
      planId: existing.plan!.id,
      milestones: [],
      markLaunched: false,
      notes: [],
    };
  const have = new Set(existing.negotiation.map((n) => n.title));
  const todos = new Set(existing.milestones);
  return {
    partner,
    done,
    termSheet: existing.termSheets.length ? null : desired.termSheet,
    negotiation: desired.negotiation.filter((n) => !have.has(n.title)),
    plan: existing.plan ? null : desired.plan,
    planId: existing.plan?.id ?? null,
    milestones: desired.milestones.filter((m) => !todos.has(m.title)),
    markLaunched: true,
    notes: desired.notes,
  };
}

/** The number of writes a plan makes (creates, and the final status update). */
export function launchWrites(plan: LaunchPlan): number {
  return (
    (plan.termSheet ? 1 : 0) +
    plan.negotiation.length +
    (plan.plan ? 1 : 0) +
    plan.milestones.length +
    (plan.markLaunched ? 1 : 0)
  );
}

/** Which partners a sync should launch: those whose Stage is Signed and who have a signing date. */
export function planLaunches<R extends { stage: string | null; signedOn: string | null }>(
  rows: readonly R[],
): R[] {
  return rows.filter((r) => r.stage === SIGNED && r.signedOn !== null);
}
