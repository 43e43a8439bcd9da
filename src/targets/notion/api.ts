// The one wrapper around the Notion API: throttled, retried by our single retry layer, errors mapped to PnError.
import {
  APIErrorCode,
  Client,
  type GetPageResponse,
  type GetSelfResponse,
  isHTTPResponseError,
  isNotionClientError,
  type ListBlockChildrenResponse,
  RequestTimeoutError,
} from '@notionhq/client';
import { PnError } from '../../platform/errors.js';
import { type HttpFailure, type RetryHooks, type RetryPolicy, withRetry } from '../../platform/retry.js';
import { type Clock, realClock, Throttle } from '../../platform/throttle.js';

/**
 * The API version this product is written against (databases hold data sources; `in_trash`, not `archived`;
 * `position`, not `after`, when appending). Queries and page reads name the properties they need with
 * `filter_properties`, so 2026-12-01 (title only unless asked) changes nothing for us.
 */
export const NOTION_VERSION = '2026-03-11';

/** About 3 requests per second on average, as Notion asks of each integration, with a small burst. */
export const NOTION_RATE_PER_SECOND = 3;
export const NOTION_BURST = 4;

/** Shared by every NotionApi in the process, so parallel work never outruns the rate limit. */
let processThrottle: Throttle | undefined;
function sharedThrottle(clock: Clock): Throttle {
  processThrottle ??= new Throttle(NOTION_RATE_PER_SECOND, NOTION_BURST, clock);
  return processThrottle;
}

export interface NotionApiOptions {
  token: string;
  /** The real API unless given (tests and `npm run fakes` point it at a fake). */
  baseUrl?: string;
  throttle?: Throttle;
  clock?: Clock;
  policy?: RetryPolicy;
  hooks?: RetryHooks;
  /** How long one request may take before it counts as failed with an unknown outcome (default 60 s). */
  timeoutMs?: number;
  /** The window over which a create with an unknown outcome is looked up again (default: the timeout). */
  settleMs?: number;
}

/** Network errors that mean the host could not be reached at all: retrying in a few seconds will not help. */
const UNREACHABLE_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH']);

/** The error code under a fetch failure (undici puts the system error in `cause`, sometimes nested). */
export function networkCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const code = Reflect.get(e, 'code');
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
    e = Reflect.get(e, 'cause');
  }
  return undefined;
}

/** What the retry layer needs to know of a failed call; null for errors that are not HTTP or network failures. */
export function classify(error: unknown): HttpFailure | null {
  if (isHTTPResponseError(error)) {
    const header = (error.headers as Headers | undefined)?.get?.('retry-after');
    const seconds = header ? Number(header) : undefined;
    return { status: error.status, retryAfterSeconds: Number.isFinite(seconds) ? seconds : undefined };
  }
  if (error instanceof RequestTimeoutError) return { status: undefined, retryAfterSeconds: undefined };
  // A 2xx whose body is not JSON (malformed or empty): the request was handled, its result is unknown.
  if (error instanceof SyntaxError) return { status: undefined, retryAfterSeconds: undefined };
  if (error instanceof TypeError) {
    const code = networkCode(error);
    if (code && UNREACHABLE_CODES.has(code))
      return { status: undefined, retryAfterSeconds: undefined, unreachable: true };
    if (
      code ||
      /fetch failed|socket|terminated|other side closed/i.test(`${error.message} ${String(error.cause)}`)
    )
      return { status: undefined, retryAfterSeconds: undefined };
  }
  return null;
}

export class NotionApi {
  readonly client: Client;
  private readonly throttle: Throttle;
  /**
   * How long a request that timed out or lost its connection may still land on Notion's side: the SDK
   * gives up after the timeout, but the request can be held upstream and applied later. A create with
   * such an outcome is looked up again over this window before it is sent a second time.
   */
  readonly settleMs: number;
  readonly clock: Clock;

  constructor(private readonly options: NotionApiOptions) {
    const clock = options.clock ?? realClock;
    this.clock = clock;
    this.settleMs = options.settleMs ?? options.timeoutMs ?? 60_000;
    this.throttle = options.throttle ?? sharedThrottle(clock);
    const throttled: typeof fetch = async (input, init) => {
      await this.throttle.acquire();
      return fetch(input, init);
    };
    this.client = new Client({
      auth: options.token,
      baseUrl: options.baseUrl ?? 'https://api.notion.com',
      notionVersion: NOTION_VERSION,
      fetch: throttled,
      retry: false,
      timeoutMs: options.timeoutMs ?? 60_000,
      // The SDK's own logging would bypass the CLI's output (and its secret scrubbing); errors reach us instead.
      logger: () => undefined,
    });
  }

  /** Runs one API call through the retry layer; `idempotent: false` for creates and appends. */
  call<T>(idempotent: boolean, run: (client: Client) => Promise<T>): Promise<T> {
    return withRetry(() => run(this.client), {
      idempotent,
      classify,
      clock: this.options.clock,
      policy: this.options.policy,
      hooks: this.options.hooks,
    });
  }

  private self: Promise<GetSelfResponse> | undefined;

  /** The integration's own user (its bot ID marks what it created); asked once per NotionApi. */
  me(): Promise<GetSelfResponse> {
    this.self ??= this.call(true, (c) => c.users.me({})).catch((error: unknown) => {
      this.self = undefined;
      throw mapNotionError(error, 'checking the token');
    });
    return this.self;
  }

  async retrievePage(pageId: string): Promise<GetPageResponse> {
    try {
      return await this.call(true, (c) =>
        c.pages.retrieve({ page_id: pageId, filter_properties: ['title'] }),
      );
    } catch (error) {
      throw mapNotionError(error, `reading page ${pageId}`, pageId);
    }
  }

  /**
   * Moves a page to the trash. A page already there (another run trashed it first, between our read and
   * this write; Notion then refuses to edit it) or already gone counts as done, so two runs never fail
   * over the same lock or duplicate.
   */
  async trashPage(pageId: string): Promise<void> {
    try {
      await this.call(true, (c) => c.pages.update({ page_id: pageId, in_trash: true }));
    } catch (error) {
      const already = await this.call(true, (c) =>
        c.pages.retrieve({ page_id: pageId, filter_properties: ['title'] }),
      )
        .then((page) => 'in_trash' in page && page.in_trash)
        .catch(
          (lookup: unknown) => isNotionClientError(lookup) && lookup.code === APIErrorCode.ObjectNotFound,
        );
      if (!already) throw mapNotionError(error, `moving page ${pageId} to the trash`, pageId);
    }
  }

  /** Every child block of a page or block, following cursors to the end. */
  async *children(blockId: string): AsyncGenerator<ListBlockChildrenResponse['results'][number]> {
    let cursor: string | undefined;
    do {
      const page = await this.call(true, (c) =>
        c.blocks.children.list({
          block_id: blockId,
          page_size: 100,
          ...(cursor ? { start_cursor: cursor } : {}),
        }),
      );
      yield* page.results;
      cursor = page.has_more ? (page.next_cursor ?? undefined) : undefined;
    } while (cursor);
  }
}

/** A message as one line of at most 200 characters: an HTML error page never reaches the terminal. */
function firstLine(message: string): string {
  const line = message.split(/\r?\n/, 1)[0]!.trim();
  return /<[a-z!]/i.test(line) ? 'an HTML error page' : line.slice(0, 200);
}

/** Notion's errors as one line that says what to do; the token itself never appears. */
export function mapNotionError(error: unknown, doing: string, objectId?: string): PnError {
  if (error instanceof PnError) return error;
  if (isNotionClientError(error) && 'code' in error) {
    switch (error.code) {
      case APIErrorCode.Unauthorized:
        return new PnError('AUTH_FAILED', `Notion rejected the token while ${doing}`, {
          hint: 'create an internal integration at notion.so/profile/integrations, then run `partnernomics login notion` with its secret',
          cause: error,
        });
      case APIErrorCode.ObjectNotFound:
        return new PnError(
          'NOT_SHARED',
          objectId
            ? `Notion page ${objectId} is not shared with the integration`
            : `the integration cannot see what it needs for ${doing}`,
          {
            hint: 'open the page in Notion, choose ••• → Connections, and add your integration (it then sees the page and everything under it)',
            cause: error,
          },
        );
      case APIErrorCode.RestrictedResource:
        return new PnError('NOT_SHARED', `the integration lacks a capability needed for ${doing}`, {
          hint: 'in the integration settings, enable Read, Update and Insert content',
          cause: error,
        });
      case APIErrorCode.RateLimited:
        return new PnError('API_ERROR', `Notion kept rate-limiting the requests while ${doing}`, {
          hint: 'wait a few minutes and run the same command again: it resumes where it stopped',
          cause: error,
        });
      default:
        return new PnError(
          'API_ERROR',
          `Notion answered ${'status' in error ? error.status : ''} ${error.code} while ${doing}: ${firstLine(error.message)}`,
          {
            hint: 'run the same command again: it resumes where it stopped; add --debug for details',
            cause: error,
          },
        );
    }
  }
  const failure = classify(error);
  if (failure?.unreachable) {
    return new PnError('UNREACHABLE', `cannot reach Notion (${networkCode(error)}) while ${doing}`, {
      hint: 'check the network connection, DNS or proxy, then run the same command again: it resumes where it stopped',
      cause: error,
    });
  }
  if (error instanceof RequestTimeoutError) {
    return new PnError('API_ERROR', `Notion did not answer in time while ${doing}`, {
      hint: 'run the same command again: it resumes where it stopped, and looks up anything it may have created',
      cause: error,
    });
  }
  if (error instanceof SyntaxError) {
    return new PnError('API_ERROR', `Notion sent a response that is not valid JSON while ${doing}`, {
      hint: 'run the same command again: it resumes where it stopped, and looks up anything it may have created',
      cause: error,
    });
  }
  if (failure) {
    return new PnError('API_ERROR', `the connection to Notion failed while ${doing}`, {
      hint: 'check the network connection and run the same command again: it resumes where it stopped',
      cause: error,
    });
  }
  return new PnError(
    'INTERNAL',
    `unexpected error while ${doing}: ${error instanceof Error ? error.message : String(error)}`,
    {
      cause: error,
    },
  );
}
