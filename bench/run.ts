// `npm run bench`: every operation's API calls against its lower bound and a naive baseline, one table, bench/results.json; exit 1 over budget.
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appsScriptRecompute, appsScriptSync } from './scenarios/apps-script.js';
import type { ScenarioResult } from './scenarios/common.js';
import { importScenario } from './scenarios/import.js';
import { installScenarios } from './scenarios/install.js';
import { failures, notes, table, writeResults } from './scenarios/report.js';
import { syncScenarios } from './scenarios/sync.js';

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), 'results.json');
const started = Date.now();
const elapsed: string[] = [];
const rows: ScenarioResult[] = [];
let details: string[] = [];

async function group<T>(name: string, run: () => Promise<T>): Promise<T> {
  const t = Date.now();
  process.stderr.write(`bench: ${name}…\n`);
  const value = await run();
  elapsed.push(`${name} ${((Date.now() - t) / 1000).toFixed(0)} s`);
  return value;
}

rows.push(...(await group('install', () => installScenarios())));
const sync = await group('sync', () => syncScenarios([100, 1_000, 10_000], 10));
rows.push(...sync.rows);
details = sync.details;
rows.push(await group('Apps Script sync', () => appsScriptSync(1_000)));
rows.push(await group('import', () => importScenario(2_500)));
rows.push(await group('Apps Script recompute', () => appsScriptRecompute(5_000)));
const order = ['install', 'sync', 'apps-script', 'import', 'local'];
rows.sort((a, b) => order.indexOf(a.group) - order.indexOf(b.group));

writeResults(rows, RESULTS);
const out = [
  'Calls per operation against the fake Notion and Google APIs (counted from their logs), each against the fewest',
  'calls it can take and a naive baseline run in the same process; simulated time at the published rate limits.',
  '',
  ...table(rows),
  '',
  'Bounds, baselines and limits:',
  ...notes(rows),
  '',
  'Sync details:',
  ...details.map((d) => `  ${d}`),
  '',
  `cpu ms: this process's CPU while the scenario ran (the CLI or script and the in-process fakes together).`,
  `Elapsed: ${elapsed.join(', ')}; ${((Date.now() - started) / 1000).toFixed(0)} s in all.`,
  `Results: ${relative(process.cwd(), RESULTS)}`,
];
console.log(out.join('\n'));
const broken = failures(rows);
if (broken.advisory.length) {
  console.log('');
  console.log('Targets not reached yet (not failing the run):');
  for (const f of broken.advisory) console.log(`  ${f}`);
}
if (broken.enforced.length) {
  console.log('');
  console.log('Over budget:');
  for (const f of broken.enforced) console.log(`  ${f}`);
  process.exitCode = 1;
}
