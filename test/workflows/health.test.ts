// Program hygiene's pure core: each finding kind from scripted rows, the day boundaries, and the type norms from content.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { PARTNERSHIP_TYPES } from '../../src/domain/types.js';
import { TEMPLATES_DIR } from '../../src/platform/paths.js';
import {
  type Finding,
  type HealthPartner,
  type HealthRows,
  PIPELINE_STAGES,
  programHealth,
  quarterIdOf,
  quarterOfDay,
  type StageNorms,
} from '../../src/workflows/health/core.js';
import { stageNorms } from '../../src/workflows/health/norms.js';

const NORMS: StageNorms = {
  Referral: {
    Sourced: 21,
    Researching: 14,
    Discovery: 21,
    Scoring: 14,
    Negotiating: 30,
    Signed: 14,
    Launching: 90,
  },
  Affiliate: {
    Sourced: 14,
    Researching: 7,
    Discovery: 14,
    Scoring: 7,
    Negotiating: 7,
    Signed: 7,
    Launching: 90,
  },
};
const TODAY = '2027-02-15';

const partner = (over: Partial<HealthPartner> & { id: string }): HealthPartner => ({
  name: over.id,
  type: 'Referral',
  stage: 'Active',
  owners: ['Ada'],
  signedOn: null,
  launchDate: null,
  created: '2027-02-01',
  example: false,
  ...over,
});

const empty: HealthRows = { partners: [], todos: [], pbrs: [], roadmap: [], sync: null };
const run = (rows: Partial<HealthRows>, today = TODAY) => programHealth({ ...empty, ...rows }, today, NORMS);
const itemsOf = (found: Finding[], kind: Finding['kind']) =>
  found.filter((f) => f.kind === kind).map((f) => f.item);
/** Active partners get a PBR in the quarter, so only the rule under test speaks. */
const pbrFor = (...ids: string[]) =>
  ids.map((id) => ({ id: `pbr-${id}`, name: 'PBR', partnerIds: [id], quarter: null, date: '2027-03-01' }));

describe('programHealth', () => {
  it('a clean workspace has no findings', () => {
    const partners = [partner({ id: 'p1' }), partner({ id: 'p2', stage: 'Declined', owners: [] })];
    expect(run({ partners, pbrs: pbrFor('p1') })).toEqual([]);
  });

  it('partners without an owner: every stage but Declined, example rows left out', () => {
    const partners = [
      partner({ id: 'no-owner', stage: 'Discovery', owners: [] }),
      partner({ id: 'declined', stage: 'Declined', owners: [] }),
      partner({ id: 'example', stage: 'Scoring', owners: [], example: true }),
      partner({ id: 'owned', stage: 'Scoring' }),
    ];
    const found = run({ partners });
    expect(itemsOf(found, 'partner-without-owner')).toEqual(['no-owner']);
    expect(found[0]).toMatchObject({
      since: '2027-02-01',
      pageId: 'no-owner',
      detail: 'Discovery, Referral',
    });
  });

  it('overdue to-dos: due before today and not Done; due today is not overdue yet', () => {
    const todo = (id: string, due: string | null, status: string | null) => ({
      id,
      name: id,
      owners: [],
      due,
      status,
      partnerIds: ['p1'],
    });
    const found = run({
      partners: [partner({ id: 'p1', name: 'Acme' })],
      pbrs: pbrFor('p1'),
      todos: [
        todo('yesterday', '2027-02-14', 'In progress'),
        todo('today', TODAY, 'Not started'),
        todo('done', '2027-01-01', 'Done'),
        todo('no due', null, 'Blocked'),
        todo('long ago with a time', '2027-01-15T10:00:00.000+02:00', null),
      ],
    });
    expect(itemsOf(found, 'overdue-todo')).toEqual(['yesterday', 'long ago with a time']);
    expect(found[0]!.detail).toBe('due 2027-02-14, 1 day(s) ago; In progress; no owner; for Acme');
    expect(found[1]!.since).toBe('2027-01-15');
  });

  it('stuck: exactly at the norm is not stuck, one day over is', () => {
    // Referral's Signed norm is 14 days: signed on Feb 1 is at the norm on Feb 15, over it on Feb 16.
    const signed = partner({ id: 'signed', stage: 'Signed', signedOn: '2027-02-01' });
    expect(itemsOf(run({ partners: [signed] }, '2027-02-15'), 'stuck-in-stage')).toEqual([]);
    const over = run({ partners: [signed] }, '2027-02-16');
    expect(itemsOf(over, 'stuck-in-stage')).toEqual(['signed']);
    expect(over[0]).toMatchObject({
      since: '2027-02-01',
      detail: 'Signed, signed on 2027-02-01: 15 days; the Referral norm for Signed is 14 days',
    });
  });

  it('stuck: each stage counts from its own date, and a type has its own norms', () => {
    // Affiliate's Signed norm is 7 days, Referral's 14: the same dates flag only the affiliate.
    const partners = [
      partner({ id: 'referral', stage: 'Signed', signedOn: '2027-02-05' }),
      partner({ id: 'affiliate', type: 'Affiliate', stage: 'Signed', signedOn: '2027-02-05' }),
      // Launching counts from the Launch date (90 days), not from the signing long before it.
      partner({ id: 'launching', stage: 'Launching', signedOn: '2026-09-01', launchDate: '2026-11-17' }),
      partner({ id: 'launching-late', stage: 'Launching', signedOn: '2026-09-01', launchDate: '2026-11-16' }),
      // A launch planned for later is not late.
      partner({ id: 'planned', stage: 'Launching', signedOn: '2027-01-01', launchDate: '2027-04-01' }),
      // Active, Paused and Declined have no norm.
      partner({ id: 'active', stage: 'Active', created: '2020-01-01' }),
      partner({ id: 'paused', stage: 'Paused', created: '2020-01-01' }),
      // No type, or a type without norms: nothing to compare with.
      partner({ id: 'untyped', type: null, stage: 'Sourced', created: '2020-01-01' }),
      partner({ id: 'unknown type', type: 'Hyperscaler', stage: 'Sourced', created: '2020-01-01' }),
    ];
    const found = run({ partners, pbrs: pbrFor('active') });
    expect(itemsOf(found, 'stuck-in-stage')).toEqual(['affiliate', 'launching-late']);
    expect(found.find((f) => f.item === 'launching-late')!.detail).toBe(
      'Launching, launched on 2026-11-16: 91 days; the Referral norm for Launching is 90 days',
    );
  });

  it('stuck before signing: from the page creation, against the norms of every stage up to this one', () => {
    // Referral Sourced + Researching + Discovery = 21 + 14 + 21 = 56 days from creation.
    const discovery = (id: string, created: string) => partner({ id, stage: 'Discovery', created });
    const found = run({
      partners: [discovery('on schedule', '2026-12-21'), discovery('behind', '2026-12-20')],
    });
    expect(itemsOf(found, 'stuck-in-stage')).toEqual(['behind']);
    expect(found.find((f) => f.kind === 'stuck-in-stage')!.detail).toBe(
      'Discovery, added as a candidate on 2026-12-20: 57 days; the Referral norm from Sourced through Discovery is 56 days',
    );
    // Sourced alone is exact: a candidate starts there.
    const sourced = run({ partners: [partner({ id: 'sourced', stage: 'Sourced', created: '2027-01-24' })] });
    expect(itemsOf(sourced, 'stuck-in-stage')).toEqual(['sourced']);
    // Signed without a Signed on date counts from creation through Signed (21+14+21+14+30+14 = 114).
    const undated = partner({ id: 'undated', stage: 'Signed', created: '2026-10-24' });
    expect(itemsOf(run({ partners: [undated] }), 'stuck-in-stage')).toEqual([]);
    expect(itemsOf(run({ partners: [{ ...undated, created: '2026-10-23' }] }), 'stuck-in-stage')).toEqual([
      'undated',
    ]);
  });

  it('stuck: a recorded stage-change date is used as is, over every other date', () => {
    const p = partner({ id: 'p', stage: 'Negotiating', created: '2020-01-01', stageChanged: '2027-01-16' });
    expect(itemsOf(run({ partners: [p] }), 'stuck-in-stage')).toEqual([]);
    const late = run({ partners: [{ ...p, stageChanged: '2027-01-15' }] });
    expect(late.find((f) => f.kind === 'stuck-in-stage')).toMatchObject({
      since: '2027-01-15',
      detail:
        'Negotiating, in Negotiating since 2027-01-15: 31 days; the Referral norm for Negotiating is 30 days',
    });
  });

  it('active partners with no PBR this quarter: by the PBR date or its Quarter text', () => {
    const partners = ['dated', 'named', 'last-quarter', 'next-quarter', 'none', 'unyeared'].map((id) =>
      partner({ id }),
    );
    const pbr = (id: string, quarter: string | null, date: string | null) => ({
      id: `pbr-${id}`,
      name: `${id} PBR`,
      partnerIds: [id],
      quarter,
      date,
    });
    const found = run({
      partners: [...partners, partner({ id: 'scoring', stage: 'Scoring' })],
      pbrs: [
        pbr('dated', null, '2027-01-01'),
        pbr('named', 'Q1 2027', null),
        pbr('last-quarter', '2026Q4', '2026-12-31'),
        pbr('next-quarter', null, '2027-04-01'),
        pbr('unyeared', 'Q1', null),
      ],
    });
    expect(itemsOf(found, 'no-pbr-this-quarter')).toEqual([
      'last-quarter',
      'next-quarter',
      'none',
      'unyeared',
    ]);
    expect(found.find((f) => f.item === 'none')).toMatchObject({
      since: '2027-01-01',
      detail: 'Active, no PBR dated in 2027Q1 (2027-01-01 to 2027-03-31) or with Quarter 2027Q1',
    });
  });

  it('PBRs of example partners do not count for real ones, and example partners are not checked', () => {
    const found = run({
      partners: [partner({ id: 'real' }), partner({ id: 'ex', example: true })],
      pbrs: pbrFor('ex'),
    });
    expect(itemsOf(found, 'no-pbr-this-quarter')).toEqual(['real']);
  });

  it('roadmap steps past due: not Done and due before today, in step order', () => {
    const step = (number: number, due: string | null, status: string) => ({
      id: `s${number}`,
      name: `Step ${number}`,
      number,
      status,
      due,
    });
    const found = run({
      roadmap: [
        step(3, '2027-02-01', 'In progress'),
        step(1, '2027-01-14', 'Not started'),
        step(2, '2027-01-10', 'Done'),
        step(4, TODAY, 'Not started'),
        step(5, null, 'Not started'),
      ],
    });
    expect(itemsOf(found, 'roadmap-step-past-due')).toEqual(['1. Step 1', '3. Step 3']);
    expect(found[0]).toMatchObject({
      since: '2027-01-14',
      detail: 'due 2027-01-14, 32 day(s) ago; Not started',
    });
  });

  it('sync conflicts open: overwritten values or unmatched rows of the last sync', () => {
    const at = '2027-02-14T08:00:00.000Z';
    expect(run({ sync: { at, conflicts: 0, openRows: 0 } })).toEqual([]);
    expect(run({ sync: { at, conflicts: 2, openRows: 0 } })).toEqual([
      {
        kind: 'sync-conflicts',
        item: 'Sync Log',
        detail: `2 value(s) overwritten by the last sync (last sync ${at})`,
        since: '2027-02-14',
      },
    ]);
    expect(run({ sync: { at, conflicts: 0, openRows: 3 } })[0]!.detail).toContain(
      '3 workbook row(s) without a Notion ID or with a duplicate one',
    );
  });

  it('null tables (not read) are not checked; findings come grouped by kind', () => {
    const found = programHealth(
      {
        partners: [
          partner({ id: 'a', owners: [] }),
          partner({ id: 'b', stage: 'Signed', signedOn: '2026-01-01' }),
        ],
        todos: null,
        pbrs: null,
        roadmap: [{ id: 's', name: 'Late', number: 1, status: null, due: '2027-01-01' }],
        sync: { at: null, conflicts: 1, openRows: 0 },
      },
      TODAY,
      NORMS,
    );
    expect(found.map((f) => `${f.kind}:${f.item}`)).toEqual([
      'partner-without-owner:a',
      'stuck-in-stage:b',
      'roadmap-step-past-due:1. Late',
      'sync-conflicts:Sync Log',
    ]);
  });
});

describe('quarters', () => {
  it('calendar quarters and the Quarter texts people type', () => {
    expect(quarterOfDay('2027-03-31')).toEqual({ id: '2027Q1', start: '2027-01-01', end: '2027-04-01' });
    expect(quarterOfDay('2027-12-01')).toEqual({ id: '2027Q4', start: '2027-10-01', end: '2028-01-01' });
    for (const text of ['2027Q1', '2027 Q1', '2027-q1', 'Q1 2027', 'Q1-2027'])
      expect(quarterIdOf(text)).toBe('2027Q1');
    for (const text of ['Q1', '2027', 'Q5 2027', '', null]) expect(quarterIdOf(text)).toBeNull();
  });
});

describe('stage norms in the partnership types', () => {
  const bp = loadBlueprint();
  const stageOptions = (() => {
    const notion = parseYaml(readFileSync(join(TEMPLATES_DIR, 'blueprint', 'notion.yaml'), 'utf8')) as {
      databases: { key: string; properties: { key?: string; options?: string[] }[] }[];
    };
    const partners = notion.databases.find((d) => d.key === 'db.partners')!;
    return partners.properties.find((p) => p.key === 'stage')!.options!;
  })();

  it('every pipeline stage the norms name is a Stage option of the Partners database, in its order', () => {
    const inOrder = stageOptions.filter((s) => (PIPELINE_STAGES as readonly string[]).includes(s));
    expect(inOrder).toEqual([...PIPELINE_STAGES]);
  });

  it('each type has a norm for every pipeline stage, keyed by the name Notion shows', () => {
    const norms = stageNorms(bp, PARTNERSHIP_TYPES);
    expect(Object.keys(norms).sort()).toEqual(
      ['Affiliate', 'Co-Sell', 'Influencer', 'Marketplace', 'Referral', 'Service/Implementation'].sort(),
    );
    for (const [type, byStage] of Object.entries(norms))
      expect(Object.keys(byStage), type).toEqual([...PIPELINE_STAGES]);
  });

  it('the norms follow each type’s sales cycle: affiliate shortest, co-sell and marketplace longest', () => {
    const norms = stageNorms(bp, PARTNERSHIP_TYPES);
    const toSigned = (type: string) =>
      PIPELINE_STAGES.slice(0, 5).reduce((n, s) => n + (norms[type]![s] ?? 0), 0);
    const totals = Object.keys(norms).map((t) => [t, toSigned(t)] as const);
    const min = Math.min(...totals.map(([, n]) => n));
    const max = Math.max(...totals.map(([, n]) => n));
    expect(toSigned('Affiliate')).toBe(min);
    expect(toSigned('Co-Sell')).toBe(max);
    expect(toSigned('Marketplace')).toBe(max);
    // Every type's launch stage is its First 90-Days Plan.
    for (const t of Object.keys(norms)) expect(norms[t]!.Launching).toBe(90);
  });

  it('only the chosen types have norms', () => {
    expect(Object.keys(stageNorms(bp, ['referral', 'co-sell']))).toEqual(['Referral', 'Co-Sell']);
  });
});
