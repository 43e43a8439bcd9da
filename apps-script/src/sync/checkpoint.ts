// A run out of time keeps what it got from Notion (reads and page updates) in document properties; the next run replays it and goes on.
import { hash53 } from '../../../src/sync/hash.js';
import type { HttpAnswer, HttpRequest } from './http.js';

/**
 * What an interrupted run leaves for the next one: its start time (the next run finishes the same run, with
 * the same time in the log), the sync state it started from (stored baseline and cursor, as a hash: any other
 * run in between makes the checkpoint void), and every Notion answer it had, by request, in order.
 */
export interface Checkpoint {
  v: 1;
  at: string;
  state: string;
  answers: [string, HttpAnswer][];
}

/** Requests whose answer may be replayed: reads, queries, and page updates (setting values is idempotent). */
export function replayable(request: HttpRequest): boolean {
  if (request.method === 'GET') return true;
  if (request.method === 'POST' && /\/v1\/(data_sources\/[^/]+\/query|search)(\?|$)/.test(request.url))
    return true;
  return request.method === 'PATCH' && /\/v1\/pages\/[^/?]+(\?|$)/.test(request.url);
}

export const requestKey = (r: HttpRequest) => hash53(`${r.method} ${r.url}\n${r.body}`);

/** The answers of one run, kept for a checkpoint; and those of the last run's checkpoint, replayed once each. */
export class Replay {
  private readonly kept: [string, HttpAnswer][] = [];
  private readonly pending = new Map<string, HttpAnswer[]>();
  private taken = 0;

  constructor(previous: Checkpoint | null) {
    for (const [key, answer] of previous?.answers ?? []) {
      const list = this.pending.get(key) ?? [];
      list.push(answer);
      this.pending.set(key, list);
    }
  }

  /** The answer the interrupted run had for this very request (each one replayed once), or null. */
  take(request: HttpRequest): HttpAnswer | null {
    if (!replayable(request)) return null;
    const key = requestKey(request);
    const answer = this.pending.get(key)?.shift() ?? null;
    if (answer) {
      this.kept.push([key, answer]);
      this.taken += 1;
    }
    return answer;
  }

  keep(request: HttpRequest, answer: HttpAnswer): void {
    if (replayable(request) && answer.status >= 200 && answer.status < 300)
      this.kept.push([requestKey(request), answer]);
  }

  /** Answers replayed so far (a test and the run's summary read it). */
  get replayed(): number {
    return this.taken;
  }

  checkpoint(at: string, state: string): Checkpoint {
    return { v: 1, at, state, answers: [...this.kept] };
  }
}

/** A stored checkpoint, if it is one and belongs to this state; anything else is ignored. */
export function parseCheckpoint(text: string | null, state: string): Checkpoint | null {
  if (!text) return null;
  try {
    const parsed = JSON.parse(text) as Partial<Checkpoint>;
    if (parsed.v !== 1 || parsed.state !== state || typeof parsed.at !== 'string') return null;
    if (!Array.isArray(parsed.answers)) return null;
    return { v: 1, at: parsed.at, state, answers: parsed.answers };
  } catch {
    return null;
  }
}
