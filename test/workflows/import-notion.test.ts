// `import candidates` against the fake Notion after a real install (and the fake Google for the workbook part).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PageObjectResponse } from '@notionhq/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { readRegistry } from '../../src/sync/notion-side.js';
import { readSheetsSide, sheetsTablesOf } from '../../src/sync/sheets-side.js';
import { NotionApi } from '../../src/targets/notion/api.js';
import type { Registry } from '../../src/targets/notion/registry.js';
import { GoogleApi } from '../../src/targets/sheets/google-api.js';
import { cliEnvFor, loginGoogle } from '../fakes/cli-env.js';
import { createFakeGoogle } from '../fakes/google/index.js';
import type { CallRecord } from '../fakes/harness.js';
import { createFakeNotion } from '../fakes/notion/index.js';
import { cli, tempDir } from '../helpers.js';

const FIXTURES = join(import.meta.dirname, 'fixtures/import');
const notion = createFakeNotion();
const google = createFakeGoogle();
const ws = compile(loadBlueprint(), parseConfig({}, 'test', '2027-01-04'));
const partnersDb = ws.databases.find((d) => d.key === 'db.partners')!;
const prop = (key: string) => partnersDb.properties.find((p) => p.key === key)!.name;
let env: NodeJS.ProcessEnv;
let root: string;
let registry: Registry;
let spreadsheetId: string;
let gapi: GoogleApi;
const dir = tempDir();

const notionWrites = (calls: readonly CallRecord[]) =>
  calls.filter((c) => c.method !== 'GET' && !/\/query$/.test(c.path));
const partnersDs = () => registry.entries['db.partners']!.dataSourceId!;

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function importFile(path: string, ...args: string[]) {
  const run = await cli(['--json', 'import', 'candidates', path, '--root', root, ...args], { env });
  return { ...run, json: run.stdout ? JSON.parse(run.stdout) : null };
}

const text = (page: PageObjectResponse, name: string): string => {
  const v = page.properties[name];
  if (v?.type === 'title') return v.title.map((t) => t.plain_text).join('');
  if (v?.type === 'rich_text') return v.rich_text.map((t) => t.plain_text).join('');
  if (v?.type === 'url') return v.url ?? '';
  if (v?.type === 'email') return v.email ?? '';
  if (v?.type === 'select') return v.select?.name ?? '';
  if (v?.type === 'checkbox') return String(v.checkbox);
  return `(${v?.type})`;
};
const partners = () => notion.rows(partnersDs());
const partnerNamed = (name: string) => {
  const found = partners().filter((p) => text(p, prop('name')) === name);
  expect(found, name).toHaveLength(1);
  return found[0]!;
};

beforeAll(async () => {
  await Promise.all([notion.listen(), google.listen()]);
  env = cliEnvFor(notion, google, { PARTNERNOMICS_GOOGLE_RETRY_BASE_MS: '1' });
  expect((await loginGoogle(google, env)).code).toBe(0);
  root = notion.seedRootPage('Program');
  const installed = await cli(['--json', 'install', '--target', 'all', '--root', root], { env });
  expect(installed.code, installed.stderr).toBe(0);
  spreadsheetId = JSON.parse(installed.stdout).sheets.spreadsheetId;
  gapi = new GoogleApi({
    auth: google.oauthClient({ refreshToken: google.issueToken(['drive.file']).refreshToken }),
    rootUrl: google.rootUrl,
  });
  registry = (await readRegistry(
    new NotionApi({ token: notion.token, baseUrl: notion.baseUrl }),
    root,
    ws.hub.title,
  ))!;
}, 120_000);
afterAll(() => Promise.all([notion.close(), google.close()]));

describe('import candidates into Notion', () => {
  const crm = join(FIXTURES, 'crm-export.csv');

  it('a dry run lists what would be imported and writes nothing', async () => {
    notion.clearLog();
    const before = partners().length;
    const run = await importFile(crm, '--dry-run');
    expect(run.code, run.stderr).toBe(0);
    expect(run.json.dryRun).toBe(true);
    expect(run.json.imported).toBe(3);
    expect(run.json.partners.map((p: { name: string }) => p.name)).toEqual([
      'Northwind Advisory LLC',
      'Larkspur Systems',
      'Quill; Feather Media',
    ]);
    expect(notionWrites(notion.calls)).toEqual([]);
    expect(partners()).toHaveLength(before);
    const human = await cli(['import', 'candidates', crm, '--root', root, '--dry-run'], { env });
    expect(human.stdout).toContain('Would import: 3');
    expect(human.stdout).toContain('Dry run: nothing was written.');
  });

  it('a CRM export (BOM, CRLF, semicolons, quoted line breaks) becomes Sourced partners with every value', async () => {
    notion.clearLog();
    const run = await importFile(crm);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json.ok).toBe(true);
    expect(run.json.created).toHaveLength(3);
    // One create per new partner and no other write.
    expect(notion.count('pages.create')).toBe(3);
    expect(notionWrites(notion.calls)).toHaveLength(3);
    const northwind = partnerNamed('Northwind Advisory LLC');
    expect(text(northwind, prop('website'))).toBe('HTTPS://WWW.Northwind-Advisory.com/about');
    expect(text(northwind, prop('type'))).toBe('Referral');
    expect(text(northwind, prop('channel'))).toBe('Networking events');
    expect(text(northwind, prop('stage'))).toBe('Sourced');
    expect(text(northwind, prop('contact'))).toBe('Dana Reyes');
    expect(text(northwind, prop('contact_email'))).toBe('dana@northwind-advisory.com');
    expect(text(northwind, prop('notes'))).toBe('Met at SaaStr.\nWants a referral deck; call back in Q2.');
    expect(text(northwind, prop('ipp_match'))).toBe('false');
    const larkspur = partnerNamed('Larkspur Systems');
    expect(text(larkspur, prop('website'))).toBe('https://larkspur.io');
    expect(text(larkspur, prop('type'))).toBe('Co-Sell');
    expect(text(larkspur, prop('channel'))).toBe('Business databases');
    expect(text(partnerNamed('Quill; Feather Media'), prop('notes'))).toBe('Line one\n\nLine three');
  });

  it('importing the same file again changes nothing: 0 writes, every row a duplicate', async () => {
    notion.clearLog();
    const run = await importFile(crm);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json.imported).toBe(0);
    expect(run.json.duplicates.map((d: { line: number; rule: string }) => [d.line, d.rule])).toEqual([
      [2, 'domain'],
      [4, 'domain'],
      [5, 'domain'],
    ]);
    expect(notionWrites(notion.calls)).toEqual([]);
  });

  it('dedupes by domain first, by name only without a domain, and keeps same-name/different-domain rows apart', async () => {
    const path = file(
      'dedupe.csv',
      [
        'Company,Website',
        // Same registrable domain as the imported Northwind (scheme, www, case, path differ): duplicate.
        'Northwind Advisors EU,http://northwind-advisory.com/eu',
        // No website: matched by normalized name against the imported Larkspur Systems.
        '"LARKSPUR SYSTEMS, INC.",',
        // Same name as an existing partner but another domain: a new partner.
        'Larkspur Systems,https://larkspur.de',
        // The installed example partner has no website: a row with one matches it by name.
        'Example — Brightwater Partners,brightwater.example.com',
        // Twice in the file: the first wins.
        'Fresh Co,fresh.co',
        'Fresh Company,https://www.FRESH.co/about',
      ].join('\n'),
    );
    notion.clearLog();
    const run = await importFile(path);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json.partners.map((p: { line: number }) => p.line)).toEqual([4, 6]);
    expect(
      run.json.duplicates.map(
        (d: { line: number; rule: string; of: { existing: boolean; name: string } }) => [
          d.line,
          d.rule,
          d.of.name,
        ],
      ),
    ).toEqual([
      [2, 'domain', 'Northwind Advisory LLC'],
      [3, 'name', 'Larkspur Systems'],
      [5, 'name', 'Example — Brightwater Partners'],
      [7, 'domain', 'Fresh Co'],
    ]);
    expect(notion.count('pages.create')).toBe(2);
    expect(partners().filter((p) => text(p, prop('name')) === 'Larkspur Systems')).toHaveLength(2);
  });

  it('reports each bad row with its line and reason, imports the good rows, and exits 1', async () => {
    const path = file(
      'errors.csv',
      [
        'Company,Website,Email,Partnership type,Sourcing channel',
        'Good One,goodone.com,hi@goodone.com,Affiliate,AI platforms',
        ',nameless.com,,,',
        'Bad Url,htp:/broken,,,',
        'Bad Email,bademail.com,someone@,,',
        'Bad Type,badtype.com,,Reseller,',
        'Bad Channel,badchannel.com,,,Trade show',
        'Good Two,goodtwo.com,,,',
      ].join('\r\n'),
    );
    notion.clearLog();
    const run = await importFile(path);
    expect(run.code).toBe(1);
    expect(run.json.ok).toBe(false);
    expect(run.json.rejected.map((r: { line: number; kinds: string[] }) => [r.line, r.kinds])).toEqual([
      [3, ['missing-name']],
      [4, ['bad-url']],
      [5, ['bad-email']],
      [6, ['unknown-type']],
      [7, ['unknown-channel']],
    ]);
    expect(run.json.rejected[4].reason).toContain('sourcing channel "Trade show" is not one of');
    expect(run.stderr.trim().split('\n')).toEqual([
      'error: 5 row(s) of errors.csv rejected (line 3, 4, 5, 6, 7); 2 were imported, 0 duplicate(s) skipped — fix those rows and import the file again: rows already imported are skipped as duplicates',
    ]);
    expect(notion.count('pages.create')).toBe(2);
    expect(text(partnerNamed('Good One'), prop('channel'))).toBe('AI platforms');
    partnerNamed('Good Two');
    for (const bad of ['Bad Url', 'Bad Email', 'Bad Type', 'Bad Channel'])
      expect(partners().some((p) => text(p, prop('name')) === bad)).toBe(false);
    const human = await cli(['import', 'candidates', path, '--root', root], { env });
    expect(human.code).toBe(1);
    expect(human.stdout).toContain('line 4  Bad Url: website "htp:/broken"');
  });

  const INJECTIONS = ['=HYPERLINK("x")', '+1-800-555', '@SUM(A1)', '-2+3'];
  const LONG_NOTE = `${'Long note. '.repeat(272)}end`;

  it('names that look like formulas and a 3,000-character note are kept as literal text in Notion', async () => {
    expect(LONG_NOTE.length).toBeGreaterThan(2000);
    expect(LONG_NOTE.length).toBeLessThanOrEqual(3000);
    const note3000 = LONG_NOTE.padEnd(3000, '!');
    const path = file(
      'injection.csv',
      [
        'Company,Website,Notes',
        '"=HYPERLINK(""x"")",hyperlink-corp.org,',
        '+1-800-555,tollfree-corp.org,',
        '@SUM(A1),atsum-corp.org,',
        `-2+3,minus-corp.org,"${note3000}"`,
      ].join('\n'),
    );
    notion.clearLog();
    const run = await importFile(path);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json.imported).toBe(4);
    for (const name of INJECTIONS) partnerNamed(name);
    const noted = partnerNamed('-2+3').properties[prop('notes')]!;
    expect(noted.type).toBe('rich_text');
    if (noted.type === 'rich_text') {
      expect(noted.rich_text.length).toBe(2);
      expect(noted.rich_text.map((t) => t.plain_text).join('')).toBe(note3000);
    }
  });

  it('...and stay text in the workbook after `partnernomics sync`', async () => {
    const synced = await cli(['--json', 'sync', '--root', root], { env });
    expect(synced.code, synced.stderr).toBe(0);
    const read = await readSheetsSide(gapi, spreadsheetId, sheetsTablesOf(ws));
    const rows = read.tables.get('partner_scoring')!;
    const located = read.layout.tables.get('partner_scoring')!;
    const nameCol = located.columns.get('name')!;
    const grid = await gapi.sheets.spreadsheets.get({
      spreadsheetId,
      ranges: [`'${located.title}'`],
      includeGridData: true,
    });
    const data = grid.data.sheets?.[0]?.data?.[0];
    for (const name of INJECTIONS) {
      const pageId = partnerNamed(name).id;
      const row = rows.find((r) => r.pageId === pageId)!;
      // The effective value is the text itself: a formula would have been evaluated (a number, "x", an error).
      expect(row.values.name).toBe(name);
      const cell =
        data?.rowData?.[row.row - 1 - (data.startRow ?? 0)]?.values?.[nameCol - (data.startColumn ?? 0)];
      expect(cell?.userEnteredValue).toEqual({ stringValue: name });
    }
  });

  it('flags IPP matches from the Ecosystem Map entries ticked In Ideal Partner Profile', async () => {
    const eco = registry.entries['db.ecosystem']!.dataSourceId!;
    const ecoDb = ws.databases.find((d) => d.key === 'db.ecosystem')!;
    const ecoProp = (key: string) => ecoDb.properties.find((p) => p.key === key)!.name;
    const entry = (name: string, inIpp: boolean, likely: string | null) =>
      notion.seedPage({
        parent: { data_source_id: eco },
        properties: {
          [ecoProp('name')]: { title: [{ text: { content: name } }] },
          [ecoProp('in_ipp')]: { checkbox: inIpp },
          ...(likely ? { [ecoProp('likely_type')]: { select: { name: likely } } } : {}),
        },
      });
    entry('Accounting firms', true, 'Referral');
    entry('Creator networks', false, 'Influencer');
    const path = file(
      'ipp.csv',
      [
        'Company,Website,Segment,Partnership type',
        'Ledger & Co,ledger-co.net,accounting firms,Referral',
        'Tally Partners,tally-partners.net,Accounting Firms,Affiliate',
        'Glow Creators,glow-creators.net,Creator networks,Influencer',
        'Plain Co,plain-co.net,,Referral',
      ].join('\n'),
    );
    const run = await importFile(path);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json.ipp.profileSize).toBe(1);
    expect(run.json.partners.map((p: { name: string; ippMatch: boolean }) => [p.name, p.ippMatch])).toEqual([
      ['Ledger & Co', true],
      ['Tally Partners', false],
      ['Glow Creators', false],
      ['Plain Co', false],
    ]);
    expect(text(partnerNamed('Ledger & Co'), prop('ipp_match'))).toBe('true');
    expect(text(partnerNamed('Tally Partners'), prop('ipp_match'))).toBe('false');
  });

  it('a create whose answer is lost is looked up, never sent twice', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => `Lost Answer ${i},lost-answer-${i}.com`);
    const path = file('lost.csv', ['Company,Website', ...rows].join('\n'));
    notion.clearLog();
    notion.injectFaults({ seed: 7, failAfterApply: 0.5 });
    let run: Awaited<ReturnType<typeof importFile>>;
    try {
      run = await importFile(path);
    } finally {
      notion.injectFaults(undefined);
    }
    expect(run.code, run.stderr).toBe(0);
    expect(notion.calls.some((c) => c.fault === 'fail_after_apply')).toBe(true);
    for (let i = 0; i < 12; i++) partnerNamed(`Lost Answer ${i}`);
    expect(run.json.created).toHaveLength(12);
  });

  it('finds the workspace through the workbook when --root is not given', async () => {
    const run = await cli(['--json', 'import', 'candidates', join(FIXTURES, 'crm-export.csv')], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).imported).toBe(0);
  });

  it('a Partners database without a property the import writes stops before any write, naming the fix', async () => {
    await notion
      .client()
      .dataSources.update({ data_source_id: partnersDs(), properties: { [prop('ipp_match')]: null } });
    notion.clearLog();
    const run = await importFile(file('late.csv', 'Company\nLate Co\n'));
    expect(run.code).toBe(2);
    expect(run.json.error.message).toBe(
      `Partners: properties the import writes: "${prop('ipp_match')}" is missing`,
    );
    expect(run.json.error.hint).toMatch(/^run `partnernomics install --target notion/);
    expect(notionWrites(notion.calls)).toEqual([]);
  });

  it('a file without a company-name column stops before any request to Notion', async () => {
    const path = file('nocompany.csv', 'Website,Email\nacme.com,a@acme.com\n');
    notion.clearLog();
    const run = await importFile(path);
    expect(run.code).toBe(2);
    expect(run.json.error.code).toBe('INPUT_INVALID');
    expect(notion.calls).toEqual([]);
    expect(readFileSync(path, 'utf8')).toContain('Website');
  });
});
