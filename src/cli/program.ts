// makeProgram(): the whole CLI as a commander program that tests can run in-process with any argv.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { readCredentials } from '../config/credentials.js';
import { EXIT_BAD_INPUT, EXIT_OK, PnError, toPnError } from '../platform/errors.js';
import { PACKAGE_ROOT } from '../platform/paths.js';
import { registerDoctor } from './commands/doctor.js';
import { registerFit } from './commands/fit.js';
import { registerInit } from './commands/init.js';
import { registerPlanAndInstall } from './commands/install.js';
import { registerLogin } from './commands/login.js';
import { registerSelftest } from './commands/selftest.js';
import { type GlobalOptions, type Io, Printer, redactingIo } from './io.js';

export interface CommandContext {
  io: Io;
  /** Secrets seen in this run (tokens read or loaded); output is scrubbed of them. */
  secrets: Set<string>;
  global: () => GlobalOptions;
  printer: () => Printer;
}

export const VERSION: string = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')).version;

export function makeProgram(rawIo: Io, secrets: Set<string> = knownSecrets(rawIo.env)): Command {
  const io = redactingIo(rawIo, secrets);
  const program = new Command('partnernomics');
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
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerInit(program, ctx);
  registerPlanAndInstall(program, ctx);
  registerFit(program, ctx);
  registerLogin(program, ctx);
  registerDoctor(program, ctx);
  registerSelftest(program, ctx);
  return program;
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
    if (caught instanceof CommanderError) {
      if (caught.exitCode === 0) return EXIT_OK;
      return EXIT_BAD_INPUT;
    }
    const error = toPnError(caught);
    const opts = program.opts<GlobalOptions>();
    if (opts.json && !error.reported) {
      io.stdout(
        `${JSON.stringify({ ok: false, error: { code: error.code, message: error.message, hint: error.hint } }, null, 2)}\n`,
      );
    }
    io.stderr(`error: ${error.oneLine()}\n`);
    if (opts.debug) io.stderr(`${(caught instanceof Error && caught.stack) || String(caught)}\n`);
    return error instanceof PnError ? error.exitCode : 1;
  }
}
