// Notion install under a hostile network, in-process: slow creates, late landings, bad bodies, offline, two runs at once.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { PnError } from '../../src/platform/errors.js';
import { Throttle } from '../../src/platform/throttle.js';
import { NotionApi, type NotionApiOptions } from '../../src/targets/notion/api.js';
import type { ApplyProgress } from '../../src/targets/notion/apply.js';
import { applyNotionInstall, planNotionInstall } from '../../src/targets/notion/install.js';
import { InstallLease, type LeaseOptions } from '../../src/targets/notion/lease.js';
import { findLateCopies, trashDuplicate } from '../../src/targets/notion/reconcile.js';
import { NotionWriter } from '../../src/targets/notion/writer.js';
import { createFakeNotion } from '../fakes/notion/index.js';
import { views as fakeViews } from '../fakes/notion/views.js';
import { cli, editedTemplates, tempDir } from '../helpers.js';
import { FaultProxy, notionIsWrite } from '../reliability/proxy.js';

const fake = createFakeNotion();
const desired = compile(loadBlueprint(), parseConfig({}, 'test', '2027-01-04'));

beforeAll(() => fake.listen());
afterAll(() => fake.close());

const apiWith = (options: Partial<NotionApiOptions> = {}) =>
  new NotionApi({
    token: fake.token,
    baseUrl: fake.baseUrl,
    throttle: new Throttle(10_000, 10_000),
    policy: { maxRateLimitRetries: 8, maxServerRetries: 4, baseDelayMs: 1 },
    settleMs: 1,
    ...options,
  });

async function install(root: string, options: Partial<NotionApiOptions> = {}) {
  const api = apiWith(options);
  return applyNotionInstall(api, desired, await planNotionInstall(api, desired, root, false));
}

/** Every blueprint object under a root, counted by title: a duplicate shows as a count of 2. */
function census(root: string) {
  const hubs = fake
    .childrenOf(root)
    .filter((b) => b.type === 'child_page' && !/install lock/.test(b.child_page.title));
  const counts = new Map<string, number>();
  const add = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const hub of hubs) {
    add(`hub ${hub.type === 'child_page' ? hub.child_page.title : ''}`);
    for (const child of fake.childrenOf(hub.id)) {
      if (child.type !== 'child_database') continue;
      add(`db ${child.child_database.title}`);
      const dsId = fake.state.databases.get(child.id)!.dataSourceIds[0]!;
      for (const row of fake.rows(dsId)) {
        const title = Object.values(row.properties).find((p) => p.type === 'title');
        add(
          `row ${child.child_database.title}/${title?.type === 'title' ? title.title.map((t) => t.plain_text).join('') : ''}`,
        );
      }
      for (const view of fakeViews(fake.state).values())
        if (view.databaseId === child.id) add(`view ${child.child_database.title}/${view.name}`);
    }
  }
  return counts;
}

/** A fault proxy in front of the fake, for holds tied to what the run does rather than to a time. */
async function proxyToFake(): Promise<FaultProxy> {
  const proxy = new FaultProxy({
    name: 'notion',
    upstream: fake.baseUrl,
    flavor: 'notion',
    isWrite: notionIsWrite,
    holdMs: 30_000,
  });
  await proxy.listen();
  return proxy;
}

const duplicatesIn = (counts: Map<string, number>) => [...counts].filter(([, n]) => n > 1).map(([k]) => k);

describe('a create that is slow to land', () => {
  it('is looked up again over the settle window, not created twice', async () => {
    const root = fake.seedRootPage('Slow create');
    // The first database create is held 400 ms, then applied; the client gives up after 150 ms.
    fake.server.reject({ method: 'POST', path: /^\/v1\/databases$/, delayMs: 400, times: 1 });
    try {
      await install(root, { timeoutMs: 150, settleMs: 1200 });
    } finally {
      fake.server.clearRejections();
    }
    const counts = census(root);
    expect(duplicatesIn(counts)).toEqual([]);
    expect([...counts.keys()].filter((k) => k.startsWith('db '))).toHaveLength(desired.databases.length);
  });

  it('that lands while the run goes on is moved to the trash by the run itself, which reports it', async () => {
    const root = fake.seedRootPage('Landing mid-run');
    const proxy = await proxyToFake();
    // The first database create is held until 30 more requests came: the client gave up (150 ms), looked it
    // up over the settle window, created it again, and went on; the held create then lands mid-run.
    proxy.addRule({
      method: 'POST',
      path: /^\/v1\/databases$/,
      nth: 1,
      fault: 'hold-before',
      holdMs: 30_000,
      releaseWhen: (log, held) => log.length - held.position >= 30,
    });
    try {
      const result = await install(root, { baseUrl: proxy.baseUrl, timeoutMs: 150, settleMs: 300 });
      const held = proxy.log.find((e) => e.fault === 'hold-before')!;
      const last = proxy.log.at(-1)!;
      // The reproduction: the copy landed while the run still had requests to send.
      expect(held.appliedAt).toBeLessThan(last.at);
      expect(proxy.log.filter((e) => e.method === 'POST' && e.path === '/v1/databases')).toHaveLength(
        desired.databases.length + 1,
      );
      expect(result.trashed.filter((t) => t.startsWith('db.roadmap '))).toHaveLength(1);
    } finally {
      await proxy.close();
    }
    expect(duplicatesIn(census(root))).toEqual([]);
    expect((await install(root)).writes).toBe(0);
  });

  it('that lands after the run ended is found by the next run and its empty copy trashed', async () => {
    const root = fake.seedRootPage('Late landing');
    const proxy = await proxyToFake();
    proxy.addRule({
      method: 'POST',
      path: /^\/v1\/databases$/,
      nth: 1,
      fault: 'hold-before',
      holdMs: 30_000,
      releaseWhen: () => false,
    });
    try {
      await install(root, { baseUrl: proxy.baseUrl, timeoutMs: 100, settleMs: 200 });
      expect(duplicatesIn(census(root))).toEqual([]);
      proxy.releaseHolds(); // the held create lands after the run: two copies of one database
      const held = proxy.log.find((e) => e.fault === 'hold-before')!;
      await vi.waitFor(() => expect(held.upstreamStatus).toBe(200));
    } finally {
      await proxy.close();
    }
    expect(duplicatesIn(census(root))).toContain('db QLP Roadmap');
    const next = await install(root);
    expect(next.trashed).toHaveLength(1);
    expect(duplicatesIn(census(root))).toEqual([]);
    expect((await install(root)).writes).toBe(0);
  });

  it('and was edited by a person stops the run, naming both copies, and trashes neither', async () => {
    const root = fake.seedRootPage('Late copy edited');
    await install(root);
    const api = apiWith();
    const planned = await planNotionInstall(api, desired, root, false);
    const roadmap = planned.actual.databases.get('db.roadmap')!;
    const row = roadmap.rows[0]!;
    const db = desired.databases.find((d) => d.key === 'db.roadmap')!;
    // A late copy of a seed row (made by the integration, as a held create is), then edited by a person.
    const copy = await api.client.pages.create({
      parent: { data_source_id: roadmap.dataSourceId },
      properties: { [db.properties[0]!.name]: { title: [{ text: { content: row.title } }] } },
    });
    const copies = await findLateCopies(api, {
      botId: planned.actual.botId,
      rootId: root,
      desired,
      registry: planned.actual.registry,
      hubId: planned.actual.hub!.id,
      hubs: true,
      databases: true,
      rowsOf: ['db.roadmap'],
      viewsOf: ['db.roadmap'],
      keptRow: (key) => planned.actual.registry.entries[key]?.id,
      dataSourceId: (key) => planned.actual.databases.get(key)!.dataSourceId,
    });
    expect(copies.map((c) => [c.kind, c.keepId, c.id])).toEqual([['row', row.pageId, copy.id]]);
    fake.editPage(copy.id, {});
    const [edited] = await findLateCopies(api, {
      botId: planned.actual.botId,
      rootId: root,
      desired,
      registry: planned.actual.registry,
      hubId: planned.actual.hub!.id,
      hubs: false,
      databases: false,
      rowsOf: ['db.roadmap'],
      viewsOf: [],
      keptRow: (key) => planned.actual.registry.entries[key]?.id,
      dataSourceId: (key) => planned.actual.databases.get(key)!.dataSourceId,
    });
    const error = await trashDuplicate(api, new NotionWriter(api), planned.actual.botId, edited!).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PnError);
    expect((error as PnError).code).toBe('OUTPUT_CONFLICT');
    expect((error as PnError).message).toContain(row.pageId);
    expect((error as PnError).message).toContain(copy.id);
    expect(fake.page(copy.id).in_trash).toBe(false);
    expect(fake.page(row.pageId).in_trash).toBe(false);
  });
});

describe('a second copy someone edited', () => {
  it('is reported and left alone, never trashed', async () => {
    const root = fake.seedRootPage('Edited copy');
    await install(root);
    const api = apiWith();
    const planned = await planNotionInstall(api, desired, root, false);
    const roadmap = planned.actual.databases.get('db.roadmap')!;
    const row = roadmap.rows[0]!;
    // A copy made by the integration (as a late create would), then edited by a person.
    const copy = await api.client.pages.create({
      parent: { data_source_id: roadmap.dataSourceId },
      properties: {
        [desired.databases.find((d) => d.key === 'db.roadmap')!.properties[0]!.name]: {
          title: [{ text: { content: row.title } }],
        },
      },
    });
    fake.editPage(copy.id, {});
    const again = await planNotionInstall(api, desired, root, false);
    expect(again.plan.findings.filter((f) => f.kind === 'duplicate').map((f) => f.detail)).toEqual([
      `"${row.title}" exists twice and a person edited the second copy; merge them by hand and move one to the trash`,
    ]);
    expect(again.plan.ops.filter((o) => o.kind === 'trash-duplicate')).toEqual([]);
  });
});

describe('bad bodies and no network', () => {
  it('retries a read whose body is empty, and looks up a create whose body is cut short', async () => {
    const root = fake.seedRootPage('Bad bodies');
    fake.server.reject({ method: 'GET', path: /\/children$/, response: { status: 200, raw: '' }, times: 1 });
    fake.server.reject({ method: 'POST', path: /^\/v1\/pages$/, apply: true, truncateTo: 12, times: 2 });
    try {
      await install(root);
    } finally {
      fake.server.clearRejections();
    }
    expect(duplicatesIn(census(root))).toEqual([]);
    expect((await install(root)).writes).toBe(0);
  });

  it('says in one line that Notion could not be reached, at once, without retrying', async () => {
    let waits = 0;
    // A port that was just listening and no longer is: connection refused.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const offline = new NotionApi({
      token: fake.token,
      baseUrl: `http://127.0.0.1:${port}`,
      hooks: { onWait: () => void waits++ },
    });
    const error = await planNotionInstall(offline, desired, fake.seedRootPage('Offline'), false).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(PnError);
    expect((error as PnError).code).toBe('UNREACHABLE');
    expect((error as PnError).oneLine()).toMatch(
      /^cannot reach Notion \(ECONNREFUSED\) while checking the token — check the network/,
    );
    expect(waits).toBe(0);
  });

  it('turns an HTML error page into one line with no HTML in it, under --json too', async () => {
    const root = fake.seedRootPage('HTML 502');
    const html =
      '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body><h1>Bad Gateway</h1></body></html>\n';
    fake.server.reject({ method: 'POST', path: /^\/v1\/databases$/, response: { status: 502, raw: html } });
    try {
      const run = await cli(['--json', 'install', '--target', 'notion', '--root', root], {
        env: {
          NOTION_TOKEN: fake.token,
          PARTNERNOMICS_NOTION_URL: fake.baseUrl,
          PARTNERNOMICS_HOME: tempDir(),
          PARTNERNOMICS_NOTION_RATE: '500',
        },
      });
      expect(run.code).toBe(1);
      expect(`${run.stdout}${run.stderr}`).not.toMatch(/<html|<!DOCTYPE|Bad Gateway<\/h1>/i);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      const error = JSON.parse(run.stdout);
      expect(error.error.message).toMatch(/^Notion answered 502 .* while creating database QLP Roadmap/);
    } finally {
      fake.server.clearRejections();
    }
  });
});

describe('two installs at once', () => {
  it('write one workspace: the second waits for the first, then finds nothing to do', async () => {
    const root = fake.seedRootPage('Concurrent');
    const [a, b] = await Promise.all([install(root), install(root)]);
    expect(duplicatesIn(census(root))).toEqual([]);
    // One of them did the work; the other planned again under the lock and found it done.
    expect([a.created.length, b.created.length].sort((x, y) => x - y)[0]).toBe(0);
    expect(
      fake.childrenOf(root).filter((c) => c.type === 'child_page' && /install lock/.test(c.child_page.title)),
    ).toEqual([]);
  });

  it('take over a lock left by a killed run on this machine at once', async () => {
    const root = fake.seedRootPage('Stale lock');
    const api = apiWith();
    // A lock page from a process that no longer exists (pid 2^22 + 1 is above Linux's pid_max).
    await api.client.pages.create({
      parent: { page_id: root },
      properties: {
        title: {
          title: [
            {
              text: {
                content: `Partnernomics install lock · ${(await import('node:os'))
                  .hostname()
                  .replace(/[^A-Za-z0-9-]/g, '')
                  .slice(
                    0,
                    24,
                  )}.4194305.abcdef · until 2099-01-01T00:00:00.000Z (delete this page if no install is running)`,
              },
            },
          ],
        },
      },
    });
    await install(root);
    expect(duplicatesIn(census(root))).toEqual([]);
    expect(
      fake.childrenOf(root).filter((c) => c.type === 'child_page' && /install lock/.test(c.child_page.title)),
    ).toEqual([]);
  });
});

describe('a resumed install', () => {
  it('starts from the progress saved at each stage, not from scratch', async () => {
    const root = fake.seedRootPage('Resume');
    const api = apiWith();
    const planned = await planNotionInstall(api, desired, root, false);
    // Killed as the rows stage begins: databases, properties and views are done and recorded.
    await applyNotionInstall(api, desired, planned, (p) => {
      if (p.stage === 'create-row') throw new Error('killed');
    }).catch(() => undefined);
    fake.clearLog();
    const resumed = await planNotionInstall(apiWith(), desired, root, false);
    // The registry knew every view: none had to be listed again to be found.
    expect(fake.server.count('GET', /^\/v1\/views/)).toBe(0);
    expect(resumed.plan.ops.filter((o) => o.kind === 'create-view' || o.kind === 'create-database')).toEqual(
      [],
    );
  });
});

describe('a two-way relation whose synced side Notion names itself', () => {
  it('is renamed to the blueprint name, so the rollups that name it are created', async () => {
    const generated = createFakeNotion({ syncedPropertyNames: 'generated' });
    await generated.listen();
    try {
      const root = generated.seedRootPage('Generated names');
      const api = new NotionApi({
        token: generated.token,
        baseUrl: generated.baseUrl,
        throttle: new Throttle(10_000, 10_000),
        settleMs: 1,
      });
      await applyNotionInstall(api, desired, await planNotionInstall(api, desired, root, false));
      const hub = generated
        .childrenOf(root)
        .find((b) => b.type === 'child_page' && !/lock/.test(b.child_page.title))!;
      const partners = generated
        .childrenOf(hub.id)
        .find((b) => b.type === 'child_database' && b.child_database.title === 'Partners')!;
      const names = Object.keys(
        generated.dataSource(generated.state.databases.get(partners.id)!.dataSourceIds[0]!).properties,
      );
      expect(names).toEqual(
        expect.arrayContaining(['Term sheets', '90-day plans', 'PBRs', 'Revenue to date']),
      );
      expect(names.filter((n) => n.startsWith('Related to'))).toEqual([]);
      // Every two-way relation, declared in a create (from either side) or by an update: both sides named.
      const schemaOf = (title: string) => {
        const db = generated
          .childrenOf(hub.id)
          .find((b) => b.type === 'child_database' && b.child_database.title === title)!;
        return generated.dataSource(generated.state.databases.get(db.id)!.dataSourceIds[0]!).properties;
      };
      for (const db of desired.databases)
        for (const prop of db.properties) {
          if (prop.type !== 'relation' || !prop.dual) continue;
          const target = desired.databases.find((d) => d.key === prop.target)!;
          expect(Object.keys(schemaOf(db.title)), `${db.title}.${prop.name}`).toContain(prop.name);
          expect(Object.keys(schemaOf(target.title)), `${target.title}.${prop.dual}`).toContain(prop.dual);
        }
      for (const db of desired.databases)
        expect(
          Object.keys(schemaOf(db.title)).filter((n) => n.startsWith('Related to')),
          db.title,
        ).toEqual([]);
    } finally {
      await generated.close();
    }
  });
});

describe('the install lock, cheaply', () => {
  it('is not paid for twice: an uncontended upgrade reads the workspace once and checks the registry with one read', async () => {
    const root = fake.seedRootPage('Uncontended upgrade');
    await install(root);
    const templates = editedTemplates({
      'pages/worksheets/icp.md': (t) => `${t}\n## One more section\n\nAdded in a new blueprint version.\n`,
    });
    const upgraded = compile(loadBlueprint(templates), parseConfig({}, 'test', '2027-01-04'));
    fake.clearLog();
    const api = apiWith();
    const result = await applyNotionInstall(
      api,
      upgraded,
      await planNotionInstall(api, upgraded, root, false),
    );
    expect(result.updated.length).toBeGreaterThan(0);
    const rootReads = fake.calls.filter((c) => c.method === 'GET' && c.path === `/v1/pages/${root}`);
    expect(rootReads).toHaveLength(1); // discovery once, not again under the lock
  });

  it('left behind by a killed run is cleared even by a run with nothing to write', async () => {
    const root = fake.seedRootPage('Stale lock, nothing to do');
    await install(root);
    const api = apiWith();
    const host = (await import('node:os'))
      .hostname()
      .replace(/[^A-Za-z0-9-]/g, '')
      .slice(0, 24);
    await api.client.pages.create({
      parent: { page_id: root },
      properties: {
        title: {
          title: [
            {
              text: {
                content: `Partnernomics install lock · ${host}.4194305.abcdef · until 2099-01-01T00:00:00.000Z (delete this page if no install is running)`,
              },
            },
          ],
        },
      },
    });
    const result = await install(root);
    expect(result.created).toEqual([]);
    expect(result.writes).toBe(1); // the stale lock page, trashed
    expect(
      fake.childrenOf(root).filter((c) => c.type === 'child_page' && /install lock/.test(c.child_page.title)),
    ).toEqual([]);
  });

  it('trashed by another run between our read and our write counts as cleared, not as an error', async () => {
    const root = fake.seedRootPage('Stale lock, trashed twice');
    const api = apiWith();
    const title = `Partnernomics install lock · ${hostname()
      .replace(/[^A-Za-z0-9-]/g, '')
      .slice(
        0,
        24,
      )}.4194305.abcdef · until 2099-01-01T00:00:00.000Z (delete this page if no install is running)`;
    const page = await api.client.pages.create({
      parent: { page_id: root },
      properties: { title: { title: [{ text: { content: title } }] } },
    });
    // The other run (the one whose lock it was, or a third) trashes it first; Notion then refuses edits.
    await api.client.pages.update({ page_id: page.id, in_trash: true });
    await expect(api.client.pages.update({ page_id: page.id, in_trash: true })).rejects.toThrow(/archived/);
    const lease = new InstallLease(api, root, (await api.me()).id);
    await expect(lease.clearStale([{ id: page.id, title }])).resolves.toBeUndefined();
    expect(lease.writes).toBe(1);
  });
});

describe('the install lock, contended', () => {
  const lockTitle = (holder: string, until: Date) =>
    `Partnernomics install lock · ${holder} · until ${until.toISOString()} (delete this page if no install is running)`;
  const lockPages = (root: string) =>
    fake.childrenOf(root).filter((c) => c.type === 'child_page' && /install lock/.test(c.child_page.title));
  async function lockOf(root: string, holder: string, until: Date) {
    return apiWith().client.pages.create({
      parent: { page_id: root },
      properties: { title: { title: [{ text: { content: lockTitle(holder, until) } }] } },
    });
  }
  async function installWith(root: string, lease: LeaseOptions, onProgress?: (p: ApplyProgress) => void) {
    const api = apiWith();
    return applyNotionInstall(
      api,
      desired,
      await planNotionInstall(api, desired, root, false),
      onProgress,
      lease,
    );
  }

  it('held by a running install on another machine: a second run waits (bounded), then stops with BUSY and writes nothing', async () => {
    const root = fake.seedRootPage('Busy');
    await lockOf(root, 'other-host.4242.abcdef', new Date(Date.now() + 10 * 60_000));
    const waits: string[] = [];
    const error = await installWith(root, {
      maxWaitMs: 1500,
      onWait: ({ holder }) => waits.push(holder),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PnError);
    expect((error as PnError).code).toBe('BUSY');
    expect((error as PnError).oneLine()).toMatch(/^another install is running under this root page/);
    expect(waits[0]).toBe('other-host.4242.abcdef');
    // Only the other run's lock is left: ours was withdrawn, and no hub was created.
    expect(lockPages(root).map((b) => (b.type === 'child_page' ? b.child_page.title : ''))).toEqual([
      expect.stringContaining('other-host.4242.abcdef'),
    ]);
    expect(census(root).size).toBe(0);
    // With no wait at all it stops at once.
    const started = Date.now();
    await expect(installWith(root, { maxWaitMs: 0 })).rejects.toMatchObject({ code: 'BUSY' });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('left by a run on another machine expires by time: an expired one is trashed and the install goes on', async () => {
    const root = fake.seedRootPage('Expired lock');
    // Another host: its process cannot be checked from here, so only the expiry in the title frees it.
    const expired = await lockOf(root, 'other-host.4242.abcdef', new Date(Date.now() - 1000));
    const result = await installWith(root, { maxWaitMs: 0 });
    expect(result.created.length).toBeGreaterThan(0);
    expect(duplicatesIn(census(root))).toEqual([]);
    expect(fake.page(expired.id).in_trash).toBe(true);
    expect(lockPages(root)).toEqual([]);
  });

  /** A clock that can be moved forward (the lock's notion of time only; the network is real). */
  const movable = () => {
    let offset = 0;
    return {
      clock: {
        now: () => Date.now() + offset,
        sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
      },
      forward: (ms: number) => {
        offset += ms;
      },
    };
  };
  const rowsIn = (root: string) => [...census(root).keys()].filter((k) => k.startsWith('row '));

  it('taken over while the run was slow (its page trashed by another run): the renewal stops the run with BUSY before the next write', async () => {
    const root = fake.seedRootPage('Taken over');
    const { clock, forward } = movable();
    let done = false;
    const error = await installWith(root, { clock }, (p) => {
      if (p.stage !== 'create-row' || done) return;
      done = true;
      // The run stalled for 4 of its 5 minutes; another run found the lock expired and took it.
      for (const page of lockPages(root)) fake.trash(page.id);
      forward(4 * 60_000);
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PnError);
    expect((error as PnError).code).toBe('BUSY');
    expect((error as PnError).oneLine()).toMatch(
      /^another install took over this install's lock .*moved to the trash/,
    );
    expect(rowsIn(root)).toEqual([]);
  });

  it('lapsed while one operation outlasted it, with another install waiting: the run stops with BUSY instead of writing on', async () => {
    const root = fake.seedRootPage('Lapsed');
    const { clock, forward } = movable();
    // The other install's lock page, made now and titled at the right moment (a title edit is synchronous).
    const other = await lockOf(root, 'not-yet.1.abcdef', new Date(0));
    fake.trash(other.id);
    const otherLock = await apiWith().client.pages.create({
      parent: { page_id: root },
      properties: { title: { title: [{ text: { content: 'Other install, not yet started' } }] } },
    });
    let done = false;
    const error = await installWith(root, { clock }, (p) => {
      if (p.stage !== 'create-row' || done) return;
      done = true;
      // Past the lock's expiry: another install may have seen it expired; its own lock is live.
      forward(6 * 60_000);
      fake.editPage(otherLock.id, {
        title: {
          title: [
            { text: { content: lockTitle('other-host.4242.abcdef', new Date(clock.now() + 5 * 60_000)) } },
          ],
        },
      });
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PnError);
    expect((error as PnError).code).toBe('BUSY');
    expect((error as PnError).oneLine()).toMatch(/took over this install's lock .*lapsed/);
    expect(rowsIn(root)).toEqual([]);
  });

  it('deleted by hand while the run goes on: checked every 20 s, not only at the renewal', async () => {
    const root = fake.seedRootPage('Lock deleted by hand');
    const { clock, forward } = movable();
    let done = false;
    const error = await installWith(root, { clock }, (p) => {
      if (p.stage !== 'create-row' || done) return;
      done = true;
      for (const page of lockPages(root)) fake.trash(page.id);
      forward(21_000);
    }).catch((e: unknown) => e);
    expect((error as PnError).code).toBe('BUSY');
    expect(rowsIn(root)).toEqual([]);
  });
});
