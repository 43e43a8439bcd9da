// `npm run fakes` as a person uses it: start it, copy what it prints into a shell, and the built CLI works against
// both fakes — doctor with the printed exports, and `login google --no-browser` with the printed redirect address.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/platform/paths.js';
import { childEnv, ensureBuilt, runChild, STACK_LINE } from '../cli/child.js';
import { tempDir } from '../helpers.js';

const TSX = join(PACKAGE_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

let serve: ChildProcess;
let printed = '';
let exited: Promise<number | null>;

/** `KEY=value` pairs of every `export …` line, as a shell would set them. */
function exportsIn(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*export (.+)$/.exec(line);
    if (!match) continue;
    for (const pair of match[1]!.trim().split(/\s+/)) {
      const at = pair.indexOf('=');
      env[pair.slice(0, at)] = pair.slice(at + 1);
    }
  }
  return env;
}

/** The arguments after `npx partnernomics` on the printed line that starts with `prefix`. */
function commandAfter(text: string, pattern: RegExp): string[] {
  const line = text.split('\n').find((l) => pattern.test(l));
  expect(line, `a printed line matching ${pattern}`).toBeDefined();
  return line!
    .replace(/^.*npx partnernomics /, '')
    .trim()
    .split(/\s+/);
}

beforeAll(async () => {
  ensureBuilt();
  // What `npm run fakes` runs (tsx test/fakes/serve.ts), on free ports.
  serve = spawn(process.execPath, [TSX, 'test/fakes/serve.ts', '--notion-port', '0', '--google-port', '0'], {
    cwd: PACKAGE_ROOT,
    env: { PATH: process.env.PATH, LANG: 'C.UTF-8' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  serve.stdout!.on('data', (chunk: Buffer) => {
    printed += chunk.toString();
  });
  serve.stderr!.on('data', (chunk: Buffer) => {
    printed += chunk.toString();
  });
  exited = new Promise((resolve) => serve.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (!printed.includes('Ctrl+C stops.')) {
    if (Date.now() > deadline || serve.exitCode !== null)
      throw new Error(`npm run fakes did not start:\n${printed}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}, 200_000);

afterAll(async () => {
  if (serve.exitCode === null) {
    serve.kill('SIGINT');
    await exited;
  }
});

describe('npm run fakes', () => {
  it('prints the exports for both fakes, and doctor passes with them as printed', async () => {
    const exported = exportsIn(printed);
    expect(Object.keys(exported).sort()).toEqual([
      'GOOGLE_OAUTH_CLIENT_ID',
      'GOOGLE_OAUTH_CLIENT_SECRET',
      'GOOGLE_REFRESH_TOKEN',
      'NOTION_TOKEN',
      'PARTNERNOMICS_GOOGLE_TOKEN_URL',
      'PARTNERNOMICS_GOOGLE_URL',
      'PARTNERNOMICS_NOTION_URL',
    ]);
    const doctor = commandAfter(printed, /npx partnernomics doctor --root /);
    const run = await runChild(doctor, { cwd: tempDir(), env: childEnv(exported) });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('✓ Notion token: valid (NOTION_TOKEN)');
    expect(run.stdout).toContain('✓ Root page shared');
    expect(run.stdout).toContain('✓ Google login: valid (environment)');
    expect(run.stdout).toContain('✓ Apps Script API');
  }, 120_000);

  it('prints a redirect address the fake accepts, so login google --no-browser completes and doctor sees it', async () => {
    const { GOOGLE_OAUTH_CLIENT_ID, GOOGLE_OAUTH_CLIENT_SECRET, GOOGLE_REFRESH_TOKEN, ...exported } =
      exportsIn(printed);
    expect(GOOGLE_OAUTH_CLIENT_ID && GOOGLE_OAUTH_CLIENT_SECRET && GOOGLE_REFRESH_TOKEN).toBeTruthy();
    // The printed line: echo '<address>' | npx partnernomics login google --client-file <file> --no-browser
    const line = printed.split('\n').find((l) => /\| npx partnernomics login google /.test(l));
    expect(line, printed).toBeDefined();
    const address = /echo '([^']+)'/.exec(line!)?.[1];
    expect(address).toMatch(/^http:\/\/127\.0\.0\.1:1\/\?code=/);
    const args = commandAfter(printed, /\| npx partnernomics login google /);
    expect(args.slice(0, 2)).toEqual(['login', 'google']);
    expect(existsSync(args[args.indexOf('--client-file') + 1]!)).toBe(true);

    const env = childEnv(exported);
    const login = await runChild(args, { cwd: tempDir(), env, stdin: `${address}\n` });
    expect(login.code, login.stdout + login.stderr).toBe(0);
    expect(login.stdout).toContain('Logged in to Google (drive.file and script.projects)');
    expect(login.stderr).not.toMatch(STACK_LINE);
    expect(existsSync(join(env.PARTNERNOMICS_HOME!, 'credentials.json'))).toBe(true);

    // The stored login (no GOOGLE_OAUTH_… variables) is the one doctor now checks, against the fake.
    const doctor = await runChild(['doctor'], { cwd: tempDir(), env });
    expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0);
    expect(doctor.stdout).toContain(
      '✓ Google login: valid (credentials file); scopes drive.file and script.projects',
    );

    // The code works once, as a real one does: the same address again is refused in one line.
    const again = await runChild(args, { cwd: tempDir(), env: childEnv(exported), stdin: `${address}\n` });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error: Google refused the authorization code — /);
  }, 120_000);

  it('stops on Ctrl+C, saying how many requests it served', async () => {
    serve.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(printed).toMatch(/Served \d+ Notion and \d+ Google requests\./);
  }, 30_000);
});
