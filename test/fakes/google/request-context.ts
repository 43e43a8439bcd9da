// What each batchUpdate request handler gets: the working copy, ids, the caller; and its error type.
import type { sheets_v4 } from '@googleapis/sheets';
import type { Principal } from './auth.js';
import type { FormulaEngine } from './formulas.js';
import type { IdSource } from './ids.js';
import type { SpreadsheetModel } from './sheets-state.js';

/** A request that cannot be applied; the dispatcher prefixes "Invalid requests[i].kind: ". */
export class RequestError extends Error {}

export function fail(message: string): never {
  throw new RequestError(message);
}

export interface RequestContext {
  /** The working copy: handlers mutate it; it replaces the stored spreadsheet only if every request succeeds. */
  book: SpreadsheetModel;
  ids: IdSource;
  principal: Principal;
  /** Moves formula references on structural changes (when HyperFormula is loaded). */
  engine?: FormulaEngine;
}

export type RequestHandler = (
  request: never,
  context: RequestContext,
) => sheets_v4.Schema$Response | undefined;

/** The paths of a FieldMask string ("a,b.c"), rejecting an empty one as Sheets does. */
export function maskPaths(fields: string | null | undefined): string[] {
  const paths = (fields ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (paths.length === 0)
    fail("At least one field must be listed in 'fields'. (Use '*' to indicate all fields.)");
  return paths;
}

/** Copies the masked paths from `source` into `target` ("*" copies every top-level field given). */
export function applyMask(
  target: Record<string, unknown>,
  source: Record<string, unknown>,
  paths: string[],
): void {
  for (const path of paths) {
    if (path === '*') {
      for (const key of Object.keys(target)) if (!(key in source)) delete target[key];
      for (const [key, value] of Object.entries(source)) target[key] = structuredClone(value);
      continue;
    }
    const keys = path.split('.');
    let t: Record<string, unknown> = target;
    let s: Record<string, unknown> | undefined = source;
    for (const key of keys.slice(0, -1)) {
      if (typeof t[key] !== 'object' || t[key] === null) t[key] = {};
      t = t[key] as Record<string, unknown>;
      s =
        s && typeof s[key] === 'object' && s[key] !== null ? (s[key] as Record<string, unknown>) : undefined;
    }
    const last = keys.at(-1)!;
    const value = s?.[last];
    if (value === undefined || value === null) delete t[last];
    else t[last] = structuredClone(value);
  }
}
