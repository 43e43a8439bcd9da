// Page property values: validation against the data source schema, dual-relation sync, and the response form.
import type { PageObjectResponse } from '@notionhq/client';
import { expectArray, expectRecord, expectString, isRecord, normalizeDate, notionUrl } from './common.js';
import { bodyInvalid, describe, tooLong, validationError } from './errors.js';
import { normalizeRichText } from './rich-text.js';
import { optionName } from './schema.js';
import {
  type DataSourceRecord,
  type NotionState,
  normalizeId,
  notionTime,
  type PageRecord,
  type PropertyRecord,
  type SelectOption,
  type StoredValue,
  safeDecode,
} from './state.js';

export type PagePropertyValue = PageObjectResponse['properties'][string];

export const RELATION_WRITE_LIMIT = 100;
export const PEOPLE_WRITE_LIMIT = 100;
export const MULTI_SELECT_LIMIT = 100;
/** Retrieve-a-page returns at most 25 references per property (`has_more` says there are more). */
export const PAGE_REFERENCE_LIMIT = 25;

const VALUE_KEYS = [
  'title',
  'rich_text',
  'number',
  'url',
  'select',
  'multi_select',
  'people',
  'email',
  'phone_number',
  'date',
  'checkbox',
  'relation',
  'files',
  'status',
  'place',
  'verification',
  'formula',
  'rollup',
  'created_time',
  'created_by',
  'last_edited_time',
  'last_edited_by',
  'unique_id',
] as const;

const COMPUTED = new Set([
  'formula',
  'rollup',
  'created_time',
  'created_by',
  'last_edited_time',
  'last_edited_by',
  'unique_id',
]);

export interface PreparedWrite {
  values: Map<string, StoredValue>;
  newOptions: { property: PropertyRecord; option: SelectOption }[];
}

function valueKey(raw: Record<string, unknown>, path: string): string {
  if (typeof raw.type === 'string') return raw.type;
  const present = VALUE_KEYS.filter((k) => raw[k] !== undefined);
  if (present.length !== 1) {
    throw bodyInvalid(
      path,
      `should be a property value object with exactly one type, instead was ${describe(raw)}`,
    );
  }
  return present[0]!;
}

function nullableString(value: unknown, path: string, max: number): string | null {
  return value === null ? null : expectString(value, path, max);
}

function choose(
  state: NotionState,
  property: PropertyRecord,
  options: readonly SelectOption[],
  pending: PreparedWrite['newOptions'],
  raw: unknown,
  path: string,
  allowNew: boolean,
): string {
  const ref = expectRecord(raw, path);
  if (ref.id !== undefined) {
    const byId = options.find((o) => o.id === ref.id) ?? pending.find((p) => p.option.id === ref.id)?.option;
    if (!byId)
      throw validationError(
        `Select option with id ${String(ref.id)} does not exist for ${property.name} (${path}.id).`,
      );
    return byId.id;
  }
  const name = optionName(ref.name, `${path}.name`);
  const known =
    options.find((o) => o.name === name) ??
    pending.find((p) => p.property === property && p.option.name === name)?.option;
  if (known) return known.id;
  const clash =
    options.find((o) => o.name.toLowerCase() === name.toLowerCase()) ??
    pending.find((p) => p.property === property && p.option.name.toLowerCase() === name.toLowerCase())
      ?.option;
  if (clash) {
    throw validationError(
      `Select option "${name}" differs only by case from the existing option "${clash.name}" of ${property.name} (${path}.name).`,
    );
  }
  if (!allowNew)
    throw validationError(
      `Invalid status option. Status option "${name}" does not exist for ${property.name}.`,
    );
  const option: SelectOption = { id: state.ids.nextShort('o'), name, color: 'default', description: null };
  pending.push({ property, option });
  return option.id;
}

function idList(value: unknown, path: string, limit: number): string[] {
  const items = expectArray(value, path);
  if (items.length > limit) throw tooLong(path, limit, items.length);
  const ids = items.map((entry, index) => {
    const ref = expectRecord(entry, `${path}[${index}]`);
    const id = normalizeId(ref.id);
    if (!id)
      throw bodyInvalid(`${path}[${index}].id`, `should be a valid uuid, instead was ${describe(ref.id)}`);
    return id;
  });
  return [...new Set(ids)];
}

function prepareOne(
  state: NotionState,
  property: PropertyRecord,
  raw: Record<string, unknown>,
  path: string,
  pending: PreparedWrite['newOptions'],
): StoredValue {
  const config = property.config;
  const key = valueKey(raw, path);
  if (key !== config.type) throw validationError(`${property.name} is expected to be ${config.type}.`);
  if (COMPUTED.has(key))
    throw validationError(`${property.name} is a ${key} property and cannot be written.`);
  const value = raw[key];
  const at = `${path}.${key}`;
  switch (config.type) {
    case 'title':
    case 'rich_text':
      return { type: config.type, items: normalizeRichText(state, value, at) };
    case 'number':
      if (value !== null && (typeof value !== 'number' || !Number.isFinite(value))) {
        throw bodyInvalid(at, `should be a number or \`null\`, instead was ${describe(value)}`);
      }
      return { type: 'number', value: value as number | null };
    case 'checkbox':
      if (typeof value !== 'boolean')
        throw bodyInvalid(at, `should be a boolean, instead was ${describe(value)}`);
      return { type: 'checkbox', value };
    case 'select':
      return {
        type: 'select',
        optionId: value === null ? null : choose(state, property, config.options, pending, value, at, true),
      };
    case 'status':
      return {
        type: 'status',
        optionId: value === null ? null : choose(state, property, config.options, pending, value, at, false),
      };
    case 'multi_select': {
      const items = expectArray(value, at);
      if (items.length > MULTI_SELECT_LIMIT) throw tooLong(at, MULTI_SELECT_LIMIT, items.length);
      const ids = items.map((item, index) =>
        choose(state, property, config.options, pending, item, `${at}[${index}]`, true),
      );
      return { type: 'multi_select', optionIds: [...new Set(ids)] };
    }
    case 'date':
      return { type: 'date', value: value === null ? null : normalizeDate(value, at) };
    case 'relation': {
      const ids = idList(value, at, RELATION_WRITE_LIMIT);
      for (const id of ids) {
        const target = state.pages.get(id);
        const parent = target?.parent;
        if (parent?.type !== 'data_source_id' || parent.data_source_id !== config.dataSourceId) {
          throw validationError(
            `Relation ${property.name} can only link pages of data source ${config.dataSourceId}; ${id} is not one of them.`,
          );
        }
      }
      return { type: 'relation', ids };
    }
    case 'people': {
      const ids = idList(value, at, PEOPLE_WRITE_LIMIT);
      for (const id of ids)
        if (!state.users.has(id)) throw validationError(`User ${id} does not exist (${at}).`);
      return { type: 'people', ids };
    }
    case 'url':
      return { type: 'url', value: nullableString(value, at, 2000) };
    case 'email':
      return { type: 'email', value: nullableString(value, at, 200) };
    case 'phone_number':
      return { type: 'phone_number', value: nullableString(value, at, 200) };
    case 'files': {
      const items = expectArray(value, at);
      const files = items.map((entry, index) => {
        const file = expectRecord(entry, `${at}[${index}]`);
        const name = expectString(file.name, `${at}[${index}].name`, 100);
        if (isRecord(file.external)) {
          return {
            name,
            type: 'external' as const,
            external: { url: expectString(file.external.url, `${at}[${index}].external.url`, 2000) },
          };
        }
        throw validationError(`The fake Notion API only models external files (${at}[${index}]).`);
      });
      return { type: 'files', files };
    }
    default:
      throw validationError(`${property.name} is a ${config.type} property and cannot be written.`);
  }
}

/**
 * Validates a `properties` object of a page create/update. Nothing is stored: the caller commits the
 * result with `commitValues` once the whole request is valid.
 */
export function prepareValues(
  state: NotionState,
  dataSource: DataSourceRecord | undefined,
  input: unknown,
  path = 'body.properties',
): PreparedWrite {
  const prepared: PreparedWrite = { values: new Map(), newOptions: [] };
  if (input === undefined) return prepared;
  const properties = expectRecord(input, path);
  for (const [key, raw] of Object.entries(properties)) {
    const at = `${path}.${key}`;
    const value = expectRecord(raw, at);
    if (!dataSource) {
      // A page outside a data source has one property: its title.
      if (key !== 'title') throw validationError(`${key} is not a property that exists.`);
      if (valueKey(value, at) !== 'title') throw validationError('title is expected to be title.');
      prepared.values.set('title', {
        type: 'title',
        items: normalizeRichText(state, value.title, `${at}.title`),
      });
      continue;
    }
    const property = state.propertyByKey(dataSource, key);
    if (!property) throw validationError(`${key} is not a property that exists.`);
    prepared.values.set(property.id, prepareOne(state, property, value, at, prepared.newOptions));
  }
  return prepared;
}

/** Stores validated values: new select options join the schema; dual relations update the other side. */
export function commitValues(
  state: NotionState,
  page: PageRecord,
  dataSource: DataSourceRecord | undefined,
  prepared: PreparedWrite,
  actor: string,
): void {
  for (const { property, option } of prepared.newOptions) {
    if (property.config.type === 'select' || property.config.type === 'multi_select') {
      if (!property.config.options.some((o) => o.id === option.id)) property.config.options.push(option);
    }
  }
  for (const [id, value] of prepared.values) {
    const property = dataSource && state.propertyById(dataSource, id);
    if (
      property?.config.type === 'relation' &&
      property.config.syncedPropertyId &&
      value.type === 'relation'
    ) {
      const previous = page.values.get(id);
      syncRelation(
        state,
        page.id,
        property,
        previous?.type === 'relation' ? previous.ids : [],
        value.ids,
        actor,
      );
    }
    page.values.set(id, value);
  }
}

/** Keeps the synced property of a dual relation in step: B lists A exactly when A lists B. */
function syncRelation(
  state: NotionState,
  pageId: string,
  property: PropertyRecord,
  before: string[],
  after: string[],
  actor: string,
): void {
  if (property.config.type !== 'relation' || !property.config.syncedPropertyId) return;
  // Whether the other side's last_edited_time moves is not documented; `dualRelationBumpsOther` picks.
  const bump = (other: PageRecord) => {
    if (state.dualRelationBumpsOther) state.touch(other, actor);
  };
  const syncedId = property.config.syncedPropertyId;
  const removed = before.filter((id) => !after.includes(id));
  const added = after.filter((id) => !before.includes(id));
  for (const id of removed) {
    const other = state.pages.get(id);
    const current = other?.values.get(syncedId);
    if (other && current?.type === 'relation' && current.ids.includes(pageId)) {
      other.values.set(syncedId, { type: 'relation', ids: current.ids.filter((x) => x !== pageId) });
      bump(other);
    }
  }
  for (const id of added) {
    const other = state.pages.get(id);
    if (!other) continue;
    const current = other.values.get(syncedId);
    const ids = current?.type === 'relation' ? current.ids : [];
    if (!ids.includes(pageId)) {
      other.values.set(syncedId, { type: 'relation', ids: [...ids, pageId] });
      bump(other);
    }
  }
}

function optionValue(options: readonly SelectOption[], id: string | null) {
  const option = id ? options.find((o) => o.id === id) : undefined;
  return option ? { id: option.id, name: option.name, color: option.color } : null;
}

function relatedPages(state: NotionState, page: PageRecord, relationId: string): PageRecord[] {
  const value = page.values.get(relationId);
  if (value?.type !== 'relation') return [];
  return value.ids.map((id) => state.pages.get(id)).filter((p): p is PageRecord => !!p && !p.inTrash);
}

function rollupNumber(fn: string, numbers: number[], count: number): number | null | undefined {
  const sorted = [...numbers].sort((a, b) => a - b);
  switch (fn) {
    case 'count':
      return count;
    case 'count_values':
      return numbers.length;
    case 'sum':
      return numbers.reduce((a, b) => a + b, 0);
    case 'average':
      return numbers.length ? numbers.reduce((a, b) => a + b, 0) / numbers.length : null;
    case 'median': {
      if (!sorted.length) return null;
      const mid = Math.floor(sorted.length / 2);
      return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    }
    case 'min':
      return sorted.length ? sorted[0]! : null;
    case 'max':
      return sorted.length ? sorted[sorted.length - 1]! : null;
    case 'range':
      return sorted.length ? sorted[sorted.length - 1]! - sorted[0]! : null;
    default:
      return undefined;
  }
}

/**
 * A person in a page's people property as Notion renders it for an integration that may read user
 * information (without email addresses): name and avatar; anyone else (a bot) as a bare reference.
 * /reference/user: "The remaining properties may appear if the user is being rendered in a rich text or
 * page property context, and the bot has the correct capabilities".
 */
function personValue(state: NotionState, userId: string) {
  const user = state.users.get(userId);
  if (user?.type !== 'person') return { object: 'user' as const, id: userId };
  return {
    object: 'user' as const,
    id: userId,
    type: 'person' as const,
    name: user.name,
    avatar_url: user.avatar_url,
    person: {},
  };
}

/** One property of a page in the form Retrieve-a-page and queries return it (25 references at most). */
export function renderValue(
  state: NotionState,
  dataSource: DataSourceRecord | undefined,
  page: PageRecord,
  property: PropertyRecord,
): PagePropertyValue {
  const id = property.id;
  const stored = page.values.get(id);
  const config = property.config;
  switch (config.type) {
    case 'title':
    case 'rich_text': {
      const items = stored?.type === config.type ? stored.items : [];
      return config.type === 'title'
        ? { id, type: 'title', title: items }
        : { id, type: 'rich_text', rich_text: items };
    }
    case 'number':
      return { id, type: 'number', number: stored?.type === 'number' ? stored.value : null };
    case 'checkbox':
      return { id, type: 'checkbox', checkbox: stored?.type === 'checkbox' ? stored.value : false };
    case 'select':
      return {
        id,
        type: 'select',
        select: optionValue(config.options, stored?.type === 'select' ? stored.optionId : null),
      };
    case 'status':
      return {
        id,
        type: 'status',
        status: optionValue(config.options, stored?.type === 'status' ? stored.optionId : null),
      };
    case 'multi_select': {
      const ids = stored?.type === 'multi_select' ? stored.optionIds : [];
      return {
        id,
        type: 'multi_select',
        multi_select: ids.map((o) => optionValue(config.options, o)).filter((o) => o !== null),
      };
    }
    case 'date':
      return { id, type: 'date', date: stored?.type === 'date' ? stored.value : null };
    case 'relation': {
      const ids = stored?.type === 'relation' ? stored.ids : [];
      const value: PagePropertyValue & { has_more: boolean } = {
        id,
        type: 'relation',
        relation: ids.slice(0, PAGE_REFERENCE_LIMIT).map((x) => ({ id: x })),
        has_more: ids.length > PAGE_REFERENCE_LIMIT,
      };
      return value;
    }
    case 'people': {
      const ids = stored?.type === 'people' ? stored.ids : [];
      return {
        id,
        type: 'people',
        people: ids.slice(0, PAGE_REFERENCE_LIMIT).map((x) => personValue(state, x)),
      };
    }
    case 'url':
      return { id, type: 'url', url: stored?.type === 'url' ? stored.value : null };
    case 'email':
      return { id, type: 'email', email: stored?.type === 'email' ? stored.value : null };
    case 'phone_number':
      return {
        id,
        type: 'phone_number',
        phone_number: stored?.type === 'phone_number' ? stored.value : null,
      };
    case 'files':
      return { id, type: 'files', files: stored?.type === 'files' ? stored.files : [] };
    case 'formula':
      // The fake does not evaluate Notion formulas; a formula reads as an empty string.
      return { id, type: 'formula', formula: { type: 'string', string: null } };
    case 'rollup': {
      const related = relatedPages(state, page, config.relationPropertyId);
      const relation = dataSource && state.propertyById(dataSource, config.relationPropertyId);
      const target =
        relation?.config.type === 'relation'
          ? state.dataSources.get(relation.config.dataSourceId)
          : undefined;
      const rolled = target && state.propertyById(target, config.rollupPropertyId);
      const numbers = rolled
        ? related
            .map((p) => p.values.get(rolled.id))
            .flatMap((v) => (v?.type === 'number' && v.value !== null ? [v.value] : []))
        : [];
      const result = rollupNumber(config.function, numbers, related.length);
      if (result === undefined) {
        return {
          id,
          type: 'rollup',
          rollup: { type: 'unsupported', unsupported: {}, function: config.function },
        };
      }
      return { id, type: 'rollup', rollup: { type: 'number', number: result, function: config.function } };
    }
    case 'created_time':
      return { id, type: 'created_time', created_time: notionTime(page.createdTime) };
    case 'last_edited_time':
      return { id, type: 'last_edited_time', last_edited_time: notionTime(page.lastEditedTime) };
    case 'created_by':
      return { id, type: 'created_by', created_by: { object: 'user', id: page.createdBy } };
    case 'last_edited_by':
      return { id, type: 'last_edited_by', last_edited_by: { object: 'user', id: page.lastEditedBy } };
    case 'unique_id':
      return {
        id,
        type: 'unique_id',
        unique_id: { prefix: config.prefix, number: stored?.type === 'unique_id' ? stored.number : null },
      };
  }
}

/** All properties of a page keyed by name; `only` (ids or names) trims the set like `filter_properties`. */
export function renderProperties(
  state: NotionState,
  page: PageRecord,
  only?: readonly string[],
): PageObjectResponse['properties'] {
  if (page.parent.type !== 'data_source_id') {
    const title = page.values.get('title');
    return { title: { id: 'title', type: 'title', title: title?.type === 'title' ? title.items : [] } };
  }
  const dataSource = state.dataSources.get(page.parent.data_source_id)!;
  const wanted = only && only.length > 0 ? new Set(only) : undefined;
  // Ids may arrive URL-encoded or decoded (the SDK decodes them); names are accepted too (unverified).
  const named = (p: PropertyRecord) =>
    !wanted || wanted.has(p.id) || wanted.has(safeDecode(p.id)) || wanted.has(p.name);
  return Object.fromEntries(
    dataSource.properties.filter(named).map((p) => [p.name, renderValue(state, dataSource, page, p)]),
  );
}

export function renderPage(
  state: NotionState,
  page: PageRecord,
  only?: readonly string[],
): PageObjectResponse {
  const parent: PageObjectResponse['parent'] =
    page.parent.type === 'page_id'
      ? { type: 'page_id', page_id: page.parent.page_id }
      : page.parent.type === 'data_source_id'
        ? {
            type: 'data_source_id',
            data_source_id: page.parent.data_source_id,
            database_id: page.parent.database_id,
          }
        : { type: 'workspace', workspace: true };
  return {
    object: 'page',
    id: page.id,
    created_time: notionTime(page.createdTime),
    last_edited_time: notionTime(page.lastEditedTime),
    in_trash: page.inTrash,
    archived: page.inTrash,
    is_archived: page.inTrash,
    is_locked: page.isLocked,
    url: notionUrl(page.id),
    public_url: null,
    parent,
    properties: renderProperties(state, page, only),
    icon: page.icon,
    cover: page.cover,
    created_by: { object: 'user', id: page.createdBy },
    last_edited_by: { object: 'user', id: page.lastEditedBy },
  };
}
