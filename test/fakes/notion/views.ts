// Views (API 2025-09-03+): a new database's default view; create, retrieve, update, delete and list views.
import type {
  DataSourceViewObjectResponse,
  ListDatabaseViewsResponse,
  PartialDataSourceViewObjectResponse,
} from '@notionhq/client';
import { pathId, type RouteContext, requireDatabase, requireDataSource } from './access.js';
import { expectRecord, expectString, isRecord } from './common.js';
import { bodyInvalid, describe, NotionApiError, validationError } from './errors.js';
import { compileFilter, compileSorts, pageSize, slice } from './query.js';
import {
  type DatabaseRecord,
  type DataSourceRecord,
  type NotionState,
  normalizeId,
  notionTime,
  type ViewRecord,
} from './state.js';

export type { ViewRecord } from './state.js';

/**
 * The name of the table view Notion makes with every new database. The working-with-views guide says a
 * database is created with a default view but the fake's authors could not read its name there:
 * CONFORMANCE.md lists the name as unverified. Find the default view by position and type, not by name.
 */
export const DEFAULT_VIEW_NAME = 'Default view';

const VIEW_TYPES = ['table', 'board', 'list', 'calendar', 'timeline', 'gallery', 'form'] as const;
type ViewType = ViewRecord['type'];
/** Types the API has but the fake does not model; asking for them fails loudly instead of silently. */
const UNMODELLED_TYPES = ['chart', 'map', 'dashboard'];
/**
 * A form view's configuration fields and their values (CONFORMANCE.md, Views: the form rows). Every one is
 * optional and nullable; a value of another type or outside the list is a 400.
 */
const FORM_FLAGS = ['is_form_closed', 'anonymous_submissions'] as const;
const SUBMISSION_PERMISSIONS = ['none', 'comment_only', 'reader', 'read_and_write', 'editor'];
/** Exactly one of these says where a new view goes (create-view reference). */
const VIEW_PARENTS = ['database_id', 'view_id', 'create_database'] as const;

/** Every view in the workspace by id (kept for tests that inspect views directly). */
export function views(state: NotionState): Map<string, ViewRecord> {
  return state.views;
}

/** The table view a new database comes with ("Working with views", default behavior). */
export function createDefaultView(
  state: NotionState,
  database: DatabaseRecord,
  dataSourceId: string,
  actor: string,
): ViewRecord {
  const now = state.now();
  const view: ViewRecord = {
    id: state.ids.next('view'),
    dataSourceId,
    databaseId: database.id,
    name: DEFAULT_VIEW_NAME,
    type: 'table',
    configuration: null,
    sorts: null,
    filter: null,
    createdTime: now,
    createdBy: actor,
    lastEditedTime: now,
    lastEditedBy: actor,
  };
  state.views.set(view.id, view);
  database.viewIds.push(view.id);
  return view;
}

function propertyById(dataSource: DataSourceRecord, id: unknown, path: string, types: readonly string[]) {
  const propertyId = expectString(id, path);
  const prop = dataSource.properties.find((p) => p.id === propertyId);
  if (!prop)
    throw validationError(
      `Property with id ${propertyId} does not exist in data source ${dataSource.id} (${path}).`,
    );
  if (!types.includes(prop.config.type)) {
    throw validationError(
      `${path} must be a ${types.join(' or ')} property; "${prop.name}" is ${prop.config.type}.`,
    );
  }
  return prop;
}

const GROUPABLE = [
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

function checkConfiguration(
  dataSource: DataSourceRecord,
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
    const prop = propertyById(
      dataSource,
      group.property_id,
      'body.configuration.group_by.property_id',
      GROUPABLE,
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
  if (type === 'form') {
    for (const flag of FORM_FLAGS) {
      if (raw[flag] != null && typeof raw[flag] !== 'boolean')
        throw bodyInvalid(
          `body.configuration.${flag}`,
          `should be a boolean, instead was ${describe(raw[flag])}`,
        );
    }
    const permissions = raw.submission_permissions;
    if (permissions != null && !SUBMISSION_PERMISSIONS.includes(String(permissions)))
      throw bodyInvalid(
        'body.configuration.submission_permissions',
        `should be one of ${SUBMISSION_PERMISSIONS.map((p) => `"${p}"`).join(', ')}, instead was ${describe(permissions)}`,
      );
  }
  if (type === 'calendar' || type === 'timeline') {
    propertyById(dataSource, raw.date_property_id, 'body.configuration.date_property_id', ['date']);
    if (type === 'timeline' && raw.end_date_property_id != null) {
      propertyById(dataSource, raw.end_date_property_id, 'body.configuration.end_date_property_id', ['date']);
    }
  }
  return { ...raw };
}

/** A view filter takes the data source query's filter shape and is checked against the schema the same way. */
function checkFilter(state: NotionState, dataSource: DataSourceRecord, raw: unknown) {
  if (raw === undefined || raw === null) return null;
  compileFilter(state, dataSource, expectRecord(raw, 'body.filter'));
  return structuredClone(raw) as Record<string, unknown>;
}

/** View sorts take the data source query's sort shape (property by name or id, or a timestamp). */
function checkSorts(state: NotionState, dataSource: DataSourceRecord, raw: unknown) {
  if (raw === undefined || raw === null) return null;
  if (!Array.isArray(raw))
    throw bodyInvalid('body.sorts', `should be an array, instead was ${describe(raw)}`);
  compileSorts(state, dataSource, raw);
  return structuredClone(raw);
}

function notModelled(path: string, what: string): NotionApiError {
  return validationError(`The fake Notion API does not model ${what} (${path}).`);
}

function render(view: ViewRecord): DataSourceViewObjectResponse {
  return {
    object: 'view',
    id: view.id,
    parent: { type: 'database_id', database_id: view.databaseId },
    name: view.name,
    type: view.type,
    created_time: notionTime(view.createdTime),
    last_edited_time: notionTime(view.lastEditedTime),
    url: `https://www.notion.so/${view.databaseId.replace(/-/g, '')}?v=${view.id.replace(/-/g, '')}`,
    data_source_id: view.dataSourceId,
    created_by: { object: 'user', id: view.createdBy },
    last_edited_by: { object: 'user', id: view.lastEditedBy },
    filter: view.filter as DataSourceViewObjectResponse['filter'],
    sorts: view.sorts as DataSourceViewObjectResponse['sorts'],
    configuration: view.configuration as DataSourceViewObjectResponse['configuration'],
  };
}

function requireView(ctx: RouteContext): ViewRecord {
  const id = pathId(ctx.params[0], 'view_id');
  const view = ctx.state.views.get(id);
  if (!view || !ctx.state.isShared(view.databaseId)) {
    throw new NotionApiError(
      404,
      'object_not_found',
      `Could not find view with ID: ${id}. Make sure the relevant pages and databases are shared with your integration.`,
    );
  }
  return view;
}

/** Where a new view goes in the database's tabs: `start`, `end` (default) or `after_view`. */
function insertAt(database: DatabaseRecord, raw: unknown): number {
  if (raw === undefined) return database.viewIds.length;
  const position = expectRecord(raw, 'body.position');
  if (position.type === 'start') return 0;
  if (position.type === 'end') return database.viewIds.length;
  if (position.type === 'after_view') {
    const after = normalizeId(position.view_id);
    const index = after ? database.viewIds.indexOf(after) : -1;
    if (index < 0) throw validationError('body.position.view_id is not a view of this database.');
    return index + 1;
  }
  throw bodyInvalid(
    'body.position.type',
    `should be one of start, end, after_view, instead was ${describe(position.type)}`,
  );
}

/** POST /v1/views */
export function createViewRoute(ctx: RouteContext): DataSourceViewObjectResponse {
  const { state, body } = ctx;
  const parents = VIEW_PARENTS.filter((key) => body[key] !== undefined);
  if (parents.length !== 1) {
    throw validationError(
      `body failed validation: exactly one of \`database_id\`, \`view_id\` or \`create_database\` should be provided, instead ${
        parents.length === 0 ? 'none was' : parents.map((p) => `\`${p}\``).join(' and ')
      }${parents.length > 1 ? ' were' : ''}.`,
    );
  }
  for (const key of ['data_source_id', 'name', 'type'] as const) {
    if (body[key] === undefined)
      throw bodyInvalid(`body.${key}`, 'should be defined, instead was `undefined`');
  }
  const name = expectString(body.name, 'body.name');
  if (UNMODELLED_TYPES.includes(String(body.type)))
    throw notModelled('body.type', `${String(body.type)} views`);
  if (!VIEW_TYPES.includes(body.type as ViewType)) {
    throw bodyInvalid(
      'body.type',
      `should be one of ${[...VIEW_TYPES, ...UNMODELLED_TYPES].map((t) => `"${t}"`).join(', ')}, instead was ${describe(body.type)}`,
    );
  }
  const type = body.type as ViewType;
  if (parents[0] === 'view_id') throw notModelled('body.view_id', 'dashboard widget views');
  if (parents[0] === 'create_database') throw notModelled('body.create_database', 'linked databases');
  if (body.quick_filters !== undefined) throw notModelled('body.quick_filters', 'quick filters');
  if (body.placement !== undefined) throw notModelled('body.placement', 'dashboard widget placement');
  if (typeof body.database_id !== 'string' || !normalizeId(body.database_id)) {
    throw bodyInvalid(
      'body.database_id',
      `should be a valid uuid, instead was ${describe(body.database_id)}`,
    );
  }
  if (typeof body.data_source_id !== 'string' || !normalizeId(body.data_source_id)) {
    throw bodyInvalid(
      'body.data_source_id',
      `should be a valid uuid, instead was ${describe(body.data_source_id)}`,
    );
  }
  const database = requireDatabase(state, body.database_id);
  const dataSource = requireDataSource(state, body.data_source_id);
  if (dataSource.databaseId !== database.id) {
    throw validationError(
      `Data source ${dataSource.id} is not a data source of database ${database.id} (body.data_source_id).`,
    );
  }
  const index = insertAt(database, body.position);
  const now = state.now();
  const view: ViewRecord = {
    id: state.ids.next('view'),
    dataSourceId: dataSource.id,
    databaseId: database.id,
    name,
    type,
    configuration: checkConfiguration(dataSource, type, body.configuration),
    sorts: checkSorts(state, dataSource, body.sorts),
    filter: checkFilter(state, dataSource, body.filter),
    createdTime: now,
    createdBy: ctx.actor,
    lastEditedTime: now,
    lastEditedBy: ctx.actor,
  };
  state.views.set(view.id, view);
  database.viewIds.splice(index, 0, view.id);
  return render(view);
}

/** GET /v1/views/:id */
export function retrieveViewRoute(ctx: RouteContext): DataSourceViewObjectResponse {
  return render(requireView(ctx));
}

/** PATCH /v1/views/:id — name, filter, sorts, configuration; omitted fields stay, `null` clears. */
export function updateViewRoute(ctx: RouteContext): DataSourceViewObjectResponse {
  const { state, body } = ctx;
  const view = requireView(ctx);
  const dataSource = state.dataSources.get(view.dataSourceId)!;
  if (body.quick_filters !== undefined && body.quick_filters !== null)
    throw notModelled('body.quick_filters', 'quick filters');
  const name = body.name === undefined ? undefined : expectString(body.name, 'body.name');
  const filter = body.filter === undefined ? undefined : checkFilter(state, dataSource, body.filter);
  const sorts = body.sorts === undefined ? undefined : checkSorts(state, dataSource, body.sorts);
  const configuration =
    body.configuration === undefined
      ? undefined
      : checkConfiguration(dataSource, view.type, body.configuration);
  if (name !== undefined) view.name = name;
  if (filter !== undefined) view.filter = filter;
  if (sorts !== undefined) view.sorts = sorts;
  if (configuration !== undefined) view.configuration = configuration;
  view.lastEditedTime = state.now();
  view.lastEditedBy = ctx.actor;
  return render(view);
}

/** DELETE /v1/views/:id — the last view of a database stays. */
export function deleteViewRoute(ctx: RouteContext): PartialDataSourceViewObjectResponse {
  const view = requireView(ctx);
  const database = ctx.state.databases.get(view.databaseId)!;
  if (database.viewIds.length <= 1) {
    throw validationError(
      `View ${view.id} is the last view of database ${database.id} and cannot be deleted; delete the database instead.`,
    );
  }
  database.viewIds = database.viewIds.filter((id) => id !== view.id);
  ctx.state.views.delete(view.id);
  return {
    object: 'view',
    id: view.id,
    parent: { type: 'database_id', database_id: view.databaseId },
    type: view.type,
  };
}

/** GET /v1/views?database_id=…|data_source_id=… — references in tab order, paginated. */
export function listViewsRoute(ctx: RouteContext): ListDatabaseViewsResponse {
  const databaseId = ctx.query.get('database_id');
  const dataSourceId = ctx.query.get('data_source_id');
  if (!databaseId && !dataSourceId) {
    throw validationError(
      'query failed validation: at least one of `database_id` or `data_source_id` should be provided.',
    );
  }
  const database = databaseId ? requireDatabase(ctx.state, databaseId) : undefined;
  const dataSource = dataSourceId ? requireDataSource(ctx.state, dataSourceId) : undefined;
  const holder = database ?? ctx.state.databases.get(dataSource!.databaseId)!;
  const ids = holder.viewIds.filter(
    (id) => !dataSource || ctx.state.views.get(id)?.dataSourceId === dataSource.id,
  );
  const size = pageSize(ctx.query.get('page_size') ?? undefined, 'query.page_size');
  const page = slice(
    ids.map((id) => ({ id })),
    ctx.query.get('start_cursor') ?? undefined,
    size,
    'query.start_cursor',
  );
  return {
    object: 'list',
    next_cursor: page.nextCursor,
    has_more: page.hasMore,
    results: page.results.map(({ id }) => ({ object: 'view' as const, id })),
    type: 'view',
    view: {},
  };
}
