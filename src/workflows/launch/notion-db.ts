// The workflows' Notion access: a blueprint database's installed properties, filtered reads, typed creates and links.
import {
  type CreatePageParameters,
  isFullDataSource,
  isFullPage,
  type PageObjectResponse,
  type QueryDataSourceParameters,
} from '@notionhq/client';
import type { DesiredProperty, DesiredWorkspace, PlainValue } from '../../blueprint/desired.js';
import { PnError } from '../../platform/errors.js';
import { relationPageIds } from '../../sync/notion-query.js';
import { dataSourceIdOf } from '../../sync/notion-source.js';
import { mapNotionError, type NotionApi } from '../../targets/notion/api.js';
import {
  fromPropertyValue,
  type PropertyValueRequest,
  toPropertyValue,
} from '../../targets/notion/properties.js';
import type { Registry } from '../../targets/notion/registry.js';
import type { NotionWriter } from '../../targets/notion/writer.js';

export type Filter = NonNullable<QueryDataSourceParameters['filter']>;
/** One condition on one property: what `and` combines. */
export type Condition = Extract<Filter, { and: unknown }>['and'][number];

export interface WfProp {
  key: string;
  /** The property's name in the workspace now (as the install named it). */
  name: string;
  id: string;
  desired: DesiredProperty;
}

/** One blueprint database as installed: its data source and the properties a workflow reads or writes. */
export interface WfDb {
  key: string;
  title: string;
  dataSourceId: string;
  props: Map<string, WfProp>;
}

/** A page read by a workflow: values by blueprint property key; people fields as user IDs. */
export interface WfRow {
  id: string;
  title: string;
  values: Map<string, PlainValue>;
  people: Map<string, string[]>;
}

/** A value a workflow writes: a plain value, or the people of a people property. */
export type WfValue = PlainValue | { kind: 'people'; ids: string[] };

/** Opens a blueprint database: one read of its data source's schema. */
export async function openDb(
  api: NotionApi,
  ws: DesiredWorkspace,
  registry: Registry,
  key: string,
): Promise<WfDb> {
  const db = ws.databases.find((d) => d.key === key);
  if (!db) throw new PnError('INTERNAL', `the blueprint has no database ${key}`);
  const dataSourceId = dataSourceIdOf(registry, key);
  let ds: Awaited<ReturnType<NotionApi['client']['dataSources']['retrieve']>>;
  try {
    ds = await api.call(true, (c) => c.dataSources.retrieve({ data_source_id: dataSourceId }));
  } catch (error) {
    throw mapNotionError(error, `reading the ${db.title} database`, dataSourceId);
  }
  if (!isFullDataSource(ds)) throw new PnError('NOT_SHARED', `the ${db.title} database is not readable`);
  const installed = registry.entries[key]?.properties ?? {};
  const props = new Map<string, WfProp>();
  for (const p of db.properties) {
    const name = installed[p.key] ?? p.name;
    const found = ds.properties[name];
    if (found && found.type === p.type) props.set(p.key, { key: p.key, name, id: found.id, desired: p });
  }
  return { key, title: db.title, dataSourceId, props };
}

/** A property a workflow needs; a renamed or retyped one stops the run before anything is written. */
export function prop(db: WfDb, key: string): WfProp {
  const found = db.props.get(key);
  if (!found)
    throw new PnError('INPUT_INVALID', `${db.title}: the property for "${key}" is missing or changed type`, {
      hint: 'run `partnernomics install --target notion` to restore it, then run the workflow again',
    });
  return found;
}

export const relationContains = (db: WfDb, key: string, pageId: string): Condition => ({
  property: prop(db, key).id,
  relation: { contains: pageId },
});

export const titleEquals = (db: WfDb, text: string): Condition => ({
  property: prop(db, 'name').id,
  title: { equals: text },
});

export const selectEquals = (db: WfDb, key: string, option: string): Condition => ({
  property: prop(db, key).id,
  select: { equals: option },
});

async function rowOf(api: NotionApi, db: WfDb, page: PageObjectResponse): Promise<WfRow> {
  const byId = new Map(Object.values(page.properties).map((v) => [v.id, v]));
  const values = new Map<string, PlainValue>();
  const people = new Map<string, string[]>();
  let title = '';
  for (const p of db.props.values()) {
    const value = byId.get(p.id);
    if (!value) continue;
    if (value.type === 'people') {
      people.set(
        p.key,
        value.people.map((u) => u.id),
      );
      continue;
    }
    if (value.type === 'relation' && 'has_more' in value && value.has_more) {
      values.set(p.key, { kind: 'relation', rowKeys: await relationPageIds(api, page.id, p.id) });
      continue;
    }
    const plain = fromPropertyValue(value);
    if (!plain) continue;
    if (value.type === 'title' && plain.kind === 'text') title = plain.value;
    values.set(p.key, plain);
  }
  return { id: page.id, title, values, people };
}

/** Every live page of the database the filter matches, with the workflow's properties. */
export async function queryRows(api: NotionApi, db: WfDb, filter?: Filter): Promise<WfRow[]> {
  const rows: WfRow[] = [];
  const propertyIds = [...new Set([...db.props.values()].map((p) => p.id))];
  try {
    let cursor: string | undefined;
    do {
      const page = await api.call(true, (c) =>
        c.dataSources.query({
          data_source_id: db.dataSourceId,
          filter_properties: propertyIds,
          page_size: 100,
          sorts: [{ timestamp: 'created_time', direction: 'ascending' }],
          ...(filter ? { filter } : {}),
          ...(cursor ? { start_cursor: cursor } : {}),
        }),
      );
      for (const result of page.results)
        if (isFullPage(result) && !result.in_trash) rows.push(await rowOf(api, db, result));
      cursor = page.has_more ? (page.next_cursor ?? undefined) : undefined;
    } while (cursor);
  } catch (error) {
    throw mapNotionError(error, `reading the ${db.title} database`, db.dataSourceId);
  }
  return rows;
}

/** One page by ID (a partner named on the command line), with the workflow's properties. */
export async function readRow(api: NotionApi, db: WfDb, pageId: string): Promise<WfRow | null> {
  try {
    const page = await api.call(true, (c) => c.pages.retrieve({ page_id: pageId }));
    if (!isFullPage(page) || page.in_trash) return null;
    const parent = page.parent;
    if (parent.type !== 'data_source_id' || parent.data_source_id !== db.dataSourceId) return null;
    return await rowOf(api, db, page);
  } catch (error) {
    const mapped = mapNotionError(error, `reading page ${pageId}`, pageId);
    if (mapped.code === 'NOT_SHARED') return null;
    throw mapped;
  }
}

export const text = (row: WfRow, key: string): string => {
  const v = row.values.get(key);
  return v?.kind === 'text' ? v.value : '';
};
export const select = (row: WfRow, key: string): string | null => {
  const v = row.values.get(key);
  return v?.kind === 'select' ? v.value : null;
};
export const date = (row: WfRow, key: string): string | null => {
  const v = row.values.get(key);
  return v?.kind === 'date' && v.value ? v.value.slice(0, 10) : null;
};
export const related = (row: WfRow, key: string): string[] => {
  const v = row.values.get(key);
  return v?.kind === 'relation' ? v.rowKeys : [];
};

/** Page properties in request form, keyed by the installed names; relations and people as IDs. */
export function propertiesOf(db: WfDb, values: Record<string, WfValue>): CreatePageParameters['properties'] {
  const out: Record<string, PropertyValueRequest> = {};
  for (const [key, value] of Object.entries(values)) {
    const p = prop(db, key);
    if (value.kind === 'people') {
      out[p.name] = { people: value.ids.map((id) => ({ id })) };
      continue;
    }
    const request = toPropertyValue(p.desired, value, (ids) => ids);
    if (request) out[p.name] = request;
  }
  return out;
}

/**
 * Creates a row once: a create whose outcome is unknown is looked up (title and, when given, the
 * relation that scopes it) before it is sent again, so a retry never makes a second copy.
 */
export async function createRow(
  api: NotionApi,
  writer: NotionWriter,
  db: WfDb,
  values: Record<string, WfValue>,
  markdown: string,
  scope?: { key: string; pageId: string },
): Promise<string> {
  const title = values.name;
  const name = title?.kind === 'text' ? title.value : '';
  const find = async () => {
    const filter: Filter = scope
      ? { and: [titleEquals(db, name), relationContains(db, scope.key, scope.pageId)] }
      : titleEquals(db, name);
    return (await queryRows(api, db, filter))[0]?.id;
  };
  try {
    return await writer.createPage(
      { parent: { data_source_id: db.dataSourceId }, properties: propertiesOf(db, values) },
      markdown,
      () => null,
      find,
    );
  } catch (error) {
    throw mapNotionError(error, `creating "${name}" in ${db.title}`);
  }
}

/** Sets properties of an existing page (a value write: safe to retry). */
export async function updateRow(
  writer: NotionWriter,
  db: WfDb,
  pageId: string,
  values: Record<string, WfValue>,
): Promise<void> {
  try {
    await writer.write(
      (c) => c.pages.update({ page_id: pageId, properties: propertiesOf(db, values) }),
      true,
    );
  } catch (error) {
    throw mapNotionError(error, `updating page ${pageId} in ${db.title}`, pageId);
  }
}
