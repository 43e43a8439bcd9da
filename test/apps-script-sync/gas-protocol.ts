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
}

export type HostMessage =
  | { type: 'init'; signal: SharedArrayBuffer; answers: MessagePort; code: string; config: string }
  | { type: 'world'; id: number; config: WorldConfig }
  | { type: 'setUser'; id: number; world: string; values: Record<string, string | null> }
  | CallMessage;
