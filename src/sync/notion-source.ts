// Where a synced table lives in Notion: its data source from the install registry (a light read), its property IDs from the schema.
import { type BlockObjectResponse, isFullBlock, isFullDataSource } from '@notionhq/client';
import type { DesiredWorkspace } from '../blueprint/desired.js';
import { PnError } from '../platform/errors.js';
import { mapNotionError, type NotionApi } from '../targets/notion/api.js';
import { parseRegistry, REGISTRY_TITLE, type Registry } from '../targets/notion/registry.js';
import { type NotionField, type NotionTableMap, notionTableMap } from './notion-map.js';

export interface NotionColumn {
  field: NotionField;
  /** The property's ID (stable across renames): what `filter_properties` and writes name. */
  id: string;
  /** Its name in the workspace now. */
  name: string;
  /** Relations: the data source the related pages belong to. */
  targetDataSourceId?: string;
}

/** A synced table opened against the workspace: everything a read or a write-back needs. */
export interface NotionTable {
  map: NotionTableMap;
  dataSourceId: string;
  columns: NotionColumn[];
}

async function childBlocks(api: NotionApi, id: string, botId: string): Promise<BlockObjectResponse[]> {
  const out: BlockObjectResponse[] = [];
  for await (const b of api.children(id))
    if (isFullBlock(b) && !b.in_trash && b.created_by.id === botId) out.push(b);
  return out;
}

/**
 * The install registry without discovering the workspace: the hub among the root's children, the
 * registry page among the hub's, its code block (three block listings, no data-source queries).
 * Null when there is no hub or registry, or it is not readable.
 */
export async function readRegistry(
  api: NotionApi,
  rootId: string,
  hubTitle: string,
): Promise<Registry | null> {
  try {
    const me = await api.me();
    const hubs = (await childBlocks(api, rootId, me.id)).filter(
      (b) => b.type === 'child_page' && b.child_page.title === hubTitle,
    );
    for (const hub of hubs) {
      const registry = await registryUnder(api, hub.id, me.id);
      if (registry) return registry;
    }
    return null;
  } catch (error) {
    throw mapNotionError(error, 'reading the install registry', rootId);
  }
}

async function registryUnder(api: NotionApi, hubId: string, botId: string): Promise<Registry | null> {
  const page = (await childBlocks(api, hubId, botId)).find(
    (b) => b.type === 'child_page' && b.child_page.title === REGISTRY_TITLE,
  );
  if (!page) return null;
  for (const block of await childBlocks(api, page.id, botId)) {
    if (block.type !== 'code') continue;
    const registry = parseRegistry(block.code.rich_text.map((t) => t.plain_text).join(''));
    if (registry) return registry;
  }
  return null;
}

/** The install registry under a known hub page (the sync remembers the hub): two block listings. */
export async function readRegistryAtHub(api: NotionApi, hubId: string): Promise<Registry | null> {
  try {
    const me = await api.me();
    return await registryUnder(api, hubId, me.id);
  } catch (error) {
    throw mapNotionError(error, 'reading the install registry', hubId);
  }
}

/** The data source of a blueprint database, as the install recorded it. */
export function dataSourceIdOf(registry: Registry, databaseKey: string): string {
  const id = registry.entries[databaseKey]?.dataSourceId;
  if (!id)
    throw new PnError('INPUT_INVALID', `the ${databaseKey} database is not in the install registry`, {
      hint: 'run `partnernomics install --target notion` first: sync works on an installed workspace',
    });
  return id;
}

/**
 * Opens a table: one read of its data source's schema. Each synced property is found by the name the
 * install gave it (the registry's record, else the blueprint name) and must still have its type: a sync
 * never guesses which property a renamed or retyped one became.
 */
export async function openNotionTable(
  api: NotionApi,
  map: NotionTableMap,
  dataSourceId: string,
  registry?: Registry,
): Promise<NotionTable> {
  let ds: Awaited<ReturnType<NotionApi['client']['dataSources']['retrieve']>>;
  try {
    ds = await api.call(true, (c) => c.dataSources.retrieve({ data_source_id: dataSourceId }));
  } catch (error) {
    throw mapNotionError(error, `reading the ${map.title} database`, dataSourceId);
  }
  if (!isFullDataSource(ds)) throw new PnError('NOT_SHARED', `the ${map.title} database is not readable`);
  const installed = registry?.entries[map.database]?.properties ?? {};
  const problems: string[] = [];
  const columns: NotionColumn[] = [];
  for (const field of map.fields) {
    const name = installed[field.property.key] ?? field.property.name;
    const prop = ds.properties[name];
    if (!prop) problems.push(`"${name}" is missing`);
    else if (prop.type !== field.property.type)
      problems.push(`"${name}" is a ${prop.type} property, not ${field.property.type}`);
    else
      columns.push({
        field,
        id: prop.id,
        name,
        ...(prop.type === 'relation' ? { targetDataSourceId: prop.relation.data_source_id } : {}),
      });
  }
  if (problems.length)
    throw new PnError('INPUT_INVALID', `${map.title}: synced properties changed: ${problems.join('; ')}`, {
      hint: 'run `partnernomics install --target notion` to restore them, then sync again',
    });
  return { map, dataSourceId, columns };
}

/** Opens a synced table of the installed workspace by its table (tab) or database key. */
export function openSyncedTable(
  api: NotionApi,
  desired: DesiredWorkspace,
  registry: Registry,
  key: string,
): Promise<NotionTable> {
  const map = notionTableMap(desired, key);
  return openNotionTable(api, map, dataSourceIdOf(registry, map.database), registry);
}

/**
 * The installed workspace's registry and hub: the one under `rootId` (--root), else the one at `hubId` (the
 * hub a sync stored, or the Start tab's link). Stops with the fix when neither leads to an install.
 */
export async function findInstalled(
  api: NotionApi,
  hub: { key: string; title: string },
  where: { rootId: string | null; hubId: string | null; hint?: string },
): Promise<{ registry: Registry; hubId: string }> {
  const registry = where.rootId
    ? await readRegistry(api, where.rootId, hub.title)
    : where.hubId
      ? await readRegistryAtHub(api, where.hubId)
      : null;
  const hubId = registry?.entries[hub.key]?.id ?? (where.rootId ? null : where.hubId);
  if (!registry || !hubId)
    throw new PnError('INPUT_INVALID', 'no installed Partnernomics workspace found in Notion', {
      hint: where.rootId
        ? 'check --root: it must be the page `install --target notion` was run with'
        : (where.hint ?? 'pass --root <the page you installed under>'),
    });
  return { registry, hubId };
}
