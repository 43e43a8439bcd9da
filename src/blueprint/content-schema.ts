// Zod schemas of the playbook content in templates/: partnership types, roadmap, scoring, fit, pages.
import { z } from 'zod';
import { PARTNERSHIP_TYPES, ROLES, SOURCING_CHANNELS } from '../domain/types.js';

const text = z.string().trim().min(1, 'must not be empty');
const list = (min: number, max: number) =>
  z.array(text).min(min, `needs at least ${min} items`).max(max, `has more than ${max} items`);
const typeKey = z.enum(PARTNERSHIP_TYPES);
const role = z.enum(ROLES);
const source = z
  .string()
  .regex(
    /^(Benchmarks §|House default:|Method target:)/,
    'must start with "Benchmarks §", "House default:" or "Method target:"',
  );

export const SPP_COMPONENTS = [
  'executive_summary',
  'problem_statement',
  'purpose',
  'approach',
  'swot',
  'assumptions',
  'risk_mitigation',
  'resource_requirements',
  'goals',
  'target_market',
  'partner_types',
  'timeline',
] as const;

export const ROADMAP_KEYS = [
  'icp',
  'ecosystem',
  'spp',
  'term-sheet',
  'sourcing',
  'scoring',
  'negotiation',
  'first-90-days',
  'pbr',
  'performance-tracking',
  'type-selection',
  'recruitment-by-type',
  'joint-gtm',
  'leadership-reporting',
  'internal-alignment',
  'service-workflows',
] as const;

export const kpiSchema = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case'),
  name: text,
  definition: text,
  category: z.enum(['recruiting', 'engagement', 'revenue']),
  unit: z.enum(['count', 'percent', 'currency', 'days', 'ratio']),
  target: z.number(),
  period: text,
  direction: z.enum(['higher', 'lower']),
  source,
});
export type Kpi = z.infer<typeof kpiSchema>;

export const partnershipTypeSchema = z.strictObject({
  key: typeKey,
  name: text,
  tagline: text,
  fit: z.strictObject({
    summary: text,
    business_models: list(3, 6),
    buying_journey: text,
    deal_size: text,
    sales_motion: text,
    choose_when: list(3, 6),
    avoid_when: list(3, 6),
  }),
  value_proposition: z.strictObject({ headline: text, points: list(3, 6) }),
  incentives: z.strictObject({
    model: text,
    default_terms: z
      .array(z.strictObject({ term: text, value: text, rationale: text, source }))
      .min(4)
      .max(8),
  }),
  recruitment: z.strictObject({
    strategy: text,
    ideal_partner_signals: list(4, 8),
    sourcing_channels: z
      .array(z.strictObject({ channel: z.enum(SOURCING_CHANNELS), how: text }))
      .length(6, 'must rank all six sourcing channels')
      .refine(
        (rows) => new Set(rows.map((r) => r.channel)).size === 6,
        'must name each of the six channels once',
      ),
    pitch_outline: list(5, 8),
    promotional_pack: list(4, 8),
    discovery_questions: z.strictObject({ open: list(5, 8), closed: list(4, 6) }),
    qualification_rubric: z
      .array(z.strictObject({ criterion: text, qualified_when: text }))
      .min(4)
      .max(7),
  }),
  launch: z.strictObject({
    summary: text,
    onboarding: list(4, 8),
    role_pairing: z
      .array(z.strictObject({ ours: role, theirs: text, purpose: text }))
      .min(3)
      .max(5),
    phases: z
      .array(
        z.strictObject({
          name: text,
          goals: list(2, 4),
          milestones: z
            .array(z.strictObject({ title: text, day: z.number().int().min(1).max(90), owner_role: role }))
            .min(2)
            .max(5),
        }),
      )
      .length(3, 'must have exactly three phases (days 1–30, 31–60, 61–90)'),
    governance: text,
    communications_cadence: list(3, 6),
    for_consideration: list(2, 5),
  }),
  management: z.strictObject({
    cadence: list(3, 6),
    pbr_focus: list(3, 6),
    optimization_moves: list(3, 6),
  }),
  kpis: z
    .array(kpiSchema)
    .min(5)
    .max(8)
    .refine(
      (kpis) => ['recruiting', 'engagement', 'revenue'].every((c) => kpis.some((k) => k.category === c)),
      'needs at least one KPI in each category (recruiting, engagement, revenue)',
    ),
  failure_modes: z
    .array(z.strictObject({ failure: text, prevention: text }))
    .min(3)
    .max(6),
  spp_emphasis: z
    .array(z.strictObject({ component: z.enum(SPP_COMPONENTS), guidance: text }))
    .min(3)
    .max(6),
  term_sheet: z.strictObject({
    company_culture: text,
    partnership_opportunity: text,
    partner_qualifications: list(3, 6),
    relationship_goals: list(3, 5),
    team_structure: text,
    communication_expectations: list(3, 5),
    deal_terms_note: text,
    future_consideration: list(2, 5),
  }),
});
export type PartnershipType = z.infer<typeof partnershipTypeSchema>;

export const roadmapEntrySchema = z.strictObject({
  key: z.enum(ROADMAP_KEYS),
  kind: z.enum(['step', 'extension']),
  number: z.number().int().min(1).max(16),
  title: text,
  sub_job: z.number().int().min(1).max(16),
  purpose: text,
  inputs: list(2, 6),
  outputs: z
    .array(z.strictObject({ artifact: text, worksheet: text }))
    .min(1)
    .max(3),
  raci: z.strictObject({
    responsible: role,
    accountable: role,
    consulted: z.array(role),
    informed: z.array(role),
  }),
  depends_on: z.array(z.enum(ROADMAP_KEYS)),
  parallel_with: z.array(z.enum(ROADMAP_KEYS)),
  quality_gate: list(3, 6),
  duration_days: z.number().int().min(1).max(90),
  start_day: z.number().int().min(0).max(89),
  due_day: z.number().int().min(1).max(120),
  applies_to: z.union([z.literal('all'), z.array(typeKey).min(1)]),
});
export const roadmapSchema = z
  .array(roadmapEntrySchema)
  .length(16, 'must have the 10 steps and the 6 extensions')
  .superRefine((entries, ctx) => {
    entries.forEach((e, i) => {
      if (e.due_day !== e.start_day + e.duration_days) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'due_day'],
          message: 'must equal start_day + duration_days',
        });
      }
      for (const dep of e.depends_on) {
        const d = entries.find((x) => x.key === dep);
        if (d && d.due_day > e.start_day) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'start_day'],
            message: `starts before its dependency "${dep}" is due`,
          });
        }
      }
    });
    if (new Set(entries.map((e) => e.key)).size !== entries.length) {
      ctx.addIssue({ code: 'custom', path: [], message: 'roadmap keys must be unique' });
    }
  });
export type RoadmapEntry = z.infer<typeof roadmapEntrySchema>;

export const scoringSchema = z
  .strictObject({
    notes: text.optional(),
    scale: z.strictObject({ min: z.literal(1), max: z.literal(5) }),
    min_coverage: z.number().min(0).max(1),
    thresholds: z.strictObject({ pursue: z.number().min(0).max(100), nurture: z.number().min(0).max(100) }),
    criteria: z
      .array(
        z.strictObject({
          key: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case'),
          name: z.string().min(1).max(24, 'must be at most 24 characters (it is a column header)'),
          question: text,
          weight: z.number().min(0),
          rubric: z.strictObject({ '1': text, '3': text, '5': text }),
        }),
      )
      .min(10)
      .max(12),
  })
  .refine((s) => s.thresholds.pursue > s.thresholds.nurture, {
    message: 'thresholds.pursue must be above thresholds.nurture',
  })
  .refine((s) => Math.abs(s.criteria.reduce((sum, c) => sum + c.weight, 0) - 100) < 1e-9, {
    message: 'criteria weights must sum to 100',
  });
export type ScoringContent = z.infer<typeof scoringSchema>;

export const fitSchema = z.strictObject({
  questions: z
    .array(
      z.strictObject({
        key: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case'),
        text,
        why: text,
        options: z
          .array(
            z.strictObject({
              key: z.string().regex(/^[a-z0-9][a-z0-9_]*$/, 'must be snake_case'),
              label: text,
              scores: z.partialRecord(typeKey, z.number().int().min(0).max(3)),
              reason: text,
            }),
          )
          .min(2)
          .max(5),
      }),
    )
    .min(8)
    .max(15),
});
export type FitContent = z.infer<typeof fitSchema>;

export const pageFrontMatterSchema = z.strictObject({
  key: z.string().regex(/^[a-z0-9-]+$/, 'must be kebab-case'),
  title: text,
  roadmap: z.array(z.enum(ROADMAP_KEYS)).min(1),
  applies_to: z.union([z.literal('all'), z.array(typeKey).min(1)]).default('all'),
  per_type: z.boolean().default(false),
});
export type PageFrontMatter = z.infer<typeof pageFrontMatterSchema>;
