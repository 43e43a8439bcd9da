// The Notion side of the sync map (pure): each synced table's properties by sync field key, from the compiled workspace.
import type { DesiredProperty, DesiredWorkspace, SyncMapping, SyncOwner } from '../blueprint/desired.js';
import type { TableSpec } from './types.js';

/** How a relation reads as one synced value. */
export type RelationAs = 'titles' | 'ids';

export interface NotionField {
  /** The sync field key the planner compares under: the map's column key (as the Sheets side keys it). */
  key: string;
  owner: SyncOwner;
  /** The blueprint property it is (its key, its Notion name as installed by default, its type). */
  property: DesiredProperty;
  /**
   * Relations only: the related pages' titles (the default: the tab matches rows by name, e.g. the
   * Dashboard's SUMIFS of Metrics leads by the Partner Scoring name) or their page IDs.
   */
  relationAs?: RelationAs;
}

export interface NotionTableMap {
  /** The table key the planner and the log use: the map's tab key (as the Sheets side keys it), e.g. partner_scoring. */
  key: string;
  /** The blueprint database, e.g. db.partners (its registry key). */
  database: string;
  /** The database's title (for messages). */
  title: string;
  fields: NotionField[];
}

function tableMap(desired: DesiredWorkspace, mapping: SyncMapping): NotionTableMap {
  const db = desired.databases.find((d) => d.key === mapping.notion);
  if (!db) throw new Error(`sync map: no database ${mapping.notion}`);
  return {
    key: mapping.sheet,
    database: db.key,
    title: db.title,
    fields: mapping.fields.map((f): NotionField => {
      const property = db.properties.find((p) => p.key === f.notion);
      if (!property) throw new Error(`sync map: ${db.key} has no property ${f.notion}`);
      return {
        key: f.sheet,
        owner: f.owner,
        property,
        ...(property.type === 'relation' ? { relationAs: 'titles' as const } : {}),
      };
    }),
  };
}

/** Every synced table, in the map's order (`generate: scoring-criteria` is already one field per criterion). */
export function notionTableMaps(desired: DesiredWorkspace): NotionTableMap[] {
  return desired.sync.map((m) => tableMap(desired, m));
}

/** One synced table, by its table (tab) key or its database key. */
export function notionTableMap(desired: DesiredWorkspace, key: string): NotionTableMap {
  const mapping = desired.sync.find((m) => m.sheet === key || m.notion === key);
  if (!mapping) throw new Error(`sync map: ${key} is not synced`);
  return tableMap(desired, mapping);
}

/** The planner's view of a table: field keys and owners (the same spec the Sheets side derives). */
export function notionTableSpec(map: NotionTableMap): TableSpec {
  return { key: map.key, fields: map.fields.map((f) => ({ key: f.key, owner: f.owner })) };
}
