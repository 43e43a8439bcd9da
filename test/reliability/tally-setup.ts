// Global setup of the reliability suite: a fresh tally file for this run; at the end, the counts per suite printed and saved to bench/reliability.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { clearTally, readTally, TALLY_KEYS } from './tally.js';

const RESULTS = join(process.cwd(), 'bench', 'reliability.json');

export default function setup(): () => void {
  const file = join(tmpdir(), `pn-reliability-tally-${process.pid}.jsonl`);
  process.env.PN_RELIABILITY_TALLY = file;
  clearTally(file);
  return () => {
    const { suites, total } = readTally(file);
    if (!suites.size) return;
    const rows = [...suites].map(([suite, t]) => ({ suite, ...t }));
    console.log('\nReliability counts (this run):');
    console.log(`| suite | ${TALLY_KEYS.join(' | ')} |`);
    console.log(`|---|${TALLY_KEYS.map(() => '---').join('|')}|`);
    for (const r of rows) console.log(`| ${r.suite} | ${TALLY_KEYS.map((k) => r[k]).join(' | ')} |`);
    console.log(`| all | ${TALLY_KEYS.map((k) => total[k]).join(' | ')} |`);
    mkdirSync(dirname(RESULTS), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify({ suites: rows, total }, null, 2)}\n`);
    clearTally(file);
  };
}
