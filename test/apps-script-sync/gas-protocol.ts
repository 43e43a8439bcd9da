// The messages between the test (main thread, hosting the fakes) and the worker that runs Code.js.
import type { MessagePort } from 'node:worker_threads';

export interface WorldConfig {
  name: string;
  /** Where https://api.notion.com requests go (a fake Notion). */
  notionBase: string;
  /** The Sheets API root of the Sheets service (a fake Google) and the token it is authorized with. */
  googleRoot: string;
  googleToken: string;
  spreadsheetId: string;
  scriptId: string;
  /** Whether the installer's generated settings file is loaded beside Code.js (default true). */
  withConfig?: boolean;
}

export interface CallMessage {
  type: 'call';
  id: number;
  world: string;
  /** A top-level function of Code.js, or (internal) one of the PartnernomicsSync global's. */
  fn: string;
  internal?: boolean;
  args?: unknown[];
  /** The script's clock at the start of the execution (ms). */
  now: number;
  /** Milliseconds every request takes on the script's clock. */
  latencyMs?: number;
  /** Answers to the prompts the call shows, in order. */
  answers?: { button: 'OK' | 'CANCEL'; text: string }[];
  /** Start a second execution of `overlapFn` (default fn) right after this UrlFetchApp request. */
  overlapAt?: number;
  overlapFn?: string;
  /**
   * Stop the execution at its `at`-th request (UrlFetchApp and Sheets service calls counted together), as
   * Apps Script does at its 6-minute limit: 'before' that request is sent, or 'after' it landed (its answer
   * is never read). Nothing of the execution runs after that: no catch, no finally, no service call.
   */
  killAt?: KillAt;
}

export interface KillAt {
  at: number;
  when: 'before' | 'after';
}

/**
 * A header the host puts on an answer to make the script's service call throw (UrlFetchApp's and the
 * Sheets service's own exceptions, which carry no HTTP answer): the body is the exception's message.
 */
export const THROW_HEADER = 'x-gas-harness-throw';

/** Which property store a setProperties message sets. */
export type PropertyStore = 'user' | 'document' | 'script';

export type HostMessage =
  | { type: 'init'; signal: SharedArrayBuffer; answers: MessagePort; code: string; config: string }
  | { type: 'world'; id: number; config: WorldConfig }
  | { type: 'setUser'; id: number; world: string; values: Record<string, string | null> }
  | {
      type: 'setProperties';
      id: number;
      world: string;
      store: PropertyStore;
      values: Record<string, string>;
      /** Remove every other key first: the store holds exactly `values` after. */
      replace: boolean;
    }
  | CallMessage;
