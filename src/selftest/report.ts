// Selftest rows: each check passes, fails with one line, or is skipped because a check it needs did not pass.
import { isDeepStrictEqual } from 'node:util';
import type { Printer } from '../cli/io.js';
import { PnError, toPnError } from '../platform/errors.js';

export type RowStatus = 'pass' | 'fail' | 'skipped';

export interface SelftestRow {
  check: string;
  status: RowStatus;
  detail: string;
}

/** The scratch object a selftest made, and whether it reached the trash. */
export interface Scratch {
  id: string;
  url: string;
  trashed: boolean;
}

/** A read-back that differs from what was sent (the request was accepted, the result is not what we asked). */
export class Mismatch extends Error {}

/** Throws a Mismatch naming `what` unless `actual` deep-equals `expected`. */
export function expectSame(what: string, actual: unknown, expected: unknown): void {
  if (!isDeepStrictEqual(actual, expected))
    throw new Mismatch(
      `${what} is ${JSON.stringify(actual) ?? 'missing'}, expected ${JSON.stringify(expected)}`,
    );
}

/** The generic "run it again, it resumes" hint fits install, not a selftest row: it is left out. */
const RESUME_HINT = /run the same command again/;

export function failureLine(error: unknown): string {
  if (error instanceof Mismatch) return `read back: ${error.message}`.replace(/\s+/g, ' ');
  const e = toPnError(error);
  const line = e.hint && !RESUME_HINT.test(e.hint) ? e.oneLine() : e.message;
  return line.replace(/\s+/g, ' ').trim();
}

export class Checklist {
  readonly rows: SelftestRow[] = [];
  /** What each failed row threw, for --debug. */
  readonly errors = new Map<string, unknown>();

  passed(check: string): boolean {
    return this.rows.some((r) => r.check === check && r.status === 'pass');
  }

  /** Runs one check unless a check it depends on did not pass; returns whether it passed. */
  async check(name: string, dependsOn: readonly string[], run: () => Promise<string>): Promise<boolean> {
    const blocker = dependsOn.find((d) => !this.passed(d));
    if (blocker !== undefined) {
      this.rows.push({ check: name, status: 'skipped', detail: `skipped (depends on ${blocker})` });
      return false;
    }
    try {
      this.rows.push({ check: name, status: 'pass', detail: await run() });
      return true;
    } catch (error) {
      this.errors.set(name, error);
      this.rows.push({ check: name, status: 'fail', detail: failureLine(error) });
      return false;
    }
  }
}

const MARK: Record<RowStatus, string> = { pass: 'pass', fail: 'FAIL', skipped: 'skip' };

/** The rows as an aligned table on the terminal (nothing in --json mode). */
export function printRows(p: Printer, rows: readonly SelftestRow[]): void {
  const width = Math.max('Check'.length, ...rows.map((r) => r.check.length));
  p.line(`${'Check'.padEnd(width)}  Result  Detail`);
  for (const r of rows) p.line(`${r.check.padEnd(width)}  ${MARK[r.status].padEnd(6)}  ${r.detail}`);
}

/**
 * The last row of every selftest: the scratch object moved to the trash (and read back as trashed),
 * or, when that fails, a row that says to do it by hand. Skipped when no scratch object was made.
 */
export async function trashScratchRow(
  t: Checklist,
  check: string,
  scratch: Scratch | null,
  dependsOn: string,
  trash: (scratch: Scratch) => Promise<boolean>,
  done: string,
): Promise<void> {
  if (!scratch) {
    await t.check(check, [dependsOn], async () => '');
    return;
  }
  await t.check(check, [], async () => {
    try {
      if (!(await trash(scratch))) throw new Mismatch(`${check}: it is not in the trash`);
    } catch (error) {
      const why = error instanceof Mismatch ? error.message : toPnError(error).message;
      throw new PnError('API_ERROR', why, { hint: `move ${scratch.url} to the trash by hand` });
    }
    scratch.trashed = true;
    return `${done} (${scratch.url})`;
  });
}
