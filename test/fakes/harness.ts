// Shared machinery of the stateful fakes: a loopback HTTP server, a call log, seeded fault injection.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { prng } from '../helpers.js';

export interface FakeRequest {
  method: string;
  /** Path without the query string, e.g. /v1/pages/abc. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  rawBody: string;
  /** Parsed JSON body, or undefined when empty or not JSON. */
  body: unknown;
}

export interface FakeResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent verbatim instead of `body` as JSON: an HTML error page, a truncated or malformed body. */
  raw?: string;
}

export type Handler = (request: FakeRequest) => FakeResponse | Promise<FakeResponse>;

export interface CallRecord {
  method: string;
  path: string;
  status: number;
  requestBytes: number;
  responseBytes: number;
  /** What the fault injector did to this call, if anything. */
  fault?: FaultKind;
  /** A copy of the parsed JSON request body (undefined when empty or not JSON); only with `recordBodies`. */
  body?: unknown;
  /** The raw query string without `?`; only with `recordBodies`. */
  query?: string;
}

export type FaultKind = 'rate_limited' | 'server_error' | 'slow' | 'reset' | 'fail_after_apply' | 'rejected';

/**
 * A deterministic fault: requests that match are answered with `response` and never reach the handler
 * (unless `apply`). Without `response`, the request is only held for `delayMs`, then handled as usual.
 */
export interface RejectRule {
  method: string;
  path: RegExp;
  /** Only requests whose parsed JSON body passes, e.g. a batchUpdate that holds an addChart request. */
  body?: (body: unknown) => boolean;
  response?: FakeResponse;
  /** How many matching requests to reject (default: every one until clearRejections()). */
  times?: number;
  /** Hold the request this long first (the client may time out meanwhile; the write still lands after). */
  delayMs?: number;
  /** Run the handler (the write lands, a token is issued), then answer with `response` instead of its answer. */
  apply?: boolean;
  /** Answer with the handler's (or `response`'s) JSON body cut to this many characters: a truncated body. */
  truncateTo?: number;
}

/** Probabilities (0–1) per request; the same seed always injects the same faults in the same places. */
export interface FaultPlan {
  seed: number;
  rateLimited?: number;
  retryAfterSeconds?: number;
  serverError?: number;
  slow?: number;
  slowMs?: number;
  reset?: number;
  /** For creates (POST): apply the write, then fail the response with a 502 or a dropped connection. */
  failAfterApply?: number;
}

export class FaultInjector {
  private readonly random: () => number;

  constructor(readonly plan: FaultPlan) {
    this.random = prng(plan.seed);
  }

  /** Decides the fault for one request, before the handler runs (except fail_after_apply). */
  next(isCreate: boolean): FaultKind | undefined {
    const r = this.random();
    const p = this.plan;
    let edge = 0;
    const hit = (probability = 0) => {
      edge += probability;
      return r < edge;
    };
    if (hit(p.rateLimited)) return 'rate_limited';
    if (hit(p.serverError)) return 'server_error';
    if (hit(p.reset)) return 'reset';
    if (hit(p.slow)) return 'slow';
    if (isCreate && hit(p.failAfterApply)) return 'fail_after_apply';
    return undefined;
  }
}

export interface FakeServerOptions {
  /** Error bodies in the service's own shape for injected faults. */
  faultBody: (kind: 'rate_limited' | 'server_error', status: number) => unknown;
  isCreate?: (request: FakeRequest) => boolean;
}

/** A fake service on 127.0.0.1: official clients talk to it over real HTTP, exactly as to the real API. */
export class FakeServer {
  readonly calls: CallRecord[] = [];
  faults: FaultInjector | undefined;
  /** Keep each call's JSON body and query string in the log (off by default, so the log stays small). */
  recordBodies = false;
  private server: Server | undefined;
  private url = '';

  constructor(
    readonly name: string,
    private readonly handler: Handler,
    private readonly options: FakeServerOptions,
  ) {}

  get baseUrl(): string {
    if (!this.url) throw new Error(`${this.name} fake is not listening; await listen() first`);
    return this.url;
  }

  injectFaults(plan: FaultPlan | undefined): void {
    this.faults = plan ? new FaultInjector(plan) : undefined;
  }

  private armed = false;

  /** The next create (as `isCreate` defines it) is applied, then its connection dropped: a kill mid-request. */
  armFailAfterApply(on = true): void {
    this.armed = on;
  }

  private readonly rejections: RejectRule[] = [];

  /** Answers matching requests with the rule's response (one request kind fails, every time, in tests). */
  reject(rule: RejectRule): void {
    this.rejections.push({ ...rule });
  }

  clearRejections(): void {
    this.rejections.length = 0;
  }

  /** Calls whose path matches, e.g. count('POST', /^\/v1\/pages$/). */
  count(method: string, path: RegExp): number {
    return this.calls.filter((c) => c.method === method && path.test(c.path)).length;
  }

  clearLog(): void {
    this.calls.length = 0;
  }

  async listen(port = 0): Promise<string> {
    this.server = createServer((req, res) => {
      void this.serve(req, res);
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    const address = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${address.port}`;
    return this.url;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    let body: unknown;
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      body = undefined;
    }
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [
        k.toLowerCase(),
        Array.isArray(v) ? v.join(',') : (v ?? ''),
      ]),
    );
    const request: FakeRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers,
      rawBody,
      body,
    };
    const record: CallRecord = {
      method: request.method,
      path: request.path,
      status: 0,
      requestBytes: Buffer.byteLength(rawBody),
      responseBytes: 0,
    };
    if (this.recordBodies) {
      record.body = body === undefined ? undefined : structuredClone(body);
      record.query = url.search.slice(1);
    }
    this.calls.push(record);

    const rejection = this.rejections.find(
      (r) =>
        r.times !== 0 &&
        r.method === request.method &&
        r.path.test(request.path) &&
        (r.body?.(request.body) ?? true),
    );
    if (rejection) {
      if (rejection.times !== undefined) rejection.times -= 1;
      record.fault = 'rejected';
      if (rejection.delayMs) await new Promise((r) => setTimeout(r, rejection.delayMs));
      let answer = rejection.response;
      if (rejection.apply || !answer) {
        const handled = await this.handle(request, record);
        answer = rejection.response ?? handled;
      }
      if (rejection.truncateTo !== undefined) {
        const text = answer.raw ?? (answer.body === undefined ? '' : JSON.stringify(answer.body));
        answer = { ...answer, raw: text.slice(0, rejection.truncateTo) };
      }
      this.send(res, record, answer);
      return;
    }

    const isCreate = this.options.isCreate?.(request) ?? request.method === 'POST';
    let fault = this.faults?.next(isCreate);
    if (this.armed && isCreate) {
      this.armed = false;
      fault = 'fail_after_apply';
    }
    if (fault) record.fault = fault;
    if (fault === 'reset') {
      record.status = -1;
      req.socket.destroy();
      return;
    }
    if (fault === 'rate_limited' || fault === 'server_error') {
      const status = fault === 'rate_limited' ? 429 : 503;
      const extra: Record<string, string> = {};
      if (fault === 'rate_limited') extra['retry-after'] = String(this.faults?.plan.retryAfterSeconds ?? 1);
      this.send(res, record, { status, body: this.options.faultBody(fault, status), headers: extra });
      return;
    }
    if (fault === 'slow') await new Promise((r) => setTimeout(r, this.faults?.plan.slowMs ?? 200));

    let response = await this.handle(request, record);
    if (fault === 'fail_after_apply' && response.status < 300) {
      // The write happened; the client never hears so. Half the time a 502, half a dropped connection.
      if (this.calls.length % 2 === 0) {
        record.status = -1;
        req.socket.destroy();
        return;
      }
      response = { status: 502, body: this.options.faultBody('server_error', 502) };
    }
    this.send(res, record, response);
  }

  private async handle(request: FakeRequest, record: CallRecord): Promise<FakeResponse> {
    try {
      return await this.handler(request);
    } catch (error) {
      record.fault = record.fault ?? 'server_error';
      console.error(`${this.name} fake crashed on ${request.method} ${request.path}:`, error);
      return { status: 500, body: this.options.faultBody('server_error', 500) };
    }
  }

  private send(res: ServerResponse, record: CallRecord, response: FakeResponse): void {
    const text = response.raw ?? (response.body === undefined ? '' : JSON.stringify(response.body));
    record.status = response.status;
    record.responseBytes = Buffer.byteLength(text);
    res.writeHead(response.status, {
      'content-type': 'application/json; charset=utf-8',
      ...(response.headers ?? {}),
    });
    res.end(text);
  }
}

/** A token bucket: `rate` tokens per second, up to `burst`; `take()` says how long to wait if empty. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Takes a token; returns 0 on success, else the seconds until one is available. */
  take(): number {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.rate);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - this.tokens) / this.rate);
  }
}
