// Every request body of a full install, type-checked against the SDKs' own types, and the Notion-Version it sends, pinned.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTION_VERSION } from '../src/targets/notion/api.js';
import { cliEnvFor, loginGoogle } from './fakes/cli-env.js';
import { createFakeGoogle } from './fakes/google/index.js';
import { createFakeNotion } from './fakes/notion/index.js';
import {
  bodyRouteOf,
  formatDiagnostics,
  planTypecheck,
  type RecordedRequest,
  requestsWithBodies,
  type TypecheckPlan,
  typecheckBodies,
} from './helpers/request-typecheck.js';
import { type CliRun, cli } from './helpers.js';

/** The Notion API version the product sends (src/targets/notion/api.ts NOTION_VERSION), pinned here on purpose. */
const PRODUCT_NOTION_VERSION = '2026-03-11';

describe('the body type check itself', () => {
  const view = (body: unknown): RecordedRequest => ({
    service: 'notion',
    method: 'POST',
    path: '/v1/views',
    query: '',
    body,
  });

  it('reports a missing parent, two parents, a missing field, a misspelt field and a wrong nested shape', () => {
    const plan = planTypecheck([
      // The views bug that reached a real workspace: no database_id, view_id or create_database.
      view({ data_source_id: 'ds', name: 'All', type: 'table' }),
      view({ data_source_id: 'ds', database_id: 'db', view_id: 'v', name: 'All', type: 'table' }),
      view({ data_source_id: 'ds', database_id: 'db', type: 'table' }),
      view({ data_source_id: 'ds', database_id: 'db', databse_id: 'db', name: 'All', type: 'table' }),
      view({
        data_source_id: 'ds',
        database_id: 'db',
        name: 'Board',
        type: 'board',
        configuration: { type: 'board', bogus: 1 },
      }),
      view({ data_source_id: 'ds', database_id: 'db', name: 'All', type: 'table' }),
    ]);
    expect(plan.unmapped).toEqual([]);
    const diagnostics = typecheckBodies(plan.bodies, 'self-test');
    const text = formatDiagnostics(diagnostics);
    expect(diagnostics.length, text).toBe(5);
    expect(text).toContain("'name'");
    expect(text).toContain('databse_id');
    expect(text).toContain('bogus');
    expect(diagnostics.every((d) => d.label.startsWith('notion POST /v1/views'))).toBe(true);
  });

  it('treats a body on an unmapped endpoint, or a non-JSON body, as a failure', () => {
    const plan = planTypecheck([
      { service: 'notion', method: 'POST', path: '/v1/comments', query: '', body: { x: 1 } },
      {
        service: 'google',
        method: 'POST',
        path: '/v4/spreadsheets/abc:batchUpdate',
        query: '',
        body: undefined,
      },
    ]);
    expect(plan.bodies).toEqual([]);
    expect(plan.unmapped).toEqual([
      'notion POST /v1/comments',
      'google POST /v4/spreadsheets/abc:batchUpdate (body is not JSON)',
    ]);
  });

  it('maps path-param endpoints to the body type without the path params', () => {
    expect(bodyRouteOf('notion', 'PATCH', '/v1/blocks/abc/children')?.type).toContain("'block_id'");
    expect(bodyRouteOf('notion', 'PATCH', '/v1/blocks/abc')?.type).toContain('UpdateBlockParameters');
    expect(bodyRouteOf('google', 'PUT', '/v4/spreadsheets/s1/values/Start!A1%3AB2')?.type).toBe(
      'sheets_v4.Schema$ValueRange',
    );
    expect(bodyRouteOf('google', 'POST', '/v4/spreadsheets/s1/values/Start!A1:append')?.type).toBe(
      'sheets_v4.Schema$ValueRange',
    );
    expect(bodyRouteOf('notion', 'DELETE', '/v1/blocks/abc')).toBeUndefined();
  });
});

describe('install --target all request bodies', () => {
  // The fake answers only the Notion-Version the product is written against: a client sending any other
  // (the SDK's default 2025-09-03, or a later one) gets a 400 on its first request and the install fails.
  const notion = createFakeNotion({ recordBodies: true, versions: [PRODUCT_NOTION_VERSION] });
  const google = createFakeGoogle({ recordBodies: true });
  let plan: TypecheckPlan;
  let install: CliRun;

  beforeAll(async () => {
    await Promise.all([notion.listen(), google.listen()]);
    const env = cliEnvFor(notion, google);
    const login = await loginGoogle(google, env);
    expect(login.code, login.stderr).toBe(0);
    const root = notion.seedRootPage('Program');
    // Bodies are checked even when the install fails part-way: a body the API rejects is the case to explain.
    install = await cli(['--json', 'install', '--target', 'all', '--root', root], { env });
    plan = planTypecheck([
      ...requestsWithBodies('notion', notion.calls),
      ...requestsWithBodies('google', google.calls),
    ]);
  }, 120_000);
  afterAll(() => Promise.all([notion.close(), google.close()]));

  it('installs (exit 0), so the log holds a complete run', () => {
    expect(install.code, install.stderr).toBe(0);
  });

  it(`sends Notion-Version ${PRODUCT_NOTION_VERSION} on every Notion request (the fake accepts no other)`, () => {
    expect(notion.calls.length).toBeGreaterThan(100);
    expect(notion.calls.filter((c) => c.status === 400)).toEqual([]);
    expect(NOTION_VERSION).toBe(PRODUCT_NOTION_VERSION);
  });

  it('records the bodies of every kind of write the install makes', () => {
    const labels = plan.bodies.map((b) => b.label);
    for (const prefix of [
      'notion POST /v1/pages',
      'notion POST /v1/databases',
      'notion POST /v1/views',
      'notion PATCH /v1/blocks/',
      'google POST /v4/spreadsheets',
      'google POST /v1/projects',
      'google PUT /v1/projects/',
    ])
      expect(
        labels.some((l) => l.startsWith(prefix)),
        prefix,
      ).toBe(true);
  });

  it('maps every request that has a body to a body type', () => {
    expect(plan.unmapped).toEqual([]);
  });

  it('type-checks every body with 0 diagnostics', () => {
    const diagnostics = typecheckBodies(plan.bodies, 'install-all');
    expect(diagnostics.length, `\n${formatDiagnostics(diagnostics)}`).toBe(0);
  });
});
