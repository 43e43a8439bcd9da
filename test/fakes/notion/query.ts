// Data source queries: filters (property, timestamp, and/or), sorts, cursors and the 10,000-result cap.
import { dateInstant, expectArray, expectRecord, isDateOnly } from './common.js';
import { bodyInvalid, describe, validationError } from './errors.js';
import { plainText } from './rich-text.js';
import {
  type DataSourceRecord,
  floorToMinute,
  type NotionState,
  normalizeId,
  type PageRecord,
  type PropertyRecord,
} from './state.js';

export const MAX_PAGE_SIZE = 100;
/** A single query returns at most this many results; then `has_more` is false and the result is marked incomplete. */
export const QUERY_RESULT_LIMIT = 10_000;
const MAX_FILTER_DEPTH = 2;

type Predicate = (page: PageRecord) => boolean;

const DAY = 86_400_000;

/** A comparable value for one page: text, number, date instant, boolean, or a list (for multi-valued types). */
type Cell =
  | { kind: 'text'; value: string }
  | { kind: 'number'; value: number | null }
  | { kind: 'date'; value: string | null; instant: number | null }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'list'; values: string[] };

function cell(page: PageRecord, property: PropertyRecord): Cell {
  const stored = page.values.get(property.id);
  const c = property.config;
  switch (c.type) {
    case 'title':
    case 'rich_text':
      return { kind: 'text', value: stored?.type === c.type ? plainText(stored.items) : '' };
    case 'url':
    case 'email':
    case 'phone_number':
      return { kind: 'text', value: stored?.type === c.type ? (stored.value ?? '') : '' };
    case 'number':
      return { kind: 'number', value: stored?.type === 'number' ? stored.value : null };
    case 'unique_id':
      return { kind: 'number', value: stored?.type === 'unique_id' ? stored.number : null };
    case 'checkbox':
      return { kind: 'boolean', value: stored?.type === 'checkbox' ? stored.value : false };
    case 'select':
    case 'status': {
      const id = stored?.type === c.type ? stored.optionId : null;
      const name = c.options.find((o) => o.id === id)?.name;
      return { kind: 'list', values: name ? [name] : [] };
    }
    case 'multi_select': {
      const ids = stored?.type === 'multi_select' ? stored.optionIds : [];
      return {
        kind: 'list',
        values: ids.flatMap((id) => c.options.filter((o) => o.id === id).map((o) => o.name)),
      };
    }
    case 'relation':
    case 'people':
      return { kind: 'list', values: stored?.type === c.type ? stored.ids : [] };
    case 'files':
      return { kind: 'list', values: stored?.type === 'files' ? stored.files.map((f) => f.name) : [] };
    case 'date': {
      const value = stored?.type === 'date' ? (stored.value?.start ?? null) : null;
      return { kind: 'date', value, instant: value ? dateInstant(value) : null };
    }
    case 'created_time':
    case 'last_edited_time': {
      const ms = floorToMinute(c.type === 'created_time' ? page.createdTime : page.lastEditedTime);
      return { kind: 'date', value: new Date(ms).toISOString(), instant: ms };
    }
    case 'created_by':
      return { kind: 'list', values: [page.createdBy] };
    case 'last_edited_by':
      return { kind: 'list', values: [page.lastEditedBy] };
    default:
      throw validationError(
        `The fake Notion API does not filter or sort on \`${c.type}\` properties (${property.name}).`,
      );
  }
}

/** Which filter condition object a property type takes (`title` and `rich_text` share text conditions). */
const FILTER_KEY: Record<string, string> = {
  title: 'title',
  rich_text: 'rich_text',
  url: 'url',
  email: 'email',
  phone_number: 'phone_number',
  number: 'number',
  unique_id: 'unique_id',
  checkbox: 'checkbox',
  select: 'select',
  status: 'status',
  multi_select: 'multi_select',
  relation: 'relation',
  people: 'people',
  files: 'files',
  date: 'date',
  created_time: 'created_time',
  last_edited_time: 'last_edited_time',
  created_by: 'created_by',
  last_edited_by: 'last_edited_by',
};

function onlyCondition(condition: Record<string, unknown>, path: string): [string, unknown] {
  const entries = Object.entries(condition);
  if (entries.length !== 1)
    throw bodyInvalid(path, `should have exactly one condition, instead was ${describe(condition)}`);
  return entries[0]!;
}

function dateCondition(state: NotionState, op: string, operand: unknown, path: string): (c: Cell) => boolean {
  const now = state.now();
  const within = (from: number, to: number) => (c: Cell) =>
    c.kind === 'date' && c.instant !== null && c.instant >= from && c.instant <= to;
  switch (op) {
    case 'is_empty':
      return (c) => c.kind === 'date' && c.value === null;
    case 'is_not_empty':
      return (c) => c.kind === 'date' && c.value !== null;
    case 'past_week':
      return within(now - 7 * DAY, now);
    case 'past_month':
      return within(now - 30 * DAY, now);
    case 'past_year':
      return within(now - 365 * DAY, now);
    case 'next_week':
      return within(now, now + 7 * DAY);
    case 'next_month':
      return within(now, now + 30 * DAY);
    case 'next_year':
      return within(now, now + 365 * DAY);
    case 'this_week': {
      const start = new Date(now);
      start.setUTCHours(0, 0, 0, 0);
      start.setUTCDate(start.getUTCDate() - start.getUTCDay());
      return within(start.getTime(), start.getTime() + 7 * DAY - 1);
    }
  }
  if (!['equals', 'before', 'after', 'on_or_before', 'on_or_after'].includes(op)) {
    throw bodyInvalid(path, `should be a date condition, instead was \`${op}\``);
  }
  let target: string;
  if (typeof operand !== 'string')
    throw bodyInvalid(`${path}.${op}`, `should be a string, instead was ${describe(operand)}`);
  const relative: Record<string, number> = {
    today: 0,
    tomorrow: DAY,
    yesterday: -DAY,
    one_week_ago: -7 * DAY,
    one_week_from_now: 7 * DAY,
    one_month_ago: -30 * DAY,
    one_month_from_now: 30 * DAY,
  };
  if (operand in relative) target = new Date(now + relative[operand]!).toISOString().slice(0, 10);
  else if (Number.isNaN(Date.parse(operand))) {
    throw bodyInvalid(
      `${path}.${op}`,
      `should be a valid ISO 8601 date string, instead was ${describe(operand)}`,
    );
  } else target = operand;
  // A date without a time compares whole days; a date-time compares instants.
  const byDay = isDateOnly(target);
  const targetValue = byDay ? Date.parse(`${target}T00:00:00Z`) : Date.parse(target);
  return (c) => {
    if (c.kind !== 'date' || c.instant === null) return false;
    const value = byDay ? Math.floor(c.instant / DAY) * DAY : c.instant;
    switch (op) {
      case 'equals':
        return value === targetValue;
      case 'before':
        return value < targetValue;
      case 'after':
        return value > targetValue;
      case 'on_or_before':
        return value <= targetValue;
      default:
        return value >= targetValue;
    }
  };
}

function listOperand(operand: unknown, path: string): string[] {
  if (typeof operand === 'string') return [operand];
  if (Array.isArray(operand) && operand.every((v) => typeof v === 'string')) return operand as string[];
  throw bodyInvalid(path, `should be a string or an array of strings, instead was ${describe(operand)}`);
}

function condition(state: NotionState, key: string, raw: unknown, path: string): (c: Cell) => boolean {
  const [op, operand] = onlyCondition(expectRecord(raw, path), path);
  if (op === 'is_empty' || op === 'is_not_empty') {
    if (operand !== true) throw bodyInvalid(`${path}.${op}`, 'should be `true`');
  }
  const empty = (c: Cell) =>
    (c.kind === 'text' && c.value === '') ||
    (c.kind === 'number' && c.value === null) ||
    (c.kind === 'date' && c.value === null) ||
    (c.kind === 'list' && c.values.length === 0);
  if (op === 'is_empty') return empty;
  if (op === 'is_not_empty') return (c) => !empty(c);
  switch (key) {
    case 'title':
    case 'rich_text':
    case 'url':
    case 'email':
    case 'phone_number': {
      if (typeof operand !== 'string')
        throw bodyInvalid(`${path}.${op}`, `should be a string, instead was ${describe(operand)}`);
      const needle = operand.toLowerCase();
      const text = (c: Cell) => (c.kind === 'text' ? c.value : '');
      const ops: Record<string, (c: Cell) => boolean> = {
        equals: (c) => text(c) === operand,
        does_not_equal: (c) => text(c) !== operand,
        contains: (c) => text(c).toLowerCase().includes(needle),
        does_not_contain: (c) => !text(c).toLowerCase().includes(needle),
        starts_with: (c) => text(c).toLowerCase().startsWith(needle),
        ends_with: (c) => text(c).toLowerCase().endsWith(needle),
      };
      if (!ops[op]) throw bodyInvalid(path, `should be a text condition, instead was \`${op}\``);
      return ops[op];
    }
    case 'number':
    case 'unique_id': {
      if (typeof operand !== 'number')
        throw bodyInvalid(`${path}.${op}`, `should be a number, instead was ${describe(operand)}`);
      const n = (c: Cell) => (c.kind === 'number' ? c.value : null);
      const ops: Record<string, (c: Cell) => boolean> = {
        equals: (c) => n(c) === operand,
        does_not_equal: (c) => n(c) !== operand,
        greater_than: (c) => n(c) !== null && n(c)! > operand,
        less_than: (c) => n(c) !== null && n(c)! < operand,
        greater_than_or_equal_to: (c) => n(c) !== null && n(c)! >= operand,
        less_than_or_equal_to: (c) => n(c) !== null && n(c)! <= operand,
      };
      if (!ops[op]) throw bodyInvalid(path, `should be a number condition, instead was \`${op}\``);
      return ops[op];
    }
    case 'checkbox': {
      if (typeof operand !== 'boolean')
        throw bodyInvalid(`${path}.${op}`, `should be a boolean, instead was ${describe(operand)}`);
      if (op === 'equals') return (c) => c.kind === 'boolean' && c.value === operand;
      if (op === 'does_not_equal') return (c) => c.kind === 'boolean' && c.value !== operand;
      throw bodyInvalid(path, `should be a checkbox condition, instead was \`${op}\``);
    }
    case 'select':
    case 'status': {
      const names = listOperand(operand, `${path}.${op}`);
      const has = (c: Cell) => c.kind === 'list' && c.values.some((v) => names.includes(v));
      if (op === 'equals') return has;
      if (op === 'does_not_equal') return (c) => !has(c);
      throw bodyInvalid(path, `should be a ${key} condition, instead was \`${op}\``);
    }
    case 'multi_select': {
      const names = listOperand(operand, `${path}.${op}`);
      const has = (c: Cell) => c.kind === 'list' && names.every((v) => c.values.includes(v));
      if (op === 'contains') return has;
      if (op === 'does_not_contain')
        return (c) => c.kind === 'list' && !names.some((v) => c.values.includes(v));
      throw bodyInvalid(path, `should be a multi_select condition, instead was \`${op}\``);
    }
    case 'relation':
    case 'people':
    case 'created_by':
    case 'last_edited_by': {
      const id =
        key === 'relation' ? normalizeId(operand) : operand === 'me' ? state.botId : normalizeId(operand);
      if (!id) throw bodyInvalid(`${path}.${op}`, `should be a valid uuid, instead was ${describe(operand)}`);
      if (op === 'contains') return (c) => c.kind === 'list' && c.values.includes(id);
      if (op === 'does_not_contain') return (c) => c.kind === 'list' && !c.values.includes(id);
      throw bodyInvalid(path, `should be a ${key} condition, instead was \`${op}\``);
    }
    case 'files':
      throw bodyInvalid(path, `should be an is_empty or is_not_empty condition, instead was \`${op}\``);
    default:
      return dateCondition(state, op, operand, path);
  }
}

function compile(
  state: NotionState,
  dataSource: DataSourceRecord,
  raw: unknown,
  path: string,
  depth: number,
): Predicate {
  const filter = expectRecord(raw, path);
  for (const group of ['and', 'or'] as const) {
    if (filter[group] === undefined) continue;
    if (depth >= MAX_FILTER_DEPTH)
      throw validationError(`Filters can be nested at most ${MAX_FILTER_DEPTH} levels deep (${path}).`);
    const parts = expectArray(filter[group], `${path}.${group}`).map((f, i) =>
      compile(state, dataSource, f, `${path}.${group}[${i}]`, depth + 1),
    );
    return group === 'and' ? (page) => parts.every((p) => p(page)) : (page) => parts.some((p) => p(page));
  }
  if (filter.timestamp !== undefined) {
    const kind = filter.timestamp;
    if (kind !== 'created_time' && kind !== 'last_edited_time') {
      throw bodyInvalid(
        `${path}.timestamp`,
        `should be \`created_time\` or \`last_edited_time\`, instead was ${describe(kind)}`,
      );
    }
    const test = condition(state, kind, filter[kind], `${path}.${kind}`);
    // Compared with the stored value, which Notion rounds down to the minute.
    return (page) => {
      const ms = floorToMinute(kind === 'created_time' ? page.createdTime : page.lastEditedTime);
      return test({ kind: 'date', value: new Date(ms).toISOString(), instant: ms });
    };
  }
  if (typeof filter.property !== 'string') {
    throw bodyInvalid(
      path,
      `should be a property, timestamp, \`and\` or \`or\` filter, instead was ${describe(filter)}`,
    );
  }
  const property = state.propertyByKey(dataSource, filter.property);
  if (!property) throw validationError(`Could not find property with name or id: ${filter.property}`);
  const expected = FILTER_KEY[property.config.type];
  const given = Object.keys(filter).filter((k) => k !== 'property' && k !== 'type');
  if (!expected || given.length !== 1 || given[0] !== expected) {
    throw validationError(
      `body failed validation: the filter on ${property.name} should use a \`${expected ?? property.config.type}\` condition, instead was ${describe(given)}.`,
    );
  }
  const test = condition(state, expected, filter[expected], `${path}.${expected}`);
  return (page) => test(cell(page, property));
}

export function compileFilter(state: NotionState, dataSource: DataSourceRecord, raw: unknown): Predicate {
  if (raw === undefined || raw === null) return () => true;
  return compile(state, dataSource, raw, 'body.filter', 0);
}

type Comparator = (a: PageRecord, b: PageRecord) => number;

function compareCells(a: Cell, b: Cell, property?: PropertyRecord): number {
  const emptyA = isEmpty(a);
  const emptyB = isEmpty(b);
  if (emptyA || emptyB) return emptyA === emptyB ? 0 : emptyA ? 1 : -1;
  if (a.kind === 'number' && b.kind === 'number') return a.value! - b.value!;
  if (a.kind === 'date' && b.kind === 'date') return a.instant! - b.instant!;
  if (a.kind === 'boolean' && b.kind === 'boolean') return Number(a.value) - Number(b.value);
  if (a.kind === 'list' && b.kind === 'list') {
    const order = property && 'options' in property.config ? property.config.options.map((o) => o.name) : [];
    const rank = (v: string) => (order.includes(v) ? order.indexOf(v) : Number.MAX_SAFE_INTEGER);
    return rank(a.values[0]!) - rank(b.values[0]!) || a.values[0]!.localeCompare(b.values[0]!);
  }
  return String(a.kind === 'text' ? a.value : '').localeCompare(
    String(b.kind === 'text' ? b.value : ''),
    'en',
    {
      sensitivity: 'base',
    },
  );
}

function isEmpty(c: Cell): boolean {
  return (
    (c.kind === 'text' && c.value === '') ||
    (c.kind === 'number' && c.value === null) ||
    (c.kind === 'date' && c.value === null) ||
    (c.kind === 'list' && c.values.length === 0)
  );
}

/** Sorts: property (by name or id) or timestamp; empty values sort last either way. */
export function compileSorts(state: NotionState, dataSource: DataSourceRecord, raw: unknown): Comparator {
  const creation: Comparator = (a, b) => a.createdTime - b.createdTime || a.id.localeCompare(b.id);
  if (raw === undefined) return creation;
  const sorts = expectArray(raw, 'body.sorts').map((entry, index): Comparator => {
    const path = `body.sorts[${index}]`;
    const sort = expectRecord(entry, path);
    if (sort.direction !== 'ascending' && sort.direction !== 'descending') {
      throw bodyInvalid(
        `${path}.direction`,
        `should be \`ascending\` or \`descending\`, instead was ${describe(sort.direction)}`,
      );
    }
    const sign = sort.direction === 'ascending' ? 1 : -1;
    if (sort.timestamp !== undefined) {
      if (sort.timestamp !== 'created_time' && sort.timestamp !== 'last_edited_time') {
        throw bodyInvalid(
          `${path}.timestamp`,
          `should be \`created_time\` or \`last_edited_time\`, instead was ${describe(sort.timestamp)}`,
        );
      }
      const key = sort.timestamp === 'created_time' ? 'createdTime' : 'lastEditedTime';
      return (a, b) => sign * (floorToMinute(a[key]) - floorToMinute(b[key]));
    }
    if (typeof sort.property !== 'string')
      throw bodyInvalid(path, 'should have a `property` or a `timestamp`');
    const property = state.propertyByKey(dataSource, sort.property);
    if (!property) throw validationError(`Could not find sort property with name or id: ${sort.property}`);
    return (a, b) => {
      const ca = cell(a, property);
      const cb = cell(b, property);
      if (isEmpty(ca) || isEmpty(cb)) return compareCells(ca, cb, property);
      return sign * compareCells(ca, cb, property);
    };
  });
  return (a, b) => {
    for (const compare of sorts) {
      const result = compare(a, b);
      if (result !== 0) return result;
    }
    return creation(a, b);
  };
}

export function pageSize(raw: unknown, path: string): number {
  if (raw === undefined || raw === null) return MAX_PAGE_SIZE;
  const n = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw bodyInvalid(path, `should be a positive integer, instead was ${describe(raw)}`);
  }
  if (n > MAX_PAGE_SIZE) throw bodyInvalid(path, `should be ≤ \`${MAX_PAGE_SIZE}\`, instead was \`${n}\``);
  return n;
}

export interface Slice<T> {
  results: T[];
  nextCursor: string | null;
  hasMore: boolean;
  /** True when the 10,000-result cap cut the result set short. */
  capped: boolean;
}

/**
 * One page of results. Cursors are the id of the next item (as Notion's look); a cursor that is not in
 * the result set is a validation error. `limit` caps how many results the whole query can reach.
 */
export function slice<T extends { id: string }>(
  items: readonly T[],
  cursor: unknown,
  size: number,
  path: string,
  limit = Number.POSITIVE_INFINITY,
): Slice<T> {
  const reachable = items.length > limit ? items.slice(0, limit) : items;
  let start = 0;
  if (cursor !== undefined && cursor !== null) {
    const id = normalizeId(cursor);
    start = id ? reachable.findIndex((item) => item.id === id) : -1;
    if (start < 0)
      throw bodyInvalid(
        path,
        `should be a valid cursor from a previous response, instead was ${describe(cursor)}`,
      );
  }
  const results = reachable.slice(start, start + size);
  const next = reachable[start + size];
  return {
    results,
    nextCursor: next ? next.id : null,
    hasMore: next !== undefined,
    capped: items.length > limit,
  };
}
