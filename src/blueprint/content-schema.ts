// Zod schemas of the playbook content in templates/: partnership types, roadmap, scoring, fit, pages.
import { z } from 'zod';
import { PARTNERSHIP_TYPES, ROLES, SOURCING_CHANNELS } from '../domain/types.js';

const text = z.string().trim().min(1, 'must not be empty');
const list = (min: number, max: number) =>
  z.array(text).min(min, `needs at least ${min} items`).max(max, `has more than ${max} items`);
const typeKey = z.enum(PARTNERSHIP_TYPES);
const role = z.enum(ROLES);
/**
 * Where a default comes from, in words a customer reads (the Sources and assumptions page, the workbook's
 * Source cells): how firm it is, then the named source or our reason. Research shorthand never reaches them.
 */
export const SOURCE_LABELS = ['Well supported', 'Indicative', 'Thin evidence', 'Our judgment'] as const;
const source = z
  .string()
  .regex(
    /^(Well supported|Indicative|Thin evidence|Our judgment): \S/,
    'must start with "Well supported:", "Indicative:", "Thin evidence:" or "Our judgment:"',
  )
  .refine((s) => !/§|\[[MSW][\],/]|Benchmarks|House default|Method target/.test(s), {
    message: 'must be written for the customer: no "Benchmarks §", grade tags such as [W] or "House default"',
  });

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
  /** The default target, for a company at the reference deal size and sales cycle (see `scale`). */
  target: z.number(),
  /**
   * What the target grows with: `deal_size` scales it by the config's average deal size over the reference
   * ($40,000 first-year ACV), `sales_cycle` by the config's sales cycle over the reference (90 days).
   */
  scale: z.enum(['deal_size', 'sales_cycle']).optional(),
  period: text,
  direction: z.enum(['higher', 'lower']),
  /** How the Leadership Report measures it from the workbook's rows, when it can (see src/blueprint/targets.ts). */
  report: z
    .strictObject({
      measure: z.enum(['leads', 'signed', 'revenue', 'new_mrr', 'pipeline_per_cost']),
      per: z.enum(['active_partner', 'program']),
      months: z.union([z.literal(1), z.literal(3)]),
    })
    .optional(),
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
    /** Days a registered lead or opportunity stays the partner's, for types that register deals (the term sheet's term). */
    registration_protection_days: z.number().int().positive().optional(),
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
    /** The escalation ladder, first rung first: which of our roles and which of theirs settle what, and how fast. */
    escalation: z
      .array(z.strictObject({ ours: role, theirs: text, when: text, within: text }))
      .min(3, 'needs at least 3 rungs')
      .max(4, 'has more than 4 rungs'),
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
    .max(9)
    .refine(
      (kpis) => ['recruiting', 'engagement', 'revenue'].every((c) => kpis.some((k) => k.category === c)),
      'needs at least one KPI in each category (recruiting, engagement, revenue)',
    )
    .refine(
      (kpis) =>
        kpis.filter((k) => k.report).length === 2 && kpis.some((k) => k.report && k.category === 'revenue'),
      'needs exactly two KPIs with `report:` for the Leadership Report, a leading one and a revenue one',
    ),
  failure_modes: z
    .array(z.strictObject({ failure: text, prevention: text }))
    .min(3)
    .max(6),
  spp_emphasis: z
    .array(z.strictObject({ component: z.enum(SPP_COMPONENTS), guidance: text }))
    .min(3)
    .max(6),
  /**
   * Days a partner of this type normally stays in each pipeline stage (the Partners database's Stage), from
   * the type's own sales cycle and launch plan: `partnernomics status` flags a partner past its norm.
   */
  stage_norms_days: z.strictObject({
    Sourced: z.number().int().positive(),
    Researching: z.number().int().positive(),
    Discovery: z.number().int().positive(),
    Scoring: z.number().int().positive(),
    Negotiating: z.number().int().positive(),
    Signed: z.number().int().positive(),
    Launching: z.number().int().positive(),
  }),
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

/** One number per partnership type, every type present: a criterion's weight for each type. */
const weightPerType = z.strictObject(
  Object.fromEntries(PARTNERSHIP_TYPES.map((t) => [t, z.number().min(0)])) as Record<
    (typeof PARTNERSHIP_TYPES)[number],
    z.ZodNumber
  >,
);
/** One sentence per partnership type, written for the customer (no research shorthand). */
const reasonPerType = z.strictObject(
  Object.fromEntries(
    PARTNERSHIP_TYPES.map((t) => [
      t,
      text.refine((s) => !/§|\[[MSW][\],/]|Benchmarks|House default/.test(s), {
        message: 'must be written for the customer: no "Benchmarks §" or grade tags such as [M]',
      }),
    ]),
  ) as Record<(typeof PARTNERSHIP_TYPES)[number], z.ZodString>,
);

export const scoringSchema = z
  .strictObject({
    notes: text.optional(),
    scale: z.strictObject({ min: z.literal(1), max: z.literal(5) }),
    min_coverage: z.number().min(0).max(1),
    thresholds: z.strictObject({ pursue: z.number().min(0).max(100), nurture: z.number().min(0).max(100) }),
    /** Why each type weighs the criteria as it does (the scoring guide and the Settings tab show it). */
    why_weights: reasonPerType,
    criteria: z
      .array(
        z.strictObject({
          key: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case'),
          name: z.string().min(1).max(24, 'must be at most 24 characters (it is a column header)'),
          question: text,
          /** The criterion's weight for each partnership type; 0 where it does not apply. */
          weights: weightPerType,
          rubric: z.strictObject({ '1': text, '3': text, '5': text }),
        }),
      )
      .min(10)
      .max(12),
  })
  .refine((s) => s.thresholds.pursue > s.thresholds.nurture, {
    message: 'thresholds.pursue must be above thresholds.nurture',
  })
  .superRefine((s, ctx) => {
    for (const type of PARTNERSHIP_TYPES) {
      const sum = s.criteria.reduce((total, c) => total + c.weights[type], 0);
      if (Math.abs(sum - 100) >= 1e-9)
        ctx.addIssue({
          code: 'custom',
          path: ['criteria'],
          message: `the ${type} weights sum to ${sum}; each type's weights must sum to 100`,
        });
    }
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

// ---------------------------------------------------------------------------------------------------------
// Recruiting kits: templates/recruiting-kits/<type>.yaml, the assets a Partner Manager sends a candidate.

/** Mustache tags kit text may use (rendered at install from the config). */
export const KIT_TAGS = ['company', 'who.partner_manager', 'who.head_of_partnerships'] as const;
/** Recipient fields the admin's email tool fills, left in single braces on the page. */
export const KIT_MERGE_FIELDS = ['first_name', 'partner_company'] as const;

/** Words as a reader counts them: a tag or merge field is one word; a lone "-" or "—" is none. */
export function wordCount(value: string): number {
  return value.split(/\s+/).filter((w) => /[\p{L}\p{N}{]/u.test(w)).length;
}

/** Kit text: only the kit's Mustache tags and merge fields, and no other brace or bracket placeholder. */
const kitText = text.superRefine((value, ctx) => {
  for (const [, tag] of value.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
    if (!(KIT_TAGS as readonly string[]).includes(tag ?? ''))
      ctx.addIssue({
        code: 'custom',
        message: `uses {{${tag}}}: kit text may use only ${KIT_TAGS.map((t) => `{{${t}}}`).join(', ')}`,
      });
  }
  const rest = value.replace(/\{\{[^}]*\}\}/g, '').replace(/\{(first_name|partner_company)\}/g, '');
  const stray = /[{}[\]]/.exec(rest);
  if (stray)
    ctx.addIssue({
      code: 'custom',
      message: `has a stray "${stray[0]}": the only placeholders are the merge fields {first_name} and {partner_company}`,
    });
});

const words = (min: number, max: number) =>
  kitText.superRefine((v, ctx) => {
    const n = wordCount(v);
    if (n < min || n > max)
      ctx.addIssue({ code: 'custom', message: `must be ${min}–${max} words (has ${n})` });
  });
const subject = kitText.superRefine((v, ctx) => {
  if (v.includes('\n')) ctx.addIssue({ code: 'custom', message: 'must be one line' });
  if (v.length >= 70)
    ctx.addIssue({ code: 'custom', message: `must be under 70 characters (has ${v.length})` });
});
/** A table cell on the kit page: one line, no pipe. */
const cell = kitText.refine((v) => !/[|\n]/.test(v), 'must be one line without "|" (it is a table cell)');

/** Lines of a text that are list items ("- item" or "1. item"). */
export function listLines(value: string): string[] {
  return value.split('\n').filter((l) => /^\s*(-|\d+\.)\s+\S/.test(l));
}

/** One paragraph, or up to 5 bullet lines each starting with "- ". */
const pitchText = kitText.superRefine((value, ctx) => {
  const lines = value.split('\n').filter((l) => l.trim() !== '');
  const bullets = lines.filter((l) => /^- \S/.test(l.trim()));
  if (bullets.length > 0 && (bullets.length !== lines.length || bullets.length > 5))
    ctx.addIssue({
      code: 'custom',
      message: 'must be one paragraph or up to 5 lines that each start with "- "',
    });
  if (bullets.length === 0 && /\n\s*\n/.test(value.trim()))
    ctx.addIssue({ code: 'custom', message: 'must be one paragraph (no blank lines)' });
});

export const PITCH_MAX_WORDS = 450;

export const recruitingKitSchema = z.strictObject({
  type: typeKey,
  outreach: z
    .array(
      z.strictObject({
        send_on_day: z.number().int().min(0).max(60),
        subject,
        body: words(70, 170),
      }),
    )
    .length(3, 'must have exactly 3 emails')
    .superRefine((emails, ctx) => {
      if (emails[0] && emails[0].send_on_day !== 0)
        ctx.addIssue({ code: 'custom', path: [0, 'send_on_day'], message: 'the first email goes on day 0' });
      emails.forEach((e, i) => {
        if (i > 0 && e.send_on_day <= emails[i - 1]!.send_on_day)
          ctx.addIssue({
            code: 'custom',
            path: [i, 'send_on_day'],
            message: 'must come after the previous email',
          });
      });
    }),
  pitch: z
    .strictObject({
      headline: kitText,
      sections: z
        .array(
          z.strictObject({
            heading: kitText.refine((v) => !v.includes('\n'), 'must be one line'),
            text: pitchText,
          }),
        )
        .min(4, 'needs at least 4 sections')
        .max(6, 'has more than 6 sections'),
    })
    .superRefine((pitch, ctx) => {
      const total =
        wordCount(pitch.headline) +
        pitch.sections.reduce((n, s) => n + wordCount(s.heading) + wordCount(s.text), 0);
      if (total > PITCH_MAX_WORDS)
        ctx.addIssue({
          code: 'custom',
          message: `must be at most ${PITCH_MAX_WORDS} words in all, to fit one page (has ${total})`,
        });
    }),
  discovery_invite: z.strictObject({
    subject,
    body: words(60, 150)
      .refine((v) => {
        const n = listLines(v).length;
        return n >= 3 && n <= 4;
      }, 'needs an agenda of 3–4 list items ("- " or "1. " lines)')
      .refine((v) => /\b(30|35|40|45)[- ]minutes?\b/i.test(v), 'must say the call takes 30–45 minutes'),
  }),
  welcome_pack: z.strictObject({
    intro: words(40, 90),
    first_week: z
      .array(
        z.strictObject({
          day: z.number().int().min(1).max(5),
          task: cell,
          owner: z.enum(['ours', 'theirs']),
        }),
      )
      .min(5, 'needs at least 5 first-week items')
      .max(8, 'has more than 8 first-week items')
      .refine(
        (items) => items.every((t, i) => i === 0 || t.day >= items[i - 1]!.day),
        'must be in day order',
      ),
    who_to_call: z
      .array(z.strictObject({ need: cell, role, how: cell }))
      .min(3, 'needs at least 3 rows')
      .max(6, 'has more than 6 rows'),
  }),
});
export type RecruitingKit = z.infer<typeof recruitingKitSchema>;
