// Views (API 2025-09-03+): create, retrieve and list the views of a data source, checked against its schema.
import type { DataSourceViewObjectResponse, ListDatabaseViewsResponse } from '@notionhq/client';
import type { RouteContext } from './access.js';
import { requireDataSource } from './access.js';
import { expectString, isRecord } from './common.js';
import { bodyInvalid, describe, NotionApiError, validationError } from './errors.js';
import { type NotionState, notionTime } from './state.js';

const VIEW_TYPES = ['table', 'board', 'list', 'calendar', 'timeline', 'gallery'] as const;
type ViewType = (typeof VIEW_TYPES)[number];

interface ViewRecord {
  id: string;
  dataSourceId: string;
  databaseId: string;
  name: string;
  type: ViewType;
  configuration: Record<string, unknown> | null;
  sorts: unknown[] | null;
  filter: Record<string, unknown> | null;
  createdTime: number;
  createdBy: string;
}

const viewsOf = new WeakMap<NotionState, Map<string, ViewRecord>>();
export function views(state: NotionState): Map<string, ViewRecord> {
  const known = viewsOf.get(state);
  if (known) return known;
  const map = new Map<string, ViewRecord>();
  viewsOf.set(state, map);
  return map;
}

function propertyById(
  state: NotionState,
  dataSourceId: string,
  id: unknown,
  path: string,
  types: readonly string[],
) {
  const ds = state.dataSources.get(dataSourceId)!;
  const propertyId = expectString(id, path);
  const prop = ds.properties.find((p) => p.id === propertyId);
  if (!prop)
    throw validationError(
      `Property with id ${propertyId} does not exist in data source ${dataSourceId} (${path}).`,
    );
  if (!types.includes(prop.config.type)) {
    throw validationError(
      `${path} must be a ${types.join(' or ')} property; "${prop.name}" is ${prop.config.type}.`,
    );
  }
  return prop;
}

function checkConfiguration(
  state: NotionState,
  dataSourceId: string,
  type: ViewType,
  raw: unknown,
): Record<string, unknown> | null {
  if (raw === undefined || raw === null) {
    if (type === 'board') throw validationError('body.configuration.group_by is required for a board view.');
    if (type === 'calendar' || type === 'timeline')
      throw validationError(`body.configuration.date_property_id is required for a ${type} view.`);
    return null;
  }
  if (!isRecord(raw))
    throw bodyInvalid('body.configuration', `should be an object, instead was ${describe(raw)}`);
  if (raw.type !== type)
    throw validationError(`body.configuration.type should be "${type}", instead was ${describe(raw.type)}.`);
  if (type === 'board' || (type === 'table' && raw.group_by)) {
    const group = raw.group_by;
    if (!isRecord(group))
      throw bodyInvalid('body.configuration.group_by', `should be an object, instead was ${describe(group)}`);
    const groupable = [
      'select',
      'multi_select',
      'status',
      'people',
      'checkbox',
      'relation',
      'date',
      'rich_text',
      'title',
      'number',
    ];
    const prop = propertyById(
      state,
      dataSourceId,
      group.property_id,
      'body.configuration.group_by.property_id',
      groupable,
    );
    if (
      group.type !== prop.config.type &&
      !(group.type === 'text' && ['rich_text', 'title'].includes(prop.config.type))
    ) {
      throw validationError(
        `body.configuration.group_by.type should be "${prop.config.type}", instead was ${describe(group.type)}.`,
      );
    }
    if (!isRecord(group.sort) || !['manual', 'ascending', 'descending'].includes(String(group.sort.type))) {
      throw bodyInvalid(
        'body.configuration.group_by.sort',
        'should be { type: "manual" | "ascending" | "descending" }',
      );
    }
  }
  if (type === 'calendar' || type === 'timeline') {
    propertyById(state, dataSourceId, raw.date_property_id, 'body.configuration.date_property_id', ['date']);
    if (type === 'timeline' && raw.end_date_property_id != null) {
      propertyById(state, dataSourceId, raw.end_date_property_id, 'body.configuration.end_date_property_id', [
        'date',
      ]);
    }
  }
  return { ...raw };
}

function checkSorts(state: NotionState, dataSourceId: string, raw: unknown): unknown[] | null {
  if (raw === undefined || raw === null) return null;
  if (!Array.isArray(raw))
    throw bodyInvalid('body.sorts', `should be an array, instead was ${describe(raw)}`);
  const names = new Set(state.dataSources.get(dataSourceId)!.properties.map((p) => p.name));
  raw.forEach((sort, i) => {
    if (!isRecord(sort)) throw bodyInvalid(`body.sorts[${i}]`, 'should be an object');
    if (sort.property !== undefined && !names.has(String(sort.property))) {
      throw validationError(`Could not find sort property with name or id: ${String(sort.property)}`);
    }
    if (!['ascending', 'descending'].includes(String(sort.direction))) {
      throw bodyInvalid(`body.sorts[${i}].direction`, 'should be "ascending" or "descending"');
    }
  });
  return raw;
}

function checkFilter(state: NotionState, dataSourceId: string, raw: unknown): Record<string, unknown> | null {
  if (raw === undefined || raw === null) return null;
  if (!isRecord(raw)) throw bodyInvalid('body.filter', `should be an object, instead was ${describe(raw)}`);
  const names = new Set(state.dataSources.get(dataSourceId)!.properties.map((p) => p.name));
  if (raw.property !== undefined && !names.has(String(raw.property))) {
    throw validationError(`Could not find property with name or id: ${String(raw.property)}`);
  }
  return raw;
}

function render(_state: NotionState, view: ViewRecord): DataSourceViewObjectResponse {
  const time = notionTime(view.createdTime);
  return {
    object: 'view',
    id: view.id,
    parent: { type: 'database_id', database_id: view.databaseId },
    name: view.name,
    type: view.type,
    created_time: time,
    last_edited_time: time,
    url: `https://www.notion.so/${view.databaseId.replace(/-/g, '')}?v=${view.id.replace(/-/g, '')}`,
    data_source_id: view.dataSourceId,
    created_by: { object: 'user', id: view.createdBy },
    last_edited_by: { object: 'user', id: view.createdBy },
    filter: view.filter as DataSourceViewObjectResponse['filter'],
    sorts: view.sorts as DataSourceViewObjectResponse['sorts'],
    configuration: view.configuration as DataSourceViewObjectResponse['configuration'],
  };
}

export function createViewRoute(ctx: RouteContext): DataSourceViewObjectResponse {
  const body = ctx.body;
  const dataSource = requireDataSource(ctx.state, expectString(body.data_source_id, 'body.data_source_id'));
  const dataSourceId = [...ctx.state.dataSources].find(([, ds]) => ds === dataSource)![0];
  const name = expectString(body.name, 'body.name', 1000);
  if (!VIEW_TYPES.includes(body.type as ViewType)) {
    throw bodyInvalid(
      'body.type',
      `should be one of ${VIEW_TYPES.map((t) => `"${t}"`).join(', ')}, instead was ${describe(body.type)}`,
    );
  }
  const type = body.type as ViewType;
  const view: ViewRecord = {
    id: ctx.state.ids.next('block'),
    dataSourceId,
    databaseId: dataSource.databaseId,
    name,
    type,
    configuration: checkConfiguration(ctx.state, dataSourceId, type, body.configuration),
    sorts: checkSorts(ctx.state, dataSourceId, body.sorts),
    filter: checkFilter(ctx.state, dataSourceId, body.filter),
    createdTime: ctx.state.clock.now(),
    createdBy: ctx.actor,
  };
  views(ctx.state).set(view.id, view);
  return render(ctx.state, view);
}

export function retrieveViewRoute(ctx: RouteContext): DataSourceViewObjectResponse {
  const view = views(ctx.state).get(ctx.params[0] ?? '');
  if (!view || !ctx.state.isShared(view.dataSourceId)) {
    throw new NotionApiError(404, 'object_not_found', `Could not find view with ID: ${ctx.params[0]}.`);
  }
  return render(ctx.state, view);
}

export function listViewsRoute(ctx: RouteContext): ListDatabaseViewsResponse {
  const dataSourceId = ctx.query.get('data_source_id');
  const databaseId = ctx.query.get('database_id');
  if (!dataSourceId && !databaseId) throw validationError('Provide database_id or data_source_id.');
  if (dataSourceId) requireDataSource(ctx.state, dataSourceId);
  const results = [...views(ctx.state).values()]
    .filter((v) => (dataSourceId ? v.dataSourceId === dataSourceId : v.databaseId === databaseId))
    .map((v) => ({ object: 'view' as const, id: v.id }));
  return { object: 'list', next_cursor: null, has_more: false, results, type: 'view', view: {} };
}
