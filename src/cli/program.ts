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
import { registerInit } from './commands/init.js';
import { registerPlanAndInstall } from './commands/install.js';
import { registerLogin } from './commands/login.js';
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
    .option('--debug', 'show stack traces on errors', false)
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
    if (json && !error.reported) {
      io.stdout(
        `${JSON.stringify({ ok: false, error: { code: error.code, message: error.message, hint: error.hint } }, null, 2)}\n`,
      );
    }
    // A missing command: commander has printed the help, which says it better than one more line.
    const helpShown = caught instanceof CommanderError && caught.code === 'commander.help';
    if (!helpShown) io.stderr(`error: ${error.oneLine()}\n`);
    if (program.opts<GlobalOptions>().debug && !(caught instanceof CommanderError)) {
      io.stderr(`${(caught instanceof Error && caught.stack) || String(caught)}\n`);
    }
    if (caught instanceof CommanderError) return EXIT_BAD_INPUT;
    return error instanceof PnError ? error.exitCode : 1;
  }
}
