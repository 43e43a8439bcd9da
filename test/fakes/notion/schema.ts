// Data source schemas: property configuration requests, dual relations kept in sync, and the response form.
import type { DataSourceObjectResponse } from '@notionhq/client';
import { expectRecord, expectString, isRecord, SELECT_COLORS, selectColor } from './common.js';
import { bodyInvalid, describe, notFound, validationError } from './errors.js';
import { plainText } from './rich-text.js';
import {
  type DataSourceRecord,
  type NotionState,
  normalizeId,
  type PropertyConfig,
  type PropertyRecord,
  type RollupFunction,
  type SelectOption,
  type StatusGroup,
} from './state.js';

export type PropertyConfigResponse = DataSourceObjectResponse['properties'][string];

const SIMPLE_TYPES = [
  'title',
  'rich_text',
  'url',
  'people',
  'files',
  'email',
  'phone_number',
  'date',
  'checkbox',
  'created_by',
  'created_time',
  'last_edited_by',
  'last_edited_time',
] as const;
const CONFIG_TYPES = [
  ...SIMPLE_TYPES,
  'number',
  'formula',
  'select',
  'multi_select',
  'status',
  'relation',
  'rollup',
  'unique_id',
] as const;
/** Types the SDK accepts but the fake does not model; asking for them fails loudly instead of silently. */
const UNMODELLED_TYPES = ['button', 'location', 'verification', 'last_visited_time', 'place'] as const;

const ROLLUP_FUNCTIONS: readonly RollupFunction[] = [
  'count',
  'count_values',
  'empty',
  'not_empty',
  'unique',
  'show_unique',
  'percent_empty',
  'percent_not_empty',
  'sum',
  'average',
  'median',
  'min',
  'max',
  'range',
  'earliest_date',
  'latest_date',
  'date_range',
  'checked',
  'unchecked',
  'percent_checked',
  'percent_unchecked',
  'count_per_group',
  'percent_per_group',
  'show_original',
];

/** The property type a configuration object names (`{ number: {...} }` or `{ type: 'number', number: {...} }`). */
function configType(value: Record<string, unknown>, path: string): PropertyConfig['type'] {
  const keys = [...CONFIG_TYPES, ...UNMODELLED_TYPES] as readonly string[];
  const declared = typeof value.type === 'string' ? value.type : undefined;
  const present = declared ? [declared] : keys.filter((k) => value[k] !== undefined);
  const type = present[0];
  if (present.length !== 1 || !type || !keys.includes(type) || value[type] === undefined) {
    throw bodyInvalid(
      path,
      `should be a property configuration with exactly one type, instead was ${describe(value)}`,
    );
  }
  if ((UNMODELLED_TYPES as readonly string[]).includes(type)) {
    throw validationError(`The fake Notion API does not model \`${type}\` properties (${path}).`);
  }
  return type as PropertyConfig['type'];
}

function parseOptions(
  state: NotionState,
  value: unknown,
  path: string,
  existing: readonly SelectOption[] = [],
): SelectOption[] {
  if (value === undefined) return [...existing];
  if (!Array.isArray(value)) throw bodyInvalid(path, `should be an array, instead was ${describe(value)}`);
  // The options sent replace the list: an existing option left out is removed (as Notion does), one sent
  // again by id or name keeps its id and colour.
  const result: SelectOption[] = [];
  value.forEach((raw, index) => {
    const at = `${path}[${index}]`;
    const option = expectRecord(raw, at);
    const known =
      (typeof option.id === 'string' && existing.find((o) => o.id === option.id)) ||
      (typeof option.name === 'string' && existing.find((o) => o.name === option.name)) ||
      undefined;
    if (known) result.push({ ...known });
    const match = known ? result[result.length - 1] : undefined;
    if (match) {
      if (option.name !== undefined) match.name = optionName(option.name, `${at}.name`);
      match.color = selectColor(option.color, `${at}.color`, match.color);
      if (option.description !== undefined)
        match.description = option.description === null ? null : String(option.description);
      return;
    }
    if (typeof option.id === 'string' && option.name === undefined) {
      throw validationError(`Select option with id ${option.id} does not exist (${at}).`);
    }
    result.push({
      id: state.ids.nextShort('o'),
      name: optionName(option.name, `${at}.name`),
      color: selectColor(option.color, `${at}.color`, SELECT_COLORS[result.length % SELECT_COLORS.length]!),
      description: typeof option.description === 'string' ? option.description : null,
    });
  });
  const seen = new Map<string, string>();
  for (const option of result) {
    const key = option.name.toLowerCase();
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw validationError(
        `Select option names must be unique, ignoring case: "${earlier}" and "${option.name}" (${path}).`,
      );
    }
    seen.set(key, option.name);
  }
  return result;
}

/**
 * `prop("Name")` references of a formula expression. `x.prop("Name")` (a property of a related page or
 * of `current` inside map/filter) names another data source's property and is not one of them.
 */
const PROP_REFERENCE = /(?<![.\w])prop\(\s*"((?:[^"\\]|\\.)*)"\s*\)/g;

export function formulaReferences(expression: string): string[] {
  return [...expression.matchAll(PROP_REFERENCE)].map((m) => m[1]!.replace(/\\(.)/g, '$1'));
}

/** A formula may only name properties of its own data source (as the request leaves it). */
export function checkFormulaReferences(
  property: PropertyRecord,
  siblings: readonly PropertyRecord[],
  path: string,
): void {
  if (property.config.type !== 'formula') return;
  for (const name of formulaReferences(property.config.expression)) {
    if (!siblings.some((p) => p.name === name)) {
      throw validationError(
        `Formula of ${property.name} refers to prop("${name}"), which is not a property of this data source (${path}.formula.expression).`,
      );
    }
  }
}

/** The expression with renamed properties' references following the rename (each name mapped once). */
export function renameFormulaReferences(expression: string, renames: readonly [string, string][]): string {
  if (renames.length === 0) return expression;
  const map = new Map(renames);
  return expression.replace(PROP_REFERENCE, (whole, raw: string) => {
    const to = map.get(raw.replace(/\\(.)/g, '$1'));
    return to === undefined ? whole : `prop("${to.replace(/["\\]/g, '\\$&')}")`;
  });
}

export function optionName(value: unknown, path: string): string {
  const name = expectString(value, path, 100);
  if (name.includes(','))
    throw validationError(`Select option names cannot contain commas (${path}: "${name}").`);
  if (!name.trim()) throw bodyInvalid(path, 'should not be empty');
  return name;
}

function defaultStatus(state: NotionState): { options: SelectOption[]; groups: StatusGroup[] } {
  const option = (name: string, color: SelectOption['color']): SelectOption => ({
    id: state.ids.nextShort('o'),
    name,
    color,
    description: null,
  });
  const options = [option('Not started', 'default'), option('In progress', 'blue'), option('Done', 'green')];
  const group = (name: string, color: SelectOption['color'], ids: string[]): StatusGroup => ({
    id: state.ids.nextShort('g'),
    name,
    color,
    option_ids: ids,
  });
  return {
    options,
    groups: [
      group('To-do', 'gray', [options[0]!.id]),
      group('In progress', 'blue', [options[1]!.id]),
      group('Complete', 'green', [options[2]!.id]),
    ],
  };
}

export interface ParsedConfig {
  config: PropertyConfig;
  /** For a dual relation: the synced property to create on the target data source. */
  dual?: { syncedName: string | undefined };
}

/**
 * Parses one property configuration. `siblings` are the data source's properties (for rollups);
 * `previous` is the property's current config when updating.
 */
export function parseConfig(
  state: NotionState,
  value: Record<string, unknown>,
  path: string,
  siblings: readonly PropertyRecord[],
  previous?: PropertyConfig,
): ParsedConfig {
  const type = configType(value, path);
  const body = value[type];
  const at = `${path}.${type}`;
  if (!isRecord(body)) throw bodyInvalid(at, `should be an object, instead was ${describe(body)}`);
  switch (type) {
    case 'number':
      return {
        config: {
          type,
          format:
            body.format === undefined
              ? previous?.type === 'number'
                ? previous.format
                : 'number'
              : expectString(body.format, `${at}.format`),
        },
      };
    case 'formula':
      return {
        config: {
          type,
          expression: body.expression === undefined ? '' : expectString(body.expression, `${at}.expression`),
        },
      };
    case 'select':
    case 'multi_select': {
      const kept = previous?.type === type ? previous.options.map((o) => ({ ...o })) : [];
      return { config: { type, options: parseOptions(state, body.options, `${at}.options`, kept) } };
    }
    case 'status': {
      if (previous?.type === 'status') {
        // update-data-source-properties: a status property's options cannot be changed through the API.
        if (body.options !== undefined) {
          throw validationError(
            `The options of a status property cannot be updated via the API (${at}.options).`,
          );
        }
        return {
          config: { type, options: previous.options.map((o) => ({ ...o })), groups: previous.groups },
        };
      }
      if (body.options === undefined) return { config: { type, ...defaultStatus(state) } };
      const options = parseOptions(state, body.options, `${at}.options`);
      const groups = defaultStatus(state).groups.map((g, i) => ({
        ...g,
        option_ids: i === 0 ? options.map((o) => o.id) : [],
      }));
      return { config: { type, options, groups } };
    }
    case 'relation': {
      const target = normalizeId(body.data_source_id);
      if (!target) {
        throw bodyInvalid(
          `${at}.data_source_id`,
          `should be a valid uuid, instead was ${describe(body.data_source_id)}`,
        );
      }
      if (!state.dataSources.has(target) || !state.isShared(target)) throw notFound('data_source', target);
      const dual = body.dual_property !== undefined || body.type === 'dual_property';
      if (!dual && body.single_property === undefined) {
        throw bodyInvalid(at, 'should have exactly one of `single_property`, `dual_property`');
      }
      if (!dual) return { config: { type, dataSourceId: target, syncedPropertyId: null } };
      const options = isRecord(body.dual_property) ? body.dual_property : {};
      const syncedName =
        options.synced_property_name === undefined
          ? undefined
          : expectString(options.synced_property_name, `${at}.dual_property.synced_property_name`);
      return { config: { type, dataSourceId: target, syncedPropertyId: null }, dual: { syncedName } };
    }
    case 'rollup': {
      if (
        typeof body.function !== 'string' ||
        !(ROLLUP_FUNCTIONS as readonly string[]).includes(body.function)
      ) {
        throw bodyInvalid(
          `${at}.function`,
          `should be a rollup function, instead was ${describe(body.function)}`,
        );
      }
      const relationKey = body.relation_property_id ?? body.relation_property_name;
      const relation = siblings.find((p) => p.id === relationKey || p.name === relationKey);
      if (relation?.config.type !== 'relation') {
        throw validationError(
          `Rollup relation property ${String(relationKey)} is not a relation property that exists (${at}).`,
        );
      }
      const targetSource = state.dataSources.get(relation.config.dataSourceId)!;
      const rollupKey = body.rollup_property_id ?? body.rollup_property_name;
      const rolled = targetSource.properties.find((p) => p.id === rollupKey || p.name === rollupKey);
      if (!rolled) {
        throw validationError(
          `Rollup property ${String(rollupKey)} does not exist on the related data source (${at}).`,
        );
      }
      return {
        config: {
          type,
          function: body.function as RollupFunction,
          relationPropertyId: relation.id,
          rollupPropertyId: rolled.id,
        },
      };
    }
    case 'unique_id':
      return {
        config: {
          type,
          prefix:
            body.prefix === undefined || body.prefix === null
              ? null
              : expectString(body.prefix, `${at}.prefix`),
          next: previous?.type === 'unique_id' ? previous.next : 1,
        },
      };
    default:
      return { config: { type } };
  }
}

function uniqueName(dataSource: DataSourceRecord, wanted: string): string {
  let name = wanted;
  for (let n = 1; dataSource.properties.some((p) => p.name === name); n += 1) name = `${wanted} (${n})`;
  return name;
}

/** Adds the synced side of a dual relation to its target data source and links both sides. */
export function linkDualRelation(
  state: NotionState,
  source: DataSourceRecord,
  property: PropertyRecord,
  syncedName: string | undefined,
): void {
  if (property.config.type !== 'relation') return;
  const target = state.dataSources.get(property.config.dataSourceId)!;
  const wanted = state.syncedPropertyNames === 'as_requested' ? syncedName : undefined;
  const synced: PropertyRecord = {
    id: state.ids.nextShort('p'),
    name: uniqueName(
      target,
      wanted ?? `Related to ${plainText(source.title) || 'Untitled'} (${property.name})`,
    ),
    description: null,
    config: { type: 'relation', dataSourceId: source.id, syncedPropertyId: property.id },
  };
  target.properties.push(synced);
  property.config.syncedPropertyId = synced.id;
}

/** Removes the link from the other side of a dual relation (it becomes a one-way relation). */
export function unlinkDualRelation(state: NotionState, property: PropertyRecord): void {
  if (property.config.type !== 'relation' || !property.config.syncedPropertyId) return;
  const target = state.dataSources.get(property.config.dataSourceId);
  const synced = target && state.propertyById(target, property.config.syncedPropertyId);
  if (synced?.config.type === 'relation') synced.config.syncedPropertyId = null;
}

export function renderProperty(
  state: NotionState,
  dataSource: DataSourceRecord,
  p: PropertyRecord,
): PropertyConfigResponse {
  const common = { id: p.id, name: p.name, description: p.description };
  const c = p.config;
  switch (c.type) {
    case 'number':
      return { ...common, type: 'number', number: { format: c.format } };
    case 'formula':
      return { ...common, type: 'formula', formula: { expression: c.expression } };
    case 'select':
      return { ...common, type: 'select', select: { options: c.options.map((o) => ({ ...o })) } };
    case 'multi_select':
      return { ...common, type: 'multi_select', multi_select: { options: c.options.map((o) => ({ ...o })) } };
    case 'status':
      return {
        ...common,
        type: 'status',
        status: {
          options: c.options.map((o) => ({ ...o })),
          groups: c.groups.map((g) => ({ ...g, option_ids: [...g.option_ids] })),
        },
      };
    case 'relation': {
      const target = state.dataSources.get(c.dataSourceId);
      const ids = { database_id: target?.databaseId ?? '', data_source_id: c.dataSourceId };
      const synced =
        c.syncedPropertyId && target ? state.propertyById(target, c.syncedPropertyId) : undefined;
      if (synced) {
        return {
          ...common,
          type: 'relation',
          relation: {
            ...ids,
            type: 'dual_property',
            dual_property: { synced_property_id: synced.id, synced_property_name: synced.name },
          },
        };
      }
      return {
        ...common,
        type: 'relation',
        relation: { ...ids, type: 'single_property', single_property: {} },
      };
    }
    case 'rollup': {
      const relation = state.propertyById(dataSource, c.relationPropertyId);
      const target =
        relation?.config.type === 'relation'
          ? state.dataSources.get(relation.config.dataSourceId)
          : undefined;
      const rolled = target ? state.propertyById(target, c.rollupPropertyId) : undefined;
      return {
        ...common,
        type: 'rollup',
        rollup: {
          function: c.function,
          relation_property_id: c.relationPropertyId,
          relation_property_name: relation?.name ?? '',
          rollup_property_id: c.rollupPropertyId,
          rollup_property_name: rolled?.name ?? '',
        },
      };
    }
    case 'unique_id':
      return { ...common, type: 'unique_id', unique_id: { prefix: c.prefix } };
    case 'title':
      return { ...common, type: 'title', title: {} };
    case 'rich_text':
      return { ...common, type: 'rich_text', rich_text: {} };
    case 'url':
      return { ...common, type: 'url', url: {} };
    case 'people':
      return { ...common, type: 'people', people: {} };
    case 'files':
      return { ...common, type: 'files', files: {} };
    case 'email':
      return { ...common, type: 'email', email: {} };
    case 'phone_number':
      return { ...common, type: 'phone_number', phone_number: {} };
    case 'date':
      return { ...common, type: 'date', date: {} };
    case 'checkbox':
      return { ...common, type: 'checkbox', checkbox: {} };
    case 'created_by':
      return { ...common, type: 'created_by', created_by: {} };
    case 'created_time':
      return { ...common, type: 'created_time', created_time: {} };
    case 'last_edited_by':
      return { ...common, type: 'last_edited_by', last_edited_by: {} };
    case 'last_edited_time':
      return { ...common, type: 'last_edited_time', last_edited_time: {} };
  }
}
