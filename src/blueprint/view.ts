// The Mustache view every page template is rendered with: config, chosen types, roadmap, scoring, fit.
import Mustache from 'mustache';
import type { Config } from '../config/schema.js';
import { scheduleRoadmap } from '../domain/schedule.js';
import { PARTNERSHIP_TYPE_NAMES, type PartnershipTypeKey, SOURCING_CHANNEL_NAMES } from '../domain/types.js';
import { type Kpi, listLines, type PartnershipType, type RoadmapEntry } from './content-schema.js';
import type { Blueprint } from './load.js';
import { peopleView, roleLabel } from './people.js';
import { syncLines } from './sync-text.js';

const SPP_COMPONENT_NAMES: Record<string, string> = {
  executive_summary: 'Executive summary',
  problem_statement: 'Problem statement',
  purpose: 'Purpose',
  approach: 'Approach',
  swot: 'SWOT analysis',
  assumptions: 'Assumptions',
  risk_mitigation: 'Risk mitigation',
  resource_requirements: 'Resource requirements',
  goals: 'Three measurable goals',
  target_market: 'Target market',
  partner_types: 'Partnership types',
  timeline: 'Timeline',
};

/** A KPI target as a person reads it: 50%, $40,000, 30 days, 0.6, 12. */
export function formatKpiTarget(kpi: Pick<Kpi, 'unit' | 'target'>): string {
  const n = kpi.target.toLocaleString('en-US', { maximumFractionDigits: 2 });
  switch (kpi.unit) {
    case 'percent':
      return `${n}%`;
    case 'currency':
      return `$${n}`;
    case 'days':
      return `${n} days`;
    default:
      return n;
  }
}

/** A partnership type as pages see it: display fields added, and every role of ours shown with its person. */
export type ViewType = Omit<PartnershipType, 'launch'> & Record<string, unknown>;

function viewType(type: PartnershipType, index: number, count: number, team: Config['team']): ViewType {
  return {
    ...type,
    first: index === 0,
    last: index === count - 1,
    launch: {
      ...type.launch,
      role_pairing: type.launch.role_pairing.map((p) => ({ ...p, ours: roleLabel(p.ours, team) })),
      escalation: type.launch.escalation.map((e, step) => ({
        ...e,
        step: step + 1,
        ours: roleLabel(e.ours, team),
        email: [...new Set(team.filter((m) => m.role === e.ours && m.email).map((m) => m.email))].join(', '),
      })),
      phases: type.launch.phases.map((phase) => ({
        ...phase,
        milestones: phase.milestones.map((m) => ({ ...m, owner_role: roleLabel(m.owner_role, team) })),
      })),
    },
    recruitment: {
      ...type.recruitment,
      sourcing_channels: type.recruitment.sourcing_channels.map((c) => ({
        ...c,
        channel_name: SOURCING_CHANNEL_NAMES[c.channel],
      })),
    },
    kpis: type.kpis.map((k) => ({ ...k, target_display: formatKpiTarget(k) })),
    /** The KPIs the Leadership Report computes for this type: its leading one, then its revenue one. */
    report_kpis: type.kpis
      .filter((k) => k.report)
      .sort((a, b) => Number(a.category === 'revenue') - Number(b.category === 'revenue'))
      .map((k) => ({ ...k, type_name: type.name, target_display: formatKpiTarget(k) })),
    spp_emphasis: type.spp_emphasis.map((s) => ({ ...s, component_name: SPP_COMPONENT_NAMES[s.component] })),
  };
}

export function appliesTo(
  scope: 'all' | readonly PartnershipTypeKey[],
  types: readonly PartnershipTypeKey[],
): boolean {
  return scope === 'all' || scope.some((t) => types.includes(t));
}

export interface ScheduledRoadmapEntry extends RoadmapEntry {
  start_date: string;
  due_date: string;
}

/** The roadmap entries that apply to the chosen types, with dates from the program start. */
export function scheduledRoadmap(bp: Blueprint, config: Config): ScheduledRoadmapEntry[] {
  const entries = bp.roadmap.filter((e) => appliesTo(e.applies_to, config.partnership_types));
  const schedule = scheduleRoadmap(
    entries.map((e) => ({
      key: e.key,
      startDay: e.start_day,
      durationDays: e.duration_days,
      dependsOn: e.depends_on,
    })),
    config.program.start_date,
  );
  return entries.map((e, i) => ({
    ...e,
    start_date: schedule[i]!.startDate,
    due_date: schedule[i]!.dueDate,
  }));
}

/** A roadmap entry's RACI with each role as "Role (Name)" where the config names someone. */
export function labelledRaci(raci: RoadmapEntry['raci'], team: Config['team']) {
  const label = (role: RoadmapEntry['raci']['responsible']) => roleLabel(role, team);
  return {
    responsible: label(raci.responsible),
    accountable: label(raci.accountable),
    consulted: raci.consulted.map(label),
    informed: raci.informed.map(label),
  };
}

export function buildView(bp: Blueprint, config: Config): Record<string, unknown> {
  const chosen = config.partnership_types;
  const types = chosen.map((key, i) => ({
    ...viewType(bp.types[key], i, chosen.length, config.team),
    recruiting_kit: recruitingKitView(bp, config, key),
  }));
  const has = Object.fromEntries(
    Object.keys(PARTNERSHIP_TYPE_NAMES).map((k) => [
      k.replace(/-/g, '_'),
      chosen.includes(k as PartnershipTypeKey),
    ]),
  );
  return {
    company: config.company.name,
    stage: config.company.stage,
    arr_band: config.company.arr_band,
    business_model: config.company.business_model,
    start_date: config.program.start_date,
    targets: config.targets,
    types,
    has,
    roadmap: scheduledRoadmap(bp, config).map((e) => ({ ...e, raci: labelledRaci(e.raci, config.team) })),
    scoring: {
      ...bp.scoring,
      criteria: bp.scoring.criteria.map((c, i) => ({ ...c, number: i + 1 })),
    },
    fit: bp.fit,
    roles: config.team.map((m) => ({ role: m.role, person: m.name ?? '' })),
    // {{sync.partner_scoring}}: what the sync moves for that tab, field by field (generated from the map).
    sync: Object.fromEntries(syncLines(bp)),
    ...peopleView(config.team),
  };
}

export function viewTypeFor(bp: Blueprint, config: Config, key: PartnershipTypeKey): ViewType {
  const i = config.partnership_types.indexOf(key);
  return {
    ...viewType(bp.types[key], i, config.partnership_types.length, config.team),
    recruiting_kit: recruitingKitView(bp, config, key),
  };
}

/**
 * Kit text as a page shows it: `{{company}}` and `{{who.*}}` rendered from the config (HTML escaping off),
 * the merge fields `{first_name}` / `{partner_company}` left for the email tool, and a blank line put before
 * a list that follows a paragraph so every Markdown reader sees the list.
 */
export function kitMarkdown(value: string, config: Config): string {
  const tags = { company: config.company.name, who: peopleView(config.team).who };
  const rendered = Mustache.render(value, tags, {}, { escape: (v: unknown) => String(v) });
  const out: string[] = [];
  for (const line of rendered
    .trim()
    .split('\n')
    .map((l) => l.trimEnd())) {
    const prev = out[out.length - 1];
    if (listLines(line).length && prev && !listLines(prev).length) out.push('');
    out.push(line);
  }
  return out.join('\n');
}

/**
 * A type's recruiting kit, rendered for its page: `type.recruiting_kit` (emails numbered, first-week owners
 * named, who-to-call roles with their people), and `form`: the blueprint's form view on a database (the
 * submission form), its database and the fields partners fill, which are that database's own columns.
 */
export function recruitingKitView(bp: Blueprint, config: Config, key: PartnershipTypeKey) {
  const kit = bp.recruitingKits[key];
  const md = (value: string) => kitMarkdown(value, config);
  const formDb = bp.notion.databases.find((d) => d.views.some((v) => v.type === 'form'));
  return {
    outreach: kit.outreach.map((e, i) => ({
      number: i + 1,
      send_on_day: e.send_on_day,
      subject: md(e.subject),
      body: md(e.body),
    })),
    pitch: {
      headline: md(kit.pitch.headline),
      sections: kit.pitch.sections.map((s) => ({ heading: md(s.heading), text: md(s.text) })),
    },
    discovery_invite: { subject: md(kit.discovery_invite.subject), body: md(kit.discovery_invite.body) },
    welcome_pack: {
      intro: md(kit.welcome_pack.intro),
      first_week: kit.welcome_pack.first_week.map((t) => ({
        day: t.day,
        task: md(t.task),
        owner: t.owner === 'ours' ? config.company.name : 'You',
      })),
      who_to_call: kit.welcome_pack.who_to_call.map((w) => ({
        need: md(w.need),
        role: roleLabel(w.role, config.team),
        how: md(w.how),
      })),
    },
    form: formDb
      ? {
          name: formDb.views.find((v) => v.type === 'form')!.name,
          database: formDb.title,
          /** The database's link name in page templates: `[{{database}}](db:{{database_link}})`. */
          database_link: formDb.key.replace(/^db\./, ''),
          fields: formDb.properties
            .flatMap((p) => ('generate' in p || p.type === 'formula' || p.type === 'rollup' ? [] : [p.name]))
            .join(', '),
        }
      : null,
  };
}
