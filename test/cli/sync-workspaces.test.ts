// `sync --workspaces DIR` against the fakes: two installed workspaces synced in one run, failures kept to their own line.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfigYaml } from '../../src/config/load.js';
import { readRegistry } from '../../src/sync/notion-side.js';
import { readSheetsSide, sheetsTablesOf } from '../../src/sync/sheets-side.js';
import {
  byToken,
  envSuffix,
  sharedWorkbooks,
  workspaceEntries,
  workspaceEnv,
} from '../../src/sync/workspaces.js';
import { NotionApi } from '../../src/targets/notion/api.js';
import { GoogleApi } from '../../src/targets/sheets/google-api.js';
import { createFakeGoogle } from '../fakes/google/index.js';
import type { CallRecord } from '../fakes/harness.js';
import { createFakeNotion } from '../fakes/notion/index.js';
import { cli, isLeaseCall, tempDir } from '../helpers.js';
import { type Secret, scanSecrets, scanTokenShapes } from '../reliability/cli.js';

const notion = createFakeNotion();
const google = createFakeGoogle();
const SCOPES = ['drive.file', 'script.projects'];
const configYaml = (company: string) => `company:\n  name: ${company}\nprogram:\n  start_date: 2027-01-04\n`;
const ws = compile(loadBlueprint(), parseConfigYaml(configYaml('Acme'), 'test'));
const tables = sheetsTablesOf(ws);

interface Installed {
  name: string;
  root: string;
  refreshToken: string;
  spreadsheetId: string;
  gapi: GoogleApi;
  metricsDs: string;
}
const installed: Record<string, Installed> = {};
/** DIR: acme and globex installed; initech's Google login was revoked; umbrella has no Notion token of its own. */
let dir: string;
const BAD_NOTION_TOKEN = 'ntn_revoked_9f8e7d6c5b4a39281706f5e4';
let revokedRefresh: string;
const outputs: { label: string; stream: 'stdout' | 'stderr'; text: string }[] = [];

/** The fakes' addresses, and one OAuth client shared by every workspace (a consultancy's own). */
function baseEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PARTNERNOMICS_HOME: tempDir(),
    PARTNERNOMICS_NOTION_URL: notion.baseUrl,
    PARTNERNOMICS_NOTION_RATE: '500',
    PARTNERNOMICS_GOOGLE_URL: google.rootUrl,
    PARTNERNOMICS_GOOGLE_TOKEN_URL: google.tokenUrl,
    PARTNERNOMICS_GOOGLE_RETRY_BASE_MS: '1',
    GOOGLE_OAUTH_CLIENT_ID: google.clientId,
    GOOGLE_OAUTH_CLIENT_SECRET: google.clientSecret,
    ...extra,
  };
}

/** The environment of the main run: each workspace's tokens under its suffix, and a NOTION_TOKEN not to be used. */
function runEnv(): NodeJS.ProcessEnv {
  return baseEnv({
    NOTION_TOKEN: notion.token,
    NOTION_TOKEN_ACME: notion.token,
    GOOGLE_REFRESH_TOKEN_ACME: installed.acme!.refreshToken,
    NOTION_TOKEN_GLOBEX: notion.token,
    GOOGLE_REFRESH_TOKEN_GLOBEX: installed.globex!.refreshToken,
    NOTION_TOKEN_INITECH: notion.token,
    GOOGLE_REFRESH_TOKEN_INITECH: revokedRefresh,
    GOOGLE_REFRESH_TOKEN_UMBRELLA: installed.acme!.refreshToken,
  });
}

async function run(label: string, argv: string[], env: NodeJS.ProcessEnv) {
  const result = await cli(argv, { env });
  outputs.push(
    { label, stream: 'stdout', text: result.stdout },
    { label, stream: 'stderr', text: result.stderr },
  );
  return { ...result, json: argv.includes('--json') && result.stdout ? JSON.parse(result.stdout) : null };
}

/** Writes to a workspace, each sync's lease file apart (see isLeaseCall). */
const writes = (calls: readonly CallRecord[]) =>
  calls.filter(
    (c) => c.method !== 'GET' && !c.path.startsWith('/token') && !/\/query$/.test(c.path) && !isLeaseCall(c),
  );

function workspaceFolder(parent: string, name: string, company: string): string {
  const folder = join(parent, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'partnernomics.config.yaml'), configYaml(company));
  return folder;
}

async function install(name: string, company: string, folder: string): Promise<void> {
  const user = `admin@${name}.example.com`;
  const { refreshToken } = google.issueToken(SCOPES, { user });
  const root = notion.seedRootPage(`${company} program`);
  const result = await cli(['--json', 'install', '--target', 'all', '--root', root], {
    cwd: folder,
    env: baseEnv({ NOTION_TOKEN: notion.token, GOOGLE_REFRESH_TOKEN: refreshToken }),
  });
  expect(result.code, result.stderr).toBe(0);
  const spreadsheetId: string = JSON.parse(result.stdout).sheets.spreadsheetId;
  const gapi = new GoogleApi({ auth: google.oauthClient({ refreshToken }), rootUrl: google.rootUrl });
  const napi = new NotionApi({ token: notion.token, baseUrl: notion.baseUrl });
  const registry = (await readRegistry(napi, root, ws.hub.title))!;
  const metricsDs = registry.entries['db.metrics']!.dataSourceId!;
  installed[name] = { name, root, refreshToken, spreadsheetId, gapi, metricsDs };
}

const leadsIn = async (book: Installed) =>
  (await readSheetsSide(book.gapi, book.spreadsheetId, tables)).tables
    .get('metrics')!
    .flatMap((r) => (r.pageId ? [{ pageId: r.pageId, leads: r.values.leads }] : []));

beforeAll(async () => {
  await Promise.all([notion.listen(), google.listen()]);
  dir = tempDir('pn-workspaces-');
  await install('acme', 'Acme', workspaceFolder(dir, 'acme', 'Acme'));
  // globex's folder is a link to a folder elsewhere, as a Kubernetes ConfigMap volume mounts its entries.
  const elsewhere = workspaceFolder(tempDir(), 'globex', 'Globex');
  symlinkSync(elsewhere, join(dir, 'globex'));
  await install('globex', 'Globex', elsewhere);
  workspaceFolder(dir, 'initech', 'Initech');
  workspaceFolder(dir, 'umbrella', 'Umbrella');
  revokedRefresh = google.issueToken(SCOPES, { user: 'admin@initech.example.com' }).refreshToken;
  google.state.auth.revoke(revokedRefresh);
  writeFileSync(join(dir, 'README.md'), 'not a workspace\n');
  mkdirSync(join(dir, '.git'));
}, 240_000);
afterAll(() => Promise.all([notion.close(), google.close()]));

describe('sync --workspaces: the pure part', () => {
  it('names the variables by the folder, skips dot-folders and refuses ambiguous names', () => {
    expect(envSuffix('acme-corp.eu')).toBe('ACME_CORP_EU');
    const entries = workspaceEntries('DIR', [
      { name: 'globex', isDirectory: true },
      { name: 'acme-corp', isDirectory: true },
      { name: '..data', isDirectory: true },
      { name: 'notes.yaml', isDirectory: false },
    ]);
    expect(entries).toEqual([
      { name: 'acme-corp', suffix: 'ACME_CORP' },
      { name: 'globex', suffix: 'GLOBEX' },
    ]);
    expect(() =>
      workspaceEntries('DIR', [
        { name: 'acme-corp', isDirectory: true },
        { name: 'acme_corp', isDirectory: true },
      ]),
    ).toThrow(/acme-corp and acme_corp would both read NOTION_TOKEN_ACME_CORP/);
    expect(() => workspaceEntries('DIR', [{ name: 'acme.yaml', isDirectory: false }])).toThrow(
      /holds no workspace folders/,
    );
  });

  it("gives a workspace only its own tokens: never NOTION_TOKEN, another's, or the stored login", () => {
    const entry = { name: 'acme', suffix: 'ACME' };
    const env = {
      NOTION_TOKEN: 'ntn_single_workspace_token',
      GOOGLE_REFRESH_TOKEN: '1//single',
      NOTION_TOKEN_GLOBEX: 'ntn_globex_token_value',
      GOOGLE_REFRESH_TOKEN_ACME: '1//acme',
      GOOGLE_OAUTH_CLIENT_ID: 'shared-client',
      GOOGLE_OAUTH_CLIENT_SECRET: 'shared-secret',
    };
    expect(() => workspaceEnv(env, entry)).toThrow(
      /no Notion token for workspace acme: NOTION_TOKEN_ACME not set/,
    );
    const own = workspaceEnv({ ...env, NOTION_TOKEN_ACME: 'ntn_acme_token_value' }, entry);
    expect(own).toMatchObject({
      NOTION_TOKEN: 'ntn_acme_token_value',
      GOOGLE_REFRESH_TOKEN: '1//acme',
      GOOGLE_OAUTH_CLIENT_ID: 'shared-client',
    });
    const ownClient = workspaceEnv(
      {
        ...env,
        NOTION_TOKEN_ACME: 'x',
        GOOGLE_OAUTH_CLIENT_ID_ACME: 'acme-client',
        GOOGLE_OAUTH_CLIENT_SECRET_ACME: 's',
      },
      entry,
    );
    expect(ownClient.GOOGLE_OAUTH_CLIENT_ID).toBe('acme-client');
  });
  it('runs workspaces that share a Notion token one after another, and finds logins sharing a workbook', () => {
    const items = [
      { name: 'a', notionToken: 't1' },
      { name: 'b', notionToken: 't2' },
      { name: 'c', notionToken: 't1' },
    ];
    expect(byToken(items).map((g) => g.map((i) => i.name))).toEqual([['a', 'c'], ['b']]);
    const shared = sharedWorkbooks([
      { name: 'a', spreadsheetId: 's1' },
      { name: 'b', spreadsheetId: 's2' },
      { name: 'c', spreadsheetId: 's1' },
    ]);
    expect([...shared]).toEqual([['s1', ['a', 'c']]]);
  });
});

describe('partnernomics sync --workspaces DIR', () => {
  it('syncs both installed workspaces in one run; a revoked login and a missing token fail on their own line', async () => {
    const acme = installed.acme!;
    const globex = installed.globex!;
    const [acmeRow] = notion.rows(acme.metricsDs);
    const [globexRow] = notion.rows(globex.metricsDs);
    notion.editPage(acmeRow!.id, { Leads: { number: 4101 } });
    notion.editPage(globexRow!.id, { Leads: { number: 4202 } });

    const result = await run('json run', ['--json', 'sync', '--workspaces', dir], runEnv());
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: 2 of 4 workspaces failed: initech, umbrella — /);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    const json = result.json;
    expect(json).toMatchObject({ ok: false, command: 'sync', dryRun: false, synced: 2, failed: 2 });
    expect(json.workspaces.map((w: { name: string; ok: boolean }) => [w.name, w.ok])).toEqual([
      ['acme', true],
      ['globex', true],
      ['initech', false],
      ['umbrella', false],
    ]);
    const [a, g, i, u] = json.workspaces;
    expect(a.spreadsheetId).toBe(acme.spreadsheetId);
    expect(g.spreadsheetId).toBe(globex.spreadsheetId);
    for (const w of [a, g]) {
      expect(w.rowsChanged).toBeGreaterThan(0);
      expect(typeof w.durationMs).toBe('number');
      expect(w.tables.find((t: { table: string }) => t.table === 'metrics')).toBeDefined();
    }
    expect(i.error).toMatchObject({ code: 'AUTH_FAILED' });
    expect(i.error.message).toMatch(/Google/);
    expect(i.error.hint).toContain('GOOGLE_REFRESH_TOKEN_INITECH');
    // NOTION_TOKEN is set, but it belongs to a single-workspace setup: umbrella must not fall back to it.
    expect(u.error).toMatchObject({ code: 'CREDENTIALS_MISSING' });
    expect(u.error.message).toContain('NOTION_TOKEN_UMBRELLA');

    // Each edit reached its own workbook, and only that one.
    const acmeLeads = await leadsIn(acme);
    const globexLeads = await leadsIn(globex);
    expect(acmeLeads.find((r) => r.pageId === acmeRow!.id)?.leads).toBe(4101);
    expect(globexLeads.find((r) => r.pageId === globexRow!.id)?.leads).toBe(4202);
    expect(acmeLeads.some((r) => r.leads === 4202 || r.pageId === globexRow!.id)).toBe(false);
    expect(globexLeads.some((r) => r.leads === 4101 || r.pageId === acmeRow!.id)).toBe(false);
  }, 120_000);

  it('prints one line per workspace and a total; a dry run writes nothing', async () => {
    notion.clearLog();
    google.clearLog();
    const result = await run(
      'human run',
      ['sync', '--workspaces', dir, '--dry-run', '--concurrency', '1'],
      runEnv(),
    );
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(5);
    const byName = (name: string) => lines.filter((l) => l.startsWith(`${name} `));
    expect(byName('acme')[0]).toMatch(
      /^acme\s+planned \(dry run\): 0 rows would change, 0 conflicts; \d+ Notion and \d+ Google API calls/,
    );
    expect(byName('globex')[0]).toMatch(/^globex\s+planned \(dry run\): 0 rows would change/);
    expect(byName('initech')[0]).toMatch(
      /^initech\s+failed: Google no longer accepts the stored login — set GOOGLE_REFRESH_TOKEN_INITECH /,
    );
    expect(byName('umbrella')[0]).toMatch(/^umbrella\s+failed: no Notion token for workspace umbrella/);
    expect(lines[4]).toBe('Planned 2 of 4 workspaces; 2 failed: initech, umbrella.');
    expect(result.stderr).toMatch(
      /^error: 2 of 4 workspaces failed: initech, umbrella — each one's line says the fix; the others were planned\n$/,
    );
    expect(writes(notion.calls)).toEqual([]);
    expect(writes(google.calls)).toEqual([]);
  }, 60_000);

  it('exits 0 when every workspace synced; with nothing changed since the last run it writes nothing', async () => {
    const only = tempDir('pn-workspaces-ok-');
    symlinkSync(join(dir, 'acme'), join(only, 'acme'));
    symlinkSync(join(dir, 'globex'), join(only, 'globex'));
    // The first run synced both (the dry run since changed nothing): this one has nothing to do.
    notion.clearLog();
    google.clearLog();
    const result = await run('ok run', ['--json', 'sync', '--workspaces', only], runEnv());
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.json).toMatchObject({ ok: true, synced: 2, failed: 0 });
    expect(result.json.workspaces.map((w: { wrote: boolean }) => w.wrote)).toEqual([false, false]);
    expect(writes(notion.calls)).toEqual([]);
    expect(writes(google.calls)).toEqual([]);
  }, 60_000);

  it('a workspace whose Notion token is rejected writes nothing; its hint names its variable', async () => {
    const only = tempDir('pn-workspaces-bad-');
    symlinkSync(join(dir, 'acme'), join(only, 'acme'));
    notion.editPage(notion.rows(installed.acme!.metricsDs)[0]!.id, { Leads: { number: 77 } });
    notion.clearLog();
    google.clearLog();
    const result = await run('bad notion token', ['--json', 'sync', '--workspaces', only], {
      ...runEnv(),
      NOTION_TOKEN_ACME: BAD_NOTION_TOKEN,
    });
    expect(result.code).toBe(1);
    expect(result.json.workspaces[0].error.code).toBe('AUTH_FAILED');
    expect(result.json.workspaces[0].error.message).toMatch(/^Notion rejected the token/);
    expect(result.json.workspaces[0].error.hint).toContain('NOTION_TOKEN_ACME');
    expect(writes(notion.calls)).toEqual([]);
    expect(writes(google.calls)).toEqual([]);
  }, 60_000);

  it('refuses two workspaces whose Google login reaches the same workbook: neither is synced', async () => {
    const twins = tempDir('pn-workspaces-twins-');
    workspaceFolder(twins, 'acme', 'Acme');
    workspaceFolder(twins, 'acme-eu', 'Acme');
    notion.clearLog();
    google.clearLog();
    const result = await run('twins', ['--json', 'sync', '--workspaces', twins], {
      ...runEnv(),
      NOTION_TOKEN_ACME_EU: notion.token,
      GOOGLE_REFRESH_TOKEN_ACME_EU: installed.acme!.refreshToken,
    });
    expect(result.code).toBe(1);
    expect(result.json.workspaces.map((w: { error?: { code: string } }) => w.error?.code)).toEqual([
      'INPUT_INVALID',
      'INPUT_INVALID',
    ]);
    expect(result.json.workspaces[0].error.message).toContain('same workbook');
    expect(result.json.workspaces[1].error.hint).toContain('GOOGLE_REFRESH_TOKEN_ACME_EU');
    expect(notion.calls).toEqual([]);
    expect(writes(google.calls)).toEqual([]);
  }, 60_000);

  it('refuses what a scheduler should do, and a DIR that is not a folder of workspaces, in one line', async () => {
    const env = runEnv();
    const cases: [string[], RegExp][] = [
      [
        ['sync', '--workspaces', dir, '--watch'],
        /--workspaces cannot be combined with --watch — run `sync --workspaces` on a schedule/,
      ],
      [
        ['sync', '--workspaces', dir, '--root', installed.acme!.root],
        /--workspaces cannot be combined with --root/,
      ],
      [['--config', 'x.yaml', 'sync', '--workspaces', dir], /--workspaces cannot be combined with --config/],
      [['sync', '--workspaces', join(dir, 'nope')], /--workspaces .*nope: no such folder/],
      [['sync', '--workspaces', join(dir, 'README.md')], /--workspaces .*README\.md is a file, not a folder/],
      [
        ['sync', '--workspaces', dir, '--concurrency', '0'],
        /--concurrency "0" is not a whole number from 1 to 16/,
      ],
      [['sync', '--concurrency', '2'], /--concurrency only applies with --workspaces/],
    ];
    const flat = tempDir('pn-workspaces-flat-');
    writeFileSync(join(flat, 'acme.yaml'), configYaml('Acme'));
    cases.push([
      ['sync', '--workspaces', flat],
      /.*flat-.* holds no workspace folders — .*move acme\.yaml to .*\/acme\/partnernomics\.config\.yaml/,
    ]);
    notion.clearLog();
    google.clearLog();
    for (const [argv, message] of cases) {
      const result = await run(argv.join(' '), argv, env);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stdout, argv.join(' ')).toBe('');
      expect(result.stderr, argv.join(' ')).toMatch(new RegExp(`^error: ${message.source}`));
      expect(result.stderr.trim().split('\n'), argv.join(' ')).toHaveLength(1);
    }
    expect(notion.calls).toEqual([]);
    expect(google.calls).toEqual([]);
  });

  it('no token or client secret appears in any output of these runs', () => {
    // Five sync runs and eight refused ones, stdout and stderr each.
    expect(outputs.length).toBe(26);
    const secrets: Secret[] = [
      { name: 'Notion token', value: notion.token },
      { name: 'rejected Notion token', value: BAD_NOTION_TOKEN },
      { name: 'Google OAuth client secret', value: google.clientSecret },
      { name: 'revoked refresh token', value: revokedRefresh },
      ...Object.values(installed).map((w) => ({ name: `${w.name} refresh token`, value: w.refreshToken })),
      ...[...google.state.auth.accessTokens.keys()].map((value) => ({ name: 'Google access token', value })),
    ];
    expect([...scanSecrets(outputs, secrets), ...scanTokenShapes(outputs)]).toEqual([]);
  });
});
