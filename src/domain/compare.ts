// Number comparison as spreadsheets do it: values within a relative 1e-12 are equal, so 80% of 35.5 equals 28.4.

const RELATIVE_EPSILON = 1e-12;

/** -1, 0 or 1; 0 when a and b differ only by floating-point noise. */
export function compareNumbers(a: number, b: number): -1 | 0 | 1 {
  if (Math.abs(a - b) <= RELATIVE_EPSILON * Math.max(Math.abs(a), Math.abs(b))) return 0;
  return a < b ? -1 : 1;
}

export const gte = (a: number, b: number) => compareNumbers(a, b) >= 0;
export const lte = (a: number, b: number) => compareNumbers(a, b) <= 0;
export const lt = (a: number, b: number) => compareNumbers(a, b) < 0;
