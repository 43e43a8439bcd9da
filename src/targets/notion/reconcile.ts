// Reconciling with what Notion actually did: synced relation names, our own writes' times, late duplicates.
import {
  type BlockObjectResponse,
  isFullBlock,
  isFullPage,
  type ListBlockChildrenResponse,
} from '@notionhq/client';
import type { DesiredWorkspace } from '../../blueprint/desired.js';
import { PnError } from '../../platform/errors.js';
import { type Duplicate, listViews } from './actual.js';
import type { NotionApi } from './api.js';
import { REGISTRY_TITLE, type Registry, viewKey } from './registry.js';
import type { NotionWriter } from './writer.js';

/**
 * Records, for every page a run wrote (or linked to through a two-way relation), the last_edited_time
 * Notion now reports, so a later run tells a person's edit from our own writes. One query per database
 * touched, for pages edited since the run began, only the title property.
 */
export async function recordLastEdited(
  api: NotionApi,
  run: {
    since: Date;
    /** Page ID -> blueprint database key. */
    wrotePages: ReadonlyMap<string, string>;
    registry: Registry;
    dataSourceId: (dbKey: string) => string;
  },
): Promise<void> {
  if (run.wrotePages.size === 0) return;
  const entries = new Map(Object.values(run.registry.entries).map((e) => [e.id, e]));
  for (const dbKey of new Set(run.wrotePages.values())) {
    let cursor: string | undefined;
    do {
      const page = await api.call(true, (c) =>
        c.dataSources.query({
          data_source_id: run.dataSourceId(dbKey),
          filter_properties: ['title'],
          filter: {
            timestamp: 'last_edited_time',
            last_edited_time: { on_or_after: run.since.toISOString() },
          },
          page_size: 100,
          ...(cursor ? { start_cursor: cursor } : {}),
        }),
      );
      for (const result of page.results) {
        const entry = entries.get(result.id);
        if (entry && run.wrotePages.has(result.id) && 'last_edited_time' in result)
          entry.lastEditedTime = result.last_edited_time;
      }
      cursor = page.has_more ? (page.next_cursor ?? undefined) : undefined;
    } while (cursor);
  }
}

/**
 * Moves a second copy of a blueprint object to the trash, after checking that nobody but this
 * integration put anything in it; a copy that holds someone's work stops the run instead, naming both
 * copies, so a person decides which one stays.
 */
export async function trashDuplicate(
  api: NotionApi,
  writer: NotionWriter,
  botId: string,
  dup: Duplicate,
): Promise<void> {
  const held = (detail: string) =>
    new PnError(
      'OUTPUT_CONFLICT',
      `"${dup.title}" exists twice (${dup.keepId}, which the install uses, and ${dup.id}) and the second copy ${detail}; nothing of it was moved to the trash`,
      {
        hint: `merge the two by hand in Notion and move ${dup.id} to the trash (or move ${dup.keepId} there to keep the other), then run install again`,
      },
    );
  switch (dup.kind) {
    case 'view':
      await writer.write((c) => c.views.delete({ view_id: dup.id }), true);
      return;
    case 'row':
      if (dup.editedByPerson) throw held('was edited by a person');
      await writer.write((c) => c.pages.update({ page_id: dup.id, in_trash: true }), true);
      return;
    case 'hub': {
      // Any page of ours (the hub, or the registry page under it).
      const page = await api.call(true, (c) =>
        c.pages.retrieve({ page_id: dup.id, filter_properties: ['title'] }),
      );
      if ('last_edited_by' in page && page.last_edited_by.id !== botId) throw held('was edited by a person');
      for await (const block of api.children(dup.id))
        if ('created_by' in block && block.created_by.id !== botId)
          throw held('holds content a person added');
      await writer.write((c) => c.pages.update({ page_id: dup.id, in_trash: true }), true);
      return;
    }
    case 'database': {
      const database = await api.call(true, (c) => c.databases.retrieve({ database_id: dup.id }));
      for (const source of 'data_sources' in database ? database.data_sources : []) {
        const rows = await api.call(true, (c) =>
          c.dataSources.query({ data_source_id: source.id, filter_properties: ['title'], page_size: 100 }),
        );
        if (rows.results.some((r) => 'last_edited_by' in r && r.last_edited_by.id !== botId))
          throw held('holds rows a person edited');
      }
      await writer.write((c) => c.databases.update({ database_id: dup.id, in_trash: true }), true);
      return;
    }
  }
}

/** Where to look for second copies at the end of a run (see NotionApplier.reconcileLateCopies). */
export interface LateCopyScope {
  botId: string;
  rootId: string;
  desired: DesiredWorkspace;
  registry: Registry;
  /** The hub this run uses. */
  hubId: string;
  /** A hub create had an unknown outcome: other hubs of ours under the root are copies. */
  hubs: boolean;
  /** The registry page this run uses, when its create had an unknown outcome. */
  registryPage?: string;
  /** A database create had an unknown outcome: the hub is listed for second databases. */
  databases: boolean;
  /** Databases (blueprint keys) where a row create had an unknown outcome. */
  rowsOf: readonly string[];
  /** Databases where a view create had an unknown outcome. */
  viewsOf: readonly string[];
  /** The page this run uses for a seed row. */
  keptRow: (rowKey: string) => string | undefined;
  dataSourceId: (dbKey: string) => string;
}

/**
 * Blueprint objects that exist twice among what this integration created, in the places a create with an
 * unknown outcome could have put a copy. The copy kept is the one the run (and its registry) uses; for rows,
 * `editedByPerson` says whether someone edited the other copy.
 */
export async function findLateCopies(api: NotionApi, scope: LateCopyScope): Promise<Duplicate[]> {
  const out: Duplicate[] = [];
  const ours = (block: ListBlockChildrenResponse['results'][number]): block is BlockObjectResponse =>
    isFullBlock(block) && block.created_by.id === scope.botId && !block.in_trash;
  const childPages = async (parentId: string, title: string) => {
    const ids: string[] = [];
    for await (const block of api.children(parentId))
      if (ours(block) && block.type === 'child_page' && block.child_page.title === title) ids.push(block.id);
    return ids;
  };
  const { desired } = scope;
  const { hubId } = scope;
  if (scope.hubs)
    for (const id of await childPages(scope.rootId, desired.hub.title))
      if (id !== hubId)
        out.push({ kind: 'hub', key: desired.hub.key, title: desired.hub.title, keepId: hubId, id });
  if (scope.registryPage)
    for (const id of await childPages(hubId, REGISTRY_TITLE))
      if (id !== scope.registryPage)
        out.push({ kind: 'hub', key: REGISTRY_TITLE, title: REGISTRY_TITLE, keepId: scope.registryPage, id });
  if (scope.databases) {
    const databases: { id: string; title: string }[] = [];
    for await (const block of api.children(hubId))
      if (ours(block) && block.type === 'child_database')
        databases.push({ id: block.id, title: block.child_database.title });
    for (const db of desired.databases) {
      const keepId = scope.registry.entries[db.key]?.id;
      if (!keepId) continue;
      for (const copy of databases)
        if (copy.title === db.title && copy.id !== keepId)
          out.push({ kind: 'database', key: db.key, title: db.title, keepId, id: copy.id });
    }
  }
  for (const dbKey of new Set(scope.rowsOf)) {
    const db = desired.databases.find((d) => d.key === dbKey);
    if (!db) continue;
    const rows: { id: string; title: string; editedByPerson: boolean }[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.call(true, (c) =>
        c.dataSources.query({
          data_source_id: scope.dataSourceId(dbKey),
          filter_properties: ['title'],
          page_size: 100,
          ...(cursor ? { start_cursor: cursor } : {}),
        }),
      );
      for (const result of page.results) {
        if (!isFullPage(result) || result.in_trash || result.created_by.id !== scope.botId) continue;
        const title = Object.values(result.properties).find((p) => p.type === 'title');
        rows.push({
          id: result.id,
          title: title?.type === 'title' ? title.title.map((t) => t.plain_text).join('') : '',
          editedByPerson: result.last_edited_by.id !== scope.botId,
        });
      }
      cursor = page.has_more ? (page.next_cursor ?? undefined) : undefined;
    } while (cursor);
    for (const row of db.rows) {
      const keepId = scope.keptRow(row.key);
      if (!keepId) continue;
      for (const copy of rows)
        if (copy.title === row.title && copy.id !== keepId)
          out.push({
            kind: 'row',
            key: row.key,
            title: row.title,
            keepId,
            id: copy.id,
            editedByPerson: copy.editedByPerson,
          });
    }
  }
  for (const dbKey of new Set(scope.viewsOf)) {
    const db = desired.databases.find((d) => d.key === dbKey);
    if (!db) continue;
    const views = await listViews(api, scope.dataSourceId(dbKey));
    for (const view of db.views) {
      const key = viewKey(dbKey, view.name);
      const keepId = scope.registry.entries[key]?.id;
      if (!keepId) continue;
      for (const copy of views)
        if (copy.name === view.name && copy.id !== keepId)
          out.push({ kind: 'view', key, title: view.name, keepId, id: copy.id });
    }
  }
  return out;
}
