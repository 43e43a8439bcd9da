// Rich text: request validation against Notion's limits (2,000 chars per text, 100 items) and the response form.
import type { RichTextItemResponse } from '@notionhq/client';
import {
  apiColor,
  expectArray,
  expectRecord,
  expectString,
  normalizeDate,
  notionUrl,
  optionalBoolean,
  variantOf,
} from './common.js';
import { bodyInvalid, describe, tooLong } from './errors.js';
import { type NotionState, normalizeId, type StoredValue } from './state.js';

export const RICH_TEXT_ITEMS = 100;
export const TEXT_CONTENT = 2000;
export const LINK_URL = 2000;
export const EQUATION_EXPRESSION = 1000;

type Annotations = RichTextItemResponse['annotations'];

function annotations(value: unknown, path: string): Annotations {
  if (value === undefined) {
    return {
      bold: false,
      italic: false,
      strikethrough: false,
      underline: false,
      code: false,
      color: 'default',
    };
  }
  const a = expectRecord(value, path);
  return {
    bold: optionalBoolean(a.bold, `${path}.bold`, false),
    italic: optionalBoolean(a.italic, `${path}.italic`, false),
    strikethrough: optionalBoolean(a.strikethrough, `${path}.strikethrough`, false),
    underline: optionalBoolean(a.underline, `${path}.underline`, false),
    code: optionalBoolean(a.code, `${path}.code`, false),
    color: apiColor(a.color, `${path}.color`),
  };
}

function mentionedId(value: unknown, path: string): string {
  const ref = expectRecord(value, path);
  const id = normalizeId(ref.id);
  if (!id) throw bodyInvalid(`${path}.id`, `should be a valid uuid, instead was ${describe(ref.id)}`);
  return id;
}

function item(state: NotionState, value: unknown, path: string): RichTextItemResponse {
  const raw = expectRecord(value, path);
  const type = variantOf(raw, ['text', 'mention', 'equation'], path);
  const common = { annotations: annotations(raw.annotations, `${path}.annotations`) };
  if (type === 'text') {
    const text = expectRecord(raw.text, `${path}.text`);
    const content = expectString(text.content, `${path}.text.content`, TEXT_CONTENT);
    let link: { url: string } | null = null;
    if (text.link !== undefined && text.link !== null) {
      const l = expectRecord(text.link, `${path}.text.link`);
      link = { url: expectString(l.url, `${path}.text.link.url`, LINK_URL) };
    }
    return { ...common, type: 'text', text: { content, link }, plain_text: content, href: link?.url ?? null };
  }
  if (type === 'equation') {
    const equation = expectRecord(raw.equation, `${path}.equation`);
    const expression = expectString(equation.expression, `${path}.equation.expression`, EQUATION_EXPRESSION);
    return { ...common, type: 'equation', equation: { expression }, plain_text: expression, href: null };
  }
  const mention = expectRecord(raw.mention, `${path}.mention`);
  const kind = variantOf(mention, ['user', 'date', 'page', 'database'], `${path}.mention`);
  if (kind === 'user') {
    const id = mentionedId(mention.user, `${path}.mention.user`);
    const name = state.users.get(id)?.name ?? 'Anonymous';
    return {
      ...common,
      type: 'mention',
      mention: { type: 'user', user: { object: 'user', id } },
      plain_text: `@${name}`,
      href: null,
    };
  }
  if (kind === 'date') {
    const date = normalizeDate(mention.date, `${path}.mention.date`);
    const text = date.end ? `${date.start} → ${date.end}` : date.start;
    return { ...common, type: 'mention', mention: { type: 'date', date }, plain_text: text, href: null };
  }
  if (kind === 'page') {
    const id = mentionedId(mention.page, `${path}.mention.page`);
    const page = state.pages.get(id);
    const title = page ? plainText(titleOf(page.values)) : 'Untitled';
    return {
      ...common,
      type: 'mention',
      mention: { type: 'page', page: { id } },
      plain_text: title || 'Untitled',
      href: notionUrl(id),
    };
  }
  const id = mentionedId(mention.database, `${path}.mention.database`);
  const database = state.databases.get(id);
  return {
    ...common,
    type: 'mention',
    mention: { type: 'database', database: { id } },
    plain_text: database ? plainText(database.title) || 'Untitled' : 'Untitled',
    href: notionUrl(id),
  };
}

/** Validates a rich-text array at `path` (e.g. `body.children[0].paragraph.rich_text`) and returns its response form. */
export function normalizeRichText(state: NotionState, value: unknown, path: string): RichTextItemResponse[] {
  const items = expectArray(value, path);
  if (items.length > RICH_TEXT_ITEMS) throw tooLong(path, RICH_TEXT_ITEMS, items.length);
  return items.map((entry, index) => item(state, entry, `${path}[${index}]`));
}

export function plainText(items: readonly RichTextItemResponse[]): string {
  return items.map((i) => i.plain_text).join('');
}

export function textItems(content: string): RichTextItemResponse[] {
  if (!content) return [];
  return [
    {
      type: 'text',
      text: { content, link: null },
      annotations: {
        bold: false,
        italic: false,
        strikethrough: false,
        underline: false,
        code: false,
        color: 'default',
      },
      plain_text: content,
      href: null,
    },
  ];
}

/** The title of a page from its stored values (the title property, whatever its id). */
export function titleOf(values: Map<string, StoredValue>): RichTextItemResponse[] {
  for (const value of values.values()) {
    if (value.type === 'title') return value.items;
  }
  return [];
}
