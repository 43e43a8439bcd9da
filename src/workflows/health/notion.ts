// Reads what program hygiene checks from the installed Notion workspace: one schema read and one paged query per database.

import type { PageObjectResponse } from '@notionhq/client';
import type { DesiredWorkspace } from '../../blueprint/desired.js';
import {
  dataSourceIdOf,
  emptyStats,
  type NotionTable,
  openNotionTable,
  queryAll,
  type ReadStats,
  relationPageIds,
  syncValueOf,
} from '../../sync/notion-side.js';
import { findInstalled } from '../../sync/notion-source.js';
import { relationIds, relationTruncated } from '../../sync/notion-values.js';
import { mapNotionError, type NotionApi } from '../../targets/notion/api.js';
import type { Registry } from '../../targets/notion/registry.js';
import type { HealthPartner, HealthPbr, HealthRows, HealthStep, HealthTodo } from './core.js';

/** The properties each check reads, by blueprint key (names and types come from the compiled workspace). */
const READS = {
  'db.partners': ['name', 'type', 'stage', 'owner', 'signed_on', 'launch_date', 'example'],
  'db.todos': ['name', 'owner', 'due', 'status', 'partner'],
  'db.pbrs': ['name', 'partner', 'quarter', 'date'],
  'db.roadmap': ['name', 'number', 'status', 'due'],
} as const;

/**
 * An optional Partners property: the date the stage last changed, when the blueprint has one (key
 * `stage_changed`, a date the sync would set). With it the stuck-in-stage rule is exact; without it the rule
 * counts from the dates the workspace does keep (see anchorOf in core.ts).
 */
export const STAGE_CHANGED_KEY = 'stage_changed';

/** The installed workspace's registry: under --root, else under the hub the last sync (or the Start tab) names. */
export async function healthRegistry(
  api: NotionApi,
  ws: DesiredWorkspace,
  where: { rootId: string | null; hubId: string | null },
): Promise<Registry> {
  return (await findInstalled(api, ws.hub, where)).registry;
}

async function openDatabase(
  api: NotionApi,
  ws: DesiredWorkspace,
  registry: Registry,
  key: keyof typeof READS,
): Promise<NotionTable> {
  const db = ws.databases.find((d) => d.key === key);
  if (!db) throw new Error(`blueprint: no database ${key}`);
  const wanted: string[] = [...READS[key]];
  if (key === 'db.partners' && db.properties.some((p) => p.key === STAGE_CHANGED_KEY && p.type === 'date'))
    wanted.push(STAGE_CHANGED_KEY);
  const fields = wanted.map((k) => {
    const property = db.properties.find((p) => p.key === k);
    if (!property) throw new Error(`blueprint: ${key} has no property ${k}`);
    return { key: k, owner: 'notion' as const, property, relationAs: 'ids' as const };
  });
  const map = { key, database: key, title: db.title, fields };
  return openNotionTable(api, map, dataSourceIdOf(registry, key), registry);
}

type Values = Record<string, PageObjectResponse['properties'][string] | undefined>;

async function pagesOf(
  api: NotionApi,
  table: NotionTable,
  stats: ReadStats,
): Promise<{ page: PageObjectResponse; values: Values }[]> {
  const propertyIds = [...new Set(['title', ...table.columns.map((c) => c.id)])];
  const out: { page: PageObjectResponse; values: Values }[] = [];
  try {
    for await (const page of queryAll(api, { dataSourceId: table.dataSourceId, propertyIds, stats })) {
      const byId = new Map(Object.values(page.properties).map((v) => [v.id, v]));
      const values: Values = {};
      for (const c of table.columns) values[c.field.key] = byId.get(c.id);
      out.push({ page, values });
    }
  } catch (error) {
    throw mapNotionError(error, `reading the ${table.map.title} database`, table.dataSourceId);
  }
  return out;
}

const text = (v: Values[string]): string | null => {
  if (!v) return null;
  const value = syncValueOf(v);
  return typeof value === 'string' && value !== '' ? value : null;
};
const numberOf = (v: Values[string]): number | null => (v?.type === 'number' ? v.number : null);
const people = (v: Values[string]): string[] =>
  v?.type === 'people' ? v.people.map((p) => ('name' in p && p.name ? p.name : p.id)) : [];

async function related(
  api: NotionApi,
  page: PageObjectResponse,
  v: Values[string],
  stats: ReadStats,
): Promise<string[]> {
  if (!v) return [];
  return relationTruncated(v) ? relationPageIds(api, page.id, v.id, stats) : relationIds(v);
}

const titleOf = (v: Values[string]) => text(v) ?? '(untitled)';

export interface HealthRead {
  rows: Omit<HealthRows, 'sync'>;
  stats: ReadStats;
  /** Whether the Partners database records when a stage changed (the exact stuck-in-stage rule). */
  stageChangedTracked: boolean;
}

/** Partners, to-dos, PBRs and roadmap steps: 4 schema reads and ⌈rows/100⌉ queries per database. */
export async function readHealthRows(
  api: NotionApi,
  ws: DesiredWorkspace,
  registry: Registry,
): Promise<HealthRead> {
  const stats = emptyStats();
  const partnersTable = await openDatabase(api, ws, registry, 'db.partners');
  const stageChangedTracked = partnersTable.columns.some((c) => c.field.key === STAGE_CHANGED_KEY);
  const partners: HealthPartner[] = (await pagesOf(api, partnersTable, stats)).map(({ page, values }) => ({
    id: page.id,
    name: titleOf(values.name),
    type: text(values.type),
    stage: text(values.stage),
    owners: people(values.owner),
    signedOn: text(values.signed_on),
    launchDate: text(values.launch_date),
    created: page.created_time.slice(0, 10),
    ...(stageChangedTracked ? { stageChanged: text(values[STAGE_CHANGED_KEY]) } : {}),
    example: values.example?.type === 'checkbox' && values.example.checkbox,
  }));

  const todos: HealthTodo[] = [];
  for (const { page, values } of await pagesOf(api, await openDatabase(api, ws, registry, 'db.todos'), stats))
    todos.push({
      id: page.id,
      name: titleOf(values.name),
      owners: people(values.owner),
      due: text(values.due),
      status: text(values.status),
      partnerIds: await related(api, page, values.partner, stats),
    });

  const pbrs: HealthPbr[] = [];
  for (const { page, values } of await pagesOf(api, await openDatabase(api, ws, registry, 'db.pbrs'), stats))
    pbrs.push({
      id: page.id,
      name: titleOf(values.name),
      partnerIds: await related(api, page, values.partner, stats),
      quarter: text(values.quarter),
      date: text(values.date),
    });

  const roadmapTable = await openDatabase(api, ws, registry, 'db.roadmap');
  const roadmap: HealthStep[] = (await pagesOf(api, roadmapTable, stats)).map(({ page, values }) => ({
    id: page.id,
    name: titleOf(values.name),
    number: numberOf(values.number),
    status: text(values.status),
    due: text(values.due),
  }));

  return { rows: { partners, todos, pbrs, roadmap }, stats, stageChangedTracked };
}
