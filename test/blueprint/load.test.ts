// A broken blueprint fails with the file, the path inside it and the problem; install then writes nothing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBlueprint } from '../../src/blueprint/load.js';
import type { PnError } from '../../src/platform/errors.js';
import { cli, editedTemplates, tempDir, WORKBOOK_TABS } from '../helpers.js';

function brokenCopy(file: string, edit: (text: string) => string): string {
  return editedTemplates({ [file]: edit });
}

function loadError(dir: string): PnError {
  try {
    loadBlueprint(dir);
  } catch (error) {
    return error as PnError;
  }
  throw new Error('expected the blueprint to be rejected');
}

describe('loadBlueprint', () => {
  it('loads the shipped blueprint', () => {
    const bp = loadBlueprint();
    expect(Object.keys(bp.types)).toHaveLength(6);
    expect(bp.roadmap).toHaveLength(16);
    expect(bp.notion.databases.map((d) => d.title)).toEqual(
      expect.arrayContaining([
        'QLP Roadmap',
        'ICP Customers',
        'Ecosystem Map',
        'Partners',
        'Term Sheets',
        'Negotiation Items',
        '90-Day Plans',
        'Milestones & To-Dos',
        'PBRs',
        'Monthly Metrics',
        'Joint GTM Activities',
        'Referrals',
        'Playbooks',
      ]),
    );
    expect(bp.workbook.tabs.map((t) => t.name)).toEqual(WORKBOOK_TABS);
  });

  it.each([
    ['invalid YAML', 'scoring.yaml', (t: string) => `${t}\n  - [broken`, 'scoring.yaml: not valid YAML'],
    [
      'weights that do not sum to 100',
      'scoring.yaml',
      (t: string) => t.replace('co-sell: 14,', 'co-sell: 15,'),
      "the co-sell weights sum to 101; each type's weights must sum to 100",
    ],
    [
      'a relation to a missing database',
      'blueprint/notion.yaml',
      (t: string) =>
        t.replace('target: db.partners, dual: Term sheets', 'target: db.nowhere, dual: Term sheets'),
      'blueprint/notion.yaml: databases.4.properties.1.target: no database "db.nowhere"',
    ],
    [
      'a type missing a section',
      'partnership-types/referral.yaml',
      (t: string) => t.replace(/^failure_modes:/m, 'failure_mode_notes:'),
      'partnership-types/referral.yaml',
    ],
    [
      'a roadmap output pointing at no page',
      'roadmap.yaml',
      (t: string) => t.replace('worksheet: icp\n', 'worksheet: icp-sheet\n'),
      'no page has key "icp-sheet"',
    ],
    [
      'a sync field naming a missing column',
      'blueprint/sync.yaml',
      (t: string) =>
        t.replace(
          '{ notion: stage, sheet: stage, owner: notion }',
          '{ notion: stage, sheet: phase, owner: notion }',
        ),
      'tab partner_scoring has no column "phase"',
    ],
    [
      'a workbook-owned value sent into a Text property',
      'blueprint/sync.yaml',
      (t: string) =>
        t.replace(
          '{ notion: quarter, sheet: quarter, owner: notion }',
          '{ notion: quarter, sheet: scoreboard, owner: sheets }',
        ),
      'it can go back only into a Number, Select or Date property, not rich_text',
    ],
    [
      'a workbook-owned value that is typed, not computed',
      'blueprint/sync.yaml',
      (t: string) =>
        t.replace(
          '{ notion: leads, sheet: leads, owner: notion }',
          '{ notion: leads, sheet: leads, owner: sheets }',
        ),
      'its column must be a formula column',
    ],
    [
      'a Notion-owned value written over a formula column',
      'blueprint/sync.yaml',
      (t: string) =>
        t.replace(
          '{ notion: score, sheet: score, owner: sheets }',
          '{ notion: score, sheet: score, owner: notion }',
        ),
      'Notion owns it, so its column must be an input column, not formula',
    ],
    [
      'a table synced twice',
      'blueprint/sync.yaml',
      (t: string) => `${t}  - notion: db.referrals\n    sheet: metrics\n    fields: []\n`,
      '"db.referrals" is synced by another mapping too',
    ],
    [
      'a description that says {sync} for a database the map leaves out',
      'blueprint/notion.yaml',
      (t: string) => t.replace('with their status.', 'with their status. {sync}'),
      'says {sync}, but db.term_sheets is not synced',
    ],
    [
      'a workbook cell naming a tab the map leaves out',
      'blueprint/workbook.yaml',
      (t: string) => t.replace('{sync.roadmap}', '{sync.dashboard}'),
      '{sync.dashboard} names no synced tab',
    ],
    [
      'a page naming a tab the map leaves out',
      'pages/worksheets/pbr-agenda.md',
      (t: string) => t.replace('{{sync.pbrs}}', '{{sync.pbr_scoreboard}}'),
      'pages/worksheets/pbr-agenda.md: {{sync.pbr_scoreboard}} names no synced tab',
    ],
  ])('rejects %s, naming file and path', (_label, file, edit, fragment) => {
    const error = loadError(brokenCopy(file, edit));
    expect(error.code).toBe('BLUEPRINT_INVALID');
    expect(error.oneLine()).toContain(fragment);
    expect(error.oneLine()).not.toContain('\n');
  });

  it('install with a broken blueprint exits 2 with one line and writes nothing', async () => {
    const templates = brokenCopy('scoring.yaml', (t) => t.replace('referral: 14,', 'referral: -14,'));
    const cwd = tempDir();
    const run = await cli(['install', '--out', 'ws'], { cwd, env: { PARTNERNOMICS_TEMPLATES: templates } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: blueprint file scoring\.yaml: criteria\.0\.weights\.referral/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(cwd, 'ws'))).toBe(false);
  });
});
