// Rendered pages with all six types: within the Notion block budget, free of placeholders, with well-formed tables.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { TEMPLATES_DIR } from '../../src/platform/paths.js';

/** CONTENT-SPEC.md: each rendered page stays within 250 Notion blocks. */
const NOTION_BLOCK_BUDGET = 250;

type LineKind =
  | 'blank'
  | 'heading'
  | 'divider'
  | 'table-separator'
  | 'table-row'
  | 'quote'
  | 'todo'
  | 'bullet'
  | 'numbered'
  | 'paragraph';

/** What one Markdown line becomes in Notion (nested list items are indented; the kind is the same). */
function classify(raw: string): LineKind {
  const line = raw.trim();
  if (line === '') return 'blank';
  if (/^#{1,6}\s/.test(line)) return 'heading';
  if (/^\|/.test(line)) return cells(line).every((c) => /^:?-+:?$/.test(c)) ? 'table-separator' : 'table-row';
  if (/^(-{3,}|\*{3,}|_{3,})$/.test(line)) return 'divider';
  if (/^>/.test(line)) return 'quote';
  if (/^[-*+]\s+\[[ xX]\]\s/.test(line)) return 'todo';
  if (/^[-*+]\s/.test(line)) return 'bullet';
  if (/^\d+[.)]\s/.test(line)) return 'numbered';
  return 'paragraph';
}

/** Notion blocks a page costs: one per non-empty line, except the `|---|` line under a table header. */
function countBlocks(markdown: string): number {
  return markdown.split('\n').filter((line) => {
    const kind = classify(line);
    return kind !== 'blank' && kind !== 'table-separator';
  }).length;
}

/** The cells of a table row: `| a | b \| c |` has two cells ("a" and "b \| c"). */
function cells(row: string): string[] {
  const inner = row
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '');
  return inner.split(/(?<!\\)\|/).map((c) => c.trim());
}

/** Each run of consecutive table lines in a page. */
function tables(markdown: string): string[][] {
  const found: string[][] = [];
  let current: string[] = [];
  for (const line of markdown.split('\n')) {
    if (/^\s*\|/.test(line)) {
      current.push(line);
    } else if (current.length) {
      found.push(current);
      current = [];
    }
  }
  if (current.length) found.push(current);
  return found;
}

const PLACEHOLDERS: [string, RegExp][] = [
  ['TBD', /\bTBD\b/],
  ['lorem ipsum', /lorem ipsum/i],
  ['TODO', /\bTODO\b/],
  ['[insert', /\[insert/i],
  ['XX%', /XX%/],
];

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ya?ml|md)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

const bp = loadBlueprint();
const config = parseConfig({}, 'test', '2027-01-04');
const ws = compile(bp, config);
/** Every Markdown body the install writes: pages, the hub, roadmap rows and playbook rows. */
const bodies: { name: string; markdown: string }[] = [
  ...ws.pages.map((p) => ({ name: `page ${p.key}`, markdown: p.markdown })),
  { name: `hub ${ws.hub.key}`, markdown: ws.hub.markdown },
  ...ws.databases.flatMap((db) =>
    db.rows
      .filter((r) => r.markdown !== '')
      .map((r) => ({ name: `${db.key} row ${r.key}`, markdown: r.markdown })),
  ),
];

describe('the Markdown block counter', () => {
  it('counts each kind of block once and skips blank lines and table separators', () => {
    const snippet = [
      '# Heading one', // 1
      '## Heading two', // 2
      '',
      'A paragraph with **bold** and *italic*.', // 3
      '',
      '- a bullet', // 4
      '  - a nested bullet', // 5
      '1. a numbered item', // 6
      '2. another numbered item', // 7
      '- [ ] a to-do', // 8
      '- [x] a done to-do', // 9
      '> a quote', // 10
      '---', // 11
      '',
      '| A | B |', // 12
      '|---|---|',
      '| 1 | 2 |', // 13
      '| :-- | --: |', // a separator with alignment: not counted
      '   ',
    ].join('\n');
    expect(countBlocks(snippet)).toBe(13);
    expect(countBlocks('')).toBe(0);
    expect(countBlocks('\n\n\n')).toBe(0);
  });

  it('tells a divider, a separator, a to-do and a bullet apart', () => {
    expect(classify('---')).toBe('divider');
    expect(classify('|---|---|')).toBe('table-separator');
    expect(classify('| --- | --- |')).toBe('table-separator');
    expect(classify('| :-- | --: |')).toBe('table-separator');
    expect(classify('| a | --- |')).toBe('table-row');
    expect(classify('| - |')).toBe('table-separator');
    expect(classify('| -x- |')).toBe('table-row');
    expect(classify('- [ ] Sign the NDA')).toBe('todo');
    expect(classify('- Sign the NDA')).toBe('bullet');
    expect(classify('12. Twelfth')).toBe('numbered');
    expect(classify('**Partner:** ____')).toBe('paragraph');
  });

  it('splits table rows into cells, keeping escaped pipes inside a cell', () => {
    expect(cells('| a | b | c |')).toEqual(['a', 'b', 'c']);
    expect(cells('| a | b \\| c |')).toEqual(['a', 'b \\| c']);
    expect(cells('| a |  |')).toEqual(['a', '']);
    expect(tables('x\n| a | b |\n|---|---|\n| 1 | 2 |\n\n| c |\n|---|')).toHaveLength(2);
  });
});

describe('rendered pages with all six types', () => {
  it('renders every page template, per-type ones once per type', () => {
    const perType = bp.pages.filter((p) => p.per_type).length;
    const shared = bp.pages.filter((p) => !p.per_type).length;
    expect(ws.pages).toHaveLength(shared + perType * 6);
    expect(bodies.length).toBeGreaterThan(ws.pages.length + 16);
  });

  it(`keeps every page and every roadmap/playbook row body within ${NOTION_BLOCK_BUDGET} Notion blocks`, () => {
    const over = bodies
      .map((b) => ({ name: b.name, blocks: countBlocks(b.markdown) }))
      .filter((b) => b.blocks > NOTION_BLOCK_BUDGET)
      .map((b) => `${b.name}: ${b.blocks} blocks (${b.blocks - NOTION_BLOCK_BUDGET} over)`);
    expect(over).toEqual([]);
    for (const b of bodies) expect(countBlocks(b.markdown), `${b.name} is empty`).toBeGreaterThan(0);
  });

  it('leaves no placeholder text and no unrendered Mustache tags in any rendered page or row body', () => {
    const problems: string[] = [];
    for (const b of bodies) {
      for (const [label, pattern] of PLACEHOLDERS)
        if (pattern.test(b.markdown)) problems.push(`${b.name}: ${label}`);
      if (b.markdown.includes('{{') || b.markdown.includes('}}'))
        problems.push(`${b.name}: unrendered Mustache tag`);
    }
    expect(problems).toEqual([]);
  });

  it('gives every table row as many cells as its header, under a |---| separator', () => {
    const problems: string[] = [];
    let tableCount = 0;
    for (const b of bodies) {
      for (const table of tables(b.markdown)) {
        tableCount++;
        const [header, separator, ...rows] = table;
        const width = cells(header!).length;
        if (!separator || classify(separator) !== 'table-separator') {
          problems.push(`${b.name}: table "${header}" has no separator line`);
          continue;
        }
        if (cells(separator).length !== width)
          problems.push(`${b.name}: separator of "${header}" has the wrong width`);
        for (const row of rows) {
          const n = cells(row).length;
          if (n !== width)
            problems.push(`${b.name}: "${row.slice(0, 80)}" has ${n} cells, header has ${width}`);
        }
      }
    }
    expect(tableCount).toBeGreaterThan(20);
    expect(problems).toEqual([]);
  });
});

describe('template files', () => {
  const files = listFiles(TEMPLATES_DIR);

  it('are all found (yaml and md)', () => {
    const names = files.map((f) => relative(TEMPLATES_DIR, f));
    expect(names).toContain('roadmap.yaml');
    expect(names).toContain('partnership-types/co-sell.yaml');
    expect(names).toContain('pages/by-type/term-sheet.md');
    expect(names.filter((n) => n.startsWith('pages/') && n.endsWith('.md')).length).toBe(bp.pages.length);
    expect(names).toContain('CONTENT-SPEC.md');
  });

  it('contain no placeholder text', () => {
    const problems: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      text.split('\n').forEach((line, i) => {
        for (const [label, pattern] of PLACEHOLDERS) {
          if (pattern.test(line)) problems.push(`${relative(TEMPLATES_DIR, file)}:${i + 1}: ${label}`);
        }
      });
    }
    expect(problems).toEqual([]);
  });
});
