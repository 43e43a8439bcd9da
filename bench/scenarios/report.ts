// The bench's output: one markdown table of every scenario, the bounds in words, bench/results.json, and the budgets broken.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Calls, ScenarioResult } from './common.js';

const fmt = (n: number) => n.toLocaleString('en-US');
const LABELS: Record<keyof Calls, string> = {
  notion: 'Notion',
  sheets: 'Sheets',
  drive: 'Drive',
  script: 'Script API',
  url_fetch: 'UrlFetch',
  range_calls: 'range',
  files: 'files',
};

function callsCell(calls: Calls): string {
  return Object.entries(calls)
    .filter(([, n]) => n !== undefined)
    .map(([api, n]) => `${LABELS[api as keyof Calls]} ${fmt(n ?? 0)}`)
    .join(', ');
}

function budgetCell(r: ScenarioResult): string {
  if (!r.budget) return '—';
  if (!r.budget.failures.length) return 'within';
  return r.budget.enforced ? '**over**' : 'over (not enforced)';
}

/** The table as `npm run bench` prints it (markdown, so it pastes into the README and the issue). */
export function table(rows: readonly ScenarioResult[]): string[] {
  const lines = [
    '| scenario | calls | total | lower bound | ratio | naive (ratio) | simulated s | cpu ms | budget |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows)
    lines.push(
      `| ${r.scenario} | ${callsCell(r.calls)} | ${fmt(r.total)} | ${fmt(r.lower_bound)} | ${r.ratio.toFixed(2)}× | ${r.naive ? `${fmt(r.naive.calls)} (${r.naive.ratio.toFixed(2)}×)` : '—'} | ${r.simulated_seconds} | ${fmt(r.cpu_ms)} | ${budgetCell(r)} |`,
    );
  return lines;
}

/** What each row's bound, naive baseline and simulated time count. */
export function notes(rows: readonly ScenarioResult[]): string[] {
  return rows.map(
    (r, i) =>
      `${i + 1}. ${r.scenario}: bound = ${r.bound}. Naive: ${r.naive?.what ?? 'none meaningful'}. Time: ${r.limit}.`,
  );
}

/** Every broken budget, enforced or not. */
export function failures(rows: readonly ScenarioResult[]): { enforced: string[]; advisory: string[] } {
  const enforced: string[] = [];
  const advisory: string[] = [];
  for (const r of rows)
    for (const f of r.budget?.failures ?? [])
      (r.budget!.enforced ? enforced : advisory).push(`${f} (${r.budget!.rule})`);
  return { enforced, advisory };
}

/** Writes the rows as a JSON array (the file bench/results.json). */
export function writeResults(rows: readonly ScenarioResult[], path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(rows, null, 2)}\n`);
}
