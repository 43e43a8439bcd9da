// A table of bad inputs for every command — flags, config files, CSVs, files and folders, and answers from the Notion and Google fakes — run through the built CLI: one stderr line with the fix, the documented exit code, no stack, nothing written (folders and fakes compared before/after), one JSON object under --json.
//
// Unreadable files and read-only folders: the tests run as root, which reads and writes whatever the mode says, so
// those rows run the CLI as the unprivileged user `nobody` (uid 65534; skipped, and said so, where that user cannot
// run it). Run as another user they simply chmod.
//
// Rows marked `world` run against one installed Notion + Google workspace on the in-process fakes (install
// --target all, then one sync): each mutates it (a page unshared or trashed, a tab deleted, a rejected token, a
// malformed answer), runs, checks that neither fake changed and that no write reached them, then restores it. Those
// rows take turns; the others run a few at once.
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { readRegistry } from '../../src/sync/notion-side.js';
import { NotionApi } from '../../src/targets/notion/api.js';
import type { Registry } from '../../src/targets/notion/registry.js';
import { METADATA_COLUMN } from '../../src/targets/sheets/requests.js';
import { childEnv, ensureBuilt, runChild, STACK_LINE, snapshot, unprivilegedUid } from '../cli/child.js';
import { createFakeGoogle, type FakeGoogle } from '../fakes/google/index.js';
import type { CallRecord } from '../fakes/harness.js';
import { createFakeNotion, type FakeNotion } from '../fakes/notion/index.js';
import { cli, isLeaseCall, runtimeToken, tempDir } from '../helpers.js';
import { tally } from './tally.js';

const ROOT_ID = '1429989fe8ac4effbc8f57f56486db54';
const isRoot = process.getuid?.() === 0;
const nobody = unprivilegedUid();
const canDropPrivileges = !isRoot || nobody !== null;

/** The installed workspace on the fakes that `world` rows break (and the test restores after each). */
interface World {
  notion: FakeNotion;
  google: FakeGoogle;
  root: string;
  hubId: string;
  registryPageId: string;
  spreadsheetId: string;
  registry: Registry;
  /** A partner row of the install (an example row, not Signed). */
  partnerName: string;
  env(): Record<string, string>;
}

interface Row {
  /** The command the row is counted under in the report. */
  command: string;
  name: string;
  args: string[] | ((w: World) => string[]);
  code: 1 | 2;
  /** The stable error code under --json. */
  error: string;
  message: RegExp;
  setup?: (dir: string, home: string) => void | Promise<void>;
  stdin?: string;
  /** Needs a file or folder this process cannot read or write: run as `nobody` when root. */
  unprivileged?: true;
  /** Extra environment (the network rows point the CLI at an address nothing answers on). */
  env?: Record<string, string> | ((w: World) => Record<string, string>);
  /** Runs against the installed workspace on the fakes, after `breaks` it (restored afterwards). */
  world?: true;
  breaks?: (w: World) => void;
  /**
   * The command printed its own JSON report (a rejected import, failed workspaces): checks it instead of
   * `{ ok: false, error: { code } }`.
   */
  reported?: (json: Record<string, unknown>) => void;
}

/** A loopback port that was just listening and no longer is: connection refused. */
const closedPort = await new Promise<number>((resolve) => {
  const probe = createServer();
  probe.listen(0, '127.0.0.1', () => {
    const { port } = probe.address() as AddressInfo;
    probe.close(() => resolve(port));
  });
});
const OFFLINE_TOKEN = runtimeToken('offline');
const OFFLINE_NOTION = {
  NOTION_TOKEN: OFFLINE_TOKEN,
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

const file = (dir: string, name: string, text: string | Uint8Array = 'x\n') =>
  writeFileSync(join(dir, name), text);
const folder = (dir: string, name: string): void => void mkdirSync(join(dir, name), { recursive: true });
/** Read-only for the CLI: root's own 0755 folder is that for `nobody`; 0555 makes it so for anyone else. */
const readOnly = (path: string) => chmodSync(path, 0o555);
const config = (dir: string, yaml: string) => file(dir, 'partnernomics.config.yaml', yaml);

/** A local workspace installed once (in-process) and copied into each import row's folder as `ws`. */
const localWorkspace = tempDir('pn-bad-ws-');
const withWorkspace = (dir: string) =>
  cpSync(join(localWorkspace, 'ws'), join(dir, 'ws'), { recursive: true });
/** `import candidates FILE --target local --out ws` on a copy of the installed workspace, FILE written first. */
const importRow = (
  name: string,
  csv: string | Uint8Array | null,
  message: RegExp,
  extra: Partial<Row> & { flags?: string[] } = {},
): Row => ({
  command: 'import candidates',
  name,
  args: ['import', 'candidates', 'leads.csv', '--target', 'local', '--out', 'ws', ...(extra.flags ?? [])],
  code: 2,
  error: 'INPUT_INVALID',
  message,
  ...extra,
  setup: async (d, home) => {
    withWorkspace(d);
    if (csv !== null) file(d, 'leads.csv', csv);
    await extra.setup?.(d, home);
  },
});

const BAD_TOKEN = runtimeToken('rejected');
const REJECTED_TOKEN = /Notion rejected the token while checking the token — create an internal integration/;
const csvFixture = join(import.meta.dirname, '..', 'workflows', 'fixtures', 'import', 'crm-export.csv');

const rows: Row[] = [
  // Files and folders
  {
    command: 'install',
    name: '--config is a folder (EISDIR)',
    args: ['install', '--config', 'cfg', '--out', 'ws'],
    code: 2,
    error: 'INPUT_INVALID',
    message: /cannot read config file .*cfg: it is a folder, not a file — pass the config file itself/,
    setup: (d) => folder(d, 'cfg'),
  },
  {
    command: 'plan',
    name: '--config runs through a file (ENOTDIR)',
    args: ['plan', '--config', 'afile/partnernomics.config.yaml'],
    code: 2,
    error: 'INPUT_INVALID',
    message: /cannot read config file .*afile\/partnernomics\.config\.yaml: part of the path is a file/,
    setup: (d) => file(d, 'afile'),
  },
  {
    command: 'install',
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
    command: 'plan',
    name: '--config that does not exist',
    args: ['plan', '--config', 'missing.yaml'],
    code: 2,
    error: 'CONFIG_NOT_FOUND',
    message: /config file not found: .*missing\.yaml — check the --config path/,
  },
  {
    command: 'plan',
    name: './partnernomics.config.yaml is a folder',
    args: ['plan'],
    code: 2,
    error: 'INPUT_INVALID',
    message: /cannot read config file .*partnernomics\.config\.yaml: it is a folder/,
    setup: (d) => folder(d, 'partnernomics.config.yaml'),
  },
  {
    command: 'install',
    name: '--out is a file',
    args: ['install', '--out', 'afile'],
    code: 2,
    error: 'INPUT_INVALID',
    message: /afile exists and is not a folder — choose another folder with --out DIR/,
    setup: (d) => file(d, 'afile'),
  },
  {
    command: 'install',
    name: '--out runs through a file (ENOTDIR)',
    args: ['install', '--out', 'afile/ws'],
    code: 2,
    error: 'INPUT_INVALID',
    message: /afile\/ws cannot be a folder: .*afile is a file — choose another folder/,
    setup: (d) => file(d, 'afile'),
  },
  {
    command: 'install',
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
    command: 'install',
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
    command: 'plan',
    name: 'a workspace file you cannot read',
    args: ['plan', '--out', 'ws'],
    code: 2,
    error: 'INPUT_INVALID',
    message: /cannot read .*Partnernomics\.xlsx: permission denied — make it readable/,
    setup: (d) => {
      withWorkspace(d);
      chmodSync(join(d, 'ws', 'Partnernomics.xlsx'), 0o000);
    },
    unprivileged: true,
  },
  {
    command: 'install',
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
    command: 'init',
    name: 'init --config is a folder',
    args: ['init', '--yes', '--config', 'cfg'],
    code: 2,
    error: 'INPUT_INVALID',
    message: /cannot write config file .*cfg: it is a folder, not a file/,
    setup: (d) => folder(d, 'cfg'),
  },
  {
    command: 'init',
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
    command: 'init',
    name: 'init --config runs through a file',
    args: ['init', '--yes', '--config', 'afile/x.yaml'],
    code: 2,
    error: 'INPUT_INVALID',
    message: /cannot write config file .*afile\/x\.yaml: .*afile is a file/,
    setup: (d) => file(d, 'afile'),
  },
  {
    command: 'init',
    name: 'init when the config file exists',
    args: ['init', '--yes'],
    code: 2,
    error: 'CONFIG_EXISTS',
    message: /partnernomics\.config\.yaml already exists — edit it, or run init again with --force/,
    setup: (d) => config(d, 'company: { name: Mine }\n'),
  },
  {
    command: 'fit',
    name: 'fit --save with --config a folder',
    args: ['fit', '--save', '--config', 'cfg', '--answer', 'deal_size=from_5k_to_40k'],
    code: 2,
    error: 'INPUT_INVALID',
    message: /cannot write config file .*cfg: it is a folder/,
    setup: (d) => folder(d, 'cfg'),
  },
  {
    command: 'fit',
    name: 'fit --save into a config that is already invalid',
    args: ['fit', '--save', '--answer', 'deal_size=from_5k_to_40k'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /partner_share_of_bookings_pct: must be at most 100/,
    setup: (d) => config(d, 'targets: { partner_share_of_bookings_pct: 140 }\n'),
  },
  {
    command: 'plan',
    name: 'the credentials file is a folder',
    args: ['plan', '--target', 'notion', '--root', ROOT_ID],
    code: 1,
    error: 'CREDENTIALS_INVALID',
    message: /credentials\.json is a folder, not the credentials file/,
    setup: (_d, home) => folder(home, 'credentials.json'),
  },
  {
    command: 'plan',
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
    command: 'login',
    name: 'login notion when the credentials folder cannot be written',
    args: ['login', 'notion', '--token-stdin'],
    code: 2,
    error: 'INPUT_INVALID',
    message:
      /cannot write credentials file .*credentials\.json: permission denied — set PARTNERNOMICS_HOME to a folder you can write to/,
    stdin: runtimeToken('accepted'),
    env: { PARTNERNOMICS_NOTION_URL: acceptingNotion },
    setup: (_d, home) => readOnly(home),
    unprivileged: true,
  },
  {
    command: 'login',
    name: 'login google --client-file is a folder',
    args: ['login', 'google', '--client-file', 'cfg', '--no-browser'],
    code: 2,
    error: 'INPUT_INVALID',
    message: /cfg is not a readable JSON file — download the OAuth client/,
    setup: (d) => folder(d, 'cfg'),
  },
  {
    command: 'login',
    name: 'login google --client-file that is not JSON',
    args: ['login', 'google', '--client-file', 'client.json', '--no-browser'],
    code: 2,
    error: 'INPUT_INVALID',
    message: /client\.json is not a readable JSON file — download the OAuth client/,
    setup: (d) => file(d, 'client.json', '<html>sign in</html>'),
  },
  {
    command: 'login',
    name: 'login google --client-file that does not exist',
    args: ['login', 'google', '--client-file', 'nope.json', '--no-browser'],
    code: 2,
    error: 'INPUT_INVALID',
    message: /nope\.json is not a readable JSON file/,
  },
  // Flags and options, command by command
  {
    command: 'install',
    name: 'install --types (an init option)',
    args: ['install', '--types', 'co-sell'],
    code: 2,
    error: 'USAGE',
    message:
      /unknown option --types for partnernomics install \(--types belongs to `partnernomics init`\) — partnernomics install takes --target, --out, --root, --force, --yes/,
  },
  {
    command: 'install',
    name: 'a misspelt option',
    args: ['install', '--forse'],
    code: 2,
    error: 'USAGE',
    message: /unknown option --forse for partnernomics install \(did you mean --force\?\)/,
  },
  {
    command: '(none)',
    name: 'an unknown command',
    args: ['instal'],
    code: 2,
    error: 'USAGE',
    message: /unknown command 'instal' \(did you mean install\?\) — the commands are init, plan, install/,
  },
  {
    command: '(none)',
    name: 'logout, which does not exist (credentials are removed by deleting the file)',
    args: ['logout'],
    code: 2,
    error: 'USAGE',
    message: /unknown command 'logout' \(did you mean login\?\) — the commands are /,
  },
  {
    command: 'install',
    name: 'an option without its value',
    args: ['install', '--out'],
    code: 2,
    error: 'USAGE',
    message: /--out needs a value: --out <dir>/,
  },
  {
    command: 'install',
    name: 'an argument where none is taken',
    args: ['install', 'ws'],
    code: 2,
    error: 'USAGE',
    message: /partnernomics install takes no arguments, got: ws — options start with --/,
  },
  {
    command: 'install',
    name: 'an unknown --target',
    args: ['install', '--target', 'excel'],
    code: 2,
    error: 'USAGE',
    message: /--target must be one of: local, notion, sheets, all — see `partnernomics install --help`/,
  },
  {
    command: 'install',
    name: '--target notion without --root',
    args: ['install', '--target', 'notion'],
    code: 2,
    error: 'USAGE',
    message: /--target notion needs --root/,
  },
  {
    command: 'install',
    name: '--target all without --root',
    args: ['install', '--target', 'all'],
    code: 2,
    error: 'USAGE',
    message: /--target all needs --root, the Notion page to install under/,
  },
  {
    command: 'install',
    name: '--target sheets without a Google login',
    args: ['install', '--target', 'sheets'],
    code: 2,
    error: 'CREDENTIALS_MISSING',
    message: /no Google login — run `partnernomics login google --client-file/,
  },
  {
    command: 'plan',
    name: 'plan --target sheets without a Google login',
    args: ['plan', '--target', 'sheets'],
    code: 2,
    error: 'CREDENTIALS_MISSING',
    message: /no Google login — run `partnernomics login google/,
  },
  {
    command: 'plan',
    name: 'plan with an unknown --target',
    args: ['plan', '--target', 'bogus'],
    code: 2,
    error: 'USAGE',
    message: /--target must be one of: local, notion, sheets, all — see `partnernomics plan --help`/,
  },
  {
    command: 'plan',
    name: 'plan with an unknown option',
    args: ['plan', '--wat'],
    code: 2,
    error: 'USAGE',
    message: /unknown option --wat for partnernomics plan — partnernomics plan takes --target, --out, --root/,
  },
  {
    command: 'plan',
    name: 'plan with an argument',
    args: ['plan', 'extra'],
    code: 2,
    error: 'USAGE',
    message: /partnernomics plan takes no arguments, got: extra/,
  },
  {
    command: 'plan',
    name: '--root that is not a Notion page',
    args: ['plan', '--target', 'notion', '--root', 'not-a-page'],
    code: 2,
    error: 'USAGE',
    message: /--root "not-a-page" is not a Notion page link or ID/,
  },
  {
    command: 'selftest',
    name: 'selftest without --target',
    args: ['selftest'],
    code: 2,
    error: 'USAGE',
    message: /required option '--target <target>' not specified/,
  },
  {
    command: 'selftest',
    name: 'selftest with an unknown --target',
    args: ['selftest', '--target', 'excel'],
    code: 2,
    error: 'USAGE',
    message: /--target must be notion or sheets — run `partnernomics selftest --target notion --root PAGE`/,
  },
  {
    command: 'selftest',
    name: 'selftest --target notion without --root',
    args: ['selftest', '--target', 'notion'],
    code: 2,
    error: 'USAGE',
    message: /--target notion needs --root/,
  },
  {
    command: 'doctor',
    name: 'doctor with an unknown option',
    args: ['doctor', '--fix'],
    code: 2,
    error: 'USAGE',
    message: /unknown option --fix for partnernomics doctor — partnernomics doctor takes --root/,
  },
  {
    command: 'fit',
    name: 'fit --answer that is not question=option',
    args: ['fit', '--answer', 'deal size big'],
    code: 2,
    error: 'USAGE',
    message: /--answer "deal size big" is not question=option/,
  },
  {
    command: 'fit',
    name: 'fit --answer to a question that does not exist',
    args: ['fit', '--answer', 'dealsize=under_5k'],
    code: 2,
    error: 'USAGE',
    message: /there is no question "dealsize" — the questions are /,
  },
  {
    command: 'fit',
    name: 'fit --answer with an option that does not exist',
    args: ['fit', '--answer', 'deal_size=gigantic'],
    code: 2,
    error: 'USAGE',
    message: /answer "gigantic" to "deal_size" is not an option/,
  },
  {
    command: 'fit',
    name: 'fit without a terminal or answers',
    args: ['fit'],
    code: 2,
    error: 'USAGE',
    message: /fit needs a terminal to ask its questions — pass answers with --answer/,
  },
  {
    command: 'init',
    name: 'init without a terminal or --yes',
    args: ['init'],
    code: 2,
    error: 'USAGE',
    message: /init needs a terminal to ask its questions — pass --yes with flags/,
  },
  {
    command: 'login',
    name: 'login notion with an empty token on stdin',
    args: ['login', 'notion', '--token-stdin'],
    stdin: '\n',
    code: 2,
    error: 'INPUT_INVALID',
    message: /that is not a Notion token \(it is empty or contains spaces\)/,
  },
  {
    command: 'login',
    name: 'login notion with an argument',
    args: ['login', 'notion', 'extra'],
    code: 2,
    error: 'USAGE',
    message: /partnernomics login notion takes no arguments, got: extra/,
  },
  {
    command: 'login',
    name: 'login google without --client-file',
    args: ['login', 'google'],
    code: 2,
    error: 'USAGE',
    message: /required option '--client-file <path>' not specified — see `partnernomics login google --help`/,
  },
  {
    command: 'login',
    name: 'login to a service that does not exist',
    args: ['login', 'github'],
    code: 2,
    error: 'USAGE',
    message: /unknown command 'github' — the commands are notion, google/,
  },
  {
    command: 'sync',
    name: 'sync --interval that is not a duration',
    args: ['sync', '--watch', '--interval', '0'],
    code: 2,
    error: 'USAGE',
    message: /--interval "0" is not a duration — use e\.g\. --interval 5m/,
  },
  {
    command: 'sync',
    name: 'sync --concurrency without --workspaces',
    args: ['sync', '--concurrency', '3'],
    code: 2,
    error: 'USAGE',
    message: /--concurrency only applies with --workspaces — drop --concurrency, or add --workspaces DIR/,
  },
  {
    command: 'sync',
    name: 'sync --root that is not a Notion page',
    args: ['sync', '--root', 'nope'],
    code: 2,
    error: 'USAGE',
    message: /--root "nope" is not a Notion page link or ID/,
  },
  {
    command: 'sync',
    name: 'sync without a Notion token',
    args: ['sync'],
    code: 2,
    error: 'CREDENTIALS_MISSING',
    message: /no Notion token — run `partnernomics login notion`, or set NOTION_TOKEN/,
  },
  {
    command: 'sync',
    name: 'sync with a Notion token but no Google login',
    args: ['sync'],
    code: 2,
    error: 'CREDENTIALS_MISSING',
    message: /no Google login — run `partnernomics login google/,
    env: OFFLINE_NOTION,
  },
  {
    command: 'sync --workspaces',
    name: 'sync --workspaces DIR that does not exist',
    args: ['sync', '--workspaces', 'fleet'],
    code: 2,
    error: 'USAGE',
    message: /--workspaces fleet: no such folder — pass the folder that holds one folder per workspace/,
  },
  {
    command: 'sync --workspaces',
    name: 'sync --workspaces DIR that is a file',
    args: ['sync', '--workspaces', 'afile'],
    code: 2,
    error: 'USAGE',
    message: /--workspaces afile is a file, not a folder/,
    setup: (d) => file(d, 'afile'),
  },
  {
    command: 'sync --workspaces',
    name: 'sync --workspaces DIR with no workspace folders',
    args: ['sync', '--workspaces', 'fleet'],
    code: 2,
    error: 'USAGE',
    message: /fleet holds no workspace folders — make one folder per workspace in it/,
    setup: (d) => folder(d, 'fleet'),
  },
  {
    command: 'sync --workspaces',
    name: 'sync --workspaces DIR holding a config file where a folder belongs',
    args: ['sync', '--workspaces', 'fleet'],
    code: 2,
    error: 'USAGE',
    message:
      /fleet holds no workspace folders — .*move acme\.yaml to fleet\/acme\/partnernomics\.config\.yaml/,
    setup: (d) => {
      folder(d, 'fleet');
      file(d, 'fleet/acme.yaml', 'company: { name: Acme }\n');
    },
  },
  {
    command: 'sync --workspaces',
    name: 'sync --workspaces with a folder name that cannot be a variable suffix',
    args: ['sync', '--workspaces', 'fleet'],
    code: 2,
    error: 'USAGE',
    message:
      /fleet\/acme corp: a workspace folder's name can only use letters, digits, -, _ and \. — rename it/,
    setup: (d) => {
      folder(d, 'fleet/acme corp');
      file(d, 'fleet/acme corp/partnernomics.config.yaml', 'company: { name: Acme }\n');
    },
  },
  {
    command: 'sync --workspaces',
    name: 'sync --workspaces with two folders reading the same variables',
    args: ['sync', '--workspaces', 'fleet'],
    code: 2,
    error: 'USAGE',
    message: /workspace folders .* would both read NOTION_TOKEN_ACME_EU — rename one of them/,
    setup: (d) => {
      for (const name of ['acme-eu', 'acme_eu']) {
        folder(d, `fleet/${name}`);
        file(d, `fleet/${name}/partnernomics.config.yaml`, 'company: { name: Acme }\n');
      }
    },
  },
  {
    command: 'sync --workspaces',
    name: 'sync --workspaces with --watch',
    args: ['sync', '--workspaces', 'fleet', '--watch'],
    code: 2,
    error: 'USAGE',
    message: /--workspaces cannot be combined with --watch — run `sync --workspaces` on a schedule/,
  },
  {
    command: 'sync --workspaces',
    name: 'sync --workspaces with --root',
    args: ['sync', '--workspaces', 'fleet', '--root', ROOT_ID],
    code: 2,
    error: 'USAGE',
    message: /--workspaces cannot be combined with --root — each workspace finds its own hub/,
  },
  {
    command: 'sync --workspaces',
    name: 'sync --workspaces with --config',
    args: ['--config', 'partnernomics.config.yaml', 'sync', '--workspaces', 'fleet'],
    code: 2,
    error: 'USAGE',
    message: /--workspaces cannot be combined with --config — each workspace folder holds its own/,
  },
  {
    command: 'sync --workspaces',
    name: 'sync --workspaces --concurrency out of range',
    args: ['sync', '--workspaces', 'fleet', '--concurrency', '0'],
    code: 2,
    error: 'USAGE',
    message: /--concurrency "0" is not a whole number from 1 to 16/,
  },
  {
    command: 'sync --workspaces',
    name: 'sync --workspaces: a workspace without its config, one without its token',
    args: ['sync', '--workspaces', 'fleet'],
    code: 1,
    error: 'WORKSPACES_FAILED',
    message: /2 of 2 workspaces failed: acme, globex — each one's line says the fix/,
    setup: (d) => {
      folder(d, 'fleet/acme');
      folder(d, 'fleet/globex');
      file(d, 'fleet/globex/partnernomics.config.yaml', 'company: { name: Globex }\n');
    },
    reported: (json) => {
      expect(json).toMatchObject({ ok: false, command: 'sync', synced: 0, failed: 2 });
      expect(json.workspaces).toMatchObject([
        { name: 'acme', ok: false, error: { code: 'CONFIG_NOT_FOUND' } },
        { name: 'globex', ok: false, error: { code: 'CREDENTIALS_MISSING' } },
      ]);
    },
  },
  {
    command: 'sync --workspaces',
    name: 'sync --workspaces: a workspace whose config is invalid',
    args: ['sync', '--workspaces', 'fleet'],
    env: {
      NOTION_TOKEN_ACME: OFFLINE_TOKEN,
      PARTNERNOMICS_NOTION_URL: OFFLINE_NOTION.PARTNERNOMICS_NOTION_URL,
      GOOGLE_OAUTH_CLIENT_ID_ACME: 'offline-test.apps.googleusercontent.com',
      GOOGLE_OAUTH_CLIENT_SECRET_ACME: 'offline-test-secret',
      GOOGLE_REFRESH_TOKEN_ACME: 'offline-test-refresh-token',
    },
    code: 1,
    error: 'WORKSPACES_FAILED',
    message: /1 of 1 workspace failed: acme/,
    setup: (d) => {
      folder(d, 'fleet/acme');
      file(d, 'fleet/acme/partnernomics.config.yaml', 'compnay: { name: Acme }\n');
    },
    reported: (json) => {
      expect(json.workspaces).toMatchObject([
        { name: 'acme', ok: false, error: { code: 'CONFIG_INVALID', message: /unknown field "compnay"/ } },
      ]);
    },
  },
  {
    command: 'status',
    name: 'status without any login',
    args: ['status'],
    code: 2,
    error: 'CREDENTIALS_MISSING',
    message: /status reads the installed workspace: no Notion token and no Google login/,
  },
  {
    command: 'status',
    name: 'status --as-of that is not a date',
    args: ['status', '--as-of', '2027-13-01'],
    code: 2,
    error: 'USAGE',
    message: /--as-of "2027-13-01" is not a date — write it as YYYY-MM-DD/,
  },
  {
    command: 'report',
    name: 'report without --quarter',
    args: ['report'],
    code: 2,
    error: 'USAGE',
    message: /report needs --quarter — e\.g\. partnernomics report --quarter 2027Q1/,
  },
  {
    command: 'report',
    name: 'report --quarter that is not a quarter',
    args: ['report', '--example', '--quarter', '2027Q5'],
    code: 2,
    error: 'USAGE',
    message: /--quarter "2027Q5" is not a quarter — write the year and the quarter/,
  },
  {
    command: 'report',
    name: 'report --example --out through a file',
    args: ['report', '--example', '--quarter', '2027Q1', '--out', 'afile/reports'],
    code: 2,
    error: 'INPUT_INVALID',
    message: /afile.* is a file/,
    setup: (d) => file(d, 'afile'),
  },
  {
    command: 'report',
    name: 'report without a login',
    args: ['report', '--quarter', '2027Q1'],
    code: 2,
    error: 'CREDENTIALS_MISSING',
    message: /no Google login — .*; or run `partnernomics report --example` for the example rows' report/,
  },
  {
    command: 'launch',
    name: 'launch without the partner',
    args: ['launch'],
    code: 2,
    error: 'USAGE',
    message: /missing required argument 'partner' — see `partnernomics launch --help`/,
  },
  {
    command: 'launch',
    name: 'launch without a Notion token',
    args: ['launch', 'Acme Data'],
    code: 2,
    error: 'CREDENTIALS_MISSING',
    message: /no Notion token — run `partnernomics login notion`/,
  },
  {
    command: 'launch',
    name: 'launch --root that is not a Notion page',
    args: ['launch', 'Acme Data', '--root', 'nope'],
    code: 2,
    error: 'USAGE',
    message: /--root "nope" is not a Notion page link or ID/,
    env: OFFLINE_NOTION,
  },
  {
    command: 'pbr new',
    name: 'pbr new --quarter that is not a quarter',
    world: true,
    args: ['pbr', 'new', '--quarter', 'Q1'],
    code: 2,
    error: 'USAGE',
    message: /--quarter "Q1" is not a quarter — write it as YEARQn/,
  },
  {
    command: 'pbr new',
    name: 'pbr new without a Notion token',
    args: ['pbr', 'new'],
    code: 2,
    error: 'CREDENTIALS_MISSING',
    message: /no Notion token/,
  },
  {
    command: 'pbr new',
    name: 'pbr with an unknown command',
    args: ['pbr', 'old'],
    code: 2,
    error: 'USAGE',
    message: /unknown command 'old' — the commands are new; see `partnernomics pbr --help`/,
  },
  // Config values, from flags and from the file
  {
    command: 'init',
    name: 'init --partner-share that is not a number',
    args: ['init', '--yes', '--partner-share', 'abc'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /--partner-share: "abc" is not a number — pass a number/,
  },
  {
    command: 'init',
    name: 'init --start-date that is not a calendar date',
    args: ['init', '--yes', '--start-date', '2027-02-30'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /program\.start_date: is not a real calendar date/,
  },
  {
    command: 'init',
    name: 'init --person with a bad email',
    args: ['init', '--yes', '--person', 'CRO=Sam Lee <not-an-email>'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /team\.0\.email: must be an email address/,
  },
  {
    command: 'init',
    name: 'init --person that is not ROLE=NAME',
    args: ['init', '--yes', '--person', 'Dana'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /--person "Dana" is not ROLE=NAME <EMAIL> — e\.g\. --person "Head of Partnerships=/,
  },
  {
    command: 'init',
    name: 'init --types with an unknown type',
    args: ['init', '--yes', '--types', 'referral,telepathy'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /partnership_types\.1: "telepathy" is not a partnership type/,
  },
  {
    command: 'init',
    name: 'init --types empty',
    args: ['init', '--yes', '--types', ''],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /partnership_types: choose at least one partnership type/,
  },
  {
    command: 'init',
    name: 'init --stage that is not a stage',
    args: ['init', '--yes', '--stage', 'unicorn'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /company\.stage: Invalid option: expected one of "seed"\|"series-a"/,
  },
  {
    command: 'init',
    name: 'init --arr-band that is not a band',
    args: ['init', '--yes', '--arr-band', 'huge'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /company\.arr_band: Invalid option/,
  },
  {
    command: 'init',
    name: 'init --business-model that is not a model',
    args: ['init', '--yes', '--business-model', 'lemonade'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /company\.business_model: Invalid option/,
  },
  {
    command: 'init',
    name: 'init --deal-size below zero',
    args: ['init', '--yes', '--deal-size', '-5'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /company\.average_deal_size: must be more than 0/,
  },
  {
    command: 'init',
    name: 'init --sales-cycle that is not a number',
    args: ['init', '--yes', '--sales-cycle', 'abc'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /--sales-cycle: "abc" is not a number/,
  },
  {
    command: 'init',
    name: 'init --partners-by-day-90 that is not whole',
    args: ['init', '--yes', '--partners-by-day-90', '1.5'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /targets\.partners_signed_by_day_90: must be a whole number/,
  },
  {
    command: 'init',
    name: 'init --company empty',
    args: ['init', '--yes', '--company', ''],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /company\.name: must not be empty/,
  },
  {
    command: 'install',
    name: 'a config with an unknown field',
    args: ['install', '--out', 'ws'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /partnernomics\.config\.yaml: \(top level\): unknown field "compnay"/,
    setup: (d) => config(d, 'compnay: { name: Acme }\n'),
  },
  {
    command: 'install',
    name: 'a config that is not valid YAML',
    args: ['install', '--out', 'ws'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /partnernomics\.config\.yaml line \d+: not valid YAML \(.*\) — fix the YAML syntax/,
    setup: (d) => config(d, 'company: { name: "Acme"\n'),
  },
  {
    command: 'plan',
    name: 'a config with an unknown time zone',
    args: ['plan'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /program\.time_zone: "Mars\/Olympus" is not a time zone/,
    setup: (d) => config(d, 'program: { time_zone: Mars/Olympus }\n'),
  },
  {
    command: 'install',
    name: 'a config with a negative target',
    args: ['install', '--out', 'ws'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /targets\.monthly_referrals_per_partner: must be 0 or more/,
    setup: (d) => config(d, 'targets: { monthly_referrals_per_partner: -4 }\n'),
  },
  {
    command: 'install',
    name: 'a config with text where a number belongs',
    args: ['install', '--out', 'ws'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /targets\.partners_signed_by_day_90: /,
    setup: (d) => config(d, 'targets: { partners_signed_by_day_90: ten }\n'),
  },
  {
    command: 'plan',
    name: 'a config with an unknown partnership type',
    args: ['plan'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /partnership_types\.0: "telepathy" is not a partnership type/,
    setup: (d) => config(d, 'partnership_types: [telepathy]\n'),
  },
  {
    command: 'plan',
    name: 'a config with no partnership types',
    args: ['plan'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /partnership_types: choose at least one partnership type/,
    setup: (d) => config(d, 'partnership_types: []\n'),
  },
  {
    command: 'plan',
    name: 'a config with a stage that is not one',
    args: ['plan'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /company\.stage: /,
    setup: (d) => config(d, 'company: { stage: unicorn }\n'),
  },
  {
    command: 'install',
    name: 'a config with a team member whose email is not one',
    args: ['install', '--out', 'ws'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /team\.0\.email: must be an email address/,
    setup: (d) => config(d, 'team:\n  - { role: CRO, name: Sam Lee, email: sam-at-example }\n'),
  },
  {
    command: 'plan',
    name: 'a config with a start date that is not a date',
    args: ['plan'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /program\.start_date: /,
    setup: (d) => config(d, 'program: { start_date: next monday }\n'),
  },
  {
    command: 'launch',
    name: 'a config with a holiday that is not a date',
    args: ['launch', 'Acme Data', '--dry-run'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /workflows\.holidays\.0: must be a date written YYYY-MM-DD/,
    setup: (d) => config(d, 'workflows: { holidays: [christmas] }\n'),
    env: OFFLINE_NOTION,
  },
  {
    command: 'pbr new',
    name: 'a config with a PBR business day out of range',
    args: ['pbr', 'new', '--dry-run'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /workflows\.pbr_business_day: /,
    setup: (d) => config(d, 'workflows: { pbr_business_day: 99 }\n'),
    env: OFFLINE_NOTION,
  },
  {
    command: 'plan',
    name: 'a config that is a list, not a map',
    args: ['plan'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /partnernomics\.config\.yaml/,
    setup: (d) => config(d, '- company\n- targets\n'),
  },
  {
    command: 'plan',
    name: 'a config with the same key twice',
    args: ['plan'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /partnernomics\.config\.yaml line \d+: not valid YAML/,
    setup: (d) => config(d, 'company: { name: A }\ncompany: { name: B }\n'),
  },
  {
    command: 'plan',
    name: 'a config with a KPI the type does not have',
    args: ['plan'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /targets\.by_type\.referral.*bogus_kpi/,
    setup: (d) => config(d, 'targets: { by_type: { referral: { bogus_kpi: 3 } } }\n'),
  },
  {
    command: 'status',
    name: 'a binary file where the config belongs',
    args: ['status'],
    code: 2,
    error: 'CONFIG_INVALID',
    message: /partnernomics\.config\.yaml/,
    setup: (d) => config(d, '\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01'),
    env: OFFLINE_NOTION,
  },
  // import candidates: CSV files and flags (the local target: a copy of an installed workspace)
  importRow('an empty CSV file', '', /leads\.csv is empty: it has no header line — the first line must name/),
  importRow('a CSV of blank lines', '\n\n  \n', /leads\.csv is empty: it has no header line/),
  importRow(
    'a CSV with no column for the company name',
    'Revenue,Employees\n100,5\n',
    /leads\.csv has no column for the company name — name one Company, or map one: --map "Your column=name" \(its columns: Revenue, Employees\)/,
  ),
  importRow(
    'a CSV with a delimiter it does not read (|)',
    'Company|Website\nAcme|acme.com\n',
    /leads\.csv has no column for the company name/,
  ),
  importRow(
    'a binary file (a PNG) named .csv',
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0xff, 0xd8, 0xc3, 0x28]),
    /leads\.csv is not UTF-8 text — save it as "CSV UTF-8"/,
  ),
  importRow(
    'a CSV saved as Latin-1',
    Buffer.from('Company,Website\nCaf\xe9 Acme,acme.com\n', 'latin1'),
    /leads\.csv is not UTF-8 text/,
  ),
  importRow(
    'a CSV with a quoted value never closed',
    'Company,Notes\nAcme,"never closed\nGlobex,ok\n',
    /leads\.csv line \d+: a quoted value is never closed — fix that line/,
  ),
  importRow(
    'a CSV whose every row is rejected',
    'Company,Website,Email\n,acme.com,\nGlobex,not a site,\nInitech,initech.com,not-an-email\n',
    /3 row\(s\) of leads\.csv rejected \(line 2, 3, 4\); 0 were imported, 0 duplicate\(s\) skipped — fix those rows/,
    {
      code: 1,
      error: 'ROWS_REJECTED',
      reported: (json) => {
        expect(json).toMatchObject({ ok: false, imported: 0, writes: 0 });
        expect((json.rejected as { line: number }[]).map((r) => r.line)).toEqual([2, 3, 4]);
      },
    },
  ),
  importRow(
    'a CSV larger than a sourcing list (60,000 rows, all rejected)',
    `Company,Email\n${'Acme,not-an-email\n'.repeat(60_000)}`,
    /60000 row\(s\) of leads\.csv rejected \(line 2, 3, 4, 5, 6, …\)/,
    {
      code: 1,
      error: 'ROWS_REJECTED',
      reported: (json) => expect(json).toMatchObject({ ok: false, imported: 0, writes: 0 }),
    },
  ),
  importRow('--map that is not COLUMN=FIELD', 'Org\nAcme\n', /--map "Org" is not COLUMN=FIELD — e\.g\./, {
    error: 'USAGE',
    flags: ['--map', 'Org'],
  }),
  importRow(
    '--map to a field that does not exist',
    'Org\nAcme\n',
    /--map "Org=revenue": "revenue" is not a field — the fields are name, website/,
    { error: 'USAGE', flags: ['--map', 'Org=revenue'] },
  ),
  importRow(
    '--map a column the file does not have',
    'Org\nAcme\n',
    /--map "Organisation=name": leads\.csv has no column "Organisation"/,
    { error: 'USAGE', flags: ['--map', 'Organisation=name'] },
  ),
  importRow(
    '--map two columns to one field',
    'Org,Company\nAcme,Acme Inc\n',
    /--map gives the field name two columns — map each field once/,
    { error: 'USAGE', flags: ['--map', 'Org=name', '--map', 'Company=name'] },
  ),
  importRow(
    'the CSV does not exist',
    null,
    /cannot read .*leads\.csv: it does not exist — check the file name/,
  ),
  importRow('the CSV is a folder', null, /cannot read .*leads\.csv: it is a folder/, {
    setup: (d) => folder(d, 'leads.csv'),
  }),
  importRow('the CSV cannot be read', 'Company\nAcme\n', /cannot read .*leads\.csv: permission denied/, {
    setup: (d) => chmodSync(join(d, 'leads.csv'), 0o000),
    unprivileged: true,
  }),
  importRow(
    'the local workspace is not installed',
    'Company\nAcme\n',
    /there is no installed workspace in .*elsewhere — run `partnernomics install` first/,
    { flags: ['--out', 'elsewhere'] },
  ),
  importRow(
    "the workspace's candidates file is damaged",
    'Company\nAcme\n',
    /partner-candidates\.csv is not a readable CSV file — fix it in a text editor/,
    { setup: (d) => file(d, 'ws/partner-candidates.csv', 'Name,Website\n"broken,\n') },
  ),
  importRow(
    'import --target that is not one',
    'Company\nAcme\n',
    /--target must be notion or local, not "excel"/,
    {
      error: 'USAGE',
      flags: ['--target', 'excel'],
    },
  ),
  {
    command: 'import candidates',
    name: 'import candidates without the file',
    args: ['import', 'candidates'],
    code: 2,
    error: 'USAGE',
    message: /missing required argument 'file' — see `partnernomics import candidates --help`/,
  },
  {
    command: 'import candidates',
    name: 'import candidates --root that is not a page',
    args: ['import', 'candidates', csvFixture, '--root', 'nope'],
    code: 2,
    error: 'USAGE',
    message: /--root "nope" is not a Notion page link or ID/,
  },
  // The network: said at once, in one line, never as a server error or a bug.
  {
    command: 'install',
    name: 'install --target notion with Notion refusing connections',
    args: ['install', '--target', 'notion', '--root', ROOT_ID],
    code: 1,
    error: 'UNREACHABLE',
    message: /cannot reach Notion \(ECONNREFUSED\) while checking the token — check the network/,
    env: OFFLINE_NOTION,
  },
  {
    command: 'login',
    name: 'login notion while Notion cannot be reached',
    args: ['login', 'notion', '--token-stdin'],
    code: 1,
    error: 'UNREACHABLE',
    message: /cannot reach Notion \(ECONNREFUSED\)/,
    stdin: OFFLINE_TOKEN,
    env: { PARTNERNOMICS_NOTION_URL: OFFLINE_NOTION.PARTNERNOMICS_NOTION_URL },
  },
  {
    command: 'plan',
    name: 'plan --target notion with a host name that does not resolve',
    args: ['plan', '--target', 'notion', '--root', ROOT_ID],
    code: 1,
    error: 'UNREACHABLE',
    message: /cannot reach Notion \((ENOTFOUND|EAI_AGAIN)\)/,
    env: { ...OFFLINE_NOTION, PARTNERNOMICS_NOTION_URL: 'http://partnernomics-offline.invalid' },
  },
  {
    command: 'install',
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
  // Answers from the fakes: an installed workspace, then one thing wrong with the account or the workspace.
  ...(
    [
      ['sync', ['sync']],
      ['status', ['status']],
      ['launch', ['launch', 'Acme Data']],
      ['pbr new', ['pbr', 'new', '--quarter', '2027Q1']],
      ['report', ['report', '--quarter', '2027Q1']],
      ['import candidates', ['import', 'candidates', csvFixture]],
      ['plan', ['plan', '--target', 'notion', '--root', 'ROOT']],
      ['install', ['install', '--target', 'notion', '--root', 'ROOT']],
    ] as const
  ).map(
    ([command, args]): Row => ({
      command,
      name: `${command}: Notion rejects the token (401)`,
      world: true,
      args: (w) => args.map((a) => (a === 'ROOT' ? w.root : a)),
      env: { NOTION_TOKEN: BAD_TOKEN },
      code: 1,
      error: 'AUTH_FAILED',
      message: REJECTED_TOKEN,
    }),
  ),
  {
    command: 'sync',
    name: 'sync: Google no longer accepts the login (invalid_grant)',
    world: true,
    args: ['sync'],
    env: { GOOGLE_REFRESH_TOKEN: 'revoked-refresh-token' },
    code: 1,
    error: 'AUTH_FAILED',
    message: /Google no longer accepts the stored login — run `partnernomics login google` again/,
  },
  {
    command: 'report',
    name: 'report: Google no longer accepts the login (invalid_grant)',
    world: true,
    args: ['report', '--quarter', '2027Q1'],
    env: { GOOGLE_REFRESH_TOKEN: 'revoked-refresh-token' },
    code: 1,
    error: 'AUTH_FAILED',
    message: /Google no longer accepts the stored login/,
  },
  {
    command: 'install',
    name: 'install --target notion under a page not shared with the integration (404)',
    world: true,
    args: (w) => [
      'install',
      '--target',
      'notion',
      '--root',
      w.notion.seedRootPage('Private', { shared: false }),
    ],
    code: 1,
    error: 'NOT_SHARED',
    message:
      /Notion page [0-9a-f-]+ is not shared with the integration — open the page in Notion, choose ••• → Connections/,
  },
  {
    command: 'sync',
    name: 'sync --root a page that does not exist (404)',
    world: true,
    args: ['sync', '--root', ROOT_ID],
    code: 1,
    error: 'NOT_SHARED',
    message: /Notion page 1429989f-e8ac-4eff-bc8f-57f56486db54 is not shared with the integration/,
  },
  {
    command: 'sync',
    name: 'sync after the root page was unshared',
    world: true,
    args: ['sync'],
    breaks: (w) => w.notion.unshare(w.root),
    code: 1,
    error: 'NOT_SHARED',
    message: /is not shared with the integration/,
  },
  {
    command: 'status',
    name: 'status after the root page was unshared',
    world: true,
    args: ['status'],
    breaks: (w) => w.notion.unshare(w.root),
    code: 1,
    error: 'NOT_SHARED',
    message: /is not shared with the integration/,
  },
  {
    command: 'sync',
    name: 'sync --root when the hub page the registry names was deleted',
    world: true,
    args: (w) => ['sync', '--root', w.root],
    breaks: (w) => w.notion.trash(w.hubId),
    code: 2,
    error: 'INPUT_INVALID',
    message: /no installed Partnernomics workspace found in Notion/,
  },
  {
    command: 'launch',
    name: 'launch --root when the hub page was deleted',
    world: true,
    args: (w) => ['launch', 'Acme Data', '--root', w.root],
    breaks: (w) => w.notion.trash(w.hubId),
    code: 2,
    error: 'INPUT_INVALID',
    message: /no installed Partnernomics workspace found in Notion/,
  },
  {
    command: 'sync',
    name: 'sync when the registry page was deleted',
    world: true,
    args: ['sync'],
    breaks: (w) => w.notion.trash(w.registryPageId),
    code: 2,
    error: 'INPUT_INVALID',
    message: /no installed Partnernomics workspace found in Notion/,
  },
  {
    command: 'launch',
    name: 'launch a partner that does not exist',
    world: true,
    args: ['launch', 'Nobody Corp'],
    code: 2,
    error: 'INPUT_INVALID',
    message: /no partner "Nobody Corp" in the Partners database — give the partner name exactly/,
  },
  {
    command: 'launch',
    name: 'launch a partner that is not Signed',
    world: true,
    args: (w) => ['launch', w.partnerName],
    code: 2,
    error: 'INPUT_INVALID',
    message:
      /partner ".*" (is at stage .*, not Signed|has no partnership type|has no Signed on date) — set its/,
  },
  {
    command: 'status',
    name: 'status: Google answers malformed JSON',
    world: true,
    args: ['status'],
    breaks: (w) =>
      w.google.server.reject({
        method: 'GET',
        path: /\/files$/,
        response: { status: 200, raw: '{"files":[' },
      }),
    code: 1,
    error: 'API_ERROR',
    message: /Google/,
  },
  {
    command: 'sync',
    name: 'sync: the Sheets API is switched off in the Cloud project (403)',
    world: true,
    args: ['sync'],
    breaks: (w) => w.google.setServiceEnabled('sheets', false),
    code: 1,
    error: 'API_ERROR',
    message: /Sheets API/,
  },
  {
    command: 'sync',
    name: 'sync: the workbook was deleted from Drive',
    world: true,
    args: ['sync'],
    breaks: (w) => {
      w.google.state.drive.files.get(w.spreadsheetId)!.trashed = true;
    },
    code: 2,
    error: 'INPUT_INVALID',
    message:
      /there is no Partnernomics workbook to sync — run `partnernomics install --target all --root <page>` first/,
  },
  {
    command: 'sync',
    name: 'sync: a synced tab deleted from the workbook by hand',
    world: true,
    args: ['sync'],
    breaks: (w) => deleteTab(w, 'Partner Scoring'),
    code: 1,
    error: 'API_ERROR',
    message: /the workbook has no "Partners?.*" tab \(no tab carries its Partnernomics tag\)/,
  },
  {
    command: 'sync',
    name: 'sync: a synced column pasted over by hand (its tag gone)',
    world: true,
    args: ['sync'],
    breaks: (w) => dropColumnTag(w, 'Partner Scoring'),
    code: 1,
    error: 'API_ERROR',
    message:
      /the "Partner Scoring" tab lacks the synced column\(s\) .*: no column carries their Partnernomics tag/,
  },
  {
    command: 'report',
    name: 'report: the Leadership Report tab deleted by hand',
    world: true,
    args: ['report', '--quarter', '2027Q1'],
    breaks: (w) => deleteTab(w, 'Leadership Report'),
    code: 2,
    error: 'INPUT_INVALID',
    message: /the workbook has no "Leadership Report" tab — run `partnernomics install --target sheets`/,
  },
  {
    command: 'report',
    name: "report: a headline row's label renamed by hand",
    world: true,
    args: ['report', '--quarter', '2027Q1'],
    breaks: (w) => renameLabel(w, 'Leadership Report', 'Partners signed this quarter', 'Partners inked'),
    code: 2,
    error: 'INPUT_INVALID',
    message:
      /the Leadership Report tab has no "Partners signed this quarter" row — run `partnernomics install --target sheets`/,
  },
  {
    command: 'import candidates',
    name: 'import candidates --root a page not shared with the integration',
    world: true,
    args: ['import', 'candidates', csvFixture, '--root', ROOT_ID],
    code: 1,
    error: 'NOT_SHARED',
    message: /is not shared with the integration/,
  },
];

/** Removes a tab and the Partnernomics tags that pointed into it, as deleting it in Sheets does. */
function deleteTab(w: World, title: string): void {
  const book = w.google.state.spreadsheet(w.spreadsheetId);
  const index = book.sheets.findIndex((s) => s.properties.title === title);
  expect(index, `no tab ${title}`).toBeGreaterThanOrEqual(0);
  const sheetId = book.sheets[index]!.properties.sheetId;
  book.sheets.splice(index, 1);
  book.sheets.forEach((s, i) => {
    s.properties.index = i;
  });
  book.developerMetadata = book.developerMetadata.filter(
    (m) => m.location?.sheetId !== sheetId && m.location?.dimensionRange?.sheetId !== sheetId,
  );
}

/** Removes the first column tag of a tab: the column was pasted over from elsewhere. */
function dropColumnTag(w: World, title: string): void {
  const book = w.google.state.spreadsheet(w.spreadsheetId);
  const sheetId = book.sheets.find((s) => s.properties.title === title)!.properties.sheetId;
  const at = book.developerMetadata.findIndex(
    (m) => m.metadataKey === METADATA_COLUMN && m.location?.dimensionRange?.sheetId === sheetId,
  );
  expect(at, `no column tag on ${title}`).toBeGreaterThanOrEqual(0);
  book.developerMetadata.splice(at, 1);
}

/** Retypes a label cell of a tab, as a person does. */
function renameLabel(w: World, title: string, from: string, to: string): void {
  const sheet = w.google.state.spreadsheet(w.spreadsheetId).sheets.find((s) => s.properties.title === title)!;
  const cell = sheet.rows.flat().find((c) => c?.userEnteredValue?.stringValue === from);
  expect(cell, `no "${from}" on ${title}`).toBeDefined();
  cell!.userEnteredValue = { stringValue: to };
}

// ---------------------------------------------------------------------------------------------------------------
// The installed workspace on the fakes, its fingerprint and its restore.

let world: World | undefined;
/** The workspace was broken (or added to) by the last world row: restore it before the next. */
let dirty = false;
let pristine: ReturnType<typeof capture> | undefined;

function capture(w: World) {
  const n = w.notion.state;
  const g = w.google.state;
  return structuredClone({
    pages: [...n.pages],
    databases: [...n.databases],
    dataSources: [...n.dataSources],
    blocks: [...n.blocks],
    views: [...n.views],
    shared: [...n.shared],
    books: [...g.books],
    files: [...g.drive.files],
    projects: [...g.script.projects],
  });
}

function restore(w: World, s: ReturnType<typeof capture>): void {
  const copy = structuredClone(s);
  const n = w.notion.state;
  const g = w.google.state;
  const put = <K, V>(map: Map<K, V>, entries: [K, V][]) => {
    map.clear();
    for (const [k, v] of entries) map.set(k, v);
  };
  put(n.pages, copy.pages);
  put(n.databases, copy.databases);
  put(n.dataSources, copy.dataSources);
  put(n.blocks, copy.blocks);
  put(n.views, copy.views);
  n.shared.clear();
  for (const id of copy.shared) n.shared.add(id);
  put(g.books, copy.books);
  put(g.drive.files, copy.files);
  put(g.script.projects, copy.projects);
  w.notion.server.clearRejections();
  w.google.server.clearRejections();
  for (const api of ['sheets', 'drive', 'script'] as const) w.google.setServiceEnabled(api, true);
}

/** Everything either fake holds (Maps and Sets as entry lists, at any depth), hashed. */
function fingerprint(w: World): string {
  const n = w.notion.state;
  const g = w.google.state;
  const state = [
    n.pages,
    n.databases,
    n.dataSources,
    n.blocks,
    n.views,
    n.shared,
    g.books,
    g.drive.files,
    g.script.projects,
  ];
  const text = JSON.stringify(state, (_key, value: unknown) =>
    value instanceof Map || value instanceof Set ? [...value] : value,
  );
  return createHash('sha256').update(text).digest('hex');
}

/** Requests that change something: not reads, not queries, not the OAuth token endpoint, not a sync's lease file. */
const writesIn = (calls: readonly CallRecord[]) =>
  calls
    .filter((c) => c.method !== 'GET' && !/\/query$|\/token$|\/search$/.test(c.path) && !isLeaseCall(c))
    .map((c) => `${c.method} ${c.path} → ${c.status}`);

beforeAll(async () => {
  ensureBuilt();
  const installed = await cli(['install', '--out', join(localWorkspace, 'ws')], { cwd: localWorkspace });
  expect(installed.code, installed.stderr).toBe(0);

  const notion = createFakeNotion();
  const google = createFakeGoogle();
  await Promise.all([notion.listen(), google.listen()]);
  const refreshToken = google.issueToken(['drive.file', 'script.projects']).refreshToken;
  const env = (): Record<string, string> => ({
    NOTION_TOKEN: notion.token,
    PARTNERNOMICS_NOTION_URL: notion.baseUrl,
    PARTNERNOMICS_NOTION_RATE: '500',
    PARTNERNOMICS_GOOGLE_URL: google.rootUrl,
    PARTNERNOMICS_GOOGLE_TOKEN_URL: google.tokenUrl,
    PARTNERNOMICS_GOOGLE_RETRY_BASE_MS: '1',
    GOOGLE_OAUTH_CLIENT_ID: google.clientId,
    GOOGLE_OAUTH_CLIENT_SECRET: google.clientSecret,
    GOOGLE_REFRESH_TOKEN: refreshToken,
  });
  const root = notion.seedRootPage('Program');
  const home = { ...env(), PARTNERNOMICS_HOME: tempDir() };
  const install = await cli(['--json', 'install', '--target', 'all', '--root', root], { env: home });
  expect(install.code, install.stderr).toBe(0);
  const synced = await cli(['sync'], { env: home });
  expect(synced.code, synced.stderr).toBe(0);
  const ws = compile(loadBlueprint(), parseConfig({}, 'bad-input'));
  const registry = (await readRegistry(
    new NotionApi({ token: notion.token, baseUrl: notion.baseUrl }),
    root,
    ws.hub.title,
  ))!;
  const hubId = registry.entries[ws.hub.key]!.id;
  const registryPage = notion
    .childrenOf(hubId)
    .find((b) => b.type === 'child_page' && b.child_page.title === 'Partnernomics registry');
  const partner = notion.rows(registry.entries['db.partners']!.dataSourceId!)[0]!;
  const title = Object.values(partner.properties).find((p) => p.type === 'title');
  world = {
    notion,
    google,
    root,
    hubId,
    registryPageId: registryPage!.id,
    spreadsheetId: JSON.parse(install.stdout).sheets.spreadsheetId,
    registry,
    partnerName: title?.type === 'title' ? title.title.map((t) => t.plain_text).join('') : '',
    env,
  };
  expect(world.partnerName).not.toBe('');
  pristine = capture(world);
}, 280_000);

afterAll(async () => {
  await world?.notion.close();
  await world?.google.close();
});

// ---------------------------------------------------------------------------------------------------------------

/** One row, plain then under --json, each run from the same starting point. */
async function check(row: Row, expectIn: typeof expect): Promise<number> {
  const w = row.world ? world! : undefined;
  if (w) {
    if (dirty) restore(w, pristine!);
    dirty = row.breaks !== undefined || typeof row.args === 'function';
    row.breaks?.(w);
  }
  const args = typeof row.args === 'function' ? row.args(w!) : row.args;
  // The plain run and the --json run at once, each in folders of its own: neither may write anything, so both
  // start from the same state, and the fakes are compared before and after the pair.
  const runs = await Promise.all(
    [false, true].map(async (json) => {
      const cwd = tempDir();
      const rowEnv = typeof row.env === 'function' ? row.env(w!) : row.env;
      const env = { ...childEnv(), ...(w ? w.env() : {}), ...rowEnv };
      chmodSync(cwd, 0o755);
      await row.setup?.(cwd, env.PARTNERNOMICS_HOME!);
      return { json, cwd, env, before: { cwd: snapshot(cwd), home: snapshot(env.PARTNERNOMICS_HOME!) } };
    }),
  );
  w?.notion.clearLog();
  w?.google.clearLog();
  const fakesBefore = w ? fingerprint(w) : '';
  const done = await Promise.all(
    runs.map(({ json, cwd, env }) =>
      runChild(json ? ['--json', ...args] : args, {
        cwd,
        env,
        stdin: row.stdin,
        uid: row.unprivileged && isRoot ? nobody! : undefined,
      }),
    ),
  );
  if (w) {
    expectIn(writesIn([...w.notion.calls, ...w.google.calls]), 'writes reached the fakes').toEqual([]);
    expectIn(fingerprint(w) === fakesBefore, 'the fakes changed').toBe(true);
  }
  runs.forEach(({ json, cwd, env, before }, i) => {
    const run = done[i]!;
    const lines = run.stderr.split('\n').filter(Boolean);
    expectIn(lines, run.stderr).toHaveLength(1);
    expectIn(lines[0]).toMatch(/^error: /);
    expectIn(lines[0]).toMatch(row.message);
    expectIn(lines[0]).toContain(' — '); // the fix
    expectIn(run.stderr).not.toMatch(STACK_LINE);
    expectIn(run.stdout).not.toMatch(STACK_LINE);
    expectIn(run.code, run.stderr).toBe(row.code);
    expectIn({ cwd: snapshot(cwd), home: snapshot(env.PARTNERNOMICS_HOME!) }).toEqual(before);
    if (json) {
      const parsed = JSON.parse(run.stdout);
      if (row.reported) row.reported(parsed);
      else {
        expectIn(parsed).toMatchObject({ ok: false, error: { code: row.error } });
        expectIn(`${parsed.error.message} — ${parsed.error.hint}`).toMatch(row.message);
      }
    }
  });
  return runs.length;
}

let runsDone = 0;

describe('bad input: one line, the documented exit code, no stack, nothing written, JSON under --json', () => {
  it('covers at least 100 inputs, every command among them', () => {
    expect(rows.length).toBeGreaterThanOrEqual(100);
    const commands = new Set(rows.map((r) => r.command));
    for (const command of [
      'init',
      'plan',
      'install',
      'fit',
      'login',
      'doctor',
      'selftest',
      'sync',
      'sync --workspaces',
      'status',
      'report',
      'import candidates',
      'launch',
      'pbr new',
    ])
      expect(commands, command).toContain(command);
  });

  // The rows against the fakes share one installed workspace, so they take turns, in one test that starts first
  // and holds one slot; every other row has folders of its own, and they run a few at once beside it.
  const remote = rows.filter((r) => r.world);
  it.concurrent('the rows against the installed workspace on the fakes, in turn', async ({ expect }) => {
    const failed: string[] = [];
    for (const row of remote) {
      try {
        const runs = await check(row, expect);
        runsDone += runs;
      } catch (error) {
        failed.push(`${row.command}: ${row.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    expect(failed).toEqual([]);
  }, 900_000);

  it.concurrent.for(rows.filter((r) => !r.world).map((row) => [`${row.command}: ${row.name}`, row] as const))(
    '%s',
    async ([, row], { expect }) => {
      if (row.unprivileged && !canDropPrivileges) {
        console.warn(
          `skipped "${row.name}": running as root and the user nobody cannot run the built CLI here`,
        );
        return;
      }
      const runs = await check(row, expect);
      runsDone += runs;
    },
  );

  it('tallies the rows', () => {
    const perCommand = new Map<string, number>();
    for (const r of rows) perCommand.set(r.command, (perCommand.get(r.command) ?? 0) + 1);
    console.log(
      `bad inputs per command: ${[...perCommand].map(([c, n]) => `${c} ${n}`).join(', ')} (${rows.length} in all)`,
    );
    tally('bad inputs', { badInputs: rows.length, runs: runsDone });
  });
});
