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
});
