// Cell values both ways: a cell's unformatted value as a SyncValue (date serials as ISO dates), a SyncValue as CellData.
import type { sheets_v4 } from '@googleapis/sheets';
import type { CellFormat } from '../blueprint/desired.js';
import type { SyncValue } from './types.js';

const DAY_MS = 86_400_000;
const EPOCH = Date.UTC(1899, 11, 30);
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const isDateFormat = (format: CellFormat | undefined) => format === 'date' || format === 'month';

/** A spreadsheet date serial (days since 1899-12-30) as YYYY-MM-DD; the time of day is dropped. */
export function serialToIso(serial: number): string {
  return new Date(EPOCH + Math.floor(serial) * DAY_MS).toISOString().slice(0, 10);
}

/** YYYY-MM-DD as a spreadsheet date serial, or null when it is not a real date. */
export function isoToSerial(iso: string): number | null {
  const m = ISO_DATE.exec(iso);
  if (!m) return null;
  const time = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(time).toISOString().slice(0, 10) !== iso) return null;
  return (time - EPOCH) / DAY_MS;
}

/**
 * A cell's effective (unformatted) value as the sync sees it: numbers, text and checkboxes as they are, a
 * number in a date column as its ISO date, an empty cell or empty text as null. An error (#REF! …) is null:
 * it is no value to copy anywhere.
 */
export function readCell(
  value: sheets_v4.Schema$ExtendedValue | null | undefined,
  format: CellFormat | undefined,
): SyncValue {
  if (!value) return null;
  if (typeof value.numberValue === 'number')
    return isDateFormat(format) ? serialToIso(value.numberValue) : value.numberValue;
  if (typeof value.boolValue === 'boolean') return value.boolValue;
  if (typeof value.stringValue === 'string') return value.stringValue === '' ? null : value.stringValue;
  return null;
}

/** The value part of a write: text always as text (never parsed, so "=HYPERLINK(…)" or "+1-800…" stays text). */
export function extendedValue(
  value: SyncValue,
  format: CellFormat | undefined,
): sheets_v4.Schema$ExtendedValue | undefined {
  if (value === null || value === '') return undefined;
  if (typeof value === 'number') return { numberValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  const serial = dateSerialOf(value, format);
  return serial === null ? { stringValue: value } : { numberValue: serial };
}

/** A date column's ISO date (or date-time: the day is kept) as its serial; null for anything else. */
function dateSerialOf(value: SyncValue, format: CellFormat | undefined): number | null {
  if (!isDateFormat(format) || typeof value !== 'string') return null;
  if (value.length !== 10 && value[10] !== 'T') return null;
  return isoToSerial(value.slice(0, 10));
}

/** Whether a written value needs its column's number format too (a date serial shows as a date only with it). */
export function needsDateFormat(value: SyncValue, format: CellFormat | undefined): boolean {
  return dateSerialOf(value, format) !== null;
}
