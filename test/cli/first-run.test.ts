// A new admin's first run, driven as a shell drives it: the built CLI as a child process, its output piped into
// a reader that stops early (`| head -1`), and killed at every step of putting a workspace in place.
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { siblingsOf } from '../../src/targets/local/install.js';
import { tempDir } from '../helpers.js';
import { childEnv, ensureBuilt, runChild, STACK_LINE, snapshot } from './child.js';

beforeAll(() => ensureBuilt(), 200_000);

const CONFIG_A = 'company: { name: Ridgeway Dispatch }\npartnership_types: [co-sell, referral]\n';
const CONFIG_B = 'company: { name: Harbor Freightworks }\npartnership_types: [co-sell, referral]\n';

/** A folder with a config and (optionally) a workspace installed from it, uninterrupted; returns its snapshot. */
async function installed(
  config: string,
  into = tempDir(),
): Promise<{ cwd: string; ws: Record<string, string> }> {
  writeFileSync(join(into, 'partnernomics.config.yaml'), config);
  const run = await runChild(['install', '--out', 'ws'], { cwd: into });
  expect(run.code, run.stderr).toBe(0);
  return { cwd: into, ws: snapshot(join(into, 'ws'))! };
}

function expectQuiet(stderr: string): void {
  expect(stderr).not.toMatch(STACK_LINE);
  expect(stderr).not.toContain('EPIPE');
  expect(stderr).not.toContain('unexpected error');
}

describe('stdout closed early (| head)', () => {
  let reference: Record<string, string>;
  beforeAll(async () => {
    reference = (await installed(CONFIG_A)).ws;
  });

  it('install | head -1 finishes the whole workspace, quietly, exit 0', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'partnernomics.config.yaml'), CONFIG_A);
    const run = await runChild(['install', '--out', 'ws'], { cwd, closeStdoutAfter: 1 });
    expect(run.stdout).toMatch(/^Target: local folder ws$/);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(snapshot(join(cwd, 'ws'))).toEqual(reference);
  });

  it('install with stdout closed before the first line (and --json) still writes every file', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'partnernomics.config.yaml'), CONFIG_A);
    const run = await runChild(['--json', 'install', '--out', 'ws'], { cwd, closeStdoutAfter: 0 });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(snapshot(join(cwd, 'ws'))).toEqual(reference);
  });

  it('plan | head -3 and plan | head -0 exit 0 without a stack', async () => {
    const { cwd } = await installed(CONFIG_A);
    for (const lines of [3, 0]) {
      const run = await runChild(['plan', '--out', 'ws'], { cwd, closeStdoutAfter: lines });
      expect(run.code).toBe(0);
      expectQuiet(run.stderr);
      expect(run.stdout.split('\n').filter(Boolean).length).toBeLessThanOrEqual(lines);
    }
  });

  it('fit --list | head and fit --answer … | head -1 exit 0 without a stack', async () => {
    const cwd = tempDir();
    for (const [args, lines] of [
      [['fit', '--list'], 10],
      [['fit', '--list'], 0],
      [['fit', '--answer', 'deal_size=from_5k_to_40k', '--answer', 'buying_journey=trusted_advisor'], 1],
    ] as const) {
      const run = await runChild(args, { cwd, closeStdoutAfter: lines });
      expect(run.code).toBe(0);
      expectQuiet(run.stderr);
    }
  });

  it('a failure with stdout closed still exits with its code and its one line on stderr', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'afile'), 'x');
    const run = await runChild(['--json', 'install', '--out', 'afile'], { cwd, closeStdoutAfter: 0 });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^error: .*afile exists and is not a folder/);
  });
});

describe('killed mid-install: the folder holds the old workspace or the new one, never a mix', () => {
  let oldWs: Record<string, string>;
  let newWs: Record<string, string>;
  let steps: string[];
  let template: string;

  beforeAll(async () => {
    const old = await installed(CONFIG_A);
    template = old.cwd;
    oldWs = old.ws;
    // The new workspace: the same folder, reinstalled uninterrupted from config B; its steps named on stderr.
    const cwd = tempDir();
    cpSync(template, cwd, { recursive: true });
    writeFileSync(join(cwd, 'partnernomics.config.yaml'), CONFIG_B);
    const run = await runChild(['install', '--out', 'ws'], {
      cwd,
      env: childEnv({ PARTNERNOMICS_TEST_STEPS: 'announce' }),
    });
    expect(run.code, run.stderr).toBe(0);
    steps = run.stderr
      .split('\n')
      .filter((l) => l.startsWith('step: '))
      .map((l) => l.slice(6));
    newWs = snapshot(join(cwd, 'ws'))!;
    expect(newWs).not.toEqual(oldWs);
  }, 120_000);

  it('names its steps: staging, each file, staged, old folder aside, swapped, cleaned', () => {
    expect(steps[0]).toBe('staging');
    expect(steps.filter((s) => s.startsWith('wrote ')).length).toBeGreaterThan(10);
    expect(steps.slice(-4)).toEqual(['staged', 'old-aside', 'swapped', 'cleaned']);
  });

  /** Copies the old workspace, starts the update to config B, SIGKILLs it when it reaches `step`. */
  async function killedAt(step: string): Promise<string> {
    const cwd = tempDir();
    cpSync(template, cwd, { recursive: true });
    writeFileSync(join(cwd, 'partnernomics.config.yaml'), CONFIG_B);
    const run = await runChild(['install', '--out', 'ws'], {
      cwd,
      env: childEnv({ PARTNERNOMICS_TEST_STEPS: step }),
      onStderrLine: (line, child) => {
        if (line === `step: ${step}`) child.kill('SIGKILL');
      },
    });
    expect(run.signal).toBe('SIGKILL');
    return cwd;
  }

  const points = () => {
    const wrote = steps.filter((s) => s.startsWith('wrote '));
    return [
      'staging',
      wrote[0]!,
      wrote[Math.floor(wrote.length / 2)]!,
      wrote[wrote.length - 1]!,
      'staged',
      'swapped',
      'cleaned',
    ];
  };

  it('at seven steps from staging to clean-up: exactly the old or exactly the new workspace', async () => {
    for (const [i, step] of points().entries()) {
      const cwd = await killedAt(step);
      const ws = snapshot(join(cwd, 'ws'));
      // Before the swap: the old workspace; from the swap on: the new one.
      expect(ws, `killed at ${step}`).toEqual(i < points().indexOf('swapped') ? oldWs : newWs);
      // The next run cleans up what the kill left and ends with the new workspace.
      const again = await runChild(['install', '--out', 'ws'], { cwd });
      expect(again.code, again.stderr).toBe(0);
      expect(snapshot(join(cwd, 'ws'))).toEqual(newWs);
      expect(readdirSync(cwd).sort()).toEqual(['partnernomics.config.yaml', 'ws']);
    }
  }, 240_000);

  it('between the two renames (old folder aside): the next plan finishes the swap before reading', async () => {
    const cwd = await killedAt('old-aside');
    expect(existsSync(join(cwd, 'ws'))).toBe(false);
    expect(existsSync(siblingsOf(join(cwd, 'ws')).previous)).toBe(true);
    const plan = await runChild(['--json', 'plan', '--out', 'ws'], { cwd });
    expect(plan.code, plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout).counts.create).toBe(0);
    expect(snapshot(join(cwd, 'ws'))).toEqual(newWs);
    expect(readdirSync(cwd).sort()).toEqual(['partnernomics.config.yaml', 'ws']);
  }, 60_000);

  it('a first install killed half-way leaves no folder at all, and the next one completes', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'partnernomics.config.yaml'), CONFIG_A);
    const run = await runChild(['install', '--out', 'ws'], {
      cwd,
      env: childEnv({ PARTNERNOMICS_TEST_STEPS: 'wrote notion-import.zip' }),
      onStderrLine: (line, child) => {
        if (line === 'step: wrote notion-import.zip') child.kill('SIGKILL');
      },
    });
    expect(run.signal).toBe('SIGKILL');
    expect(existsSync(join(cwd, 'ws'))).toBe(false);
    const again = await runChild(['install', '--out', 'ws'], { cwd });
    expect(again.code).toBe(0);
    expect(snapshot(join(cwd, 'ws'))).toEqual(oldWs);
  }, 60_000);

  it('Ctrl-C (SIGINT) during the staging cannot cut it: the swap (one synchronous step) completes first', async () => {
    const cwd = tempDir();
    cpSync(template, cwd, { recursive: true });
    writeFileSync(join(cwd, 'partnernomics.config.yaml'), CONFIG_B);
    const run = await runChild(['install', '--out', 'ws'], {
      cwd,
      env: childEnv({ PARTNERNOMICS_TEST_STEPS: 'announce' }),
      onStderrLine: (line, child) => {
        if (line === 'step: staging') child.kill('SIGINT');
      },
    });
    // The work was done: exit 0, or 130 when the signal is handled before the process ends.
    expect([0, 130]).toContain(run.code);
    expect(run.stderr).not.toMatch(STACK_LINE);
    expect(snapshot(join(cwd, 'ws'))).toEqual(newWs);
    expect(readdirSync(cwd).sort()).toEqual(['partnernomics.config.yaml', 'ws']);
  }, 60_000);

  it('an install into the folder you are in writes file by file and ends with the same workspace', async () => {
    const cwd = tempDir();
    cpSync(template, cwd, { recursive: true });
    writeFileSync(join(cwd, 'partnernomics.config.yaml'), CONFIG_B);
    const inside = join(cwd, 'ws');
    mkdirSync(join(inside, 'notes'));
    const run = await runChild(
      ['--json', '--config', '../partnernomics.config.yaml', 'install', '--out', '.'],
      {
        cwd: inside,
      },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).counts.update).toBeGreaterThan(0);
    const { 'notes/': notes, ...rest } = snapshot(inside)!;
    expect(notes).toBe('dir');
    expect(rest).toEqual(newWs);
  }, 60_000);
});
