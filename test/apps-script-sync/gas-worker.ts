// Runs the built Code.js in vm contexts on a worker thread, as Apps Script executions: its synchronous
// UrlFetchApp and Sheets calls block on Atomics.wait while the main thread (which hosts the fake Notion and
// Google servers) sends them and posts the answer back.
import vm from 'node:vm';
import { type MessagePort, parentPort, receiveMessageOnPort } from 'node:worker_threads';
import {
  createSpreadsheetFakes,
  createSyncFakes,
  FakeSpreadsheet,
  installSyncFakes,
  type SpreadsheetFakes,
  type SyncFakes,
  type WireAnswer,
  type WireRequest,
} from '../fakes/spreadsheet-app.js';
import {
  type CallMessage,
  type HostMessage,
  type KillAt,
  THROW_HEADER,
  type WorldConfig,
} from './gas-protocol.js';

interface World {
  config: WorldConfig;
  spreadsheet: SpreadsheetFakes;
  sync: SyncFakes;
  clock: { t: number; now(): number; advance(ms: number): void };
  /** Milliseconds each request takes (the script's clock moves by it). */
  latencyMs: number;
  /** Called after each UrlFetchApp request (the overlap test starts a second execution there). */
  onFetch: ((n: number) => void) | null;
  fetchesThisCall: number;
  /** UrlFetchApp and Sheets service requests of the current call (what killAt counts). */
  requestsThisCall: number;
  /** The current call's kill point, and whether the execution was stopped there. */
  kill: (KillAt & { dead: boolean }) | null;
}

/** What a stopped execution's code meets from then on: every service call throws this (nothing more happens). */
class Stopped extends Error {
  constructor() {
    super('Exceeded maximum execution time (stopped by the test harness)');
  }
}

/**
 * One request of the current call through the transport: stopped before or after it when it is the kill
 * point, and thrown as the service's own exception when the host's answer says so (THROW_HEADER).
 */
function transport(world: World, wire: WireRequest): WireAnswer {
  world.requestsThisCall += 1;
  const kill = world.kill;
  const here = kill !== null && world.requestsThisCall === kill.at;
  if (here && kill.when === 'before') {
    kill.dead = true;
    throw new Stopped();
  }
  const answer = send(wire);
  if (here) {
    kill.dead = true;
    throw new Stopped();
  }
  const thrown = answer.headers[THROW_HEADER];
  if (thrown !== undefined) throw new Error(thrown);
  return answer;
}

/** Whether an object is a service (it has methods), not data (a parsed answer): services are gated. */
function hasMethods(value: object): boolean {
  for (let o: object | null = value; o && o !== Object.prototype; o = Object.getPrototypeOf(o))
    for (const key of Object.getOwnPropertyNames(o))
      if (key !== 'constructor' && typeof Object.getOwnPropertyDescriptor(o, key)?.value === 'function')
        return true;
  return false;
}

/**
 * A service as a stoppable execution sees it: once `dead()`, every call throws Stopped before it does
 * anything. Objects the services return that have methods (property stores, locks, responses) are gated too;
 * script locks handed out are remembered in `locks` (a stopped execution's locks are released, as Apps
 * Script releases them when an execution ends).
 */
function gate<T>(
  value: T,
  dead: () => boolean,
  locks: { releaseLock(): void }[],
  cache: WeakMap<object, unknown>,
): T {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return value;
  const raw = value as object;
  const known = cache.get(raw);
  if (known) return known as T;
  const wrap = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(wrap);
    if (v !== null && typeof v === 'object' && hasMethods(v)) {
      if (
        typeof Reflect.get(v, 'releaseLock') === 'function' &&
        typeof Reflect.get(v, 'tryLock') === 'function'
      )
        locks.push(v as { releaseLock(): void });
      return gate(v, dead, locks, cache);
    }
    return v;
  };
  const proxy =
    typeof raw === 'function'
      ? new Proxy(raw as (...a: unknown[]) => unknown, {
          apply(target, self, args) {
            if (dead()) throw new Stopped();
            return wrap(Reflect.apply(target, self, args));
          },
        })
      : new Proxy(raw, {
          get(target, key) {
            const v: unknown = Reflect.get(target, key, target);
            if (typeof v === 'function')
              return (...args: unknown[]) => {
                if (dead()) throw new Stopped();
                return wrap(Reflect.apply(v, target, args));
              };
            return v !== null && typeof v === 'object' ? gate(v, dead, locks, cache) : v;
          },
        });
  cache.set(raw, proxy);
  return proxy as T;
}

let signal: Int32Array;
let answers: MessagePort;
let script: vm.Script;
let configSource = '';
/** Requests sent to the main thread so far (each answer carries its request's number). */
let sent = 0;
const worlds = new Map<string, World>();

/** One request to the main thread, waiting for its answer (the execution is blocked meanwhile, as in Apps Script). */
function send(request: WireRequest): WireAnswer {
  const seq = ++sent;
  Atomics.store(signal, 0, 0);
  parentPort!.postMessage({ type: 'http', request, seq });
  // Each answer names its request: one woken up early (the flag set for an earlier answer) waits on, and an
  // answer that is not this request's is dropped, so a request never takes another's answer.
  for (;;) {
    const got = receiveMessageOnPort(answers);
    if (got) {
      const { seq: of, answer } = got.message as { seq: number; answer: WireAnswer };
      if (of === seq) return answer;
      continue;
    }
    Atomics.wait(signal, 0, 0, 100);
    Atomics.store(signal, 0, 0);
  }
}

function makeWorld(config: WorldConfig): World {
  const clock = {
    t: 0,
    now() {
      return this.t;
    },
    advance(ms: number) {
      this.t += ms;
    },
  };
  const world: World = {
    config,
    clock,
    latencyMs: 0,
    onFetch: null,
    fetchesThisCall: 0,
    requestsThisCall: 0,
    kill: null,
    spreadsheet: createSpreadsheetFakes(new FakeSpreadsheet('Etc/GMT', config.spreadsheetId), {
      scriptId: config.scriptId,
    }),
    sync: createSyncFakes({
      clock,
      sheetsRoot: config.googleRoot,
      fetch: (request) => {
        world.fetchesThisCall += 1;
        clock.advance(world.latencyMs);
        const url = request.url.replace(/^https:\/\/api\.notion\.com/, config.notionBase);
        const answer = transport(world, { ...request, url });
        world.onFetch?.(world.fetchesThisCall);
        return answer;
      },
      sheets: (request) => {
        clock.advance(world.latencyMs);
        return transport(world, {
          ...request,
          headers: { ...request.headers, authorization: `Bearer ${config.googleToken}` },
        });
      },
    }),
  };
  return world;
}

/** A Date whose "now" is the world's clock: the execution's time is the test's. */
function dateFor(clock: World['clock']): DateConstructor {
  const Base = Date;
  const Fake = function (this: unknown, ...args: unknown[]) {
    if (!new.target) return new Base(clock.now()).toString();
    return args.length
      ? Reflect.construct(Base, args, new.target)
      : Reflect.construct(Base, [clock.now()], new.target);
  } as unknown as DateConstructor;
  Object.setPrototypeOf(Fake, Base);
  Reflect.set(Fake, 'prototype', Base.prototype);
  Fake.now = () => clock.now();
  return Fake;
}

/**
 * A fresh global scope with the bundle and the generated settings loaded: one Apps Script execution. A
 * stoppable one sees its services through `gate` (they throw once the execution was stopped).
 */
function execution(
  world: World,
  stoppable?: { dead(): boolean; locks: { releaseLock(): void }[] },
): Record<string, unknown> {
  const context: Record<string, unknown> = {};
  installSyncFakes(world.spreadsheet, world.sync, context);
  if (stoppable) {
    const cache = new WeakMap<object, unknown>();
    for (const [name, service] of Object.entries(context))
      context[name] = gate(service, stoppable.dead, stoppable.locks, cache);
  }
  context.Date = dateFor(world.clock);
  vm.createContext(context);
  script.runInContext(context);
  if (world.config.withConfig !== false && configSource) vm.runInContext(configSource, context);
  return context;
}

/** What the test reads after a call: results as JSON, the UI, properties, triggers, logs. */
function observe(world: World) {
  const ui = world.spreadsheet.ui;
  return {
    alerts: [...ui.alerts],
    prompts: [...ui.prompts],
    toasts: world.spreadsheet.spreadsheet.toasts.map((t) => t.message),
    menus: ui.menus,
    logs: [...world.sync.logs],
    user: world.sync.user.getProperties(),
    document: world.sync.document.getProperties(),
    script: world.sync.script.getProperties(),
    triggers: world.sync.triggers.triggers.map((t) => ({ handler: t.handler, minutes: t.minutes })),
    fetches: world.sync.fetches.length,
    slept: world.sync.slept,
    lock: { held: world.sync.scriptLock.held, refused: world.sync.scriptLock.refused },
  };
}

async function call(message: CallMessage) {
  const world = worlds.get(message.world);
  if (!world) throw new Error(`no world ${message.world}`);
  world.clock.t = message.now;
  world.latencyMs = message.latencyMs ?? 0;
  world.fetchesThisCall = 0;
  world.requestsThisCall = 0;
  world.kill = message.killAt ? { ...message.killAt, dead: false } : null;
  world.spreadsheet.ui.answers.push(...(message.answers ?? []));
  let overlap: Promise<unknown> | null = null;
  world.onFetch =
    message.overlapAt !== undefined
      ? (n) => {
          // A second execution starts while this one is between two requests.
          if (n === message.overlapAt && !overlap) {
            const other = execution(world);
            overlap = Promise.resolve((other[message.overlapFn ?? message.fn] as () => unknown)());
          }
        }
      : null;
  const locks: { releaseLock(): void }[] = [];
  const dead = () => world.kill?.dead === true;
  const context = execution(world, message.killAt ? { dead, locks } : undefined);
  const target = message.internal
    ? (context.PartnernomicsSync as Record<string, (...a: unknown[]) => unknown>)[message.fn]
    : (context[message.fn] as (...a: unknown[]) => unknown);
  if (typeof target !== 'function') throw new Error(`Code.js has no ${message.fn}`);
  let result: unknown = null;
  try {
    result = await target(...(message.args ?? []));
  } catch (error) {
    // A stopped execution's code unwinds through services that all throw: whatever it ends with is not a result.
    if (!dead()) throw error;
  }
  const killed = dead();
  if (killed) {
    result = null;
    // The execution ended: Apps Script releases the locks it held.
    for (const lock of locks) lock.releaseLock();
  }
  world.kill = null;
  const overlapResult = overlap ? await overlap : undefined;
  world.onFetch = null;
  return {
    killed,
    requestsThisCall: world.requestsThisCall,
    result: JSON.parse(JSON.stringify(result ?? null)) as unknown,
    overlap: overlapResult === undefined ? null : (JSON.parse(JSON.stringify(overlapResult)) as unknown),
    fetchesThisCall: world.fetchesThisCall,
    ...observe(world),
  };
}

parentPort!.on('message', (message: HostMessage) => {
  if (message.type === 'init') {
    signal = new Int32Array(message.signal);
    answers = message.answers;
    script = new vm.Script(message.code, { filename: 'Code.js' });
    configSource = message.config;
    parentPort!.postMessage({ type: 'ready' });
    return;
  }
  if (message.type === 'world') {
    worlds.set(message.config.name, makeWorld(message.config));
    parentPort!.postMessage({ type: 'done', id: message.id, value: null });
    return;
  }
  if (message.type === 'setProperties') {
    const world = worlds.get(message.world)!;
    const store = world.sync[message.store];
    if (message.replace) for (const k of store.getKeys()) store.deleteProperty(k);
    if (Object.keys(message.values).length) store.setProperties(message.values);
    parentPort!.postMessage({ type: 'done', id: message.id, value: null });
    return;
  }
  if (message.type === 'setUser') {
    const world = worlds.get(message.world)!;
    for (const [k, v] of Object.entries(message.values))
      if (v === null) world.sync.user.deleteProperty(k);
      else world.sync.user.setProperty(k, v);
    parentPort!.postMessage({ type: 'done', id: message.id, value: null });
    return;
  }
  call(message)
    .then((value) => parentPort!.postMessage({ type: 'done', id: message.id, value }))
    .catch((error: unknown) =>
      parentPort!.postMessage({
        type: 'done',
        id: message.id,
        error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error),
      }),
    );
});
