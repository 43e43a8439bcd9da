// Two-way property mappers (pure): blueprint property -> schema request; plain value <-> Notion page value.
import type {
  CreateDataSourceParameters,
  CreatePageParameters,
  PageObjectResponse,
  UpdateDataSourceParameters,
} from '@notionhq/client';
import type { DesiredProperty, PlainValue } from '../../blueprint/desired.js';
import { MAX_TEXT_CHARS } from './blocks.js';

/** A property schema that both databases.create (initial data source) and dataSources.update accept. */
export type PropertySchemaRequest = Extract<
  CreateDataSourceParameters['properties'][string],
  NonNullable<UpdateDataSourceParameters['properties']>[string]
>;
export type PropertyValueRequest = NonNullable<CreatePageParameters['properties']>[string];
export type PropertyValueResponse = PageObjectResponse['properties'][string];

export const MAX_RELATIONS_PER_WRITE = 100;

/**
 * The schema request for one property. Relations need the target's data source ID; rollups name
 * their relation and target property, so they can only be added once those exist.
 */
export function propertySchema(
  prop: DesiredProperty,
  dataSourceIdOf: (dbKey: string) => string,
): PropertySchemaRequest {
  switch (prop.type) {
    case 'title':
      return { title: {} };
    case 'rich_text':
      return { rich_text: {} };
    case 'number':
      return { number: { format: prop.format } };
    case 'select':
      return { select: { options: prop.options.map((name) => ({ name })) } };
    case 'multi_select':
      return { multi_select: { options: prop.options.map((name) => ({ name })) } };
    case 'date':
      return { date: {} };
    case 'people':
      return { people: {} };
    case 'checkbox':
      return { checkbox: {} };
    case 'url':
      return { url: {} };
    case 'email':
      return { email: {} };
    case 'relation':
      return prop.dual
        ? {
            relation: {
              data_source_id: dataSourceIdOf(prop.target),
              type: 'dual_property',
              dual_property: { synced_property_name: prop.dual },
            },
          }
        : {
            relation: {
              data_source_id: dataSourceIdOf(prop.target),
              type: 'single_property',
              single_property: {},
            },
          };
    case 'formula':
      return { formula: { expression: prop.expression } };
    case 'rollup':
      return {
        rollup: {
          function: prop.function,
          relation_property_name: prop.relation,
          rollup_property_name: prop.property,
        },
      };
  }
}

function richText(text: string) {
  const parts: { type: 'text'; text: { content: string } }[] = [];
  for (let i = 0; i < text.length; i += MAX_TEXT_CHARS) {
    parts.push({ type: 'text', text: { content: text.slice(i, i + MAX_TEXT_CHARS) } });
  }
  return parts;
}

/**
 * The page value request for a plain value; null when the property is not written this way (people,
 * formulas, rollups). Relations take at most 100 IDs per write: `relationIds` must already be a batch.
 */
export function toPropertyValue(
  prop: DesiredProperty,
  value: PlainValue,
  relationIds: (rowKeys: string[]) => string[] = () => [],
): PropertyValueRequest | null {
  switch (prop.type) {
    case 'title':
      return value.kind === 'text' ? { title: richText(value.value) } : null;
    case 'rich_text':
      return value.kind === 'text' ? { rich_text: richText(value.value) } : null;
    case 'number':
      return value.kind === 'number' ? { number: value.value } : null;
    case 'select':
      return value.kind === 'select' ? { select: value.value === null ? null : { name: value.value } } : null;
    case 'multi_select':
      return value.kind === 'multi_select' ? { multi_select: value.value.map((name) => ({ name })) } : null;
    case 'date':
      return value.kind === 'date' ? { date: value.value === null ? null : { start: value.value } } : null;
    case 'checkbox':
      return value.kind === 'checkbox' ? { checkbox: value.value } : null;
    case 'url':
      return value.kind === 'text' ? { url: value.value || null } : null;
    case 'email':
      return value.kind === 'text' ? { email: value.value || null } : null;
    case 'relation': {
      if (value.kind !== 'relation') return null;
      const ids = relationIds(value.rowKeys);
      if (ids.length > MAX_RELATIONS_PER_WRITE)
        throw new Error(`relation ${prop.name}: ${ids.length} IDs in one write (max 100)`);
      return { relation: ids.map((id) => ({ id })) };
    }
    default:
      return null;
  }
}

const plainText = (items: readonly { plain_text: string }[]) => items.map((i) => i.plain_text).join('');

/**
 * A page's property value read back as a plain value; relations come back as Notion page IDs in
 * `rowKeys` (the caller maps them to blueprint keys). Null for types the blueprint does not compare.
 */
export function fromPropertyValue(value: PropertyValueResponse): PlainValue | null {
  switch (value.type) {
    case 'title':
      return { kind: 'text', value: plainText(value.title) };
    case 'rich_text':
      return { kind: 'text', value: plainText(value.rich_text) };
    case 'number':
      return { kind: 'number', value: value.number };
    case 'select':
      return { kind: 'select', value: value.select?.name ?? null };
    case 'multi_select':
      return { kind: 'multi_select', value: value.multi_select.map((o) => o.name) };
    case 'date':
      return { kind: 'date', value: value.date?.start ?? null };
    case 'checkbox':
      return { kind: 'checkbox', value: value.checkbox };
    case 'url':
      return { kind: 'text', value: value.url ?? '' };
    case 'email':
      return { kind: 'text', value: value.email ?? '' };
    case 'relation':
      return { kind: 'relation', rowKeys: value.relation.map((r) => r.id) };
    default:
      return null;
  }
}
