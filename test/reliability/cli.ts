// Drives the BUILT CLI as a child process: env pointing at the proxies, output collected, SIGKILL on demand.
import { spawn } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from '../helpers.js';
import type { FaultProxy, KillPoint, ProxyLogEntry } from './proxy.js';

/** The built CLI; PARTNERNOMICS_RELIABILITY_CLI points at another build (e.g. one made apart from dist/). */
export const CLI_PATH = resolve(
  process.env.PARTNERNOMICS_RELIABILITY_CLI ??
    join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli', 'main.js'),
);

/** Client timeouts for the runs (the hold faults hold longer than these). */
export const CLIENT_TIMEOUT_MS = 1500;
export const HOLD_MS = 2600;
/** A run that takes longer than this is killed and reported as hung. */
export const RUN_LIMIT_MS = 120_000;

export interface CliRun {
  label: string;
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Where the proxy signalled the kill, when it did. */
  killedAt?: ProxyLogEntry;
  hung?: boolean;
  /** Through the series' proxy: requests and writes this run made, and the requests before its first write. */
  traffic?: { requests: number; writes: number; beforeFirstWrite: number; top: string };
}

/** Every output of every run in this test file, for the secrets scan. */
export const outputs: { label: string; stream: 'stdout' | 'stderr'; text: string }[] = [];

export function assertBuilt(): void {
  if (!existsSync(CLI_PATH)) throw new Error(`no built CLI at ${CLI_PATH}: run \`npm run build\` first`);
  // `npx partnernomics` in a fresh clone executes this file itself: npm linked the bin before `prepare`
  // built it, so only the build can make it executable (the README's first command depends on it).
  if ((statSync(CLI_PATH).mode & 0o111) === 0)
    throw new Error(`the built CLI ${CLI_PATH} is not executable: \`npm run build\` must chmod it`);
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22)
    throw new Error(`the reliability suite needs Node ≥ 22 to run the CLI; this is ${process.version}`);
}

export interface RunOptions {
  env: Record<string, string>;
  label: string;
  /** Kill the child (SIGKILL) when `proxy` reaches `point`. */
  kill?: { proxy: FaultProxy; point: KillPoint };
  /** Called the moment the child exits (before any await), e.g. to snapshot the fakes' state. */
  onExit?: (code: number | null) => void;
  /** Kill it as hung after this long (default RUN_LIMIT_MS; a run under 40% faults waits out many of them). */
  limitMs?: number;
}

/** Runs the CLI once; resolves when it exits (or was killed). */
export function runCli(args: string[], options: RunOptions): Promise<CliRun> {
  const started = Date.now();
  const cwd = tempDir('pn-rel-cwd-');
  const child = spawn(process.execPath, [CLI_PATH, ...args], {
    env: { PATH: process.env.PATH ?? '', CI: '1', NO_COLOR: '1', ...options.env },
    // A folder of its own: no partnernomics.yaml of the repository is picked up.
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  let killedAt: ProxyLogEntry | undefined;
  if (options.kill) {
    options.kill.proxy.armKill(options.kill.point, (entry) => {
      killedAt = entry;
      child.kill('SIGKILL');
    });
  }
  let hung = false;
  const limitMs = options.limitMs ?? RUN_LIMIT_MS;
  const guard = setTimeout(() => {
    hung = true;
    child.kill('SIGKILL');
  }, limitMs);
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => options.onExit?.(code));
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      rmSync(cwd, { recursive: true, force: true });
      options.kill?.proxy.disarmKill();
      const run: CliRun = {
        label: options.label,
        args,
        code,
        signal,
        stdout,
        stderr,
        ms: Date.now() - started,
        ...(killedAt ? { killedAt } : {}),
        ...(hung ? { hung } : {}),
      };
      outputs.push(
        { label: options.label, stream: 'stdout', text: stdout },
        { label: options.label, stream: 'stderr', text: stderr },
      );
      resolvePromise(run);
    });
  });
}

/** One line about a run, for failure messages. */
export function describeRun(run: CliRun): string {
  const how = run.hung
    ? `hung (killed after ${Math.round(run.ms / 1000)}s)`
    : run.killedAt
      ? `SIGKILLed at request #${run.killedAt.position}${run.killedAt.writeIndex ? ` (write #${run.killedAt.writeIndex})` : ''} ${run.killedAt.method} ${run.killedAt.path}`
      : `exit ${run.code ?? run.signal}`;
  const err = run.stderr.trim().split('\n').slice(0, 3).join(' ⏎ ');
  const t = run.traffic;
  const traffic = t
    ? ` [${t.requests} requests, ${t.writes} writes, ${t.beforeFirstWrite} before the first write; most: ${t.top}]`
    : '';
  return `${run.label}: ${how} in ${(run.ms / 1000).toFixed(1)}s${traffic}${err ? ` — stderr: ${err.slice(0, 400)}` : ''}`;
}

// ---------------------------------------------------------------- secrets

export interface Secret {
  name: string;
  value: string;
}

export interface Leak {
  secret: string;
  form: 'plain' | 'URL-encoded' | 'JSON-escaped';
  where: string;
}

/** The forms a secret can take in output: as is, URL-encoded, JSON-escaped (inside a JSON string). */
function formsOf(value: string): [Leak['form'], string][] {
  const forms: [Leak['form'], string][] = [['plain', value]];
  const encoded = encodeURIComponent(value);
  if (encoded !== value) forms.push(['URL-encoded', encoded]);
  const escaped = JSON.stringify(value).slice(1, -1);
  if (escaped !== value) forms.push(['JSON-escaped', escaped]);
  return forms;
}

/** Every output that holds any form of any secret (8+ characters). */
export function scanSecrets(texts: typeof outputs, secrets: readonly Secret[]): Leak[] {
  const leaks: Leak[] = [];
  for (const secret of secrets) {
    if (secret.value.length < 8) continue;
    for (const [form, value] of formsOf(secret.value)) {
      for (const text of texts) {
        if (text.text.includes(value))
          leaks.push({ secret: secret.name, form, where: `${text.label} ${text.stream}` });
      }
    }
  }
  return leaks;
}

/**
 * Token shapes, for what a scan of exact values misses (a token cut short in an echoed body): Google access
 * tokens (ya29.…), refresh tokens (1//…, also URL-encoded) and Notion secrets (ntn_…/secret_…).
 */
export const TOKEN_PATTERNS: readonly { name: string; pattern: RegExp }[] = [
  { name: 'a Google access token (ya29.…)', pattern: /ya29\.[A-Za-z0-9_-]{6,}/ },
  { name: 'a Google refresh token (1//…)', pattern: /1(\/\/|%2F%2F|\\\/\\\/)[A-Za-z0-9_-]{6,}/i },
  { name: 'a Notion token (ntn_…)', pattern: /\b(ntn|secret)_[A-Za-z0-9_]{6,}/ },
];

/** Outputs that hold something shaped like a token. */
export function scanTokenShapes(texts: typeof outputs): Leak[] {
  const leaks: Leak[] = [];
  for (const { name, pattern } of TOKEN_PATTERNS)
    for (const text of texts)
      if (pattern.test(text.text))
        leaks.push({ secret: name, form: 'plain', where: `${text.label} ${text.stream}` });
  return leaks;
}

/** Access and refresh tokens found in a token endpoint's JSON answer (as the proxy forwarded it). */
export function tokensIn(body: string): string[] {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    return ['access_token', 'refresh_token', 'id_token']
      .map((k) => parsed[k])
      .filter((v): v is string => typeof v === 'string');
  } catch {
    return [];
  }
}

/** At most `n` callers at once (CPU-bound runs on a 2-core machine); the rest wait their turn, in order. */
export function semaphore(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    // A finishing task hands its slot straight to the next in line.
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    else active += 1;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active -= 1;
    }
  };
}

/**
 * What is wrong with how a finished (not killed) run reports: an HTML page or a stack in the output, an API
 * failure called an internal error, an error over several lines, --json output that does not parse.
 */
export function outputProblems(run: CliRun): string[] {
  if (run.killedAt || run.hung) return [];
  const problems: string[] = [];
  const both = `${run.stdout}\n${run.stderr}`;
  if (/<(!doctype|html|head|body|title)\b/i.test(both)) problems.push('prints an HTML page');
  if (/^\s+at .+:\d+:\d+\)?$/m.test(both)) problems.push('prints a stack trace');
  let json: { ok?: boolean; error?: { code?: string; message?: string } } | undefined;
  try {
    json = JSON.parse(run.stdout);
  } catch {
    problems.push(`--json output does not parse: ${JSON.stringify(run.stdout.slice(0, 120))}`);
  }
  if (run.code === 0) {
    if (json && json.ok !== true) problems.push('exit 0 but --json says ok: false');
    return problems;
  }
  // Lines that say something (progress and waiting lines are indented): an error is one line.
  const lines = run.stderr.split('\n').filter((l) => l.trim() && !/^\s/.test(l));
  const first = lines[0] ?? '';
  if (lines.length !== 1)
    problems.push(
      `the error takes ${lines.length} lines on stderr, not 1: ${JSON.stringify(run.stderr.slice(0, 200))}`,
    );
  // The product's internal-error line ("error: unexpected error while …, … report it"); not an API's own
  // message quoted in a product error (Notion's 500 says "Unexpected error occurred.").
  if (json?.error?.code === 'INTERNAL' || /^error: unexpected error|report it/im.test(run.stderr))
    problems.push(
      `an API failure reported as an internal error (${json?.error?.code}): ${first.slice(0, 200)}`,
    );
  if (/Cannot (create|read) propert|is not a function|undefined \(reading/.test(run.stderr))
    problems.push(`a JavaScript error reaches the user: ${first.slice(0, 200)}`);
  return problems;
}
