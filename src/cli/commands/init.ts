// `partnernomics init`: writes partnernomics.config.yaml from prompts (on a terminal) or from flags (--yes).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { DEFAULT_CONFIG_FILE, fieldProblem, parseConfig, todayIso } from '../../config/load.js';
import {
  ARR_BANDS,
  BUSINESS_MODELS,
  type Config,
  REFERENCE_DEAL_SIZE,
  REFERENCE_SALES_CYCLE_DAYS,
  STAGES,
} from '../../config/schema.js';
import {
  PARTNERSHIP_TYPE_NAMES,
  PARTNERSHIP_TYPES,
  parsePartnershipType,
  ROLES,
} from '../../domain/types.js';
import { PnError } from '../../platform/errors.js';
import { checkWritableFile, withFsErrors, writeFileAtomic } from '../../platform/write.js';
import type { CommandContext } from '../program.js';

export interface InitFlags {
  company?: string;
  stage?: string;
  arrBand?: string;
  businessModel?: string;
  types?: string;
  startDate?: string;
  dealSize?: string;
  salesCycle?: string;
  partnersByDay90?: string;
  partnerShare?: string;
  person?: string[];
}

/** "Head of Partnerships=Dana Ortiz <dana@example.com>" -> { role, name, email }; roles without a person stay listed. */
export function parsePeople(entries: readonly string[]): { role: string; name?: string; email?: string }[] {
  const people = entries.map((entry) => {
    const m = /^([^=]+)=\s*([^<]*?)\s*(?:<([^>]+)>)?\s*$/.exec(entry);
    if (!m) {
      throw new PnError('CONFIG_INVALID', `--person "${entry}" is not ROLE=NAME <EMAIL>`, {
        hint: 'e.g. --person "Head of Partnerships=Dana Ortiz <dana@example.com>"',
      });
    }
    const person: { role: string; name?: string; email?: string } = { role: m[1]!.trim() };
    if (m[2]) person.name = m[2];
    if (m[3]) person.email = m[3].trim();
    return person;
  });
  const named = new Set(people.map((p) => p.role));
  return [...people, ...ROLES.filter((r) => !named.has(r)).map((role) => ({ role }))];
}

function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || Number.isNaN(n)) {
    throw new PnError('CONFIG_INVALID', `--${name}: "${value}" is not a number`, {
      hint: `pass a number, e.g. --${name} 3`,
    });
  }
  return n;
}

/** Pure: flags -> the raw config object that the schema validates (undefined fields take defaults). */
export function configFromFlags(flags: InitFlags, today: string): Record<string, unknown> {
  const drop = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return drop({
    company: drop({
      name: flags.company,
      stage: flags.stage,
      arr_band: flags.arrBand,
      business_model: flags.businessModel,
      average_deal_size: numberFlag('deal-size', flags.dealSize),
      sales_cycle_days: numberFlag('sales-cycle', flags.salesCycle),
    }),
    partnership_types: flags.types
      ?.split(',')
      .map((t) => t.trim())
      .filter(Boolean),
    team: flags.person?.length ? parsePeople(flags.person) : undefined,
    program: { start_date: flags.startDate ?? today },
    targets: drop({
      partners_signed_by_day_90: numberFlag('partners-by-day-90', flags.partnersByDay90),
      partner_share_of_bookings_pct: numberFlag('partner-share', flags.partnerShare),
    }),
  });
}

/** The comment block at the top of a config file that init (or `fit --save`) writes. */
export const CONFIG_HEADER = [
  '# Partnernomics configuration: `partnernomics install` reads this file.',
  `# Partnership types: ${PARTNERSHIP_TYPES.join(', ')}`,
  `# Stages: ${STAGES.join(', ')} · ARR bands: ${ARR_BANDS.join(', ')}`,
  `# Business models: ${BUSINESS_MODELS.join(', ')}`,
  `# Team roles: ${ROLES.join(', ')} (name and email are optional)`,
  '',
].join('\n');

export function configYaml(config: Config): string {
  return `${CONFIG_HEADER}${stringify(config)}`;
}

/** Quotes a path for a shell command line when it needs it. */
export function shellArg(value: string): string {
  return /^[\w./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}

/** A prompt's validate(): true when the schema accepts the answer in place, else the schema's reason. */
function accepts(partial: (answer: string) => Record<string, unknown>) {
  return (answer: string): true | string => fieldProblem(partial(answer.trim())) ?? true;
}

/** A number prompt's validate(): "abc" is refused before the schema sees it. */
function acceptsNumber(partial: (n: number) => Record<string, unknown>) {
  return (answer: string): true | string => {
    const n = Number(answer.trim());
    if (answer.trim() === '' || Number.isNaN(n)) return 'must be a number, e.g. 3';
    return fieldProblem(partial(n)) ?? true;
  };
}

/** "Dana Ortiz <dana@example.com>" for a role, validated as the config's team entry would be. */
function acceptsPerson(role: string) {
  return (answer: string): true | string => {
    if (!answer.trim()) return true;
    try {
      return fieldProblem({ team: parsePeople([`${role}=${answer.trim()}`]).slice(0, 1) }) ?? true;
    } catch {
      return 'write it as Name <email>, e.g. Dana Ortiz <dana@example.com>';
    }
  };
}

/**
 * Asks every question on the terminal. Each answer is checked at its prompt with the config schema's own rule and
 * asked again with the reason, so earlier answers are never lost to a late failure.
 */
async function askInteractively(
  base: Record<string, unknown>,
  today: string,
): Promise<Record<string, unknown>> {
  const { input, select, checkbox } = await import('@inquirer/prompts');
  const company = (base.company ?? {}) as Record<string, string>;
  const program = (base.program ?? {}) as Record<string, string>;
  const targets = (base.targets ?? {}) as Record<string, number>;
  const baseTypes = (base.partnership_types as string[] | undefined)?.map((t) => parsePartnershipType(t));
  const team = (base.team ?? []) as { role: string; name?: string; email?: string }[];
  const name = (
    await input({
      message: 'Company name',
      default: company.name ?? 'Your company',
      validate: accepts((answer) => ({ company: { name: answer } })),
    })
  ).trim();
  const stage = await select({
    message: 'Stage',
    choices: STAGES.map((s) => ({ value: s })),
    default: (company.stage ?? 'series-b') as (typeof STAGES)[number],
  });
  const arr = await select({
    message: 'ARR band',
    choices: ARR_BANDS.map((s) => ({ value: s })),
    default: (company.arr_band ?? '5m-20m') as (typeof ARR_BANDS)[number],
  });
  const model = await select({
    message: 'Business model',
    choices: BUSINESS_MODELS.map((s) => ({ value: s })),
    default: (company.business_model ?? 'saas-sales-led') as (typeof BUSINESS_MODELS)[number],
  });
  const types = await checkbox({
    message: 'Partnership types in play (run `partnernomics fit` if unsure)',
    choices: PARTNERSHIP_TYPES.map((t) => ({
      value: t,
      name: PARTNERSHIP_TYPE_NAMES[t],
      checked: baseTypes ? baseTypes.includes(t) : true,
    })),
    required: true,
  });
  const start = (
    await input({
      message: 'Program start date (YYYY-MM-DD)',
      default: program.start_date ?? today,
      validate: accepts((answer) => ({ program: { start_date: answer } })),
    })
  ).trim();
  const number = async (
    message: string,
    given: unknown,
    fallback: number,
    asConfig: (n: number) => Record<string, unknown>,
  ) =>
    Number(
      await input({
        message,
        default: String(given ?? fallback),
        validate: acceptsNumber(asConfig),
      }),
    );
  const target = (message: string, key: string, fallback: number) =>
    number(message, targets[key], fallback, (n) => ({ targets: { [key]: n } }));
  const dealSize = await number(
    'Average deal size: first-year contract value in dollars (dollar targets scale with it)',
    company.average_deal_size,
    REFERENCE_DEAL_SIZE,
    (n) => ({ company: { average_deal_size: n } }),
  );
  const salesCycle = await number(
    'Sales cycle of a direct deal, in days',
    company.sales_cycle_days,
    REFERENCE_SALES_CYCLE_DAYS,
    (n) => ({ company: { sales_cycle_days: n } }),
  );
  const partners = await target('Target: partners signed by day 90', 'partners_signed_by_day_90', 3);
  const share = await target(
    'Target: partner share of new bookings (%)',
    'partner_share_of_bookings_pct',
    10,
  );
  const people: string[] = [];
  const asked = ['CRO', 'Head of Partnerships', 'Partner Manager', 'Sales Leader'];
  for (const role of asked) {
    const known = team.find((m) => m.role === role);
    const answer = await input({
      message: `Who is your ${role}? (name <email>, optional)`,
      default: known?.name ? `${known.name}${known.email ? ` <${known.email}>` : ''}` : '',
      validate: acceptsPerson(role),
    });
    if (answer.trim()) people.push(`${role}=${answer.trim()}`);
  }
  // People given with --person in roles not asked about stay.
  for (const m of team) {
    if (!asked.includes(m.role) && m.name)
      people.push(`${m.role}=${m.name}${m.email ? ` <${m.email}>` : ''}`);
  }
  return {
    company: {
      name,
      stage,
      arr_band: arr,
      business_model: model,
      average_deal_size: dealSize,
      sales_cycle_days: salesCycle,
    },
    partnership_types: types,
    program: { ...program, start_date: start },
    team: parsePeople(people),
    targets: {
      ...targets,
      partners_signed_by_day_90: partners,
      partner_share_of_bookings_pct: share,
    },
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerInit(program: Command, ctx: CommandContext): void {
  program
    .command('init')
    .description(`write ${DEFAULT_CONFIG_FILE}: company, partnership types, team, start date and targets`)
    .option('--company <name>', 'company name')
    .option('--stage <stage>', STAGES.join(' | '))
    .option('--arr-band <band>', ARR_BANDS.join(' | '))
    .option('--business-model <model>', BUSINESS_MODELS.join(' | '))
    .option('--types <list>', 'comma-separated partnership types, e.g. co-sell,service-implementation')
    .option('--start-date <date>', 'program start, YYYY-MM-DD (default: today)')
    .option(
      '--deal-size <usd>',
      'average first-year contract value of a new deal, in dollars (default 40000)',
    )
    .option('--sales-cycle <days>', 'days a direct deal takes from first meeting to signature (default 90)')
    .option('--partners-by-day-90 <n>', 'target: partners signed by day 90')
    .option('--partner-share <pct>', 'target: partner share of new bookings, 0–100')
    .option(
      '--person <role=name>',
      'a person in a team role, e.g. "Head of Partnerships=Dana Ortiz <dana@example.com>" (repeatable)',
      collect,
      [],
    )
    .option('--yes', 'take flags and defaults without asking (for scripts)', false)
    .option('--force', `overwrite an existing ${DEFAULT_CONFIG_FILE}`, false)
    .action(async (flags: InitFlags & { yes: boolean; force: boolean }) => {
      const given = ctx.global().config;
      const path = resolve(ctx.io.cwd, given ?? DEFAULT_CONFIG_FILE);
      const whereHint = 'pass another file with --config FILE, or run init in a folder you can write to';
      checkWritableFile(path, { what: 'config file', hint: whereHint });
      if (existsSync(path) && !flags.force) {
        throw new PnError('CONFIG_EXISTS', `${path} already exists`, {
          hint: 'edit it, or run init again with --force to replace it',
        });
      }
      const today = todayIso();
      let raw = configFromFlags(flags, today);
      // Flags are checked before any question, so a typo in one is reported before the questions, not after.
      parseConfig(raw, 'init', today, 'check the flag values (see `partnernomics init --help`)');
      if (!flags.yes) {
        if (!ctx.io.interactive) {
          throw new PnError('USAGE', 'init needs a terminal to ask its questions', {
            hint: 'pass --yes with flags (e.g. --company "Acme" --types referral,co-sell) to run it from a script',
          });
        }
        raw = await askInteractively(raw, today);
      }
      const config = parseConfig(
        raw,
        'init',
        today,
        flags.yes ? 'check the flag values (see `partnernomics init --help`)' : 'run init again',
      );
      withFsErrors(path, { action: 'write', what: 'config file', hint: whereHint }, () =>
        writeFileAtomic(path, configYaml(config)),
      );
      const p = ctx.printer();
      p.line(`Wrote ${path}`);
      const next = `partnernomics install${given ? ` --config ${shellArg(given)}` : ''}`;
      p.line(
        `Next: ${next}   (installs ${config.partnership_types.length} partnership type(s) into ./partnernomics-workspace)`,
      );
      p.json({ ok: true, command: 'init', path, config, next });
    });
}
