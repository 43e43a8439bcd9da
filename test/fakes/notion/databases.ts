// Databases and their data sources: create, update (schema changes, dual relations) and the response objects.
import type { DatabaseObjectResponse, DataSourceObjectResponse } from '@notionhq/client';
import {
  expectRecord,
  expectString,
  isRecord,
  normalizeCover,
  normalizeIcon,
  notionUrl,
  optionalBoolean,
} from './common.js';
import { archivedEdit, bodyInvalid, describe, notFound, validationError, workspaceParent } from './errors.js';
import { normalizeRichText, plainText } from './rich-text.js';
import {
  checkFormulaReferences,
  linkDualRelation,
  type ParsedConfig,
  parseConfig,
  renameFormulaReferences,
  renderProperty,
  unlinkDualRelation,
} from './schema.js';
import {
  type DatabaseRecord,
  type DataSourceRecord,
  type NotionState,
  normalizeId,
  notionTime,
  type PropertyRecord,
} from './state.js';
import { createDefaultView } from './views.js';

const MAX_PROPERTY_NAME = 100;

function isRollup(value: Record<string, unknown>): boolean {
  return value.type === 'rollup' || (value.type === undefined && value.rollup !== undefined);
}

function description(value: unknown, path: string): string | null {
  return value === undefined || value === null ? null : expectString(value, path, 280);
}

interface Draft {
  record: PropertyRecord;
  dual?: ParsedConfig['dual'];
}

/** Parses a full schema (`properties` of a create request) into property records; rollups after relations. */
function parseSchema(state: NotionState, value: unknown, path: string): Draft[] {
  const properties = expectRecord(value, path);
  const drafts: Draft[] = [];
  const entries = Object.entries(properties);
  const ordered = [
    ...entries.filter(([, v]) => !isRecord(v) || !isRollup(v)),
    ...entries.filter(([, v]) => isRecord(v) && isRollup(v)),
  ];
  for (const [name, raw] of ordered) {
    const at = `${path}.${name}`;
    if (!name.trim()) throw bodyInvalid(path, 'should not have an empty property name');
    if (name.length > MAX_PROPERTY_NAME) throw validationError(`Property name is too long (${at}).`);
    const config = expectRecord(raw, at);
    const parsed = parseConfig(
      state,
      config,
      at,
      drafts.map((d) => d.record),
    );
    const id = parsed.config.type === 'title' ? 'title' : state.ids.nextShort('p');
    drafts.push({
      record: {
        id,
        name,
        description: description(config.description, `${at}.description`),
        config: parsed.config,
      },
      dual: parsed.dual,
    });
  }
  const titles = drafts.filter((d) => d.record.config.type === 'title').length;
  if (titles !== 1) {
    throw validationError(
      `A data source must have exactly one title property, instead had ${titles} (${path}).`,
    );
  }
  const records = drafts.map((d) => d.record);
  for (const draft of drafts) checkFormulaReferences(draft.record, records, `${path}.${draft.record.name}`);
  // Keep the caller's order (rollups were parsed last only to resolve their relation).
  const order = new Map(entries.map(([name], index) => [name, index]));
  return drafts.sort((a, b) => order.get(a.record.name)! - order.get(b.record.name)!);
}

export function createDataSource(
  state: NotionState,
  database: DatabaseRecord,
  input: { properties: unknown; title: unknown; icon: unknown },
  path: string,
  actor: string,
): DataSourceRecord {
  const drafts = parseSchema(state, input.properties, `${path}.properties`);
  const title =
    input.title === undefined ? [...database.title] : normalizeRichText(state, input.title, `${path}.title`);
  const icon = normalizeIcon(input.icon, `${path}.icon`);
  const record: DataSourceRecord = {
    ...state.stamp(state.ids.next('data_source'), actor),
    databaseId: database.id,
    title,
    description: [],
    icon,
    properties: drafts.map((d) => d.record),
  };
  state.dataSources.set(record.id, record);
  database.dataSourceIds.push(record.id);
  for (const draft of drafts) {
    if (draft.dual) linkDualRelation(state, record, draft.record, draft.dual.syncedName);
  }
  return record;
}

/** POST /v1/databases */
export function createDatabase(
  state: NotionState,
  body: Record<string, unknown>,
  actor: string,
): DatabaseRecord {
  const parentRaw = expectRecord(body.parent, 'body.parent');
  let parent: DatabaseRecord['parent'];
  if (parentRaw.type === 'workspace' || parentRaw.workspace === true) {
    if (!state.bypassSharing) throw workspaceParent();
    parent = { type: 'workspace', workspace: true };
  } else {
    const pageId = normalizeId(parentRaw.page_id);
    if (!pageId)
      throw bodyInvalid(
        'body.parent.page_id',
        `should be a valid uuid, instead was ${describe(parentRaw.page_id)}`,
      );
    const page = state.pages.get(pageId);
    if (!page || !state.isShared(pageId)) throw notFound('page', pageId);
    if (page.inTrash) throw archivedEdit();
    if (page.parent.type === 'data_source_id') {
      throw validationError('Databases can only be created under pages that are not in a data source.');
    }
    parent = { type: 'page_id', page_id: pageId };
  }
  const title = body.title === undefined ? [] : normalizeRichText(state, body.title, 'body.title');
  const initial =
    body.initial_data_source === undefined
      ? {}
      : expectRecord(body.initial_data_source, 'body.initial_data_source');
  const database: DatabaseRecord = {
    ...state.stamp(state.ids.next('database'), actor),
    parent,
    title,
    description:
      body.description === undefined ? [] : normalizeRichText(state, body.description, 'body.description'),
    isInline: optionalBoolean(body.is_inline, 'body.is_inline', false),
    isLocked: false,
    icon: normalizeIcon(body.icon, 'body.icon'),
    cover: normalizeCover(body.cover, 'body.cover'),
    dataSourceIds: [],
    viewIds: [],
  };
  // A database is a block: it counts against the Free workspace block limit.
  state.checkBlockLimit(1);
  // createDataSource validates the whole schema before it stores anything, so a bad request changes nothing.
  const properties = initial.properties ?? { Name: { title: {} } };
  const dataSource = createDataSource(
    state,
    database,
    { properties, title: undefined, icon: undefined },
    'body.initial_data_source',
    actor,
  );
  state.databases.set(database.id, database);
  createDefaultView(state, database, dataSource.id, actor);
  state.countBlocks(1);
  if (parent.type === 'page_id') {
    const page = state.pages.get(parent.page_id)!;
    page.children.push(database.id);
    state.touch(page, actor);
  } else {
    state.shared.add(database.id);
  }
  return database;
}

/** PATCH /v1/data_sources/:id — title, icon, trash and schema changes (add, rename, retype, delete). */
export function updateDataSource(
  state: NotionState,
  dataSource: DataSourceRecord,
  body: Record<string, unknown>,
  actor: string,
): void {
  if (body.parent !== undefined)
    throw validationError('The fake Notion API does not model moving data sources.');
  const title = body.title === undefined ? undefined : normalizeRichText(state, body.title, 'body.title');
  const icon = body.icon === undefined ? undefined : normalizeIcon(body.icon, 'body.icon');
  const trash = body.in_trash ?? body.archived;
  if (trash !== undefined && typeof trash !== 'boolean')
    throw bodyInvalid('body.in_trash', 'should be a boolean');
  if (dataSource.inTrash && trash !== false) throw archivedEdit();

  const next = dataSource.properties.map((p) => ({ ...p, config: structuredClone(p.config) }));
  const removed: PropertyRecord[] = [];
  const retyped = new Set<string>();
  const duals: Draft[] = [];
  /** Properties whose configuration this request sets, and the renames it makes. */
  const configured = new Map<PropertyRecord, string>();
  const renames: [from: string, to: string][] = [];
  if (body.properties !== undefined) {
    const changes = expectRecord(body.properties, 'body.properties');
    for (const [key, raw] of Object.entries(changes)) {
      const at = `body.properties.${key}`;
      const index = next.findIndex((p) => p.name === key || p.id === key);
      const existing = index >= 0 ? next[index] : undefined;
      if (raw === null) {
        if (!existing) throw validationError(`${key} is not a property that exists.`);
        if (existing.config.type === 'title')
          throw validationError('Cannot delete the title property of a data source.');
        removed.push(existing);
        next.splice(index, 1);
        continue;
      }
      const change = expectRecord(raw, at);
      const newName =
        change.name === undefined ? undefined : expectString(change.name, `${at}.name`, MAX_PROPERTY_NAME);
      if (newName !== undefined && next.some((p) => p.name === newName && p !== existing)) {
        throw validationError(`A property named ${newName} already exists (${at}.name).`);
      }
      const hasConfig = Object.keys(change).some((k) => k !== 'name' && k !== 'description');
      if (!existing) {
        if (!hasConfig) throw validationError(`${key} is not a property that exists.`);
        const parsed = parseConfig(state, change, at, next);
        if (parsed.config.type === 'title')
          throw validationError('A data source can only have one title property.');
        const record: PropertyRecord = {
          id: state.ids.nextShort('p'),
          name: newName ?? key,
          description: description(change.description, `${at}.description`),
          config: parsed.config,
        };
        next.push(record);
        configured.set(record, at);
        if (parsed.dual) duals.push({ record, dual: parsed.dual });
        continue;
      }
      if (newName !== undefined && newName !== existing.name) renames.push([existing.name, newName]);
      if (newName !== undefined) existing.name = newName;
      if (change.description !== undefined)
        existing.description = description(change.description, `${at}.description`);
      if (!hasConfig) continue;
      const parsed = parseConfig(state, change, at, next, existing.config);
      if (existing.config.type === 'title' && parsed.config.type !== 'title') {
        throw validationError('Cannot change the type of the title property.');
      }
      if (parsed.config.type !== existing.config.type) {
        retyped.add(existing.id);
        if (existing.config.type === 'relation') removed.push({ ...existing });
      }
      if (parsed.config.type === 'relation' && existing.config.type === 'relation') {
        parsed.config.syncedPropertyId = existing.config.syncedPropertyId;
      }
      existing.config = parsed.config;
      configured.set(existing, at);
      if (parsed.dual && (parsed.config.type !== 'relation' || !parsed.config.syncedPropertyId)) {
        duals.push({ record: existing, dual: parsed.dual });
      }
    }
  }

  // Notion's formulas refer to properties by id, so a rename carries over into the formulas that use it.
  for (const property of next) {
    if (property.config.type === 'formula' && !configured.has(property)) {
      property.config.expression = renameFormulaReferences(property.config.expression, renames);
    }
  }
  for (const [property, at] of configured) checkFormulaReferences(property, next, at);

  // Everything validated: apply.
  for (const gone of removed) unlinkDualRelation(state, gone);
  const dropped = new Set([...removed.map((p) => p.id), ...retyped]);
  if (dropped.size > 0) {
    for (const page of state.pages.values()) {
      if (page.parent.type === 'data_source_id' && page.parent.data_source_id === dataSource.id) {
        for (const id of dropped) page.values.delete(id);
      }
    }
  }
  dataSource.properties = next;
  for (const draft of duals) linkDualRelation(state, dataSource, draft.record, draft.dual?.syncedName);
  if (title) dataSource.title = title;
  if (icon !== undefined) dataSource.icon = icon;
  if (typeof trash === 'boolean') dataSource.inTrash = trash;
  state.touch(dataSource, actor);
}

/** PATCH /v1/databases/:id — title, description, icon, cover, inline, trash, lock. */
export function updateDatabase(
  state: NotionState,
  database: DatabaseRecord,
  body: Record<string, unknown>,
  actor: string,
): void {
  if (body.parent !== undefined)
    throw validationError('The fake Notion API does not model moving databases.');
  const trash = body.in_trash ?? body.archived;
  if (trash !== undefined && typeof trash !== 'boolean')
    throw bodyInvalid('body.in_trash', 'should be a boolean');
  if (database.inTrash && trash !== false) throw archivedEdit();
  const title = body.title === undefined ? undefined : normalizeRichText(state, body.title, 'body.title');
  const desc =
    body.description === undefined
      ? undefined
      : normalizeRichText(state, body.description, 'body.description');
  const icon = body.icon === undefined ? undefined : normalizeIcon(body.icon, 'body.icon');
  const cover = body.cover === undefined ? undefined : normalizeCover(body.cover, 'body.cover');
  if (title) database.title = title;
  if (desc) database.description = desc;
  if (icon !== undefined) database.icon = icon;
  if (cover !== undefined) database.cover = cover;
  if (body.is_inline !== undefined)
    database.isInline = optionalBoolean(body.is_inline, 'body.is_inline', false);
  if (body.is_locked !== undefined)
    database.isLocked = optionalBoolean(body.is_locked, 'body.is_locked', false);
  if (typeof trash === 'boolean') database.inTrash = trash;
  state.touch(database, actor);
}

export function renderDatabase(state: NotionState, database: DatabaseRecord): DatabaseObjectResponse {
  return {
    object: 'database',
    id: database.id,
    title: database.title,
    description: database.description,
    parent:
      database.parent.type === 'page_id'
        ? { type: 'page_id', page_id: database.parent.page_id }
        : { type: 'workspace', workspace: true },
    is_inline: database.isInline,
    in_trash: database.inTrash,
    archived: database.inTrash,
    is_locked: database.isLocked,
    created_time: notionTime(database.createdTime),
    last_edited_time: notionTime(database.lastEditedTime),
    data_sources: database.dataSourceIds.map((id) => ({
      id,
      name: plainText(state.dataSources.get(id)?.title ?? []),
    })),
    icon: database.icon,
    cover: database.cover,
    url: notionUrl(database.id),
    public_url: null,
  };
}

export function renderDataSource(state: NotionState, dataSource: DataSourceRecord): DataSourceObjectResponse {
  const database = state.databases.get(dataSource.databaseId)!;
  return {
    object: 'data_source',
    id: dataSource.id,
    title: dataSource.title,
    description: dataSource.description,
    parent: { type: 'database_id', database_id: database.id },
    database_parent:
      database.parent.type === 'page_id'
        ? { type: 'page_id', page_id: database.parent.page_id }
        : { type: 'workspace', workspace: true },
    is_inline: database.isInline,
    in_trash: dataSource.inTrash || database.inTrash,
    archived: dataSource.inTrash || database.inTrash,
    created_time: notionTime(dataSource.createdTime),
    last_edited_time: notionTime(dataSource.lastEditedTime),
    created_by: { object: 'user', id: dataSource.createdBy },
    last_edited_by: { object: 'user', id: dataSource.lastEditedBy },
    properties: Object.fromEntries(
      dataSource.properties.map((p) => [p.name, renderProperty(state, dataSource, p)]),
    ),
    icon: dataSource.icon,
    cover: null,
    url: notionUrl(dataSource.id),
    public_url: null,
  };
}
