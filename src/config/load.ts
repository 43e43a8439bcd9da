// Reads and validates the config file; every problem becomes one line naming the field and the fix.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { PnError } from '../platform/errors.js';
import { errnoOf, fsError } from '../platform/write.js';
import { type Config, configSchema } from './schema.js';

export const DEFAULT_CONFIG_FILE = 'partnernomics.config.yaml';

/** "targets.partners_signed_by_day_90: must be 0 or more" for the first issue, with a count of the rest. */
export function describeZodError(error: z.ZodError): string {
  const [first, ...rest] = error.issues;
  if (!first) return 'invalid value';
  const path = first.path.length ? first.path.join('.') : '(top level)';
  let message = first.message;
  if (first.code === 'unrecognized_keys')
    message = `unknown field ${first.keys.map((k) => `"${k}"`).join(', ')}`;
  const more = rest.length ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
  return `${path}: ${message}${more}`;
}

export function todayIso(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** Validates a plain object (from YAML or from flags) into a complete Config. */
export function parseConfig(
  raw: unknown,
  source: string,
  today: string = todayIso(),
  hint = `fix it in ${source}, or run \`partnernomics init\` to write a new one`,
): Config {
  const result = configSchema.safeParse(raw ?? {});
  if (!result.success) {
    throw new PnError('CONFIG_INVALID', `${source}: ${describeZodError(result.error)}`, { hint });
  }
  const { start_date, ...program } = result.data.program;
  return { ...result.data, program: { ...program, start_date: start_date ?? today } };
}

export function parseConfigYaml(text: string, source: string, today?: string): Config {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` line ${error.linePos[0].line}` : '';
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new PnError('CONFIG_INVALID', `${source}${where}: not valid YAML (${reason})`, {
      hint: 'fix the YAML syntax, or run `partnernomics init` to write a new file',
    });
  }
  if (raw !== null && raw !== undefined && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new PnError('CONFIG_INVALID', `${source}: the file must be a YAML mapping of settings`, {
      hint: 'run `partnernomics init` to write a valid file',
    });
  }
  return parseConfig(raw, source, today);
}

/**
 * The problem the schema finds in one answer, checked in place within an otherwise empty config (so the rule is
 * exactly the file's), or null when it is fine. E.g. `fieldProblem({ program: { start_date: '2027-02-30' } })`.
 */
export function fieldProblem(partial: Record<string, unknown>): string | null {
  const result = configSchema.safeParse(partial);
  if (result.success) return null;
  const first = result.error.issues[0]!;
  return first.code === 'unrecognized_keys' ? describeZodError(result.error) : first.message;
}

/** Reads a config file's text; a path that cannot be read is one line naming it and the fix (exit 2). */
export function readConfigText(path: string, shown: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return null;
    throw fsError(error, path, {
      action: 'read',
      what: 'config file',
      hint:
        errnoOf(error) === 'EISDIR' || errnoOf(error) === 'ENOTDIR'
          ? `pass the config file itself with --config FILE (${shown} is not one)`
          : 'make it readable (chmod u+r), or pass another file with --config FILE',
    });
  }
}

/**
 * Loads the config: the explicit --config path (which must exist), else ./partnernomics.config.yaml
 * when present, else the defaults (all six types, program starting today).
 */
export function loadConfig(options: { path?: string; cwd?: string; today?: string }): {
  config: Config;
  source: string;
} {
  const cwd = options.cwd ?? process.cwd();
  const path = resolve(cwd, options.path ?? DEFAULT_CONFIG_FILE);
  const text = readConfigText(path, options.path ?? DEFAULT_CONFIG_FILE);
  if (text === null) {
    if (options.path) {
      throw new PnError('CONFIG_NOT_FOUND', `config file not found: ${path}`, {
        hint: 'check the --config path, or run `partnernomics init` to create one',
      });
    }
    return { config: parseConfig({}, 'defaults', options.today), source: 'defaults' };
  }
  return {
    config: parseConfigYaml(text, options.path ?? DEFAULT_CONFIG_FILE, options.today),
    source: path,
  };
}
