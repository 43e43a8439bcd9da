// `npm run bench`: API calls of a Notion install against the fake, compared with the lower bound and a naive baseline.
import { compile } from '../src/blueprint/compile.js';
import { loadBlueprint } from '../src/blueprint/load.js';
import { parseConfig } from '../src/config/load.js';
import { Throttle } from '../src/platform/throttle.js';
import { NotionApi } from '../src/targets/notion/api.js';
import { appendBatches, countBlocks, markdownToBlocks } from '../src/targets/notion/blocks.js';
import { applyNotionInstall, planNotionInstall } from '../src/targets/notion/install.js';
import { createFakeNotion } from '../test/fakes/notion/index.js';

const fake = createFakeNotion();
await fake.listen();
const api = new NotionApi({
  token: fake.token,
  baseUrl: fake.baseUrl,
  throttle: new Throttle(100_000, 100_000),
});
const ws = compile(loadBlueprint(), parseConfig({}, 'bench', '2027-01-04'));

const hubMarkdown = ws.hub.markdown;
const bodies = [hubMarkdown, ...ws.databases.flatMap((d) => d.rows.map((r) => r.markdown))].filter(Boolean);
const rows = ws.databases.reduce((n, d) => n + d.rows.length, 0);
const views = ws.databases.reduce((n, d) => n + d.views.length, 0);
const objects = 1 + 1 + ws.databases.length + views + rows; // hub, registry, databases, views, rows
const extraAppends = bodies.reduce(
  (n, md) => n + Math.max(0, appendBatches(markdownToBlocks(md)).length - 1),
  0,
);
const blocks = bodies.reduce((n, md) => n + countBlocks(markdownToBlocks(md)), 0);
const discoveryMin = 3; // users/me, the root page, the root's children
const lowerBound = discoveryMin + objects + extraAppends;
const naive = discoveryMin + objects + blocks; // every block appended on its own

function byEndpoint() {
  const counts = new Map<string, number>();
  for (const call of fake.calls) {
    const key = `${call.method} ${call.path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id')}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]);
}

const root = fake.seedRootPage('Bench');
fake.clearLog();
const planned = await planNotionInstall(api, ws, root, false);
const result = await applyNotionInstall(api, ws, planned);
const fresh = fake.calls.length;
const freshEndpoints = byEndpoint();
fake.clearLog();
const again = await planNotionInstall(api, ws, root, false);
await applyNotionInstall(api, ws, again);
const rerun = fake.calls.length;
const rerunWrites = fake.calls.filter((c) => c.method !== 'GET' && !c.path.endsWith('/query')).length;
await fake.close();

console.log('Notion install, all six partnership types (fake Notion API, calls counted from its log)');
console.log('');
console.log('| measure | API calls |');
console.log('|---|---|');
console.log(
  `| lower bound: ${discoveryMin} discovery + ${objects} creates + ${extraAppends} appends past the first 100 blocks | ${lowerBound} |`,
);
console.log(
  `| fresh install (${result.writes} writes) | ${fresh} (${(fresh / lowerBound).toFixed(2)}× the bound) |`,
);
console.log(`| naive baseline: one append per block (${blocks} blocks) | ${naive} |`);
console.log(`| second install, nothing changed | ${rerun} reads, ${rerunWrites} writes |`);
console.log(
  `| time at Notion's 3 requests/s | fresh ≈ ${Math.ceil(fresh / 3)} s, re-run ≈ ${Math.ceil(rerun / 3)} s |`,
);
console.log('');
console.log('Fresh install by endpoint:');
for (const [endpoint, n] of freshEndpoints) console.log(`  ${String(n).padStart(4)}  ${endpoint}`);
