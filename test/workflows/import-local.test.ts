// `import candidates` into the local workspace: appended to partner-candidates.csv, which install never touches.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { exportName } from '../../src/targets/local/notion-export.js';
import { cli, tempDir } from '../helpers.js';

const FIXTURES = join(import.meta.dirname, 'fixtures/import');
const ws = compile(loadBlueprint(), parseConfig({}, 'test', '2027-01-04'));
const db = (key: string) => ws.databases.find((d) => d.key === key)!;
const prop = (dbKey: string, key: string) => db(dbKey).properties.find((p) => p.key === key)!.name;
const cwd = tempDir();
const out = join(cwd, 'partnernomics-workspace');
const candidates = join(out, 'partner-candidates.csv');
const exportCsv = (key: string) =>
  join(out, 'notion', exportName(ws.hub.title, ws.hub.key), `${exportName(db(key).title, key)}.csv`);
/** No Notion token: the local workspace is the default target. */
const env = { PARTNERNOMICS_HOME: tempDir() };

async function importFile(path: string, ...args: string[]) {
  const run = await cli(['--json', 'import', 'candidates', path, ...args], { env, cwd });
  return { ...run, json: run.stdout ? JSON.parse(run.stdout) : null };
}
const records = (path: string): Record<string, string>[] =>
  parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true });

function file(name: string, text: string): string {
  const path = join(cwd, name);
  writeFileSync(path, text);
  return path;
}

beforeAll(async () => {
  const installed = await cli(['install'], { env, cwd });
  expect(installed.code, installed.stderr).toBe(0);
}, 120_000);

describe('import candidates into the local workspace', () => {
  it('stops with the fix when there is no installed workspace', async () => {
    const run = await importFile(join(FIXTURES, 'crm-export.csv'), '--out', join(cwd, 'nowhere'));
    expect(run.code).toBe(2);
    expect(run.json.error.message).toMatch(/there is no installed workspace in/);
  });

  it('a dry run writes nothing', async () => {
    const run = await importFile(join(FIXTURES, 'crm-export.csv'), '--dry-run');
    expect(run.code, run.stderr).toBe(0);
    expect(run.json.target).toBe('local');
    expect(run.json.imported).toBe(3);
    expect(existsSync(candidates)).toBe(false);
  });

  it('appends new partners with the Partners columns, every value literal', async () => {
    const path = file(
      'first.csv',
      [
        'Company,Website,Partnership type,Notes',
        '"=HYPERLINK(""x"")",hyperlink-corp.org,Referral,"two\nlines"',
        '+1-800-555,tollfree-corp.org,,',
        // The export's example partner has no website: matched by name.
        'Example — Larkspur Systems,larkspur-example.com,,',
      ].join('\n'),
    );
    const run = await importFile(path);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json.imported).toBe(2);
    expect(run.json.duplicates.map((d: { of: { name: string } }) => d.of.name)).toEqual([
      'Example — Larkspur Systems',
    ]);
    const header = readFileSync(candidates, 'utf8').split('\n', 1)[0]!.split(',');
    expect(header).toEqual(readFileSync(exportCsv('db.partners'), 'utf8').split('\n', 1)[0]!.split(','));
    const rows = records(candidates);
    expect(rows.map((r) => r[prop('db.partners', 'name')])).toEqual(['=HYPERLINK("x")', '+1-800-555']);
    expect(rows[0]![prop('db.partners', 'stage')]).toBe('Sourced');
    expect(rows[0]![prop('db.partners', 'type')]).toBe('Referral');
    expect(rows[0]![prop('db.partners', 'notes')]).toBe('two\nlines');
    expect(rows[0]![prop('db.partners', 'ipp_match')]).toBe('No');
  });

  it('importing the same file again leaves the candidates file byte for byte as it was', async () => {
    const before = readFileSync(candidates);
    const mtime = statSync(candidates).mtimeMs;
    const run = await importFile(join(cwd, 'first.csv'));
    expect(run.code, run.stderr).toBe(0);
    expect(run.json.imported).toBe(0);
    expect(run.json.writes).toBe(0);
    expect(readFileSync(candidates).equals(before)).toBe(true);
    expect(statSync(candidates).mtimeMs).toBe(mtime);
  });

  it('keeps rows you edited and adds new ones under them; IPP from the Ecosystem Map you filled in', async () => {
    // Your edit of an imported row, and your Ecosystem Map entries in the export.
    const edited = readFileSync(candidates, 'utf8').replace('tollfree-corp.org', 'tollfree-corp.org/edited');
    writeFileSync(candidates, edited);
    const eco = db('db.ecosystem');
    const ecoCols = eco.properties
      .filter((p) => p.type !== 'formula' && p.type !== 'rollup')
      .map((p) => p.name);
    const row = (name: string, inIpp: string, likely: string) =>
      ecoCols.map((c) =>
        c === prop('db.ecosystem', 'name')
          ? name
          : c === prop('db.ecosystem', 'in_ipp')
            ? inIpp
            : c === prop('db.ecosystem', 'likely_type')
              ? likely
              : '',
      );
    writeFileSync(
      exportCsv('db.ecosystem'),
      `${[ecoCols, row('Accounting firms', 'Yes', 'Referral'), row('Agencies', 'No', '')].map((r) => r.join(',')).join('\n')}\n`,
    );
    const run = await importFile(join(FIXTURES, 'crm-export.csv'), '--map', 'Account Owner=segment');
    expect(run.code, run.stderr).toBe(0);
    expect(run.json.imported).toBe(3);
    const text = readFileSync(candidates, 'utf8');
    expect(text.startsWith(edited)).toBe(true);
    expect(records(candidates)).toHaveLength(5);

    const ipp = file(
      'ipp.csv',
      'Company,Website,Company type\nLedger Co,ledger-co.net,Accounting firms\nAd Shop,ad-shop.net,Agencies\n',
    );
    const flagged = await importFile(ipp);
    expect(flagged.json.ipp.profileSize).toBe(1);
    const byName = new Map(records(candidates).map((r) => [r[prop('db.partners', 'name')], r]));
    expect(byName.get('Ledger Co')![prop('db.partners', 'ipp_match')]).toBe('Yes');
    expect(byName.get('Ad Shop')![prop('db.partners', 'ipp_match')]).toBe('No');
  });

  it('a later install (that rewrites its own files) neither touches nor lists the candidates file', async () => {
    const before = readFileSync(candidates);
    writeFileSync(join(cwd, 'partnernomics.config.yaml'), 'company:\n  name: Renamed Co\n');
    const installed = await cli(['--json', 'install'], { env, cwd });
    expect(installed.code, installed.stderr).toBe(0);
    const report = JSON.parse(installed.stdout);
    expect(report.counts.update).toBeGreaterThan(0);
    expect(report.operations.map((o: { path: string }) => o.path)).not.toContain('partner-candidates.csv');
    expect(readFileSync(candidates).equals(before)).toBe(true);
  }, 120_000);
});
