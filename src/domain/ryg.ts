// Red / yellow / green status of a metric against its target; mirrors the PBR Scoreboard formula.
import { gte, lte } from './compare.js';

export type Direction = 'higher' | 'lower';
export type RygStatus = 'Green' | 'Yellow' | 'Red';

/**
 * Green when the target is met; Yellow when within `yellowBand` (a share, e.g. 0.2) of it; Red beyond.
 * For "lower is better" metrics (CAC, days to first deal) the band lies above the target.
 * Null when the actual or the target is missing (a blank cell in the sheet).
 */
export function rygStatus(
  actual: number | null | undefined,
  target: number | null | undefined,
  direction: Direction,
  yellowBand: number,
): RygStatus | null {
  if (actual === null || actual === undefined || target === null || target === undefined) return null;
  if (direction === 'lower') {
    if (lte(actual, target)) return 'Green';
    return lte(actual, target * (1 + yellowBand)) ? 'Yellow' : 'Red';
  }
  if (gte(actual, target)) return 'Green';
  return gte(actual, target * (1 - yellowBand)) ? 'Yellow' : 'Red';
}
