// `npm run bench`'s scenarios at small sizes: every result row complete, ratio = total / bound, naive baselines above ours, results.json an array.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appsScriptRecompute } from '../bench/scenarios/apps-script.js';
import { type ScenarioResult, total } from '../bench/scenarios/common.js';
import { importScenario } from '../bench/scenarios/import.js';
import { freshInstall, localInstall } from '../bench/scenarios/install.js';
import { notionInstallBound } from '../bench/scenarios/notion-bound.js';
import { failures, table, writeResults } from '../bench/scenarios/report.js';
import { syncScenarios } from '../bench/scenarios/sync.js';
import { compile } from '../src/blueprint/compile.js';
import { loadBlueprint } from '../src/blueprint/load.js';
import { parseConfig } from '../src/config/load.js';
import { tempDir } from './helpers.js';

const rows: ScenarioResult[] = [];
const API_KEYS = ['notion', 'sheets', 'drive', 'script', 'url_fetch', 'range_calls', 'files'];

/** Every field of a result row, with the types and relations bench/results.json promises. */
function expectComplete(r: ScenarioResult): void {
  expect(r.scenario).toMatch(/\S/);
  expect(r.bound).toMatch(/\S/);
  expect(r.limit).toMatch(/\S/);
  const apis = Object.keys(r.calls);
  expect(apis.length).toBeGreaterThan(0);
  for (const api of apis) expect(API_KEYS).toContain(api);
  for (const n of Object.values(r.calls)) expect(Number.isInteger(n) && (n ?? -1) >= 0).toBe(true);
  expect(r.total).toBe(total(r.calls));
  expect(r.total).toBeGreaterThan(0);
  expect(Number.isInteger(r.lower_bound) && r.lower_bound > 0).toBe(true);
  expect(r.ratio).toBe(Math.round((r.total / r.lower_bound) * 100) / 100);
  // A lower bound the scenario beats is not a lower bound.
  expect(r.total).toBeGreaterThanOrEqual(r.lower_bound);
  expect(r.simulated_seconds).toBeGreaterThanOrEqual(0);
  expect(Number.isInteger(r.cpu_ms) && r.cpu_ms >= 0).toBe(true);
  if (r.naive) {
    expect(r.naive.what).toMatch(/\S/);
    expect(r.naive.ratio).toBe(Math.round((r.naive.calls / r.lower_bound) * 100) / 100);
  }
  expect(r).toHaveProperty('naive');
  expect(r).toHaveProperty('budget');
}

const byName = (prefix: string) => {
  const found = rows.find((r) => r.scenario.startsWith(prefix));
  if (!found) throw new Error(`no scenario ${prefix}`);
  return found;
};

afterAll(() => {
  // Whatever ran, the rows it made are complete.
  for (const r of rows) expectComplete(r);
});

describe('bench scenarios at small sizes', () => {
  it('fresh Notion install: counted against notionInstallBound, the per-block baseline far above it', async () => {
    const r = await freshInstall('notion');
    rows.push(r);
    expectComplete(r);
    const ws = compile(loadBlueprint(), parseConfig({}, 'bench', '2027-01-04'));
    const bound = notionInstallBound(ws);
    expect(r.lower_bound).toBe(bound.calls);
    // Every object is one create at least: the bound counts them all, plus discovery.
    const objects =
      2 + ws.databases.length + ws.databases.reduce((n, d) => n + d.views.length + d.rows.length, 0);
    expect(bound.calls).toBeGreaterThanOrEqual(3 + objects);
    expect(Object.keys(r.calls)).toEqual(['notion']);
    // One block a call: many more calls than blocks-in-batches.
    expect(r.naive!.calls).toBeGreaterThan(2 * r.total);
    // The target: within 1.05× of the bound, enforced (bench exits 1 past it).
    expect(r.budget).toMatchObject({ enforced: true, failures: [] });
    expect(r.ratio).toBeLessThanOrEqual(1.05);
  }, 300_000);

  it('sync at 100 rows: full, then 10 changed and a no-op, each within its budget and measured against a re-read', async () => {
    const got = await syncScenarios([100], 10);
    rows.push(...got.rows);
    expect(got.rows.map((r) => r.scenario)).toEqual([
      'sync full, 100 rows',
      'sync incremental, 10 of 100 changed',
      'sync no-op, 100 rows',
    ]);
    for (const r of got.rows) {
      expectComplete(r);
      expect(r.budget?.enforced).toBe(true);
      expect(r.budget?.failures).toEqual([]);
      expect(Object.keys(r.calls).sort()).toEqual(['drive', 'notion', 'sheets']);
    }
    const full = got.rows[0]!;
    // The per-row baseline writes each of the ~130 synced rows on its own.
    expect(full.naive!.calls).toBeGreaterThan(100);
    expect(full.naive!.calls).toBeGreaterThan(full.total);
    // The re-read baseline: one query per synced table (none above 100 pages) and one tab read,
    // plus one values.update per changed row.
    expect(got.rows[2]!.naive!.calls).toBe(6 + 1);
    expect(got.rows[1]!.naive!.calls).toBe(6 + 1 + 10);
    // The no-op writes nothing: its Sheets calls are the one read.
    expect(got.rows[2]!.calls.sheets).toBe(1);
    expect(got.details.join('\n')).toMatch(/10 Metrics cells written for 10 edited pages/);
  }, 300_000);

  it('import of 200 candidates: one create per new partner, the per-row lookup baseline above it', async () => {
    const r = await importScenario(100);
    rows.push(r);
    expectComplete(r);
    expect(r.scenario).toBe('import candidates, 200 rows');
    expect(r.budget?.failures).toEqual([]);
    // 3 registry + 1 schema + ⌈104/100⌉ queries + 100 creates.
    expect(r.lower_bound).toBe(3 + 1 + 2 + 100);
    // One query per row (200) and one create per new partner (100), plus the registry.
    expect(r.naive!.calls).toBeGreaterThanOrEqual(300);
    expect(r.naive!.calls).toBeGreaterThan(r.total);
  }, 300_000);

  it('Apps Script recompute: the same 8 range calls at 200 partners as the bound, the per-row baseline 2 a partner', async () => {
    const r = await appsScriptRecompute(200);
    rows.push(r);
    expectComplete(r);
    expect(r.calls).toEqual({ range_calls: 8 });
    expect(r.ratio).toBe(1);
    expect(r.budget?.failures).toEqual([]);
    expect(r.naive!.calls).toBe(1 + 5 + 2 * 200);
  });

  it('local install: files written against the files of the workspace, no API call', async () => {
    const r = await localInstall();
    rows.push(r);
    expectComplete(r);
    expect(Object.keys(r.calls)).toEqual(['files']);
    expect(r.simulated_seconds).toBe(0);
    expect(r.naive).toBeNull();
  }, 120_000);

  it('writes the rows as a JSON array and prints one table line a row', () => {
    expect(rows.length).toBeGreaterThanOrEqual(7);
    const path = join(tempDir(), 'bench', 'results.json');
    writeResults(rows, path);
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    expect(Array.isArray(parsed)).toBe(true);
    expect(parsed).toEqual(JSON.parse(JSON.stringify(rows)));
    const lines = table(rows);
    expect(lines).toHaveLength(rows.length + 2);
    rows.forEach((r, i) => {
      expect(lines[i + 2]).toContain(`| ${r.scenario} |`);
      expect(lines[i + 2]).toContain(`${r.ratio.toFixed(2)}×`);
    });
    expect(failures(rows).enforced).toEqual([]);
    expect(byName('install notion').scenario).toBe('install notion, fresh');
  });
});
