// Business days and quarters (pure): weekends and listed holidays skipped; "2027Q1" parsed, its PBR date found.
import { addDays } from './schedule.js';

/** 0 = Sunday … 6 = Saturday, for an ISO date (YYYY-MM-DD) read in UTC. */
function weekday(isoDate: string): number {
  return new Date(`${isoDate}T00:00:00Z`).getUTCDay();
}

export function isBusinessDay(
  isoDate: string,
  holidays: ReadonlySet<string> | readonly string[] = [],
): boolean {
  const off = holidays instanceof Set ? holidays : new Set(holidays);
  const day = weekday(isoDate);
  return day !== 0 && day !== 6 && !off.has(isoDate);
}

/**
 * The `n`th business day after `isoDate` (the date itself is day 0, whatever day it is): day 1 is the
 * next weekday that is not a holiday. `n` = 0 returns the date unchanged.
 */
export function addBusinessDays(isoDate: string, n: number, holidays: readonly string[] = []): string {
  const off = new Set(holidays);
  let date = isoDate;
  for (let left = n; left > 0; ) {
    date = addDays(date, 1);
    if (isBusinessDay(date, off)) left -= 1;
  }
  return date;
}

/** The date itself when it is a business day, else the next one. */
export function onOrAfterBusinessDay(isoDate: string, holidays: readonly string[] = []): string {
  const off = new Set(holidays);
  let date = isoDate;
  while (!isBusinessDay(date, off)) date = addDays(date, 1);
  return date;
}

export interface Quarter {
  year: number;
  /** 1–4. */
  q: number;
}

/**
 * "2027Q1", "2027 Q1", "2027-Q1", "Q1 2027" (any case) as a quarter; undefined for anything else,
 * including a bare "Q1" (no year: it could be any year's).
 */
export function parseQuarter(text: string): Quarter | undefined {
  const t = text.trim().toUpperCase();
  const m = /^(\d{4})\s*[-\s]?\s*Q([1-4])$/.exec(t) ?? /^Q([1-4])\s*[-\s]?\s*(\d{4})$/.exec(t);
  if (!m) return undefined;
  const [year, q] = /^Q/.test(t) ? [Number(m[2]), Number(m[1])] : [Number(m[1]), Number(m[2])];
  return { year, q };
}

/** The label the PBR rows and the scoreboard use: "2027 Q1". */
export function quarterLabel(quarter: Quarter): string {
  return `${quarter.year} Q${quarter.q}`;
}

export function quarterOf(isoDate: string): Quarter {
  const [y, m] = isoDate.split('-').map(Number) as [number, number];
  return { year: y, q: Math.floor((m - 1) / 3) + 1 };
}

export function quarterStart(quarter: Quarter): string {
  return `${quarter.year}-${String((quarter.q - 1) * 3 + 1).padStart(2, '0')}-01`;
}

export function nextQuarter(quarter: Quarter): Quarter {
  return quarter.q === 4 ? { year: quarter.year + 1, q: 1 } : { year: quarter.year, q: quarter.q + 1 };
}

export function previousQuarter(quarter: Quarter): Quarter {
  return quarter.q === 1 ? { year: quarter.year - 1, q: 4 } : { year: quarter.year, q: quarter.q - 1 };
}

export function compareQuarters(a: Quarter, b: Quarter): number {
  return a.year - b.year || a.q - b.q;
}

/**
 * When a quarter's PBR is held: the quarter's first business day, then `offset` business days more
 * (default 10: about two weeks in, inside the agenda's "within three weeks of quarter close").
 */
export function pbrDate(quarter: Quarter, offset: number, holidays: readonly string[] = []): string {
  return addBusinessDays(onOrAfterBusinessDay(quarterStart(quarter), holidays), offset, holidays);
}

/** `now` as a date (YYYY-MM-DD) in a time zone: the day a run belongs to. */
export function todayIn(zone: string, now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}
