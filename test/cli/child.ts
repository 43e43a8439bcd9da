// Runs the built CLI as a person's shell does: a child process with pipes (or a pseudo-terminal), its own
// environment, stdout that may be closed early, signals. Rebuilds dist/ first when src/ is newer.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PACKAGE_ROOT } from '../../src/platform/paths.js';
import { tempDir } from '../helpers.js';

export const MAIN = join(PACKAGE_ROOT, 'dist', 'src', 'cli', 'main.js');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** dist/ as `npm run build` leaves it: rebuilt (once, under a lock shared by the test files) when src/ is newer. */
export function ensureBuilt(): void {
  const lock = join(PACKAGE_ROOT, 'dist', '.test-build-lock');
  const stale = () => !existsSync(MAIN) || statSync(MAIN).mtimeMs < newest(join(PACKAGE_ROOT, 'src'));
  const deadline = Date.now() + 180_000;
  while (stale()) {
    try {
      mkdirSync(join(PACKAGE_ROOT, 'dist'), { recursive: true });
      mkdirSync(lock);
    } catch {
      if (Date.now() > deadline) throw new Error('dist/ is stale and another build did not finish');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
      continue;
    }
    try {
      if (stale()) {
        try {
          execFileSync(
            process.execPath,
            [join(PACKAGE_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
            { cwd: PACKAGE_ROOT, stdio: 'pipe' },
          );
        } catch (error) {
          // tsc still emits on type errors (someone else's file in progress); only a missing build is fatal.
          if (stale()) throw error;
        }
      }
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/** A clean environment: no CI flag (it turns prompts off), credentials in a folder of the test's own. */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    LANG: 'C.UTF-8',
    HOME: tempDir('pn-home-'),
    PARTNERNOMICS_HOME: tempDir('pn-credentials-'),
    ...extra,
  };
}

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ChildOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  stdin?: string;
  /** Close our end of the stdout pipe after this many lines (0: before the child writes anything), like `| head -N`. */
  closeStdoutAfter?: number;
  /** Run as this user (tests run as root, which reads every file whatever its mode). */
  uid?: number;
  /** Called for each stderr line while the child runs (e.g. to kill it at a step). */
  onStderrLine?: (line: string, child: ChildProcess) => void;
}

export function runChild(args: readonly string[], options: ChildOptions): Promise<ChildRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      cwd: options.cwd,
      env: options.env ?? childEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.uid !== undefined ? { uid: options.uid, gid: options.uid } : {}),
    });
    let stdout = '';
    let stderr = '';
    let pending = '';
    const close = options.closeStdoutAfter;
    if (close === 0) child.stdout.destroy();
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (close !== undefined && stdout.split('\n').length - 1 >= close) {
        stdout = stdout.split('\n').slice(0, close).join('\n');
        child.stdout.destroy();
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) options.onStderrLine?.(line, child);
    });
    child.on('error', reject);
    child.stdin.on('error', () => {});
    child.stdin.end(options.stdin ?? '');
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
}

/** Every file under `dir` (relative path -> sha256 of its bytes), folders as `path/`; null when there is no `dir`. */
export function snapshot(dir: string): Record<string, string> | null {
  if (!existsSync(dir)) return null;
  const out: Record<string, string> = {};
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      const rel = relative(dir, path);
      if (entry.isDirectory()) {
        out[`${rel}/`] = 'dir';
        walk(path);
      } else out[rel] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

/** uid 65534 (nobody) when this process is root and nobody can run the built CLI here; null otherwise. */
export function unprivilegedUid(): number | null {
  if (process.getuid?.() !== 0) return null;
  const probe = spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(MAIN)})`], {
    uid: 65534,
    gid: 65534,
    cwd: '/',
    stdio: 'ignore',
  });
  return probe.status === 0 ? 65534 : null;
}

/** A stack trace line, which no error output may contain without --debug. */
export const STACK_LINE = /^\s+at .+[(:]\d+/m;
