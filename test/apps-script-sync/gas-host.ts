// The main-thread side of the Apps Script harness: starts the worker, sends its requests to the fakes, calls Code.js functions.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { WireAnswer, WireRequest } from '../fakes/spreadsheet-app.js';
import {
  type CallMessage,
  type HostMessage,
  type PropertyStore,
  THROW_HEADER,
  type WorldConfig,
} from './gas-protocol.js';

export const BUNDLE_PATH = fileURLToPath(new URL('../../dist/apps-script/Code.js', import.meta.url));

/** What a call to Code.js left: its result, the UI, the properties, triggers and logs of its world. */
export interface CallResult<T = unknown> {
  result: T;
  /** The execution was stopped at its killAt point (result is then null). */
  killed: boolean;
  /** UrlFetchApp and Sheets service requests the call sent (or was stopped at). */
  requestsThisCall: number;
  overlap: unknown;
  fetchesThisCall: number;
  alerts: string[];
  prompts: { title: string; prompt: string }[];
  toasts: string[];
  menus: unknown[];
  logs: string[];
  user: Record<string, string>;
  document: Record<string, string>;
  script: Record<string, string>;
  triggers: { handler: string; minutes: number }[];
  fetches: number;
  slept: number;
  lock: { held: boolean; refused: number };
}

export class GasHost {
  private readonly worker: Worker;
  private readonly signal = new SharedArrayBuffer(4);
  private readonly flag = new Int32Array(this.signal);
  private readonly channel = new MessageChannel();
  private next = 1;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  /** Every request the scripts sent (method and URL), for tests that count or scan them. */
  readonly wire: WireRequest[] = [];
  /** The status each of those requests was answered with, in the same order. */
  readonly statuses: number[] = [];
  /**
   * Decides each request's answer (fault tests): `forward` sends it to its fake. Without one, every request
   * is forwarded. An answer from `thrown` makes the script's service call throw instead.
   */
  intercept: ((request: WireRequest, forward: () => Promise<WireAnswer>) => Promise<WireAnswer>) | null =
    null;

  private constructor(code: string, config: string) {
    this.worker = new Worker(new URL('./gas-worker.ts', import.meta.url), { execArgv: ['--import', 'tsx'] });
    this.worker.on(
      'message',
      (m: {
        type: string;
        id?: number;
        value?: unknown;
        error?: string;
        request?: WireRequest;
        seq?: number;
      }) => {
        if (m.type === 'http' && m.request) {
          void this.forward(m.request, m.seq ?? 0);
          return;
        }
        if (m.type === 'ready') {
          this.waiting.get(0)?.resolve(null);
          return;
        }
        const w = this.waiting.get(m.id ?? -1);
        if (!w) return;
        this.waiting.delete(m.id!);
        if (m.error) w.reject(new Error(m.error));
        else w.resolve(m.value);
      },
    );
    const init: HostMessage = {
      type: 'init',
      signal: this.signal,
      answers: this.channel.port2,
      code,
      config,
    };
    this.worker.postMessage(init, [this.channel.port2]);
  }

  /** A worker with `code` (the built bundle unless given) and the installer's generated settings file. */
  static async start(config: string, code = readFileSync(BUNDLE_PATH, 'utf8')): Promise<GasHost> {
    const host = new GasHost(code, config);
    await new Promise((resolve, reject) => {
      host.waiting.set(0, { resolve, reject });
      host.worker.once('error', reject);
    });
    host.waiting.delete(0);
    return host;
  }

  /** Sends one of the script's requests to its fake and hands the answer to the blocked worker. */
  private async forward(request: WireRequest, seq: number): Promise<void> {
    const i = this.wire.push(request) - 1;
    let answer: WireAnswer;
    try {
      answer = this.intercept
        ? await this.intercept(request, () => this.deliver(request))
        : await this.deliver(request);
    } catch (error) {
      // The worker waits for an answer to every request: a failing intercept answers too.
      answer = { status: 599, headers: {}, body: String(error) };
    }
    this.statuses[i] = answer.status;
    this.channel.port1.postMessage({ seq, answer });
    Atomics.store(this.flag, 0, 1);
    Atomics.notify(this.flag, 0);
  }

  /** Sends a request to its fake and reads the whole answer (599 when the fake could not be reached). */
  private async deliver(request: WireRequest): Promise<WireAnswer> {
    let answer: WireAnswer;
    try {
      const res = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        ...(request.method === 'GET' || request.method === 'DELETE' ? {} : { body: request.body }),
      });
      answer = {
        status: res.status,
        headers: Object.fromEntries(res.headers.entries()),
        body: await res.text(),
      };
    } catch (error) {
      answer = { status: 599, headers: {}, body: String(error) };
    }
    return answer;
  }

  private send<T>(message: Record<string, unknown> & { type: HostMessage['type'] }): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: (v) => resolve(v as T), reject });
      this.worker.postMessage({ ...message, id });
    });
  }

  addWorld(config: WorldConfig): Promise<void> {
    return this.send({ type: 'world', config });
  }

  /** Sets (or with null removes) user properties of a world, as another session of the user would. */
  setUser(world: string, values: Record<string, string | null>): Promise<void> {
    return this.send({ type: 'setUser', world, values });
  }

  /** Sets a world's property store (with `replace`, it then holds exactly `values`), as between executions. */
  setProperties(
    world: string,
    store: PropertyStore,
    values: Record<string, string>,
    replace = false,
  ): Promise<void> {
    return this.send({ type: 'setProperties', world, store, values, replace });
  }

  call<T = unknown>(message: Omit<CallMessage, 'type' | 'id'>): Promise<CallResult<T>> {
    return this.send({ type: 'call', ...message });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

/** An answer that makes the script's UrlFetchApp or Sheets service call throw `message` (status 0: none came). */
export function thrown(message: string): WireAnswer {
  return { status: 0, headers: { [THROW_HEADER]: message }, body: '' };
}
