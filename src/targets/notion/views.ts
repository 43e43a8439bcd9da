// Pure builders for view requests: a blueprint view + the data source's property IDs -> the body Notion takes.
import type { NotionViewSpec } from '../../blueprint/schema.js';
import type { CreateViewRequest, UpdateViewRequest } from './request-types.js';

export interface SchemaProperty {
  id: string;
  type: string;
}

/**
 * The view Notion makes with every new database ("Working with views", default behavior) is a table:
 * the blueprint's first table view takes it over (renamed and configured) instead of leaving it beside.
 */
export function reusesDefaultView(views: readonly NotionViewSpec[], view: NotionViewSpec): boolean {
  return view.type === 'table' && views.find((v) => v.type === 'table') === view;
}

/** Whether a view's settings name properties by ID (a board's group, a calendar's or timeline's dates). */
export function viewNeedsIds(view: NotionViewSpec): boolean {
  return view.type === 'board' || view.type === 'calendar' || view.type === 'timeline';
}

/** The layout, filter and sorts of a view; shared by create and by the update that takes over the default view. */
export function viewSettings(
  view: NotionViewSpec,
  schema: ReadonlyMap<string, SchemaProperty>,
): Pick<CreateViewRequest, 'configuration' | 'filter' | 'sorts'> {
  const property = (name: string, path: string): SchemaProperty => {
    const found = schema.get(name);
    if (!found) throw new Error(`view "${view.name}": ${path} names "${name}", which the data source lacks`);
    return found;
  };
  const settings: Pick<CreateViewRequest, 'configuration' | 'filter' | 'sorts'> = {};
  if (view.type === 'board') {
    if (!view.group_by) throw new Error(`view "${view.name}": a board needs group_by`);
    const group = property(view.group_by, 'group_by');
    if (group.type !== 'select' && group.type !== 'multi_select')
      throw new Error(`view "${view.name}": group_by must be a select or multi-select property`);
    settings.configuration = {
      type: 'board',
      group_by: { type: group.type, property_id: group.id, sort: { type: 'manual' } },
    };
  }
  if (view.type === 'calendar' || view.type === 'timeline') {
    if (!view.date) throw new Error(`view "${view.name}": a ${view.type} needs a date property`);
    const date = property(view.date, 'date');
    settings.configuration =
      view.type === 'calendar'
        ? { type: 'calendar', date_property_id: date.id }
        : {
            type: 'timeline',
            date_property_id: date.id,
            ...(view.end_date ? { end_date_property_id: property(view.end_date, 'end_date').id } : {}),
          };
  }
  if (view.type === 'form') {
    if (view.group_by || view.date || view.sort || view.filter)
      throw new Error(`view "${view.name}": a form takes no group_by, date, sort or filter`);
    // The form's one setting we choose (SDK FormViewConfigRequest): open to submissions from the start.
    settings.configuration = { type: 'form', is_form_closed: false };
  }
  if (view.sort) settings.sorts = [{ property: view.sort.property, direction: view.sort.direction }];
  if (view.filter)
    settings.filter = { property: view.filter.property, checkbox: { equals: view.filter.checkbox } };
  return settings;
}

/** POST /v1/views: `database_id` is the parent (exactly one of database_id, view_id, create_database). */
export function createViewRequest(
  view: NotionViewSpec,
  ids: { databaseId: string; dataSourceId: string },
  schema: ReadonlyMap<string, SchemaProperty>,
): CreateViewRequest {
  return {
    database_id: ids.databaseId,
    data_source_id: ids.dataSourceId,
    name: view.name,
    type: view.type,
    ...viewSettings(view, schema),
  };
}

/** PATCH /v1/views/{id}: the default table view renamed and configured as the blueprint's first table view. */
export function takeOverViewRequest(
  view: NotionViewSpec,
  schema: ReadonlyMap<string, SchemaProperty>,
): UpdateViewRequest {
  return { name: view.name, ...viewSettings(view, schema) };
}
