// Shared test helpers: a seeded PRNG, an in-memory Io for running the CLI, temp folders.
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Io } from '../src/cli/io.js';
import { runCli } from '../src/cli/program.js';
import { TEMPLATES_DIR } from '../src/platform/paths.js';

/** The workbook's tabs in order: the foundation issue's, plus Targets (each type's KPI targets). */
export const WORKBOOK_TABS = [
  'Start',
  'Settings',
  'Targets',
  'Partner Scoring',
  'ICP Analysis',
  'Metrics',
  'Referrals',
  'PBRs',
  'PBR Scoreboard',
  'Roadmap',
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

/** A copy of templates/ with some files edited (or added: the edit gets '' for a new file); returns its path. */
/**
 * workbook.yaml as it was before the Archived column: no such column, no formula that reads it, and none of
 * the Leadership Report's generated sections (they came later and read Archived everywhere).
 */
export function workbookWithoutArchived(yaml: string): string {
  return yaml
    .split('\n')
    .filter(
      (line) => !line.includes('kind: archived') && !/kind: (type-kpi-report|program-report)/.test(line),
    )
    .join('\n')
    .replace(/ {4}generated:\n(?= {4}conditional_formats:)/g, '')
    .replace(/,\{range:[a-z_]+\.archived\},"<>TRUE"/g, '')
    .replace(/\*\(\{range:[a-z_]+\.archived\}<>TRUE\(\)\)/g, '')
    .replace('OR({c:score}{r}="",{c:archived}{r}=TRUE())', '{c:score}{r}=""');
}

export function editedTemplates(edits: Record<string, (text: string) => string>): string {
  const dir = join(tempDir(), 'templates');
  cpSync(TEMPLATES_DIR, dir, { recursive: true });
  for (const [file, edit] of Object.entries(edits)) {
    const path = join(dir, file);
    writeFileSync(path, edit(existsSync(path) ? readFileSync(path, 'utf8') : ''));
  }
  return dir;
}

/**
 * A Notion-shaped token made at run time (`ntn_test_<label>_<32 hex>`): tests that scan outputs for a
 * token need one that looks real, but no token-looking literal belongs in the repository.
 */
export function runtimeToken(label: string): string {
  return `ntn_test_${label}_${randomBytes(16).toString('hex')}`;
}

/**
 * A call on the sync lease (src/sync/exclusive.ts): the small Drive file a sync creates before it reads and
 * deletes when it ends. Not a write to the workspace: the only Drive files a sync creates or deletes.
 */
export function isLeaseCall(call: { method: string; path: string }): boolean {
  return call.path.startsWith('/drive/v3/files') && (call.method === 'POST' || call.method === 'DELETE');
}
