// Pure: a long text as document-property values under Apps Script's limits (9 KB a value, 500 KB in all), and back.
import { utf8Length } from './http.js';
import type { PropertiesLike } from './services.js';

/** Apps Script's limit on one property value is 9 KB; each chunk stays well under it (key included). */
export const MAX_CHUNK_BYTES = 8_000;
/** The store holds 500 KB in all: a checkpoint takes at most this much, leaving room for the rest. */
export const MAX_CHECKPOINT_BYTES = 400_000;

/** `text` cut into pieces of at most `maxBytes` UTF-8 bytes each, never inside a character. */
export function chunkText(text: string, maxBytes = MAX_CHUNK_BYTES): string[] {
  const out: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + maxBytes);
    while (utf8Length(text.slice(start, end)) > maxBytes) end = start + Math.floor((end - start) * 0.9);
    // Never split a surrogate pair.
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    out.push(text.slice(start, end));
    start = end;
  }
  return out;
}

const countKey = (prefix: string) => `${prefix}.n`;
const partKey = (prefix: string, i: number) => `${prefix}.${i}`;

/** Removes a chunked value (every part, then its count). */
export function clearChunked(props: PropertiesLike, prefix: string): void {
  const n = Number(props.getProperty(countKey(prefix)) ?? 0);
  props.deleteProperty(countKey(prefix));
  for (let i = 0; i < n; i++) props.deleteProperty(partKey(prefix, i));
}

/**
 * Stores `text` in parts (one setProperties call: all of it or none), or nothing when it is larger than
 * `maxBytes` in all. Returns whether it was stored.
 */
export function saveChunked(
  props: PropertiesLike,
  prefix: string,
  text: string,
  maxBytes = MAX_CHECKPOINT_BYTES,
): boolean {
  clearChunked(props, prefix);
  if (utf8Length(text) > maxBytes) return false;
  const parts = chunkText(text);
  const values: Record<string, string> = { [countKey(prefix)]: String(parts.length) };
  parts.forEach((part, i) => {
    values[partKey(prefix, i)] = part;
  });
  props.setProperties(values);
  return true;
}

/** The stored text, or null when there is none or a part is missing. */
export function loadChunked(props: PropertiesLike, prefix: string): string | null {
  const n = Number(props.getProperty(countKey(prefix)) ?? 0);
  if (!Number.isInteger(n) || n <= 0) return null;
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const part = props.getProperty(partKey(prefix, i));
    if (part === null) return null;
    parts.push(part);
  }
  return parts.join('');
}
