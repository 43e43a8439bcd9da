// The Notion side of sync against the stateful fake, after a real install: reads (full, incremental, partitioned, long relations) and write-back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import type { PlainValue } from '../../src/blueprint/desired.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { Throttle } from '../../src/platform/throttle.js';
import { advance, type NotionCursor, START_CURSOR } from '../../src/sync/cursor.js';
import {
  applyNotionUpdates,
  type NotionTable,
  notionTableMap,
  notionTableMaps,
  notionTableSpec,
  openSyncedTable,
  PageTitles,
  readNotionRows,
  readRegistry,
  rowsAfterWrite,
} from '../../src/sync/notion-side.js';
import { sameValue } from '../../src/sync/planner.js';
import type { RowValues, SyncValue } from '../../src/sync/types.js';
import { NotionApi } from '../../src/targets/notion/api.js';
import { applyNotionInstall, planNotionInstall } from '../../src/targets/notion/install.js';
import type { Registry } from '../../src/targets/notion/registry.js';
import { createFakeNotion, FakeClock, type FakeNotion } from '../fakes/notion/index.js';

const MINUTE = 60_000;
const desired = compile(loadBlueprint(), parseConfig({}, 'test', '2027-01-04'));

/** A clock 10 s into the current minute (the install lease compares it with the real clock). */
const freshClock = () => new FakeClock(Math.floor(Date.now() / MINUTE) * MINUTE + 10_000);

function apiFor(fake: FakeNotion): NotionApi {
  return new NotionApi({
    token: fake.token,
    baseUrl: fake.baseUrl,
    throttle: new Throttle(10_000, 10_000),
    policy: { maxRateLimitRetries: 8, maxServerRetries: 4, baseDelayMs: 1 },
    settleMs: 1,
  });
}

interface Installed {
  root: string;
  api: NotionApi;
  registry: Registry;
  open(key: string): Promise<NotionTable>;
}

async function install(fake: FakeNotion): Promise<Installed> {
  const root = fake.seedRootPage('Program');
  const api = apiFor(fake);
  await applyNotionInstall(api, desired, await planNotionInstall(api, desired, root, false));
  const registry = await readRegistry(api, root, desired.hub.title);
  if (!registry) throw new Error('no registry after install');
  return {
    root,
    api,
    registry,
    open: (key) => openSyncedTable(api, desired, registry, key),
  };
}

/** A blueprint value as the sync reads it back (relations as the related rows' titles). */
function expectedValue(value: PlainValue | undefined): SyncValue {
  if (!value) return null;
  switch (value.kind) {
    case 'multi_select':
      return value.value.join(', ') || null;
    case 'relation':
      return (
        value.rowKeys
          .map((k) => desired.databases.flatMap((d) => d.rows).find((r) => r.key === k)?.title ?? k)
          .join(', ') || null
      );
    default:
      return value.value;
  }
}

const queriesIn = (fake: FakeNotion) => fake.count('dataSources.query');
const writesIn = (fake: FakeNotion) =>
  fake.calls.filter((c) => c.method !== 'GET' && !/\/query$/.test(c.path));

describe('the sync map on the Notion side', () => {
  it('expands scoring-criteria into the 12 rating properties and gives every field one owner', () => {
    const partners = notionTableMap(desired, 'db.partners');
    const ratings = partners.fields.filter((f) => f.property.type === 'number' && f.owner === 'notion');
    expect(ratings).toHaveLength(12);
    expect(
      notionTableSpec(partners)
        .fields.filter((f) => f.owner === 'sheets')
        .map((f) => f.key),
    ).toEqual(['score', 'rank', 'recommendation']);
    expect(notionTableMaps(desired).map((m) => [m.key, m.database])).toEqual(
      desired.sync.map((m) => [m.sheet, m.notion]),
    );
    // Relations read as titles: the tab matches Metrics rows to partners by name.
    expect(notionTableMap(desired, 'db.metrics').fields.find((f) => f.key === 'partner')?.relationAs).toBe(
      'titles',
    );
  });
});

describe('reading and writing back (after a real install into the fake)', () => {
  const clock = freshClock();
  const fake = createFakeNotion({ clock, recordBodies: true });
  let ws: Installed;

  beforeAll(async () => {
    await fake.listen();
    ws = await install(fake);
    clock.advance(5 * MINUTE);
  });
  afterAll(() => fake.close());

  it('reads the install registry with block listings only: the root, the hub page by page, the registry', async () => {
    fake.clearLog();
    const registry = await readRegistry(apiFor(fake), ws.root, desired.hub.title);
    expect(registry).toEqual(ws.registry);
    const calls = fake.calls.map((c) => `${c.method} ${c.path.replace(/[0-9a-f-]{32,36}/g, ':id')}`);
    // The hub's children (its body, the databases and pages) are listed 100 to a page.
    const hubId = ws.registry.entries[desired.hub.key]!.id;
    const hubListings = fake.calls.filter(
      (c) => c.path.includes(hubId.replace(/-/g, '')) || c.path.includes(hubId),
    ).length;
    expect(hubListings).toBeGreaterThanOrEqual(1);
    expect(calls).toEqual([
      'GET /v1/users/me',
      ...Array(2 + hubListings).fill('GET /v1/blocks/:id/children'),
    ]);
    expect(await readRegistry(apiFor(fake), fake.seedRootPage('Empty'), desired.hub.title)).toBeNull();
  });

  it('a full read returns every seed and example row with its mapped values, ⌈N/100⌉ queries per data source', async () => {
    const titles = new PageTitles();
    for (const map of notionTableMaps(desired)) {
      const table = await ws.open(map.key);
      fake.clearLog();
      const read = await readNotionRows(ws.api, table, { titles });
      const db = desired.databases.find((d) => d.key === map.database)!;
      expect(read.full).toBe(true);
      expect(read.rows).toHaveLength(db.rows.length);
      expect(db.rows.length).toBeGreaterThan(0);
      for (const row of db.rows) {
        const pageId = ws.registry.entries[row.key]!.id;
        const got = read.rows.find((r) => r.pageId === pageId)!;
        expect(got, row.key).toBeDefined();
        expect(got.trashed).toBe(false);
        for (const field of map.fields) {
          const want = expectedValue(row.values[field.property.key]);
          expect(
            sameValue(got.values[field.key], want),
            `${row.key}.${field.key}: ${got.values[field.key]} ≠ ${want}`,
          ).toBe(true);
        }
      }
      // Partners first: their titles are known, so Metrics' Partner relation costs no extra call.
      expect(queriesIn(fake)).toBe(Math.ceil(db.rows.length / 100));
      expect(read.stats).toEqual({ queries: 1, windows: 0, propertyReads: 0, pageReads: 0 });
      expect(writesIn(fake)).toHaveLength(0);
    }
    // The example partners hold the workbook's own score, rank and recommendation.
    const partners = await readNotionRows(ws.api, await ws.open('db.partners'));
    expect(partners.rows.map((r) => r.values.example)).toEqual(partners.rows.map(() => true));
    expect(partners.rows.map((r) => typeof r.values.score)).toContain('number');
    expect(partners.rows.map((r) => r.values.recommendation)).toContain('Pursue');
  });

  it('asks only for the synced properties (filter_properties by ID, with the title)', async () => {
    const table = await ws.open('db.partners');
    fake.clearLog();
    await readNotionRows(ws.api, table);
    const [query] = fake.callsTo('dataSources.query');
    const asked = new URLSearchParams(query!.query).getAll('filter_properties');
    const schema = fake.dataSource(table.dataSourceId).properties;
    const idOf = (name: string) => decodeURIComponent(schema[name]!.id);
    expect(asked.map((id) => decodeURIComponent(id)).sort()).toEqual(
      [...new Set(['title', ...table.columns.map((c) => idOf(c.name))])].sort(),
    );
    expect(asked.map((id) => decodeURIComponent(id))).not.toContain(idOf('Website'));
    expect(query!.body).toMatchObject({
      page_size: 100,
      sorts: [{ timestamp: 'created_time', direction: 'ascending' }],
    });
  });

  it('an incremental read returns exactly the pages edited since the cursor, same-minute edits included', async () => {
    const table = await ws.open('db.partners');
    const full = await readNotionRows(ws.api, table);
    let cursor: NotionCursor = advance(START_CURSOR, full.rows, true);
    const [a, b, c] = full.rows.map((r) => r.pageId);
    const rating = notionTableMap(desired, 'db.partners').fields.find((f) => f.property.type === 'number')!;

    // Two pages edited two minutes later.
    clock.advance(2 * MINUTE);
    fake.editPage(a!, { Stage: { select: { name: 'Signed' } } });
    fake.editPage(b!, { [rating.property.name]: { number: 5 } });
    fake.clearLog();
    const first = await readNotionRows(ws.api, table, { cursor });
    expect(first.full).toBe(false);
    expect(first.rows.map((r) => r.pageId).sort()).toEqual([a, b].sort());
    expect(first.rows.find((r) => r.pageId === a)!.values.stage).toBe('Signed');
    expect(first.rows.find((r) => r.pageId === b)!.values[rating.key]).toBe(5);
    expect(first.rows.find((r) => r.pageId === a)!.lastEditedBy).toBe(fake.state.personId);
    const [body] = fake.callsTo('dataSources.query').map((q) => q.body);
    expect(body).toMatchObject({
      filter: { timestamp: 'last_edited_time', last_edited_time: { on_or_after: cursor.minute } },
    });
    cursor = advance(cursor, first.rows);

    // Later in the same minute as that sync: c is edited, and a a second time (same rounded time).
    clock.advance(20_000);
    fake.editPage(c!, { Stage: { select: { name: 'Active' } } });
    fake.editPage(a!, { Stage: { select: { name: 'Launching' } } });
    fake.clearLog();
    const second = await readNotionRows(ws.api, table, { cursor });
    expect(second.rows.map((r) => r.pageId).sort()).toEqual([a, c].sort());
    expect(second.rows.find((r) => r.pageId === a)!.values.stage).toBe('Launching');
    expect(second.skippedSeen).toBe(1); // b came back with the boundary minute, unchanged: not counted again
    expect(queriesIn(fake)).toBe(1);
    cursor = advance(cursor, second.rows);

    // Nothing edited since: nothing returned.
    clock.advance(MINUTE);
    const none = await readNotionRows(ws.api, table, { cursor });
    expect(none.rows).toEqual([]);
  });

  it('reads a relation with 30 items in full through the page-property endpoint', async () => {
    const partners = await ws.open('db.partners');
    const metrics = await ws.open('db.metrics');
    const names = Array.from({ length: 30 }, (_, i) => `Related partner ${String(i + 1).padStart(2, '0')}`);
    const ids = names.map((name) =>
      fake.seedPage({
        parent: { data_source_id: partners.dataSourceId },
        properties: { Partner: { title: [{ text: { content: name } }] } },
      }),
    );
    const entry = ws.registry.entries['row.metrics.example-1']!.id;
    fake.editPage(entry, { Partner: { relation: ids.map((id) => ({ id })) } });
    expect(fake.page(entry).properties.Partner).toMatchObject({ has_more: true });

    fake.clearLog();
    const read = await readNotionRows(ws.api, metrics);
    const row = read.rows.find((r) => r.pageId === entry)!;
    expect(row.values.partner).toBe(names.join(', '));
    expect(fake.count('pages.properties.retrieve')).toBe(1); // 30 items: one page of 100
    // 30 titles unknown to this read: Partners listed once, title only (not 30 page reads).
    expect(read.stats).toMatchObject({ queries: 2, propertyReads: 1, pageReads: 0 });

    // With the Partners read first (the same run), no title lookup at all.
    const titles = new PageTitles();
    await readNotionRows(ws.api, partners, { titles });
    fake.clearLog();
    const again = await readNotionRows(ws.api, metrics, { titles });
    expect(again.rows.find((r) => r.pageId === entry)!.values.partner).toBe(names.join(', '));
    expect(again.stats).toMatchObject({ queries: 1, propertyReads: 1, pageReads: 0 });
    // As IDs when a map asks for them.
    const asIds: NotionTable = {
      ...metrics,
      columns: metrics.columns.map((c) => ({ ...c, field: { ...c.field, relationAs: 'ids' as const } })),
    };
    const byId = await readNotionRows(ws.api, asIds);
    expect(byId.rows.find((r) => r.pageId === entry)!.values.partner).toBe(ids.join(', '));
    for (const id of ids) fake.trash(id);
  });

  it('finds trashed pages: missing on a full pass, listed with in_trash when asked', async () => {
    const table = await ws.open('db.icp');
    const before = await readNotionRows(ws.api, table);
    const victim = before.rows[0]!.pageId;
    let cursor = advance(START_CURSOR, before.rows, true);
    clock.advance(MINUTE);
    fake.trash(victim);
    const full = await readNotionRows(ws.api, table);
    expect(full.rows.map((r) => r.pageId)).not.toContain(victim);
    expect(full.rows).toHaveLength(before.rows.length - 1);
    fake.clearLog();
    const listed = await readNotionRows(ws.api, table, { listTrashed: true });
    expect(listed.rows.find((r) => r.pageId === victim)).toMatchObject({ trashed: true });
    expect(fake.callsTo('dataSources.query').map((c) => c.body)).toContainEqual(
      expect.objectContaining({ in_trash: true }),
    );
    const incremental = await readNotionRows(ws.api, table, { cursor, listTrashed: true });
    expect(incremental.rows.map((r) => [r.pageId, r.trashed])).toEqual([[victim, true]]);
    cursor = advance(cursor, incremental.rows);
    expect(cursor.seen[victim]).toBeDefined();
  });

  it('a full read of N rows costs ⌈N/100⌉ queries', async () => {
    const table = await ws.open('db.icp');
    const live = (await readNotionRows(ws.api, table)).rows.length;
    for (let i = 0; i < 250 - live; i++) {
      if (i % 40 === 0) clock.advance(MINUTE);
      fake.seedPage({
        parent: { data_source_id: table.dataSourceId },
        properties: {
          Customer: { title: [{ text: { content: `Customer ${i}` } }] },
          Employees: { number: i },
        },
      });
    }
    fake.clearLog();
    const read = await readNotionRows(ws.api, table);
    expect(read.rows).toHaveLength(250);
    expect(queriesIn(fake)).toBe(3);
    expect(read.stats.queries).toBe(3);
  });

  it('writes Sheets-owned values back, typed; an identical second write-back is skipped; nothing is created', async () => {
    const table = await ws.open('db.partners');
    const read = await readNotionRows(ws.api, table);
    const [p1, p2, p3] = read.rows.map((r) => r.pageId);
    const updates = [
      { pageId: p1!, values: { score: 4.25, rank: 1, recommendation: 'Pursue' } },
      { pageId: p2!, values: { score: '3.5', rank: 2, recommendation: null } },
    ];
    fake.clearLog();
    const written = await applyNotionUpdates(ws.api, table, updates);
    expect(written.updated.map((u) => u.pageId)).toEqual([p1, p2]);
    expect(written.rejected).toEqual([]);
    expect(fake.count('pages.update')).toBe(2);
    expect(fake.count('pages.create')).toBe(0);
    const page1 = fake.page(p1!).properties;
    expect(page1.Score).toMatchObject({ type: 'number', number: 4.25 });
    expect(page1.Rank).toMatchObject({ type: 'number', number: 1 });
    expect(page1.Recommendation).toMatchObject({ type: 'select', select: { name: 'Pursue' } });
    expect(fake.page(p2!).properties.Recommendation).toMatchObject({ select: null });
    expect(fake.page(p2!).properties.Score).toMatchObject({ number: 3.5 });
    // Typed bodies keyed by property ID, only the written properties asked back.
    const [update] = fake.callsTo('pages.update');
    const schema = fake.dataSource(table.dataSourceId).properties;
    expect(Object.keys((update!.body as { properties: object }).properties).sort()).toEqual(
      [schema.Score!.id, schema.Rank!.id, schema.Recommendation!.id].sort(),
    );

    // The same write-back again, compared with a fresh read first: no call.
    const fresh = await readNotionRows(ws.api, table);
    fake.clearLog();
    const again = await applyNotionUpdates(ws.api, table, updates, { current: fresh.rows });
    expect(again.updated).toEqual([]);
    expect(again.unchanged).toEqual([p1, p2]);
    expect(fake.calls).toHaveLength(0);
    // Without the comparison it is still harmless: the same values are set again.
    await applyNotionUpdates(ws.api, table, updates);
    expect(fake.page(p1!).properties.Score).toMatchObject({ number: 4.25 });

    // Not writable: a field Notion owns, a number that is not one, a value off the select's list (never added as a
    // new option); a trashed page.
    fake.trash(p3!);
    fake.clearLog();
    const bad = await applyNotionUpdates(ws.api, table, [
      { pageId: p1!, values: { stage: 'Active', score: 'n/a', recommendation: 'Pursue, maybe' } },
      { pageId: p3!, values: { score: 1 } },
    ]);
    expect(bad.rejected.map((r) => [r.field, r.reason])).toEqual([
      ['stage', 'Notion owns this field'],
      ['score', '"n/a" is not a number'],
      [
        'recommendation',
        '"Pursue, maybe" is not one of Recommendation\'s options (Pursue, Nurture, Pass, Needs ratings)',
      ],
    ]);
    expect(bad.gone).toEqual([p3]);
    expect(fake.count('pages.update')).toBe(1); // only the trashed page was tried (a 400), then checked
    expect(fake.count('pages.create')).toBe(0);
  });

  it('our own write-back does not come back as news once the cursor records it', async () => {
    const table = await ws.open('db.partners');
    clock.advance(MINUTE);
    const read = await readNotionRows(ws.api, table);
    let cursor: NotionCursor = advance(START_CURSOR, read.rows, true);
    clock.advance(MINUTE);
    const target = read.rows[0]!;
    const updates = [{ pageId: target.pageId, values: { rank: 7 } }];
    const written = await applyNotionUpdates(ws.api, table, updates, { current: read.rows });
    expect(written.updated).toHaveLength(1);
    cursor = advance(cursor, [...read.rows, ...rowsAfterWrite(read.rows, written)]);
    const next = await readNotionRows(ws.api, table, { cursor });
    expect(next.rows).toEqual([]);
    // A person's edit in that same minute is still news.
    fake.editPage(target.pageId, { Stage: { select: { name: 'Paused' } } });
    const edited = await readNotionRows(ws.api, table, { cursor });
    expect(edited.rows.map((r) => r.pageId)).toEqual([target.pageId]);
  });
});

describe('a data source past the query result cap', () => {
  const clock = freshClock();
  const fake = createFakeNotion({ clock, queryResultLimit: 50, recordBodies: true });
  afterAll(() => fake.close());

  it('is read completely by created_time windows (cap 50, 120 rows)', async () => {
    await fake.listen();
    const ws = await install(fake);
    const table = await ws.open('db.partners');
    const seeded = fake.rows(table.dataSourceId).length;
    for (let i = 0; i < 120 - seeded; i++) {
      if (i % 7 === 0) clock.advance(MINUTE);
      fake.seedPage({
        parent: { data_source_id: table.dataSourceId },
        properties: { Partner: { title: [{ text: { content: `Partner ${i}` } }] } },
      });
    }
    // One plain query stops at the cap.
    const capped = await fake
      .client()
      .dataSources.query({ data_source_id: table.dataSourceId, page_size: 100 });
    expect(capped.results).toHaveLength(50);
    expect(capped).toMatchObject({ has_more: false, request_status: { type: 'incomplete' } });

    fake.clearLog();
    const read = await readNotionRows(ws.api, table);
    const ids = read.rows.map((r) => r.pageId);
    expect(new Set(ids).size).toBe(120);
    expect(ids.sort()).toEqual(
      fake
        .rows(table.dataSourceId)
        .map((r) => r.id)
        .sort(),
    );
    expect(read.stats.windows).toBe(2);
    expect(read.stats.queries).toBe(fake.count('dataSources.query'));
    expect(read.stats.queries).toBe(3); // one per window: each window's 50 results fit in one page of 100
    const windows = fake.callsTo('dataSources.query').map((c) => c.body as { filter?: unknown });
    expect(windows[0]!.filter).toBeUndefined();
    expect(windows[1]!.filter).toMatchObject({
      timestamp: 'created_time',
      created_time: { on_or_after: expect.any(String) },
    });
    expect(read.rows.every((r) => !r.trashed)).toBe(true);
    const values: RowValues[] = read.rows.map((r) => r.values);
    expect(values.filter((v) => String(v.name).startsWith('Partner ')).length).toBe(120 - seeded);
  });
});
