// `selftest --target notion`: each kind of request the installer sends, in a scratch page, read back, then trashed.
import {
  type AppendBlockChildrenParameters,
  type BlockObjectRequest,
  type BlockObjectResponse,
  type Client,
  type CreateDatabaseParameters,
  type CreatePageParameters,
  type CreateViewResponse,
  type DataSourceObjectResponse,
  type DataSourceViewObjectResponse,
  isFullBlock,
  isFullDataSource,
  isFullPage,
  isFullView,
  type PageObjectResponse,
  type QueryDataSourceParameters,
  type UpdateBlockParameters,
  type UpdateDataSourceParameters,
  type UpdatePageParameters,
  type UpdateViewResponse,
} from '@notionhq/client';
import type { DesiredProperty, PlainValue } from '../blueprint/desired.js';
import type { NotionViewSpec } from '../blueprint/schema.js';
import { mapNotionError, type NotionApi } from '../targets/notion/api.js';
import { appendBatches, markdownToBlocks, type NotionBlock } from '../targets/notion/blocks.js';
import { fromPropertyValue, propertySchema, toPropertyValue } from '../targets/notion/properties.js';
import type { CreateViewRequest, UpdateViewRequest } from '../targets/notion/request-types.js';
import { createViewRequest, takeOverViewRequest } from '../targets/notion/views.js';
import {
  Checklist,
  expectSame,
  Mismatch,
  type Scratch,
  type SelftestRow,
  trashScratchRow,
} from './report.js';

type SchemaProperty = DataSourceObjectResponse['properties'][string];
type Schema = Record<string, SchemaProperty>;

const ITEMS = 'items';
const PARTNERS = 'partners';

/** One property of each kind the blueprint's databases use (relations, formula and rollup are added later). */
const ITEM_PROPERTIES: DesiredProperty[] = [
  { key: 'name', name: 'Name', type: 'title' },
  { key: 'notes', name: 'Notes', type: 'rich_text' },
  { key: 'amount', name: 'Amount', type: 'number', format: 'dollar' },
  { key: 'stage', name: 'Stage', type: 'select', options: ['Sourced', 'Active'] },
  { key: 'tags', name: 'Tags', type: 'multi_select', options: ['Referral', 'Co-Sell'] },
  { key: 'start', name: 'Start', type: 'date' },
  { key: 'due', name: 'Due', type: 'date' },
  { key: 'done', name: 'Done', type: 'checkbox' },
  { key: 'site', name: 'Website', type: 'url' },
  { key: 'email', name: 'Contact email', type: 'email' },
  { key: 'owner', name: 'Owner', type: 'people' },
];
const PARTNER_PROPERTIES: DesiredProperty[] = [
  { key: 'name', name: 'Name', type: 'title' },
  { key: 'revenue', name: 'Revenue', type: 'number', format: 'dollar' },
];
const TWO_WAY: DesiredProperty = {
  key: 'partner',
  name: 'Partner',
  type: 'relation',
  target: PARTNERS,
  dual: 'Selftest items',
};
const ONE_WAY: DesiredProperty = { key: 'depends', name: 'Depends on', type: 'relation', target: ITEMS };
const FORMULA: DesiredProperty = {
  key: 'late',
  name: 'Late',
  type: 'formula',
  expression: 'if(empty(prop("Due")), false, prop("Stage") != "Active" and now() > prop("Due"))',
};
const ROLLUP: DesiredProperty = {
  key: 'partner_revenue',
  name: 'Partner revenue',
  type: 'rollup',
  relation: 'Partner',
  property: 'Revenue',
  function: 'sum',
};

const text = (content: string) => [{ type: 'text' as const, text: { content } }];
const plainId = (id: string) => id.replace(/-/g, '');
const sameId = (a: string | null | undefined, b: string) => !!a && plainId(a) === plainId(b);
const notionUrl = (id: string) => `https://www.notion.so/${plainId(id)}`;
const kinds = (props: readonly DesiredProperty[]) => [...new Set(props.map((p) => p.type))].join(', ');

/** Checks one property of a read-back schema against what was asked for. */
function compareProperty(
  schema: Schema,
  prop: DesiredProperty,
  dataSourceIdOf: (key: string) => string,
): void {
  const actual = schema[prop.name];
  if (!actual) throw new Mismatch(`property "${prop.name}" is missing`);
  expectSame(`"${prop.name}" type`, actual.type, prop.type);
  if (prop.type === 'number' && actual.type === 'number')
    expectSame(`"${prop.name}" format`, actual.number.format, prop.format);
  if (prop.type === 'select' && actual.type === 'select')
    expectSame(
      `"${prop.name}" options`,
      actual.select.options.map((o) => o.name),
      prop.options,
    );
  if (prop.type === 'multi_select' && actual.type === 'multi_select')
    expectSame(
      `"${prop.name}" options`,
      actual.multi_select.options.map((o) => o.name),
      prop.options,
    );
  if (prop.type === 'relation' && actual.type === 'relation') {
    if (!sameId(actual.relation.data_source_id, dataSourceIdOf(prop.target)))
      throw new Mismatch(
        `"${prop.name}" relates to ${actual.relation.data_source_id}, not the scratch database`,
      );
    const dual = 'dual_property' in actual.relation;
    expectSame(
      `"${prop.name}" relation kind`,
      dual ? 'dual_property' : 'single_property',
      prop.dual ? 'dual_property' : 'single_property',
    );
  }
  if (prop.type === 'formula' && actual.type === 'formula' && !actual.formula.expression)
    throw new Mismatch(`"${prop.name}" came back without its expression`);
  if (prop.type === 'rollup' && actual.type === 'rollup') {
    expectSame(`"${prop.name}" function`, actual.rollup.function, prop.function);
    expectSame(`"${prop.name}" relation`, actual.rollup.relation_property_name, prop.relation);
    expectSame(`"${prop.name}" rolled-up property`, actual.rollup.rollup_property_name, prop.property);
  }
}

/** "type(child child(grandchild))" for a block tree: what a page body's nesting is compared by. */
function shapeOf(blocks: readonly NotionBlock[]): string {
  return blocks
    .map((b) => `${b.request.type ?? '?'}${b.children.length ? `(${shapeOf(b.children)})` : ''}`)
    .join(' ');
}

const blockText = (block: BlockObjectResponse): string => {
  const rich =
    block.type === 'paragraph'
      ? block.paragraph.rich_text
      : block.type === 'code'
        ? block.code.rich_text
        : block.type === 'bulleted_list_item'
          ? block.bulleted_list_item.rich_text
          : [];
  return rich.map((r) => r.plain_text).join('');
};

export async function notionSelftest(
  api: NotionApi,
  rootId: string,
  now: Date = new Date(),
): Promise<{ rows: SelftestRow[]; errors: Map<string, unknown>; scratch: Scratch | null }> {
  const t = new Checklist();
  const title = `Partnernomics selftest ${now.toISOString().replace(/\.\d+Z$/, 'Z')}`;
  const day = (offset: number) => new Date(now.getTime() + offset * 86_400_000).toISOString().slice(0, 10);

  /** One API call through the product's wrapper (throttle, retry), its error mapped as install maps it. */
  const call = <T>(doing: string, run: (c: Client) => Promise<T>, idempotent = true): Promise<T> =>
    api.call(idempotent, run).catch((error: unknown) => {
      throw mapNotionError(error, doing);
    });
  const children = async (blockId: string, doing: string): Promise<BlockObjectResponse[]> => {
    const out: BlockObjectResponse[] = [];
    try {
      for await (const block of api.children(blockId)) if (isFullBlock(block)) out.push(block);
    } catch (error) {
      throw mapNotionError(error, doing);
    }
    return out;
  };
  const page = async (pageId: string, doing: string): Promise<PageObjectResponse> => {
    const found = await call(doing, (c) => c.pages.retrieve({ page_id: pageId }));
    if (!isFullPage(found)) throw new Mismatch(`page ${pageId} came back partial`);
    return found;
  };
  const schemaOf = async (dataSourceId: string, doing: string): Promise<Schema> => {
    const found = await call(doing, (c) => c.dataSources.retrieve({ data_source_id: dataSourceId }));
    if (!isFullDataSource(found)) throw new Mismatch(`data source ${dataSourceId} came back partial`);
    return found.properties;
  };

  /** Set as soon as the scratch page exists, so cleanup trashes it even if its own check failed. */
  const made: { scratch: Scratch | null } = { scratch: null };
  const scratchId = () => made.scratch?.id ?? '';
  const dataSources = new Map<string, { databaseId: string; dataSourceId: string }>();
  const dataSourceIdOf = (key: string) => dataSources.get(key)?.dataSourceId ?? '';
  let itemSchema: Schema = {};
  let itemId = '';

  const createDatabase = async (key: string, name: string, props: readonly DesiredProperty[]) => {
    const params: CreateDatabaseParameters = {
      parent: { type: 'page_id', page_id: scratchId() },
      title: text(name),
      initial_data_source: {
        properties: Object.fromEntries(props.map((p) => [p.name, propertySchema(p, dataSourceIdOf)])),
      },
    };
    const created = await call(`creating the "${name}" database`, (c) => c.databases.create(params), false);
    const dataSourceId = 'data_sources' in created ? created.data_sources[0]?.id : undefined;
    if (!dataSourceId) throw new Mismatch(`the "${name}" database came back without a data source`);
    dataSources.set(key, { databaseId: created.id, dataSourceId });
    const schema = await schemaOf(dataSourceId, `reading the "${name}" database back`);
    for (const p of props) compareProperty(schema, p, dataSourceIdOf);
    return schema;
  };

  const addProperties = async (props: readonly DesiredProperty[], doing: string) => {
    const params: UpdateDataSourceParameters = {
      data_source_id: dataSourceIdOf(ITEMS),
      properties: Object.fromEntries(props.map((p) => [p.name, propertySchema(p, dataSourceIdOf)])),
    };
    await call(doing, (c) => c.dataSources.update(params));
    itemSchema = await schemaOf(dataSourceIdOf(ITEMS), `${doing} (reading it back)`);
    for (const p of props) compareProperty(itemSchema, p, dataSourceIdOf);
  };

  const propertyId = (name: string) => {
    const found = itemSchema[name];
    if (!found) throw new Mismatch(`property "${name}" is missing`);
    return found.id;
  };

  /** Property names -> IDs and types, as the installer's view builders take them. */
  const viewSchema = () =>
    new Map(Object.entries(itemSchema).map(([name, p]) => [name, { id: p.id, type: p.type }]));

  /** Reads a view back: its name, type and layout as asked, and listed among the database's views. */
  const checkView = async (viewId: string, spec: NotionViewSpec): Promise<DataSourceViewObjectResponse> => {
    const view = await call(`reading the ${spec.type} view back`, (c) =>
      c.views.retrieve({ view_id: viewId }),
    );
    if (!isFullView(view)) throw new Mismatch(`view ${viewId} came back partial`);
    expectSame('view type', view.type, spec.type);
    expectSame('view name', view.name, spec.name);
    const listed = await call('listing the views', (c) =>
      c.views.list({ data_source_id: dataSourceIdOf(ITEMS) }),
    );
    if (!listed.results.some((r) => sameId(r.id, viewId)))
      throw new Mismatch(`views.list does not include the ${spec.type} view`);
    if (spec.type !== 'table') expectSame('configuration type', view.configuration?.type, spec.type);
    if (spec.sort) {
      const sort = view.sorts?.[0];
      if (!sort || !('property' in sort) || sort.direction !== spec.sort.direction)
        throw new Mismatch(
          `sorts are ${JSON.stringify(view.sorts ?? null)}, expected "${spec.sort.property}" ${spec.sort.direction}`,
        );
    }
    if (spec.filter) {
      const filtered = view.filter && 'property' in view.filter ? String(view.filter.property) : undefined;
      if (!filtered || ![propertyId(spec.filter.property), spec.filter.property].includes(filtered))
        throw new Mismatch(
          `filter is ${JSON.stringify(view.filter ?? null)}, expected one on "${spec.filter.property}"`,
        );
    }
    return view;
  };

  /** POST /v1/views with the body the installer builds (database_id as the parent, plus the data source). */
  const createView = async (spec: NotionViewSpec): Promise<DataSourceViewObjectResponse> => {
    const body: CreateViewRequest = createViewRequest(spec, dataSources.get(ITEMS)!, viewSchema());
    const created = await call(
      `creating the ${spec.type} view`,
      (c) => c.request<CreateViewResponse>({ path: 'views', method: 'post', body }),
      false,
    );
    return checkView(created.id, spec);
  };

  try {
    await t.check('token', [], async () => `integration "${(await api.me()).name ?? 'unnamed'}"`);

    await t.check('root page', ['token'], async () => {
      const root = await api.retrievePage(rootId);
      if ('in_trash' in root && root.in_trash) throw new Mismatch('the root page is in the trash');
      return `page ${rootId} is shared with the integration`;
    });

    await t.check('scratch page', ['root page'], async () => {
      const params: CreatePageParameters = {
        parent: { page_id: rootId },
        properties: { title: { title: text(title) } },
      };
      const created = await call('creating the scratch page', (c) => c.pages.create(params), false);
      made.scratch = {
        id: created.id,
        url: 'url' in created ? created.url : notionUrl(created.id),
        trashed: false,
      };
      const back = await page(created.id, 'reading the scratch page back');
      const titleProp = Object.values(back.properties).find((p) => p.type === 'title');
      expectSame('title', titleProp ? fromPropertyValue(titleProp) : null, { kind: 'text', value: title });
      return `"${title}" under the root page`;
    });

    await t.check('database: property kinds', ['scratch page'], async () => {
      itemSchema = await createDatabase(ITEMS, 'Selftest items', ITEM_PROPERTIES);
      return `${ITEM_PROPERTIES.length} properties (${kinds(ITEM_PROPERTIES)}) with their options and formats`;
    });

    await t.check('database: second', ['scratch page'], async () => {
      await createDatabase(PARTNERS, 'Selftest partners', PARTNER_PROPERTIES);
      return `${kinds(PARTNER_PROPERTIES)}`;
    });

    await t.check('relation: two-way', ['database: property kinds', 'database: second'], async () => {
      await addProperties([TWO_WAY], 'adding a two-way relation');
      const other = await schemaOf(dataSourceIdOf(PARTNERS), 'reading the related database back');
      const synced = other['Selftest items'];
      if (synced?.type !== 'relation')
        throw new Mismatch('the synced property "Selftest items" is missing on the related database');
      if (!sameId(synced.relation.data_source_id, dataSourceIdOf(ITEMS)))
        throw new Mismatch('"Selftest items" does not relate back to the first database');
      return '"Partner" ⇄ "Selftest items" (dual_property, synced on the other side)';
    });

    await t.check('relation: one-way', ['database: property kinds'], async () => {
      await addProperties([ONE_WAY], 'adding a one-way relation');
      return '"Depends on" (single_property, to the same database)';
    });

    await t.check('formula', ['database: property kinds'], async () => {
      await addProperties([FORMULA], 'adding a formula property');
      return 'expression with prop(), empty(), now() and comparisons accepted';
    });

    await t.check('rollup', ['relation: two-way'], async () => {
      await addProperties([ROLLUP], 'adding a rollup property');
      return 'sum of "Revenue" through "Partner"';
    });

    await t.check('view: default table taken over', ['database: property kinds'], async () => {
      const spec: NotionViewSpec = {
        name: 'Selftest due soon',
        type: 'table',
        sort: { property: 'Due', direction: 'ascending' },
      };
      const listed = await call('listing the views', (c) =>
        c.views.list({ data_source_id: dataSourceIdOf(ITEMS) }),
      );
      const defaultView = listed.results[0];
      if (!defaultView) throw new Mismatch('the new database came without its default table view');
      const body: UpdateViewRequest = takeOverViewRequest(spec, viewSchema());
      await call('renaming and sorting the default view', (c) =>
        c.request<UpdateViewResponse>({ path: `views/${defaultView.id}`, method: 'patch', body }),
      );
      await checkView(defaultView.id, spec);
      return 'renamed and sorted by a date (PATCH)';
    });

    await t.check('view: table, filtered and sorted', ['database: property kinds'], async () => {
      await createView({
        name: 'Selftest open items',
        type: 'table',
        filter: { property: 'Done', checkbox: false },
        sort: { property: 'Due', direction: 'ascending' },
      });
      return 'filter on a checkbox, sort by a date';
    });

    await t.check('view: board', ['database: property kinds'], async () => {
      const view = await createView({ name: 'Selftest by stage', type: 'board', group_by: 'Stage' });
      const config = view.configuration;
      if (config?.type !== 'board' || !('property_id' in config.group_by))
        throw new Mismatch('the board came back without its group_by');
      expectSame('group_by property', config.group_by.property_id, propertyId('Stage'));
      return 'grouped by a select property';
    });

    await t.check('view: calendar', ['database: property kinds'], async () => {
      const view = await createView({ name: 'Selftest calendar', type: 'calendar', date: 'Due' });
      const config = view.configuration;
      expectSame(
        'date property',
        config?.type === 'calendar' ? config.date_property_id : null,
        propertyId('Due'),
      );
      return 'on a date property';
    });

    await t.check('view: timeline', ['database: property kinds'], async () => {
      const view = await createView({
        name: 'Selftest timeline',
        type: 'timeline',
        date: 'Start',
        end_date: 'Due',
      });
      const config = view.configuration;
      expectSame(
        'start and end properties',
        config?.type === 'timeline' ? [config.date_property_id, config.end_date_property_id] : null,
        [propertyId('Start'), propertyId('Due')],
      );
      return 'from a start date to an end date';
    });

    const values: Record<string, PlainValue> = {
      name: { kind: 'text', value: 'Selftest item' },
      notes: { kind: 'text', value: 'Written by partnernomics selftest' },
      amount: { kind: 'number', value: 1234.5 },
      stage: { kind: 'select', value: 'Active' },
      tags: { kind: 'multi_select', value: ['Referral', 'Co-Sell'] },
      start: { kind: 'date', value: day(0) },
      due: { kind: 'date', value: day(14) },
      done: { kind: 'checkbox', value: true },
      site: { kind: 'text', value: 'https://example.com/partnernomics-selftest' },
      email: { kind: 'text', value: 'selftest@example.com' },
    };
    await t.check('page: property values', ['database: property kinds'], async () => {
      const properties: NonNullable<CreatePageParameters['properties']> = {};
      for (const p of ITEM_PROPERTIES) {
        const value = values[p.key];
        const request = value ? toPropertyValue(p, value) : null;
        if (request) properties[p.name] = request;
      }
      const params: CreatePageParameters = { parent: { data_source_id: dataSourceIdOf(ITEMS) }, properties };
      itemId = (await call('creating a page in the database', (c) => c.pages.create(params), false)).id;
      const back = await page(itemId, 'reading the page back');
      for (const p of ITEM_PROPERTIES) {
        const value = values[p.key];
        const actual = back.properties[p.name];
        if (!value) continue;
        expectSame(`"${p.name}"`, actual ? fromPropertyValue(actual) : null, value);
      }
      if (t.passed('formula')) expectSame('"Late" type', back.properties.Late?.type, 'formula');
      const written = ITEM_PROPERTIES.filter((p) => p.name in properties);
      return `${written.length} values (${kinds(written)}) read back equal`;
    });

    await t.check('page: relation values', ['relation: two-way', 'page: property values'], async () => {
      const partnerParams: CreatePageParameters = {
        parent: { data_source_id: dataSourceIdOf(PARTNERS) },
        properties: {
          Name: { title: text('Selftest partner') },
          Revenue: { number: 1200 },
        },
      };
      const partnerId = (
        await call('creating a page in the second database', (c) => c.pages.create(partnerParams), false)
      ).id;
      const link = toPropertyValue(TWO_WAY, { kind: 'relation', rowKeys: ['partner'] }, () => [partnerId]);
      if (!link) throw new Mismatch('no relation value request was built');
      const params: UpdatePageParameters = { page_id: itemId, properties: { [TWO_WAY.name]: link } };
      await call('linking the page to the other database', (c) => c.pages.update(params));
      const item = await page(itemId, 'reading the linked page back');
      const relation = item.properties[TWO_WAY.name];
      if (relation?.type !== 'relation' || !relation.relation.some((r) => sameId(r.id, partnerId)))
        throw new Mismatch('"Partner" does not hold the linked page');
      const partner = await page(partnerId, 'reading the other side of the relation');
      const synced = partner.properties['Selftest items'];
      if (synced?.type !== 'relation' || !synced.relation.some((r) => sameId(r.id, itemId)))
        throw new Mismatch('the synced "Selftest items" on the other side does not hold the page');
      if (t.passed('rollup')) {
        const rollup = item.properties[ROLLUP.name];
        const total =
          rollup?.type === 'rollup' && rollup.rollup.type === 'number' ? rollup.rollup.number : null;
        expectSame('"Partner revenue" rollup', total, 1200);
      }
      return `both sides linked${t.passed('rollup') ? '; the rollup sums the related page' : ''}`;
    });

    await t.check('query: filter by title', ['page: property values'], async () => {
      const params: QueryDataSourceParameters = {
        data_source_id: dataSourceIdOf(ITEMS),
        filter: { property: 'Name', title: { equals: 'Selftest item' } },
        page_size: 10,
      };
      const result = await call('querying the database', (c) => c.dataSources.query(params));
      if (!result.results.some((r) => sameId(r.id, itemId)))
        throw new Mismatch('the query did not find the page');
      return `${result.results.length} page(s) found`;
    });

    await t.check('schema: add option, rename property', ['database: property kinds'], async () => {
      const stage = itemSchema.Stage;
      const existing = stage?.type === 'select' ? stage.select.options.map((o) => o.name) : [];
      const options: UpdateDataSourceParameters = {
        data_source_id: dataSourceIdOf(ITEMS),
        properties: { Stage: { select: { options: [...existing, 'Paused'].map((name) => ({ name })) } } },
      };
      await call('adding a select option', (c) => c.dataSources.update(options));
      const notesId = propertyId('Notes');
      const rename: UpdateDataSourceParameters = {
        data_source_id: dataSourceIdOf(ITEMS),
        properties: { Notes: { name: 'Notes (renamed)' } },
      };
      await call('renaming a property', (c) => c.dataSources.update(rename));
      const back = await schemaOf(dataSourceIdOf(ITEMS), 'reading the changed schema back');
      const after = back.Stage;
      expectSame(
        '"Stage" options',
        after?.type === 'select' ? after.select.options.map((o) => o.name) : null,
        [...existing, 'Paused'],
      );
      expectSame('renamed property id', back['Notes (renamed)']?.id, notesId);
      if (back.Notes) throw new Mismatch('"Notes" is still there under its old name');
      return 'option added, property renamed in place';
    });

    await t.check('page body: nested blocks', ['scratch page'], async () => {
      const fromMarkdown = markdownToBlocks(
        '- Parent item\n  - Child item\n\n| Col A | Col B |\n|---|---|\n| 1 | 2 |\n',
      );
      const toggle: BlockObjectRequest = {
        type: 'toggle',
        toggle: {
          rich_text: text('Toggle'),
          children: [
            {
              type: 'bulleted_list_item',
              bulleted_list_item: {
                rich_text: text('Level 1'),
                children: [{ type: 'paragraph', paragraph: { rich_text: text('Level 2') } }],
              },
            },
          ],
        },
      };
      const [batch] = appendBatches(fromMarkdown);
      const params: CreatePageParameters = {
        parent: { page_id: scratchId() },
        properties: { title: { title: text('Selftest nested body') } },
        children: [...(batch ?? []), toggle],
      };
      const created = await call('creating a page with a nested body', (c) => c.pages.create(params), false);
      const expected = `${shapeOf(fromMarkdown)} toggle(bulleted_list_item(paragraph))`;
      const readTree = async (id: string, depth: number): Promise<string> => {
        const blocks = await children(id, 'reading the nested body back');
        const parts: string[] = [];
        for (const b of blocks) {
          const inner = b.has_children && depth < 3 ? `(${await readTree(b.id, depth + 1)})` : '';
          parts.push(`${b.type}${inner}`);
        }
        return parts.join(' ');
      };
      expectSame('body shape', await readTree(created.id, 1), expected);
      return expected;
    });

    await t.check('page body: 250 blocks in batches', ['scratch page'], async () => {
      const count = 250;
      const markdown = Array.from({ length: count }, (_, i) => `Selftest paragraph ${i + 1}.`).join('\n\n');
      const [first, ...rest] = appendBatches(markdownToBlocks(markdown));
      const params: CreatePageParameters = {
        parent: { page_id: scratchId() },
        properties: { title: { title: text('Selftest long body') } },
        children: first ?? [],
      };
      const created = await call('creating a page with a long body', (c) => c.pages.create(params), false);
      for (const batch of rest) {
        const append: AppendBlockChildrenParameters = { block_id: created.id, children: batch };
        await call('appending a batch of blocks', (c) => c.blocks.children.append(append), false);
      }
      const blocks = await children(created.id, 'reading the long body back');
      expectSame('block count', blocks.length, count);
      expectSame('first block', blockText(blocks[0]!), 'Selftest paragraph 1.');
      expectSame('last block', blockText(blocks[count - 1]!), `Selftest paragraph ${count}.`);
      return `${count} blocks in ${rest.length + 1} requests (create + ${rest.length} appends), in order`;
    });

    await t.check('blocks: update and delete', ['scratch page'], async () => {
      const append: AppendBlockChildrenParameters = {
        block_id: scratchId(),
        children: [
          { type: 'code', code: { language: 'json', rich_text: text('{"selftest":1}') } },
          { type: 'paragraph', paragraph: { rich_text: text('Deleted by the selftest') } },
        ],
      };
      const appended = await call('appending blocks', (c) => c.blocks.children.append(append), false);
      const [code, doomed] = appended.results;
      if (!code || !doomed) throw new Mismatch('the append did not return the new blocks');
      const update: UpdateBlockParameters = {
        block_id: code.id,
        code: { language: 'json', rich_text: text('{"selftest":2}') },
      };
      await call('updating a block', (c) => c.blocks.update(update));
      await call('deleting a block', (c) => c.blocks.delete({ block_id: doomed.id }));
      const blocks = await children(scratchId(), 'reading the blocks back');
      const updated = blocks.find((b) => sameId(b.id, code.id));
      expectSame('updated code block', updated ? blockText(updated) : null, '{"selftest":2}');
      if (blocks.some((b) => sameId(b.id, doomed.id)))
        throw new Mismatch('the deleted block is still listed');
      return 'code block rewritten, paragraph deleted';
    });
  } finally {
    // Cleanup runs whatever happened above: everything the selftest made lives under the scratch page.
    await trashScratchRow(
      t,
      'trash scratch page',
      made.scratch,
      'scratch page',
      async (scratch) => {
        const params: UpdatePageParameters = { page_id: scratch.id, in_trash: true };
        await call('moving the scratch page to the trash', (c) => c.pages.update(params));
        return (await page(scratch.id, 'reading the trashed page back')).in_trash;
      },
      'moved to the trash',
    );
  }
  return { rows: t.rows, errors: t.errors, scratch: made.scratch };
}
