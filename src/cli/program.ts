// makeProgram(): the whole CLI as a commander program that tests can run in-process with any argv.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { EXIT_BAD_INPUT, EXIT_OK, PnError, toPnError } from '../platform/errors.js';
import { PACKAGE_ROOT } from '../platform/paths.js';
import { registerFit } from './commands/fit.js';
import { registerInit } from './commands/init.js';
import { registerPlanAndInstall } from './commands/install.js';
import { type GlobalOptions, type Io, Printer } from './io.js';

export interface CommandContext {
  io: Io;
  global: () => GlobalOptions;
  printer: () => Printer;
}

export const VERSION: string = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')).version;

export function makeProgram(io: Io): Command {
  const program = new Command('partnernomics');
  const global = () => program.opts<GlobalOptions>();
  const ctx: CommandContext = { io, global, printer: () => new Printer(io, global()) };
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
  return program;
}

/** Runs argv (without node and script) and returns the exit code; never throws, never calls process.exit. */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  const program = makeProgram(io);
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
    if (opts.json) {
      io.stdout(
        `${JSON.stringify({ ok: false, error: { code: error.code, message: error.message, hint: error.hint } }, null, 2)}\n`,
      );
    }
    io.stderr(`error: ${error.oneLine()}\n`);
    if (opts.debug) io.stderr(`${(caught instanceof Error && caught.stack) || String(caught)}\n`);
    return error instanceof PnError ? error.exitCode : 1;
  }
}
