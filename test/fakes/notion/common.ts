// Small checks shared by the fake's validators: objects, colors, dates, icons, covers and string limits.
import { bodyInvalid, describe, tooLong } from './errors.js';
import type { DateValue, PageCover, PageIcon, SelectColor } from './state.js';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function expectRecord(value: unknown, path: string): Record<string, unknown> {
  if (!isRecord(value)) throw bodyInvalid(path, `should be an object, instead was ${describe(value)}`);
  return value;
}

export function expectArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw bodyInvalid(path, `should be an array, instead was ${describe(value)}`);
  return value;
}

export function expectString(value: unknown, path: string, max?: number): string {
  if (typeof value !== 'string')
    throw bodyInvalid(path, `should be a string, instead was ${describe(value)}`);
  if (max !== undefined && value.length > max) throw tooLong(path, max, value.length);
  return value;
}

export function expectBoolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean')
    throw bodyInvalid(path, `should be a boolean, instead was ${describe(value)}`);
  return value;
}

export function optionalBoolean(value: unknown, path: string, fallback: boolean): boolean {
  return value === undefined ? fallback : expectBoolean(value, path);
}

export const SELECT_COLORS: readonly SelectColor[] = [
  'default',
  'gray',
  'brown',
  'orange',
  'yellow',
  'green',
  'blue',
  'purple',
  'pink',
  'red',
];

export const API_COLORS = [
  ...SELECT_COLORS,
  'default_background',
  'gray_background',
  'brown_background',
  'orange_background',
  'yellow_background',
  'green_background',
  'blue_background',
  'purple_background',
  'pink_background',
  'red_background',
] as const;
export type ApiColor = (typeof API_COLORS)[number];

export function apiColor(value: unknown, path: string): ApiColor {
  if (value === undefined) return 'default';
  if (typeof value === 'string' && (API_COLORS as readonly string[]).includes(value))
    return value as ApiColor;
  throw bodyInvalid(path, `should be one of the API colors, instead was ${describe(value)}`);
}

export function selectColor(value: unknown, path: string, fallback: SelectColor): SelectColor {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (SELECT_COLORS as readonly string[]).includes(value))
    return value as SelectColor;
  throw bodyInvalid(
    path,
    `should be one of ${SELECT_COLORS.map((c) => `"${c}"`).join(', ')}, instead was ${describe(value)}`,
  );
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})?$/;

/** Date strings as Notion stores them: dates stay `YYYY-MM-DD`; date-times gain seconds, milliseconds, an offset. */
export function normalizeDateString(value: unknown, path: string): string {
  if (typeof value !== 'string')
    throw bodyInvalid(path, `should be a string, instead was ${describe(value)}`);
  if (ISO_DATE.test(value) && !Number.isNaN(Date.parse(value))) return value;
  const match = ISO_DATE_TIME.exec(value);
  if (!match || Number.isNaN(Date.parse(match[5] ? value : `${value}Z`))) {
    throw bodyInvalid(path, `should be a valid ISO 8601 date string, instead was ${describe(value)}`);
  }
  const [, day, hourMinute, seconds = '00', millis = '0', offset = 'Z'] = match;
  return `${day}T${hourMinute}:${seconds}.${millis.padEnd(3, '0')}${offset === 'Z' ? '+00:00' : offset}`;
}

/** The instant a stored date string starts at (a date alone is midnight UTC). */
export function dateInstant(value: string): number {
  return Date.parse(ISO_DATE.test(value) ? `${value}T00:00:00Z` : value);
}

export function isDateOnly(value: string): boolean {
  return ISO_DATE.test(value);
}

export function normalizeDate(value: unknown, path: string): DateValue {
  const date = expectRecord(value, path);
  const start = normalizeDateString(date.start, `${path}.start`);
  const end =
    date.end === undefined || date.end === null ? null : normalizeDateString(date.end, `${path}.end`);
  const timeZone =
    date.time_zone === undefined || date.time_zone === null
      ? null
      : expectString(date.time_zone, `${path}.time_zone`);
  return { start, end, time_zone: timeZone };
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
const EMOJI_START = /^(?:\p{Extended_Pictographic}|\p{Regional_Indicator}|[#*0-9]\uFE0F?\u20E3)/u;

/** An emoji icon is one emoji (the SDK types list them one by one); a word or two emoji is a 400. */
type Emoji = Extract<PageIcon, { type: 'emoji' }>['emoji'];

function emoji(value: unknown, path: string): Emoji {
  const text = expectString(value, path);
  if ([...graphemes.segment(text)].length !== 1 || !EMOJI_START.test(text)) {
    throw bodyInvalid(path, `should be an emoji, instead was ${describe(value)}`);
  }
  return text as Emoji;
}

export function normalizeIcon(value: unknown, path: string): PageIcon | null {
  if (value === null || value === undefined) return null;
  const icon = expectRecord(value, path);
  if (icon.emoji !== undefined) return { type: 'emoji', emoji: emoji(icon.emoji, `${path}.emoji`) };
  if (isRecord(icon.external)) {
    return {
      type: 'external',
      external: { url: expectString(icon.external.url, `${path}.external.url`, 2000) },
    };
  }
  if (isRecord(icon.icon)) {
    const name = expectString(icon.icon.name, `${path}.icon.name`);
    const color = typeof icon.icon.color === 'string' ? icon.icon.color : 'gray';
    return { type: 'icon', icon: { name, color: color as 'gray' } };
  }
  throw bodyInvalid(path, `should be an emoji, external or icon object, instead was ${describe(value)}`);
}

export function normalizeCover(value: unknown, path: string): PageCover | null {
  if (value === null || value === undefined) return null;
  const cover = expectRecord(value, path);
  if (isRecord(cover.external)) {
    return {
      type: 'external',
      external: { url: expectString(cover.external.url, `${path}.external.url`, 2000) },
    };
  }
  throw bodyInvalid(path, `should be an external file object, instead was ${describe(value)}`);
}

/** Which of `keys` the object carries (Notion's unions name their variant by key, `type` being optional). */
export function variantOf(value: Record<string, unknown>, keys: readonly string[], path: string): string {
  const declared = value.type;
  if (declared !== undefined) {
    if (typeof declared !== 'string' || !keys.includes(declared) || value[declared] === undefined) {
      throw bodyInvalid(`${path}.type`, `should be one of ${keys.join(', ')} with a matching value`);
    }
    return declared;
  }
  const present = keys.filter((k) => value[k] !== undefined);
  if (present.length !== 1) {
    throw bodyInvalid(path, `should have exactly one of ${keys.map((k) => `\`${k}\``).join(', ')}`);
  }
  return present[0]!;
}

export function notionUrl(id: string): string {
  return `https://www.notion.so/${id.replace(/-/g, '')}`;
}
