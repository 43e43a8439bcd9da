// Every "Next:" and every hint the CLI prints is a command that works as printed, and says what it does.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPartnershipTypes } from '../../src/cli/commands/fit.js';
import { parseConfigYaml } from '../../src/config/load.js';
import { createFakeNotion } from '../fakes/notion/index.js';
import { cli, tempDir } from '../helpers.js';

const ANSWERS = ['--answer', 'deal_size=from_5k_to_40k', '--answer', 'buying_journey=trusted_advisor'];

/** The README's example config, with comments of the user's own. */
const COMMENTED = `# Our partner program — owned by Dana
company: { name: Ridgeway Dispatch, stage: series-b, arr_band: 5m-20m, business_model: saas-sales-led }
partnership_types: [marketplace, affiliate]   # any of the six; display names work too
team:
  - { role: Head of Partnerships, name: Dana Ortiz, email: dana@example.com }  # hired in March
program: { start_date: 2027-01-04 }                     # default: today
targets: { partners_signed_by_day_90: 3, monthly_referrals_per_partner: 15, partner_share_of_bookings_pct: 10 }
`;

/** Splits a printed command line into argv, honouring single quotes as shellArg writes them. */
function argvOf(line: string): string[] {
  return [...line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => m[2] ?? m[1]!.replace(/'\\''/g, "'"));
}

describe('fit --save', () => {
  it('suggests itself with the same answers, and that command updates only partnership_types', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'partnernomics.config.yaml'), COMMENTED);
    const fit = await cli(['fit', ...ANSWERS], { cwd });
    expect(fit.code).toBe(0);
    expect(fit.stdout).not.toContain('init --yes');
    const next = /To use [^:]+: (partnernomics fit --save[^\n]*?)\s{3}\(writes partnership_types/.exec(
      fit.stdout,
    )?.[1];
    expect(next).toBe(`partnernomics fit --save ${ANSWERS.join(' ')}`);

    const saved = await cli(argvOf(next!).slice(1), { cwd });
    expect(saved.code).toBe(0);
    expect(saved.stdout).toMatch(
      /Updated .*partnernomics\.config\.yaml: partnership_types: .* \(nothing else changed\)\./,
    );
    expect(saved.stdout).toContain('Next: partnernomics install');
    const text = readFileSync(join(cwd, 'partnernomics.config.yaml'), 'utf8');
    const recommended = JSON.parse((await cli(['--json', 'fit', ...ANSWERS], { cwd })).stdout).recommended;
    expect(parseConfigYaml(text, 'x').partnership_types).toEqual(recommended);
    // Everything else as it was: every comment, every other line.
    for (const comment of [
      '# Our partner program — owned by Dana',
      '# any of the six',
      '# hired in March',
      '# default: today',
    ])
      expect(text).toContain(comment);
    const others = (t: string) => t.split('\n').filter((l) => !l.startsWith('partnership_types'));
    expect(others(text)).toEqual(others(COMMENTED));
    expect(text).toMatch(
      /^partnership_types: \[[a-z-]+(, [a-z-]+)*\] # any of the six; display names work too$/m,
    );
  });

  it('keeps the entries (and their comments and spelling) of types that stay', () => {
    const text = 'partnership_types:\n  - Co-Sell # our first\n  - referral\nteam: []\n';
    const out = withPartnershipTypes(text, ['co-sell', 'service-implementation']);
    expect(out).toBe('partnership_types:\n  - Co-Sell # our first\n  - service-implementation\nteam: []\n');
  });

  it('creates a config with only the types when there is none, which install then uses', async () => {
    const cwd = tempDir();
    const saved = await cli(['--json', 'fit', '--save', ...ANSWERS], { cwd });
    expect(saved.code).toBe(0);
    const json = JSON.parse(saved.stdout);
    expect(json.saved).toMatchObject({ created: true });
    const text = readFileSync(join(cwd, 'partnernomics.config.yaml'), 'utf8');
    expect(text).toMatch(/^# Partnernomics configuration/);
    expect(parseConfigYaml(text, 'x').partnership_types).toEqual(json.recommended);
    const plan = await cli(['--json', 'plan', '--out', 'ws'], { cwd });
    expect(plan.code).toBe(0);
  });

  it('writes into the file --config names, and says so in the hint', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'team a.yaml'), COMMENTED);
    const fit = await cli(['--config', 'team a.yaml', 'fit', ...ANSWERS], { cwd });
    expect(fit.stdout).toContain(`partnernomics fit --save --config 'team a.yaml' ${ANSWERS.join(' ')}`);
    const saved = await cli(['--config', 'team a.yaml', 'fit', '--save', ...ANSWERS], { cwd });
    expect(saved.stdout).toContain("Next: partnernomics install --config 'team a.yaml'");
  });
});

describe('other hints', () => {
  it('init --config X suggests install --config X, which uses X', async () => {
    const cwd = tempDir();
    const init = await cli(['--config', 'acme.yaml', 'init', '--yes', '--company', 'Acme'], { cwd });
    expect(init.code).toBe(0);
    const next = /Next: (partnernomics install --config acme\.yaml)\b/.exec(init.stdout)?.[1];
    expect(next).toBeDefined();
    const install = await cli(['--json', ...argvOf(next!).slice(1), '--out', 'ws'], { cwd });
    expect(install.code).toBe(0);
    expect(readFileSync(join(cwd, 'ws', 'MANUAL-STEPS.md'), 'utf8')).toContain('Acme');
    const plain = await cli(['init', '--yes'], { cwd: tempDir() });
    expect(plain.stdout).toMatch(/Next: partnernomics install {3}/);
  });

  it('the help describes login for both Notion and Google', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).not.toContain('arrives with the Sheets target');
    expect(help.stdout).toMatch(
      /login\s+store\s+credentials\s+for\s+Notion\s+\(login\s+notion\)\s+or\s+Google\s+Sheets\s+\(login\s+google\)/,
    );
  });

  it('an option of another command names that command; --json gives the same as one object', async () => {
    const run = await cli(['install', '--types', 'co-sell']);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toContain('Did you mean --yes');
    expect(run.stderr).toContain('--types belongs to `partnernomics init`');
    expect(run.stderr).toContain('partnernomics install takes --target, --out, --root, --force, --yes');
    const json = await cli(['install', '--types', 'co-sell', '--json']);
    expect(JSON.parse(json.stdout).error).toMatchObject({ code: 'USAGE' });
    const login = await cli(['--json', 'login', 'notion', '--client-file', 'x.json']);
    expect(JSON.parse(login.stdout).error.message).toContain(
      '--client-file belongs to `partnernomics login google`',
    );
  });
});

describe('the Notion install ends with the hub link', () => {
  const fake = createFakeNotion();
  beforeAll(() => fake.listen());
  afterAll(() => fake.close());

  it('prints https://www.notion.so/<hub id without dashes>', async () => {
    const root = fake.seedRootPage('Partners');
    const cwd = tempDir();
    writeFileSync(join(cwd, 'partnernomics.config.yaml'), 'partnership_types: [referral]\n');
    const run = await cli(['install', '--target', 'notion', '--root', root], {
      cwd,
      env: {
        NOTION_TOKEN: fake.token,
        PARTNERNOMICS_NOTION_URL: fake.baseUrl,
        PARTNERNOMICS_NOTION_RATE: '10000',
        PARTNERNOMICS_HOME: tempDir(),
      },
    });
    expect(run.code, run.stderr).toBe(0);
    const hub = fake.childrenOf(root).find((b) => b.type === 'child_page')!;
    const lines = run.stdout.trim().split('\n');
    expect(lines.at(-1)).toBe(`Notion hub: https://www.notion.so/${hub.id.replace(/-/g, '')}`);
  }, 120_000);
});
