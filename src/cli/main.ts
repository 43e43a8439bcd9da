#!/usr/bin/env node
// The `partnernomics` executable: runs the CLI on this process's argv and exits with its code.
import { processIo } from './io.js';
import { runCli } from './program.js';

process.exitCode = await runCli(process.argv.slice(2), processIo());
