// Report quarters ("2027Q1"): parsing, their first day, and dates as spreadsheet serial days.
import { PnError } from '../../platform/errors.js';

const EXCEL_EPOCH = Date.UTC(1899, 11, 30);
const DAY = 86_400_000;

export interface Quarter {
  year: number;
  /** 1–4. */
  q: number;
  /** "2027Q1". */
  id: string;
  /** "2027 Q1". */
  label: string;
  /** The first day, "2027-01-01". */
  start: string;
}

export function parseQuarter(raw: string): Quarter {
  const m = /^\s*(\d{4})\s*-?\s*Q([1-4])\s*$/i.exec(raw);
  if (!m)
    throw new PnError('USAGE', `--quarter "${raw}" is not a quarter`, {
      hint: 'write the year and the quarter, e.g. --quarter 2027Q1',
    });
  const year = Number(m[1]);
  const q = Number(m[2]);
  const month = String((q - 1) * 3 + 1).padStart(2, '0');
  return { year, q, id: `${year}Q${q}`, label: `${year} Q${q}`, start: `${year}-${month}-01` };
}

/** The quarter a date falls in. */
export function quarterOf(iso: string): Quarter {
  const [y, mo] = iso.split('-').map(Number);
  return parseQuarter(`${y}Q${Math.floor(((mo ?? 1) - 1) / 3) + 1}`);
}

/** "2027-01-01" as the spreadsheet's day number (days since 1899-12-30). */
export function serialOf(iso: string): number {
  return Math.round((Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) - EXCEL_EPOCH) / DAY);
}

export function isoOf(serial: number): string {
  return new Date(EXCEL_EPOCH + Math.floor(serial) * DAY).toISOString().slice(0, 10);
}

/** The serial day of the first of the month `months` after the one `serial` falls in (EDATE on a first day). */
export function addMonths(serial: number, months: number): number {
  const d = new Date(EXCEL_EPOCH + Math.floor(serial) * DAY);
  const shifted = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, d.getUTCDate());
  return Math.round((shifted - EXCEL_EPOCH) / DAY);
}

/** "2027-01" for a serial day. */
export function monthKey(serial: number): string {
  return isoOf(serial).slice(0, 7);
}
