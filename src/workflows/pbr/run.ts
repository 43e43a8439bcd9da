// PBR I/O: read active partners, PBRs and the previous PBRs' to-dos (and the scoreboard), create the quarter's PBRs, link open to-dos.
import { type Quarter, quarterLabel } from '../../domain/business-days.js';
import type { SheetRow } from '../../sync/types.js';
import type { GoogleApi } from '../../targets/sheets/google-api.js';
import {
  createRow,
  date,
  openDb,
  queryRows,
  relationContains,
  select,
  selectEquals,
  text,
  updateRow,
  type WfDb,
  type WfRow,
} from '../launch/notion-db.js';
import type { WorkflowContext } from '../launch/run.js';
import { agendaOf } from './agenda.js';
import {
  ACTIVE,
  DEFAULT_PBR_BUSINESS_DAY,
  type PbrPlanItem,
  type PbrRow,
  pbrDates,
  pbrWrites,
  planQuarterPbrs,
  previousPbr,
  type TodoRow,
} from './plan.js';
import { readScoreboard, scoreboardRows } from './scoreboard.js';

export interface PbrDbs {
  partners: WfDb;
  pbrs: WfDb;
  todos: WfDb;
}

export async function openPbrDbs(ctx: WorkflowContext): Promise<PbrDbs> {
  const open = (key: string) => openDb(ctx.api, ctx.ws, ctx.registry, key);
  return { partners: await open('db.partners'), pbrs: await open('db.pbrs'), todos: await open('db.todos') };
}

export interface PbrItemResult {
  partner: string;
  title: string;
  pageId: string | null;
  created: boolean;
  previous: string | null;
  carried: string[];
  /** Scoreboard rows found for the partner and quarter; null without a workbook. */
  scoreboardRows: number | null;
}

export interface PbrResult {
  quarter: string;
  /** The date this quarter's PBRs are held, and the next quarter's. */
  date: string;
  next: { quarter: string; date: string };
  workbook: boolean;
  items: PbrItemResult[];
  writes: number;
  lines: string[];
}

const pbrRowOf = (r: WfRow): PbrRow => ({
  id: r.id,
  title: r.title,
  partners: related(r, 'partner'),
  quarter: text(r, 'quarter'),
  date: date(r, 'date'),
});

function related(r: WfRow, key: string): string[] {
  const v = r.values.get(key);
  return v?.kind === 'relation' ? v.rowKeys : [];
}

const todoRowOf = (r: WfRow): TodoRow => ({
  id: r.id,
  title: r.title,
  status: select(r, 'status'),
  pbrs: related(r, 'pbr'),
});

/** The active partners (Stage Active: Launching partners are still on their First 90-Days Plan). */
export function activePartners(ctx: WorkflowContext, dbs: PbrDbs): Promise<WfRow[]> {
  return queryRows(ctx.api, dbs.partners, selectEquals(dbs.partners, 'stage', ACTIVE));
}

/**
 * Opens a quarter's PBRs: one per active partner that has none for the quarter, dated the quarter's PBR
 * day, with the agenda body, the scoreboard from the workbook (when there is one) and the previous PBR's
 * open to-dos linked to the new PBR (their PBR relation gains it; nothing is copied). Idempotent.
 */
export async function runQuarterPbrs(
  ctx: WorkflowContext,
  dbs: PbrDbs,
  quarter: Quarter,
  workbook: { api: GoogleApi; spreadsheetId: string } | null,
  /** The Active partners, when the caller has read them already. */
  active?: readonly WfRow[],
): Promise<PbrResult> {
  const label = quarterLabel(quarter);
  const calendar = {
    quarter,
    offset: ctx.ws.config.workflows?.pbr_business_day ?? DEFAULT_PBR_BUSINESS_DAY,
    holidays: ctx.ws.config.workflows?.holidays ?? [],
  };
  const partners = (active ?? (await activePartners(ctx, dbs))).map((r) => ({ id: r.id, name: r.title }));
  const pbrs = partners.length ? (await queryRows(ctx.api, dbs.pbrs)).map(pbrRowOf) : [];
  const todos = new Map<string, TodoRow[]>();
  for (const p of partners) {
    const prev = previousPbr(pbrs, p.id, quarter);
    if (prev && !todos.has(prev.id))
      todos.set(
        prev.id,
        (await queryRows(ctx.api, dbs.todos, relationContains(dbs.todos, 'pbr', prev.id))).map(todoRowOf),
      );
  }
  const plan = (sheet: SheetRow[] | null) =>
    planQuarterPbrs({
      calendar,
      agenda: agendaOf(ctx.ws),
      partners,
      pbrs,
      todosOf: (id) => todos.get(id) ?? [],
      scoreboard: (name) => (sheet ? scoreboardRows(sheet, name, quarter) : null),
    });
  // The workbook is read only when a PBR is to be created (its body shows the scoreboard).
  let items = plan(null);
  if (workbook && items.some((i) => i.create))
    items = plan(await readScoreboard(workbook.api, workbook.spreadsheetId, ctx.ws));
  const lines: string[] = [];
  const verb = ctx.dryRun ? 'would create' : 'created';
  const link = ctx.dryRun ? 'would link' : 'linked';
  const before = ctx.writer.writes;
  const results: PbrItemResult[] = [];
  for (const item of items) {
    const pageId = ctx.dryRun ? item.existingId : await ensurePbr(ctx, dbs, item);
    if (item.create)
      lines.push(
        `pbr ${label}: ${verb} ${dbs.pbrs.title} "${item.title}", held ${item.dates.date} (next PBR ${item.dates.next.date}, ${item.dates.next.quarter})`,
      );
    for (const todo of item.carry) {
      if (!ctx.dryRun)
        await updateRow(ctx.writer, dbs.todos, todo.id, {
          pbr: { kind: 'relation', rowKeys: [...todo.pbrs, pageId!] },
        });
      lines.push(
        `pbr ${label}: ${link} open to-do "${todo.title}" from "${item.previous?.title}" to "${item.title}"`,
      );
    }
    results.push({
      partner: item.partner.name,
      title: item.title,
      pageId,
      created: item.create !== null,
      previous: item.previous?.title ?? null,
      carried: item.carry.map((t) => t.title),
      scoreboardRows: item.scoreboard?.length ?? null,
    });
  }
  if (!workbook && items.some((i) => i.create))
    lines.push(`pbr ${label}: note: no workbook is configured, so the new PBRs' scoreboards are left empty`);
  const dates = pbrDates(calendar);
  return {
    quarter: label,
    date: dates.date,
    next: dates.next,
    workbook: workbook !== null,
    items: results,
    writes: ctx.dryRun ? pbrWrites(items) : ctx.writer.writes - before,
    lines,
  };
}

async function ensurePbr(ctx: WorkflowContext, dbs: PbrDbs, item: PbrPlanItem): Promise<string> {
  if (!item.create) return item.existingId!;
  return createRow(ctx.api, ctx.writer, dbs.pbrs, item.create.values, item.create.markdown, {
    key: 'partner',
    pageId: item.partner.id,
  });
}
