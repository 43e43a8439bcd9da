// A loopback fault proxy in front of one fake: forwards every request, and injects faults by seeded plan or rule.
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { prng } from '../helpers.js';

/**
 * What the proxy can do to one request. "before" faults never reach the fake (nothing is applied);
 * "after" faults forward it first, so the fake applies the write and only the answer is lost or spoiled.
 */
export type FaultKind =
  /** Hold the request past the client's timeout, then forward it: it lands after the client gave up. */
  | 'hold-before'
  /** Forward, then hold the response past the client's timeout before sending it. */
  | 'hold-after'
  /** 429 with Retry-After, in the service's own error shape; not forwarded. */
  | 'rate-limit'
  /** 500 or 503 in the service's JSON error shape; not forwarded. */
  | 'server-error'
  /** A 502 HTML page (Google's front end, or Notion's CDN); not forwarded. */
  | 'html-502'
  /** Forwarded (applied), then answered with the fake's status and a truncated JSON body. */
  | 'malformed'
  /** Forwarded (applied), then answered 200 with an empty body. */
  | 'empty'
  /** The connection is dropped before forwarding. */
  | 'drop-before'
  /** Forwarded (applied), then the connection is dropped before any answer. */
  | 'drop-after';

export const ALL_FAULTS: readonly FaultKind[] = [
  'hold-before',
  'hold-after',
  'rate-limit',
  'server-error',
  'html-502',
  'malformed',
  'empty',
  'drop-before',
  'drop-after',
];

export type Flavor = 'notion' | 'google';

/** A seeded plan: each request, in order, draws whether it gets a fault and which. */
export interface FaultPlan {
  seed: number;
  /** Probability (0–1) that a request gets a fault. */
  rate: number;
  /** The kinds to draw from; default ALL_FAULTS. */
  kinds?: readonly FaultKind[];
  /** 'cycle': the n-th fault is kinds[(cycleStart + n) % kinds.length], so a few series cover every kind; default random. */
  order?: 'random' | 'cycle';
  cycleStart?: number;
  /** Stop injecting after this many faults (bounds a series' run time). */
  maxFaults?: number;
  /** Only requests this predicate accepts can get a fault (default: all). */
  eligible?: (method: string, path: string) => boolean;
  /** No fault before this request position (1-based, counted since reset()): where the faults begin. */
  startAt?: number;
  /** No fault from this request position on: where the faults end (the runs after that converge). */
  endBefore?: number;
  /** The request at `startAt` always gets a fault (so every series has at least one). */
  startWithFault?: boolean;
}

/** A scripted fault: the next `times` matching requests get `fault`. */
export interface FaultRule {
  method?: string;
  path?: RegExp;
  /** Only requests whose body text matches. */
  body?: RegExp;
  /** Only the n-th request (1-based) that matches method/path/body. */
  nth?: number;
  fault: FaultKind;
  times?: number;
  retryAfterSeconds?: number;
  holdMs?: number;
  /**
   * Ends a hold as soon as this holds (checked at once and as each later request reaches the proxy), with
   * `holdMs` as the longest it may last: ties a hold to what the runs do (e.g. "until 40 more requests
   * came", "until the other run's lookup came") instead of to a time that depends on the machine's speed.
   */
  releaseWhen?: (log: readonly ProxyLogEntry[], held: ProxyLogEntry) => boolean;
  /** Called when the rule fires (for timing assertions). */
  onFire?: (entry: ProxyLogEntry) => void;
}

/** Where to signal a kill: the `at`-th write (or request), before forwarding it or after the fake applied it. */
export interface KillPoint {
  at: number;
  count: 'writes' | 'requests';
  when: 'before' | 'after';
}

export interface ProxyLogEntry {
  /** 1-based position among every request this proxy saw since the last reset. */
  position: number;
  /** 1-based position among writes, for writes. */
  writeIndex?: number;
  method: string;
  path: string;
  /** Milliseconds since the proxy's epoch (reset()). */
  at: number;
  fault?: FaultKind;
  /** What the fake answered, when the request was forwarded. */
  upstreamStatus?: number;
  /** What the client was sent (-1: connection dropped, undefined: nothing yet). */
  sentStatus?: number;
  /** The client closed the connection before it had its answer (its timeout, or it was killed). */
  clientGone?: boolean;
  /** When the answer was sent or the connection dropped (ms since the epoch, as `at`). */
  doneAt?: number;
  /** When the request was forwarded to the fake (ms since the epoch): from then on it may be applied. */
  appliedAt?: number;
  killed?: boolean;
}

export interface FaultProxyOptions {
  name: string;
  /** The fake's base URL, e.g. http://127.0.0.1:4010 */
  upstream: string;
  flavor: Flavor;
  /** Which requests are writes (kill points count them). */
  isWrite: (method: string, path: string) => boolean;
  /** How long "hold" faults hold (should exceed the client's timeout). */
  holdMs: number;
  retryAfterSeconds?: number;
  /** Called with the body of every successful upstream response (e.g. to learn issued tokens). */
  onUpstreamBody?: (method: string, path: string, body: string) => void;
}

const GOOGLE_502 = `<!DOCTYPE html>
<html lang=en>
  <meta charset=utf-8>
  <meta name=viewport content="initial-scale=1, minimum-scale=1, width=device-width">
  <title>Error 502 (Server Error)!!1</title>
  <style>
    *{margin:0;padding:0}html,code{font:15px/22px arial,sans-serif}html{background:#fff;color:#222;padding:15px}
  </style>
  <a href=//www.google.com/><span id=logo aria-label=Google></span></a>
  <p><b>502.</b> <ins>That’s an error.</ins>
  <p>The server encountered a temporary error and could not complete your request.<p>Please try again in 30 seconds.  <ins>That’s all we know.</ins>
`;

const CDN_502 = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>cloudflare</center>
</body>
</html>
`;

function errorBody(flavor: Flavor, status: number, path: string): unknown {
  if (flavor === 'notion') {
    const code =
      status === 429 ? 'rate_limited' : status === 503 ? 'service_unavailable' : 'internal_server_error';
    const message =
      status === 429
        ? 'You have been rate limited. Please try again in a few minutes.'
        : status === 503
          ? 'Notion is unavailable. Please try again later.'
          : 'Unexpected error occurred.';
    return { object: 'error', status, code, message, request_id: 'proxy-fault' };
  }
  if (path === '/token') {
    return status === 429
      ? { error: 'rate_limit_exceeded', error_description: 'Rate limit exceeded.' }
      : { error: 'internal_failure', error_description: 'Backend Error' };
  }
  if (status === 429)
    return {
      error: {
        code: 429,
        message: 'Resource has been exhausted (e.g. check quota).',
        status: 'RESOURCE_EXHAUSTED',
      },
    };
  return status === 503
    ? { error: { code: 503, message: 'The service is currently unavailable.', status: 'UNAVAILABLE' } }
    : { error: { code: 500, message: 'Internal error encountered.', status: 'INTERNAL' } };
}

interface Upstream {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** A loopback HTTP proxy in front of one fake. Every wait it makes is bounded; close() ends them all. */
export class FaultProxy {
  readonly log: ProxyLogEntry[] = [];
  private server: Server | undefined;
  private url = '';
  private epoch = Date.now();
  private writes = 0;
  private plan: { plan: FaultPlan; random: () => number; injected: number } | undefined;
  private rules: (FaultRule & { seen: number })[] = [];
  private kill: { point: KillPoint; signal: (entry: ProxyLogEntry) => void } | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly holding = new Set<Promise<void>>();
  /** Holds that end early when their condition holds (see FaultRule.releaseWhen). */
  private readonly early = new Set<{ ready: () => boolean; end: () => void }>();
  private closing = false;

  constructor(readonly options: FaultProxyOptions) {}

  get baseUrl(): string {
    if (!this.url) throw new Error(`${this.options.name} proxy is not listening`);
    return this.url;
  }

  async listen(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.serve(req, res).catch((error: unknown) => {
        console.error(`${this.options.name} proxy failed on ${req.method} ${req.url}:`, error);
        res.destroy();
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.holding.clear();
    this.early.clear();
    for (const socket of this.sockets) socket.destroy();
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  /** Clears the log, the write count, the plan, the rules and any kill point. */
  reset(): void {
    this.log.length = 0;
    this.writes = 0;
    this.epoch = Date.now();
    this.plan = undefined;
    this.rules = [];
    this.kill = undefined;
  }

  setPlan(plan: FaultPlan | undefined): void {
    this.plan = plan ? { plan, random: prng(plan.seed), injected: 0 } : undefined;
  }

  /** Faults injected by the current plan so far. */
  get injected(): number {
    return this.plan?.injected ?? 0;
  }

  addRule(rule: FaultRule): void {
    this.rules.push({ ...rule, seen: 0 });
  }

  clearRules(): void {
    this.rules = [];
  }

  armKill(point: KillPoint, signal: (entry: ProxyLogEntry) => void): void {
    this.kill = { point, signal };
  }

  disarmKill(): void {
    this.kill = undefined;
  }

  /** Milliseconds since the epoch (the clock of `at`, `doneAt`, `appliedAt`). */
  now(): number {
    return Date.now() - this.epoch;
  }

  /** Waits until no request is being held (a held request is forwarded at the end of its hold). */
  async settle(): Promise<void> {
    while (this.holding.size) await Promise.all([...this.holding]);
  }

  /** Writes seen since the last reset(). */
  get writeCount(): number {
    return this.writes;
  }

  /** Waits `ms`, or less when `ready` becomes true first (it is checked now and at every later request). */
  private sleep(ms: number, ready?: () => boolean): Promise<void> {
    if (ready?.()) return Promise.resolve();
    let done: () => void = () => undefined;
    const slept = new Promise<void>((resolve) => {
      done = resolve;
    });
    const waiter = ready ? { ready, end: () => end() } : undefined;
    const end = () => {
      clearTimeout(timer);
      this.timers.delete(timer);
      this.holding.delete(slept);
      if (waiter) this.early.delete(waiter);
      done();
    };
    const timer = setTimeout(end, ms);
    this.timers.add(timer);
    this.holding.add(slept);
    if (waiter) this.early.add(waiter);
    return slept;
  }

  /** Ends every hold that has a release condition now (its request goes on as if the condition held). */
  releaseHolds(): void {
    for (const waiter of [...this.early]) waiter.end();
  }

  /** Ends the holds whose condition now holds (a request just arrived). */
  private wake(): void {
    for (const waiter of [...this.early]) if (waiter.ready()) waiter.end();
  }

  private decide(
    entry: ProxyLogEntry,
    body: string,
  ): (FaultRule & { seen: number }) | { fault: FaultKind } | undefined {
    for (const rule of this.rules) {
      if (rule.times === 0) continue;
      if (rule.method && rule.method !== entry.method) continue;
      if (rule.path && !rule.path.test(entry.path)) continue;
      if (rule.body && !rule.body.test(body)) continue;
      rule.seen += 1;
      if (rule.nth !== undefined && rule.seen !== rule.nth) continue;
      if (rule.times !== undefined) rule.times -= 1;
      return rule;
    }
    const state = this.plan;
    if (!state) return undefined;
    // One draw per request whatever happens, so the same seed faults the same positions.
    const r = state.random();
    const pick = state.random();
    const { plan } = state;
    if (plan.maxFaults !== undefined && state.injected >= plan.maxFaults) return undefined;
    if (plan.startAt !== undefined && entry.position < plan.startAt) return undefined;
    if (plan.endBefore !== undefined && entry.position >= plan.endBefore) return undefined;
    if (plan.eligible && !plan.eligible(entry.method, entry.path)) return undefined;
    const forced = plan.startWithFault === true && state.injected === 0;
    if (r >= plan.rate && !forced) return undefined;
    const kinds = plan.kinds ?? ALL_FAULTS;
    const index =
      plan.order === 'cycle'
        ? ((plan.cycleStart ?? plan.seed) + state.injected) % kinds.length
        : Math.floor(pick * kinds.length);
    state.injected += 1;
    return { fault: kinds[index]! };
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://proxy');
    const method = req.method ?? 'GET';
    const entry: ProxyLogEntry = {
      position: this.log.length + 1,
      method,
      path: url.pathname,
      at: Date.now() - this.epoch,
    };
    if (this.options.isWrite(method, url.pathname)) {
      this.writes += 1;
      entry.writeIndex = this.writes;
    }
    this.log.push(entry);
    this.wake();
    res.on('close', () => {
      if (!res.writableFinished) entry.clientGone = true;
    });

    const kill = this.kill;
    const point = kill?.point;
    const killHere =
      point && (point.count === 'writes' ? entry.writeIndex === point.at : entry.position === point.at);
    if (kill && killHere) {
      this.kill = undefined;
      entry.killed = true;
      if (point.when === 'after') {
        entry.upstreamStatus = (await this.forward(req, url, body, entry).catch(() => undefined))?.status;
      }
      kill.signal(entry);
      // The child is being killed: never answer; the socket closes with the process.
      return;
    }

    const decision = this.decide(entry, body.toString('utf8'));
    const fault = decision?.fault;
    if (fault) entry.fault = fault;
    const rule = decision && 'seen' in decision ? decision : undefined;
    rule?.onFire?.(entry);
    const holdMs = rule?.holdMs ?? this.options.holdMs;
    const release = rule?.releaseWhen;
    const ready = release ? () => release(this.log, entry) : undefined;
    const flavor = this.options.flavor;

    switch (fault) {
      case 'drop-before':
        entry.doneAt = entry.at;
        entry.sentStatus = -1;
        req.socket.destroy();
        return;
      case 'rate-limit': {
        const seconds = rule?.retryAfterSeconds ?? this.options.retryAfterSeconds ?? 1;
        this.sendJson(res, entry, 429, errorBody(flavor, 429, url.pathname), {
          'retry-after': String(seconds),
        });
        return;
      }
      case 'server-error': {
        const status = entry.position % 2 === 0 ? 503 : 500;
        this.sendJson(res, entry, status, errorBody(flavor, status, url.pathname));
        return;
      }
      case 'html-502':
        this.send(
          res,
          entry,
          502,
          { 'content-type': 'text/html; charset=UTF-8' },
          flavor === 'google' ? GOOGLE_502 : CDN_502,
        );
        return;
      case 'hold-before':
        await this.sleep(holdMs, ready);
        break;
      default:
        break;
    }
    if (this.closing) return;

    let upstream: Upstream;
    try {
      upstream = await this.forward(req, url, body, entry);
    } catch {
      entry.sentStatus = -1;
      req.socket.destroy();
      return;
    }
    entry.upstreamStatus = upstream.status;
    if (upstream.status < 300)
      this.options.onUpstreamBody?.(method, url.pathname, upstream.body.toString('utf8'));

    switch (fault) {
      case 'drop-after':
        entry.doneAt = Date.now() - this.epoch;
        entry.sentStatus = -1;
        req.socket.destroy();
        return;
      case 'hold-after':
        await this.sleep(holdMs, ready);
        break;
      case 'malformed': {
        const text = upstream.body.toString('utf8');
        // Cut off the end: still starts like JSON (and like the real answer), but does not parse.
        const cut = text.length > 2 ? text.slice(0, Math.max(1, Math.floor(text.length * 0.8))) : '{"';
        this.send(res, entry, upstream.status, headersOf(upstream, cut), cut);
        return;
      }
      case 'empty':
        this.send(
          res,
          entry,
          200,
          { 'content-type': 'application/json; charset=UTF-8', 'content-length': '0' },
          '',
        );
        return;
      default:
        break;
    }
    if (this.closing) return;
    this.send(res, entry, upstream.status, headersOf(upstream, upstream.body), upstream.body);
  }

  private forward(req: IncomingMessage, url: URL, body: Buffer, entry?: ProxyLogEntry): Promise<Upstream> {
    if (entry) entry.appliedAt = this.now();
    const target = new URL(this.options.upstream);
    const headers = { ...req.headers, host: target.host };
    delete headers.connection;
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: url.pathname + url.search,
          headers,
          agent: false,
        },
        (response) => {
          const parts: Buffer[] = [];
          response.on('data', (c: Buffer) => parts.push(c));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 502,
              headers: response.headers as Record<string, string | string[]>,
              body: Buffer.concat(parts),
            }),
          );
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  private sendJson(
    res: ServerResponse,
    entry: ProxyLogEntry,
    status: number,
    body: unknown,
    extra: Record<string, string> = {},
  ): void {
    this.send(
      res,
      entry,
      status,
      { 'content-type': 'application/json; charset=UTF-8', ...extra },
      JSON.stringify(body),
    );
  }

  private send(
    res: ServerResponse,
    entry: ProxyLogEntry,
    status: number,
    headers: Record<string, string | string[]>,
    body: string | Buffer,
  ): void {
    entry.doneAt = Date.now() - this.epoch;
    if (res.destroyed || this.closing) return;
    entry.sentStatus = status;
    res.writeHead(status, headers);
    res.end(body);
  }
}

function headersOf(upstream: Upstream, body: string | Buffer): Record<string, string | string[]> {
  const headers = { ...upstream.headers };
  delete headers['transfer-encoding'];
  delete headers.connection;
  delete headers['keep-alive'];
  headers['content-length'] = String(Buffer.byteLength(body));
  return headers;
}

/** Notion: every request but GETs, queries and searches changes something. */
export function notionIsWrite(method: string, path: string): boolean {
  return method !== 'GET' && !/\/query$/.test(path) && path !== '/v1/search';
}

/** Google: every request but GETs, searches, batch reads and the OAuth endpoints changes something. */
export function googleIsWrite(method: string, path: string): boolean {
  if (method === 'GET') return false;
  if (path === '/token' || path === '/tokeninfo' || path.endsWith('/revoke')) return false;
  return !/developerMetadata:search$|values:batchGet$|values:batchGetByDataFilter$|:getByDataFilter$/.test(
    path,
  );
}

/**
 * Whether the client gave up on `held` before its answer: it closed the connection (a client that aborts
 * on timeout), or it sent another request while `held` was still unanswered (a client whose timeout stops
 * waiting but leaves the connection open, as the Notion SDK's does). Only meaningful for a client that
 * sends one request at a time at that point.
 */
export function gaveUp(log: readonly ProxyLogEntry[], held: ProxyLogEntry): boolean {
  if (held.clientGone) return true;
  const done = held.doneAt ?? Number.POSITIVE_INFINITY;
  return log.some((e) => e.position > held.position && e.at < done);
}
