// The config file's shape (partnernomics.config.yaml), validated with zod, with the defaults install uses.
import { z } from 'zod';
import { PARTNERSHIP_TYPES, parsePartnershipType, ROLES } from '../domain/types.js';

/** The company the type defaults are written for: a config that leaves these out gets the defaults unscaled. */
export const REFERENCE_DEAL_SIZE = 40_000;
export const REFERENCE_SALES_CYCLE_DAYS = 90;

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

/** Whether `zone` is a time zone this runtime knows by name (IANA, e.g. Europe/Berlin; offsets are refused). */
export function isTimeZone(zone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The machine's time zone, the default for `program.time_zone`. */
export function machineTimeZone(): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone && isTimeZone(zone) ? zone : 'Etc/UTC';
}

export const DEFAULT_LOCALE = 'en_US';

const timeZone = z
  .string()
  .trim()
  .refine(isTimeZone, {
    error: (issue) =>
      `"${String(issue.input)}" is not a time zone (use an IANA name such as Europe/Berlin or America/New_York)`,
  })
  .transform((zone) => new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone);

/** A Sheets locale: a language code (en, fil) or language_COUNTRY (en_US, de_DE), as SpreadsheetProperties.locale. */
const locale = z
  .string()
  .trim()
  .regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'must be a Sheets locale such as en_US, en_GB or de_DE');

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
  email: z.email('must be an email address, e.g. dana@example.com').optional(),
  /** The person's Notion user ID: launch and PBR workflows put them in people fields (Owner, Our lead). */
  notion_user_id: z
    .string()
    .trim()
    .regex(
      /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i,
      'must be a Notion user ID (a UUID)',
    )
    .optional(),
});

/** The launch and PBR workflows' calendar: holidays skipped like weekends, and when in a quarter the PBR is held. */
export const workflowsSchema = z.strictObject({
  holidays: z.array(isoDate).optional(),
  /** Business days after the quarter's first business day on which its PBR is held (default 10). */
  pbr_business_day: z.number().int('must be a whole number').min(0).max(40).optional(),
});

/** Overrides of a type's KPI targets, by KPI key (the keys are checked against the blueprint when it compiles). */
const kpiOverrides = z.record(
  z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a KPI key such as co_sell_opps_registered'),
  z.number().min(0, 'must be 0 or more'),
);

export const targetsSchema = z
  .strictObject({
    partners_signed_by_day_90: z
      .number()
      .int('must be a whole number')
      .min(0, 'must be 0 or more')
      .default(3),
    partner_share_of_bookings_pct: z
      .number()
      .min(0, 'must be 0 or more')
      .max(100, 'must be at most 100')
      .default(10),
    /** Per partnership type, the KPI targets that replace the type's defaults, e.g. `co-sell: { co_sell_opps_registered: 8 }`. */
    by_type: z.partialRecord(z.enum(PARTNERSHIP_TYPES), kpiOverrides).default({}),
    /** Earlier configs' referral target: read as `by_type.referral.referrals_per_partner_per_month`. */
    monthly_referrals_per_partner: z.number().min(0, 'must be 0 or more').optional(),
  })
  .transform(({ monthly_referrals_per_partner: legacy, ...targets }) =>
    legacy === undefined || targets.by_type.referral?.referrals_per_partner_per_month !== undefined
      ? targets
      : {
          ...targets,
          by_type: {
            ...targets.by_type,
            referral: { ...targets.by_type.referral, referrals_per_partner_per_month: legacy },
          },
        },
  );

export const configSchema = z.strictObject({
  company: z
    .strictObject({
      name: z.string().trim().min(1, 'must not be empty').max(100).default('Your company'),
      stage: z.enum(STAGES).default('series-b'),
      arr_band: z.enum(ARR_BANDS).default('5m-20m'),
      business_model: z.enum(BUSINESS_MODELS).default('saas-sales-led'),
      /** First-year contract value of an average new deal, in dollars: dollar targets scale with it. */
      average_deal_size: z.number().positive('must be more than 0').default(REFERENCE_DEAL_SIZE),
      /** Days from first meeting to signature on an average direct deal: cycle-time targets scale with it. */
      sales_cycle_days: z
        .number()
        .int('must be a whole number of days')
        .positive('must be more than 0')
        .default(REFERENCE_SALES_CYCLE_DAYS),
    })
    .prefault({}),
  partnership_types: z
    .array(partnershipType)
    .min(1, 'choose at least one partnership type')
    .transform((types) => PARTNERSHIP_TYPES.filter((t) => types.includes(t)))
    .default([...PARTNERSHIP_TYPES]),
  team: z.array(teamMemberSchema).default(ROLES.map((role) => ({ role }))),
  program: z
    .strictObject({
      start_date: isoDate.optional(),
      /** The workbook's time zone, set when it is created; unset = the machine's zone (see `programTimeZone`). */
      time_zone: timeZone.optional(),
      /** The workbook's locale (number and date display), set when it is created; unset = en_US. */
      locale: locale.optional(),
    })
    .prefault({}),
  targets: targetsSchema.prefault({}),
  workflows: workflowsSchema.optional(),
});

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;

/**
 * The config with every default filled in, including the program start date. The time zone and locale stay
 * unset when the file leaves them out, so the compiled version does not depend on the machine: read them
 * with `programTimeZone` and `programLocale`.
 */
export interface Config extends Omit<ParsedConfig, 'program'> {
  program: { start_date: string; time_zone?: string; locale?: string };
}

/** `program.time_zone`, or the machine's zone when the config leaves it out. */
export function programTimeZone(config: Pick<Config, 'program'>): string {
  return config.program.time_zone ?? machineTimeZone();
}

/** `program.locale`, or en_US when the config leaves it out. */
export function programLocale(config: Pick<Config, 'program'>): string {
  return config.program.locale ?? DEFAULT_LOCALE;
}
