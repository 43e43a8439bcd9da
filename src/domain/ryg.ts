// Red / yellow / green status of a metric against its target; mirrors the PBR Scoreboard formula.
import { gte, lte } from './compare.js';

export type Direction = 'higher' | 'lower';
export type RygStatus = 'Green' | 'Yellow' | 'Red';

/**
 * The "Better when" word as the sheet reads it (TRIM(word)="lower"): "lower" in any case, with or without
 * spaces around it, means lower is better; anything else (blank, "higher", a typo, a number) means higher.
 */
export function parseDirection(word: unknown): Direction {
  return typeof word === 'string' && word.replace(/^ +| +$/g, '').toLowerCase() === 'lower'
    ? 'lower'
    : 'higher';
}

/** A figure the status can use: a finite number, as ISNUMBER in the sheet (blank, text and TRUE are not). */
function figure(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * Green when the target is met; Yellow when within `yellowBand` (a share, e.g. 0.2) of it; Red beyond.
 * For "lower is better" metrics (CAC, days to first deal) the band lies above the target.
 * Null (a blank cell in the sheet) unless the actual and the target are both numbers: a missing value, a text
 * such as "n/a" or a TRUE/FALSE gives no status. `direction` is the "Better when" word (see parseDirection).
 */
export function rygStatus(
  actual: unknown,
  target: unknown,
  direction: unknown,
  yellowBand: number,
): RygStatus | null {
  const a = figure(actual);
  const t = figure(target);
  if (a === null || t === null) return null;
  if (parseDirection(direction) === 'lower') {
    if (lte(a, t)) return 'Green';
    return lte(a, t * (1 + yellowBand)) ? 'Yellow' : 'Red';
  }
  if (gte(a, t)) return 'Green';
  return gte(a, t * (1 - yellowBand)) ? 'Yellow' : 'Red';
}
