// Reconciling with what Notion actually did: synced relation names, our own writes' times, late duplicates.
import type { UpdateDataSourceParameters } from '@notionhq/client';
import type { DesiredProperty } from '../../blueprint/desired.js';
import { PnError } from '../../platform/errors.js';
import type { Duplicate } from './actual.js';
import type { NotionApi } from './api.js';
import type { Registry } from './registry.js';
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
 * The reference does not promise that a two-way relation's synced property takes the name we asked for,
 * and rollups name it: reads the name back from the update's response and renames it where it differs.
 * Returns the databases whose schema changed.
 */
export async function nameSyncedProperties(
  writer: NotionWriter,
  props: readonly DesiredProperty[],
  returned: Record<string, { type: string; relation?: unknown }>,
  dataSourceId: (dbKey: string) => string,
): Promise<string[]> {
  const renamed: string[] = [];
  for (const prop of props) {
    if (prop.type !== 'relation' || !prop.dual) continue;
    const relation = returned[prop.name]?.relation;
    if (!relation || typeof relation !== 'object' || !('dual_property' in relation)) continue;
    const dual = relation.dual_property as { synced_property_id?: string; synced_property_name?: string };
    if (!dual.synced_property_id || dual.synced_property_name === prop.dual) continue;
    const rename: UpdateDataSourceParameters['properties'] = {
      [dual.synced_property_id]: { name: prop.dual },
    };
    await writer.write(
      (c) => c.dataSources.update({ data_source_id: dataSourceId(prop.target), properties: rename }),
      true,
    );
    renamed.push(prop.target);
  }
  return renamed;
}

/**
 * Moves a second copy of a blueprint object to the trash, after checking that nobody but this
 * integration put anything in it; a copy that holds someone's work stops the run instead.
 */
export async function trashDuplicate(
  api: NotionApi,
  writer: NotionWriter,
  botId: string,
  dup: Duplicate,
): Promise<void> {
  const held = (detail: string) =>
    new PnError('OUTPUT_CONFLICT', `"${dup.title}" exists twice and the second copy ${detail}`, {
      hint: `merge the two by hand in Notion and move one to the trash (copy ${dup.id}), then run install again`,
    });
  switch (dup.kind) {
    case 'view':
      await writer.write((c) => c.views.delete({ view_id: dup.id }), true);
      return;
    case 'row':
      await writer.write((c) => c.pages.update({ page_id: dup.id, in_trash: true }), true);
      return;
    case 'hub': {
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
