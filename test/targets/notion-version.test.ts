// The product's Notion requests mean the same under Notion-Version 2026-12-01 (queries return only the title unless filter_properties names more).
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import type { DesiredWorkspace } from '../../src/blueprint/desired.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { Throttle } from '../../src/platform/throttle.js';
import { NOTION_VERSION, NotionApi } from '../../src/targets/notion/api.js';
import { applyNotionInstall, planNotionInstall } from '../../src/targets/notion/install.js';
import { createFakeNotion } from '../fakes/notion/index.js';

const NEXT_VERSION = '2026-12-01';
// The fake answers only 2026-12-01, so every request below is proven to have been read under its rules.
const fake = createFakeNotion({ versions: [NEXT_VERSION] });
const desired = compile(loadBlueprint(), parseConfig({}, 'test', '2027-01-04'));

/**
 * Sends the product's requests with Notion-Version 2026-12-01 instead of the version it is written for,
 * as if Notion had moved the integration to it: the requests themselves are unchanged.
 */
function sendAsNextVersion(): void {
  const realFetch = globalThis.fetch;
  vi.stubGlobal('fetch', (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith(fake.baseUrl) || !init?.headers) return realFetch(input, init);
    const headers = new Headers(init.headers);
    expect(headers.get('Notion-Version')).toBe(NOTION_VERSION);
    headers.set('Notion-Version', NEXT_VERSION);
    return realFetch(input, { ...init, headers });
  });
}

const api = () =>
  new NotionApi({
    token: fake.token,
    baseUrl: fake.baseUrl,
    throttle: new Throttle(10_000, 10_000),
    policy: { maxRateLimitRetries: 8, maxServerRetries: 4, baseDelayMs: 1 },
    settleMs: 1,
  });

beforeAll(() => fake.listen());
afterAll(() => fake.close());
afterEach(() => {
  vi.unstubAllGlobals();
});

describe(`Notion-Version ${NEXT_VERSION}`, () => {
  it('rejects the version the product sends, so the tests below run under the newer rules only', async () => {
    const root = fake.seedRootPage('Refused');
    await expect(planNotionInstall(api(), desired, root, false)).rejects.toThrow(/Notion-Version/);
  });

  it('installs, re-plans to nothing, and still sees every value it reads (a changed value is an update)', async () => {
    sendAsNextVersion();
    const root = fake.seedRootPage('Next version');
    fake.clearLog();
    const first = await planNotionInstall(api(), desired, root, false);
    const result = await applyNotionInstall(api(), desired, first);
    expect(result.created.length).toBeGreaterThan(50);

    const again = await planNotionInstall(api(), desired, root, false);
    expect(again.plan.ops).toEqual([]);
    expect(again.plan.findings).toEqual([]);

    // Discovery reads each row's properties through filter_properties: under 2026-12-01 a query without it
    // returns the title alone, and a blueprint value that changed would go unseen (no update planned).
    const changed: DesiredWorkspace = structuredClone(desired);
    const roadmap = changed.databases.find((d) => d.key === 'db.roadmap')!;
    const row = roadmap.rows.find((r) => r.values.duration?.kind === 'number')!;
    const before = row.values.duration;
    expect(before).toMatchObject({ kind: 'number' });
    row.values.duration = {
      kind: 'number',
      value: (before?.kind === 'number' ? (before.value ?? 0) : 0) + 3,
    };
    const upgraded = await planNotionInstall(api(), changed, root, false);
    expect(upgraded.plan.ops).toEqual([
      expect.objectContaining({ kind: 'update-row', rowKey: row.key, properties: ['duration'] }),
    ]);
    expect(fake.calls.filter((c) => c.status >= 400)).toEqual([]);
  });
});
