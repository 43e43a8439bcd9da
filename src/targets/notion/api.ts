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
}

/** What the retry layer needs to know of a failed call; null for errors that are not HTTP or network failures. */
export function classify(error: unknown): HttpFailure | null {
  if (isHTTPResponseError(error)) {
    const header = (error.headers as Headers | undefined)?.get?.('retry-after');
    const seconds = header ? Number(header) : undefined;
    return { status: error.status, retryAfterSeconds: Number.isFinite(seconds) ? seconds : undefined };
  }
  if (error instanceof RequestTimeoutError) return { status: undefined, retryAfterSeconds: undefined };
  if (
    error instanceof TypeError &&
    /fetch failed|socket|ECONNRESET|terminated/i.test(`${error.message} ${String(error.cause)}`)
  ) {
    return { status: undefined, retryAfterSeconds: undefined };
  }
  return null;
}

export class NotionApi {
  readonly client: Client;
  private readonly throttle: Throttle;

  constructor(private readonly options: NotionApiOptions) {
    const clock = options.clock ?? realClock;
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
          `Notion answered ${'status' in error ? error.status : ''} ${error.code} while ${doing}: ${error.message}`,
          {
            hint: 'run the same command again: it resumes where it stopped; add --debug for details',
            cause: error,
          },
        );
    }
  }
  const failure = classify(error);
  if (failure) {
    return new PnError('API_ERROR', `could not reach Notion while ${doing}`, {
      hint: 'check the network connection and run the same command again',
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
