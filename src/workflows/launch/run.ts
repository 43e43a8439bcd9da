// Launch I/O: find the partner, read what it already has, create what is missing (each create once), log each line.
import { extractPageId } from '@notionhq/client';
import type { DesiredWorkspace } from '../../blueprint/desired.js';
import type { Blueprint } from '../../blueprint/load.js';
import { parsePartnershipType } from '../../domain/types.js';
import { PnError } from '../../platform/errors.js';
import type { NotionApi } from '../../targets/notion/api.js';
import type { Registry } from '../../targets/notion/registry.js';
import { NotionWriter } from '../../targets/notion/writer.js';
import {
  createRow,
  date,
  openDb,
  queryRows,
  readRow,
  relationContains,
  select,
  selectEquals,
  titleEquals,
  updateRow,
  type WfDb,
  type WfRow,
} from './notion-db.js';
import {
  DRAFTING,
  desiredLaunch,
  type ExistingLaunch,
  LAUNCHED,
  type LaunchPartner,
  type LaunchPlan,
  launchWrites,
  planLaunch,
  SIGNED,
} from './plan.js';

/** What every workflow run needs: the API, the compiled workspace, its registry, the type content. */
export interface WorkflowContext {
  api: NotionApi;
  ws: DesiredWorkspace;
  registry: Registry;
  types: Blueprint['types'];
  dryRun: boolean;
  /** Counts the run's writes (creates, appends, updates). */
  writer: NotionWriter;
}

export function workflowContext(
  api: NotionApi,
  ws: DesiredWorkspace,
  registry: Registry,
  types: Blueprint['types'],
  dryRun: boolean,
): WorkflowContext {
  return { api, ws, registry, types, dryRun, writer: new NotionWriter(api) };
}

export interface LaunchDbs {
  partners: WfDb;
  termSheets: WfDb;
  negotiation: WfDb;
  plans: WfDb;
  todos: WfDb;
}

export async function openLaunchDbs(ctx: WorkflowContext): Promise<LaunchDbs> {
  const open = (key: string) => openDb(ctx.api, ctx.ws, ctx.registry, key);
  return {
    partners: await open('db.partners'),
    termSheets: await open('db.term_sheets'),
    negotiation: await open('db.negotiation'),
    plans: await open('db.plans'),
    todos: await open('db.todos'),
  };
}

export interface LaunchResult {
  partner: string;
  partnerId: string;
  /** Already launched: nothing to do. */
  done: boolean;
  /** Writes made (or, in a dry run, that would be made). */
  writes: number;
  /** One line per row created (the Sync Log's lines), then notes. */
  lines: string[];
  milestones: { title: string; due: string; role: string }[];
}

/** A partner named on the command line: a page link or ID, else its exact name (one match). */
export async function findPartner(ctx: WorkflowContext, dbs: LaunchDbs, ref: string): Promise<WfRow> {
  const id = /^[0-9a-f-]{32,36}$/i.test(ref.trim()) || /notion\.so/.test(ref) ? extractPageId(ref) : null;
  if (id) {
    const row = await readRow(ctx.api, dbs.partners, id);
    if (row) return row;
  }
  const rows = await queryRows(ctx.api, dbs.partners, titleEquals(dbs.partners, ref.trim()));
  if (rows.length === 1) return rows[0]!;
  if (rows.length > 1)
    throw new PnError('INPUT_INVALID', `${rows.length} partners are named "${ref}"`, {
      hint: `name the partner by its page ID instead: ${rows.map((r) => r.id).join(', ')}`,
    });
  throw new PnError('INPUT_INVALID', `no partner "${ref}" in the Partners database`, {
    hint: 'give the partner name exactly as on its Partners row, or its page link',
  });
}

/** Partners whose Stage is Signed (the automatic trigger). */
export function signedPartners(ctx: WorkflowContext, dbs: LaunchDbs): Promise<WfRow[]> {
  return queryRows(ctx.api, dbs.partners, selectEquals(dbs.partners, 'stage', SIGNED));
}

async function existingFor(ctx: WorkflowContext, dbs: LaunchDbs, partnerId: string): Promise<ExistingLaunch> {
  const linked = (db: WfDb) => queryRows(ctx.api, db, relationContains(db, 'partner', partnerId));
  const plans = await linked(dbs.plans);
  const plan = plans.find((p) => select(p, 'status') !== DRAFTING) ?? plans[0];
  const [termSheets, negotiation] = [await linked(dbs.termSheets), await linked(dbs.negotiation)];
  const milestones = plan
    ? await queryRows(ctx.api, dbs.todos, relationContains(dbs.todos, 'plan', plan.id))
    : [];
  return {
    termSheets: termSheets.map((r) => ({ id: r.id, title: r.title })),
    negotiation: negotiation.map((r) => ({ id: r.id, title: r.title })),
    plan: plan ? { id: plan.id, status: select(plan, 'status') } : null,
    milestones: milestones.map((r) => r.title),
  };
}

function launchPartnerOf(row: WfRow): LaunchPartner {
  const name = row.title || '(untitled partner)';
  const rawType = select(row, 'type');
  const type = rawType ? parsePartnershipType(rawType) : undefined;
  const signedOn = date(row, 'signed_on');
  if (!type)
    throw new PnError('INPUT_INVALID', `partner "${name}" has no partnership type`, {
      hint: 'set its Partnership type in Notion, then run the launch again',
    });
  if (!signedOn)
    throw new PnError('INPUT_INVALID', `partner "${name}" has no Signed on date`, {
      hint: 'set its Signed on date in Notion (milestones are counted from it), then run the launch again',
    });
  return { id: row.id, name, type, signedOn };
}

/**
 * Launches one partner: reads what it already has, creates the missing rows in order (term sheet,
 * negotiation items, plan, milestones linked to plan and partner), then sets the plan to Active.
 * A partner whose plan is past Drafting is done: nothing is written. `manual`: a partner not Signed is
 * an error (the sync only passes Signed ones).
 */
export async function launchPartner(ctx: WorkflowContext, dbs: LaunchDbs, row: WfRow): Promise<LaunchResult> {
  const name = row.title || '(untitled partner)';
  const existing = await existingFor(ctx, dbs, row.id);
  const base = { partner: name, partnerId: row.id };
  if (existing.plan && existing.plan.status !== DRAFTING)
    return { ...base, done: true, writes: 0, lines: [], milestones: [] };
  const stage = select(row, 'stage');
  if (stage !== SIGNED)
    throw new PnError('INPUT_INVALID', `partner "${name}" is at stage ${stage ?? '(none)'}, not Signed`, {
      hint: 'set its Stage to Signed, with the Signed on date, then run the launch again',
    });
  const partner = launchPartnerOf(row);
  const content = ctx.types[partner.type];
  const desired = desiredLaunch(
    partner,
    content,
    ctx.ws.config.team,
    ctx.ws.config.workflows?.holidays ?? [],
  );
  const plan = planLaunch(desired, partner, existing);
  const lines: string[] = [];
  const verb = ctx.dryRun ? 'would create' : 'created';
  const say = (db: WfDb, title: string, extra = '') =>
    lines.push(`launch ${name}: ${verb} ${db.title} "${title}"${extra}`);
  const milestones = desired.milestones.map((m) => ({ title: m.title, due: m.due, role: m.role }));
  if (ctx.dryRun) {
    report(plan, dbs, say);
    if (plan.markLaunched) lines.push(`launch ${name}: would set the plan's Status to ${LAUNCHED}`);
    lines.push(...plan.notes.map((n) => `launch ${name}: note: ${n}`));
    return { ...base, done: false, writes: launchWrites(plan), lines, milestones };
  }
  const before = ctx.writer.writes;
  if (plan.termSheet) {
    await createRow(ctx.api, ctx.writer, dbs.termSheets, plan.termSheet.values, plan.termSheet.markdown, {
      key: 'partner',
      pageId: row.id,
    });
    say(dbs.termSheets, plan.termSheet.title);
  }
  for (const item of plan.negotiation) {
    await createRow(ctx.api, ctx.writer, dbs.negotiation, item.values, item.markdown, {
      key: 'partner',
      pageId: row.id,
    });
    say(dbs.negotiation, item.title);
  }
  let planId = plan.planId;
  if (plan.plan) {
    planId = await createRow(ctx.api, ctx.writer, dbs.plans, plan.plan.values, plan.plan.markdown, {
      key: 'partner',
      pageId: row.id,
    });
    say(dbs.plans, plan.plan.title);
  }
  for (const m of plan.milestones) {
    await createRow(
      ctx.api,
      ctx.writer,
      dbs.todos,
      { ...m.values, plan: { kind: 'relation', rowKeys: [planId!] } },
      m.markdown,
      { key: 'plan', pageId: planId! },
    );
    say(dbs.todos, m.title, `, due ${m.due}`);
  }
  if (plan.markLaunched && planId) {
    await updateRow(ctx.writer, dbs.plans, planId, { status: { kind: 'select', value: LAUNCHED } });
    lines.push(`launch ${name}: set the plan's Status to ${LAUNCHED}`);
  }
  lines.push(...plan.notes.map((n) => `launch ${name}: note: ${n}`));
  return { ...base, done: false, writes: ctx.writer.writes - before, lines, milestones };
}

function report(
  plan: LaunchPlan,
  dbs: LaunchDbs,
  say: (db: WfDb, title: string, extra?: string) => void,
): void {
  if (plan.termSheet) say(dbs.termSheets, plan.termSheet.title);
  for (const item of plan.negotiation) say(dbs.negotiation, item.title);
  if (plan.plan) say(dbs.plans, plan.plan.title);
  for (const m of plan.milestones) say(dbs.todos, m.title, `, due ${m.due}`);
}
