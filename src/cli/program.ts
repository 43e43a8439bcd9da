// makeProgram(): the whole CLI as a commander program that tests can run in-process with any argv.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, type ErrorOptions } from 'commander';
import { readCredentials } from '../config/credentials.js';
import { EXIT_BAD_INPUT, EXIT_OK, PnError, toPnError } from '../platform/errors.js';
import { PACKAGE_ROOT } from '../platform/paths.js';
import { fsError, isFsError } from '../platform/write.js';
import { registerDoctor } from './commands/doctor.js';
import { registerFit } from './commands/fit.js';
import { registerImport } from './commands/import.js';
import { registerInit } from './commands/init.js';
import { registerPlanAndInstall } from './commands/install.js';
import { registerLaunch } from './commands/launch.js';
import { registerLogin } from './commands/login.js';
import { registerPbr } from './commands/pbr.js';
import { registerReport } from './commands/report.js';
import { registerSelftest } from './commands/selftest.js';
import { registerStatus } from './commands/status.js';
import { registerSync } from './commands/sync.js';
import { type GlobalOptions, type Io, Printer, redactingIo } from './io.js';

export interface CommandContext {
  io: Io;
  /** Secrets seen in this run (tokens read or loaded); output is scrubbed of them. */
  secrets: Set<string>;
  global: () => GlobalOptions;
  printer: () => Printer;
}

export const VERSION: string = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')).version;

/** Exit code for Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

/** The command each commander usage error came from, so its message can name that command's real options. */
const failedCommands = new WeakMap<CommanderError, Command>();

/** A commander Command that remembers which (sub)command a usage error came from. */
class PnCommand extends Command {
  override createCommand(name?: string): Command {
    return new PnCommand(name);
  }

  override error(message: string, errorOptions?: ErrorOptions): never {
    try {
      super.error(message, errorOptions);
    } catch (error) {
      if (error instanceof CommanderError) failedCommands.set(error, this);
      throw error;
    }
  }
}

export function makeProgram(rawIo: Io, secrets: Set<string> = knownSecrets(rawIo.env)): Command {
  const io = redactingIo(rawIo, secrets);
  const program = new PnCommand('partnernomics');
  const global = () => program.opts<GlobalOptions>();
  const ctx: CommandContext = { io, secrets, global, printer: () => new Printer(io, global()) };
  program
    .description(
      'Installs the partnership Quick Launch Program as a working operating system in Notion and Google Sheets.',
    )
    .version(VERSION)
    .option('--json', 'print one machine-readable JSON object', false)
    .option('--debug', 'show stack traces on errors, with each underlying cause', false)
    .option('--config <file>', 'config file (default: ./partnernomics.config.yaml if present)')
    .exitOverride()
    // Usage errors are printed by runCli as one line (or one JSON object); help and version print as usual.
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: () => {} });
  registerInit(program, ctx);
  registerPlanAndInstall(program, ctx);
  registerFit(program, ctx);
  registerLogin(program, ctx);
  registerDoctor(program, ctx);
  registerSelftest(program, ctx);
  registerSync(program, ctx);
  registerStatus(program, ctx);
  registerReport(program, ctx);
  registerImport(program, ctx);
  registerLaunch(program, ctx);
  registerPbr(program, ctx);
  return program;
}

/** "partnernomics login notion" for a subcommand, "partnernomics" for the program. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function longFlags(command: Command): string[] {
  return command.options.filter((o) => !o.hidden && o.long && o.long !== '--version').map((o) => o.long!);
}

function allCommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap(allCommands)];
}

/** The deepest (sub)command named in argv, e.g. `login` for `login --json`. */
function commandIn(program: Command, argv: readonly string[]): Command {
  let command = program;
  for (const arg of argv) {
    if (arg === '--') break;
    const sub = command.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (sub) command = sub;
  }
  return command;
}

/** A commander usage error as our one-line error, naming the command's real options and commands. */
export function usageError(error: CommanderError, program: Command, argv: readonly string[] = []): PnError {
  const command = failedCommands.get(error) ?? commandIn(program, argv);
  const path = commandPath(command);
  const help = `see \`${path} --help\``;
  const text = error.message.replace(/^error: /, '');
  const [first = text, ...rest] = text.split('\n');
  const suggestion = /\(Did you mean (.+)\?\)/.exec(rest.join(' '))?.[1];
  switch (error.code) {
    case 'commander.unknownOption': {
      const flag = (/'([^']+)'/.exec(first)?.[1] ?? first).replace(/=.*$/, '');
      const owners = allCommands(program)
        .filter((c) => c !== command && c.parent && longFlags(c).includes(flag))
        .map((c) => `\`${commandPath(c)}\``);
      const own = longFlags(command);
      const takes = own.length ? `${path} takes ${own.join(', ')}` : `${path} takes no options of its own`;
      const globals = command === program ? '' : '; every command takes --json, --debug and --config';
      const where = owners.length
        ? ` (${flag} belongs to ${owners.join(' and ')})`
        : suggestion
          ? ` (did you mean ${suggestion}?)`
          : '';
      return new PnError('USAGE', `unknown option ${flag} for ${path}${where}`, {
        hint: `${takes}${globals}; ${help}`,
      });
    }
    case 'commander.unknownCommand': {
      const names = command.commands.map((c) => c.name()).join(', ');
      return new PnError('USAGE', `${first}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`, {
        hint: `the commands are ${names}; ${help}`,
      });
    }
    case 'commander.excessArguments':
      return new PnError(
        'USAGE',
        `${path} takes no arguments, got: ${first.replace(/^.*got \d+: /, '').replace(/\.$/, '')}`,
        { hint: `options start with --; ${help}` },
      );
    case 'commander.optionMissingArgument': {
      const option = /'([^']+)'/.exec(first)?.[1] ?? first;
      return new PnError('USAGE', `${option.split(' ')[0]} needs a value: ${option}`, { hint: help });
    }
    case 'commander.help':
      return new PnError('USAGE', `${path} needs a command`, {
        hint: `the commands are ${command.commands.map((c) => c.name()).join(', ')}; ${help}`,
      });
    default:
      return new PnError('USAGE', [first, ...rest].join(' '), { hint: help });
  }
}

/** --json anywhere before `--`: also for errors commander raises before the options are parsed. */
function wantsJson(argv: readonly string[], program: Command): boolean {
  if (program.opts<GlobalOptions>().json) return true;
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

/** Tokens from the environment and the credentials file, so no output can ever show them. */
function knownSecrets(env: NodeJS.ProcessEnv): Set<string> {
  const secrets = new Set<string>();
  for (const name of ['NOTION_TOKEN', 'GOOGLE_OAUTH_CLIENT_SECRET', 'GOOGLE_REFRESH_TOKEN']) {
    if (env[name]?.trim()) secrets.add(env[name]!.trim());
  }
  try {
    const stored = readCredentials(env);
    for (const secret of [stored.notion?.token, stored.google?.clientSecret, stored.google?.refreshToken]) {
      if (secret) secrets.add(secret);
    }
  } catch {
    // An unreadable credentials file is reported by the command that needs it.
  }
  return secrets;
}

/** One link of an error's cause chain: what it is and what it says, without its stack. */
export interface CauseLink {
  /** "caused by", or "caused by (2 of 3)" for one of an AggregateError's errors. */
  label: string;
  name: string;
  /** The system or library code (ECONNREFUSED, ERR_…, a PnError's code), when there is one. */
  code?: string;
  /** Absent when it may quote what a server sent (see `showsMessage`). */
  message?: string;
  stack?: string;
}

const SYSTEM_CODE = /^(?:E[A-Z0-9_]+|UND_ERR_[A-Z_]+)$/;
const FIXED_MESSAGES =
  /^(?:fetch failed|socket hang up|other side closed|terminated|The operation was aborted(?: due to timeout)?\.?)$/i;

/**
 * Whether a cause's message can be printed: our own (PnError), a system error's (`connect ECONNREFUSED
 * 127.0.0.1:4010`, `getaddrinfo ENOTFOUND …`), or a library's fixed wording (`fetch failed`). Any other
 * message may quote a server's answer — a token endpoint's truncated body, an HTML page — so only its name
 * and code are shown, as the one-line errors never quote such bodies either.
 */
function showsMessage(error: Error): boolean {
  if (error instanceof PnError) return true;
  const code = Reflect.get(error, 'code');
  if (typeof Reflect.get(error, 'syscall') === 'string') return true;
  if (typeof code === 'string' && SYSTEM_CODE.test(code)) return true;
  return FIXED_MESSAGES.test(error.message);
}

function describeCause(error: unknown, label: string): CauseLink {
  if (!(error instanceof Error)) return { label, name: typeof error };
  const code = Reflect.get(error, 'code');
  return {
    label,
    name: error.name,
    ...(typeof code === 'string' || typeof code === 'number' ? { code: String(code) } : {}),
    ...(showsMessage(error) ? { message: error.message } : {}),
    ...(error.stack ? { stack: error.stack } : {}),
  };
}

/**
 * Every cause under `error`, outermost first: `cause` after `cause`, and each error of an AggregateError (undici
 * reports a refused connection to every address of a host that way). A wrapper's own stack never shows these.
 */
export function causeChain(error: unknown): CauseLink[] {
  const links: CauseLink[] = [];
  const seen = new Set<unknown>([error]);
  const walk = (at: unknown, depth: number) => {
    if (depth > 8 || typeof at !== 'object' || at === null) return;
    const inner = Reflect.get(at, 'errors');
    if (at instanceof AggregateError && Array.isArray(inner)) {
      inner.forEach((each, i) => {
        if (seen.has(each)) return;
        seen.add(each);
        links.push(describeCause(each, `caused by (${i + 1} of ${inner.length})`));
        walk(each, depth + 1);
      });
    }
    const cause = Reflect.get(at, 'cause');
    if (cause === undefined || cause === null || seen.has(cause)) return;
    seen.add(cause);
    links.push(describeCause(cause, 'caused by'));
    walk(cause, depth + 1);
  };
  walk(error, 0);
  return links;
}

/** --debug: the error's stack, then each cause with its code, message and the lines of its own stack. */
function debugReport(caught: unknown): string {
  const lines = [(caught instanceof Error && caught.stack) || String(caught)];
  for (const link of causeChain(caught)) {
    const says = link.message ?? "(message not shown: it may quote a server's answer)";
    lines.push(`${link.label}: ${link.name}${link.code ? ` [${link.code}]` : ''}: ${says}`);
    for (const line of link.stack?.split('\n') ?? []) if (/^\s+at /.test(line)) lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}

/** Runs argv (without node and script) and returns the exit code; never throws, never calls process.exit. */
export async function runCli(argv: readonly string[], rawIo: Io): Promise<number> {
  const secrets = knownSecrets(rawIo.env);
  const io = redactingIo(rawIo, secrets);
  const program = makeProgram(rawIo, secrets);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (caught) {
    const json = wantsJson(argv, program);
    if (caught instanceof CommanderError && caught.exitCode === 0) return EXIT_OK;
    if (caught instanceof Error && caught.name === 'ExitPromptError') {
      // Ctrl-C at a prompt: nothing was written; end quietly, as shells expect.
      if (json) {
        io.stdout(
          `${JSON.stringify({ ok: false, error: { code: 'INTERRUPTED', message: 'interrupted at a prompt; nothing was written' } }, null, 2)}\n`,
        );
      }
      return EXIT_INTERRUPTED;
    }
    const error =
      caught instanceof CommanderError
        ? usageError(caught, program, argv)
        : isFsError(caught)
          ? fsError(caught, caught.path ?? '(unknown path)', {
              action: /^(open|read|stat|lstat|scandir|access)/.test(caught.syscall ?? '') ? 'read' : 'write',
              hint: 'check the path and its permissions, or choose another path',
            })
          : toPnError(caught);
    const debug = program.opts<GlobalOptions>().debug && !(caught instanceof CommanderError);
    if (json && !error.reported) {
      // Under --debug the causes come too (code and message, no stacks): scripts see why, not only what.
      const causes = debug
        ? causeChain(caught).map(({ name, code, message }) => ({
            name,
            ...(code ? { code } : {}),
            ...(message === undefined ? {} : { message }),
          }))
        : undefined;
      io.stdout(
        `${JSON.stringify({ ok: false, error: { code: error.code, message: error.message, hint: error.hint, causes } }, null, 2)}\n`,
      );
    }
    // A missing command: commander has printed the help, which says it better than one more line.
    const helpShown = caught instanceof CommanderError && caught.code === 'commander.help';
    if (!helpShown) io.stderr(`error: ${error.oneLine()}\n`);
    if (debug) io.stderr(debugReport(caught));
    if (caught instanceof CommanderError) return EXIT_BAD_INPUT;
    return error instanceof PnError ? error.exitCode : 1;
  }
}
