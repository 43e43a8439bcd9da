// `login google` and `install --target all` end to end against both fakes: one run, linked both ways, then 0 writes.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnvFor, fakeClientFile } from '../fakes/cli-env.js';
import { createFakeGoogle } from '../fakes/google/index.js';
import { createFakeNotion } from '../fakes/notion/index.js';
import { cli, tempDir } from '../helpers.js';

const notion = createFakeNotion();
const google = createFakeGoogle();
let env: NodeJS.ProcessEnv;
let clientFile: string;

beforeAll(async () => {
  await Promise.all([notion.listen(), google.listen()]);
  env = cliEnvFor(notion, google);
  clientFile = fakeClientFile(google);
});
afterAll(() => Promise.all([notion.close(), google.close()]));

describe('login google', () => {
  it('exchanges the pasted redirect for a refresh token and stores it 0600, never printing it', async () => {
    const code = google.state.auth.authorizationCode(['drive.file', 'script.projects']);
    const run = await cli(['login', 'google', '--client-file', clientFile, '--no-browser'], {
      env,
      stdin: `http://127.0.0.1:1/?code=${encodeURIComponent(code)}&scope=x\n`,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Logged in to Google');
    expect(run.stdout).toContain('accounts.google.com');
    const file = join(env.PARTNERNOMICS_HOME!, 'credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(file, 'utf8')).google;
    expect(stored.refreshToken.length).toBeGreaterThan(10);
    for (const secret of [google.clientSecret, stored.refreshToken])
      expect(run.stdout + run.stderr).not.toContain(secret);
  });

  it('refuses a web OAuth client file and a pasted address without a code', async () => {
    const web = join(tempDir(), 'web.json');
    writeFileSync(web, JSON.stringify({ web: { client_id: 'x', client_secret: 'y' } }));
    const wrongFile = await cli(['login', 'google', '--client-file', web, '--no-browser'], {
      env: { ...env, PARTNERNOMICS_HOME: tempDir() },
    });
    expect(wrongFile.code).toBe(2);
    expect(wrongFile.stderr).toContain('Desktop app');
    const noCode = await cli(['login', 'google', '--client-file', clientFile, '--no-browser'], {
      env: { ...env, PARTNERNOMICS_HOME: tempDir() },
      stdin: 'http://127.0.0.1:1/?error=access_denied',
    });
    expect(noCode.code).toBe(2);
    expect(noCode.stderr).toContain('?code=');
  });
});

describe('install --target all', () => {
  it('installs Notion and Sheets in one run, links the hub and the Start tab, then makes no writes', async () => {
    const root = notion.seedRootPage('Program');
    google.clearLog();
    const planned = await cli(['--json', 'plan', '--target', 'all', '--root', root], { env });
    expect(planned.code).toBe(0);
    const plan = JSON.parse(planned.stdout);
    expect(plan.sheets).toMatchObject({ action: 'create', scriptAction: 'create' });
    expect(plan.notion.ops.length).toBeGreaterThan(50);
    expect(google.calls.filter((c) => c.method !== 'GET' && !c.path.startsWith('/token')).length).toBe(0);
    const first = await cli(['--json', 'install', '--target', 'all', '--root', root], { env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(report.sheets.action).toBe('created');
    expect(report.sheets.scriptAction).toBe('created');
    expect(report.linkWrites).toBe(2);

    const hub = notion.childrenOf(root).find((b) => b.type === 'child_page')!;
    const links = JSON.stringify(notion.childrenOf(hub.id));
    expect(links).toContain(report.sheets.url);
    const start = await google.clients(['drive.file']).sheets.spreadsheets.values.get({
      spreadsheetId: report.sheets.spreadsheetId,
      range: 'NotionHubLink',
      valueRenderOption: 'FORMULA',
    });
    expect(String(start.data.values?.[0]?.[0])).toContain(hub.id.replace(/-/g, ''));

    notion.clearLog();
    google.clearLog();
    const second = await cli(['--json', 'install', '--target', 'all', '--root', root], { env });
    expect(second.code).toBe(0);
    const again = JSON.parse(second.stdout);
    expect(again.notion.writes).toBe(0);
    expect(again.sheets.writes).toBe(0);
    expect(again.linkWrites).toBe(0);
    const replanned = JSON.parse((await cli(['--json', 'plan', '--target', 'sheets'], { env })).stdout);
    expect(replanned).toMatchObject({ action: 'unchanged', scriptAction: 'unchanged' });
  });
});

describe('doctor with Google', () => {
  it('checks the login and says where to switch the Apps Script API on', async () => {
    const googleEnv = { ...env, NOTION_TOKEN: '' };
    const ok = await cli(['--json', 'doctor'], { env: googleEnv });
    const checks = JSON.parse(ok.stdout).checks as { name: string; status: string; fix?: string }[];
    expect(checks.find((c) => c.name === 'Google login')?.status).toBe('ok');
    expect(checks.find((c) => c.name === 'Apps Script API')?.status).toBe('ok');
    google.setAppsScriptApi('userSettingDisabled');
    try {
      const off = await cli(['doctor'], { env: googleEnv });
      expect(off.code).toBe(1);
      expect(off.stdout).toContain('✗ Apps Script API');
      expect(off.stdout).toContain('https://script.google.com/home/usersettings');
    } finally {
      google.setAppsScriptApi('enabled');
    }
  });
});
