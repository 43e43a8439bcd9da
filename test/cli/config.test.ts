// Config: init writes a valid file; bad config is one line naming the field, exit 2, nothing written.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFromFlags } from '../../src/cli/commands/init.js';
import { loadConfig, parseConfig, parseConfigYaml } from '../../src/config/load.js';
import type { PnError } from '../../src/platform/errors.js';
import { cli, tempDir } from '../helpers.js';

function configError(yaml: string): PnError {
  try {
    parseConfigYaml(yaml, 'partnernomics.config.yaml', '2027-01-04');
  } catch (error) {
    return error as PnError;
  }
  throw new Error('expected the config to be rejected');
}

describe('config validation', () => {
  it('fills every default: all six types, program starting today', () => {
    const config = parseConfig({}, 'defaults', '2027-01-04');
    expect(config.partnership_types).toHaveLength(6);
    expect(config.program.start_date).toBe('2027-01-04');
    expect(config.targets.partners_signed_by_day_90).toBe(3);
  });

  it('accepts display names for types and keeps the canonical order', () => {
    const config = parseConfig(
      { partnership_types: ['Service/Implementation', 'co-sell'] },
      'x',
      '2027-01-04',
    );
    expect(config.partnership_types).toEqual(['co-sell', 'service-implementation']);
  });

  it.each([
    ['wrong type', 'targets:\n  partners_signed_by_day_90: lots\n', 'targets.partners_signed_by_day_90'],
    [
      'unknown partnership type',
      'partnership_types: [referral, reseller]\n',
      'partnership_types.1: "reseller" is not a partnership type',
    ],
    [
      'negative target',
      'targets:\n  monthly_referrals_per_partner: -4\n',
      'targets.monthly_referrals_per_partner: must be 0 or more',
    ],
    [
      'share over 100',
      'targets:\n  partner_share_of_bookings_pct: 140\n',
      'targets.partner_share_of_bookings_pct: must be at most 100',
    ],
    ['unknown field', 'compnay:\n  name: Acme\n', 'unknown field "compnay"'],
    ['impossible date', 'program:\n  start_date: 2027-02-30\n', 'program.start_date'],
    ['malformed YAML', 'company: [unclosed\n', 'not valid YAML'],
    ['not a mapping', '- just\n- a list\n', 'must be a YAML mapping'],
  ])('rejects a %s with a one-line message naming the field', (_label, yaml, fragment) => {
    const error = configError(yaml);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.exitCode).toBe(2);
    expect(error.oneLine()).toContain(fragment);
    expect(error.oneLine()).not.toContain('\n');
  });

  it('requires an explicit --config file to exist, but not the default one', () => {
    const dir = tempDir();
    expect(loadConfig({ cwd: dir }).source).toBe('defaults');
    expect(() => loadConfig({ cwd: dir, path: 'missing.yaml' })).toThrow(/config file not found/);
  });

  it('turns init flags into a config object', () => {
    const raw = configFromFlags(
      { company: 'Acme', types: 'co-sell, referral', partnersByDay90: '4' },
      '2027-01-04',
    );
    const config = parseConfig(raw, 'init', '2027-01-04');
    expect(config.company.name).toBe('Acme');
    expect(config.partnership_types).toEqual(['referral', 'co-sell']);
    expect(config.targets.partners_signed_by_day_90).toBe(4);
  });
});

describe('partnernomics init and install with bad config', () => {
  it('init --yes writes a config that install then uses', async () => {
    const dir = tempDir();
    const init = await cli(
      [
        'init',
        '--yes',
        '--company',
        'Ridgeway',
        '--types',
        'co-sell,service-implementation',
        '--start-date',
        '2027-02-01',
      ],
      { cwd: dir },
    );
    expect(init.code).toBe(0);
    const text = readFileSync(join(dir, 'partnernomics.config.yaml'), 'utf8');
    expect(text).toContain('name: Ridgeway');
    const plan = await cli(['--json', 'plan'], { cwd: dir });
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.stdout).counts.create).toBeGreaterThan(10);
  });

  it('init refuses bad flags and an existing file, writing nothing', async () => {
    const dir = tempDir();
    const bad = await cli(['init', '--yes', '--types', 'referral,telepathy'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: init: partnership_types\.1: "telepathy" is not a partnership type/);
    expect(readdirSync(dir)).toEqual([]);
    const notNumber = await cli(['init', '--yes', '--partners-by-day-90', 'three'], { cwd: dir });
    expect(notNumber.code).toBe(2);
    expect(notNumber.stderr).toContain('--partners-by-day-90');
    writeFileSync(join(dir, 'partnernomics.config.yaml'), 'company:\n  name: Mine\n');
    const again = await cli(['init', '--yes'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(readFileSync(join(dir, 'partnernomics.config.yaml'), 'utf8')).toBe('company:\n  name: Mine\n');
  });

  it('init --person names people in team roles, and rejects unknown roles and bad emails', async () => {
    const dir = tempDir();
    const ok = await cli(
      ['init', '--yes', '--person', 'Head of Partnerships=Dana Ortiz <dana@example.com>'],
      { cwd: dir },
    );
    expect(ok.code).toBe(0);
    const config = parseConfigYaml(
      readFileSync(join(dir, 'partnernomics.config.yaml'), 'utf8'),
      'x',
      '2027-01-04',
    );
    expect(config.team[0]).toEqual({
      role: 'Head of Partnerships',
      name: 'Dana Ortiz',
      email: 'dana@example.com',
    });
    expect(config.team.map((m) => m.role)).toContain('CRO');
    const badRole = await cli(['init', '--yes', '--force', '--person', 'Chief Vibes=Sam'], { cwd: dir });
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('team.0.role');
    const badEmail = await cli(['init', '--yes', '--force', '--person', 'CRO=Sam <not-an-email>'], {
      cwd: dir,
    });
    expect(badEmail.code).toBe(2);
    expect(badEmail.stderr).toContain('team.0.email');
    expect(readFileSync(join(dir, 'partnernomics.config.yaml'), 'utf8')).toContain('Dana Ortiz');
  });

  it('init without a terminal and without --yes explains how to script it', async () => {
    const run = await cli(['init'], { cwd: tempDir() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--yes');
  });

  it.each([
    ['wrong type', 'targets:\n  partners_signed_by_day_90: "3 or 4"\n'],
    ['unknown partnership type', 'partnership_types: [franchise]\n'],
    ['negative target', 'targets:\n  partner_share_of_bookings_pct: -1\n'],
    ['malformed YAML', 'company: {name: "Acme"\n'],
  ])('install with a config with a %s exits 2 and writes nothing', async (_label, yaml) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'partnernomics.config.yaml'), yaml);
    const run = await cli(['install', '--out', 'ws'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^error: partnernomics\.config\.yaml/);
    expect(existsSync(join(dir, 'ws'))).toBe(false);
  });
});
