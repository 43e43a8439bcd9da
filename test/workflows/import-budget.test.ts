// A 5,000-row import within its call budget: ⌈partners/100⌉ queries to read Partners, one create per new partner.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { readRegistry } from '../../src/sync/notion-side.js';
import { NotionApi } from '../../src/targets/notion/api.js';
import { createFakeNotion, type Endpoint } from '../fakes/notion/index.js';
import { cli, tempDir } from '../helpers.js';

const notion = createFakeNotion();
const ws = compile(loadBlueprint(), parseConfig({}, 'test', '2027-01-04'));
const partnersDb = ws.databases.find((d) => d.key === 'db.partners')!;
const prop = (key: string) => partnersDb.properties.find((p) => p.key === key)!.name;
const EXISTING = 2_500;
const NEW = 2_500;
let env: NodeJS.ProcessEnv;
let root: string;
let partnersDs: string;
let path: string;

/** Calls by endpoint, every endpoint the run touched. */
function byEndpoint(): Partial<Record<Endpoint, number>> {
  const out: Partial<Record<Endpoint, number>> = {};
  const names: Endpoint[] = [
    'users.me',
    'search',
    'blocks.children.list',
    'dataSources.retrieve',
    'dataSources.query',
    'pages.create',
    'pages.retrieve',
    'pages.update',
    'blocks.children.append',
  ];
  for (const name of names) {
    const n = notion.count(name);
    if (n) out[name] = n;
  }
  return out;
}

beforeAll(async () => {
  await notion.listen();
  env = {
    NOTION_TOKEN: notion.token,
    PARTNERNOMICS_NOTION_URL: notion.baseUrl,
    PARTNERNOMICS_HOME: tempDir(),
    PARTNERNOMICS_NOTION_RATE: '2000',
  };
  root = notion.seedRootPage('Program');
  const installed = await cli(['--json', 'install', '--target', 'notion', '--root', root], { env });
  expect(installed.code, installed.stderr).toBe(0);
  const registry = await readRegistry(
    new NotionApi({ token: notion.token, baseUrl: notion.baseUrl }),
    root,
    ws.hub.title,
  );
  partnersDs = registry!.entries['db.partners']!.dataSourceId!;
  // Partners already there, as a person would have typed them (not in the call log).
  for (let i = 0; i < EXISTING; i++)
    notion.seedPage({
      parent: { data_source_id: partnersDs },
      properties: {
        [prop('name')]: { title: [{ text: { content: `Existing ${i}` } }] },
        [prop('website')]: { url: `https://existing-${i}.com` },
      },
    });
  // 5,000 rows: every existing partner again (another spelling of its website) and as many new ones, interleaved.
  const rows: string[] = ['Company,Website,Partnership type,Sourcing channel'];
  for (let i = 0; i < EXISTING; i++) {
    rows.push(`Existing ${i} Inc,HTTP://WWW.EXISTING-${i}.COM/about,Referral,Search`);
    rows.push(`New ${i},new-partner-${i}.com,Co-Sell,Business databases`);
  }
  path = join(tempDir(), 'big.csv');
  writeFileSync(path, `${rows.join('\n')}\n`);
}, 300_000);
afterAll(() => notion.close());

describe('import candidates at 5,000 rows', () => {
  const partners = () => EXISTING + 4; // the seeded ones and the install's four example partners

  it('reads Partners in ⌈partners/100⌉ queries and makes exactly one create per new partner', async () => {
    notion.clearLog();
    const run = await cli(['--json', 'import', 'candidates', path, '--root', root], { env });
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.rows).toBe(5_000);
    expect(report.imported).toBe(NEW);
    expect(report.duplicates).toHaveLength(EXISTING);
    expect(report.existing).toBe(partners());
    const calls = byEndpoint();
    // Registry: users.me once, the root's, the hub's and the registry page's children (the hub has over 100
    // blocks: 2 pages); schemas: Partners and the Ecosystem Map; queries: Partners, then the empty Ecosystem Map.
    expect(calls).toEqual({
      'users.me': 1,
      'blocks.children.list': calls['blocks.children.list'],
      'dataSources.retrieve': 2,
      'dataSources.query': Math.ceil(partners() / 100) + 1,
      'pages.create': NEW,
    });
    expect(calls['blocks.children.list']).toBeLessThanOrEqual(4);
    expect(report.queries).toBe(Math.ceil(partners() / 100) + 1);
    expect(notion.rows(partnersDs)).toHaveLength(partners() + NEW);
  }, 300_000);

  it('without --root and without a workbook to follow, it asks for --root and reads no Partners', async () => {
    notion.clearLog();
    const run = await cli(['--json', 'import', 'candidates', path], { env });
    expect(run.code).toBe(2);
    const error = JSON.parse(run.stdout).error;
    expect(error.message).toBe('no installed Partnernomics workspace found in Notion');
    expect(error.hint).toMatch(/^pass --root/);
    expect(notion.calls).toEqual([]);
  });

  it('importing it again reads ⌈partners/100⌉ pages of Partners and writes nothing', async () => {
    notion.clearLog();
    const run = await cli(['--json', 'import', 'candidates', path, '--root', root], { env });
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.imported).toBe(0);
    expect(report.duplicates).toHaveLength(5_000);
    const calls = byEndpoint();
    expect(calls['pages.create']).toBeUndefined();
    expect(notion.calls.filter((c) => c.method !== 'GET' && !/\/query$/.test(c.path))).toEqual([]);
    expect(calls['dataSources.query']).toBe(Math.ceil((partners() + NEW) / 100) + 1);
  }, 300_000);
});
