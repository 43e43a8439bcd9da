// Notion page values <-> synced values (pure): what a page property reads as, and the typed write of a Sheets-owned value.
import type { PageObjectResponse, UpdatePageParameters } from '@notionhq/client';
import type { DesiredProperty } from '../blueprint/desired.js';
import { MAX_TEXT_CHARS } from '../targets/notion/blocks.js';
import type { SyncValue } from './types.js';

export type PageValue = PageObjectResponse['properties'][string];
type Rollup = Extract<PageValue, { type: 'rollup' }>['rollup'];
type RollupItem = Extract<Rollup, { type: 'array' }>['array'][number];
export type PageValueRequest = NonNullable<UpdatePageParameters['properties']>[string];

/** Several values in one cell: option names, people, related pages. */
export const LIST_SEPARATOR = ', ';

const plain = (items: readonly { plain_text: string }[]) => items.map((i) => i.plain_text).join('');
const day = (start: string | undefined | null) => (start ? start.slice(0, 10) : null);
const orNull = (text: string | null | undefined) => (text ? text : null);

/** Relation page IDs of a page value (the first 25 only, when Notion truncated it: see `relationTruncated`). */
export function relationIds(value: PageValue): string[] {
  return value.type === 'relation' ? value.relation.map((r) => r.id) : [];
}

/**
 * Whether a relation value lists only its first references: a page object holds at most 25 per property
 * (developers.notion.com/reference/retrieve-a-page), with `has_more` when there are more. Where `has_more`
 * is absent, a full 25 is taken as possibly truncated.
 */
export function relationTruncated(value: PageValue): boolean {
  if (value.type !== 'relation') return false;
  const hasMore = 'has_more' in value ? value.has_more : undefined;
  return hasMore === true || (hasMore === undefined && value.relation.length >= 25);
}

function rollupItem(item: RollupItem): SyncValue {
  switch (item.type) {
    case 'title':
      return plain(item.title);
    case 'rich_text':
      return plain(item.rich_text);
    case 'number':
      return item.number;
    case 'select':
      return item.select?.name ?? null;
    case 'status':
      return item.status?.name ?? null;
    case 'date':
      return day(item.date?.start);
    case 'checkbox':
      return item.checkbox;
    case 'url':
      return item.url;
    case 'email':
      return item.email;
    case 'formula':
      return formulaValue(item.formula);
    default:
      return null;
  }
}

function formulaValue(formula: Extract<PageValue, { type: 'formula' }>['formula']): SyncValue {
  switch (formula.type) {
    case 'string':
      return formula.string;
    case 'number':
      return formula.number;
    case 'boolean':
      return formula.boolean;
    case 'date':
      return day(formula.date?.start);
    default:
      return null; // `unsupported`: Notion could not compute it (too many related pages)
  }
}

function rollupValue(rollup: Rollup): SyncValue {
  switch (rollup.type) {
    case 'number':
      return rollup.number;
    case 'date':
      return day(rollup.date?.start);
    case 'array': {
      const parts = rollup.array.map(rollupItem).filter((v) => v !== null && v !== '');
      return parts.length ? parts.join(LIST_SEPARATOR) : null;
    }
    default:
      return null; // `unsupported` or `incomplete`: no partial value
  }
}

/**
 * A page property as one synced value: text as text, numbers, select names, several options joined with
 * ", ", dates as their start day (YYYY-MM-DD), checkboxes as booleans, formulas and rollups as their
 * computed value. Relations are given as `related` (titles or IDs, already complete).
 */
export function syncValueOf(value: PageValue, related: readonly string[] = []): SyncValue {
  switch (value.type) {
    case 'title':
      return plain(value.title);
    case 'rich_text':
      return plain(value.rich_text);
    case 'number':
      return value.number;
    case 'select':
      return value.select?.name ?? null;
    case 'status':
      return value.status?.name ?? null;
    case 'multi_select':
      return orNull(value.multi_select.map((o) => o.name).join(LIST_SEPARATOR));
    case 'date':
      return day(value.date?.start);
    case 'checkbox':
      return value.checkbox;
    case 'url':
      return value.url;
    case 'email':
      return value.email;
    case 'phone_number':
      return value.phone_number;
    case 'relation':
      return orNull(related.join(LIST_SEPARATOR));
    case 'people':
      return orNull(value.people.map((p) => ('name' in p && p.name ? p.name : p.id)).join(LIST_SEPARATOR));
    case 'formula':
      return formulaValue(value.formula);
    case 'rollup':
      return rollupValue(value.rollup);
    case 'created_time':
      return value.created_time;
    case 'last_edited_time':
      return value.last_edited_time;
    case 'unique_id':
      return value.unique_id.number === null
        ? null
        : `${value.unique_id.prefix ? `${value.unique_id.prefix}-` : ''}${value.unique_id.number}`;
    default:
      return null;
  }
}

function richText(text: string): { type: 'text'; text: { content: string } }[] {
  const parts: { type: 'text'; text: { content: string } }[] = [];
  for (let i = 0; i < text.length; i += MAX_TEXT_CHARS)
    parts.push({ type: 'text', text: { content: text.slice(i, i + MAX_TEXT_CHARS) } });
  return parts;
}

/** A value the sync cannot write into a property, and why (reported, never sent). */
export class UnwritableValue extends Error {}

/**
 * The typed page value that sets a Sheets-owned value: numbers into Number properties, names into Select
 * properties, text into Text properties, YYYY-MM-DD into Date properties; empty clears. Other property types
 * (people, relations, formulas…) are only ever read by sync, never written. Given the whole property, a Select value must be
 * one of its options: a name the workbook made up is reported rather than added to Notion's option list.
 */
export function valueRequest(
  property: DesiredProperty['type'] | DesiredProperty,
  value: SyncValue,
): PageValueRequest {
  const type = typeof property === 'string' ? property : property.type;
  const empty = value === null || value === '';
  if (typeof property !== 'string' && property.type === 'select' && !empty && property.options.length) {
    if (!property.options.includes(String(value)))
      throw new UnwritableValue(
        `${JSON.stringify(value)} is not one of ${property.name}'s options (${property.options.join(', ')})`,
      );
  }
  switch (type) {
    case 'number': {
      if (empty) return { number: null };
      const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
      if (!Number.isFinite(n)) throw new UnwritableValue(`${JSON.stringify(value)} is not a number`);
      return { number: n };
    }
    case 'select': {
      if (empty) return { select: null };
      const name = String(value);
      // Option names cannot hold a comma (developers.notion.com/reference/page-property-values, select).
      if (name.includes(',')) throw new UnwritableValue(`select option ${JSON.stringify(name)} has a comma`);
      return { select: { name } };
    }
    case 'rich_text':
      return { rich_text: empty ? [] : richText(String(value)) };
    case 'date': {
      if (empty) return { date: null };
      const day = String(value);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day))
        throw new UnwritableValue(`${JSON.stringify(value)} is not a date`);
      return { date: { start: day } };
    }
    default:
      throw new UnwritableValue(`sync writes only Number, Select, Text and Date properties, not ${type}`);
  }
}
