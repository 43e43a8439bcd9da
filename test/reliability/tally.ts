// The reliability suite's counts (runs, faults injected, kills, duplicates, lost edits, bad inputs): each test file adds its own, the teardown prints the sum.
import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tally {
  /** CLI or script runs started (first runs and reruns). */
  runs?: number;
  /** Faults the proxies or the harness injected. */
  faults?: number;
  /** Runs SIGKILLed (or, for the Apps Script twin, cut off) mid-way. */
  kills?: number;
  /** Objects, rows or writes found twice at the end. */
  duplicates?: number;
  /** Edits a person made that the end state neither holds nor logs as a conflict. */
  lostEdits?: number;
  /** Conflicts the runs logged (each checked against the edits that caused it). */
  conflictsLogged?: number;
  /** Bad inputs tried (one per table row). */
  badInputs?: number;
}

export const TALLY_KEYS = [
  'runs',
  'faults',
  'kills',
  'duplicates',
  'lostEdits',
  'conflictsLogged',
  'badInputs',
] as const satisfies readonly (keyof Tally)[];

/** Where the counts go: one JSON line per call, under the suite's own run (set by the global setup). */
export function tallyFile(): string {
  return process.env.PN_RELIABILITY_TALLY ?? join(tmpdir(), `pn-reliability-tally-${process.ppid}.jsonl`);
}

/** Adds one scenario's counts to the suite's tally. */
export function tally(suite: string, counts: Tally): void {
  appendFileSync(tallyFile(), `${JSON.stringify({ suite, ...counts })}\n`);
}

/** The counts per suite and in all, from the tally file. */
export function readTally(file = tallyFile()): {
  suites: Map<string, Required<Tally>>;
  total: Required<Tally>;
} {
  const zero = (): Required<Tally> => Object.fromEntries(TALLY_KEYS.map((k) => [k, 0])) as Required<Tally>;
  const suites = new Map<string, Required<Tally>>();
  const total = zero();
  if (!existsSync(file)) return { suites, total };
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const entry = JSON.parse(line) as Tally & { suite: string };
    const sum = suites.get(entry.suite) ?? zero();
    for (const k of TALLY_KEYS) {
      sum[k] += entry[k] ?? 0;
      total[k] += entry[k] ?? 0;
    }
    suites.set(entry.suite, sum);
  }
  return { suites, total };
}

export function clearTally(file = tallyFile()): void {
  rmSync(file, { force: true });
}
