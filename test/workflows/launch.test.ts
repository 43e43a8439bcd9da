// `partnernomics launch` against the fake Notion: a partner signed on a Thursday before a weekend and a listed holiday.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PageObjectResponse } from '@notionhq/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { loadConfig } from '../../src/config/load.js';
import { Throttle } from '../../src/platform/throttle.js';
import { readRegistry } from '../../src/sync/notion-side.js';
import { NotionApi } from '../../src/targets/notion/api.js';
import type { Registry } from '../../src/targets/notion/registry.js';
import { runWorkflows } from '../../src/workflows/launch/auto.js';
import type { CallRecord } from '../fakes/harness.js';
import { createFakeNotion } from '../fakes/notion/index.js';
import { cli, tempDir } from '../helpers.js';

const notion = createFakeNotion();
const coSell = loadBlueprint().types['co-sell'];
let env: NodeJS.ProcessEnv;
let config: string;
let root: string;
let registry: Registry;
let sam: string;
let rae: string;

const writes = (calls: readonly CallRecord[]) =>
  calls.filter((c) => c.method !== 'GET' && !/\/query$/.test(c.path));
const ds = (db: string) => registry.entries[db]!.dataSourceId!;
const prop = (page: PageObjectResponse, name: string) => page.properties[name]!;
const titleOf = (page: PageObjectResponse) => {
  const p = Object.values(page.properties).find((v) => v.type === 'title');
  return p?.type === 'title' ? p.title.map((t) => t.plain_text).join('') : '';
};
const textOf = (page: PageObjectResponse, name: string) => {
  const p = prop(page, name);
  return p.type === 'rich_text' ? p.rich_text.map((t) => t.plain_text).join('') : undefined;
};
const selectOf = (page: PageObjectResponse, name: string) => {
  const p = prop(page, name);
  return p.type === 'select' ? (p.select?.name ?? null) : undefined;
};
const dateOf = (page: PageObjectResponse, name: string) => {
  const p = prop(page, name);
  return p.type === 'date' ? (p.date?.start ?? null) : undefined;
};
const relOf = (page: PageObjectResponse, name: string) => {
  const p = prop(page, name);
  return p.type === 'relation' ? p.relation.map((r) => r.id) : undefined;
};
const peopleOf = (page: PageObjectResponse, name: string) => {
  const p = prop(page, name);
  return p.type === 'people' ? p.people.map((u) => u.id) : undefined;
};
const linkedTo = (db: string, property: string, id: string) =>
  notion.rows(ds(db)).filter((r) => relOf(r, property)?.includes(id));

function addPerson(name: string, email: string): string {
  const id = notion.state.ids.next('user');
  notion.state.users.set(id, {
    object: 'user',
    id,
    name,
    avatar_url: null,
    type: 'person',
    person: { email },
  });
  return id;
}

function seedPartner(name: string, values: { stage: string; type?: string; signedOn?: string }): string {
  return notion.seedPage({
    parent: { data_source_id: ds('db.partners') },
    properties: {
      Partner: { title: [{ text: { content: name } }] },
      Stage: { select: { name: values.stage } },
      ...(values.type ? { 'Partnership type': { select: { name: values.type } } } : {}),
      ...(values.signedOn ? { 'Signed on': { date: { start: values.signedOn } } } : {}),
    },
  });
}

async function launch(...args: string[]) {
  const run = await cli(['--json', '--config', config, 'launch', ...args, '--root', root], { env });
  return { ...run, json: run.stdout ? JSON.parse(run.stdout) : null };
}

beforeAll(async () => {
  await notion.listen();
  sam = addPerson('Sam Seller', 'sam@example.com');
  rae = addPerson('Rae Ops', 'rae@example.com');
  const dir = tempDir();
  config = join(dir, 'partnernomics.config.yaml');
  writeFileSync(
    config,
    [
      'company: { name: Ridgeway Dispatch }',
      'partnership_types: [co-sell, referral]',
      'program: { start_date: 2027-01-04 }',
      'team:',
      `  - { role: Partner Manager, name: Ada Admin, notion_user_id: ${notion.state.personId} }`,
      `  - { role: Sales Leader, name: Sam Seller, notion_user_id: ${sam} }`,
      `  - { role: RevOps, name: Rae Ops, notion_user_id: ${rae} }`,
      '  - { role: CRO, name: Cleo Ray }',
      '  - { role: Head of Partnerships }',
      '  - { role: Finance/CFO }',
      'workflows: { holidays: [2027-05-31] }',
      '',
    ].join('\n'),
  );
  env = {
    PARTNERNOMICS_HOME: tempDir(),
    NOTION_TOKEN: notion.token,
    PARTNERNOMICS_NOTION_URL: notion.baseUrl,
    PARTNERNOMICS_NOTION_RATE: '500',
    PARTNERNOMICS_NOTION_TIMEOUT_MS: '2000',
  };
  root = notion.seedRootPage('Program');
  const installed = await cli(
    ['--json', '--config', config, 'install', '--target', 'notion', '--root', root],
    {
      env,
    },
  );
  expect(installed.code, installed.stderr).toBe(0);
  const api = new NotionApi({ token: notion.token, baseUrl: notion.baseUrl });
  registry = (await readRegistry(api, root, 'Partnernomics — Partner Program OS'))!;
  expect(registry).not.toBeNull();
}, 120_000);
afterAll(() => notion.close());

const milestoneCount = coSell.launch.phases.reduce((n, p) => n + p.milestones.length, 0);
const negotiationCount =
  coSell.term_sheet.partner_qualifications.length + coSell.incentives.default_terms.length;

describe('partnernomics launch', () => {
  let acme: string;

  it('a dry run lists every row it would create and writes nothing', async () => {
    acme = seedPartner('Acme Data', { stage: 'Signed', type: 'Co-Sell', signedOn: '2027-05-27' });
    notion.clearLog();
    const dry = await launch('Acme Data', '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(writes(notion.calls)).toEqual([]);
    // term sheet + negotiation items + plan + milestones + the plan's final status
    expect(dry.json.writes).toBe(1 + negotiationCount + 1 + milestoneCount + 1);
    expect(dry.json.lines.filter((l: string) => l.includes('would create'))).toHaveLength(
      1 + negotiationCount + 1 + milestoneCount,
    );
    expect(notion.rows(ds('db.plans')).filter((r) => relOf(r, 'Partner')?.includes(acme))).toEqual([]);
  });

  it('creates the term sheet, negotiation items, plan and dated milestones with people and links', async () => {
    const run = await launch('Acme Data');
    expect(run.code, run.stderr).toBe(0);

    const [sheet, ...moreSheets] = linkedTo('db.term_sheets', 'Partner', acme);
    expect(moreSheets).toEqual([]);
    expect(titleOf(sheet!)).toBe('Acme Data — Co-Sell term sheet');
    expect(selectOf(sheet!, 'Partnership type')).toBe('Co-Sell');
    expect(selectOf(sheet!, 'Status')).toBe('Agreed');
    const first = coSell.incentives.default_terms[0]!;
    expect(textOf(sheet!, 'Headline terms')).toContain(`${first.term}: ${first.value}`);

    const items = linkedTo('db.negotiation', 'Partner', acme);
    expect(items).toHaveLength(negotiationCount);
    const need = items.find(
      (i) => titleOf(i) === `Acme Data — ${coSell.term_sheet.partner_qualifications[0]}`,
    )!;
    expect([selectOf(need, 'Side'), selectOf(need, 'Category'), selectOf(need, 'Priority')]).toEqual([
      'Ours',
      'Need',
      'High',
    ]);
    const want = items.find((i) => titleOf(i) === `Acme Data — ${first.term}`)!;
    expect(selectOf(want, 'Category')).toBe('Want');
    expect(textOf(want, 'Trade offered or asked')).toBe(first.value);

    const [plan, ...morePlans] = linkedTo('db.plans', 'Partner', acme);
    expect(morePlans).toEqual([]);
    expect(titleOf(plan!)).toBe('Acme Data — First 90-Days Plan');
    expect(selectOf(plan!, 'Status')).toBe('Active');
    expect(dateOf(plan!, 'Launch date')).toBe('2027-05-27');
    // The pairing's day-to-day pair: our Partner Manager (a person) with their role (text).
    expect(peopleOf(plan!, 'Our lead')).toEqual([notion.state.personId]);
    const pm = coSell.launch.role_pairing.find((p) => p.ours === 'Partner Manager')!;
    expect(textOf(plan!, 'Their lead')).toBe(pm.theirs);

    const todos = linkedTo('db.todos', '90-day plan', plan!.id);
    expect(todos).toHaveLength(milestoneCount);
    for (const todo of todos) {
      expect(relOf(todo, 'Partner')).toEqual([acme]);
      expect(selectOf(todo, 'Source')).toBe('90-day plan');
      expect(selectOf(todo, 'Status')).toBe('Not started');
    }
    const byTitle = (t: string) => todos.find((x) => titleOf(x) === `Acme Data — ${t}`)!;
    // Day 7 from Thursday 27 May: Friday is day 1, the weekend and the Monday holiday (31 May) are
    // skipped, so day 2 is Tuesday 1 June and day 7 is Tuesday 8 June (without the holiday: Monday 7 June).
    const mapping = byTitle('Connect account mapping and run the first overlap report');
    expect(dateOf(mapping, 'Due')).toBe('2027-06-08');
    expect(peopleOf(mapping, 'Owner')).toEqual([rae]);
    expect(selectOf(mapping, 'Owner role')).toBe('RevOps (Rae Ops)');
    const pairs = byTitle('Agree the top-25 shared accounts and name the seller pairs');
    expect(dateOf(pairs, 'Due')).toBe('2027-06-17');
    expect(peopleOf(pairs, 'Owner')).toEqual([notion.state.personId]);
    const enablement = byTitle("Run joint enablement for both sides' AEs and SEs");
    expect(dateOf(enablement, 'Due')).toBe('2027-06-28');
    expect(peopleOf(enablement, 'Owner')).toEqual([sam]);
    expect(selectOf(enablement, 'Owner role')).toBe('Sales Leader (Sam Seller)');
    // A role the team names without a Notion user: the role is set, the people field stays empty, and the run says so.
    const review = byTitle('Run the day-90 executive review with both sponsors');
    expect(dateOf(review, 'Due')).toBe('2027-10-01');
    expect(selectOf(review, 'Owner role')).toBe('CRO (Cleo Ray)');
    expect(peopleOf(review, 'Owner')).toEqual([]);
    expect(run.json.lines.some((l: string) => l.includes('no Notion user for the role "CRO"'))).toBe(true);
    // Every created row is one line of the log.
    expect(run.json.lines.filter((l: string) => l.includes(': created '))).toHaveLength(
      1 + negotiationCount + 1 + milestoneCount,
    );
    // No due date falls on a weekend or the listed holiday.
    for (const todo of todos) {
      const due = dateOf(todo, 'Due')!;
      expect([0, 6]).not.toContain(new Date(`${due}T00:00:00Z`).getUTCDay());
      expect(due).not.toBe('2027-05-31');
    }
  });

  it('a second run writes nothing, by name or by page ID', async () => {
    notion.clearLog();
    const again = await launch('Acme Data');
    expect(again.code, again.stderr).toBe(0);
    expect(again.json.done).toBe(true);
    expect(again.json.writes).toBe(0);
    const byId = await launch(acme.replace(/-/g, ''));
    expect(byId.code, byId.stderr).toBe(0);
    expect(byId.json.writes).toBe(0);
    expect(writes(notion.calls)).toEqual([]);
    expect(linkedTo('db.negotiation', 'Partner', acme)).toHaveLength(negotiationCount);
  });

  it('a launch stopped half-way creates only what is missing, and a create with an unknown outcome is not duplicated', async () => {
    const bolt = seedPartner('Bolt Cloud', { stage: 'Signed', type: 'Co-Sell', signedOn: '2027-05-27' });
    // What a stopped run left: the term sheet, and one negotiation item.
    notion.seedPage(
      {
        parent: { data_source_id: ds('db.term_sheets') },
        properties: {
          'Term sheet': { title: [{ text: { content: 'Bolt Cloud — Co-Sell term sheet' } }] },
          Partner: { relation: [{ id: bolt }] },
        },
      },
      { by: 'integration' },
    );
    const first = coSell.incentives.default_terms[0]!;
    notion.seedPage(
      {
        parent: { data_source_id: ds('db.negotiation') },
        properties: {
          Item: { title: [{ text: { content: `Bolt Cloud — ${first.term}` } }] },
          Partner: { relation: [{ id: bolt }] },
        },
      },
      { by: 'integration' },
    );
    // The plan's create lands but its answer is lost (a 502): the run looks it up instead of creating it again.
    notion.server.reject({
      method: 'POST',
      path: /^\/v1\/pages$/,
      body: (b) => JSON.stringify(b).includes('First 90-Days Plan'),
      apply: true,
      response: { status: 502, raw: '<html><body>502 Bad Gateway</body></html>' },
      times: 1,
    });
    notion.clearLog();
    const run = await launch('Bolt Cloud');
    expect(run.code, run.stderr).toBe(0);
    expect(notion.calls.filter((c) => c.path === '/v1/pages' && c.status === 502)).toHaveLength(1);
    expect(linkedTo('db.term_sheets', 'Partner', bolt)).toHaveLength(1);
    expect(linkedTo('db.negotiation', 'Partner', bolt)).toHaveLength(negotiationCount);
    const plans = linkedTo('db.plans', 'Partner', bolt);
    expect(plans).toHaveLength(1);
    expect(linkedTo('db.todos', '90-day plan', plans[0]!.id)).toHaveLength(milestoneCount);
    expect(run.json.lines.filter((l: string) => l.includes('term sheet'))).toEqual([]);
  });

  it('refuses a partner that is not signed, or has no signing date, and writes nothing', async () => {
    seedPartner('Cobalt Labs', { stage: 'Negotiating', type: 'Co-Sell', signedOn: '2027-05-27' });
    seedPartner('Dune Partners', { stage: 'Signed', type: 'Referral' });
    notion.clearLog();
    const notSigned = await launch('Cobalt Labs');
    expect(notSigned.code).toBe(2);
    expect(notSigned.json.error.code).toBe('INPUT_INVALID');
    expect(notSigned.stderr).toContain('not Signed');
    const undated = await launch('Dune Partners');
    expect(undated.code).toBe(2);
    expect(undated.stderr).toContain('no Signed on date');
    const unknown = await launch('Nobody Inc');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no partner "Nobody Inc"');
    expect(writes(notion.calls)).toEqual([]);
  });

  it("runWorkflows (the sync's hook) launches a newly signed partner, skips one it cannot launch, then writes nothing", async () => {
    const eon = seedPartner('Eon Analytics', { stage: 'Signed', type: 'Referral', signedOn: '2027-06-03' });
    const blueprint = loadBlueprint();
    const ws = compile(blueprint, loadConfig({ path: config, cwd: tempDir() }).config);
    const api = new NotionApi({
      token: notion.token,
      baseUrl: notion.baseUrl,
      throttle: new Throttle(500, 500),
    });
    const options = { workbook: null, now: new Date('2027-06-04T12:00:00Z') };
    const first = await runWorkflows(api, ws, registry, blueprint.types, options);
    const referral = blueprint.types.referral;
    const referralMilestones = referral.launch.phases.reduce((n, p) => n + p.milestones.length, 0);
    const eonPlan = linkedTo('db.plans', 'Partner', eon);
    expect(eonPlan).toHaveLength(1);
    expect(linkedTo('db.todos', '90-day plan', eonPlan[0]!.id)).toHaveLength(referralMilestones);
    // Dune Partners is Signed without a date: skipped with the reason (not a Sync Log line: it would repeat
    // every run), the run goes on.
    expect(
      first.skipped.some((l) => l.startsWith('launch Dune Partners: skipped:') && l.includes('Signed on')),
    ).toBe(true);
    expect(first.lines.some((l) => l.startsWith('launch Dune Partners'))).toBe(false);
    expect(first.lines.filter((l) => l.startsWith('launch Eon Analytics: created'))).toHaveLength(
      1 +
        referral.term_sheet.partner_qualifications.length +
        referral.incentives.default_terms.length +
        1 +
        referralMilestones,
    );
    // Acme and Bolt were launched before: no lines, no writes for them.
    expect(
      first.lines.some((l) => l.startsWith('launch Acme Data') || l.startsWith('launch Bolt Cloud')),
    ).toBe(false);
    expect(first.pbrs).toBeNull();
    notion.clearLog();
    const second = await runWorkflows(api, ws, registry, blueprint.types, options);
    expect(second.writes).toBe(0);
    expect(writes(notion.calls)).toEqual([]);
  });
});
