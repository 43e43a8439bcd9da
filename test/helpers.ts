// Shared test helpers: a seeded PRNG, an in-memory Io for running the CLI, temp folders.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Io } from '../src/cli/io.js';
import { runCli } from '../src/cli/program.js';

/** The workbook's tabs, exactly as the foundation issue names them, in order. */
export const WORKBOOK_TABS = [
  'Start',
  'Settings',
  'Partner Scoring',
  'ICP Analysis',
  'Metrics',
  'PBR Scoreboard',
  'Dashboard',
  'Leadership Report',
  'Unit Economics',
  'Sync Log',
];

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function tempDir(prefix = 'pn-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(
  argv: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; interactive?: boolean; stdin?: string } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    interactive: options.interactive ?? false,
    env: options.env ?? {},
    cwd: options.cwd ?? tempDir(),
    readStdin: async () => options.stdin ?? '',
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}
