// End to end: `partnernomics install` into a local folder — complete, idempotent, and careful with your edits.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportName } from '../../src/targets/local/notion-export.js';
import { cli, tempDir, WORKBOOK_TABS } from '../helpers.js';

/** The hub page and its folder, named as Notion's export names them (title, space, 32-hex ID). */
const HUB_NAME = exportName('Partnernomics — Partner Program OS', 'page.hub');
const HUB = `notion/${HUB_NAME}.md`;
const PARTNERS_CSV = `${exportName('Partners', 'db.partners')}.csv`;

async function install(cwd: string, extra: string[] = []) {
  const run = await cli(['--json', 'install', '--out', 'ws', ...extra], { cwd });
  return { ...run, json: run.stdout ? JSON.parse(run.stdout) : null };
}

describe('a fresh local install', () => {
  const cwd = tempDir();
  const ws = join(cwd, 'ws');
  let first: Awaited<ReturnType<typeof install>>;

  beforeAll(async () => {
    first = await install(cwd);
  });

  it('succeeds and reports what it created', () => {
    expect(first.code).toBe(0);
    expect(first.json.ok).toBe(true);
    expect(first.json.counts.create).toBe(first.json.operations.length);
    expect(first.json.writes).toBe(first.json.counts.create);
  });

  it('exports every database as CSV and every page as Markdown, and zips the same files for Notion import', () => {
    const dbDir = join(ws, 'notion', HUB_NAME);
    const csvs = readdirSync(dbDir).filter((f) => f.endsWith('.csv'));
    expect(csvs).toHaveLength(14);
    const partners = readFileSync(join(dbDir, PARTNERS_CSV), 'utf8');
    expect(partners.split('\n')[0]).toContain('Partnership type');
    expect(partners).toContain('Example — Northwind Advisory');
    expect(
      readdirSync(join(dbDir, exportName('Playbooks', 'db.playbooks'))).some((f) =>
        f.startsWith('Term Sheet — Co-Sell'),
      ),
    ).toBe(true);
    const zip = unzipSync(readFileSync(join(ws, 'notion-import.zip')));
    const zipped = Object.keys(zip);
    expect(zipped).toContain(`${HUB_NAME}.md`);
    expect(zipped).toContain(`${HUB_NAME}/${PARTNERS_CSV}`);
    expect(Buffer.from(zip[`${HUB_NAME}/${PARTNERS_CSV}`]!).toString('utf8')).toBe(partners);
  });

  it('writes the workbook with live formulas, validation, RYG formats, frozen headers and marked examples', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(join(ws, 'Partnernomics.xlsx'));
    expect(book.worksheets.map((s) => s.name)).toEqual(WORKBOOK_TABS);
    const scoring = book.getWorksheet('Partner Scoring')!;
    const header = (scoring.getRow(1).values as unknown[]).map(String);
    const scoreCol = header.indexOf('Score');
    const score = scoring.getCell(3, scoreCol).value as { formula?: string };
    expect(score.formula).toMatch(/^IF\(OR\(SUM\(/);
    expect(scoring.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    expect(scoring.getCell(3, header.indexOf('Example')).value).toBe('Example');
    const validations = (
      scoring as unknown as { dataValidations: { model: Record<string, { type: string }> } }
    ).dataValidations.model;
    expect(Object.values(validations).some((v) => v.type === 'list')).toBe(true);
    const pbr = book.getWorksheet('PBR Scoreboard')!;
    const cf = JSON.stringify((pbr as unknown as { conditionalFormattings: unknown }).conditionalFormattings);
    for (const status of ['Green', 'Yellow', 'Red']) expect(cf).toContain(status);
    expect(book.definedNames.model.map((n) => n.name)).toEqual(
      expect.arrayContaining(['Weights', 'PursueAt', 'MinCoverage']),
    );
  });

  it('ships the Apps Script bundle with its manifest, and the manual steps', () => {
    const code = readFileSync(join(ws, 'apps-script', 'Code.js'), 'utf8');
    expect(code).toContain('function onOpen()');
    expect(code).toMatch(/function PN_SCORE\(ratings, weights, minCoverage, type, types\)/);
    expect(JSON.parse(readFileSync(join(ws, 'apps-script', 'appsscript.json'), 'utf8')).runtimeVersion).toBe(
      'V8',
    );
    const manual = readFileSync(join(ws, 'MANUAL-STEPS.md'), 'utf8');
    expect(manual).toContain('Import → Text & Markdown');
    expect(manual).toContain('charts');
  });

  it('produces the same bytes from the same config (the workbook too)', async () => {
    const [a, b] = [tempDir(), tempDir()];
    for (const dir of [a, b]) {
      writeFileSync(join(dir, 'partnernomics.config.yaml'), 'program: { start_date: 2027-01-04 }\n');
      expect((await install(dir)).code).toBe(0);
    }
    for (const file of ['Partnernomics.xlsx', 'notion-import.zip', '.partnernomics-state.json'])
      expect(readFileSync(join(a, 'ws', file)).equals(readFileSync(join(b, 'ws', file)))).toBe(true);
  });

  it('makes zero writes when run again with nothing changed', async () => {
    const before = statSync(join(ws, 'Partnernomics.xlsx')).mtimeMs;
    const again = await install(cwd);
    expect(again.code).toBe(0);
    expect(again.json.writes).toBe(0);
    expect(again.json.counts.unchanged).toBe(first.json.counts.create);
    expect(statSync(join(ws, 'Partnernomics.xlsx')).mtimeMs).toBe(before);
  });
});

describe('your edits are never lost', () => {
  it('keeps a file you edited when the blueprint did not change it', async () => {
    const cwd = tempDir();
    await install(cwd);
    writeFileSync(join(cwd, 'ws', 'MANUAL-STEPS.md'), 'my own notes\n');
    const again = await install(cwd);
    expect(again.code).toBe(0);
    expect(again.json.counts['keep-edited']).toBe(1);
    expect(readFileSync(join(cwd, 'ws', 'MANUAL-STEPS.md'), 'utf8')).toBe('my own notes\n');
  });

  it('stops before writing anything when an edited file would change, and backs it up under --force', async () => {
    const cwd = tempDir();
    await install(cwd);
    writeFileSync(join(cwd, 'ws', HUB), 'my edited hub\n');
    const xlsxBefore = readFileSync(join(cwd, 'ws', 'Partnernomics.xlsx'));
    writeFileSync(join(cwd, 'partnernomics.config.yaml'), 'company:\n  name: Ridgeway Dispatch\n');

    const refused = await install(cwd);
    expect(refused.code).toBe(1);
    expect(refused.json.error.code).toBe('OUTPUT_CONFLICT');
    expect(refused.stderr).toContain(HUB);
    expect(refused.stderr).toContain('--force');
    expect(readFileSync(join(cwd, 'ws', HUB), 'utf8')).toBe('my edited hub\n');
    expect(readFileSync(join(cwd, 'ws', 'Partnernomics.xlsx')).equals(xlsxBefore)).toBe(true);

    const forced = await install(cwd, ['--force']);
    expect(forced.code).toBe(0);
    expect(forced.json.backups).toHaveLength(1);
    expect(forced.json.replaced).toEqual([{ path: HUB, backup: forced.json.backups[0] }]);
    expect(readFileSync(forced.json.backups[0], 'utf8')).toBe('my edited hub\n');
    expect(readFileSync(join(cwd, 'ws', HUB), 'utf8')).toContain('Ridgeway Dispatch');
  });

  it('labels what --force replaced as a replacement, with the copy of your version, never as a conflict', async () => {
    const cwd = tempDir();
    await install(cwd);
    writeFileSync(join(cwd, 'ws', 'MANUAL-STEPS.md'), 'my notes\n');
    writeFileSync(join(cwd, 'partnernomics.config.yaml'), 'company:\n  name: Ridgeway Dispatch\n');
    const plan = await cli(['plan', '--out', 'ws'], { cwd });
    expect(plan.stdout).toMatch(
      /CONFLICT\s+MANUAL-STEPS\.md {2}— you edited it and the blueprint changed it too/,
    );
    const forced = await cli(['install', '--out', 'ws', '--force'], { cwd });
    expect(forced.code).toBe(0);
    expect(forced.stdout).not.toContain('CONFLICT');
    expect(forced.stdout).toMatch(
      /^ {2}replaced {16} MANUAL-STEPS\.md {2}— your version was copied to ws\/MANUAL-STEPS\.md\.backup-\d{8}-\d{6}$/m,
    );
    expect(forced.stdout).toMatch(/Done: .* 1 replaced/);
  });

  it('refuses to overwrite a file it did not write', async () => {
    const cwd = tempDir();
    const plan = await cli(['--json', 'plan', '--out', 'ws'], { cwd });
    expect(JSON.parse(plan.stdout).counts.conflict).toBe(0);
    expect(existsSync(join(cwd, 'ws'))).toBe(false);
    await install(cwd);
    const cwd2 = tempDir();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(cwd2, 'ws'));
    writeFileSync(join(cwd2, 'ws', 'MANUAL-STEPS.md'), 'someone else wrote this\n');
    const run = await install(cwd2);
    expect(run.code).toBe(1);
    expect(readFileSync(join(cwd2, 'ws', 'MANUAL-STEPS.md'), 'utf8')).toBe('someone else wrote this\n');
    expect(existsSync(join(cwd2, 'ws', 'Partnernomics.xlsx'))).toBe(false);
  });
});

describe('where the workspace lives', () => {
  it('updates a workspace reached through a symbolic link in its real folder, keeping the link', async () => {
    const cwd = tempDir();
    const { mkdirSync, symlinkSync, lstatSync } = await import('node:fs');
    mkdirSync(join(cwd, 'data'));
    expect((await cli(['install', '--out', 'data/ws'], { cwd })).code).toBe(0);
    symlinkSync(join(cwd, 'data', 'ws'), join(cwd, 'ws'));
    writeFileSync(join(cwd, 'partnernomics.config.yaml'), 'company:\n  name: Linked Co\n');
    const run = await install(cwd);
    expect(run.code).toBe(0);
    expect(run.json.counts.update).toBeGreaterThan(0);
    expect(lstatSync(join(cwd, 'ws')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(cwd, 'data', 'ws', 'MANUAL-STEPS.md'), 'utf8')).toContain('Linked Co');
    expect(readdirSync(join(cwd, 'data'))).toEqual(['ws']);
  });
});

describe('install arguments', () => {
  it('asks for a Google login for Sheets, and for --root for Notion, exit 2', async () => {
    const sheets = await cli(['install', '--target', 'sheets'], {
      cwd: tempDir(),
      env: { PARTNERNOMICS_HOME: tempDir() },
    });
    expect(sheets.code).toBe(2);
    expect(sheets.stderr).toContain('partnernomics login google');
    const notion = await cli(['install', '--target', 'notion'], { cwd: tempDir() });
    expect(notion.code).toBe(2);
    expect(notion.stderr).toContain('--target notion needs --root');
    const badRoot = await cli(['install', '--target', 'notion', '--root', 'not-a-page'], { cwd: tempDir() });
    expect(badRoot.code).toBe(2);
    expect(badRoot.stderr).toContain('is not a Notion page link or ID');
  });

  it('rejects an unknown target and an --out that is a file', async () => {
    const cwd = tempDir();
    expect((await cli(['install', '--target', 'excel'], { cwd })).code).toBe(2);
    writeFileSync(join(cwd, 'afile'), 'x');
    const run = await cli(['install', '--out', 'afile'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: .*afile exists and is not a folder — choose another folder/);
  });

  it('shows no stack trace without --debug, and one with it', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'afile'), 'x');
    expect((await cli(['install', '--out', 'afile'], { cwd })).stderr).not.toContain('    at ');
    expect((await cli(['--debug', 'install', '--out', 'afile'], { cwd })).stderr).toContain('    at ');
  });

  it('prints one JSON object for --json, including errors', async () => {
    const run = await cli(['--json', 'install', '--target', 'sheets'], {
      cwd: tempDir(),
      env: { PARTNERNOMICS_HOME: tempDir() },
    });
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, error: { code: 'CREDENTIALS_MISSING' } });
  });

  it('exits 2 on an unknown command', async () => {
    expect((await cli(['instal'], { cwd: tempDir() })).code).toBe(2);
  });
});
