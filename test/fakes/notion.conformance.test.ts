// Conformance tests: each rule the fake enforces by Notion's reference (notion/CONFORMANCE.md), proved
// with the official @notionhq/client against the fake over loopback HTTP. A rule removed from the fake
// makes its test here fail. Bodies the SDK's types reject go through `client.request`.
import {
  APIErrorCode,
  APIResponseError,
  type BlockObjectRequest,
  Client,
  isFullBlock,
  isFullDatabase,
  isFullDataSource,
  isFullPage,
  LogLevel,
  type PageObjectResponse,
} from '@notionhq/client';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeNotion, FakeClock, type FakeNotion, type FakeNotionOptions } from './notion/index.js';
import { DEFAULT_VIEW_NAME } from './notion/views.js';

const text = (content: string) => [{ type: 'text' as const, text: { content } }];
const paragraph = (content: string): BlockObjectRequest => ({ paragraph: { rich_text: text(content) } });

let fake: FakeNotion;
let notion: Client;

async function start(options: FakeNotionOptions = {}): Promise<void> {
  fake = createFakeNotion(options);
  await fake.listen();
  notion = fake.client({ retry: false, logLevel: LogLevel.ERROR });
}

afterEach(async () => {
  await fake?.close();
});

/** An SDK client that sends another Notion-Version. */
function clientFor(version: string): Client {
  return fake.client({ retry: false, logLevel: LogLevel.ERROR, notionVersion: version });
}

/** The error a call failed with, asserted to be Notion's APIResponseError. */
async function apiError(call: Promise<unknown>): Promise<APIResponseError> {
  try {
    await call;
  } catch (error) {
    if (APIResponseError.isAPIResponseError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** Asserts a 400 validation_error whose message contains `fragment`. */
async function rejects400(call: Promise<unknown>, fragment: string): Promise<APIResponseError> {
  const error = await apiError(call);
  expect(error.status).toBe(400);
  expect(error.code).toBe(APIErrorCode.ValidationError);
  expect(error.message).toContain(fragment);
  return error;
}

/** A database "Deals" under a shared root page: Name, Stage (select), Due (date), Won (checkbox), Amount. */
async function deals(client: Client = notion) {
  const root = fake.seedRootPage('Root');
  const database = await client.databases.create({
    parent: { type: 'page_id', page_id: root },
    title: text('Deals'),
    initial_data_source: {
      properties: {
        Name: { title: {} },
        Stage: { select: { options: [{ name: 'Open' }, { name: 'Won' }] } },
        Due: { date: {} },
        Won: { checkbox: {} },
        Amount: { number: {} },
      },
    },
  });
  if (!isFullDatabase(database)) throw new Error('partial database');
  const dataSourceId = database.data_sources[0]!.id;
  const schema = await client.dataSources.retrieve({ data_source_id: dataSourceId });
  if (!isFullDataSource(schema)) throw new Error('partial data source');
  const ids = Object.fromEntries(Object.entries(schema.properties).map(([name, p]) => [name, p.id]));
  return { root, databaseId: database.id, dataSourceId, ids };
}

function titleOf(page: PageObjectResponse): string {
  const title = Object.values(page.properties).find((p) => p.type === 'title');
  return title?.type === 'title' ? title.title.map((t) => t.plain_text).join('') : '';
}

describe('views (create-view, update-a-view, delete-view, list-views, working-with-views)', () => {
  it('databases.create: the new database comes with one table view, listed by database_id and by data_source_id', async () => {
    await start();
    const { databaseId, dataSourceId } = await deals();
    const byDatabase = await notion.views.list({ database_id: databaseId });
    const byDataSource = await notion.views.list({ data_source_id: dataSourceId });
    expect(byDatabase.results).toHaveLength(1);
    expect(byDataSource.results).toEqual(byDatabase.results);
    const view = await notion.views.retrieve({ view_id: byDatabase.results[0]!.id });
    expect(view).toMatchObject({
      object: 'view',
      type: 'table',
      parent: { type: 'database_id', database_id: databaseId },
    });
    expect('name' in view && view.name).toBe(DEFAULT_VIEW_NAME);
    expect('data_source_id' in view && view.data_source_id).toBe(dataSourceId);
  });

  it('dataSources.create: a table view is created alongside the new data source', async () => {
    await start();
    const { databaseId, dataSourceId } = await deals();
    const second = await notion.dataSources.create({
      parent: { database_id: databaseId },
      title: text('Archive'),
      properties: { Name: { title: {} } },
    });
    const forSecond = await notion.views.list({ data_source_id: second.id });
    expect(forSecond.results).toHaveLength(1);
    const view = await notion.views.retrieve({ view_id: forSecond.results[0]!.id });
    expect(view).toMatchObject({ type: 'table', data_source_id: second.id });
    expect((await notion.views.list({ data_source_id: dataSourceId })).results).toHaveLength(1);
    expect((await notion.views.list({ database_id: databaseId })).results).toHaveLength(2);
  });

  it('views.create: exactly one of database_id, view_id, create_database (none or two is a 400)', async () => {
    await start();
    const { databaseId, dataSourceId } = await deals();
    const base = { data_source_id: dataSourceId, name: 'All', type: 'table' as const };
    await rejects400(
      notion.views.create(base),
      'exactly one of `database_id`, `view_id` or `create_database`',
    );
    await rejects400(
      notion.views.create({ ...base, database_id: databaseId, view_id: databaseId }),
      '`database_id` and `view_id` were',
    );
    const made = await notion.views.create({ ...base, database_id: databaseId });
    expect(made.object).toBe('view');
    expect(fake.count('views.create')).toBe(3);
  });

  it('views.create: data_source_id, name and type are required', async () => {
    await start();
    const { databaseId, dataSourceId } = await deals();
    const full = { database_id: databaseId, data_source_id: dataSourceId, name: 'All', type: 'table' };
    for (const key of ['data_source_id', 'name', 'type'] as const) {
      const body: Record<string, unknown> = { ...full };
      delete body[key];
      await rejects400(
        notion.request({ path: 'views', method: 'post', body }),
        `body.${key} should be defined`,
      );
    }
  });

  it('views.create: database_id must be the database that holds data_source_id; unknown ids are 404s', async () => {
    await start();
    const first = await deals();
    const other = await deals();
    await rejects400(
      notion.views.create({
        database_id: other.databaseId,
        data_source_id: first.dataSourceId,
        name: 'Mixed',
        type: 'table',
      }),
      `is not a data source of database ${other.databaseId}`,
    );
    const missing = await apiError(
      notion.views.create({
        database_id: 'dddddddd-0000-4000-8000-0000000fffff',
        data_source_id: first.dataSourceId,
        name: 'x',
        type: 'table',
      }),
    );
    expect(missing.status).toBe(404);
    expect(missing.code).toBe(APIErrorCode.ObjectNotFound);
  });

  it('views.create and views.update: filter and sorts take the query shapes and are checked against the schema', async () => {
    await start();
    const { databaseId, dataSourceId } = await deals();
    const view = (extra: Record<string, unknown>) =>
      notion.request({
        path: 'views',
        method: 'post',
        body: { database_id: databaseId, data_source_id: dataSourceId, name: 'V', type: 'table', ...extra },
      });
    // Compound and/or filters, select arrays, timestamp sorts: accepted as in a data source query.
    await view({
      filter: {
        and: [
          { property: 'Won', checkbox: { equals: false } },
          {
            or: [
              { property: 'Stage', select: { does_not_equal: ['Won'] } },
              { property: 'Due', date: { is_empty: true } },
            ],
          },
        ],
      },
      sorts: [
        { property: 'Due', direction: 'ascending' },
        { timestamp: 'created_time', direction: 'descending' },
      ],
    });
    await rejects400(view({ filter: { property: 'Nope', checkbox: { equals: true } } }), 'Nope');
    await rejects400(
      view({ filter: { property: 'Won', select: { equals: 'x' } } }),
      'should use a `checkbox` condition',
    );
    await rejects400(view({ sorts: [{ property: 'Nope', direction: 'ascending' }] }), 'Nope');
    await rejects400(view({ sorts: [{ property: 'Due', direction: 'up' }] }), 'body.sorts[0].direction');
    const listed = await notion.views.list({ database_id: databaseId });
    const defaultView = listed.results[0]!.id;
    await rejects400(
      notion.views.update({
        view_id: defaultView,
        filter: { property: 'Nope', checkbox: { equals: true } },
      } as never),
      'Nope',
    );
  });

  it('views.update: only the fields given change; null clears filter and sorts; configuration keeps the view type', async () => {
    await start();
    const { databaseId, ids } = await deals();
    const viewId = (await notion.views.list({ database_id: databaseId })).results[0]!.id;
    const renamed = await notion.views.update({
      view_id: viewId,
      name: 'Open deals',
      filter: { property: 'Won', checkbox: { equals: false } },
      sorts: [{ property: 'Amount', direction: 'descending' }],
    } as never);
    expect(renamed).toMatchObject({
      name: 'Open deals',
      type: 'table',
      filter: { property: 'Won', checkbox: { equals: false } },
      sorts: [{ property: 'Amount', direction: 'descending' }],
    });
    const cleared = await notion.views.update({ view_id: viewId, filter: null } as never);
    expect(cleared).toMatchObject({ name: 'Open deals', filter: null, sorts: [{ property: 'Amount' }] });
    const unsorted = await notion.views.update({ view_id: viewId, sorts: null });
    expect('sorts' in unsorted && unsorted.sorts).toBeNull();
    await rejects400(
      notion.views.update({
        view_id: viewId,
        configuration: {
          type: 'board',
          group_by: { type: 'select', property_id: ids.Stage!, sort: { type: 'manual' } },
        },
      }),
      'body.configuration.type should be "table"',
    );
    const missing = await apiError(
      notion.views.update({ view_id: 'a3f1b2c4-5678-4def-abcd-1234567890ab', name: 'x' }),
    );
    expect(missing.status).toBe(404);
  });

  it('views.delete: removes a view; the last view of a database cannot be deleted', async () => {
    await start();
    const { databaseId, dataSourceId } = await deals();
    const [defaultView] = (await notion.views.list({ database_id: databaseId })).results;
    const second = await notion.views.create({
      database_id: databaseId,
      data_source_id: dataSourceId,
      name: 'Second',
      type: 'list',
    });
    const deleted = await notion.views.delete({ view_id: defaultView!.id });
    expect(deleted).toMatchObject({ object: 'view', id: defaultView!.id, type: 'table' });
    expect((await apiError(notion.views.retrieve({ view_id: defaultView!.id }))).status).toBe(404);
    await rejects400(notion.views.delete({ view_id: second.id }), 'last view of database');
    expect((await notion.views.list({ database_id: databaseId })).results.map((v) => v.id)).toEqual([
      second.id,
    ]);
  });

  it('views.list: needs database_id or data_source_id; page_size at most 100; paginates in tab order', async () => {
    await start();
    const { databaseId, dataSourceId } = await deals();
    await rejects400(notion.views.list({}), 'at least one of `database_id` or `data_source_id`');
    const made: string[] = [];
    for (const name of ['A', 'B', 'C']) {
      made.push(
        (
          await notion.views.create({
            database_id: databaseId,
            data_source_id: dataSourceId,
            name,
            type: 'table',
          })
        ).id,
      );
    }
    const first = await notion.views.create({
      database_id: databaseId,
      data_source_id: dataSourceId,
      name: 'First',
      type: 'gallery',
      position: { type: 'start' },
    });
    const page1 = await notion.views.list({ database_id: databaseId, page_size: 2 });
    expect(page1.has_more).toBe(true);
    const page2 = await notion.views.list({
      database_id: databaseId,
      page_size: 100,
      start_cursor: page1.next_cursor!,
    });
    const all = [...page1.results, ...page2.results].map((v) => v.id);
    expect(all[0]).toBe(first.id);
    expect(all.slice(2)).toEqual(made);
    await rejects400(
      notion.views.list({ database_id: databaseId, page_size: 101 }),
      'page_size should be ≤ `100`',
    );
  });
});

describe('formulas (property-object)', () => {
  it('formulas: prop() of a property the data source lacks is a 400 on databases.create; nothing is created', async () => {
    await start();
    const root = fake.seedRootPage('Root');
    await rejects400(
      notion.databases.create({
        parent: { type: 'page_id', page_id: root },
        title: text('Tasks'),
        initial_data_source: {
          properties: {
            Name: { title: {} },
            Due: { date: {} },
            Late: { formula: { expression: 'if(empty(prop("Deadline")), false, now() > prop("Deadline"))' } },
          },
        },
      }),
      'prop("Deadline")',
    );
    expect(fake.childrenOf(root)).toEqual([]);
    const made = await notion.databases.create({
      parent: { type: 'page_id', page_id: root },
      title: text('Tasks'),
      initial_data_source: {
        properties: {
          Name: { title: {} },
          Due: { date: {} },
          Late: { formula: { expression: 'if(empty(prop("Due")), false, now() > prop("Due"))' } },
        },
      },
    });
    expect(made.object).toBe('database');
  });

  it('formulas: the same on dataSources.update; a property added in the same request counts, x.prop() does not', async () => {
    await start();
    const { dataSourceId } = await deals();
    await rejects400(
      notion.dataSources.update({
        data_source_id: dataSourceId,
        properties: { Late: { formula: { expression: 'prop("Deadline") < now()' } } },
      }),
      'prop("Deadline")',
    );
    await notion.dataSources.update({
      data_source_id: dataSourceId,
      properties: {
        Deadline: { date: {} },
        Late: { formula: { expression: 'prop("Deadline") < now() and prop("Won") == false' } },
        Other: { formula: { expression: 'prop("Name").length() + current.prop("Nowhere").length()' } },
      },
    });
    const schema = fake.dataSource(dataSourceId);
    expect(schema.properties.Late?.type).toBe('formula');
  });

  it('formulas: renaming a property carries over into the formulas that use it', async () => {
    await start();
    const { dataSourceId } = await deals();
    await notion.dataSources.update({
      data_source_id: dataSourceId,
      properties: { Big: { formula: { expression: 'prop("Amount") > 1000' } } },
    });
    await notion.dataSources.update({
      data_source_id: dataSourceId,
      properties: { Amount: { name: 'Value' } },
    });
    const big = fake.dataSource(dataSourceId).properties.Big;
    expect(big?.type === 'formula' && big.formula.expression).toBe('prop("Value") > 1000');
    // Still valid: a later unrelated schema change does not trip over the renamed reference.
    await notion.dataSources.update({
      data_source_id: dataSourceId,
      properties: { Notes: { rich_text: {} } },
    });
  });
});

describe('schemas (property-object, update-data-source-properties)', () => {
  it('schemas: a data source has exactly one title property, which cannot be deleted, retyped or doubled', async () => {
    await start();
    const root = fake.seedRootPage('Root');
    const schemas: Record<string, { title: Record<string, never> } | { rich_text: Record<string, never> }>[] =
      [{ Notes: { rich_text: {} } }, { Name: { title: {} }, Other: { title: {} } }];
    for (const properties of schemas) {
      await rejects400(
        notion.databases.create({
          parent: { type: 'page_id', page_id: root },
          title: text('T'),
          initial_data_source: { properties },
        }),
        'exactly one title property',
      );
    }
    const { dataSourceId } = await deals();
    await rejects400(
      notion.dataSources.update({ data_source_id: dataSourceId, properties: { Name: null } }),
      'title property',
    );
    await rejects400(
      notion.dataSources.update({ data_source_id: dataSourceId, properties: { Name: { rich_text: {} } } }),
      'title property',
    );
    await rejects400(
      notion.dataSources.update({ data_source_id: dataSourceId, properties: { Second: { title: {} } } }),
      'one title property',
    );
  });

  it('schemas: the options of a status property cannot be updated through the API', async () => {
    await start();
    const { dataSourceId } = await deals();
    await notion.dataSources.update({ data_source_id: dataSourceId, properties: { State: { status: {} } } });
    await rejects400(
      notion.dataSources.update({
        data_source_id: dataSourceId,
        properties: { State: { status: { options: [{ name: 'Blocked' }] } } as never },
      }),
      'options of a status property cannot be updated',
    );
    const state = fake.dataSource(dataSourceId).properties.State;
    expect(state?.type === 'status' && state.status.options.map((o) => o.name)).toEqual([
      'Not started',
      'In progress',
      'Done',
    ]);
  });
});

describe('select options (property-object, page-property-values)', () => {
  it('select options: a comma in an option name is a 400, in the schema and in a value', async () => {
    await start();
    const { dataSourceId } = await deals();
    await rejects400(
      notion.dataSources.update({
        data_source_id: dataSourceId,
        properties: { Stage: { select: { options: [{ name: 'Open' }, { name: 'Won, paid' }] } } },
      }),
      'cannot contain commas',
    );
    await rejects400(
      notion.pages.create({
        parent: { data_source_id: dataSourceId },
        properties: { Name: { title: text('x') }, Stage: { select: { name: 'Lost, sadly' } } },
      }),
      'cannot contain commas',
    );
    expect(fake.rows(dataSourceId)).toEqual([]);
  });

  it('select options: two names differing only by case are a 400, in the schema and in a value', async () => {
    await start();
    const root = fake.seedRootPage('Root');
    await rejects400(
      notion.databases.create({
        parent: { type: 'page_id', page_id: root },
        title: text('T'),
        initial_data_source: {
          properties: {
            Name: { title: {} },
            Tags: { multi_select: { options: [{ name: 'Urgent' }, { name: 'urgent' }] } },
          },
        },
      }),
      'unique, ignoring case',
    );
    const { dataSourceId } = await deals();
    await rejects400(
      notion.pages.create({
        parent: { data_source_id: dataSourceId },
        properties: { Name: { title: text('x') }, Stage: { select: { name: 'open' } } },
      }),
      'differs only by case',
    );
  });
});

describe('request limits (request-limits, patch-block-children)', () => {
  const toggle = (children?: unknown[]) => ({
    toggle: { rich_text: text('t'), ...(children ? { children } : {}) },
  });

  it('children: more than 100 in one array is a 400, on append and on pages.create', async () => {
    await start();
    const root = fake.seedRootPage('Root');
    const many = Array.from({ length: 101 }, () => paragraph('p'));
    await rejects400(
      notion.blocks.children.append({ block_id: root, children: many }),
      'body.children.length should be ≤ `100`, instead was `101`',
    );
    await rejects400(
      notion.pages.create({
        parent: { page_id: root },
        properties: { title: { title: text('P') } },
        children: many,
      }),
      'body.children.length should be ≤ `100`, instead was `101`',
    );
    await rejects400(
      notion.blocks.children.append({
        block_id: root,
        children: [toggle(Array.from({ length: 101 }, () => paragraph('p')))] as BlockObjectRequest[],
      }),
      'body.children[0].toggle.children.length should be ≤ `100`',
    );
    expect(fake.childrenOf(root)).toEqual([]);
  });

  it('children: more than two levels of nesting in one request is a 400, on append and on pages.create', async () => {
    await start();
    const root = fake.seedRootPage('Root');
    const deep = [toggle([toggle([toggle([paragraph('3')])])])] as unknown as BlockObjectRequest[];
    const ok = [toggle([toggle([paragraph('2')])])] as BlockObjectRequest[];
    await rejects400(
      notion.blocks.children.append({ block_id: root, children: deep }),
      'should be not present',
    );
    await rejects400(
      notion.pages.create({
        parent: { page_id: root },
        properties: { title: { title: text('P') } },
        children: deep,
      }),
      'should be not present',
    );
    await notion.blocks.children.append({ block_id: root, children: ok });
    await notion.pages.create({
      parent: { page_id: root },
      properties: { title: { title: text('P') } },
      children: ok,
    });
  });

  it('rich text: a text item over 2,000 characters or more than 100 items is a 400, in blocks and in properties', async () => {
    await start();
    const { dataSourceId } = await deals();
    const root = fake.seedRootPage('Root');
    await rejects400(
      notion.blocks.children.append({ block_id: root, children: [paragraph('x'.repeat(2001))] }),
      'text.content.length should be ≤ `2000`, instead was `2001`',
    );
    await rejects400(
      notion.pages.create({
        parent: { data_source_id: dataSourceId },
        properties: { Name: { title: Array.from({ length: 101 }, () => text('a')[0]!) } },
      }),
      'body.properties.Name.title.length should be ≤ `100`, instead was `101`',
    );
    await notion.blocks.children.append({ block_id: root, children: [paragraph('x'.repeat(2000))] });
  });

  it('rich text mentions: a page or database by its ID; another kind or a missing ID is a 400', async () => {
    await start();
    const { databaseId } = await deals();
    const root = fake.seedRootPage('Root');
    const mentionOf = (mention: unknown) => ({
      paragraph: { rich_text: [{ type: 'mention', mention }] },
    });
    await rejects400(
      notion.request({
        path: `blocks/${root}/children`,
        method: 'patch',
        body: { children: [mentionOf({ data_source: { id: databaseId } })] },
      }),
      'mention',
    );
    await rejects400(
      notion.request({
        path: `blocks/${root}/children`,
        method: 'patch',
        body: { children: [mentionOf({ page: {} })] },
      }),
      'should be a valid uuid',
    );
    const other = fake.seedRootPage('Target');
    await notion.blocks.children.append({
      block_id: root,
      children: [
        { paragraph: { rich_text: [{ type: 'mention', mention: { page: { id: other } } }] } },
        { paragraph: { rich_text: [{ type: 'mention', mention: { database: { id: databaseId } } }] } },
      ],
    });
    const texts = fake
      .childrenOf(root)
      .map((b) => (b.type === 'paragraph' ? b.paragraph.rich_text.map((t) => t.plain_text).join('') : ''));
    // A mention reads as its target's title.
    expect(texts).toContain('Target');
  });

  it('page_size above 100 is a 400 on every paginated endpoint', async () => {
    await start();
    const { dataSourceId, databaseId } = await deals();
    const root = fake.seedRootPage('Root');
    for (const call of [
      () => notion.dataSources.query({ data_source_id: dataSourceId, page_size: 101 }),
      () => notion.search({ page_size: 101 }),
      () => notion.blocks.children.list({ block_id: root, page_size: 101 }),
      () => notion.views.list({ database_id: databaseId, page_size: 101 }),
    ]) {
      await rejects400(call(), 'page_size should be ≤ `100`, instead was `101`');
    }
  });

  it('code blocks: the language must be one of the languages Notion lists', async () => {
    await start();
    const root = fake.seedRootPage('Root');
    await rejects400(
      notion.request({
        path: `blocks/${root}/children`,
        method: 'patch',
        body: { children: [{ code: { language: 'jsonc', rich_text: text('{}') } }] },
      }),
      'language should be one of the code block languages',
    );
    await notion.blocks.children.append({
      block_id: root,
      children: [
        { code: { language: 'json', rich_text: text('{}') } },
        { code: { language: 'plain text', rich_text: text('x') } },
      ],
    });
  });

  it('icons: an emoji icon must be a single emoji', async () => {
    await start();
    const root = fake.seedRootPage('Root');
    for (const emoji of ['handshake', '🤝🤝', '']) {
      await rejects400(
        notion.request({
          path: 'pages',
          method: 'post',
          body: { parent: { page_id: root }, icon: { emoji }, properties: { title: { title: text('P') } } },
        }),
        'body.icon.emoji should be an emoji',
      );
    }
    for (const emoji of ['🤝', '🗺️', '⚖️', '1️⃣', '🇫🇷']) {
      await notion.request({
        path: 'pages',
        method: 'post',
        body: { parent: { page_id: root }, icon: { emoji }, properties: { title: { title: text(emoji) } } },
      });
    }
  });
});

describe('workspace block limit (workspace-block-limits)', () => {
  it('blockLimit: the write that reaches the limit succeeds; after it, block-creating writes fail; reads, edits and deletes work', async () => {
    await start({ blockLimit: 1000 });
    const root = fake.seedRootPage('Root'); // a page is a block: 1
    const batch = (n: number) => Array.from({ length: n }, (_, i) => paragraph(`p${i}`));
    for (let i = 0; i < 9; i += 1)
      await notion.blocks.children.append({ block_id: root, children: batch(100) });
    expect(fake.state.blocksCreated).toBe(901);
    // 901 + 100 = 1,001: this write reaches (and passes) the limit, and still succeeds.
    await notion.blocks.children.append({ block_id: root, children: batch(100) });
    const limit = 'reached its limit of 1000 blocks';
    await rejects400(notion.blocks.children.append({ block_id: root, children: batch(1) }), limit);
    await rejects400(
      notion.pages.create({ parent: { page_id: root }, properties: { title: { title: text('P') } } }),
      limit,
    );
    await rejects400(
      notion.databases.create({ parent: { type: 'page_id', page_id: root }, title: text('D') }),
      limit,
    );
    // Reads, edits and deletes create no blocks.
    const [first, second] = (await notion.blocks.children.list({ block_id: root, page_size: 2 })).results;
    await notion.blocks.update({ block_id: first!.id, paragraph: { rich_text: text('edited') } });
    await notion.blocks.delete({ block_id: second!.id });
    await notion.pages.update({ page_id: root, icon: { type: 'emoji', emoji: '📄' } });
    // Deleting does not give capacity back.
    await rejects400(notion.blocks.children.append({ block_id: root, children: batch(1) }), limit);
  });

  it('blockLimit: creation goes on during the grace period and stops when it ends', async () => {
    const clock = new FakeClock('2026-09-08T09:00:00.000Z');
    const days = 24 * 60 * 60 * 1000;
    await start({ clock, blockLimit: 3, blockLimitGraceMs: 3 * days });
    const root = fake.seedRootPage('Root');
    await notion.blocks.children.append({ block_id: root, children: [paragraph('a'), paragraph('b')] });
    clock.advance(2 * days);
    await notion.blocks.children.append({ block_id: root, children: [paragraph('c')] });
    clock.advance(1 * days);
    await rejects400(
      notion.blocks.children.append({ block_id: root, children: [paragraph('d')] }),
      'reached its limit of 3 blocks',
    );
  });

  it('blockLimit is off unless set', async () => {
    await start();
    const root = fake.seedRootPage('Root');
    for (let i = 0; i < 11; i += 1) {
      await notion.blocks.children.append({
        block_id: root,
        children: Array.from({ length: 100 }, () => paragraph('p')),
      });
    }
    expect(fake.state.blocksCreated).toBe(1101);
  });
});

describe('API versions (versioning, upgrade guides 2026-03-11 and 2026-12-01)', () => {
  it('Notion-Version: 2025-09-03, 2026-03-11 and 2026-12-01 are accepted; others are a 400', async () => {
    await start();
    for (const version of ['2025-09-03', '2026-03-11', '2026-12-01']) {
      expect((await clientFor(version).users.me({})).object).toBe('user');
    }
    for (const version of ['2022-06-28', '2026-06-01']) {
      const error = await apiError(clientFor(version).users.me({}));
      expect(error.status).toBe(400);
      expect(error.code).toBe(APIErrorCode.ValidationError);
      expect(error.message).toContain('Notion-Version header should be one of');
    }
  });

  it('2026-03-11: `archived` is a 400 in any request and absent from responses; `in_trash` works', async () => {
    await start();
    const v11 = clientFor('2026-03-11');
    const { databaseId, dataSourceId } = await deals(v11);
    const page = await v11.pages.create({
      parent: { data_source_id: dataSourceId },
      properties: { Name: { title: text('Acme') } },
    });
    expect('archived' in page).toBe(false);
    expect(isFullPage(page) && page.in_trash).toBe(false);
    for (const [path, method, body] of [
      [`pages/${page.id}`, 'patch', { archived: true }],
      [`databases/${databaseId}`, 'patch', { archived: false }],
      [`data_sources/${dataSourceId}`, 'patch', { archived: false }],
      [`data_sources/${dataSourceId}/query`, 'post', { archived: true }],
    ] as const) {
      await rejects400(
        v11.request({ path, method, body: { ...body } }),
        'body.archived should be not present',
      );
    }
    const trashed = await v11.pages.update({ page_id: page.id, in_trash: true });
    expect(trashed).toMatchObject({ in_trash: true });
    expect('archived' in trashed).toBe(false);
    const db = await v11.databases.retrieve({ database_id: databaseId });
    const ds = await v11.dataSources.retrieve({ data_source_id: dataSourceId });
    const listed = await v11.dataSources.query({ data_source_id: dataSourceId, in_trash: true });
    expect(['archived' in db, 'archived' in ds, 'archived' in listed.results[0]!]).toEqual([
      false,
      false,
      false,
    ]);
    // 2025-09-03 still takes `archived` (a deprecated alias) and sends both fields.
    const old = await notion.pages.update({ page_id: page.id, archived: false });
    expect(old).toMatchObject({ in_trash: false, archived: false });
  });

  it('2026-03-11: append block children takes `position` (after_block, start, end), and `after` is a 400', async () => {
    await start();
    const root = fake.seedRootPage('Root');
    const v11 = clientFor('2026-03-11');
    const [a] = (await v11.blocks.children.append({ block_id: root, children: [paragraph('A')] })).results;
    await v11.blocks.children.append({
      block_id: root,
      children: [paragraph('Z')],
      position: { type: 'end' },
    });
    await v11.blocks.children.append({
      block_id: root,
      children: [paragraph('0')],
      position: { type: 'start' },
    });
    await v11.blocks.children.append({
      block_id: root,
      children: [paragraph('B')],
      position: { type: 'after_block', after_block: { id: a!.id } },
    });
    await rejects400(
      v11.blocks.children.append({ block_id: root, children: [paragraph('C')], after: a!.id }),
      'body.after should be not present',
    );
    // 2025-09-03 still takes the flat `after`.
    await notion.blocks.children.append({ block_id: root, children: [paragraph('A2')], after: a!.id });
    const order = fake
      .childrenOf(root)
      .map((b) => (b.type === 'paragraph' ? b.paragraph.rich_text[0]?.plain_text : b.type));
    expect(order).toEqual(['0', 'A', 'A2', 'B', 'Z']);
  });

  it('2026-12-01: query and search return only the title property unless filter_properties is given', async () => {
    await start();
    const { dataSourceId, ids } = await deals();
    await notion.pages.create({
      parent: { data_source_id: dataSourceId },
      properties: { Name: { title: text('Deal') }, Amount: { number: 5 } },
    });
    const v12 = clientFor('2026-12-01');
    const names = (page: unknown) =>
      isFullPage(page as PageObjectResponse) ? Object.keys((page as PageObjectResponse).properties) : [];
    const lean = await v12.dataSources.query({ data_source_id: dataSourceId });
    expect(names(lean.results[0])).toEqual(['Name']);
    const asked = await v12.dataSources.query({
      data_source_id: dataSourceId,
      filter_properties: [ids.Name!, ids.Amount!],
    });
    expect(names(asked.results[0])).toEqual(['Name', 'Amount']);
    const found = await v12.search({ query: 'Deal', filter: { property: 'object', value: 'page' } });
    expect(names(found.results[0])).toEqual(['Name']);
    const foundWith = await v12.request<{ results: unknown[] }>({
      path: 'search',
      method: 'post',
      query: { filter_properties: [ids.Amount!] },
      body: { query: 'Deal', filter: { property: 'object', value: 'page' } },
    });
    expect(names(foundWith.results[0])).toEqual(['Amount']);
    // Retrieve a page is unchanged: every property.
    const full = await v12.pages.retrieve({ page_id: lean.results[0]!.id });
    expect(names(full)).toHaveLength(5);
    // 2026-03-11 lists every property.
    const v11 = await clientFor('2026-03-11').dataSources.query({ data_source_id: dataSourceId });
    expect(names(v11.results[0])).toHaveLength(5);
  });

  it('filter_properties: repeated query parameters trim query results and page retrieval to the named properties', async () => {
    await start();
    const { dataSourceId, ids } = await deals();
    const page = await notion.pages.create({
      parent: { data_source_id: dataSourceId },
      properties: { Name: { title: text('Deal') }, Amount: { number: 5 } },
    });
    const query = await notion.dataSources.query({
      data_source_id: dataSourceId,
      filter_properties: [ids.Amount!, ids.Won!],
    });
    const row = query.results[0] as PageObjectResponse;
    expect(Object.keys(row.properties)).toEqual(['Won', 'Amount']);
    const retrieved = await notion.pages.retrieve({ page_id: page.id, filter_properties: [ids.Amount!] });
    expect(isFullPage(retrieved) && Object.keys(retrieved.properties)).toEqual(['Amount']);
    expect(fake.callsTo('pages.retrieve')).toHaveLength(1);
  });
});

describe('more endpoints the product sends (database-update, retrieve-a-block, query-a-data-source, patch-page)', () => {
  it('databases.update: in_trash moves a database and its data source to the trash and back; a trashed one cannot be edited', async () => {
    await start();
    const { databaseId, dataSourceId } = await deals();
    const trashed = await notion.databases.update({ database_id: databaseId, in_trash: true });
    expect(isFullDatabase(trashed) && trashed.in_trash).toBe(true);
    const source = await notion.dataSources.retrieve({ data_source_id: dataSourceId });
    expect(isFullDataSource(source) && source.in_trash).toBe(true);
    await rejects400(
      notion.databases.update({ database_id: databaseId, title: text('Renamed') }),
      "Can't edit block that is archived",
    );
    await rejects400(
      notion.request({ path: `databases/${databaseId}`, method: 'patch', body: { in_trash: 'yes' } }),
      'body.in_trash',
    );
    const restored = await notion.databases.update({ database_id: databaseId, in_trash: false });
    expect(isFullDatabase(restored) && restored.in_trash).toBe(false);
    const back = await notion.databases.update({ database_id: databaseId, title: text('Renamed') });
    expect(isFullDatabase(back) && back.title.map((t) => t.plain_text).join('')).toBe('Renamed');
  });

  it('blocks.retrieve: answers the block with its type and content; a deleted block has in_trash true; an unknown id is a 404', async () => {
    await start();
    const root = fake.seedRootPage('Root');
    const appended = await notion.blocks.children.append({
      block_id: root,
      children: [{ type: 'code', code: { language: 'json', rich_text: text('{"v":1}') } }],
    });
    const id = appended.results[0]!.id;
    const block = await notion.blocks.retrieve({ block_id: id });
    if (!isFullBlock(block) || block.type !== 'code') throw new Error('expected a code block');
    expect(block.code.rich_text.map((t) => t.plain_text).join('')).toBe('{"v":1}');
    expect(block.in_trash).toBe(false);
    await notion.blocks.delete({ block_id: id });
    const deleted = await notion.blocks.retrieve({ block_id: id });
    expect(isFullBlock(deleted) && deleted.in_trash).toBe(true);
    const missing = await apiError(notion.blocks.retrieve({ block_id: '0123456789abcdef0123456789abcdef' }));
    expect([missing.status, missing.code]).toEqual([404, APIErrorCode.ObjectNotFound]);
  });

  it('dataSources.query: sorts and filters by a timestamp (created_time, last_edited_time); another timestamp or a bad date is a 400', async () => {
    const clock = new FakeClock('2026-01-05T09:00:00.000Z');
    await start({ clock });
    const { dataSourceId } = await deals();
    const ids: string[] = [];
    for (const name of ['First', 'Second', 'Third']) {
      const page = await notion.pages.create({
        parent: { data_source_id: dataSourceId },
        properties: { Name: { title: text(name) } },
      });
      ids.push(page.id);
      clock.advance(60_000);
    }
    const order = async (direction: 'ascending' | 'descending') =>
      (
        await notion.dataSources.query({
          data_source_id: dataSourceId,
          sorts: [{ timestamp: 'created_time', direction }],
        })
      ).results.map((r) => r.id);
    expect(await order('ascending')).toEqual(ids);
    expect(await order('descending')).toEqual([...ids].reverse());
    clock.advance(120_000);
    const editedAt = new Date(clock.now()).toISOString();
    await notion.pages.update({ page_id: ids[0]!, properties: { Amount: { number: 3 } } });
    const since = await notion.dataSources.query({
      data_source_id: dataSourceId,
      filter: { timestamp: 'last_edited_time', last_edited_time: { on_or_after: editedAt } },
    });
    expect(since.results.map((r) => r.id)).toEqual([ids[0]]);
    await rejects400(
      notion.request({
        path: `data_sources/${dataSourceId}/query`,
        method: 'post',
        body: { sorts: [{ timestamp: 'edited_time', direction: 'ascending' }] },
      }),
      'body.sorts[0].timestamp',
    );
    await rejects400(
      notion.request({
        path: `data_sources/${dataSourceId}/query`,
        method: 'post',
        body: {
          filter: { timestamp: 'last_edited_time', last_edited_time: { on_or_after: 'yesterday-ish' } },
        },
      }),
      'on_or_after',
    );
  });

  it('dataSources.query: in_trash true lists the trashed pages of the data source (which pages besides: unverified); it takes a boolean', async () => {
    await start();
    const { dataSourceId } = await deals();
    const live = await notion.pages.create({
      parent: { data_source_id: dataSourceId },
      properties: { Name: { title: text('Live') } },
    });
    const gone = await notion.pages.create({
      parent: { data_source_id: dataSourceId },
      properties: { Name: { title: text('Gone') } },
    });
    await notion.pages.update({ page_id: gone.id, in_trash: true });
    const ids = async (inTrash?: boolean) =>
      (
        await notion.dataSources.query({
          data_source_id: dataSourceId,
          ...(inTrash === undefined ? {} : { in_trash: inTrash }),
        })
      ).results.map((r) => r.id);
    expect(await ids()).toEqual([live.id]);
    expect(await ids(true)).toEqual([gone.id]);
    await rejects400(
      notion.request({
        path: `data_sources/${dataSourceId}/query`,
        method: 'post',
        body: { in_trash: 'yes' },
      }),
      'body.in_trash',
    );
  });

  it('pages.update: filter_properties trims the page the update answers with, as it does a retrieve', async () => {
    await start();
    const { dataSourceId, ids } = await deals();
    const page = await notion.pages.create({
      parent: { data_source_id: dataSourceId },
      properties: { Name: { title: text('Deal') } },
    });
    const updated = await notion.pages.update({
      page_id: page.id,
      properties: { Amount: { number: 7 }, Won: { checkbox: true } },
      filter_properties: [ids.Amount!],
    });
    expect(isFullPage(updated) && Object.keys(updated.properties)).toEqual(['Amount']);
    expect(isFullPage(updated) && updated.properties.Amount).toMatchObject({ number: 7 });
    const won = fake.page(page.id).properties.Won;
    expect(won?.type === 'checkbox' && won.checkbox).toBe(true);
  });
});

describe('two-way relations (unverified behaviour, switchable)', () => {
  async function related(options: FakeNotionOptions) {
    const clock = new FakeClock('2026-01-05T09:00:00.000Z');
    await start({ clock, ...options });
    const root = fake.seedRootPage('Root');
    const partners = await notion.databases.create({
      parent: { type: 'page_id', page_id: root },
      title: text('Partners'),
      initial_data_source: { properties: { Name: { title: {} } } },
    });
    if (!isFullDatabase(partners)) throw new Error('partial');
    const partnersDs = partners.data_sources[0]!.id;
    const activities = await notion.databases.create({
      parent: { type: 'page_id', page_id: root },
      title: text('Activities'),
      initial_data_source: {
        properties: {
          Name: { title: {} },
          Partner: {
            relation: {
              data_source_id: partnersDs,
              type: 'dual_property',
              dual_property: { synced_property_name: 'Activities' },
            },
          },
        },
      },
    });
    if (!isFullDatabase(activities)) throw new Error('partial');
    const activitiesDs = activities.data_sources[0]!.id;
    const acme = await notion.pages.create({
      parent: { data_source_id: partnersDs },
      properties: { Name: { title: text('Acme') } },
    });
    return { clock, partnersDs, activitiesDs, acme };
  }

  it('two-way relations: writing one side bumps the other page last_edited_time unless dualRelationBumpsOther is false', async () => {
    for (const bumps of [undefined, false] as const) {
      const { clock, activitiesDs, acme } = await related(
        bumps === undefined ? {} : { dualRelationBumpsOther: bumps },
      );
      clock.advance(5 * 60_000);
      await notion.pages.create({
        parent: { data_source_id: activitiesDs },
        properties: { Name: { title: text('Kickoff') }, Partner: { relation: [{ id: acme.id }] } },
      });
      const edited = fake.page(acme.id);
      expect(edited.last_edited_time).toBe(
        bumps === false ? '2026-01-05T09:00:00.000Z' : '2026-01-05T09:05:00.000Z',
      );
      if (bumps !== false) expect(edited.last_edited_by.id).toBe(fake.state.botId);
      await fake.close();
    }
  });

  it('two-way relations: the synced property is named as requested, or generated with syncedPropertyNames "generated"', async () => {
    const requested = await related({});
    expect(Object.keys(fake.dataSource(requested.partnersDs).properties)).toContain('Activities');
    await fake.close();
    const generated = await related({ syncedPropertyNames: 'generated' });
    const names = Object.keys(fake.dataSource(generated.partnersDs).properties);
    expect(names).not.toContain('Activities');
    expect(names).toContain('Related to Activities (Partner)');
  });
});

describe('timestamps', () => {
  it('last_edited_time is rounded down to the minute', async () => {
    const clock = new FakeClock('2026-01-05T09:00:59.999Z');
    await start({ clock });
    const root = fake.seedRootPage('Root');
    const page = await notion.pages.create({
      parent: { page_id: root },
      properties: { title: { title: text('P') } },
    });
    expect(isFullPage(page) && [page.created_time, page.last_edited_time]).toEqual([
      '2026-01-05T09:00:00.000Z',
      '2026-01-05T09:00:00.000Z',
    ]);
    expect(titleOf(fake.page(page.id))).toBe('P');
    expect(isFullBlock(fake.childrenOf(root)[0]!)).toBe(true);
  });
});

describe('SDK client default', () => {
  it('the SDK still sends 2025-09-03 by default, and the fake answers it', async () => {
    await start();
    expect(Client.defaultNotionVersion).toBe('2025-09-03');
    await notion.users.me({});
    expect(fake.calls[0]!.status).toBe(200);
  });
});
