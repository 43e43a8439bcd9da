// The README says what the CLI does: its exit-code table puts each failure where the CLI's exit code puts it, and
// "What exists today" names as existing exactly the commands that exist, and as not built those that are not.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProgram } from '../../src/cli/program.js';
import { PACKAGE_ROOT } from '../../src/platform/paths.js';
import { cli, tempDir } from '../helpers.js';

const README = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
const flat = (text: string) => text.replace(/\s+/g, ' ');

/** The README's description of each exit code, from "exits `0` (done), `1` (…), `2` (…) or `130` (…)". */
function exitCodeTable(): Map<number, string> {
  const sentence = /exits `0` \((.+?)\), `1` \((.+?)\), `2` \((.+?)\) or `130` \((.+?)\)\./.exec(
    flat(README),
  );
  expect(sentence, 'the README states the exit codes').not.toBeNull();
  return new Map([
    [0, sentence![1]!],
    [1, sentence![2]!],
    [2, sentence![3]!],
    [130, sentence![4]!],
  ]);
}

const ROOT_ID = '1429989fe8ac4effbc8f57f56486db54';

/** A credentials folder holding `credentials.json` as `make` leaves it. */
function home(make: (path: string) => void): string {
  const dir = tempDir();
  make(join(dir, 'credentials.json'));
  return dir;
}

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

interface Case {
  name: string;
  /** Words of the README's exit-code description that cover this failure. */
  phrase: string;
  run: () => Promise<{ code: number; stderr: string }>;
}

const notionPlan = (env: NodeJS.ProcessEnv) =>
  cli(['plan', '--target', 'notion', '--root', ROOT_ID], { env });

const cases: Case[] = [
  {
    name: 'the credentials file is a folder',
    phrase: 'a credentials file that is damaged, a folder or readable by other users',
    run: () => notionPlan({ PARTNERNOMICS_HOME: home((p) => mkdirSync(p)) }),
  },
  {
    name: 'the credentials file is readable by others',
    phrase: 'a credentials file that is damaged, a folder or readable by other users',
    run: () =>
      notionPlan({
        PARTNERNOMICS_HOME: home((p) => {
          writeFileSync(p, '{}');
          chmodSync(p, 0o644);
        }),
      }),
  },
  {
    name: 'the credentials file is damaged',
    phrase: 'a credentials file that is damaged',
    run: () =>
      notionPlan({ PARTNERNOMICS_HOME: home((p) => writeFileSync(p, '{ not json', { mode: 0o600 })) }),
  },
  {
    name: 'a damaged workspace state file',
    phrase: 'a damaged workspace state file',
    run: () => {
      const cwd = tempDir();
      mkdirSync(join(cwd, 'ws'));
      writeFileSync(join(cwd, 'ws', '.partnernomics-state.json'), '{ not json');
      return cli(['install', '--out', 'ws'], { cwd, env: { PARTNERNOMICS_HOME: tempDir() } });
    },
  },
  {
    name: 'Notion cannot be reached',
    phrase: 'the network',
    run: async () =>
      cli(['login', 'notion', '--token-stdin'], {
        env: {
          PARTNERNOMICS_HOME: tempDir(),
          PARTNERNOMICS_NOTION_URL: `http://127.0.0.1:${await closedPort()}`,
        },
        stdin: 'ntn_offline_test_token_0000000000000000000000',
      }),
  },
  {
    name: 'a doctor check fails',
    phrase: 'a `doctor` check',
    run: () => {
      const cwd = tempDir();
      writeFileSync(join(cwd, 'partnernomics.config.yaml'), 'compnay: { name: Acme }\n');
      return cli(['doctor'], { cwd, env: { PARTNERNOMICS_HOME: tempDir() } });
    },
  },
  {
    name: 'an unknown option',
    phrase: 'an option',
    run: () => cli(['plan', '--bogus'], { env: { PARTNERNOMICS_HOME: tempDir() } }),
  },
  {
    name: 'an invalid config',
    phrase: 'the config',
    run: () => {
      const cwd = tempDir();
      writeFileSync(join(cwd, 'partnernomics.config.yaml'), 'compnay: { name: Acme }\n');
      return cli(['plan'], { cwd, env: { PARTNERNOMICS_HOME: tempDir() } });
    },
  },
  {
    name: '--out is a file',
    phrase: 'a file or folder it cannot read or write',
    run: () => {
      const cwd = tempDir();
      writeFileSync(join(cwd, 'afile'), 'x\n');
      return cli(['install', '--out', 'afile'], { cwd, env: { PARTNERNOMICS_HOME: tempDir() } });
    },
  },
];

describe("the README's exit codes", () => {
  it.for(cases.map((c) => [c.name, c] as const))(
    '%s: exits with the code whose description covers it',
    async ([, c]) => {
      const table = exitCodeTable();
      const covering = [...table].filter(([, text]) => text.includes(c.phrase)).map(([code]) => code);
      expect(covering, `"${c.phrase}" in exactly one exit code's description`).toHaveLength(1);
      const run = await c.run();
      expect(run.code, run.stderr).toBe(covering[0]);
    },
  );
});

describe('"What exists today"', () => {
  const block = flat(
    /> \*\*What exists today\.\*\*([\s\S]*?)\n\n/
      .exec(README)![1]!
      .split('\n')
      .map((l) => l.replace(/^> ?/, ''))
      .join(' '),
  );
  const commands = makeProgram({
    stdout: () => {},
    stderr: () => {},
    interactive: false,
    env: {},
    cwd: tempDir(),
    readStdin: async () => '',
  }).commands.map((c) => c.name());

  it('names sync as a command that exists, never one that "comes next"', () => {
    expect(commands).toContain('sync');
    expect(block).toContain('`partnernomics sync` keeps Notion and the workbook aligned');
    expect(block).not.toMatch(/comes next|is designed|until then/i);
  });

  it('names each workflow command as existing, and lists as not built none of them', () => {
    const notBuilt = /Not built yet: (.*)$/.exec(block)?.[1] ?? '';
    for (const name of ['import candidates', 'launch', 'pbr new', 'report', 'status']) {
      expect(commands).toContain(name.split(' ')[0]);
      expect(block).toContain(`\`partnernomics ${name}`);
      expect(notBuilt).not.toContain(`partnernomics ${name}`);
    }
    // What is not built is said plainly: the workflows do not run inside the Apps Script sync.
    expect(notBuilt).toMatch(/Apps\s+Script sync/);
  });

  it("every command the CLI has is in the README's commands table", () => {
    for (const name of commands) expect(README, name).toContain(`| \`partnernomics ${name}`);
  });
});
