// Ctrl-C at the `login` prompts on a real pseudo-terminal: the hidden Notion secret prompt and the `login google
// --no-browser` paste prompt end quietly with 130, and neither the credentials folder nor the cwd gets a file.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pty from '@lydell/node-pty';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { childEnv, ensureBuilt, MAIN, STACK_LINE } from './child.js';

beforeAll(() => ensureBuilt(), 200_000);

const ESC = '\u001b';
const ANSI = new RegExp(`${ESC}\\[[0-9;?]*[ -/]*[@-~]|${ESC}\\][^\\u0007]*\\u0007|${ESC}[()][A-Z0-9]`, 'g');
const CTRL_C = '\x03';

/** Runs the built CLI on a pseudo-terminal, waits for `prompt`, types `typed`, then Ctrl-C; returns what it showed. */
async function interrupt(
  args: string[],
  prompt: string,
  typed: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<{ exitCode: number; screen: string }> {
  const term = pty.spawn(process.execPath, [MAIN, ...args], {
    name: 'xterm-256color',
    cols: 120,
    rows: 40,
    cwd,
    env: env as Record<string, string>,
  });
  let raw = '';
  term.onData((data) => {
    raw += data;
  });
  const exited = new Promise<{ exitCode: number }>((resolve) => term.onExit(resolve));
  const screen = () => raw.replace(ANSI, '');
  const deadline = Date.now() + 20_000;
  while (!screen().includes(prompt)) {
    if (Date.now() > deadline) throw new Error(`no prompt "${prompt}"; screen:\n${screen()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  term.write(typed);
  await new Promise((resolve) => setTimeout(resolve, 200));
  term.write(CTRL_C);
  const { exitCode } = await exited;
  return { exitCode, screen: screen() };
}

function expectQuiet(screen: string): void {
  expect(screen).not.toMatch(/unexpected error|report it|force closed|error:/i);
  expect(screen).not.toMatch(STACK_LINE);
}

describe('Ctrl-C at a login prompt', () => {
  it('at the hidden Notion secret prompt, half typed: 130, nothing written, the typed text not shown', async () => {
    const cwd = tempDir();
    const env = childEnv({ TERM: 'xterm-256color' });
    // NOTION_TOKEN unset and a terminal: login asks for the secret.
    const { exitCode, screen } = await interrupt(
      ['login', 'notion'],
      'Notion internal integration secret',
      'ntn_half_typed_secret',
      env,
      cwd,
    );
    expect(exitCode).toBe(130);
    expectQuiet(screen);
    expect(screen).not.toContain('ntn_half_typed_secret');
    expect(readdirSync(env.PARTNERNOMICS_HOME!)).toEqual([]);
    expect(readdirSync(cwd)).toEqual([]);
  }, 60_000);

  it('at the login google --no-browser paste prompt: 130, no credentials', async () => {
    const cwd = tempDir();
    const env = childEnv({ TERM: 'xterm-256color' });
    const client = join(tempDir(), 'client.json');
    writeFileSync(
      client,
      JSON.stringify({
        installed: { client_id: 'pty-test.apps.googleusercontent.com', client_secret: 'pty-secret' },
      }),
    );
    const { exitCode, screen } = await interrupt(
      ['login', 'google', '--client-file', client, '--no-browser'],
      'Address',
      'http://127.0.0.1:1/?co',
      env,
      cwd,
    );
    expect(exitCode).toBe(130);
    expect(screen).toContain('accounts.google.com'); // the consent link was shown first
    expectQuiet(screen);
    expect(readdirSync(env.PARTNERNOMICS_HOME!)).toEqual([]);
    expect(readdirSync(cwd)).toEqual([]);
  }, 60_000);
});
