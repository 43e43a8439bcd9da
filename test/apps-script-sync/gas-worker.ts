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
import type { CallMessage, HostMessage, WorldConfig } from './gas-protocol.js';

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
}

let signal: Int32Array;
let answers: MessagePort;
let script: vm.Script;
let configSource = '';
const worlds = new Map<string, World>();

/** One request to the main thread, waiting for its answer (the execution is blocked meanwhile, as in Apps Script). */
function send(request: WireRequest): WireAnswer {
  Atomics.store(signal, 0, 0);
  parentPort!.postMessage({ type: 'http', request });
  Atomics.wait(signal, 0, 0);
  const got = receiveMessageOnPort(answers);
  if (!got) throw new Error('gas-worker: no answer on the port');
  return got.message as WireAnswer;
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
        const answer = send({ ...request, url });
        world.onFetch?.(world.fetchesThisCall);
        return answer;
      },
      sheets: (request) => {
        clock.advance(world.latencyMs);
        return send({
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

/** A fresh global scope with the bundle and the generated settings loaded: one Apps Script execution. */
function execution(world: World): Record<string, unknown> {
  const context: Record<string, unknown> = {};
  installSyncFakes(world.spreadsheet, world.sync, context);
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
  const context = execution(world);
  const target = message.internal
    ? (context.PartnernomicsSync as Record<string, (...a: unknown[]) => unknown>)[message.fn]
    : (context[message.fn] as (...a: unknown[]) => unknown);
  if (typeof target !== 'function') throw new Error(`Code.js has no ${message.fn}`);
  const result = await target(...(message.args ?? []));
  const overlapResult = overlap ? await overlap : undefined;
  world.onFetch = null;
  return {
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
