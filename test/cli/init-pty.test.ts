// `init` and `fit` on a real pseudo-terminal, typed into as a person types: a wrong answer is refused at its
// prompt with the reason and asked again, earlier answers stay, and Ctrl-C ends quietly with 130, writing nothing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pty from '@lydell/node-pty';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfigYaml } from '../../src/config/load.js';
import { tempDir } from '../helpers.js';
import { childEnv, ensureBuilt, MAIN, STACK_LINE } from './child.js';

beforeAll(() => ensureBuilt(), 200_000);

const ESC = '\u001b';
const ANSI = new RegExp(`${ESC}\\[[0-9;?]*[ -/]*[@-~]|${ESC}\\][^\\u0007]*\\u0007|${ESC}[()][A-Z0-9]`, 'g');

/** The CLI on a pseudo-terminal: wait for text on the screen, type keys, read the exit code. */
class Terminal {
  private raw = '';
  private seen = 0;
  readonly exited: Promise<{ exitCode: number; signal?: number }>;
  private readonly term: pty.IPty;

  constructor(args: string[], cwd: string) {
    this.term = pty.spawn(process.execPath, [MAIN, ...args], {
      name: 'xterm-256color',
      cols: 120,
      rows: 40,
      cwd,
      env: childEnv({ TERM: 'xterm-256color' }) as Record<string, string>,
    });
    this.term.onData((data) => {
      this.raw += data;
    });
    this.exited = new Promise((resolve) => this.term.onExit(resolve));
  }

  /** Everything shown so far, without colours and cursor movements. */
  get screen(): string {
    return this.raw.replace(ANSI, '');
  }

  /** Waits until `text` appears after the last thing waited for; returns the screen from there. */
  async waitFor(text: string | RegExp, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.screen.slice(this.seen);
      const match = typeof text === 'string' ? rest.indexOf(text) : rest.search(text);
      if (match >= 0) {
        this.seen += match + 1;
        return rest.slice(match);
      }
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${text}; screen:\n${rest.slice(-800)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  type(keys: string): void {
    this.term.write(keys);
  }

  /** Answers the prompt whose message is `prompt` (after clearing what is typed there) with `answer` + Enter. */
  async answer(prompt: string, answer = ''): Promise<void> {
    await this.waitFor(prompt);
    this.type(`\x15${answer}\r`);
  }
}

const CTRL_C = '\x03';

describe('init on a terminal', () => {
  it('refuses a wrong answer at its prompt with the reason, asks again, and keeps every earlier answer', async () => {
    const cwd = tempDir();
    const t = new Terminal(['init'], cwd);
    await t.answer('Company name', 'Ridgeway Dispatch');
    await t.answer('Stage');
    await t.answer('ARR band');
    await t.answer('Business model');
    await t.answer('Partnership types');

    // 1. An impossible date: the schema's reason, the same prompt again with the typed value to fix.
    await t.answer('Program start date', '2027-02-30');
    const date = await t.waitFor('is not a real calendar date');
    expect(t.screen.slice(-400)).toMatch(/Program start date \(YYYY-MM-DD\) 2027-02-30\s*\n> is not a real/);
    expect(date).not.toContain('--start-date');
    t.type('\x152027-03-01\r');

    // 2. Not a number, then a deal size of 0 (the schema wants more than 0).
    await t.answer('Average deal size', 'abc');
    await t.waitFor('must be a number');
    t.type('\x150\r');
    await t.waitFor('must be more than 0');
    t.type('\x1560000\r');
    await t.answer('Sales cycle of a direct deal');
    await t.answer('partners signed by day 90', '4');

    // 3. A percentage over 100: the schema's own rule.
    await t.answer('partner share of new bookings', '140');
    const share = await t.waitFor('must be at most 100');
    expect(share).not.toContain('--partner-share');
    t.type('\x1512\r');

    // 4. A bad email.
    await t.answer('Who is your CRO?', 'Sam Lee <not-an-email>');
    await t.waitFor('must be an email address');
    t.type('\x15Sam Lee <sam@example.com>\r');
    await t.answer('Who is your Head of Partnerships?', 'Dana Ortiz <dana@example.com>');
    await t.answer('Who is your Partner Manager?');
    await t.answer('Who is your Sales Leader?');

    await t.waitFor('Wrote ');
    expect((await t.exited).exitCode).toBe(0);
    expect(t.screen).not.toContain('error:');
    const config = parseConfigYaml(readFileSync(join(cwd, 'partnernomics.config.yaml'), 'utf8'), 'x');
    expect(config.company.name).toBe('Ridgeway Dispatch');
    expect(config.program.start_date).toBe('2027-03-01');
    expect(config.targets).toEqual({
      partners_signed_by_day_90: 4,
      partner_share_of_bookings_pct: 12,
      by_type: {},
    });
    expect(config.company.average_deal_size).toBe(60_000);
    expect(config.company.sales_cycle_days).toBe(90);
    expect(config.team.find((m) => m.role === 'CRO')).toEqual({
      role: 'CRO',
      name: 'Sam Lee',
      email: 'sam@example.com',
    });
    expect(config.team.find((m) => m.role === 'Head of Partnerships')?.email).toBe('dana@example.com');
  }, 60_000);

  it('asks with the flags given as defaults, and a bad flag is refused before the first question', async () => {
    const cwd = tempDir();
    const bad = new Terminal(['init', '--partner-share', 'lots'], cwd);
    expect((await bad.exited).exitCode).toBe(2);
    expect(bad.screen).toContain('--partner-share: "lots" is not a number');
    expect(bad.screen).not.toContain('Company name');

    const t = new Terminal(['init', '--company', 'Acme', '--start-date', '2027-05-03'], cwd);
    await t.waitFor('Company name (Acme)');
    t.type('\r');
    for (const prompt of ['Stage', 'ARR band', 'Business model', 'Partnership types']) await t.answer(prompt);
    await t.waitFor('Program start date (YYYY-MM-DD) (2027-05-03)');
    t.type('\r');
    for (const prompt of [
      'Average deal size',
      'Sales cycle',
      'day 90',
      'bookings',
      'CRO',
      'Head of',
      'Partner Manager',
      'Sales Leader',
    ])
      await t.answer(prompt);
    expect((await t.exited).exitCode).toBe(0);
    const config = parseConfigYaml(readFileSync(join(cwd, 'partnernomics.config.yaml'), 'utf8'), 'x');
    expect(config.company.name).toBe('Acme');
    expect(config.program.start_date).toBe('2027-05-03');
  }, 60_000);

  it.each([
    ['the first prompt', 0],
    ['a select prompt', 1],
    ['a prompt after a refused answer', 5],
  ])(
    'Ctrl-C at %s exits 130 quietly and writes nothing',
    async (_label, answered) => {
      const cwd = tempDir();
      const t = new Terminal(['init'], cwd);
      const prompts = ['Company name', 'Stage', 'ARR band', 'Business model', 'Partnership types'];
      for (const prompt of prompts.slice(0, answered))
        await t.answer(prompt, prompt === 'Company name' ? 'Acme' : '');
      if (answered === 5) {
        await t.answer('Program start date', 'tomorrow');
        await t.waitFor('must be a date written YYYY-MM-DD');
      } else {
        await t.waitFor(prompts[answered]!);
      }
      t.type(CTRL_C);
      expect((await t.exited).exitCode).toBe(130);
      expect(t.screen).not.toMatch(/unexpected error|report it|force closed|error:/);
      expect(t.screen).not.toMatch(STACK_LINE);
      expect(readdirSync(cwd)).toEqual([]);
    },
    60_000,
  );
});

describe('fit on a terminal', () => {
  it('Ctrl-C at a question exits 130 quietly and writes nothing', async () => {
    const cwd = tempDir();
    const [first, second] = loadBlueprint().fit.questions;
    const t = new Terminal(['fit', '--save'], cwd);
    await t.answer(first!.text);
    await t.waitFor(second!.text);
    t.type(CTRL_C);
    expect((await t.exited).exitCode).toBe(130);
    expect(t.screen).not.toMatch(/unexpected error|report it|error:/);
    expect(existsSync(join(cwd, 'partnernomics.config.yaml'))).toBe(false);
  }, 60_000);
});
