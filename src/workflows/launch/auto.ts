// runWorkflows: what `sync` runs when Notion calls for it: launch Signed partners, open the current quarter's PBRs.

import type { DesiredWorkspace } from '../../blueprint/desired.js';
import type { Blueprint } from '../../blueprint/load.js';
import { programTimeZone } from '../../config/schema.js';
import { quarterOf, todayIn } from '../../domain/business-days.js';
import { PnError } from '../../platform/errors.js';
import type { NotionApi } from '../../targets/notion/api.js';
import type { Registry } from '../../targets/notion/registry.js';
import type { GoogleApi } from '../../targets/sheets/google-api.js';
import { ACTIVE } from '../pbr/plan.js';
import { type PbrResult, runQuarterPbrs } from '../pbr/run.js';
import { openDb, queryRows, selectEquals } from './notion-db.js';
import { SIGNED } from './plan.js';
import { type LaunchResult, launchPartner, openLaunchDbs, workflowContext } from './run.js';

export interface WorkflowsOptions {
  /** The workbook the sync already found (the PBR scoreboard is read from it); null leaves scoreboards empty. */
  workbook: { api: GoogleApi; spreadsheetId: string } | null;
  dryRun?: boolean;
  /** The run's time: its date in the program's time zone picks the quarter whose PBRs are opened. */
  now?: Date;
}

export interface WorkflowsSummary {
  launches: LaunchResult[];
  pbrs: PbrResult | null;
  /** Writes made (or that a dry run would make). */
  writes: number;
  /** One line per row created or linked: the Sync Log's lines. */
  lines: string[];
  /** Partners that could not be launched and why (a person must act; repeated every run, so not logged). */
  skipped: string[];
}

/**
 * Both automatic workflows, each idempotent: every partner at stage Signed is launched (a partner
 * already launched costs its reads only; one that cannot be launched, e.g. with no Signed on date, is
 * listed in `skipped` with the reason, and the sync goes on), then the PBRs of the quarter the run's date
 * falls in are opened for the Active partners that lack one. With no Signed and no Active partner
 * this costs one schema read and two queries.
 */
export async function runWorkflows(
  api: NotionApi,
  ws: DesiredWorkspace,
  registry: Registry,
  types: Blueprint['types'],
  options: WorkflowsOptions,
): Promise<WorkflowsSummary> {
  const ctx = workflowContext(api, ws, registry, types, options.dryRun === true);
  const partners = await openDb(api, ws, registry, 'db.partners');
  const lines: string[] = [];
  const skipped: string[] = [];
  const launches: LaunchResult[] = [];
  const signed = await queryRows(api, partners, selectEquals(partners, 'stage', SIGNED));
  if (signed.length) {
    const dbs = { ...(await openLaunchDbs(ctx)), partners };
    for (const row of signed) {
      try {
        const result = await launchPartner(ctx, dbs, row);
        launches.push(result);
        lines.push(...result.lines);
      } catch (error) {
        if (!(error instanceof PnError) || error.code !== 'INPUT_INVALID') throw error;
        skipped.push(`launch ${row.title}: skipped: ${error.oneLine()}`);
      }
    }
  }
  let pbrs: PbrResult | null = null;
  const quarter = quarterOf(todayIn(programTimeZone(ws.config), options.now ?? new Date()));
  const active = await queryRows(api, partners, selectEquals(partners, 'stage', ACTIVE));
  if (active.length) {
    const pbrDbs = {
      partners,
      pbrs: await openDb(api, ws, registry, 'db.pbrs'),
      todos: await openDb(api, ws, registry, 'db.todos'),
    };
    pbrs = await runQuarterPbrs(ctx, pbrDbs, quarter, options.workbook, active);
    lines.push(...pbrs.lines);
  }
  const writes = launches.reduce((n, l) => n + l.writes, 0) + (pbrs?.writes ?? 0);
  return { launches, pbrs, writes, lines, skipped };
}
