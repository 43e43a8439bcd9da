// Every bad input a person can give — files, folders, flags, options, config values — run through the built CLI:
// one line on stderr naming the problem and the fix, the documented exit code, no stack, nothing written, and
// under --json one JSON object on stdout with the code and message.
//
// Unreadable files and read-only folders: the tests run as root, which reads and writes whatever the mode says, so
// those rows run the CLI as the unprivileged user `nobody` (uid 65534; skipped, and said so, where that user cannot
// run it). Run as another user they simply chmod.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers.js';
import { childEnv, ensureBuilt, runChild, STACK_LINE, snapshot, unprivilegedUid } from './child.js';

beforeAll(() => ensureBuilt(), 200_000);

const ROOT_ID = '1429989fe8ac4effbc8f57f56486db54';
const isRoot = process.getuid?.() === 0;
const nobody = unprivilegedUid();
const canDropPrivileges = !isRoot || nobody !== null;

interface Row {
  name: string;
  args: string[];
  code: 1 | 2;
  /** The stable error code under --json. */
  error: string;
  message: RegExp;
  setup?: (dir: string, home: string) => void | Promise<void>;
  stdin?: string;
  /** Needs a file or folder this process cannot read or write: run as `nobody` when root. */
  unprivileged?: true;
  /** Extra environment (the network rows point the CLI at an address nothing answers on). */
  env?: Record<string, string>;
}

/** A loopback port that was just listening and no longer is: connection refused. */
const closedPort = await new Promise<number>((resolve) => {
  const probe = createServer();
  probe.listen(0, '127.0.0.1', () => {
    const { port } = probe.address() as AddressInfo;
    probe.close(() => resolve(port));
  });
});
const OFFLINE_NOTION = {
  NOTION_TOKEN: 'ntn_offline_test_token_0000000000000000000000',
  PARTNERNOMICS_NOTION_URL: `http://127.0.0.1:${closedPort}`,
};
/** A Notion that accepts any token (GET /v1/users/me), for rows whose failure comes after the token check. */
const acceptingNotion = await new Promise<string>((resolve) => {
  const me = {
    object: 'user',
    id: '6a1b2c3d-0000-4000-8000-000000000001',
    type: 'bot',
    name: 'Partnernomics',
    avatar_url: null,
    bot: { owner: { type: 'workspace', workspace: true }, workspace_name: 'Ridgeway Dispatch' },
  };
  const server = createServer((req, res) => {
    const found = req.url === '/v1/users/me';
    res.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(found ? me : { object: 'error', status: 404, code: 'object_not_found', message: '' }),
    );
  });
  server.listen(0, '127.0.0.1', () => {
    server.unref();
    resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
});

const file = (dir: string, name: string, text = 'x\n') => writeFileSync(join(dir, name), text);
const folder = (dir: string, name: string) => mkdirSync(join(dir, name), { recursive: true });
/** Read-only for the CLI: root's own 0755 folder is that for `nobody`; 0555 makes it so for anyone else. */
const readOnly = (path: string) => chmodSync(path, 0o555);

const rows: Row[] = [
  // Files and folders
  {
    name: '--config is a folder (EISDIR)',
    args: ['install', '--config', 'cfg', '--out', 'ws'],
    code: 2,
    error: 'INPUT_INVALID',
    message: /cannot read config file .*cfg: it is a folder, not a file — pass the config file itself/,
    setup: (d) => folder(d, 'cfg'),
  },
  {
    name: '--config runs through a file (ENOTDIR)',
    args: ['plan', '--config', 'afile/partnernomics.config.yaml'],
    code: 2,
    error: 'INPUT_INVALID',
    message: /cannot read config file .*afile\/partnernomics\.config\.yaml: part of the path is a file/,
    setup: (d) => file(d, 'afile'),
  },
  {
    name: '--config without read permission (EACCES)',
    args: ['install', '--config', 'secret.yaml', '--out', 'ws'],
    code: 2,
    error: 'INPUT_INVALID',
    message: /cannot read config file .*secret\.yaml: permission denied — make it readable/,
    setup: (d) => {
      file(d, 'secret.yaml', 'company: { name: Acme }\n');
      chmodSync(join(d, 'secret.yaml'), 0o000);
    },
    unprivileged: true,
  },
  {
    name: '--config that does not exist',
    args: ['plan', '--config', 'missing.yaml'],
    code: 2,
    error: 'CONFIG_NOT_FOUND',
    message: /config file not found: .*missing\.yaml — check the --config path/,
  },
  {
    name: './partnernomics.config.yaml is a folder',
    args: ['plan'],
    code: 2,
    error: 'INPUT_INVALID',
    message: /cannot read config file .*partnernomics\.config\.yaml: it is a folder/,
    setup: (d) => folder(d, 'partnernomics.config.yaml'),
  },
  {
    name: '--out is a file',
    args: ['install', '--out', 'afile'],
    code: 2,
    error: 'INPUT_INVALID',
    message: /afile exists and is not a folder — choose another folder with --out DIR/,
    setup: (d) => file(d, 'afile'),
  },
  {
    name: '--out runs through a file (ENOTDIR)',
    args: ['install', '--out', 'afile/ws'],
    code: 2,
    error: 'INPUT_INVALID',
    message: /afile\/ws cannot be a folder: .*afile is a file — choose another folder/,
    setup: (d) => file(d, 'afile'),
  },
  {
    name: '--out in a read-only folder (EACCES)',
    args: ['install', '--out', 'ro/ws'],
    code: 2,
    error: 'INPUT_INVALID',
    message: /cannot write folder .*ro\/ws: .*ro: permission denied — choose another folder with --out DIR/,
    setup: (d) => {
      folder(d, 'ro');
      readOnly(join(d, 'ro'));
    },
    unprivileged: true,
  },
  {
    name: '--out an existing folder you cannot write',
    args: ['install', '--out', 'ws'],
    code: 2,
    error: 'INPUT_INVALID',
    message: /cannot write folder .*ws: permission denied/,
    setup: (d) => {
      folder(d, 'ws');
      readOnly(join(d, 'ws'));
    },
    unprivileged: true,
  },
  {
    name: 'a workspace file you cannot read',
    args: ['plan', '--out', 'ws'],
    code: 2,
    error: 'INPUT_INVALID',
    message: /cannot read .*Partnernomics\.xlsx: permission denied — make it readable/,
    setup: async (d) => {
      expect((await cli(['install', '--out', 'ws'], { cwd: d })).code).toBe(0);
      chmodSync(join(d, 'ws', 'Partnernomics.xlsx'), 0o000);
    },
    unprivileged: true,
  },
  {
    name: 'a damaged workspace state file',
    args: ['install', '--out', 'ws'],
    code: 1,
    error: 'OUTPUT_CONFLICT',
    message: /\.partnernomics-state\.json is damaged/,
    setup: (d) => {
      folder(d, 'ws');
      file(d, 'ws/.partnernomics-state.json', '{ not json');
    },
  },
  {
    name: 'init --config is a folder',
    args: ['init', '--yes', '--config', 'cfg'],
    code: 2,
    error: 'INPUT_INVALID',
    message: /cannot write config file .*cfg: it is a folder, not a file/,
    setup: (d) => folder(d, 'cfg'),
  },
  {
    name: 'init in a read-only folder',
    args: ['init', '--yes'],
    code: 2,
    error: 'INPUT_INVALID',
    message:
      /cannot write config file .*\/partnernomics\.config\.yaml: .*: permission denied — pass another file/,
    setup: (d) => readOnly(d),
    unprivileged: true,
  },
  {
    name: 'init --config runs through a file',
    args: ['init', '--yes', '--config', 'afile/x.yaml'],
    code: 2,
    error: 'INPUT_INVALID',
    message: /cannot write config file .*afile\/x\.yaml: .*afile is a file/,
    setup: (d) => file(d, 'afile'),
  },
  {
    name: 'init when the config file exists',
    args: ['init', '--yes'],
    code: 2,
    error: 'CONFIG_EXISTS',
    message: /partnernomics\.config\.yaml already exists — edit it, or run init again with --force/,
    setup: (d) => file(d, 'partnernomics.config.yaml', 'company: { name: Mine }\n'),
  },
  {
    name: 'fit --save with --config a folder',
    args: ['fit', '--save', '--config', 'cfg', '--answer', 'deal_size=from_5k_to_40k'],
    code: 2,
    error: 'INPUT_INVALID',
    message: /cannot write config file .*cfg: it is a folder/,
    setup: (d) => folder(d, 'cfg'),
  },
  {
    name: 'fit --save into a config that is already invalid',
    args: ['fit', '--save', '--answer', 'deal_size=from_5k_to_40k'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /partner_share_of_bookings_pct: must be at most 100/,
    setup: (d) => file(d, 'partnernomics.config.yaml', 'targets: { partner_share_of_bookings_pct: 140 }\n'),
  },
  {
    name: 'the credentials file is a folder',
    args: ['plan', '--target', 'notion', '--root', ROOT_ID],
    code: 1,
    error: 'CREDENTIALS_INVALID',
    message: /credentials\.json is a folder, not the credentials file/,
    setup: (_d, home) => folder(home, 'credentials.json'),
  },
  {
    name: 'the credentials file is readable by others',
    args: ['plan', '--target', 'notion', '--root', ROOT_ID],
    code: 1,
    error: 'CREDENTIALS_INSECURE',
    message: /credentials\.json can be read by other users .* run `chmod 600/,
    setup: (_d, home) => {
      file(home, 'credentials.json', '{}');
      chmodSync(join(home, 'credentials.json'), 0o644);
    },
  },
  {
    name: 'login notion when the credentials folder cannot be written',
    args: ['login', 'notion', '--token-stdin'],
    code: 2,
    error: 'INPUT_INVALID',
    message:
      /cannot write credentials file .*credentials\.json: permission denied — set PARTNERNOMICS_HOME to a folder you can write to/,
    stdin: 'ntn_accepted_test_token_000000000000000000000',
    env: { PARTNERNOMICS_NOTION_URL: acceptingNotion },
    setup: (_d, home) => readOnly(home),
    unprivileged: true,
  },
  {
    name: 'login google --client-file is a folder',
    args: ['login', 'google', '--client-file', 'cfg', '--no-browser'],
    code: 2,
    error: 'INPUT_INVALID',
    message: /cfg is not a readable JSON file — download the OAuth client/,
    setup: (d) => folder(d, 'cfg'),
  },
  // Flags and options
  {
    name: 'install --types (an init option)',
    args: ['install', '--types', 'co-sell'],
    code: 2,
    error: 'USAGE',
    message:
      /unknown option --types for partnernomics install \(--types belongs to `partnernomics init`\) — partnernomics install takes --target, --out, --root, --force, --yes/,
  },
  {
    name: 'a misspelt option',
    args: ['install', '--forse'],
    code: 2,
    error: 'USAGE',
    message: /unknown option --forse for partnernomics install \(did you mean --force\?\)/,
  },
  {
    name: 'an unknown command',
    args: ['instal'],
    code: 2,
    error: 'USAGE',
    message: /unknown command 'instal' \(did you mean install\?\) — the commands are init, plan, install/,
  },
  {
    name: 'an option without its value',
    args: ['install', '--out'],
    code: 2,
    error: 'USAGE',
    message: /--out needs a value: --out <dir>/,
  },
  {
    name: 'an argument where none is taken',
    args: ['install', 'ws'],
    code: 2,
    error: 'USAGE',
    message: /partnernomics install takes no arguments, got: ws — options start with --/,
  },
  {
    name: 'an unknown --target',
    args: ['install', '--target', 'excel'],
    code: 2,
    error: 'USAGE',
    message: /--target must be one of: local, notion, sheets, all/,
  },
  {
    name: '--target notion without --root',
    args: ['install', '--target', 'notion'],
    code: 2,
    error: 'USAGE',
    message: /--target notion needs --root/,
  },
  {
    name: '--root that is not a Notion page',
    args: ['plan', '--target', 'notion', '--root', 'not-a-page'],
    code: 2,
    error: 'USAGE',
    message: /--root "not-a-page" is not a Notion page link or ID/,
  },
  {
    name: 'selftest without --target',
    args: ['selftest'],
    code: 2,
    error: 'USAGE',
    message: /required option '--target <target>' not specified/,
  },
  {
    name: 'doctor with an unknown option',
    args: ['doctor', '--fix'],
    code: 2,
    error: 'USAGE',
    message: /unknown option --fix for partnernomics doctor — partnernomics doctor takes --root/,
  },
  {
    name: 'fit --answer that is not question=option',
    args: ['fit', '--answer', 'deal size big'],
    code: 2,
    error: 'USAGE',
    message: /--answer "deal size big" is not question=option/,
  },
  {
    name: 'fit --answer to a question that does not exist',
    args: ['fit', '--answer', 'dealsize=under_5k'],
    code: 2,
    error: 'USAGE',
    message: /there is no question "dealsize" — the questions are /,
  },
  {
    name: 'fit --answer with an option that does not exist',
    args: ['fit', '--answer', 'deal_size=gigantic'],
    code: 2,
    error: 'USAGE',
    message: /answer "gigantic" to "deal_size" is not an option/,
  },
  {
    name: 'fit without a terminal or answers',
    args: ['fit'],
    code: 2,
    error: 'USAGE',
    message: /fit needs a terminal to ask its questions — pass answers with --answer/,
  },
  {
    name: 'init without a terminal or --yes',
    args: ['init'],
    code: 2,
    error: 'USAGE',
    message: /init needs a terminal to ask its questions — pass --yes with flags/,
  },
  {
    name: 'login notion with an empty token on stdin',
    args: ['login', 'notion', '--token-stdin'],
    stdin: '\n',
    code: 2,
    error: 'INPUT_INVALID',
    message: /that is not a Notion token \(it is empty or contains spaces\)/,
  },
  // Config values, from flags and from the file
  {
    name: 'init --partner-share that is not a number',
    args: ['init', '--yes', '--partner-share', 'abc'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /--partner-share: "abc" is not a number — pass a number/,
  },
  {
    name: 'init --start-date that is not a calendar date',
    args: ['init', '--yes', '--start-date', '2027-02-30'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /program\.start_date: is not a real calendar date/,
  },
  {
    name: 'init --person with a bad email',
    args: ['init', '--yes', '--person', 'CRO=Sam Lee <not-an-email>'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /team\.0\.email: must be an email address/,
  },
  {
    name: 'init --types with an unknown type',
    args: ['init', '--yes', '--types', 'referral,telepathy'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /partnership_types\.1: "telepathy" is not a partnership type/,
  },
  {
    name: 'a config with an unknown field',
    args: ['install', '--out', 'ws'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /partnernomics\.config\.yaml: \(top level\): unknown field "compnay"/,
    setup: (d) => file(d, 'partnernomics.config.yaml', 'compnay: { name: Acme }\n'),
  },
  {
    name: 'a config that is not valid YAML',
    args: ['install', '--out', 'ws'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /partnernomics\.config\.yaml line \d+: not valid YAML \(.*\) — fix the YAML syntax/,
    setup: (d) => file(d, 'partnernomics.config.yaml', 'company: { name: "Acme"\n'),
  },
  {
    name: 'a config with an unknown time zone',
    args: ['plan'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /program\.time_zone: "Mars\/Olympus" is not a time zone/,
    setup: (d) => file(d, 'partnernomics.config.yaml', 'program: { time_zone: Mars/Olympus }\n'),
  },
  {
    name: 'a config with a negative target',
    args: ['install', '--out', 'ws'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /targets\.monthly_referrals_per_partner: must be 0 or more/,
    setup: (d) => file(d, 'partnernomics.config.yaml', 'targets: { monthly_referrals_per_partner: -4 }\n'),
  },
  // The network: said at once, in one line, never as a server error or a bug.
  {
    name: 'install --target notion with Notion refusing connections',
    args: ['install', '--target', 'notion', '--root', ROOT_ID],
    code: 1,
    error: 'UNREACHABLE',
    message: /cannot reach Notion \(ECONNREFUSED\) while checking the token — check the network/,
    env: OFFLINE_NOTION,
  },
  {
    name: 'login notion while Notion cannot be reached',
    args: ['login', 'notion', '--token-stdin'],
    code: 1,
    error: 'UNREACHABLE',
    message: /cannot reach Notion \(ECONNREFUSED\)/,
    stdin: 'ntn_offline_test_token_0000000000000000000000',
    env: { PARTNERNOMICS_NOTION_URL: OFFLINE_NOTION.PARTNERNOMICS_NOTION_URL },
  },
  {
    name: 'plan --target notion with a host name that does not resolve',
    args: ['plan', '--target', 'notion', '--root', ROOT_ID],
    code: 1,
    error: 'UNREACHABLE',
    message: /cannot reach Notion \((ENOTFOUND|EAI_AGAIN)\)/,
    env: { ...OFFLINE_NOTION, PARTNERNOMICS_NOTION_URL: 'http://partnernomics-offline.invalid' },
  },
  {
    name: 'install --target sheets with Google refusing connections',
    args: ['install', '--target', 'sheets'],
    code: 1,
    error: 'UNREACHABLE',
    message: /cannot reach Google \(ECONNREFUSED\) while refreshing the login/,
    env: {
      GOOGLE_OAUTH_CLIENT_ID: 'offline-test.apps.googleusercontent.com',
      GOOGLE_OAUTH_CLIENT_SECRET: 'offline-test-secret',
      GOOGLE_REFRESH_TOKEN: 'offline-test-refresh-token',
      PARTNERNOMICS_GOOGLE_URL: `http://127.0.0.1:${closedPort}/`,
      PARTNERNOMICS_GOOGLE_TOKEN_URL: `http://127.0.0.1:${closedPort}/token`,
    },
  },
];

describe('bad input: one line, the documented exit code, no stack, nothing written, JSON under --json', () => {
  it('covers at least 25 inputs', () => {
    expect(rows.length).toBeGreaterThanOrEqual(25);
  });

  // Rows are independent (each its own folders): run a few at once.
  it.concurrent.for(rows.map((row) => [row.name, row] as const))('%s', async ([, row], { expect }) => {
    if (row.unprivileged && !canDropPrivileges) {
      console.warn(
        `skipped "${row.name}": running as root and the user nobody cannot run the built CLI here`,
      );
      return;
    }
    for (const json of [false, true]) {
      const cwd = tempDir();
      const env = { ...childEnv(), ...row.env };
      chmodSync(cwd, 0o755);
      await row.setup?.(cwd, env.PARTNERNOMICS_HOME!);
      const before = { cwd: snapshot(cwd), home: snapshot(env.PARTNERNOMICS_HOME!) };
      const run = await runChild(json ? ['--json', ...row.args] : row.args, {
        cwd,
        env,
        stdin: row.stdin,
        uid: row.unprivileged && isRoot ? nobody! : undefined,
      });
      const lines = run.stderr.split('\n').filter(Boolean);
      expect(lines, run.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^error: /);
      expect(lines[0]).toMatch(row.message);
      expect(lines[0]).toContain(' — '); // the fix
      expect(run.stderr).not.toMatch(STACK_LINE);
      expect(run.stdout).not.toMatch(STACK_LINE);
      expect(run.code).toBe(row.code);
      expect({ cwd: snapshot(cwd), home: snapshot(env.PARTNERNOMICS_HOME!) }).toEqual(before);
      if (json) {
        const parsed = JSON.parse(run.stdout);
        expect(parsed).toMatchObject({ ok: false, error: { code: row.error } });
        expect(`${parsed.error.message} — ${parsed.error.hint}`).toMatch(row.message);
      }
    }
  });
});
