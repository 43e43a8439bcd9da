// The Mustache view every page template is rendered with: config, chosen types, roadmap, scoring, fit.
import type { Config } from '../config/schema.js';
import { scheduleRoadmap } from '../domain/schedule.js';
import { PARTNERSHIP_TYPE_NAMES, type PartnershipTypeKey, SOURCING_CHANNEL_NAMES } from '../domain/types.js';
import type { Kpi, PartnershipType, RoadmapEntry } from './content-schema.js';
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
  const types = chosen.map((key, i) => viewType(bp.types[key], i, chosen.length, config.team));
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
  return viewType(bp.types[key], i, config.partnership_types.length, config.team);
}
