// The fake Notion workspace's in-memory model: records, deterministic ids, the clock, users and sharing.

import type {
  BlockObjectResponse,
  DataSourceObjectResponse,
  DatePropertyItemObjectResponse,
  FilesPropertyItemObjectResponse,
  PageObjectResponse,
  RichTextItemResponse,
  UserObjectResponse,
} from '@notionhq/client';
import { blockLimitError } from './errors.js';

/** Shapes taken from the SDK's own types, so the model cannot drift from what the API returns. */
export type DateValue = NonNullable<DatePropertyItemObjectResponse['date']>;
export type PageIcon = NonNullable<PageObjectResponse['icon']>;
export type PageCover = NonNullable<PageObjectResponse['cover']>;
export type SelectColor =
  | 'default'
  | 'gray'
  | 'brown'
  | 'orange'
  | 'yellow'
  | 'green'
  | 'blue'
  | 'purple'
  | 'pink'
  | 'red';
export type RollupFunction = Extract<
  DataSourceObjectResponse['properties'][string],
  { type: 'rollup' }
>['rollup']['function'];

type BlockCommonKey =
  | 'parent'
  | 'object'
  | 'id'
  | 'created_time'
  | 'created_by'
  | 'last_edited_time'
  | 'last_edited_by'
  | 'has_children'
  | 'in_trash'
  | 'archived';
/** A block's type-specific part (`{ type: 'paragraph', paragraph: {...} }`), exactly as the API returns it. */
export type BlockContent = BlockObjectResponse extends infer B
  ? B extends BlockObjectResponse
    ? Omit<B, BlockCommonKey>
    : never
  : never;

// ---------------------------------------------------------------- ids and time

const KIND_PREFIX = {
  page: 'aaaaaaaa',
  block: 'bbbbbbbb',
  user: 'cccccccc',
  database: 'dddddddd',
  data_source: 'eeeeeeee',
  request: 'ffffffff',
  view: '77777777',
  workspace: '99999999',
} as const;
export type IdKind = keyof typeof KIND_PREFIX;

/** Counter-based UUID-shaped ids: `aaaaaaaa-0000-4000-8000-000000000007` is the 7th id (a page). */
export class IdGenerator {
  private counter = 0;
  private short = 0;

  next(kind: IdKind): string {
    this.counter += 1;
    return `${KIND_PREFIX[kind]}-0000-4000-8000-${this.counter.toString(16).padStart(12, '0')}`;
  }

  /** Short ids like Notion's property and option ids (e.g. `p1a`), unique within the workspace. */
  nextShort(prefix: string): string {
    this.short += 1;
    return `${prefix}${this.short.toString(36)}`;
  }
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests move by hand. */
export class FakeClock implements Clock {
  private ms: number;

  constructor(start: string | number = '2025-09-15T09:00:00.000Z') {
    this.ms = typeof start === 'number' ? start : Date.parse(start);
  }

  now(): number {
    return this.ms;
  }

  advance(ms: number): void {
    this.ms += ms;
  }

  set(iso: string): void {
    this.ms = Date.parse(iso);
  }
}

const MINUTE = 60_000;

/** Notion rounds `created_time` and `last_edited_time` down to the minute. */
export function notionTime(ms: number): string {
  return new Date(Math.floor(ms / MINUTE) * MINUTE).toISOString();
}

export function floorToMinute(ms: number): number {
  return Math.floor(ms / MINUTE) * MINUTE;
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** Accepts ids with or without dashes, as the API does; returns the dashed lowercase form, or undefined. */
export function normalizeId(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || !UUID.test(raw)) return undefined;
  const hex = raw.replace(/-/g, '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// ---------------------------------------------------------------- records

export interface SelectOption {
  id: string;
  name: string;
  color: SelectColor;
  description: string | null;
}

export interface StatusGroup {
  id: string;
  name: string;
  color: SelectColor;
  option_ids: string[];
}

/** A property's stored configuration; names of related properties are resolved when rendered. */
export type PropertyConfig =
  | {
      type:
        | 'title'
        | 'rich_text'
        | 'url'
        | 'people'
        | 'files'
        | 'email'
        | 'phone_number'
        | 'date'
        | 'checkbox'
        | 'created_by'
        | 'created_time'
        | 'last_edited_by'
        | 'last_edited_time';
    }
  | { type: 'number'; format: string }
  | { type: 'formula'; expression: string }
  | { type: 'select' | 'multi_select'; options: SelectOption[] }
  | { type: 'status'; options: SelectOption[]; groups: StatusGroup[] }
  | { type: 'relation'; dataSourceId: string; syncedPropertyId: string | null }
  | { type: 'rollup'; function: RollupFunction; relationPropertyId: string; rollupPropertyId: string }
  | { type: 'unique_id'; prefix: string | null; next: number };

export type PropertyType = PropertyConfig['type'];

export interface PropertyRecord {
  id: string;
  name: string;
  description: string | null;
  config: PropertyConfig;
}

/** A page's stored value for one property; computed types (formula, rollup, timestamps) are not stored. */
export type StoredValue =
  | { type: 'title' | 'rich_text'; items: RichTextItemResponse[] }
  | { type: 'number'; value: number | null }
  | { type: 'select' | 'status'; optionId: string | null }
  | { type: 'multi_select'; optionIds: string[] }
  | { type: 'date'; value: DateValue | null }
  | { type: 'checkbox'; value: boolean }
  | { type: 'relation'; ids: string[] }
  | { type: 'people'; ids: string[] }
  | { type: 'url' | 'email' | 'phone_number'; value: string | null }
  | { type: 'files'; files: FilesPropertyItemObjectResponse['files'] }
  | { type: 'unique_id'; number: number };

export type PageParent =
  | { type: 'page_id'; page_id: string }
  | { type: 'data_source_id'; data_source_id: string; database_id: string }
  | { type: 'workspace'; workspace: true };

interface Stamped {
  id: string;
  createdTime: number;
  lastEditedTime: number;
  createdBy: string;
  lastEditedBy: string;
  inTrash: boolean;
}

export interface PageRecord extends Stamped {
  parent: PageParent;
  /** Values keyed by property id; a page outside a data source keeps its title under `title`. */
  values: Map<string, StoredValue>;
  icon: PageIcon | null;
  cover: PageCover | null;
  isLocked: boolean;
  /** Ids of child blocks, child pages and child databases, in order. */
  children: string[];
}

export interface DatabaseRecord extends Stamped {
  parent: { type: 'page_id'; page_id: string } | { type: 'workspace'; workspace: true };
  title: RichTextItemResponse[];
  description: RichTextItemResponse[];
  isInline: boolean;
  isLocked: boolean;
  icon: PageIcon | null;
  cover: PageCover | null;
  dataSourceIds: string[];
  /** The database's views in tab order. */
  viewIds: string[];
}

export interface DataSourceRecord extends Stamped {
  databaseId: string;
  title: RichTextItemResponse[];
  description: RichTextItemResponse[];
  icon: PageIcon | null;
  /** In schema order. */
  properties: PropertyRecord[];
}

/** A view of a database (API 2025-09-03+), scoped to one of its data sources. */
export interface ViewRecord {
  id: string;
  dataSourceId: string;
  databaseId: string;
  name: string;
  type: 'table' | 'board' | 'list' | 'calendar' | 'timeline' | 'gallery' | 'form';
  configuration: Record<string, unknown> | null;
  sorts: unknown[] | null;
  filter: Record<string, unknown> | null;
  createdTime: number;
  createdBy: string;
  lastEditedTime: number;
  lastEditedBy: string;
}

export interface BlockRecord extends Stamped {
  /** The page or block this block sits in. */
  parentId: string;
  content: BlockContent;
  children: string[];
}

// ---------------------------------------------------------------- the workspace

export interface NotionStateOptions {
  clock?: Clock;
  workspaceName?: string;
  /** Writing one side of a two-way relation also bumps the other page's last_edited_time (default true). */
  dualRelationBumpsOther?: boolean;
  /** Name the synced side of a two-way relation as requested, or as Notion would without a name (default as requested). */
  syncedPropertyNames?: 'as_requested' | 'generated';
  /** Lifetime block limit of a Free workspace with more than one member (Notion: 1,000); off when undefined. */
  blockLimit?: number;
  /** Grace period after the write that reaches the block limit (Notion: three days); default 0, already expired. */
  blockLimitGraceMs?: number;
}

export class NotionState {
  readonly ids = new IdGenerator();
  readonly clock: Clock;
  readonly workspaceName: string;
  readonly workspaceId: string;
  readonly pages = new Map<string, PageRecord>();
  readonly databases = new Map<string, DatabaseRecord>();
  readonly dataSources = new Map<string, DataSourceRecord>();
  readonly blocks = new Map<string, BlockRecord>();
  /** Views in creation order; each database also keeps its own tab order in `DatabaseRecord.viewIds`. */
  readonly views = new Map<string, ViewRecord>();
  readonly users = new Map<string, UserObjectResponse>();
  /** Ids the integration was given access to; everything below them is shared too. */
  readonly shared = new Set<string>();
  /** The integration's bot user. */
  readonly botId: string;
  /** A person who edits in the Notion app (used by test helpers that simulate human edits). */
  readonly personId: string;

  readonly dualRelationBumpsOther: boolean;
  readonly syncedPropertyNames: 'as_requested' | 'generated';
  readonly blockLimit: number | undefined;
  readonly blockLimitGraceMs: number;
  /** Blocks (pages, content blocks, databases) ever created in the workspace; deleting them gives none back. */
  blocksCreated = 0;
  /** When the lifetime block count first reached `blockLimit` (the grace period starts then). */
  blockLimitReachedAt: number | undefined;

  constructor(options: NotionStateOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.dualRelationBumpsOther = options.dualRelationBumpsOther ?? true;
    this.syncedPropertyNames = options.syncedPropertyNames ?? 'as_requested';
    this.blockLimit = options.blockLimit;
    this.blockLimitGraceMs = options.blockLimitGraceMs ?? 0;
    this.workspaceName = options.workspaceName ?? 'Fake workspace';
    this.workspaceId = this.ids.next('workspace');
    this.botId = this.ids.next('user');
    this.personId = this.ids.next('user');
    this.users.set(this.botId, {
      object: 'user',
      id: this.botId,
      name: 'Partnernomics (fake integration)',
      avatar_url: null,
      type: 'bot',
      bot: {
        owner: { type: 'workspace', workspace: true },
        workspace_id: this.workspaceId,
        workspace_limits: { max_file_upload_size_in_bytes: 5_242_880 },
        workspace_name: this.workspaceName,
      },
    });
    this.users.set(this.personId, {
      object: 'user',
      id: this.personId,
      name: 'Ada Admin',
      avatar_url: null,
      type: 'person',
      person: { email: 'ada@example.com' },
    });
  }

  now(): number {
    return this.clock.now();
  }

  /** The object an id refers to, whatever its kind. */
  kindOf(id: string): 'page' | 'database' | 'data_source' | 'block' | undefined {
    if (this.pages.has(id)) return 'page';
    if (this.databases.has(id)) return 'database';
    if (this.dataSources.has(id)) return 'data_source';
    if (this.blocks.has(id)) return 'block';
    return undefined;
  }

  /** The container an object lives in (page, block, data source, database), or undefined at the top. */
  parentOf(id: string): string | undefined {
    const page = this.pages.get(id);
    if (page) {
      if (page.parent.type === 'page_id') return page.parent.page_id;
      if (page.parent.type === 'data_source_id') return page.parent.data_source_id;
      return undefined;
    }
    const block = this.blocks.get(id);
    if (block) return block.parentId;
    const dataSource = this.dataSources.get(id);
    if (dataSource) return dataSource.databaseId;
    const database = this.databases.get(id);
    if (database?.parent.type === 'page_id') return database.parent.page_id;
    return undefined;
  }

  /**
   * Set by seeding helpers, which act as a workspace member: they see everything and may create
   * top-level (workspace) pages, which an internal integration cannot.
   */
  bypassSharing = false;

  /** Whether the integration can see an object: it, or one of its ancestors, was shared with it. */
  isShared(id: string): boolean {
    if (this.bypassSharing) return true;
    let current: string | undefined = id;
    for (let depth = 0; current && depth < 1_000; depth += 1) {
      if (this.shared.has(current)) return true;
      current = this.parentOf(current);
    }
    return false;
  }

  /** The page whose content holds this block (or the page itself). */
  containingPage(id: string): PageRecord | undefined {
    let current: string | undefined = id;
    for (let depth = 0; current && depth < 1_000; depth += 1) {
      const page = this.pages.get(current);
      if (page) return page;
      current = this.blocks.get(current)?.parentId;
    }
    return undefined;
  }

  /**
   * Checks that a request may create `count` more blocks under the Free workspace block limit: once the
   * lifetime count has reached the limit and the grace period has run out, it may not. Members editing
   * in the app (seed helpers) are not stopped, but what they create still counts.
   */
  checkBlockLimit(count: number): void {
    if (this.blockLimit === undefined || count === 0 || this.bypassSharing) return;
    if (this.blockLimitReachedAt === undefined) return;
    if (this.now() < this.blockLimitReachedAt + this.blockLimitGraceMs) return;
    throw blockLimitError(this.blockLimit);
  }

  /** Counts created blocks; the write that first reaches the limit succeeds and starts the grace period. */
  countBlocks(count: number): void {
    this.blocksCreated += count;
    if (
      this.blockLimit !== undefined &&
      this.blockLimitReachedAt === undefined &&
      this.blocksCreated >= this.blockLimit
    ) {
      this.blockLimitReachedAt = this.now();
    }
  }

  /** Marks an object edited now by `actor`. */
  touch(record: Stamped, actor: string): void {
    record.lastEditedTime = this.now();
    record.lastEditedBy = actor;
  }

  stamp(id: string, actor: string): Stamped {
    const now = this.now();
    return {
      id,
      createdTime: now,
      lastEditedTime: now,
      createdBy: actor,
      lastEditedBy: actor,
      inTrash: false,
    };
  }

  propertyByKey(dataSource: DataSourceRecord, key: string): PropertyRecord | undefined {
    return (
      dataSource.properties.find((p) => p.name === key) ??
      dataSource.properties.find((p) => p.id === key || p.id === safeDecode(key))
    );
  }

  propertyById(dataSource: DataSourceRecord, id: string): PropertyRecord | undefined {
    return dataSource.properties.find((p) => p.id === id);
  }
}

export function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
