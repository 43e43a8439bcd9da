// Entry point of the fake Notion API: createFakeNotion() wires state, router and loopback server, plus test helpers.
import {
  type BlockObjectResponse,
  Client,
  type DataSourceObjectResponse,
  type PageObjectResponse,
} from '@notionhq/client';
import { type CallRecord, FakeServer, type FaultPlan } from '../harness.js';
import { API_VERSIONS } from './access.js';
import { renderChild } from './blocks.js';
import { createDatabase, renderDataSource } from './databases.js';
import { faultBody } from './errors.js';
import { createPage, updatePage } from './pages.js';
import { renderPage } from './properties.js';
import { QUERY_RESULT_LIMIT } from './query.js';
import { textItems } from './rich-text.js';
import { type Endpoint, endpointOf, isCreate, NotionRouter, type RateLimit } from './server.js';
import { type Clock, NotionState, normalizeId } from './state.js';

export { NotionApiError } from './errors.js';
export { MAX_PAGE_SIZE, QUERY_RESULT_LIMIT } from './query.js';
export { type Endpoint, endpointOf, MAX_BODY_BYTES, type RateLimit } from './server.js';
export type { Clock, ViewRecord } from './state.js';
export { FakeClock, NotionState, notionTime } from './state.js';
export { DEFAULT_VIEW_NAME } from './views.js';

/** The Notion-Version the SDK 5.x sends by default (`Client.defaultNotionVersion`). */
export const NOTION_VERSION = '2025-09-03';
/**
 * Every Notion-Version the fake accepts by default, each with its own rules (see CONFORMANCE.md):
 * from 2026-03-11 `archived` is gone from requests and responses and `after` from Append block children;
 * from 2026-12-01 Search and Query a data source return only the title property unless
 * `filter_properties` names others.
 */
export const NOTION_VERSIONS: readonly string[] = [...API_VERSIONS];
export const FAKE_TOKEN = 'ntn_fake_integration_token';

type ClientOptions = NonNullable<ConstructorParameters<typeof Client>[0]>;

export interface FakeNotionOptions {
  /** The integration token the fake accepts (Bearer). */
  token?: string;
  /** Injectable clock for created/last-edited times (default: the system clock). Retry-After waits stay real. */
  clock?: Clock;
  /** Token-bucket rate limit; off by default so unrelated tests run fast. Notion's is about { rate: 3, burst: ~10 }. */
  rateLimit?: RateLimit | false;
  /** Accepted Notion-Version values (default NOTION_VERSIONS); anything else is a 400. */
  versions?: string[];
  /**
   * Writing one side of a two-way relation also bumps the other page's `last_edited_time` (default
   * true). The reference does not say; true is the harder case for a client that detects edits by time.
   */
  dualRelationBumpsOther?: boolean;
  /**
   * How the synced side of a two-way relation is named: `as_requested` (default) uses
   * `dual_property.synced_property_name`; `generated` ignores it (the reference does not promise it is
   * honoured), so a client must read the name back from the data source.
   */
  syncedPropertyNames?: 'as_requested' | 'generated';
  /**
   * The Free workspace block limit (Notion: 1,000 lifetime blocks for a Free workspace with more than
   * one member). Off unless set. Pages, blocks and databases count; deleting gives nothing back.
   */
  blockLimit?: number;
  /** Grace period after the write that reaches `blockLimit` (Notion: three days); default 0, already over. */
  blockLimitGraceMs?: number;
  /** Results one query can reach (Notion: 10,000). */
  queryResultLimit?: number;
  workspaceName?: string;
  /** Keep each request's JSON body and query string in `calls` (CallRecord.body/query). */
  recordBodies?: boolean;
}

export interface SeedPageInput {
  parent: { page_id: string } | { data_source_id: string } | { database_id: string };
  /** Property values in API request form, e.g. `{ Name: { title: [{ text: { content: 'Acme' } }] } }`. */
  properties?: Record<string, unknown>;
  children?: unknown[];
  icon?: unknown;
}

export interface SeedDatabaseInput {
  parentPageId: string;
  title: string;
  /** Schema in API request form (`initial_data_source.properties`); default `{ Name: { title: {} } }`. */
  properties?: Record<string, unknown>;
  isInline?: boolean;
}

export interface FakeNotion {
  readonly server: FakeServer;
  readonly state: NotionState;
  readonly token: string;
  /** http://127.0.0.1:port — pass as the SDK's `baseUrl`. */
  readonly baseUrl: string;
  /** Every request, in order: method, path, status, bytes, injected fault. */
  readonly calls: CallRecord[];
  /** Starts serving on 127.0.0.1 (a random free port unless one is given). */
  listen(port?: number): Promise<string>;
  close(): Promise<void>;
  /** `{ auth, baseUrl }` for `new Client(...)`, merged with `extra`. */
  clientOptions(extra?: Omit<ClientOptions, 'auth' | 'baseUrl'>): ClientOptions;
  /** An official SDK client pointed at the fake. */
  client(extra?: Omit<ClientOptions, 'auth' | 'baseUrl'>): Client;
  /** How many calls went to an endpoint (named as the SDK methods: `pages.create`, `dataSources.query`, ...). */
  count(endpoint: Endpoint): number;
  callsTo(endpoint: Endpoint): CallRecord[];
  clearLog(): void;
  injectFaults(plan: FaultPlan | undefined): void;
  setRateLimit(limit: RateLimit | false): void;
  /** A top-level page (workspace parent). Shared with the integration unless `shared: false`. */
  seedRootPage(title: string, options?: { shared?: boolean }): string;
  /** A page created as a workspace member would (same validation as the API; not logged; sees unshared parents). */
  seedPage(input: SeedPageInput, options?: { by?: 'person' | 'integration' }): string;
  seedDatabase(input: SeedDatabaseInput): { databaseId: string; dataSourceId: string };
  /** A person's edit in the Notion app: properties change, last_edited_by is the person. */
  editPage(pageId: string, properties: Record<string, unknown>): void;
  trash(id: string): void;
  share(id: string): void;
  unshare(id: string): void;
  /** Read helpers returning exactly what the API would. */
  page(id: string): PageObjectResponse;
  dataSource(id: string): DataSourceObjectResponse;
  rows(dataSourceId: string, options?: { includeTrashed?: boolean }): PageObjectResponse[];
  childrenOf(id: string): BlockObjectResponse[];
}

function id(raw: string): string {
  const normalized = normalizeId(raw);
  if (!normalized) throw new Error(`fake notion: not an id: ${raw}`);
  return normalized;
}

/**
 * A stateful fake of the Notion API (versions 2025-09-03, 2026-03-11 and 2026-12-01) on 127.0.0.1.
 * Every rule it enforces is traced to Notion's reference in CONFORMANCE.md beside this file.
 *
 *   const fake = createFakeNotion({ clock: new FakeClock() });
 *   await fake.listen();
 *   const hub = fake.seedRootPage('Partnernomics');          // shared with the integration
 *   const notion = new Client({ auth: fake.token, baseUrl: fake.baseUrl }); // or fake.client()
 *   ... run product code with that client ...
 *   expect(fake.count('pages.create')).toBe(12);
 *   fake.injectFaults({ seed: 1, rateLimited: 0.2, retryAfterSeconds: 1 });
 *   await fake.close();
 */
export function createFakeNotion(options: FakeNotionOptions = {}): FakeNotion {
  const state = new NotionState({
    clock: options.clock,
    workspaceName: options.workspaceName,
    dualRelationBumpsOther: options.dualRelationBumpsOther,
    syncedPropertyNames: options.syncedPropertyNames,
    blockLimit: options.blockLimit,
    blockLimitGraceMs: options.blockLimitGraceMs,
  });
  const token = options.token ?? FAKE_TOKEN;
  let server: FakeServer;
  const router = new NotionRouter(
    state,
    {
      tokens: [token],
      versions: options.versions ?? [...NOTION_VERSIONS],
      queryResultLimit: options.queryResultLimit ?? QUERY_RESULT_LIMIT,
      rateLimit: options.rateLimit ?? false,
    },
    () => server.baseUrl,
  );
  server = new FakeServer('notion', (request) => router.handle(request), { faultBody, isCreate });
  server.recordBodies = options.recordBodies ?? false;

  const asMember = <T>(fn: () => T): T => {
    state.bypassSharing = true;
    try {
      return fn();
    } finally {
      state.bypassSharing = false;
    }
  };

  const fake: FakeNotion = {
    server,
    state,
    token,
    get baseUrl() {
      return server.baseUrl;
    },
    get calls() {
      return server.calls;
    },
    listen: (port?: number) => server.listen(port),
    close: () => server.close(),
    clientOptions: (extra = {}) => ({ ...extra, auth: token, baseUrl: server.baseUrl }),
    client: (extra = {}) => new Client({ ...extra, auth: token, baseUrl: server.baseUrl }),
    count: (endpoint) => server.calls.filter((c) => endpointOf(c.method, c.path) === endpoint).length,
    callsTo: (endpoint) => server.calls.filter((c) => endpointOf(c.method, c.path) === endpoint),
    clearLog: () => server.clearLog(),
    injectFaults: (plan) => server.injectFaults(plan),
    setRateLimit: (limit) => router.setRateLimit(limit),
    seedRootPage(title, { shared = true } = {}) {
      const page = asMember(() =>
        createPage(
          state,
          { parent: { workspace: true }, properties: { title: { title: textItems(title) } } },
          state.personId,
        ),
      );
      if (!shared) state.shared.delete(page.id);
      return page.id;
    },
    seedPage(input, { by = 'person' } = {}) {
      const actor = by === 'person' ? state.personId : state.botId;
      return asMember(() => createPage(state, { ...input }, actor)).id;
    },
    seedDatabase(input) {
      const database = asMember(() =>
        createDatabase(
          state,
          {
            parent: { type: 'page_id', page_id: input.parentPageId },
            title: textItems(input.title),
            is_inline: input.isInline ?? false,
            initial_data_source: { properties: input.properties ?? { Name: { title: {} } } },
          },
          state.personId,
        ),
      );
      return { databaseId: database.id, dataSourceId: database.dataSourceIds[0]! };
    },
    editPage(pageId, properties) {
      const page = state.pages.get(id(pageId));
      if (!page) throw new Error(`fake notion: no page ${pageId}`);
      asMember(() => updatePage(state, page, { properties }, state.personId));
    },
    trash(target) {
      const key = id(target);
      const record =
        state.pages.get(key) ??
        state.blocks.get(key) ??
        state.databases.get(key) ??
        state.dataSources.get(key);
      if (!record) throw new Error(`fake notion: nothing to trash at ${target}`);
      record.inTrash = true;
      state.touch(record, state.personId);
    },
    share: (target) => void state.shared.add(id(target)),
    unshare: (target) => void state.shared.delete(id(target)),
    page(pageId) {
      const page = state.pages.get(id(pageId));
      if (!page) throw new Error(`fake notion: no page ${pageId}`);
      return renderPage(state, page);
    },
    dataSource(dataSourceId) {
      const dataSource = state.dataSources.get(id(dataSourceId));
      if (!dataSource) throw new Error(`fake notion: no data source ${dataSourceId}`);
      return renderDataSource(state, dataSource);
    },
    rows(dataSourceId, { includeTrashed = false } = {}) {
      const key = id(dataSourceId);
      return [...state.pages.values()]
        .filter(
          (p) =>
            p.parent.type === 'data_source_id' &&
            p.parent.data_source_id === key &&
            (includeTrashed || !p.inTrash),
        )
        .map((p) => renderPage(state, p));
    },
    childrenOf(parentId) {
      const key = id(parentId);
      const container = state.pages.get(key) ?? state.blocks.get(key);
      if (!container) throw new Error(`fake notion: no page or block ${parentId}`);
      return container.children.flatMap((child) => {
        const block = renderChild(state, child);
        return block && !block.in_trash ? [block] : [];
      });
    },
  };
  return fake;
}
