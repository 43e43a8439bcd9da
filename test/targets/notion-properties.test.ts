// Property mappers, table-tested: plain value -> Notion request -> Notion response shape -> the same plain value.
import { describe, expect, it } from 'vitest';
import type { DesiredProperty, PlainValue } from '../../src/blueprint/desired.js';
import {
  fromPropertyValue,
  type PropertyValueResponse,
  propertySchema,
  toPropertyValue,
} from '../../src/targets/notion/properties.js';

/** What Notion returns for a value it was sent: rich text gains plain_text, selects and relations keep names and IDs. */
function echo(request: Record<string, unknown>): PropertyValueResponse {
  const [type, value] = Object.entries(request)[0]!;
  const rich = (items: { text: { content: string } }[]) =>
    items.map((i) => ({
      type: 'text',
      text: { content: i.text.content, link: null },
      plain_text: i.text.content,
      href: null,
    }));
  const body =
    type === 'title' || type === 'rich_text'
      ? rich(value as { text: { content: string } }[])
      : type === 'select'
        ? value && { id: 'o1', name: (value as { name: string }).name, color: 'default' }
        : type === 'multi_select'
          ? (value as { name: string }[]).map((o, i) => ({ id: `o${i}`, name: o.name, color: 'default' }))
          : type === 'date'
            ? value && { start: (value as { start: string }).start, end: null, time_zone: null }
            : value;
  return { id: 'p', type, [type]: body } as unknown as PropertyValueResponse;
}

const cases: [string, DesiredProperty, PlainValue][] = [
  ['title', { key: 'name', name: 'Partner', type: 'title' }, { kind: 'text', value: 'Northwind Advisory' }],
  [
    'long rich text',
    { key: 'n', name: 'Notes', type: 'rich_text' },
    { kind: 'text', value: 'x'.repeat(4100) },
  ],
  ['number', { key: 'n', name: 'Score', type: 'number', format: 'number' }, { kind: 'number', value: 81.3 }],
  [
    'empty number',
    { key: 'n', name: 'Score', type: 'number', format: 'number' },
    { kind: 'number', value: null },
  ],
  [
    'select',
    { key: 's', name: 'Stage', type: 'select', options: ['Sourced'] },
    { kind: 'select', value: 'Sourced' },
  ],
  [
    'empty select',
    { key: 's', name: 'Stage', type: 'select', options: ['Sourced'] },
    { kind: 'select', value: null },
  ],
  [
    'multi-select',
    { key: 'm', name: 'Serves', type: 'multi_select', options: [] },
    { kind: 'multi_select', value: ['Before', 'After'] },
  ],
  ['date', { key: 'd', name: 'Due', type: 'date' }, { kind: 'date', value: '2027-01-14' }],
  ['empty date', { key: 'd', name: 'Due', type: 'date' }, { kind: 'date', value: null }],
  ['checkbox', { key: 'c', name: 'Example', type: 'checkbox' }, { kind: 'checkbox', value: true }],
  ['url', { key: 'u', name: 'Website', type: 'url' }, { kind: 'text', value: 'https://northwind.example' }],
  ['email', { key: 'e', name: 'Email', type: 'email' }, { kind: 'text', value: 'dana@example.com' }],
];

describe('property values', () => {
  it.each(cases)('round-trips a %s', (_label, prop, plain) => {
    const request = toPropertyValue(prop, plain);
    expect(request).not.toBeNull();
    expect(fromPropertyValue(echo(request as Record<string, unknown>))).toEqual(plain);
  });

  it('splits long text into 2,000-character items', () => {
    const request = toPropertyValue(
      { key: 'n', name: 'Notes', type: 'rich_text' },
      { kind: 'text', value: 'y'.repeat(4100) },
    ) as {
      rich_text: { text: { content: string } }[];
    };
    expect(request.rich_text.map((r) => r.text.content.length)).toEqual([2000, 2000, 100]);
  });

  it('maps relation row keys to page IDs, and refuses more than 100 in one write', () => {
    const prop: DesiredProperty = { key: 'r', name: 'Depends on', type: 'relation', target: 'db.roadmap' };
    const ids = (keys: string[]) => keys.map((k) => `id-${k}`);
    expect(toPropertyValue(prop, { kind: 'relation', rowKeys: ['a', 'b'] }, ids)).toEqual({
      relation: [{ id: 'id-a' }, { id: 'id-b' }],
    });
    const many = Array.from({ length: 101 }, (_, i) => String(i));
    expect(() => toPropertyValue(prop, { kind: 'relation', rowKeys: many }, ids)).toThrow(/max 100/);
  });

  it('does not write values of the wrong kind or computed properties', () => {
    expect(
      toPropertyValue(
        { key: 'n', name: 'Score', type: 'number', format: 'number' },
        { kind: 'text', value: '4' },
      ),
    ).toBeNull();
    expect(
      toPropertyValue(
        { key: 'f', name: 'Late', type: 'formula', expression: 'true' },
        { kind: 'checkbox', value: true },
      ),
    ).toBeNull();
  });
});

describe('property schemas', () => {
  const ds = (key: string) => `ds-${key}`;
  it('builds dual and single relations against data sources', () => {
    expect(
      propertySchema(
        { key: 'p', name: 'Partner', type: 'relation', target: 'db.partners', dual: 'Referrals' },
        ds,
      ),
    ).toEqual({
      relation: {
        data_source_id: 'ds-db.partners',
        type: 'dual_property',
        dual_property: { synced_property_name: 'Referrals' },
      },
    });
    expect(
      propertySchema({ key: 'p', name: 'Parallel', type: 'relation', target: 'db.roadmap' }, ds),
    ).toEqual({
      relation: { data_source_id: 'ds-db.roadmap', type: 'single_property', single_property: {} },
    });
  });

  it('keeps select options in order and formula and rollup definitions as declared', () => {
    expect(propertySchema({ key: 's', name: 'Stage', type: 'select', options: ['A', 'B'] }, ds)).toEqual({
      select: { options: [{ name: 'A' }, { name: 'B' }] },
    });
    expect(
      propertySchema(
        {
          key: 'r',
          name: 'Revenue',
          type: 'rollup',
          relation: 'Monthly metrics',
          property: 'Revenue',
          function: 'sum',
        },
        ds,
      ),
    ).toEqual({
      rollup: { function: 'sum', relation_property_name: 'Monthly metrics', rollup_property_name: 'Revenue' },
    });
  });
});
