// Reads what the workspace holds: hub, registry, databases (schema and rows), found by registry ID or by title.
import {
  type BlockObjectResponse,
  type DataSourceObjectResponse,
  isFullBlock,
  isFullDataSource,
  isFullPage,
  type PageObjectResponse,
} from '@notionhq/client';
import pLimit from 'p-limit';
import type { DesiredWorkspace } from '../../blueprint/desired.js';
import type { NotionApi } from './api.js';
import { mapNotionError } from './api.js';
import { isStale, LEASE_PREFIX, parseLeaseTitle } from './lease.js';
import { emptyRegistry, parseRegistry, REGISTRY_TITLE, type Registry, viewKey } from './registry.js';

export interface ActualProperty {
  id: string;
  name: string;
  type: string;
  options?: string[];
}

export interface ActualRow {
  pageId: string;
  title: string;
  createdByUs: boolean;
  /** Someone other than this integration edited it last. */
  editedByPerson: boolean;
  lastEditedTime: string;
  page: PageObjectResponse;
}

export interface ActualView {
  id: string;
  name: string;
  type: string;
}

export interface ActualDatabase {
  databaseId: string;
  dataSourceId: string;
  title: string;
  properties: Map<string, ActualProperty>;
  rows: ActualRow[];
  /** Views found by listing, only when the registry did not know them all (a resumed install). */
  views: ActualView[];
}

/**
 * A blueprint object that exists more than once among what this integration created: a create whose
 * response was lost and that landed after it was looked up, or two runs at once. `keepId` holds the
 * workspace; the copy `id` is trashed if nobody but us edited it.
 */
export interface Duplicate {
  kind: 'hub' | 'database' | 'row' | 'view';
  key: string;
  title: string;
  keepId: string;
  id: string;
  /** Known from discovery for rows: a person edited the copy (it is then never trashed without asking). */
  editedByPerson?: boolean;
}

export interface ActualWorkspace {
  rootId: string;
  botId: string;
  hub: { id: string } | null;
  registryPage: { id: string; codeBlockId: string | null } | null;
  registry: Registry;
  /** The registry exactly as read, to tell cheaply whether another install wrote since. */
  registryText: string;
  /**
   * Install lock pages under the root (a killed run leaves one behind), and whether each was already stale
   * when discovery began: the install behind such a lock wrote nothing this discovery could have missed.
   */
  lockPages: { id: string; title: string; staleAtDiscovery: boolean }[];
  /** The registry could not be read (edited by hand): objects were matched by title. */
  registryDamaged: boolean;
  databases: Map<string, ActualDatabase>;
  duplicates: Duplicate[];
}

function plainTitle(items: readonly { plain_text: string }[]): string {
  return items.map((i) => i.plain_text).join('');
}

async function childBlocks(api: NotionApi, blockId: string): Promise<BlockObjectResponse[]> {
  const out: BlockObjectResponse[] = [];
  for await (const block of api.children(blockId)) if (isFullBlock(block) && !block.in_trash) out.push(block);
  return out;
}

function schemaOf(ds: DataSourceObjectResponse): Map<string, ActualProperty> {
  const props = new Map<string, ActualProperty>();
  for (const [name, p] of Object.entries(ds.properties)) {
    const options =
      p.type === 'select'
        ? p.select.options.map((o) => o.name)
        : p.type === 'multi_select'
          ? p.multi_select.options.map((o) => o.name)
          : undefined;
    props.set(name, { id: p.id, name, type: p.type, ...(options ? { options } : {}) });
  }
  return props;
}

/**
 * Every row of a data source, with only the properties in `propertyIds` (`filter_properties`): from API
 * version 2026-12-01 a query returns nothing but the title unless asked, so we always ask for what we read.
 */
async function rowsOf(
  api: NotionApi,
  dataSourceId: string,
  botId: string,
  propertyIds: string[],
): Promise<ActualRow[]> {
  const rows: ActualRow[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.call(true, (c) =>
      c.dataSources.query({
        data_source_id: dataSourceId,
        filter_properties: propertyIds,
        page_size: 100,
        ...(cursor ? { start_cursor: cursor } : {}),
      }),
    );
    for (const result of page.results) {
      if (!isFullPage(result) || result.in_trash) continue;
      const titleProp = Object.values(result.properties).find((p) => p.type === 'title');
      rows.push({
        pageId: result.id,
        title: titleProp?.type === 'title' ? plainTitle(titleProp.title) : '',
        createdByUs: result.created_by.id === botId,
        editedByPerson: result.last_edited_by.id !== botId,
        lastEditedTime: result.last_edited_time,
        page: result,
      });
    }
    cursor = page.has_more ? (page.next_cursor ?? undefined) : undefined;
  } while (cursor);
  return rows;
}

/** Every view of a data source with its name and type (the list gives only IDs: one read per view). */
export async function listViews(api: NotionApi, dataSourceId: string): Promise<ActualView[]> {
  const views: ActualView[] = [];
  let cursor: string | undefined;
  do {
    const listed = await api.call(true, (c) =>
      c.views.list({
        data_source_id: dataSourceId,
        page_size: 100,
        ...(cursor ? { start_cursor: cursor } : {}),
      }),
    );
    for (const ref of listed.results) {
      const view = await api.call(true, (c) => c.views.retrieve({ view_id: ref.id }));
      if ('name' in view) views.push({ id: view.id, name: view.name, type: view.type });
    }
    cursor = listed.has_more ? (listed.next_cursor ?? undefined) : undefined;
  } while (cursor);
  return views;
}

/** Parallel reads during discovery: enough to hide latency, well under the throttle's burst. */
const DISCOVERY_CONCURRENCY = 3;

async function readDatabase(
  api: NotionApi,
  db: DesiredWorkspace['databases'][number],
  actual: ActualWorkspace,
  dbBlocks: BlockObjectResponse[],
): Promise<ActualDatabase | undefined> {
  const entry = actual.registry.entries[db.key];
  let databaseId = entry?.id;
  let dataSourceId = entry?.dataSourceId;
  if (!databaseId || !dbBlocks.some((b) => b.id === databaseId)) {
    const byTitle = dbBlocks.find((b) => b.type === 'child_database' && b.child_database.title === db.title);
    databaseId = byTitle?.id;
    dataSourceId = undefined;
  }
  if (!databaseId) return undefined;
  if (!dataSourceId) {
    const database = await api.call(true, (c) => c.databases.retrieve({ database_id: databaseId! }));
    dataSourceId = 'data_sources' in database ? database.data_sources[0]?.id : undefined;
    if (!dataSourceId) return undefined;
  }
  const ds = await api.call(true, (c) => c.dataSources.retrieve({ data_source_id: dataSourceId! }));
  if (!isFullDataSource(ds)) return undefined;
  // Listed when a view is not recorded, or a view create's outcome was unknown (it may have landed twice).
  const views =
    db.views.some((v) => !actual.registry.entries[viewKey(db.key, v.name)]) ||
    (actual.registry.unsettled ?? []).some((k) => db.views.some((v) => viewKey(db.key, v.name) === k))
      ? await listViews(api, dataSourceId)
      : [];
  const properties = schemaOf(ds);
  const readIds = db.properties.flatMap((p) => {
    const found = properties.get(p.name);
    return found ? [found.id] : [];
  });
  return {
    databaseId,
    dataSourceId,
    title: plainTitle(ds.title),
    properties,
    rows: await rowsOf(api, dataSourceId, actual.botId, readIds),
    views,
  };
}

/**
 * Discovers the installed workspace under `rootId`. Objects are found by the ID the registry records,
 * else by their exact title among children created by this integration — so a create that was applied
 * but never recorded (a crash, a lost response) is found again instead of duplicated.
 */
export async function discover(
  api: NotionApi,
  rootId: string,
  desired: DesiredWorkspace,
): Promise<ActualWorkspace> {
  const me = await api.me();
  try {
    await api.call(true, (c) => c.pages.retrieve({ page_id: rootId, filter_properties: ['title'] }));
  } catch (error) {
    throw mapNotionError(error, 'reading the root page', rootId);
  }
  const actual: ActualWorkspace = {
    rootId,
    botId: me.id,
    hub: null,
    registryPage: null,
    registry: emptyRegistry(),
    registryText: '',
    lockPages: [],
    registryDamaged: false,
    databases: new Map(),
    duplicates: [],
  };
  const ours = (b: BlockObjectResponse) => b.created_by.id === me.id;
  const rootChildren = await childBlocks(api, rootId);
  actual.lockPages = rootChildren.flatMap((b) => {
    if (b.type !== 'child_page' || !ours(b) || !b.child_page.title.startsWith(LEASE_PREFIX)) return [];
    const lease = parseLeaseTitle(b.child_page.title);
    const staleAtDiscovery = lease ? isStale(lease.holder, lease.until, api.clock.now()) : false;
    return [{ id: b.id, title: b.child_page.title, staleAtDiscovery }];
  });
  const hubBlocks = rootChildren.filter(
    (b) => b.type === 'child_page' && ours(b) && b.child_page.title === desired.hub.title,
  );
  if (!hubBlocks.length) return actual;
  const { hubBlock, hubChildren } = await chooseHub(api, hubBlocks, ours);
  actual.hub = { id: hubBlock.id };
  for (const extra of hubBlocks.filter((b) => b.id !== hubBlock.id))
    actual.duplicates.push({
      kind: 'hub',
      key: desired.hub.key,
      title: desired.hub.title,
      keepId: hubBlock.id,
      id: extra.id,
    });

  const registryBlock = hubChildren.find(
    (b) => b.type === 'child_page' && ours(b) && b.child_page.title === REGISTRY_TITLE,
  );
  if (registryBlock) {
    const code = (await childBlocks(api, registryBlock.id)).find((b) => b.type === 'code');
    actual.registryPage = { id: registryBlock.id, codeBlockId: code?.id ?? null };
    if (code?.type === 'code') {
      actual.registryText = plainTitle(code.code.rich_text);
      const parsed = parseRegistry(actual.registryText);
      if (parsed) actual.registry = parsed;
      else actual.registryDamaged = true;
    }
  }

  const dbBlocks = hubChildren.filter((b) => b.type === 'child_database' && ours(b));
  // Databases are read side by side (the process throttle still holds the rate); results keep blueprint order.
  const limit = pLimit(DISCOVERY_CONCURRENCY);
  const found = await Promise.all(
    desired.databases.map((db) => limit(() => readDatabase(api, db, actual, dbBlocks))),
  );
  desired.databases.forEach((db, i) => {
    const read = found[i];
    if (!read) return;
    actual.databases.set(db.key, read);
    for (const extra of dbBlocks)
      if (
        extra.type === 'child_database' &&
        extra.child_database.title === db.title &&
        extra.id !== read.databaseId
      )
        actual.duplicates.push({
          kind: 'database',
          key: db.key,
          title: db.title,
          keepId: read.databaseId,
          id: extra.id,
        });
    actual.duplicates.push(
      ...rowDuplicates(db, read, actual.registry),
      ...viewDuplicates(db, read, actual.registry),
    );
  });
  return actual;
}

/**
 * Among several hubs with our title (a lost create that landed later), the one holding the registry, else
 * the one with the most children, else the oldest: the others are copies.
 */
async function chooseHub(
  api: NotionApi,
  hubBlocks: BlockObjectResponse[],
  ours: (b: BlockObjectResponse) => boolean,
): Promise<{ hubBlock: BlockObjectResponse; hubChildren: BlockObjectResponse[] }> {
  const read = await Promise.all(
    hubBlocks.map(async (b) => ({ hubBlock: b, hubChildren: await childBlocks(api, b.id) })),
  );
  const score = (h: (typeof read)[number]) =>
    (h.hubChildren.some((c) => c.type === 'child_page' && ours(c) && c.child_page.title === REGISTRY_TITLE)
      ? 1_000_000
      : 0) + h.hubChildren.length;
  return read.sort(
    (a, b) => score(b) - score(a) || a.hubBlock.created_time.localeCompare(b.hubBlock.created_time),
  )[0]!;
}

/** Of several copies of one object, the one the registry records (else the first) and the others. */
function splitCopies<T>(copies: T[], idOf: (copy: T) => string, recordedId: string | undefined) {
  const keep = copies.find((c) => idOf(c) === recordedId) ?? copies[0]!;
  return { keep, extras: copies.filter((c) => c !== keep) };
}

/** Seed rows that exist twice among the rows we created: the registry's copy (else the oldest) stays. */
function rowDuplicates(
  db: DesiredWorkspace['databases'][number],
  read: ActualDatabase,
  registry: Registry,
): Duplicate[] {
  const out: Duplicate[] = [];
  for (const row of db.rows) {
    const copies = read.rows.filter((r) => r.createdByUs && r.title === row.title);
    if (copies.length < 2) continue;
    const { keep, extras } = splitCopies(copies, (r) => r.pageId, registry.entries[row.key]?.id);
    for (const copy of extras)
      out.push({
        kind: 'row',
        key: row.key,
        title: row.title,
        keepId: keep.pageId,
        id: copy.pageId,
        editedByPerson: copy.editedByPerson,
      });
    // The copies are not rows of this database for planning purposes.
    read.rows = read.rows.filter((r) => !extras.includes(r));
  }
  return out;
}

/** Views listed under a blueprint name more than once: the registry's (else the first) stays. */
function viewDuplicates(
  db: DesiredWorkspace['databases'][number],
  read: ActualDatabase,
  registry: Registry,
): Duplicate[] {
  return db.views.flatMap((view) => {
    const key = viewKey(db.key, view.name);
    const copies = read.views.filter((v) => v.name === view.name);
    if (copies.length < 2) return [];
    const { keep, extras } = splitCopies(copies, (v) => v.id, registry.entries[key]?.id);
    return extras.map((copy) => ({
      kind: 'view' as const,
      key,
      title: view.name,
      keepId: keep.id,
      id: copy.id,
    }));
  });
}
