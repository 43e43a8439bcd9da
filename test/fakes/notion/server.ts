// The fake's HTTP front: explicit routing table, Notion-Version and bearer checks, payload limits, rate limiting.
import { type FakeRequest, type FakeResponse, TokenBucket } from '../harness.js';
import { type RouteContext, since } from './access.js';
import {
  missingVersion,
  NotionApiError,
  notPresent,
  rateLimited,
  unauthorized,
  validationError,
} from './errors.js';
import {
  appendChildrenRoute,
  createPageRoute,
  deleteBlockRoute,
  listChildrenRoute,
  retrieveBlockRoute,
  retrievePagePropertyRoute,
  retrievePageRoute,
  updateBlockRoute,
  updatePageRoute,
} from './routes-content.js';
import {
  createDatabaseRoute,
  createDataSourceRoute,
  queryDataSourceRoute,
  retrieveDatabaseRoute,
  retrieveDataSourceRoute,
  searchRoute,
  updateDatabaseRoute,
  updateDataSourceRoute,
  usersMeRoute,
} from './routes-data.js';
import type { NotionState } from './state.js';
import {
  createViewRoute,
  deleteViewRoute,
  listViewsRoute,
  retrieveViewRoute,
  updateViewRoute,
} from './views.js';

/** Endpoint names follow the SDK's method names, so a test counts `pages.create` as it reads in product code. */
export type Endpoint =
  | 'users.me'
  | 'search'
  | 'databases.create'
  | 'databases.retrieve'
  | 'databases.update'
  | 'dataSources.create'
  | 'dataSources.retrieve'
  | 'dataSources.update'
  | 'dataSources.query'
  | 'pages.create'
  | 'pages.retrieve'
  | 'pages.update'
  | 'pages.properties.retrieve'
  | 'blocks.retrieve'
  | 'blocks.update'
  | 'blocks.delete'
  | 'blocks.children.list'
  | 'blocks.children.append'
  | 'views.create'
  | 'views.retrieve'
  | 'views.update'
  | 'views.delete'
  | 'views.list';

interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  pattern: RegExp;
  endpoint: Endpoint;
  /** Writes that create objects: the harness may apply them and then fail the response (fail_after_apply). */
  creates: boolean;
  handle: (ctx: RouteContext) => object;
}

const ID = '([^/]+)';
const route = (
  method: Route['method'],
  path: string,
  endpoint: Endpoint,
  handle: Route['handle'],
  creates = false,
): Route => ({ method, pattern: new RegExp(`^/v1/${path}/?$`), endpoint, handle, creates });

export const ROUTES: readonly Route[] = [
  route('GET', 'users/me', 'users.me', usersMeRoute),
  route('POST', 'search', 'search', searchRoute),
  route('POST', 'databases', 'databases.create', createDatabaseRoute, true),
  route('GET', `databases/${ID}`, 'databases.retrieve', retrieveDatabaseRoute),
  route('PATCH', `databases/${ID}`, 'databases.update', updateDatabaseRoute),
  route('POST', 'data_sources', 'dataSources.create', createDataSourceRoute, true),
  route('GET', `data_sources/${ID}`, 'dataSources.retrieve', retrieveDataSourceRoute),
  route('PATCH', `data_sources/${ID}`, 'dataSources.update', updateDataSourceRoute),
  route('POST', `data_sources/${ID}/query`, 'dataSources.query', queryDataSourceRoute),
  route('POST', 'pages', 'pages.create', createPageRoute, true),
  route('GET', `pages/${ID}`, 'pages.retrieve', retrievePageRoute),
  route('PATCH', `pages/${ID}`, 'pages.update', updatePageRoute),
  route('GET', `pages/${ID}/properties/${ID}`, 'pages.properties.retrieve', retrievePagePropertyRoute),
  route('GET', `blocks/${ID}`, 'blocks.retrieve', retrieveBlockRoute),
  route('PATCH', `blocks/${ID}`, 'blocks.update', updateBlockRoute),
  route('DELETE', `blocks/${ID}`, 'blocks.delete', deleteBlockRoute),
  route('GET', `blocks/${ID}/children`, 'blocks.children.list', listChildrenRoute),
  route('PATCH', `blocks/${ID}/children`, 'blocks.children.append', appendChildrenRoute, true),
  route('POST', 'views', 'views.create', createViewRoute, true),
  route('GET', `views/${ID}`, 'views.retrieve', retrieveViewRoute),
  route('PATCH', `views/${ID}`, 'views.update', updateViewRoute),
  route('DELETE', `views/${ID}`, 'views.delete', deleteViewRoute),
  route('GET', 'views', 'views.list', listViewsRoute),
];

function match(method: string, path: string): { route: Route; params: string[] } | undefined {
  for (const candidate of ROUTES) {
    if (candidate.method !== method) continue;
    const found = candidate.pattern.exec(path);
    if (found) return { route: candidate, params: found.slice(1) };
  }
  return undefined;
}

/** The endpoint a logged call went to, e.g. `endpointOf('PATCH', '/v1/blocks/x/children') === 'blocks.children.append'`. */
export function endpointOf(method: string, path: string): Endpoint | undefined {
  return match(method, path)?.route.endpoint;
}

export function isCreate(request: FakeRequest): boolean {
  return match(request.method, request.path)?.route.creates ?? false;
}

/** Notion's request size limit: 500 KB per payload (taken as 500,000 bytes, the stricter reading). */
export const MAX_BODY_BYTES = 500_000;

export interface RateLimit {
  /** Requests per second on average (Notion: about 3). */
  rate: number;
  /** Requests allowed at once before throttling starts. */
  burst: number;
}

export interface RouterOptions {
  tokens: readonly string[];
  versions: readonly string[];
  queryResultLimit: number;
  rateLimit?: RateLimit | false;
}

/** Turns HTTP requests into calls on the workspace, with the checks the real API makes first. */
export class NotionRouter {
  private bucket: TokenBucket | undefined;

  constructor(
    private readonly state: NotionState,
    private readonly options: RouterOptions,
    private readonly baseUrl: () => string,
  ) {
    this.setRateLimit(options.rateLimit);
  }

  setRateLimit(limit: RateLimit | false | undefined): void {
    this.bucket = limit ? new TokenBucket(limit.rate, limit.burst) : undefined;
  }

  handle(request: FakeRequest): FakeResponse {
    const requestId = this.state.ids.next('request');
    try {
      const body = this.dispatch(request);
      const version = request.headers['notion-version'] ?? '';
      return {
        status: 200,
        body: { ...(since({ version }, '2026-03-11') ? withoutArchived(body) : body), request_id: requestId },
        headers: { 'x-notion-request-id': requestId },
      };
    } catch (error) {
      if (!(error instanceof NotionApiError)) throw error;
      return {
        status: error.status,
        body: error.body(requestId),
        headers: { ...error.headers, 'x-notion-request-id': requestId },
      };
    }
  }

  private dispatch(request: FakeRequest): object {
    if (this.bucket) {
      const wait = this.bucket.take();
      if (wait > 0) throw rateLimited(Math.max(1, wait));
    }
    const version = request.headers['notion-version'];
    if (!version) throw missingVersion();
    if (!this.options.versions.includes(version)) {
      throw validationError(
        `Notion-Version header failed validation: Notion-Version header should be one of ${this.options.versions
          .map((v) => `"${v}"`)
          .join(', ')}, instead was \`"${version}"\`.`,
      );
    }
    const auth = request.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length) : '';
    if (!this.options.tokens.includes(token)) throw unauthorized();

    const found = match(request.method, request.path);
    if (!found) throw new NotionApiError(400, 'invalid_request_url', 'Invalid request URL.');
    if (request.rawBody && request.body === undefined) {
      throw new NotionApiError(400, 'invalid_json', 'Error parsing JSON body.');
    }
    if (Buffer.byteLength(request.rawBody) > MAX_BODY_BYTES) {
      throw validationError(
        `body failed validation: the request body should be ≤ 500KB, instead was ${Buffer.byteLength(request.rawBody)} bytes.`,
      );
    }
    if (
      request.body !== undefined &&
      (typeof request.body !== 'object' || request.body === null || Array.isArray(request.body))
    ) {
      throw validationError('body failed validation: body should be an object.');
    }
    const body = (request.body as Record<string, unknown> | undefined) ?? {};
    // 2026-03-11 removed `archived` (a deprecated alias of `in_trash`) from every request.
    if (since({ version }, '2026-03-11') && body.archived !== undefined) {
      throw notPresent('body.archived', body.archived);
    }
    return found.route.handle({
      state: this.state,
      params: found.params,
      body,
      query: request.query,
      baseUrl: this.baseUrl(),
      actor: this.state.botId,
      queryResultLimit: this.options.queryResultLimit,
      version,
    });
  }
}

const TRASHABLE = new Set(['page', 'database', 'data_source', 'block']);

/** A response as 2026-03-11 and later send it: pages, databases, data sources and blocks carry no `archived`. */
export function withoutArchived<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutArchived) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  const record = value as Record<string, unknown>;
  const drop = TRASHABLE.has(String(record.object)) && 'in_trash' in record;
  for (const [key, inner] of Object.entries(record)) {
    if (drop && key === 'archived') continue;
    out[key] = withoutArchived(inner);
  }
  return out as T;
}
