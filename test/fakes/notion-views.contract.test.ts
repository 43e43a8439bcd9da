// Contract tests of the fake's views endpoints with the official client: create, retrieve, list, and errors.
// Rules traced to Notion's reference are in notion/CONFORMANCE.md and proved in notion.conformance.test.ts.
import { APIErrorCode, APIResponseError, type Client, isFullDataSource } from '@notionhq/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeNotion } from './notion/index.js';

const fake = createFakeNotion();
let notion: Client;
let databaseId: string;
let dataSourceId: string;
let props: Record<string, string>;

beforeAll(async () => {
  await fake.listen();
  notion = fake.client({ retry: false });
  const root = fake.seedRootPage('Views root');
  const { databaseId: db, dataSourceId: ds } = fake.seedDatabase({
    parentPageId: root,
    title: 'Partners',
    properties: {
      Partner: { title: {} },
      Stage: { select: { options: [{ name: 'Sourced' }] } },
      Due: { date: {} },
      Notes: { rich_text: {} },
    },
  });
  databaseId = db;
  dataSourceId = ds;
  const schema = await notion.dataSources.retrieve({ data_source_id: ds });
  props = isFullDataSource(schema)
    ? Object.fromEntries(Object.entries(schema.properties).map(([n, p]) => [n, p.id]))
    : {};
});
afterAll(() => fake.close());

async function apiError(run: () => Promise<unknown>): Promise<APIResponseError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof APIResponseError) return error;
    throw error;
  }
  throw new Error('expected an API error');
}

describe('views', () => {
  it('creates a board grouped by a select and a calendar on a date, then lists and retrieves them', async () => {
    const board = await notion.views.create({
      database_id: databaseId,
      data_source_id: dataSourceId,
      name: 'By stage',
      type: 'board',
      configuration: {
        type: 'board',
        group_by: { type: 'select', property_id: props.Stage!, sort: { type: 'manual' } },
      },
    });
    const calendar = await notion.views.create({
      database_id: databaseId,
      data_source_id: dataSourceId,
      name: 'Calendar',
      type: 'calendar',
      configuration: { type: 'calendar', date_property_id: props.Due! },
    });
    // The database came with its default table view; the new views follow it in tab order.
    const listed = await notion.views.list({ data_source_id: dataSourceId });
    expect(listed.results.map((r) => r.id).slice(1)).toEqual([board.id, calendar.id]);
    const byDatabase = await notion.views.list({ database_id: databaseId });
    expect(byDatabase.results).toEqual(listed.results);
    const again = await notion.views.retrieve({ view_id: board.id });
    expect('name' in again && again.name).toBe('By stage');
    expect(fake.count('views.create')).toBe(2);
  });

  it('rejects a board without group_by, a group_by on the wrong property type, and an unknown data source', async () => {
    const noGroup = await apiError(() =>
      notion.views.create({
        database_id: databaseId,
        data_source_id: dataSourceId,
        name: 'x',
        type: 'board',
      }),
    );
    expect(noGroup.code).toBe(APIErrorCode.ValidationError);
    const wrongType = await apiError(() =>
      notion.views.create({
        database_id: databaseId,
        data_source_id: dataSourceId,
        name: 'x',
        type: 'calendar',
        configuration: { type: 'calendar', date_property_id: props.Notes! },
      }),
    );
    expect(wrongType.code).toBe(APIErrorCode.ValidationError);
    expect(wrongType.message).toContain('must be a date property');
    const missing = await apiError(() =>
      notion.views.create({
        database_id: databaseId,
        data_source_id: 'eeeeeeee-0000-4000-8000-0000000fffff',
        name: 'x',
        type: 'table',
      }),
    );
    expect(missing.code).toBe(APIErrorCode.ObjectNotFound);
  });

  it('creates form views with and without a configuration, and reads the configuration back', async () => {
    const bare = await notion.views.create({
      database_id: databaseId,
      data_source_id: dataSourceId,
      name: 'Submit a lead',
      type: 'form',
    });
    const configured = await notion.views.create({
      database_id: databaseId,
      data_source_id: dataSourceId,
      name: 'Submit an opportunity',
      type: 'form',
      configuration: {
        type: 'form',
        is_form_closed: false,
        anonymous_submissions: false,
        submission_permissions: 'reader',
      },
    });
    const readBare = await notion.views.retrieve({ view_id: bare.id });
    expect('type' in readBare && readBare.type).toBe('form');
    const read = await notion.views.retrieve({ view_id: configured.id });
    expect('configuration' in read && read.configuration).toEqual({
      type: 'form',
      is_form_closed: false,
      anonymous_submissions: false,
      submission_permissions: 'reader',
    });
    const listed = await notion.views.list({ data_source_id: dataSourceId });
    expect(listed.results.map((r) => r.id)).toEqual(expect.arrayContaining([bare.id, configured.id]));
    // Closing the form later is an update of its configuration; the view stays a form.
    await notion.views.update({
      view_id: configured.id,
      configuration: { type: 'form', is_form_closed: true },
    });
    const closed = await notion.views.retrieve({ view_id: configured.id });
    expect('configuration' in closed && closed.configuration).toMatchObject({
      type: 'form',
      is_form_closed: true,
    });
  });

  it("rejects a form configuration of the wrong type or with values outside the reference's", async () => {
    const base = { database_id: databaseId, data_source_id: dataSourceId, name: 'Bad form', type: 'form' };
    const otherType = await apiError(() =>
      notion.views.create({ ...base, type: 'form', configuration: { type: 'table' } }),
    );
    expect(otherType.code).toBe(APIErrorCode.ValidationError);
    expect(otherType.message).toContain('configuration.type should be "form"');
    // Values the SDK's types cannot express go through the client's raw request, as a careless client would send them.
    const notBoolean = await apiError(() =>
      notion.request({
        path: 'views',
        method: 'post',
        body: { ...base, configuration: { type: 'form', is_form_closed: 'no' } },
      }),
    );
    expect(notBoolean.code).toBe(APIErrorCode.ValidationError);
    expect(notBoolean.message).toContain('is_form_closed should be a boolean');
    const unknownPermission = await apiError(() =>
      notion.request({
        path: 'views',
        method: 'post',
        body: { ...base, configuration: { type: 'form', submission_permissions: 'everyone' } },
      }),
    );
    expect(unknownPermission.code).toBe(APIErrorCode.ValidationError);
    expect(unknownPermission.message).toContain('submission_permissions should be one of');
    // Types the fake still does not model fail loudly instead of being stored half-understood.
    const chart = await apiError(() => notion.views.create({ ...base, type: 'chart', name: 'Chart' }));
    expect(chart.message).toContain('does not model chart views');
    const views = await notion.views.list({ data_source_id: dataSourceId });
    const names = await Promise.all(
      views.results.map(async (r) => {
        const v = await notion.views.retrieve({ view_id: r.id });
        return 'name' in v ? v.name : '';
      }),
    );
    expect(names).not.toContain('Bad form');
  });
});
