// Applies a Notion plan in stages: hub, registry, databases, properties, rows (with bodies), links, updates.
import type { CreateViewResponse, UpdateDataSourceParameters, UpdateViewResponse } from '@notionhq/client';
import type {
  DesiredDatabase,
  DesiredProperty,
  DesiredRow,
  DesiredWorkspace,
} from '../../blueprint/desired.js';
import type { NotionViewSpec } from '../../blueprint/schema.js';
import { PnError } from '../../platform/errors.js';
import { type ActualWorkspace, listViews } from './actual.js';
import { mapNotionError, type NotionApi } from './api.js';
import { appendBatches, type LinkResolver, markdownToBlocks } from './blocks.js';
import {
  forwardLinks,
  linkOrder,
  linkPageBody,
  orderedRows,
  orderRowsByLinks,
  splitAtForwardLinks,
  withoutLinks,
} from './body-links.js';
import {
  dualRenames,
  type InitialSchema,
  initialSchema,
  propertyRef,
  type SyncedExpectation,
  syncedRenames,
  syncedRenamesFromSource,
} from './initial-schema.js';
import {
  bodyHash,
  describeOp,
  type NotionOp,
  type NotionPlan,
  OP_EFFECT,
  orderOps,
  STAGE_ORDER,
} from './plan.js';
import { type PropertyValueRequest, propertySchema, toPropertyValue } from './properties.js';
import { findLateCopies, recordLastEdited, trashDuplicate } from './reconcile.js';
import { REGISTRY_TITLE, type Registry, serializeRegistry, viewKey } from './registry.js';
import { createViewRequest, type SchemaProperty, takeOverViewRequest, viewNeedsIds } from './views.js';
import { NotionWriter } from './writer.js';

export interface ApplyProgress {
  stage: string;
  done: number;
  total: number;
}

export interface ApplyResult {
  hubId: string | null;
  writes: number;
  created: string[];
  updated: string[];
  /** Second copies of blueprint objects moved to the trash (see Duplicate). */
  trashed: string[];
}

/** How far our clock may run ahead of Notion's when asking for the pages edited since this run began. */
const CLOCK_SKEW_MS = 5 * 60_000;

const text = (content: string) => [{ type: 'text' as const, text: { content: content.slice(0, 2000) } }];

/** The registry JSON as code-block rich text: 2,000 characters per item. */
function registryRichText(json: string) {
  const items: { type: 'text'; text: { content: string } }[] = [];
  for (let i = 0; i < json.length; i += 2000)
    items.push({ type: 'text', text: { content: json.slice(i, i + 2000) } });
  return items;
}

export class NotionApplier {
  private readonly writer: NotionWriter;
  private readonly created: string[] = [];
  private readonly updated: string[] = [];
  private readonly trashed: string[] = [];
  private readonly rowIds = new Map<string, string>();
  private readonly links: { pageId: string; db: DesiredDatabase; row: DesiredRow }[] = [];
  /** Pages this run wrote or linked to, by page ID -> blueprint database key (see recordLastEdited). */
  private readonly wrotePages = new Map<string, string>();
  /** Edit times of pages as their create left them, while nothing else this run wrote to them. */
  private readonly createdTimes = new Map<string, string>();

  /** A write to a page after its create (or to a page made before): its edit time is read back at the end. */
  private touch(pageId: string, dbKey: string): void {
    this.wrotePages.set(pageId, dbKey);
    this.createdTimes.delete(pageId);
  }
  private hubId: string | null;
  private registryPage: { id: string; codeBlockId: string | null } | null;
  /**
   * Creates this run sent whose outcome was unknown (a timeout, a lost answer, a 5xx): such a request may be
   * applied later than every lookup, while the run goes on, so the run ends by looking for second copies.
   */
  private readonly unsure = {
    hub: false,
    registry: false,
    databases: false,
    rows: new Set<string>(),
    views: new Set<string>(),
  };
  private savedRegistry: string;

  constructor(
    private readonly api: NotionApi,
    private readonly desired: DesiredWorkspace,
    private readonly actual: ActualWorkspace,
    private readonly registry: Registry,
    private readonly onProgress: (p: ApplyProgress) => void = () => undefined,
    private readonly now: () => Date = () => new Date(),
    private readonly hooks: { beforeOp?: () => Promise<void> } = {},
  ) {
    this.writer = new NotionWriter(api);
    this.linkOrder = linkOrder(orderedRows(desired));
    this.hubId = actual.hub?.id ?? null;
    this.registryPage = actual.registryPage;
    this.savedRegistry = actual.registryPage?.codeBlockId ? serializeRegistry(actual.registry) : '';
    for (const [dbKey, db] of actual.databases) {
      const desiredDb = desired.databases.find((d) => d.key === dbKey);
      for (const row of desiredDb?.rows ?? []) {
        const entry = registry.entries[row.key];
        const found = entry ? db.rows.find((r) => r.pageId === entry.id) : undefined;
        if (found) this.rowIds.set(row.key, found.pageId);
      }
    }
  }

  /**
   * The lookup of a create, marking that the create's outcome was unknown: a writer looks a create up only
   * after an unknown outcome (see NotionWriter.createOnce), so a call of `find` is that signal.
   */
  private lookup<T>(mark: () => void, find: () => Promise<T>): () => Promise<T> {
    return () => {
      mark();
      return find();
    };
  }

  /** Marks a key whose create had an unknown outcome: later runs list its views to find a late copy. */
  private unsettle(key: string): void {
    const keys = new Set(this.registry.unsettled ?? []);
    keys.add(key);
    this.registry.unsettled = [...keys].sort();
  }

  /** Counts a finished operation the way the plan summary counts it (OP_EFFECT), so the two always agree. */
  private done(op: NotionOp, key: string): void {
    const effect = OP_EFFECT[op.kind];
    (effect === 'create' ? this.created : effect === 'update' ? this.updated : this.trashed).push(key);
  }

  private write<T>(run: (client: NotionApi['client']) => Promise<T>, idempotent = false): Promise<T> {
    return this.writer.write(run, idempotent);
  }

  private createOnce(
    create: () => Promise<string>,
    find: () => Promise<string | undefined>,
    onUnknown?: () => void,
  ): Promise<string> {
    return this.writer.createOnce(create, find, onUnknown);
  }

  private db(dbKey: string): DesiredDatabase {
    return this.desired.databases.find((d) => d.key === dbKey)!;
  }

  private databaseId(dbKey: string): string {
    const id = this.registry.entries[dbKey]?.id ?? this.actual.databases.get(dbKey)?.databaseId;
    if (!id) throw new Error(`no database for ${dbKey}`);
    return id;
  }

  /** Default table views of databases this run created, for their blueprint's first table view to take over. */
  private readonly defaultViews = new Map<string, string>();

  /** The single view of a database just created: the table view Notion makes with every database. */
  private async rememberDefaultView(dbKey: string, dataSourceId: string): Promise<void> {
    const listed = await this.api.call(true, (c) => c.views.list({ data_source_id: dataSourceId }));
    if (listed.results.length === 1) this.defaultViews.set(dbKey, listed.results[0]!.id);
  }

  private dataSourceId(dbKey: string): string {
    const id = this.registry.entries[dbKey]?.dataSourceId ?? this.actual.databases.get(dbKey)?.dataSourceId;
    if (!id) throw new Error(`no data source for ${dbKey}`);
    return id;
  }

  /** A child page or database of `parentId` with this title, created by this integration. */
  private async findChild(
    parentId: string,
    type: 'child_page' | 'child_database',
    title: string,
  ): Promise<string | undefined> {
    for await (const block of this.api.children(parentId)) {
      if (!('type' in block) || block.type !== type || block.created_by.id !== this.actual.botId) continue;
      const blockTitle =
        block.type === 'child_page'
          ? block.child_page.title
          : block.type === 'child_database'
            ? block.child_database.title
            : '';
      if (blockTitle === title) return block.id;
    }
    return undefined;
  }

  private readonly schemas = new Map<string, Map<string, { id: string; type: string }>>();

  /**
   * Property IDs and types of a data source as it is now (after this run's schema stages): from the last
   * schema update's response when no later update changed it (a two-way relation adds a property to its
   * target), else read once.
   */
  private async schemaOf(dbKey: string): Promise<Map<string, { id: string; type: string }>> {
    const known = this.schemas.get(dbKey);
    if (known) return known;
    await this.readSchema(dbKey);
    return this.schemas.get(dbKey)!;
  }

  private rememberSchema(
    dbKey: string,
    properties: Record<string, { id: string; type: string }>,
  ): Map<string, { id: string; type: string }> {
    const schema = new Map(Object.entries(properties).map(([name, p]) => [name, { id: p.id, type: p.type }]));
    this.schemas.set(dbKey, schema);
    return schema;
  }

  /** A row of a data source with this title, created by this integration. */
  private async findRow(dbKey: string, title: string): Promise<string | undefined> {
    const db = this.db(dbKey);
    const titleName = db.properties.find((p) => p.type === 'title')!.name;
    const result = await this.api.call(true, (c) =>
      c.dataSources.query({
        data_source_id: this.dataSourceId(dbKey),
        filter_properties: ['title'],
        filter: { property: titleName, title: { equals: title } },
        page_size: 100,
      }),
    );
    const page = result.results.find(
      (r) => 'created_by' in r && r.created_by.id === this.actual.botId && !('in_trash' in r && r.in_trash),
    );
    return page?.id;
  }

  private async saveRegistry(): Promise<void> {
    this.registry.blueprintVersion = this.desired.version;
    const json = serializeRegistry(this.registry);
    if (json === this.savedRegistry || !this.registryPage) return;
    if (this.registryPage.codeBlockId) {
      await this.write(
        (c) =>
          c.blocks.update({
            block_id: this.registryPage!.codeBlockId!,
            code: { language: 'json', rich_text: registryRichText(json) },
          }),
        true,
      );
    } else {
      // The first save appends the code block; an append whose answer was lost is looked up, never sent twice.
      const pageId = this.registryPage.id;
      this.registryPage.codeBlockId = await this.createOnce(
        async () => {
          const appended = await this.write((c) =>
            c.blocks.children.append({
              block_id: pageId,
              children: [{ type: 'code', code: { language: 'json', rich_text: registryRichText(json) } }],
            }),
          );
          const id = appended.results[0]?.id;
          if (!id) throw new PnError('API_ERROR', 'Notion appended the registry block without its ID');
          return id;
        },
        async () => {
          for await (const block of this.api.children(pageId))
            if ('type' in block && block.type === 'code') return block.id;
          return undefined;
        },
      );
    }
    this.savedRegistry = json;
  }

  /** Two-way relations of databases this run made whose target did not exist yet: the target's create declares them. */
  private readonly waitingDuals = new Set<string>();
  /** Properties this run's database creates declared (propertyRef keys). */
  private readonly declared = new Set<string>();
  /** Synced sides made by creates, by the database holding them, whose names are still to be read back. */
  private readonly syncedToName = new Map<string, SyncedExpectation[]>();

  private knownDataSource(dbKey: string): string | undefined {
    return this.registry.entries[dbKey]?.dataSourceId ?? this.actual.databases.get(dbKey)?.dataSourceId;
  }

  /** Bookkeeping after a database create: what it declared, from which side, and what to name afterwards. */
  private recordInitialSchema(db: DesiredDatabase, initial: InitialSchema): void {
    for (const key of initial.declared) this.declared.add(propertyRef(db.key, key));
    for (const prop of db.properties)
      if (
        prop.type === 'relation' &&
        prop.dual &&
        !initial.declared.includes(prop.key) &&
        prop.target !== db.key
      )
        this.waitingDuals.add(propertyRef(db.key, prop.key));
    for (const { dbKey, property } of initial.flipped) {
      const ref = propertyRef(dbKey, property.key);
      this.waitingDuals.delete(ref);
      this.declared.add(ref);
      const entry = this.registry.entries[dbKey];
      if (entry) entry.properties = { ...(entry.properties ?? {}), [property.key]: property.name };
    }
    for (const e of initial.synced) this.syncedToName.set(e.on, [...(this.syncedToName.get(e.on) ?? []), e]);
  }

  /** Gives the synced sides on a data source the blueprint's names, from its schema as a response gave it. */
  private async nameSyncedSides(
    dbKey: string,
    properties: Record<string, { id: string; type: string; relation?: unknown }>,
  ): Promise<void> {
    const expected = this.syncedToName.get(dbKey);
    if (!expected) return;
    this.syncedToName.delete(dbKey);
    await this.renameSynced(
      dbKey,
      syncedRenames(expected, properties, (k) => this.dataSourceId(k)),
    );
  }

  private async renameSynced(dbKey: string, renames: Record<string, { name: string }>): Promise<void> {
    if (!Object.keys(renames).length) return;
    const renamed = await this.write(
      (c) => c.dataSources.update({ data_source_id: this.dataSourceId(dbKey), properties: renames }),
      true,
    );
    if ('properties' in renamed) this.rememberSchema(dbKey, renamed.properties);
    else this.schemas.delete(dbKey);
  }

  /** Reads a data source's schema (kept for the views) and returns it as Notion gave it. */
  private async readSchema(dbKey: string) {
    const ds = await this.api.call(true, (c) =>
      c.dataSources.retrieve({ data_source_id: this.dataSourceId(dbKey) }),
    );
    const properties = 'properties' in ds ? ds.properties : {};
    this.rememberSchema(dbKey, properties);
    return properties;
  }

  /**
   * Once every database is made: reads back the names of the synced sides the creates made. A database a
   * schema update of its own will answer for waits for that answer; one whose schema the run needs anyway
   * (views naming properties by ID, rollups naming relations) is read; for the others, the declaring side
   * is read when the run needs its schema anyway, else the database itself. Reads are kept for the views.
   */
  private async nameSyncedAfterCreates(ops: readonly NotionOp[]): Promise<void> {
    const pending = (dbKey: string, stage: 'relations' | 'computed') =>
      ops.some(
        (op) =>
          op.kind === 'add-properties' &&
          op.dbKey === dbKey &&
          op.stage === stage &&
          op.properties.some((k) => !this.declared.has(propertyRef(dbKey, k))),
      );
    const needed = (dbKey: string) =>
      pending(dbKey, 'computed') ||
      ops.some((op) => op.kind === 'create-view' && op.dbKey === dbKey && viewNeedsIds(this.viewOf(op)));
    const reads = new Map<string, Awaited<ReturnType<typeof this.readSchema>>>();
    const read = async (dbKey: string) => {
      if (!reads.has(dbKey)) reads.set(dbKey, await this.readSchema(dbKey));
      return reads.get(dbKey)!;
    };
    for (const [dbKey, expected] of [...this.syncedToName]) {
      if (pending(dbKey, 'relations')) continue;
      if (needed(dbKey) || expected.some((e) => !needed(e.source))) {
        await this.nameSyncedSides(dbKey, await read(dbKey));
        continue;
      }
      this.syncedToName.delete(dbKey);
      const renames: Record<string, { name: string }> = {};
      for (const source of new Set(expected.map((e) => e.source))) {
        const properties = await read(source);
        Object.assign(
          renames,
          syncedRenamesFromSource(
            expected.filter((e) => e.source === source),
            properties,
          ),
        );
      }
      await this.renameSynced(dbKey, renames);
    }
  }

  private viewOf(op: Extract<NotionOp, { kind: 'create-view' }>): NotionViewSpec {
    return this.db(op.dbKey).views.find((v) => v.name === op.name)!;
  }

  /** Rows this run will create and has not yet: a two-way relation to one of them is set from its side. */
  private readonly rowsToCreate = new Set<string>();

  /**
   * Whether a two-way relation's other side can be set when its target row is created: the synced
   * property exists under its blueprint name on the target's data source (a renamed one is linked later).
   */
  private async dualReady(prop: DesiredProperty): Promise<boolean> {
    if (prop.type !== 'relation' || !prop.dual) return false;
    return (await this.schemaOf(prop.target)).get(prop.dual)?.type === 'relation';
  }

  /**
   * A new row's side of the two-way relations that rows created before it hold to it (their relation left
   * it out: it did not exist yet). Setting it here links both sides in the create itself.
   */
  private async dualValues(dbKey: string, rowKey: string): Promise<Record<string, PropertyValueRequest>> {
    const out: Record<string, PropertyValueRequest> = {};
    for (const other of this.desired.databases)
      for (const prop of other.properties) {
        if (prop.type !== 'relation' || prop.target !== dbKey || !prop.dual) continue;
        const ids = other.rows
          .filter((r) => {
            const v = r.values[prop.key];
            return v?.kind === 'relation' && v.rowKeys.includes(rowKey) && this.rowIds.has(r.key);
          })
          .map((r) => this.rowIds.get(r.key)!);
        if (!ids.length || !(await this.dualReady(prop))) continue;
        out[prop.dual] = { relation: ids.map((id) => ({ id })) };
        for (const id of ids) this.touch(id, other.key);
      }
    return out;
  }

  private async rowProperties(
    db: DesiredDatabase,
    row: DesiredRow,
    keys?: string[],
  ): Promise<{ properties: Record<string, PropertyValueRequest>; deferred: boolean }> {
    const properties: Record<string, PropertyValueRequest> = {};
    let deferred = false;
    for (const prop of db.properties) {
      if (keys && !keys.includes(prop.key)) continue;
      let value = row.values[prop.key];
      if (!value) continue;
      if (prop.type === 'relation' && value.kind === 'relation') {
        const missing = value.rowKeys.filter((k) => !this.rowIds.has(k));
        if (missing.length) {
          // Targets this run creates later set this relation from their side (dualValues); others wait.
          if (!missing.every((k) => this.rowsToCreate.has(k)) || !(await this.dualReady(prop))) {
            deferred = true;
            continue;
          }
          value = { kind: 'relation', rowKeys: value.rowKeys.filter((k) => this.rowIds.has(k)) };
          if (!value.rowKeys.length) continue;
        }
      }
      const request = toPropertyValue(prop, value, (keys2) => keys2.map((k) => this.rowIds.get(k)!));
      if (!request) continue;
      properties[prop.name] = request;
      // The other side of a two-way relation may count as edited too: its time is read back at the end.
      if (prop.type === 'relation' && prop.dual && 'relation' in request)
        for (const target of request.relation) this.touch(target.id, prop.target);
    }
    return { properties, deferred };
  }

  private async run(op: NotionOp): Promise<void> {
    const desired = this.desired;
    switch (op.kind) {
      case 'create-hub': {
        const markdown = `${desired.hub.markdown}\n## Manual steps\n\n${desired.manualSteps
          .filter((s) => s.target !== 'local')
          .map((s) => `- [ ] ${s.step}`)
          .join('\n')}\n`;
        this.hubId = await this.writer.createPage(
          {
            parent: { page_id: this.actual.rootId },
            icon: { type: 'emoji', emoji: desired.hub.icon },
            properties: { title: { title: text(desired.hub.title) } },
          },
          markdown,
          () => null,
          this.lookup(
            () => {
              this.unsure.hub = true;
            },
            () => this.findChild(this.actual.rootId, 'child_page', desired.hub.title),
          ),
        );
        this.registry.entries[desired.hub.key] = {
          id: this.hubId,
          kind: 'hub',
          contentHash: bodyHash(markdown),
          installedAt: this.now().toISOString(),
        };
        this.done(op, desired.hub.key);
        return;
      }
      case 'create-registry': {
        // Created empty: the first save appends the code block, whose ID the append's answer gives.
        const pageId = await this.createOnce(
          async () =>
            (
              await this.write((c) =>
                c.pages.create({
                  parent: { page_id: this.hubId! },
                  properties: { title: { title: text(REGISTRY_TITLE) } },
                }),
              )
            ).id,
          this.lookup(
            () => {
              this.unsure.registry = true;
            },
            () => this.findChild(this.hubId!, 'child_page', REGISTRY_TITLE),
          ),
        );
        this.registryPage = { id: pageId, codeBlockId: null };
        this.savedRegistry = '';
        this.done(op, REGISTRY_TITLE);
        return;
      }
      case 'create-database': {
        const db = this.db(op.dbKey);
        const initial = initialSchema(db, desired, (k) => this.knownDataSource(k), this.waitingDuals);
        let dataSourceId: string | undefined;
        const databaseId = await this.createOnce(
          async () => {
            const created = await this.write((c) =>
              c.databases.create({
                parent: { type: 'page_id', page_id: this.hubId! },
                title: text(db.title),
                description: text(db.description),
                icon: { type: 'emoji', emoji: db.icon },
                initial_data_source: { properties: initial.properties },
              }),
            );
            dataSourceId = 'data_sources' in created ? created.data_sources[0]?.id : undefined;
            return created.id;
          },
          this.lookup(
            () => {
              this.unsure.databases = true;
            },
            () => this.findChild(this.hubId!, 'child_database', db.title),
          ),
        );
        if (!dataSourceId) {
          // Found by lookup after an unknown outcome (or a partial response): read its data source.
          const database = await this.api.call(true, (c) =>
            c.databases.retrieve({ database_id: databaseId }),
          );
          dataSourceId = 'data_sources' in database ? database.data_sources[0]?.id : undefined;
        }
        if (dataSourceId && db.views.some((v) => v.type === 'table'))
          await this.rememberDefaultView(db.key, dataSourceId);
        this.registry.entries[db.key] = {
          id: databaseId,
          kind: 'database',
          ...(dataSourceId ? { dataSourceId } : {}),
          properties: Object.fromEntries(
            db.properties.filter((p) => initial.declared.includes(p.key)).map((p) => [p.key, p.name]),
          ),
        };
        this.recordInitialSchema(db, initial);
        this.done(op, db.key);
        return;
      }
      case 'add-options': {
        const db = this.db(op.dbKey);
        const prop = db.properties.find((p) => p.key === op.property)!;
        const existing = this.actual.databases.get(op.dbKey)?.properties.get(prop.name)?.options ?? [];
        // Notion replaces a property's option list on update: send the ones it has plus the new ones.
        const options = [...existing, ...op.options].map((name) => ({ name }));
        const schema: UpdateDataSourceParameters['properties'] = {
          [prop.name]: prop.type === 'multi_select' ? { multi_select: { options } } : { select: { options } },
        };
        await this.write(
          (c) => c.dataSources.update({ data_source_id: this.dataSourceId(op.dbKey), properties: schema }),
          true,
        );
        this.done(op, `${op.dbKey}.${op.property}`);
        return;
      }
      case 'rename-property': {
        const prop = this.db(op.dbKey).properties.find((p) => p.key === op.property)!;
        await this.write(
          (c) =>
            c.dataSources.update({
              data_source_id: this.dataSourceId(op.dbKey),
              properties: { [op.from]: { name: prop.name } },
            }),
          true,
        );
        const entry = this.registry.entries[op.dbKey];
        if (entry) entry.properties = { ...(entry.properties ?? {}), [prop.key]: prop.name };
        this.done(op, `${op.dbKey}.${op.property}`);
        return;
      }
      case 'create-view': {
        const db = this.db(op.dbKey);
        const view = db.views.find((v) => v.name === op.name)!;
        const dataSourceId = this.dataSourceId(op.dbKey);
        // Only boards, calendars and timelines name properties by ID; sorts and filters name them.
        const schema = viewNeedsIds(view) ? await this.schemaOf(op.dbKey) : new Map<string, SchemaProperty>();
        const defaultViewId = op.takeOver ? (op.viewId ?? this.defaultViews.get(op.dbKey)) : undefined;
        let id: string;
        if (defaultViewId) {
          // Setting a name and layout is idempotent: retried like any update.
          const body = takeOverViewRequest(view, schema);
          await this.write(
            (c) => c.request<UpdateViewResponse>({ path: `views/${defaultViewId}`, method: 'patch', body }),
            true,
          );
          id = defaultViewId;
        } else {
          const body = createViewRequest(
            view,
            { databaseId: this.databaseId(op.dbKey), dataSourceId },
            schema,
          );
          id = await this.createOnce(
            async () =>
              (
                await this.write((c) =>
                  c.request<CreateViewResponse>({ path: 'views', method: 'post', body }),
                )
              ).id,
            async () => (await listViews(this.api, dataSourceId)).find((v) => v.name === view.name)?.id,
            () => {
              this.unsure.views.add(op.dbKey);
              this.unsettle(viewKey(op.dbKey, view.name));
            },
          );
        }
        this.registry.entries[viewKey(op.dbKey, view.name)] = { id, kind: 'view' };
        this.done(op, viewKey(op.dbKey, view.name));
        return;
      }
      case 'add-properties': {
        const db = this.db(op.dbKey);
        // Properties this run's creates declared already (see initialSchema) are not sent again.
        const props = db.properties.filter(
          (p) => op.properties.includes(p.key) && !this.declared.has(propertyRef(db.key, p.key)),
        );
        if (!props.length) {
          this.done(op, `${op.dbKey}.${op.properties.join('+')}`);
          return;
        }
        const updated = await this.write(
          (c) =>
            c.dataSources.update({
              data_source_id: this.dataSourceId(op.dbKey),
              properties: Object.fromEntries(
                props.map((p) => [p.name, propertySchema(p, (k) => this.dataSourceId(k))]),
              ),
            }),
          true,
        );
        const returned = 'properties' in updated ? updated.properties : {};
        if ('properties' in updated) this.rememberSchema(op.dbKey, updated.properties);
        // The other side of each two-way relation gained a property: its schema is read again if needed.
        for (const p of props)
          if (p.type === 'relation' && p.dual && p.target !== op.dbKey) this.schemas.delete(p.target);
        // Synced sides this update made, and those creates made on this database: one rename per database.
        const renames = dualRenames(props, returned);
        const own = this.syncedToName.get(op.dbKey);
        if (own) {
          this.syncedToName.delete(op.dbKey);
          const fromCreates = syncedRenames(own, returned, (k) => this.dataSourceId(k));
          renames.set(op.dbKey, { ...(renames.get(op.dbKey) ?? {}), ...fromCreates });
        }
        for (const [target, names] of renames) await this.renameSynced(target, names);
        const entry = this.registry.entries[op.dbKey];
        if (entry)
          entry.properties = {
            ...(entry.properties ?? {}),
            ...Object.fromEntries(props.map((p) => [p.key, p.name])),
          };
        this.done(op, `${op.dbKey}.${op.properties.join('+')}`);
        return;
      }
      case 'create-row':
      case 'adopt-row': {
        const db = this.db(op.dbKey);
        const row = db.rows.find((r) => r.key === op.rowKey)!;
        const own = await this.rowProperties(db, row);
        const properties =
          op.kind === 'create-row'
            ? { ...(await this.dualValues(db.key, row.key)), ...own.properties }
            : own.properties;
        const deferred = own.deferred;
        const forward = forwardLinks(row.key, row.markdown, this.linkOrder);
        const { blocks, split } = splitAtForwardLinks(row.markdown, this.resolveLink, forward);
        const firstPart = blocks.slice(0, split);
        let pageId: string;
        if (op.kind === 'create-row') {
          const created = await this.writer.createPageWith(
            { parent: { data_source_id: this.dataSourceId(op.dbKey) }, properties },
            firstPart,
            this.lookup(
              () => this.unsure.rows.add(op.dbKey),
              () => this.findRow(op.dbKey, row.title),
            ),
          );
          pageId = created.id;
          if (created.lastEditedTime) this.createdTimes.set(pageId, created.lastEditedTime);
          if (split < blocks.length) this.restUnwritten.add(row.key);
          this.done(op, row.key);
        } else {
          // Found by title after a stopped run. Its create carried the first batch (a create is whole or
          // nothing), so only a longer first part is counted and finished; the rest waits for the link stage.
          // Adopting costs no call otherwise, so a run stopped again and again still gets further each time.
          pageId = op.pageId;
          const batches = appendBatches(firstPart);
          if (batches.length > 1)
            await this.writer.appendBody(pageId, batches, await this.writer.countChildren(pageId));
          this.done(op, row.key);
        }
        this.rowIds.set(row.key, pageId);
        this.wrotePages.set(pageId, op.dbKey);
        if (deferred) this.links.push({ pageId, db, row });
        this.registry.entries[row.key] = {
          id: pageId,
          kind: 'row',
          ...(row.markdown ? { contentHash: bodyHash(row.markdown) } : {}),
          installedAt: this.now().toISOString(),
          ...(split < blocks.length ? { bodyFrom: split } : {}),
          ...(deferred ? { relationsPending: true } : {}),
        };
        return;
      }
      case 'update-row': {
        const db = this.db(op.dbKey);
        const row = db.rows.find((r) => r.key === op.rowKey)!;
        const { properties } = await this.rowProperties(db, row, op.properties);
        await this.write((c) => c.pages.update({ page_id: op.pageId, properties }), true);
        this.touch(op.pageId, op.dbKey);
        const entry = this.registry.entries[row.key];
        if (entry) entry.installedAt = this.now().toISOString();
        this.done(op, row.key);
        return;
      }
      case 'trash-duplicate': {
        await trashDuplicate(this.api, this.writer, this.actual.botId, op.duplicate);
        this.done(op, `${op.duplicate.key} (copy ${op.duplicate.id})`);
        return;
      }
      case 'replace-body': {
        const db = this.db(op.dbKey);
        const row = db.rows.find((r) => r.key === op.rowKey)!;
        const old: string[] = [];
        for await (const block of this.api.children(op.pageId)) old.push(block.id);
        for (const id of old) await this.write((c) => c.blocks.delete({ block_id: id }), true);
        const forward = forwardLinks(row.key, row.markdown, this.linkOrder);
        const { blocks, split } = splitAtForwardLinks(row.markdown, this.resolveLink, forward);
        await this.writer.appendBody(op.pageId, appendBatches(blocks.slice(0, split)), 0);
        if (split < blocks.length) this.restUnwritten.add(row.key);
        this.touch(op.pageId, op.dbKey);
        const entry = this.registry.entries[row.key];
        if (entry) {
          entry.contentHash = bodyHash(row.markdown);
          entry.installedAt = this.now().toISOString();
          delete entry.linksPending;
          if (split < blocks.length) entry.bodyFrom = split;
          else delete entry.bodyFrom;
        }
        this.done(op, row.key);
        return;
      }
    }
  }

  /** Where a compiled link points now: a database, or a row page this run created or found. */
  private readonly resolveLink: LinkResolver = (key) => {
    if (key.startsWith('db.')) {
      const id = this.registry.entries[key]?.id ?? this.actual.databases.get(key)?.databaseId;
      return id ? { kind: 'database', id } : null;
    }
    const id = this.rowIds.get(key);
    return id ? { kind: 'page', id } : null;
  };

  /** Every row's place in the link order (see linkOrder): the same in every run. */
  private readonly linkOrder: Map<string, number>;

  /** Pages this run wrote up to a forward link (see splitAtForwardLinks): nothing of their rest is there yet. */
  private readonly restUnwritten = new Set<string>();

  /**
   * The link stage: pages written up to a link to a page made later get the rest of their body, links
   * resolved (this run's pages, and a stopped run's: counted first, so a part already there is not sent again).
   */
  private async finishSplitBodies(): Promise<void> {
    for (const db of this.desired.databases)
      for (const row of db.rows) {
        const entry = this.registry.entries[row.key];
        if (entry?.bodyFrom === undefined) continue;
        const from = entry.bodyFrom;
        const pageId = this.rowIds.get(row.key) ?? entry.id;
        const rest = markdownToBlocks(row.markdown, this.resolveLink).slice(from);
        const have = this.restUnwritten.has(row.key) ? 0 : (await this.writer.countChildren(pageId)) - from;
        // Fewer blocks than the first part: a person removed some; the page is left as they made it.
        if (have >= 0) await this.writer.appendBody(pageId, appendBatches(rest), have, from);
        this.touch(pageId, db.key);
        delete entry.bodyFrom;
      }
  }

  /** Pages an earlier version wrote whole with plain-text forward links: their blocks are updated to mentions. */
  private async linkPendingBodies(): Promise<void> {
    for (const db of this.desired.databases)
      for (const row of db.rows) {
        const entry = this.registry.entries[row.key];
        if (!entry?.linksPending) continue;
        const pageId = this.rowIds.get(row.key) ?? entry.id;
        const written = withoutLinks(this.resolveLink, forwardLinks(row.key, row.markdown, this.linkOrder));
        const outcome = await linkPageBody(
          this.api,
          this.writer,
          pageId,
          row.markdown,
          this.resolveLink,
          written,
        );
        if (outcome === 'linked') this.touch(pageId, db.key);
        delete entry.linksPending;
      }
  }

  /** Properties that exist under their blueprint names are ours to track for drift, even if a crash kept them unrecorded. */
  private recordExistingProperties(): void {
    if (this.actual.hub && !this.registry.entries[this.desired.hub.key]) {
      this.registry.entries[this.desired.hub.key] = { id: this.actual.hub.id, kind: 'hub' };
    }
    for (const [dbKey, actualDb] of this.actual.databases) {
      this.registry.entries[dbKey] ??= {
        id: actualDb.databaseId,
        kind: 'database',
        dataSourceId: actualDb.dataSourceId,
      };
      const entry = this.registry.entries[dbKey]!;
      const db = this.desired.databases.find((d) => d.key === dbKey);
      if (!db) continue;
      for (const view of db.views) {
        const id = actualDb.views.find((v) => v.name === view.name)?.id;
        if (id) this.registry.entries[viewKey(dbKey, view.name)] ??= { id, kind: 'view' };
      }
      const present = db.properties.filter((p) => actualDb.properties.has(p.name));
      entry.properties = {
        ...Object.fromEntries(present.map((p) => [p.key, p.name])),
        ...(entry.properties ?? {}),
      };
    }
  }

  /**
   * Ends a run in which a create had an unknown outcome: such a create may have landed after every lookup
   * (held upstream, applied while the run went on), leaving a second copy. Lists what those creates could
   * have made twice among what this integration created, keeps the copy the registry records, and moves
   * each other copy to the trash, or stops (OUTPUT_CONFLICT, naming both) if a person put content in it.
   * A copy landing after this check is found by the next run's discovery.
   */
  private async reconcileLateCopies(): Promise<void> {
    const u = this.unsure;
    if (!this.hubId) return;
    if (!u.hub && !u.registry && !u.databases && u.rows.size === 0 && u.views.size === 0) return;
    const copies = await findLateCopies(this.api, {
      botId: this.actual.botId,
      rootId: this.actual.rootId,
      desired: this.desired,
      registry: this.registry,
      hubId: this.hubId,
      hubs: u.hub,
      ...(u.registry && this.registryPage ? { registryPage: this.registryPage.id } : {}),
      databases: u.databases,
      rowsOf: [...u.rows],
      viewsOf: [...u.views],
      keptRow: (rowKey) => this.rowIds.get(rowKey),
      dataSourceId: (dbKey) => this.dataSourceId(dbKey),
    });
    for (const copy of copies) {
      await trashDuplicate(this.api, this.writer, this.actual.botId, copy);
      this.trashed.push(`${copy.key} (copy ${copy.id})`);
    }
  }

  async apply(plan: NotionPlan): Promise<ApplyResult> {
    const ops = orderRowsByLinks(orderOps(plan.ops), this.linkOrder);
    for (const op of ops) if (op.kind === 'create-row') this.rowsToCreate.add(op.rowKey);
    const runStart = this.now();
    this.recordExistingProperties();
    let savedBeforeRows = false;
    let namedSynced = false;
    for (const [i, op] of ops.entries()) {
      if (
        !namedSynced &&
        op.kind !== 'create-database' &&
        STAGE_ORDER[op.kind] > STAGE_ORDER['create-database']
      ) {
        namedSynced = true;
        try {
          await this.nameSyncedAfterCreates(ops.slice(i));
        } catch (error) {
          throw mapNotionError(error, 'reading back the two-way relations the new databases made');
        }
      }
      // Progress is saved once the structure (hub, databases, properties, views) stands, before the rows,
      // the longest stage, and at the end: a resumed run finds rows made since by their titles.
      if (!savedBeforeRows && (op.kind === 'create-row' || op.kind === 'adopt-row')) {
        try {
          await this.saveRegistry();
        } catch (error) {
          throw mapNotionError(error, 'saving the registry');
        }
        savedBeforeRows = true;
      }
      this.onProgress({ stage: op.kind, done: i, total: ops.length });
      await this.hooks.beforeOp?.();
      try {
        await this.run(op);
      } catch (error) {
        throw mapNotionError(error, describeOp(op, this.desired));
      }
    }
    try {
      // Progress again once every row exists, when the stages below have rows to finish (or rows were found
      // by title): a run stopped there resumes with them, instead of finding each row again.
      const unfinished = Object.values(this.registry.entries).some(
        (e) => e.bodyFrom !== undefined || e.relationsPending,
      );
      if (unfinished || ops.some((op) => op.kind === 'adopt-row')) await this.saveRegistry();
    } catch (error) {
      throw mapNotionError(error, 'saving the registry');
    }
    try {
      await this.hooks.beforeOp?.();
      if (!namedSynced) await this.nameSyncedAfterCreates([]);
      // Rows a stopped run created with relations still to set, then this run's.
      for (const db of this.desired.databases)
        for (const row of db.rows) {
          const entry = this.registry.entries[row.key];
          if (entry?.relationsPending && !this.links.some((l) => l.row.key === row.key))
            this.links.push({ pageId: this.rowIds.get(row.key) ?? entry.id, db, row });
        }
      for (const link of this.links) {
        const relationKeys = link.db.properties.filter((p) => p.type === 'relation').map((p) => p.key);
        const { properties } = await this.rowProperties(link.db, link.row, relationKeys);
        if (Object.keys(properties).length) {
          await this.write((c) => c.pages.update({ page_id: link.pageId, properties }), true);
          this.touch(link.pageId, link.db.key);
        }
        const entry = this.registry.entries[link.row.key];
        if (entry) delete entry.relationsPending;
      }
      await this.finishSplitBodies();
      await this.linkPendingBodies();
      // Pages nothing touched after their create keep the create's edit time; the rest are read back.
      const byId = new Map(Object.values(this.registry.entries).map((e) => [e.id, e]));
      for (const [pageId, time] of this.createdTimes) {
        const entry = byId.get(pageId);
        if (!entry) continue;
        entry.lastEditedTime = time;
        this.wrotePages.delete(pageId);
      }
      await recordLastEdited(this.api, {
        since: new Date(runStart.getTime() - CLOCK_SKEW_MS),
        wrotePages: this.wrotePages,
        registry: this.registry,
        dataSourceId: (k) => this.dataSourceId(k),
      });
    } catch (error) {
      throw mapNotionError(error, 'linking rows and reading back their edit times');
    }
    try {
      await this.hooks.beforeOp?.();
      await this.reconcileLateCopies();
    } catch (error) {
      throw mapNotionError(error, 'looking for second copies that a slow create left');
    }
    try {
      await this.saveRegistry();
    } catch (error) {
      throw mapNotionError(error, 'saving the registry');
    }
    this.onProgress({ stage: 'done', done: ops.length, total: ops.length });
    return {
      hubId: this.hubId,
      writes: this.writer.writes,
      created: this.created,
      updated: this.updated,
      trashed: this.trashed,
    };
  }
}
