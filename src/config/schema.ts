// The config file's shape (partnernomics.config.yaml), validated with zod, with the defaults install uses.
import { z } from 'zod';
import { PARTNERSHIP_TYPES, parsePartnershipType, ROLES } from '../domain/types.js';

export const STAGES = ['seed', 'series-a', 'series-b', 'series-c', 'growth'] as const;
export const ARR_BANDS = ['under-5m', '5m-20m', '20m-50m', '50m-100m', 'over-100m'] as const;
export const BUSINESS_MODELS = [
  'saas-sales-led',
  'saas-product-led',
  'enterprise-software',
  'professional-services',
  'marketplace-platform',
] as const;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
  .refine(
    (s) =>
      !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    {
      message: 'is not a real calendar date',
    },
  );

const partnershipType = z.string().transform((value, ctx) => {
  const key = parsePartnershipType(value);
  if (!key) {
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is not a partnership type (one of: ${PARTNERSHIP_TYPES.join(', ')})`,
    });
    return z.NEVER;
  }
  return key;
});

export const teamMemberSchema = z.strictObject({
  role: z.enum(ROLES),
  name: z.string().trim().min(1).optional(),
  email: z.email().optional(),
});

export const targetsSchema = z.strictObject({
  partners_signed_by_day_90: z.number().int('must be a whole number').min(0, 'must be 0 or more').default(3),
  monthly_referrals_per_partner: z.number().min(0, 'must be 0 or more').default(15),
  partner_share_of_bookings_pct: z
    .number()
    .min(0, 'must be 0 or more')
    .max(100, 'must be at most 100')
    .default(10),
});

export const configSchema = z.strictObject({
  company: z
    .strictObject({
      name: z.string().trim().min(1, 'must not be empty').max(100).default('Your company'),
      stage: z.enum(STAGES).default('series-b'),
      arr_band: z.enum(ARR_BANDS).default('5m-20m'),
      business_model: z.enum(BUSINESS_MODELS).default('saas-sales-led'),
    })
    .prefault({}),
  partnership_types: z
    .array(partnershipType)
    .min(1, 'choose at least one partnership type')
    .transform((types) => PARTNERSHIP_TYPES.filter((t) => types.includes(t)))
    .default([...PARTNERSHIP_TYPES]),
  team: z.array(teamMemberSchema).default(ROLES.map((role) => ({ role }))),
  program: z.strictObject({ start_date: isoDate.optional() }).prefault({}),
  targets: targetsSchema.prefault({}),
});

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;

/** The config with every default filled in, including the program start date. */
export interface Config extends Omit<ParsedConfig, 'program'> {
  program: { start_date: string };
}
