#!/usr/bin/env node
// The `partnernomics` executable: runs the CLI on this process's argv and exits with its code.
import { processIo } from './io.js';
import { runCli } from './program.js';

// Ctrl-C or a kill: exit as shells expect. A listener (rather than the default, which stops the process at once)
// lets a synchronous step finish first, so a local install's staging and swap are never cut in two by Ctrl-C.
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

process.exitCode = await runCli(process.argv.slice(2), processIo());
