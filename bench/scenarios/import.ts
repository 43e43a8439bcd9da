// Bench scenario of `import candidates`: a 5,000-row CSV (half already in Partners) against a per-row lookup baseline on the same fake.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from '../../src/blueprint/compile.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { Throttle } from '../../src/platform/throttle.js';
import { readRegistry } from '../../src/sync/notion-side.js';
import { NotionApi } from '../../src/targets/notion/api.js';
import { createFakeNotion } from '../../test/fakes/notion/index.js';
import { cli, tempDir } from '../../test/helpers.js';
import { budget, result, type ScenarioResult, withCpu } from './common.js';

const ws = compile(loadBlueprint(), parseConfig({}, 'bench', '2027-01-04'));
const partnersDb = ws.databases.find((d) => d.key === 'db.partners')!;
const prop = (key: string) => partnersDb.properties.find((p) => p.key === key)!.name;

/** A CSV of `existing` partners already in Notion (another spelling of their website) and as many new ones. */
function csv(existing: number, prefix: string): string {
  const rows = ['Company,Website,Partnership type,Sourcing channel'];
  for (let i = 0; i < existing; i++) {
    rows.push(`Existing ${i} Inc,HTTP://WWW.EXISTING-${i}.COM/about,Referral,Search`);
    rows.push(`${prefix} ${i},${prefix.toLowerCase()}-partner-${i}.com,Co-Sell,Business databases`);
  }
  const path = join(tempDir(), `${prefix}.csv`);
  writeFileSync(path, `${rows.join('\n')}\n`);
  return path;
}

/** The domain a person would type the website as (the naive lookup's key). */
const domainOf = (website: string) =>
  website
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/^www\./, '')
    .replace(/\/.*$/, '');

/**
 * The per-row baseline on the same fake: the registry read, then for each CSV row one query of Partners
 * filtered on its website and, when none matches, one create.
 */
async function naiveImport(api: NotionApi, root: string, rows: string[][]): Promise<void> {
  const registry = await readRegistry(api, root, ws.hub.title);
  const ds = registry!.entries['db.partners']!.dataSourceId!;
  for (const [company, website, type] of rows) {
    const domain = domainOf(website!);
    const found = await api.call(true, (c) =>
      c.dataSources.query({
        data_source_id: ds,
        page_size: 1,
        filter: { property: prop('website'), url: { contains: domain } },
      }),
    );
    if (found.results.length) continue;
    await api.call(false, (c) =>
      c.pages.create({
        parent: { data_source_id: ds },
        properties: {
          [prop('name')]: { title: [{ text: { content: company! } }] },
          [prop('website')]: { url: `https://${domain}` },
          [prop('type')]: { select: { name: type! } },
        },
      }),
    );
  }
}

/** `import candidates` of 2 × `half` rows, `half` of them already in Partners. */
export async function importScenario(half = 2_500): Promise<ScenarioResult> {
  const notion = createFakeNotion();
  await notion.listen();
  try {
    const env = {
      NOTION_TOKEN: notion.token,
      PARTNERNOMICS_NOTION_URL: notion.baseUrl,
      PARTNERNOMICS_HOME: tempDir(),
      PARTNERNOMICS_NOTION_RATE: '100000',
    };
    const root = notion.seedRootPage('Program');
    const installed = await cli(['--json', 'install', '--target', 'notion', '--root', root], { env });
    if (installed.code !== 0) throw new Error(`install failed: ${installed.stderr}`);
    const api = new NotionApi({
      token: notion.token,
      baseUrl: notion.baseUrl,
      throttle: new Throttle(100_000, 100_000),
    });
    const registry = await readRegistry(api, root, ws.hub.title);
    const ds = registry!.entries['db.partners']!.dataSourceId!;
    for (let i = 0; i < half; i++)
      notion.seedPage({
        parent: { data_source_id: ds },
        properties: {
          [prop('name')]: { title: [{ text: { content: `Existing ${i}` } }] },
          [prop('website')]: { url: `https://existing-${i}.com` },
        },
      });
    const partners = notion.rows(ds).length;
    const path = csv(half, 'New');
    notion.clearLog();
    const run = await withCpu(() => cli(['--json', 'import', 'candidates', path, '--root', root], { env }));
    if (run.value.code !== 0) throw new Error(`import failed: ${run.value.stderr}`);
    const report = JSON.parse(run.value.stdout) as { rows: number; imported: number };
    const ours = notion.calls.length;
    const queries = notion.count('dataSources.query');
    const creates = notion.count('pages.create');
    const failures: string[] = [];
    const queryBudget = Math.ceil(partners / 100) + 1;
    if (queries > queryBudget) failures.push(`import: ${queries} queries (${queryBudget})`);
    if (creates !== half) failures.push(`import: ${creates} pages created for ${half} new partners`);
    if (report.imported !== half) failures.push(`import: ${report.imported} imported of ${half} new`);

    // The baseline imports a second CSV of the same shape (other new partners) row by row.
    const second = csv(half, 'Other');
    const rows = readFileSync(second, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    notion.clearLog();
    await naiveImport(api, root, rows);
    const naive = notion.calls.length;
    const lower = 3 + 1 + Math.ceil(partners / 100) + half;
    return result({
      scenario: `import candidates, ${(2 * half).toLocaleString('en-US')} rows`,
      group: 'import',
      calls: { notion: ours },
      lower_bound: lower,
      bound: `3 to find the registry + 1 Partners schema + ${Math.ceil(partners / 100)} queries (⌈${partners.toLocaleString('en-US')} partners/100⌉) + ${half.toLocaleString('en-US')} creates (one a new partner)`,
      cpu_ms: run.cpu_ms,
      naive: { calls: naive, what: 'one filtered query per CSV row, one create per new partner' },
      budget: budget(
        '⌈partners/100⌉ + 1 queries (Partners, the Ecosystem Map), one create per new partner',
        failures,
      ),
    });
  } finally {
    await notion.close();
  }
}
