// doctor and login end to end against the stateful fake Notion API, as `npm run fakes` serves it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeNotion } from '../fakes/notion/index.js';
import { cli, tempDir } from '../helpers.js';

const fake = createFakeNotion();
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  await fake.listen();
  env = { PARTNERNOMICS_HOME: tempDir(), PARTNERNOMICS_NOTION_URL: fake.baseUrl };
});
afterAll(() => fake.close());

describe('against the fake Notion API', () => {
  it('logs in, then finds a shared root page and flags an unshared one', async () => {
    const login = await cli(['login', 'notion', '--token-stdin'], { env, stdin: fake.token });
    expect(login.code).toBe(0);
    const shared = fake.seedRootPage('Shared root');
    const hidden = fake.seedRootPage('Private root', { shared: false });
    fake.clearLog();

    const ok = await cli(['--json', 'doctor', '--root', shared], { env });
    expect(ok.code).toBe(0);
    expect(
      JSON.parse(ok.stdout).checks.find((c: { name: string }) => c.name === 'Root page shared').status,
    ).toBe('ok');
    expect(fake.count('users.me')).toBe(1);
    expect(fake.count('pages.retrieve')).toBe(2); // the sharing check, then the drift check's discovery

    const bad = await cli(['doctor', '--root', hidden], { env });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(
      `✗ Root page shared: Notion page ${hidden} is not shared with the integration`,
    );
    expect(bad.stdout).toContain('Connections');
  });

  it('reports a revoked token as a failed check with the fix', async () => {
    const result = await cli(['doctor'], { env: { ...env, NOTION_TOKEN: 'ntn_revoked_token_value' } });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('✗ Notion token: Notion rejected the token');
    expect(result.stdout).not.toContain('ntn_revoked_token_value');
  });
});
