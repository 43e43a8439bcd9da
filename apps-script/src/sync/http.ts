// fetch over UrlFetchApp for the bundled Notion client, and the few web globals Apps Script lacks (URL, timers, Buffer).
import type { Throttle } from '../../../src/platform/throttle.js';
import { syncServices } from './services.js';

/** What a fetch asked for: the key of a request in the checkpoint, and what the hooks see. */
export interface HttpRequest {
  url: string;
  method: string;
  body: string;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Around every request: `before` may answer it (a checkpointed read) or throw (out of time); `after` sees
 * every answer that came over the network. Set by the run, cleared after it.
 */
export interface FetchHooks {
  before(request: HttpRequest): HttpAnswer | null;
  after(request: HttpRequest, answer: HttpAnswer): void;
}

let hooks: FetchHooks | null = null;
let pace: Throttle | null = null;

export function setFetchHooks(next: FetchHooks | null): void {
  hooks = next;
}

/**
 * The Notion rate (the CLI's throttle, on the script's clock), paid by requests that go over the network:
 * an answer replayed from a checkpoint costs no wait.
 */
export function setPace(throttle: Throttle | null): void {
  pace = throttle;
}

/** Requests that went over the network in this execution (UrlFetchApp calls count towards the daily quota). */
export const fetchCount = { value: 0 };

/** A fetch Response as the Notion SDK reads it: status, headers with get(), the body as text. */
function responseOf(answer: HttpAnswer) {
  return {
    ok: answer.status >= 200 && answer.status < 300,
    status: answer.status,
    statusText: '',
    headers: { get: (name: string) => answer.headers[name.toLowerCase()] ?? null },
    text: () => Promise.resolve(answer.body),
    json: () => Promise.resolve(JSON.parse(answer.body) as unknown),
  };
}

type InitLike = { method?: string; headers?: Record<string, string>; body?: unknown } | undefined;

/** UrlFetchApp's own exceptions as fetch's: a TypeError the retry layer reads as a network failure. */
function networkError(error: unknown): TypeError {
  const message = error instanceof Error ? error.message : String(error);
  const code = /DNS|Address unavailable|unknown host/i.test(message) ? 'ENOTFOUND' : 'ECONNRESET';
  return new TypeError('fetch failed', { cause: { code, message } });
}

/** Sends one request with UrlFetchApp (synchronous), answering as fetch does. */
export async function urlFetch(input: unknown, init: InitLike) {
  const headers: Record<string, string> = {};
  let contentType: string | undefined;
  for (const [name, value] of Object.entries(init?.headers ?? {})) {
    if (name.toLowerCase() === 'content-type') contentType = String(value);
    else headers[name] = String(value);
  }
  const request: HttpRequest = {
    url: String(input),
    method: (init?.method ?? 'GET').toUpperCase(),
    body: typeof init?.body === 'string' ? init.body : '',
  };
  const cached = hooks?.before(request) ?? null;
  if (cached) return responseOf(cached);
  await pace?.acquire();
  let answer: HttpAnswer;
  try {
    fetchCount.value += 1;
    const res = syncServices().UrlFetchApp.fetch(request.url, {
      method: request.method.toLowerCase(),
      headers,
      ...(contentType ? { contentType } : {}),
      ...(request.body ? { payload: request.body } : {}),
      muteHttpExceptions: true,
      followRedirects: false,
    });
    const all = res.getAllHeaders();
    answer = {
      status: res.getResponseCode(),
      headers: Object.fromEntries(
        Object.entries(all).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : String(v)]),
      ),
      body: res.getContentText(),
    };
  } catch (error) {
    throw networkError(error);
  }
  hooks?.after(request, answer);
  return responseOf(answer);
}

/** The part of URL the Notion SDK uses: an absolute URL, searchParams.append, toString. */
class MiniUrl {
  private readonly base: string;
  private readonly query: string[] = [];
  readonly searchParams = {
    append: (key: string, value: string) => {
      this.query.push(`${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
    },
  };

  constructor(url: string) {
    const [base = '', query = ''] = String(url).split('?', 2);
    if (!/^https?:\/\//.test(base)) throw new TypeError(`Invalid URL: ${url}`);
    this.base = base;
    if (query) this.query.push(...query.split('&'));
  }

  toString(): string {
    return this.query.length ? `${this.base}?${this.query.join('&')}` : this.base;
  }

  get href(): string {
    return this.toString();
  }
}

/** UTF-8 length of a string (what Buffer.byteLength gives), for the Sheets batch sizes. */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i += 1;
    } else n += 3;
  }
  return n;
}

/**
 * Installs what the bundled engine expects of a JavaScript host and Apps Script does not have. Timers never
 * fire: every request is synchronous (the SDK's request timeout races an answer that is already there), and
 * every wait of the engine goes through its Clock (Utilities.sleep).
 */
export function installWebGlobals(): void {
  const g = globalThis as Record<string, unknown>;
  if (typeof g.fetch !== 'function') g.fetch = urlFetch;
  if (typeof g.URL !== 'function') g.URL = MiniUrl;
  if (typeof g.setTimeout !== 'function') {
    g.setTimeout = () => 0;
    g.clearTimeout = () => undefined;
  }
  if (typeof g.Buffer === 'undefined') g.Buffer = { byteLength: (s: string) => utf8Length(String(s)) };
}
