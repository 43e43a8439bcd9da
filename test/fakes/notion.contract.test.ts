// Contract tests: the official @notionhq/client against the fake Notion API over loopback HTTP.
import {
  APIErrorCode,
  APIResponseError,
  type BlockObjectRequest,
  Client,
  collectPaginatedAPI,
  isFullBlock,
  isFullDatabase,
  isFullDataSource,
  isFullPage,
  isNotionClientError,
  LogLevel,
  type PageObjectResponse,
} from '@notionhq/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prng } from '../helpers.js';
import { createFakeNotion, FakeClock, type FakeNotion, NOTION_VERSION } from './notion/index.js';

const text = (content: string) => [{ type: 'text' as const, text: { content } }];
const paragraph = (content: string): BlockObjectRequest => ({ paragraph: { rich_text: text(content) } });

/** The error an SDK call failed with, asserted to be Notion's APIResponseError. */
async function apiError(call: Promise<unknown>): Promise<APIResponseError> {
  try {
    await call;
  } catch (error) {
    expect(isNotionClientError(error)).toBe(true);
    if (APIResponseError.isAPIResponseError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

function titleOf(page: PageObjectResponse): string {
  const title = Object.values(page.properties).find((p) => p.type === 'title');
  return title?.type === 'title' ? title.title.map((t) => t.plain_text).join('') : '';
}

function prop<T extends PageObjectResponse['properties'][string]['type']>(
  page: PageObjectResponse,
  name: string,
  type: T,
): Extract<PageObjectResponse['properties'][string], { type: T }> {
  const value = page.properties[name];
  if (value?.type !== type) throw new Error(`${name} is ${value?.type}, not ${type}`);
  return value as Extract<PageObjectResponse['properties'][string], { type: T }>;
}

/** A seed for the harness's fault injector whose first draws hit (true) or miss (false) probability p. */
function seedFor(pattern: boolean[], p: number): number {
  for (let seed = 1; seed < 100_000; seed += 1) {
    const random = prng(seed);
    if (pattern.every((hit) => random() < p === hit)) return seed;
  }
  throw new Error('no seed');
}

let fake: FakeNotion;
let notion: Client;

async function start(options: Parameters<typeof createFakeNotion>[0] = {}): Promise<void> {
  fake = createFakeNotion(options);
  await fake.listen();
  notion = fake.client({ retry: false, logLevel: LogLevel.ERROR });
}

afterEach(async () => {
  await fake?.close();
});

/** Partners and Activities, related both ways (Activities.Partner <-> Partners.Activities). */
async function blueprint() {
  const root = fake.seedRootPage('Partnernomics');
  const partners = await notion.databases.create({
    parent: { type: 'page_id', page_id: root },
    title: text('Partners'),
    initial_data_source: {
      properties: {
        Name: { title: {} },
        Stage: {
          select: {
            options: [
              { name: 'Candidate', color: 'gray' },
              { name: 'Launched', color: 'green' },
            ],
          },
        },
        Types: { multi_select: { options: [{ name: 'Referral' }, { name: 'Co-Sell' }] } },
        Score: { number: { format: 'number' } },
        Notes: { rich_text: {} },
        Start: { date: {} },
        Active: { checkbox: {} },
        Website: { url: {} },
      },
    },
  });
  if (!isFullDatabase(partners)) throw new Error('partial database');
  const partnersDs = partners.data_sources[0]!.id;
  const activities = await notion.databases.create({
    parent: { type: 'page_id', page_id: root },
    title: text('Activities'),
    initial_data_source: {
      properties: {
        Name: { title: {} },
        Amount: { number: {} },
        Partner: {
          relation: { data_source_id: partnersDs, dual_property: { synced_property_name: 'Activities' } },
        },
      },
    },
  });
  if (!isFullDatabase(activities)) throw new Error('partial database');
  return { root, partners, partnersDs, activities, activitiesDs: activities.data_sources[0]!.id };
}

async function createPartner(dataSourceId: string, name: string, extra: Record<string, unknown> = {}) {
  const page = await notion.pages.create({
    parent: { data_source_id: dataSourceId },
    properties: { Name: { title: text(name) }, ...extra } as never,
  });
  if (!isFullPage(page)) throw new Error('partial page');
  return page;
}

describe('users, auth and versions', () => {
  beforeEach(() => start());

  it('users.me returns the integration bot', async () => {
    const me = await notion.users.me({});
    expect(me).toMatchObject({ object: 'user', type: 'bot' });
    expect(me.type === 'bot' && 'workspace_name' in me.bot ? me.bot.workspace_name : '').toBe(
      'Fake workspace',
    );
  });

  it('rejects a bad or missing token with 401 unauthorized', async () => {
    const bad = new Client({ auth: 'wrong', baseUrl: fake.baseUrl, retry: false, logLevel: LogLevel.ERROR });
    const error = await apiError(bad.users.me({}));
    expect(error.code).toBe(APIErrorCode.Unauthorized);
    expect(error.status).toBe(401);
    const none = new Client({ baseUrl: fake.baseUrl, retry: false, logLevel: LogLevel.ERROR });
    expect((await apiError(none.users.me({}))).code).toBe(APIErrorCode.Unauthorized);
  });

  it('sends Notion-Version 2025-09-03 by default; missing or other versions are 400s', async () => {
    expect(Client.defaultNotionVersion).toBe(NOTION_VERSION);
    const raw = await fetch(`${fake.baseUrl}/v1/users/me`, {
      headers: { authorization: `Bearer ${fake.token}` },
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toMatchObject({ object: 'error', status: 400, code: 'missing_version' });
    const old = new Client({
      auth: fake.token,
      baseUrl: fake.baseUrl,
      notionVersion: '2022-06-28',
      retry: false,
      logLevel: LogLevel.ERROR,
    });
    const error = await apiError(old.users.me({}));
    expect(error.code).toBe(APIErrorCode.ValidationError);
    expect(error.status).toBe(400);
  });

  it('answers unknown URLs, bad JSON and bad ids in Notion error bodies', async () => {
    const headers = { authorization: `Bearer ${fake.token}`, 'notion-version': NOTION_VERSION };
    const url = await fetch(`${fake.baseUrl}/v1/nothing`, { headers });
    expect(await url.json()).toMatchObject({ code: 'invalid_request_url', status: 400 });
    const json = await fetch(`${fake.baseUrl}/v1/search`, { method: 'POST', headers, body: '{nope' });
    const body = (await json.json()) as { request_id?: unknown };
    expect(body).toMatchObject({ object: 'error', code: 'invalid_json', status: 400 });
    expect(typeof body.request_id).toBe('string');
    const error = await apiError(notion.pages.retrieve({ page_id: 'not-an-id' }));
    expect(error.code).toBe(APIErrorCode.ValidationError);
    expect(error.message).toContain('path.page_id should be a valid uuid');
  });
});

describe('databases and data sources', () => {
  beforeEach(() => start());

  it('creates a database with its initial data source; relations target data sources', async () => {
    const { root, partners, partnersDs, activitiesDs } = await blueprint();
    expect(partners.data_sources).toEqual([{ id: partnersDs, name: 'Partners' }]);
    const retrieved = await notion.databases.retrieve({ database_id: partners.id });
    expect(isFullDatabase(retrieved) && retrieved.parent).toEqual({ type: 'page_id', page_id: root });
    const activities = await notion.dataSources.retrieve({ data_source_id: activitiesDs });
    if (!isFullDataSource(activities)) throw new Error('partial');
    const relation = activities.properties.Partner;
    expect(relation?.type === 'relation' && relation.relation).toMatchObject({
      data_source_id: partnersDs,
      database_id: partners.id,
      type: 'dual_property',
      dual_property: { synced_property_name: 'Activities' },
    });
    const children = await notion.blocks.children.list({ block_id: root });
    expect(children.results.filter(isFullBlock).map((b) => b.type)).toEqual([
      'child_database',
      'child_database',
    ]);
  });

  it('database ids and data source ids are not interchangeable (404), as in 2025-09-03', async () => {
    const { partners, partnersDs } = await blueprint();
    const query = await apiError(notion.dataSources.query({ data_source_id: partners.id }));
    expect(query.code).toBe(APIErrorCode.ObjectNotFound);
    expect(query.message).toContain(`Could not find data_source with ID: ${partners.id}`);
    expect((await apiError(notion.databases.retrieve({ database_id: partnersDs }))).status).toBe(404);
    const page = await apiError(
      notion.pages.create({
        parent: { data_source_id: partners.id },
        properties: { Name: { title: text('x') } },
      }),
    );
    expect(page.code).toBe(APIErrorCode.ObjectNotFound);
  });

  it('an internal integration cannot create top-level pages or databases', async () => {
    const page = await apiError(
      notion.pages.create({ parent: { workspace: true }, properties: { title: { title: text('Top') } } }),
    );
    expect(page.code).toBe(APIErrorCode.ValidationError);
    const db = await apiError(
      notion.databases.create({ parent: { type: 'workspace', workspace: true }, title: text('X') }),
    );
    expect(db.code).toBe(APIErrorCode.ValidationError);
  });

  it('updates a schema: adds, renames and deletes properties; adds a rollup', async () => {
    const { partnersDs } = await blueprint();
    const updated = await notion.dataSources.update({
      data_source_id: partnersDs,
      properties: {
        Owner: { rich_text: {} },
        Website: null,
        Score: { name: 'Fit score' },
        Total: {
          rollup: { function: 'sum', relation_property_name: 'Activities', rollup_property_name: 'Amount' },
        },
      },
    });
    if (!isFullDataSource(updated)) throw new Error('partial');
    expect(Object.keys(updated.properties)).toEqual(
      expect.arrayContaining(['Owner', 'Fit score', 'Total', 'Activities']),
    );
    expect(updated.properties.Website).toBeUndefined();
    const error = await apiError(
      notion.dataSources.update({ data_source_id: partnersDs, properties: { Name: null } }),
    );
    expect(error.code).toBe(APIErrorCode.ValidationError);
  });

  it('a second data source makes database_id parents ambiguous', async () => {
    const { partners, partnersDs } = await blueprint();
    const second = await notion.dataSources.create({
      parent: { database_id: partners.id },
      title: text('Archive'),
      properties: { Name: { title: {} } },
    });
    expect(second.object).toBe('data_source');
    const retrieved = await notion.databases.retrieve({ database_id: partners.id });
    expect(isFullDatabase(retrieved) && retrieved.data_sources.map((d) => d.id)).toEqual([
      partnersDs,
      second.id,
    ]);
    const error = await apiError(
      notion.pages.create({
        parent: { database_id: partners.id },
        properties: { Name: { title: text('x') } },
      }),
    );
    expect(error.code).toBe(APIErrorCode.ValidationError);
  });

  it('search finds shared pages and data sources by title', async () => {
    await blueprint();
    fake.seedRootPage('Secret plans', { shared: false });
    const found = await notion.search({
      query: 'partner',
      filter: { property: 'object', value: 'data_source' },
    });
    expect(found.results.map((r) => r.object)).toEqual(['data_source']);
    const pages = await notion.search({ query: 'secret' });
    expect(pages.results).toEqual([]);
  });
});

describe('pages and property values', () => {
  beforeEach(() => start());

  it('creates, retrieves and updates a page with every blueprint property type', async () => {
    const { partnersDs } = await blueprint();
    const page = await createPartner(partnersDs, 'Acme', {
      Stage: { select: { name: 'Launched' } },
      Types: { multi_select: [{ name: 'Referral' }, { name: 'Marketplace' }] },
      Score: { number: 42 },
      Notes: { rich_text: text('Good fit') },
      Start: { date: { start: '2025-10-01' } },
      Active: { checkbox: true },
      Website: { url: 'https://acme.example' },
    });
    expect(page.parent).toEqual({
      type: 'data_source_id',
      data_source_id: partnersDs,
      database_id: expect.any(String),
    });
    expect(prop(page, 'Stage', 'select').select?.name).toBe('Launched');
    expect(prop(page, 'Types', 'multi_select').multi_select.map((o) => o.name)).toEqual([
      'Referral',
      'Marketplace',
    ]);
    expect(prop(page, 'Start', 'date').date).toEqual({ start: '2025-10-01', end: null, time_zone: null });
    // Writing a new select option name adds the option to the schema, as Notion does.
    const schema = await notion.dataSources.retrieve({ data_source_id: partnersDs });
    const types = isFullDataSource(schema) ? schema.properties.Types : undefined;
    expect(types?.type === 'multi_select' && types.multi_select.options.map((o) => o.name)).toContain(
      'Marketplace',
    );

    await notion.pages.update({
      page_id: page.id,
      properties: { Score: { number: 7 }, Stage: { select: null } },
    });
    const again = await notion.pages.retrieve({ page_id: page.id });
    if (!isFullPage(again)) throw new Error('partial');
    expect(prop(again, 'Score', 'number').number).toBe(7);
    expect(prop(again, 'Stage', 'select').select).toBeNull();
    expect(titleOf(again)).toBe('Acme');

    // Updating a select's options replaces the list: an option left out is removed, one sent again keeps its id.
    const before = await notion.dataSources.retrieve({ data_source_id: partnersDs });
    const beforeTypes = isFullDataSource(before) ? before.properties.Types : undefined;
    const referralId =
      beforeTypes?.type === 'multi_select'
        ? beforeTypes.multi_select.options.find((o) => o.name === 'Referral')?.id
        : '';
    await notion.dataSources.update({
      data_source_id: partnersDs,
      properties: { Types: { multi_select: { options: [{ name: 'Referral' }, { name: 'Influencer' }] } } },
    });
    const after = await notion.dataSources.retrieve({ data_source_id: partnersDs });
    const afterTypes = isFullDataSource(after) ? after.properties.Types : undefined;
    const options = afterTypes?.type === 'multi_select' ? afterTypes.multi_select.options : [];
    expect(options.map((o) => o.name)).toEqual(['Referral', 'Influencer']);
    expect(options[0]?.id).toBe(referralId);
  });

  it('rejects unknown properties and mistyped values with validation_error', async () => {
    const { partnersDs } = await blueprint();
    const page = await createPartner(partnersDs, 'Acme');
    const unknown = await apiError(
      notion.pages.update({ page_id: page.id, properties: { Nope: { number: 1 } } }),
    );
    expect(unknown.code).toBe(APIErrorCode.ValidationError);
    expect(unknown.message).toBe('Nope is not a property that exists.');
    const wrongType = await apiError(
      notion.pages.update({ page_id: page.id, properties: { Score: { rich_text: text('high') } } }),
    );
    expect(wrongType.message).toBe('Score is expected to be number.');
    const wrongValue = await apiError(
      notion.pages.update({
        page_id: page.id,
        properties: { Score: { number: 'high' as unknown as number } },
      }),
    );
    expect(wrongValue.code).toBe(APIErrorCode.ValidationError);
    expect(wrongValue.status).toBe(400);
    expect(JSON.parse(wrongValue.body)).toMatchObject({
      object: 'error',
      status: 400,
      code: 'validation_error',
    });
    expect(wrongValue.request_id).toEqual(expect.any(String));
    // Nothing of a rejected write is applied.
    const after = await notion.pages.retrieve({ page_id: page.id });
    expect(isFullPage(after) && prop(after, 'Score', 'number').number).toBeNull();
  });

  it('trashes and restores pages with in_trash; a trashed page cannot be edited', async () => {
    const { partnersDs } = await blueprint();
    const page = await createPartner(partnersDs, 'Acme');
    const trashed = await notion.pages.update({ page_id: page.id, in_trash: true });
    expect(isFullPage(trashed) && trashed.in_trash).toBe(true);
    expect((await notion.dataSources.query({ data_source_id: partnersDs })).results).toHaveLength(0);
    const error = await apiError(
      notion.pages.update({ page_id: page.id, properties: { Score: { number: 1 } } }),
    );
    expect(error.code).toBe(APIErrorCode.ValidationError);
    await notion.pages.update({ page_id: page.id, in_trash: false });
    expect((await notion.dataSources.query({ data_source_id: partnersDs })).results).toHaveLength(1);
  });

  it('creates child pages with content under a page', async () => {
    const { root } = await blueprint();
    const child = await notion.pages.create({
      parent: { page_id: root },
      properties: { title: { title: text('Co-Sell playbook') } },
      children: [paragraph('Intro'), { heading_2: { rich_text: text('Steps') } }],
    });
    const blocks = await notion.blocks.children.list({ block_id: child.id });
    expect(blocks.results.filter(isFullBlock).map((b) => b.type)).toEqual(['paragraph', 'heading_2']);
    const rootChildren = await notion.blocks.children.list({ block_id: root });
    const last = rootChildren.results.filter(isFullBlock).at(-1);
    expect(last?.type === 'child_page' && last.child_page.title).toBe('Co-Sell playbook');
  });
});

describe('sharing', () => {
  beforeEach(() => start());

  it('objects not shared with the integration are 404 object_not_found; children of shared pages are shared', async () => {
    const hidden = fake.seedRootPage('Private', { shared: false });
    const inner = fake.seedPage({
      parent: { page_id: hidden },
      properties: { title: { title: text('Inner') } },
    });
    for (const call of [
      notion.pages.retrieve({ page_id: hidden }),
      notion.pages.retrieve({ page_id: inner }),
      notion.blocks.children.list({ block_id: hidden }),
      notion.databases.create({ parent: { type: 'page_id', page_id: hidden }, title: text('X') }),
    ]) {
      const error = await apiError(call);
      expect(error.code).toBe(APIErrorCode.ObjectNotFound);
      expect(error.status).toBe(404);
    }
    fake.share(hidden);
    const page = await notion.pages.retrieve({ page_id: inner });
    expect(isFullPage(page) && titleOf(page)).toBe('Inner');
  });
});

describe('page property items', () => {
  beforeEach(() => start());

  it('retrieve-a-page truncates relations at 25; the property item endpoint paginates all of them', async () => {
    const { partnersDs, activitiesDs } = await blueprint();
    const partner = await createPartner(partnersDs, 'Acme');
    const activityIds = Array.from({ length: 60 }, (_, i) =>
      fake.seedPage({
        parent: { data_source_id: activitiesDs },
        properties: { Name: { title: text(`A${i}`) } },
      }),
    );
    await notion.pages.update({
      page_id: partner.id,
      properties: { Activities: { relation: activityIds.map((id) => ({ id })) } },
    });
    const page = await notion.pages.retrieve({ page_id: partner.id });
    if (!isFullPage(page)) throw new Error('partial');
    const shown = prop(page, 'Activities', 'relation') as ReturnType<typeof prop<'relation'>> & {
      has_more: boolean;
    };
    expect(shown.relation).toHaveLength(25);
    expect(shown.has_more).toBe(true);

    const ids: string[] = [];
    let cursor: string | undefined;
    let calls = 0;
    do {
      const list = await notion.pages.properties.retrieve({
        page_id: partner.id,
        property_id: shown.id,
        page_size: 25,
        start_cursor: cursor,
      });
      calls += 1;
      if (list.object !== 'list') throw new Error('expected a list');
      expect(list.property_item.type).toBe('relation');
      for (const item of list.results) if (item.type === 'relation') ids.push(item.relation.id);
      cursor = list.next_cursor ?? undefined;
    } while (cursor);
    expect(calls).toBe(3);
    expect(ids).toEqual(activityIds);
  });
});

describe('blocks', () => {
  beforeEach(() => start());

  it('appends in batches of 100, lists children over several pages, inserts after a block', async () => {
    const root = fake.seedRootPage('Playbook');
    for (let batch = 0; batch < 3; batch += 1) {
      const size = batch === 2 ? 50 : 100;
      const appended = await notion.blocks.children.append({
        block_id: root,
        children: Array.from({ length: size }, (_, i) => paragraph(`P${batch * 100 + i}`)),
      });
      expect(appended.results).toHaveLength(size);
    }
    const all = await collectPaginatedAPI(notion.blocks.children.list, { block_id: root });
    expect(all).toHaveLength(250);
    expect(fake.count('blocks.children.list')).toBe(3);
    const first = all[0]!;
    await notion.blocks.children.append({
      block_id: root,
      children: [paragraph('Inserted')],
      after: first.id,
    });
    const head = await notion.blocks.children.list({ block_id: root, page_size: 2 });
    const second = head.results[1];
    expect(
      second &&
        isFullBlock(second) &&
        second.type === 'paragraph' &&
        second.paragraph.rich_text[0]?.plain_text,
    ).toBe('Inserted');
    expect(head.has_more).toBe(true);
  });

  it('updates and deletes blocks (delete moves to trash)', async () => {
    const root = fake.seedRootPage('Page');
    const { results } = await notion.blocks.children.append({
      block_id: root,
      children: [{ to_do: { rich_text: text('Sign'), checked: false } }, paragraph('Bye')],
    });
    const [todo, bye] = results;
    await notion.blocks.update({ block_id: todo!.id, to_do: { checked: true } });
    const updated = await notion.blocks.retrieve({ block_id: todo!.id });
    expect(isFullBlock(updated) && updated.type === 'to_do' && updated.to_do.checked).toBe(true);
    const deleted = await notion.blocks.delete({ block_id: bye!.id });
    expect(isFullBlock(deleted) && deleted.in_trash).toBe(true);
    const list = await notion.blocks.children.list({ block_id: root });
    expect(list.results.map((b) => b.id)).toEqual([todo!.id]);
    const error = await apiError(
      notion.blocks.update({ block_id: todo!.id, paragraph: { rich_text: text('x') } }),
    );
    expect(error.code).toBe(APIErrorCode.ValidationError);
    expect(error.message).toContain('does not match the existing block type to_do');
  });
});

describe('request limits', () => {
  beforeEach(() => start());

  it('rich text: 2,001 characters in one item, or 101 items, is a validation_error', async () => {
    const root = fake.seedRootPage('Page');
    const long = await apiError(
      notion.blocks.children.append({ block_id: root, children: [paragraph('x'.repeat(2001))] }),
    );
    expect(long.code).toBe(APIErrorCode.ValidationError);
    expect(long.message).toBe(
      'body failed validation: body.children[0].paragraph.rich_text[0].text.content.length should be ≤ `2000`, instead was `2001`.',
    );
    await notion.blocks.children.append({ block_id: root, children: [paragraph('x'.repeat(2000))] });
    const many = await apiError(
      notion.blocks.children.append({
        block_id: root,
        children: [{ paragraph: { rich_text: Array.from({ length: 101 }, () => text('a')[0]!) } }],
      }),
    );
    expect(many.message).toContain('rich_text.length should be ≤ `100`, instead was `101`');
  });

  it('101 children, 3 nesting levels or 1,001 blocks in one request is a validation_error', async () => {
    const root = fake.seedRootPage('Page');
    const tooMany = await apiError(
      notion.blocks.children.append({
        block_id: root,
        children: Array.from({ length: 101 }, () => paragraph('p')),
      }),
    );
    expect(tooMany.message).toBe(
      'body failed validation: body.children.length should be ≤ `100`, instead was `101`.',
    );
    const toggle = (children?: unknown[]) => ({
      toggle: { rich_text: text('t'), ...(children ? { children } : {}) },
    });
    // Two levels below the request's own children are fine...
    await notion.blocks.children.append({
      block_id: root,
      children: [toggle([toggle([paragraph('ok')])])] as BlockObjectRequest[],
    });
    // ...a third is not.
    const deep = await apiError(
      notion.blocks.children.append({
        block_id: root,
        children: [toggle([toggle([toggle([paragraph('too deep')])])])] as unknown as BlockObjectRequest[],
      }),
    );
    expect(deep.code).toBe(APIErrorCode.ValidationError);
    expect(deep.message).toContain(
      'body.children[0].toggle.children[0].toggle.children[0].toggle.children should be not present',
    );
    const wide = Array.from({ length: 100 }, () => toggle(Array.from({ length: 10 }, () => paragraph('p'))));
    const total = await apiError(
      notion.blocks.children.append({ block_id: root, children: wide as BlockObjectRequest[] }),
    );
    expect(total.message).toContain('at most 1000 blocks');
    expect(fake.childrenOf(root)).toHaveLength(1);
  });

  it('more than 100 relation ids in one write, or a payload over 500 KB, is a validation_error', async () => {
    const { partnersDs, activitiesDs } = await blueprint();
    const partnerIds = Array.from({ length: 101 }, (_, i) =>
      fake.seedPage({
        parent: { data_source_id: partnersDs },
        properties: { Name: { title: text(`P${i}`) } },
      }),
    );
    const error = await apiError(
      notion.pages.create({
        parent: { data_source_id: activitiesDs },
        properties: {
          Name: { title: text('Kickoff') },
          Partner: { relation: partnerIds.map((id) => ({ id })) },
        },
      }),
    );
    expect(error.message).toBe(
      'body failed validation: body.properties.Partner.relation.length should be ≤ `100`, instead was `101`.',
    );
    expect(fake.rows(activitiesDs)).toHaveLength(0);
    const root = fake.seedRootPage('Big');
    const big = Array.from({ length: 100 }, () => ({
      paragraph: { rich_text: Array.from({ length: 3 }, () => text('y'.repeat(2000))[0]!) },
    }));
    const tooBig = await apiError(notion.blocks.children.append({ block_id: root, children: big }));
    expect(tooBig.message).toContain('should be ≤ 500KB');
  });

  it('relations only accept pages of the target data source', async () => {
    const { activitiesDs } = await blueprint();
    const stranger = fake.seedRootPage('Not a partner');
    const error = await apiError(
      notion.pages.create({
        parent: { data_source_id: activitiesDs },
        properties: { Name: { title: text('x') }, Partner: { relation: [{ id: stranger }] } },
      }),
    );
    expect(error.code).toBe(APIErrorCode.ValidationError);
  });
});

describe('dual relations', () => {
  beforeEach(() => start());

  it('writing either side updates the synced property on the other, adding and removing', async () => {
    const { partnersDs, activitiesDs } = await blueprint();
    const acme = await createPartner(partnersDs, 'Acme');
    const globex = await createPartner(partnersDs, 'Globex');
    const kickoff = await notion.pages.create({
      parent: { data_source_id: activitiesDs },
      properties: {
        Name: { title: text('Kickoff') },
        Partner: { relation: [{ id: acme.id }, { id: globex.id }] },
      },
    });
    const related = (page: PageObjectResponse, name: string) =>
      prop(page, name, 'relation').relation.map((r) => r.id);
    expect(related(fake.page(acme.id), 'Activities')).toEqual([kickoff.id]);
    expect(related(fake.page(globex.id), 'Activities')).toEqual([kickoff.id]);

    // Removing from the activity's side removes it from the partner's side.
    await notion.pages.update({
      page_id: kickoff.id,
      properties: { Partner: { relation: [{ id: acme.id }] } },
    });
    expect(related(fake.page(globex.id), 'Activities')).toEqual([]);

    // Writing the partner's side updates the activity's side.
    const review = fake.seedPage({
      parent: { data_source_id: activitiesDs },
      properties: { Name: { title: text('PBR') } },
    });
    await notion.pages.update({
      page_id: globex.id,
      properties: { Activities: { relation: [{ id: review }] } },
    });
    expect(related(fake.page(review), 'Partner')).toEqual([globex.id]);
    await notion.pages.update({ page_id: acme.id, properties: { Activities: { relation: [] } } });
    expect(related(fake.page(kickoff.id), 'Partner')).toEqual([]);
  });
});

describe('queries', () => {
  beforeEach(() => start());

  it('filters on every blueprint property type with and/or, and sorts', async () => {
    const { partnersDs, activitiesDs } = await blueprint();
    const acme = await createPartner(partnersDs, 'Acme', {
      Stage: { select: { name: 'Launched' } },
      Types: { multi_select: [{ name: 'Referral' }] },
      Score: { number: 80 },
      Notes: { rich_text: text('Strong referral partner') },
      Start: { date: { start: '2025-10-01' } },
      Active: { checkbox: true },
    });
    await createPartner(partnersDs, 'Globex', {
      Stage: { select: { name: 'Candidate' } },
      Score: { number: 55 },
    });
    const initech = await createPartner(partnersDs, 'Initech', {
      Score: { number: 91 },
      Types: { multi_select: [{ name: 'Co-Sell' }] },
    });
    await notion.pages.create({
      parent: { data_source_id: activitiesDs },
      properties: { Name: { title: text('Kickoff') }, Partner: { relation: [{ id: acme.id }] } },
    });
    const names = async (filter: unknown, sorts?: unknown) => {
      const result = await notion.dataSources.query({
        data_source_id: partnersDs,
        filter: filter as never,
        sorts: sorts as never,
      });
      return result.results.filter(isFullPage).map(titleOf);
    };
    expect(await names({ property: 'Name', title: { contains: 'glob' } })).toEqual(['Globex']);
    expect(await names({ property: 'Notes', rich_text: { contains: 'referral' } })).toEqual(['Acme']);
    expect(
      await names({ property: 'Score', number: { greater_than_or_equal_to: 80 } }, [
        { property: 'Score', direction: 'descending' },
      ]),
    ).toEqual(['Initech', 'Acme']);
    expect(await names({ property: 'Stage', select: { equals: 'Candidate' } })).toEqual(['Globex']);
    expect(await names({ property: 'Stage', select: { is_empty: true } })).toEqual(['Initech']);
    expect(await names({ property: 'Types', multi_select: { contains: 'Co-Sell' } })).toEqual(['Initech']);
    expect(await names({ property: 'Start', date: { on_or_after: '2025-09-30' } })).toEqual(['Acme']);
    expect(await names({ property: 'Active', checkbox: { equals: true } })).toEqual(['Acme']);
    expect(await names({ property: 'Activities', relation: { is_not_empty: true } })).toEqual(['Acme']);
    expect(
      await names({ property: 'Activities', relation: { contains: fake.rows(activitiesDs)[0]!.id } }),
    ).toEqual(['Acme']);
    expect(
      await names(
        {
          or: [
            { property: 'Score', number: { less_than: 60 } },
            {
              and: [
                { property: 'Active', checkbox: { equals: false } },
                { property: 'Score', number: { greater_than: 90 } },
              ],
            },
          ],
        },
        [{ property: 'Name', direction: 'ascending' }],
      ),
    ).toEqual(['Globex', 'Initech']);
    expect(initech.id).toBeDefined();
    const wrong = await apiError(
      notion.dataSources.query({
        data_source_id: partnersDs,
        filter: { property: 'Score', select: { equals: 'x' } },
      }),
    );
    expect(wrong.code).toBe(APIErrorCode.ValidationError);
    const missing = await apiError(
      notion.dataSources.query({
        data_source_id: partnersDs,
        filter: { property: 'Nope', number: { equals: 1 } },
      }),
    );
    expect(missing.code).toBe(APIErrorCode.ValidationError);
  });

  it('paginates over more than 100 rows with cursors; page_size above 100 is rejected', async () => {
    const { partnersDs } = await blueprint();
    for (let i = 0; i < 250; i += 1) {
      fake.seedPage({
        parent: { data_source_id: partnersDs },
        properties: { Name: { title: text(`P${i}`) } },
      });
    }
    fake.clearLog();
    const first = await notion.dataSources.query({ data_source_id: partnersDs });
    expect(first.results).toHaveLength(100);
    expect(first.has_more).toBe(true);
    const rows = await collectPaginatedAPI(notion.dataSources.query, { data_source_id: partnersDs });
    expect(rows).toHaveLength(250);
    expect(new Set(rows.map((r) => r.id)).size).toBe(250);
    const error = await apiError(notion.dataSources.query({ data_source_id: partnersDs, page_size: 101 }));
    expect(error.message).toBe(
      'body failed validation: body.page_size should be ≤ `100`, instead was `101`.',
    );
  });

  it('stops at 10,000 results: has_more false and request_status incomplete', async () => {
    const { partnersDs } = await blueprint();
    for (let i = 0; i < 10_050; i += 1) {
      fake.seedPage({
        parent: { data_source_id: partnersDs },
        properties: { Name: { title: text(`P${i}`) }, Score: { number: i % 2 } },
      });
    }
    let count = 0;
    let cursor: string | undefined;
    let incomplete = false;
    let last: Awaited<ReturnType<typeof notion.dataSources.query>> | undefined;
    do {
      last = await notion.dataSources.query({
        data_source_id: partnersDs,
        start_cursor: cursor,
        filter_properties: ['title'],
      });
      count += last.results.length;
      incomplete ||= last.request_status?.type === 'incomplete';
      cursor = last.next_cursor ?? undefined;
    } while (cursor);
    expect(count).toBe(10_000);
    expect(last.has_more).toBe(false);
    expect(incomplete).toBe(true);
    expect(last.request_status).toEqual({
      type: 'incomplete',
      incomplete_reason: 'query_result_limit_reached',
    });
    // A narrower query (under 10,000 matches) is complete.
    const half = await notion.dataSources.query({
      data_source_id: partnersDs,
      filter: { property: 'Score', number: { equals: 1 } },
    });
    expect(half.request_status).toBeUndefined();
  }, 20_000);
});

describe('last_edited_time', () => {
  it('is rounded down to the minute, and a timestamp filter compares the rounded value', async () => {
    const clock = new FakeClock('2025-09-15T10:00:10.000Z');
    await start({ clock });
    const { partnersDs } = await blueprint();
    const early = await createPartner(partnersDs, 'Early');
    expect(early.last_edited_time).toBe('2025-09-15T10:00:00.000Z');
    expect(early.created_time).toBe('2025-09-15T10:00:00.000Z');
    const late = await createPartner(partnersDs, 'Late');
    clock.set('2025-09-15T10:05:45.000Z');
    fake.editPage(late.id, { Score: { number: 3 } });
    const edited = fake.page(late.id);
    expect(edited.last_edited_time).toBe('2025-09-15T10:05:00.000Z');
    expect(edited.last_edited_by.id).toBe(fake.state.personId);

    const since = async (iso: string) => {
      const result = await notion.dataSources.query({
        data_source_id: partnersDs,
        filter: { timestamp: 'last_edited_time', last_edited_time: { on_or_after: iso } },
      });
      return result.results.filter(isFullPage).map(titleOf);
    };
    // The edit happened at 10:05:45, but a cursor of 10:05:30 misses it: Notion stored 10:05:00.
    expect(await since('2025-09-15T10:05:30.000Z')).toEqual([]);
    // Querying from the cursor minus an overlap of a minute finds it.
    expect(await since('2025-09-15T10:04:30.000Z')).toEqual(['Late']);
    const before = await notion.dataSources.query({
      data_source_id: partnersDs,
      filter: { timestamp: 'last_edited_time', last_edited_time: { before: '2025-09-15T10:01:00.000Z' } },
      sorts: [{ timestamp: 'last_edited_time', direction: 'descending' }],
    });
    expect(before.results.filter(isFullPage).map(titleOf)).toEqual(['Early']);
  });
});

describe('faults and rate limits', () => {
  it('the SDK honours Retry-After on injected 429s and then succeeds', async () => {
    await start();
    const sent: number[] = [];
    const client = new Client({
      ...fake.clientOptions({ logLevel: LogLevel.ERROR }),
      fetch: (url, init) => {
        sent.push(Date.now());
        return fetch(url, init);
      },
    });
    const root = fake.seedRootPage('Root');
    fake.clearLog();
    fake.injectFaults({ seed: seedFor([true, false], 0.5), rateLimited: 0.5, retryAfterSeconds: 1 });
    const page = await client.pages.create({
      parent: { page_id: root },
      properties: { title: { title: text('Once') } },
    });
    fake.injectFaults(undefined);
    const calls = fake.callsTo('pages.create');
    expect(calls.map((c) => [c.status, c.fault])).toEqual([
      [429, 'rate_limited'],
      [200, undefined],
    ]);
    expect(sent).toHaveLength(2);
    expect(sent[1]! - sent[0]!).toBeGreaterThanOrEqual(950);
    expect(fake.childrenOf(root).map((b) => b.id)).toEqual([page.id]);
  });

  it('without retries the client sees rate_limited with Retry-After from the token bucket', async () => {
    await start({ rateLimit: { rate: 3, burst: 2 } });
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => notion.users.me({})));
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected.length).toBeGreaterThanOrEqual(2);
    const error = (rejected[0] as PromiseRejectedResult).reason as APIResponseError;
    expect(error.code).toBe(APIErrorCode.RateLimited);
    expect(error.status).toBe(429);
    expect(Number((error.headers as Headers).get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('a create that failed after being applied exists; a blind retry duplicates it', async () => {
    await start();
    const { partnersDs } = await blueprint();
    const create = () =>
      notion.pages.create({
        parent: { data_source_id: partnersDs },
        properties: { Name: { title: text('Acme') } },
      });
    fake.injectFaults({ seed: 7, failAfterApply: 1 });
    // The write is applied, then the response is lost: a 502 gateway page or a dropped connection.
    await expect(create()).rejects.toBeDefined();
    expect(fake.rows(partnersDs).map(titleOf)).toEqual(['Acme']);
    // Retrying blindly (the SDK itself never retries a POST on 5xx) creates a second page.
    await expect(create()).rejects.toBeDefined();
    fake.injectFaults(undefined);
    expect(fake.rows(partnersDs).map(titleOf)).toEqual(['Acme', 'Acme']);
    const outcomes = fake.callsTo('pages.create').map((c) => [c.fault, c.status]);
    expect(outcomes).toEqual(
      expect.arrayContaining([
        ['fail_after_apply', 502],
        ['fail_after_apply', -1],
      ]),
    );
  });

  it('the call log counts calls by endpoint', async () => {
    await start();
    const { partnersDs } = await blueprint();
    await createPartner(partnersDs, 'A');
    await createPartner(partnersDs, 'B');
    await notion.dataSources.query({ data_source_id: partnersDs });
    expect(fake.count('databases.create')).toBe(2);
    expect(fake.count('pages.create')).toBe(2);
    expect(fake.count('dataSources.query')).toBe(1);
    expect(fake.count('pages.update')).toBe(0);
    expect(fake.server.count('POST', /^\/v1\/pages$/)).toBe(2);
  });
});
