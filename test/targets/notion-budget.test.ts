// A fresh Notion install within 1.05× of its lower bound (bench/scenarios/notion-bound.ts) for several type choices, when Notion names synced relations as asked and when it names them itself.
import { describe, expect, it } from 'vitest';
import { notionInstallBound, notionInstallTerms } from '../../bench/scenarios/notion-bound.js';
import { compile } from '../../src/blueprint/compile.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { Throttle } from '../../src/platform/throttle.js';
import { NotionApi } from '../../src/targets/notion/api.js';
import { applyNotionInstall, planNotionInstall } from '../../src/targets/notion/install.js';
import { createFakeNotion } from '../fakes/notion/index.js';

const bp = loadBlueprint();
const workspace = (types?: string[]) =>
  compile(bp, parseConfig(types ? { partnership_types: types } : {}, 'test', '2027-01-04'));

async function freshInstall(
  types: string[] | undefined,
  syncedPropertyNames: 'as_requested' | 'generated' = 'as_requested',
) {
  const fake = createFakeNotion({ syncedPropertyNames });
  await fake.listen();
  try {
    const api = new NotionApi({
      token: fake.token,
      baseUrl: fake.baseUrl,
      throttle: new Throttle(100_000, 100_000),
    });
    const ws = workspace(types);
    const root = fake.seedRootPage('Budget');
    fake.clearLog();
    await applyNotionInstall(api, ws, await planNotionInstall(api, ws, root, false));
    const calls = fake.calls.length;
    const renames = fake.calls.filter((c) => c.method === 'PATCH' && c.path.includes('/data_sources/'));
    fake.clearLog();
    const again = await applyNotionInstall(api, ws, await planNotionInstall(api, ws, root, false));
    return {
      ws,
      calls,
      schemaUpdates: renames.length,
      rerunWrites: again.writes,
      rerunCalls: fake.calls.length,
    };
  } finally {
    await fake.close();
  }
}

describe('a fresh Notion install against its lower bound', () => {
  for (const types of [undefined, ['referral'], ['co-sell', 'service-implementation']]) {
    const label = types ? types.join(' + ') : 'all six types';
    it(`${label}: within 1.05× of the bound, and a second install writes nothing`, async () => {
      const run = await freshInstall(types);
      const bound = notionInstallBound(run.ws);
      expect(run.calls, bound.bound).toBeLessThanOrEqual(Math.floor(bound.calls * 1.05));
      expect(run.calls).toBeGreaterThanOrEqual(bound.calls);
      expect(run.rerunWrites).toBe(0);
    }, 120_000);
  }

  it('when Notion names synced relations itself: only the renames come on top (one per database holding them)', async () => {
    const asked = await freshInstall(undefined);
    const generated = await freshInstall(undefined, 'generated');
    // A two-way relation's synced side is on whichever of its two databases is made first (blueprint order).
    const order = asked.ws.databases.map((d) => d.key);
    const holders = new Set(
      asked.ws.databases.flatMap((d) =>
        d.properties.flatMap((p) =>
          p.type === 'relation' && p.dual
            ? [order.indexOf(p.target) <= order.indexOf(d.key) ? p.target : d.key]
            : [],
        ),
      ),
    );
    expect(generated.calls - asked.calls).toBeGreaterThan(0);
    // The self-relation's rename comes from its own update's answer, the rest from one rename per holder.
    expect(generated.calls - asked.calls).toBeLessThanOrEqual(holders.size + 1);
    expect(generated.rerunWrites).toBe(0);
  }, 120_000);

  it('counts each term of the bound from the blueprint: cycles, self-relations, rollups, taken-over views', () => {
    const terms = notionInstallTerms(workspace());
    const by = (word: string) => terms.find((t) => t.why.includes(word))!.calls;
    expect(by('cycles')).toBe(18);
    expect(by('to itself')).toBe(1);
    expect(by('rollups')).toBe(1);
    expect(by('taken over')).toBe(3);
    // Only the referral type: its pages still link each other, the roadmap's parallel steps still name each other.
    expect(notionInstallBound(workspace(['referral'])).calls).toBeLessThan(
      notionInstallBound(workspace()).calls,
    );
  });
});
