// Cell values: RAW vs USER_ENTERED input parsing, and rendering as FORMATTED_VALUE / UNFORMATTED_VALUE / FORMULA.
import type { sheets_v4 } from '@googleapis/sheets';
import { invalidArgument } from './errors.js';
import type { CellModel, EffectiveValue } from './sheets-state.js';

type ExtendedValue = sheets_v4.Schema$ExtendedValue;
type NumberFormat = sheets_v4.Schema$NumberFormat;

export const VALUE_INPUT_OPTIONS = ['RAW', 'USER_ENTERED'] as const;
export type ValueInputOption = (typeof VALUE_INPUT_OPTIONS)[number];
export const VALUE_RENDER_OPTIONS = ['FORMATTED_VALUE', 'UNFORMATTED_VALUE', 'FORMULA'] as const;
export type ValueRenderOption = (typeof VALUE_RENDER_OPTIONS)[number];
export const DATE_TIME_RENDER_OPTIONS = ['SERIAL_NUMBER', 'FORMATTED_STRING'] as const;
export type DateTimeRenderOption = (typeof DATE_TIME_RENDER_OPTIONS)[number];

/** What one input value does to a cell. */
export type ParsedInput =
  | { kind: 'skip' }
  | { kind: 'clear' }
  | { kind: 'set'; value: ExtendedValue; numberFormat?: NumberFormat };

const NUMBER = /^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Days from Sheets' epoch (1899-12-30) to a UTC date. */
export function dateSerial(year: number, month: number, day: number): number {
  return (Date.UTC(year, month - 1, day) - Date.UTC(1899, 11, 30)) / 86_400_000;
}

function parseNumber(text: string): number | undefined {
  if (!NUMBER.test(text) || !/\d/.test(text)) return undefined;
  const n = Number(text.replace(/,/g, ''));
  return Number.isFinite(n) ? n : undefined;
}

/**
 * USER_ENTERED parsing, as if typed into the UI: "=…" becomes a formula, a leading "'" forces text,
 * TRUE/FALSE become booleans, numbers ("-1,234.5", "1e3"), percentages ("12%"), dollar amounts and
 * dates (yyyy-mm-dd, m/d/yyyy) become numbers with a suggested number format; anything else is text.
 */
export function parseUserEntered(text: string): { value: ExtendedValue; numberFormat?: NumberFormat } {
  if (text.length > 1 && text.startsWith('=')) return { value: { formulaValue: text } };
  if (text.startsWith("'")) return { value: { stringValue: text.slice(1) } };
  const trimmed = text.trim();
  if (/^(true|false)$/i.test(trimmed)) return { value: { boolValue: trimmed.toLowerCase() === 'true' } };
  const n = parseNumber(trimmed);
  if (n !== undefined) return { value: { numberValue: n } };
  const pct = /^(.+)%$/.exec(trimmed);
  if (pct) {
    const p = parseNumber(pct[1]!.trim());
    if (p !== undefined) {
      const decimals = /\.(\d+)/.exec(pct[1]!)?.[1]?.length ?? 0;
      return {
        value: { numberValue: p / 100 },
        numberFormat: { type: 'PERCENT', pattern: decimals ? `0.${'0'.repeat(decimals)}%` : '0%' },
      };
    }
  }
  const money = /^(-?)\$(.+)$/.exec(trimmed);
  if (money) {
    const m = parseNumber(money[2]!);
    if (m !== undefined) {
      return {
        value: { numberValue: money[1] ? -m : m },
        numberFormat: { type: 'CURRENCY', pattern: '"$"#,##0.00' },
      };
    }
  }
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(trimmed);
  if (iso) {
    const [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    if (validDate(y, m, d)) {
      return {
        value: { numberValue: dateSerial(y, m, d) },
        numberFormat: { type: 'DATE', pattern: 'yyyy-mm-dd' },
      };
    }
  }
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(trimmed);
  if (us) {
    const [m, d, y] = [Number(us[1]), Number(us[2]), Number(us[3])];
    if (validDate(y, m, d)) {
      return {
        value: { numberValue: dateSerial(y, m, d) },
        numberFormat: { type: 'DATE', pattern: 'M/d/yyyy' },
      };
    }
  }
  return { value: { stringValue: text } };
}

function validDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/**
 * One value of a ValueRange: null skips the cell, "" clears it, numbers and booleans stay typed under
 * both options, strings are stored verbatim under RAW (so "=1+1" stays text) and parsed under USER_ENTERED.
 */
export function parseInput(value: unknown, option: ValueInputOption, where: string): ParsedInput {
  if (value === null || value === undefined) return { kind: 'skip' };
  if (value === '') return { kind: 'clear' };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalidArgument(`Invalid ${where}: number_value: ${value}`);
    return { kind: 'set', value: { numberValue: value } };
  }
  if (typeof value === 'boolean') return { kind: 'set', value: { boolValue: value } };
  if (typeof value === 'string') {
    if (option === 'RAW') return { kind: 'set', value: { stringValue: value } };
    const parsed = parseUserEntered(value);
    return parsed.numberFormat
      ? { kind: 'set', value: parsed.value, numberFormat: parsed.numberFormat }
      : { kind: 'set', value: parsed.value };
  }
  // Google answers a nested list or struct with its protobuf text, e.g. "Invalid values[3][0]: list_value …".
  const kind = Array.isArray(value) ? 'list_value' : 'struct_value';
  throw invalidArgument(`Invalid ${where}: ${kind} ${JSON.stringify(value)}`);
}

/** The value a non-formula cell shows (a formula's comes from the formula engine). */
export function literalValue(cell: CellModel | undefined): EffectiveValue {
  const v = cell?.userEnteredValue;
  if (!v || (v.formulaValue !== undefined && v.formulaValue !== null)) return undefined;
  return v;
}

const ERROR_TEXT: Record<string, string> = {
  DIVIDE_BY_ZERO: '#DIV/0!',
  VALUE: '#VALUE!',
  REF: '#REF!',
  NAME: '#NAME?',
  NUM: '#NUM!',
  N_A: '#N/A',
  NULL_VALUE: '#NULL!',
  LOADING: '#LOADING',
  ERROR: '#ERROR!',
};

export function errorText(type: string | null | undefined): string {
  return ERROR_TEXT[type ?? 'ERROR'] ?? '#ERROR!';
}

function isDateFormat(format: NumberFormat | undefined): boolean {
  if (!format) return false;
  if (format.type === 'DATE' || format.type === 'TIME' || format.type === 'DATE_TIME') return true;
  return !!format.pattern && /[yd]/i.test(format.pattern.replace(/"[^"]*"/g, ''));
}

/** A value as the values API returns it for `render` (undefined = empty cell). */
export function renderValue(
  cell: CellModel | undefined,
  effective: EffectiveValue,
  render: ValueRenderOption,
  dateTime: DateTimeRenderOption,
): string | number | boolean | undefined {
  const format = cell?.userEnteredFormat?.numberFormat ?? undefined;
  if (render === 'FORMULA' && cell?.userEnteredValue?.formulaValue) return cell.userEnteredValue.formulaValue;
  if (render === 'FORMATTED_VALUE') {
    const text = formattedValue(effective, format);
    return text === '' ? undefined : text;
  }
  if (!effective) return undefined;
  if (effective.errorValue) return errorText(effective.errorValue.type);
  if (effective.numberValue !== undefined && effective.numberValue !== null) {
    if (dateTime === 'FORMATTED_STRING' && isDateFormat(format))
      return formatNumber(effective.numberValue, format);
    return effective.numberValue;
  }
  if (effective.boolValue !== undefined && effective.boolValue !== null) return effective.boolValue;
  if (effective.stringValue !== undefined && effective.stringValue !== null) {
    return effective.stringValue === '' ? undefined : effective.stringValue;
  }
  return undefined;
}

/** The text a cell displays. */
export function formattedValue(effective: EffectiveValue, format: NumberFormat | undefined): string {
  if (!effective) return '';
  if (effective.errorValue) return errorText(effective.errorValue.type);
  if (effective.boolValue !== undefined && effective.boolValue !== null)
    return effective.boolValue ? 'TRUE' : 'FALSE';
  if (effective.numberValue !== undefined && effective.numberValue !== null) {
    return formatNumber(effective.numberValue, format);
  }
  return effective.stringValue ?? '';
}

/** General format: integers as is, others to 10 significant digits, as Sheets shows them. */
export function formatGeneral(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n);
  return String(Number(n.toPrecision(10)));
}

const DEFAULT_PATTERNS: Record<string, string> = {
  NUMBER: '#,##0.00',
  PERCENT: '0.00%',
  CURRENCY: '"$"#,##0.00',
  DATE: 'M/d/yyyy',
  TIME: 'h:mm:ss am/pm',
  DATE_TIME: 'M/d/yyyy H:mm:ss',
  SCIENTIFIC: '0.00E+00',
};

/**
 * Number formats the fake renders: 0, 0.00, #,##0(.00), "$"#,##0.00 / $#,##0, 0%, 0.0%, 0.00E+00 and
 * date/time patterns from yyyy yy mmmm mmm mm m M dd d hh h HH H ss am/pm. Others render as General.
 */
export function formatNumber(n: number, format: NumberFormat | undefined): string {
  const pattern = format?.pattern || (format?.type ? DEFAULT_PATTERNS[format.type] : undefined);
  if (!pattern || format?.type === 'TEXT') return formatGeneral(n);
  const section = pattern.split(';')[0] ?? pattern;
  if (isDateFormat({ pattern: section, ...(format?.type ? { type: format.type } : {}) }))
    return formatDate(n, section);
  const literal = (s: string) => s.replace(/"([^"]*)"/g, '$1').replace(/\\(.)/g, '$1');
  const m = /^(.*?)([#0,]+(?:\.[#0]+)?(?:E\+0+)?%?)(.*)$/.exec(section);
  if (!m) return formatGeneral(n);
  const prefix = literal(m[1] ?? '');
  const body = m[2] ?? '';
  const suffix = literal(m[3] ?? '');
  const percent = body.endsWith('%');
  const value = percent ? n * 100 : n;
  const decimals = /\.([#0]+)/.exec(body)?.[1]?.length ?? 0;
  if (/E\+0+/.test(body)) {
    const [mant, exp] = Math.abs(value).toExponential(decimals).split('e');
    const e = Number(exp);
    const text = `${mant}E${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
    return `${value < 0 ? '-' : ''}${prefix}${text}${suffix}`;
  }
  let text = Math.abs(value).toFixed(decimals);
  if (body.includes(',')) {
    const [int, frac] = text.split('.');
    text = (int ?? '').replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (frac !== undefined ? `.${frac}` : '');
  }
  const sign = value < 0 && Number(text.replace(/,/g, '')) !== 0 ? '-' : '';
  return `${sign}${prefix}${text}${percent ? '%' : ''}${suffix}`;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** Renders a date serial with a yyyy/mm/dd/hh/ss pattern ("m" after an hour or before seconds is minutes). */
export function formatDate(serial: number, pattern: string): string {
  const ms = Math.round(serial * 86_400_000) + Date.UTC(1899, 11, 30);
  const d = new Date(ms);
  const tokens =
    pattern.match(/"[^"]*"|yyyy|yy|mmmm|mmm|mm|m|MM|M|dd|d|hh|h|HH|H|ss|s|am\/pm|AM\/PM|./g) ?? [];
  const hasAmPm = /am\/pm/i.test(pattern);
  let afterHour = false;
  return tokens
    .map((t, i) => {
      const nextIsSeconds = tokens
        .slice(i + 1)
        .find((x) => /^[a-zA-Z]/.test(x))
        ?.toLowerCase()
        .startsWith('s');
      const hours = d.getUTCHours();
      switch (t) {
        case 'yyyy':
          return String(d.getUTCFullYear());
        case 'yy':
          return String(d.getUTCFullYear() % 100).padStart(2, '0');
        case 'mmmm':
          return MONTHS[d.getUTCMonth()]!;
        case 'mmm':
          return MONTHS[d.getUTCMonth()]!.slice(0, 3);
        case 'mm':
        case 'm':
        case 'MM':
        case 'M': {
          const minutes = (afterHour || nextIsSeconds) && t.toLowerCase() === t;
          afterHour = false;
          const v = minutes ? d.getUTCMinutes() : d.getUTCMonth() + 1;
          return t.length === 2 ? String(v).padStart(2, '0') : String(v);
        }
        case 'dd':
          return String(d.getUTCDate()).padStart(2, '0');
        case 'd':
          return String(d.getUTCDate());
        case 'hh':
        case 'h':
        case 'HH':
        case 'H': {
          afterHour = true;
          const h = hasAmPm ? ((hours + 11) % 12) + 1 : hours;
          return t.length === 2 ? String(h).padStart(2, '0') : String(h);
        }
        case 'ss':
          return String(d.getUTCSeconds()).padStart(2, '0');
        case 's':
          return String(d.getUTCSeconds());
        case 'am/pm':
        case 'AM/PM':
          return hours < 12 ? 'AM' : 'PM';
        default:
          return t.startsWith('"') ? t.slice(1, -1) : t;
      }
    })
    .join('');
}
