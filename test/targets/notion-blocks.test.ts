// Markdown -> Notion blocks: the right block types, and every page within Notion's request limits.
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import {
  appendBatches,
  countBlocks,
  MAX_TEXT_CHARS,
  markdownToBlocks,
  type NotionBlock,
  type RichTextItemRequest,
} from '../../src/targets/notion/blocks.js';

const text = (items: readonly RichTextItemRequest[]) =>
  items.map((i) => (i.type === 'text' ? i.text.content : '')).join('');
const body = (b: NotionBlock) =>
  (b.request as Record<string, unknown>)[b.request.type as string] as Record<string, unknown>;

describe('markdownToBlocks', () => {
  it('maps headings, paragraphs, lists, to-dos, quotes, dividers and tables', () => {
    const blocks = markdownToBlocks(
      [
        '# Title',
        '## Section',
        '### Sub',
        'A **bold** and *italic* [link](https://example.com) line.',
        '- one',
        '  - nested',
        '1. first',
        '- [ ] open task',
        '- [x] done task',
        '> quoted',
        '---',
        '| A | B |\n|---|---|\n| 1 | 2 |',
      ].join('\n\n'),
    );
    expect(blocks.map((b) => b.request.type)).toEqual([
      'heading_1',
      'heading_2',
      'heading_3',
      'paragraph',
      'bulleted_list_item',
      'numbered_list_item',
      'to_do',
      'to_do',
      'quote',
      'divider',
      'table',
    ]);
    const para = body(blocks[3]!).rich_text as RichTextItemRequest[];
    expect(text(para)).toBe('A bold and italic link line.');
    expect(para.find((i) => i.type === 'text' && i.text.content === 'bold')?.annotations).toEqual({
      bold: true,
    });
    expect(para.find((i) => i.type === 'text' && i.text.content === 'link')).toMatchObject({
      text: { link: { url: 'https://example.com' } },
    });
    expect(blocks[4]!.children.map((c) => c.request.type)).toEqual(['bulleted_list_item']);
    expect(body(blocks[6]!).checked).toBe(false);
    expect(body(blocks[7]!).checked).toBe(true);
    const table = blocks[10]!;
    expect(body(table).table_width).toBe(2);
    expect(table.children).toHaveLength(2);
  });

  it('splits text longer than 2,000 characters into several items', () => {
    const long = 'x'.repeat(4500);
    const [para] = markdownToBlocks(long);
    const items = body(para!).rich_text as RichTextItemRequest[];
    expect(items.map((i) => (i.type === 'text' ? i.text.content.length : 0))).toEqual([2000, 2000, 500]);
  });

  it('caps a rich-text array at 100 items without losing text', () => {
    const md = Array.from({ length: 150 }, (_, i) => (i % 2 ? `**b${i}**` : `i${i}`)).join(' ');
    const [para] = markdownToBlocks(md);
    const items = body(para!).rich_text as RichTextItemRequest[];
    expect(items.length).toBeLessThanOrEqual(100);
    expect(text(items).replace(/\s/g, '')).toBe(md.replace(/\*\*/g, '').replace(/\s/g, ''));
  });

  it('batches appends at 100 children, carrying each block with its children', () => {
    const md = Array.from({ length: 250 }, (_, i) => `- item ${i}\n  - child ${i}`).join('\n');
    const blocks = markdownToBlocks(md);
    expect(countBlocks(blocks)).toBe(500);
    const batches = appendBatches(blocks);
    expect(batches.map((b) => b.length)).toEqual([100, 100, 50]);
    const first = batches[0]![0] as { bulleted_list_item: { children?: unknown[] } };
    expect(first.bulleted_list_item.children).toHaveLength(1);
  });
});

describe('every installed page fits Notion', () => {
  const ws = compile(loadBlueprint(), parseConfig({}, 'test', '2027-01-04'));
  const pages = [
    { key: ws.hub.key, markdown: ws.hub.markdown },
    ...ws.databases.flatMap((d) =>
      d.rows.filter((r) => r.markdown).map((r) => ({ key: r.key, markdown: r.markdown })),
    ),
  ];

  it.each(pages.map((p) => [p.key, p.markdown] as const))('%s', (_key, markdown) => {
    const blocks = markdownToBlocks(markdown);
    expect(countBlocks(blocks)).toBeLessThanOrEqual(250);
    const walk = (list: NotionBlock[], depth: number) => {
      for (const b of list) {
        expect(depth).toBeLessThanOrEqual(2);
        const rich = (body(b).rich_text ?? []) as RichTextItemRequest[];
        expect(rich.length).toBeLessThanOrEqual(100);
        for (const item of rich)
          if (item.type === 'text') expect(item.text.content.length).toBeLessThanOrEqual(MAX_TEXT_CHARS);
        walk(b.children, depth + 1);
      }
    };
    walk(blocks, 1);
    for (const batch of appendBatches(blocks)) expect(batch.length).toBeLessThanOrEqual(100);
  });
});
