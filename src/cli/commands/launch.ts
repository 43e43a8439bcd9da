// `partnernomics launch PARTNER`: a signed partner's term sheet, negotiation items, First 90-Days Plan and dated milestones.

import { extractPageId } from '@notionhq/client';
import type { Command } from 'commander';
import { loadBlueprint } from '../../blueprint/load.js';
import { googleCredential } from '../../config/credentials.js';
import { PnError } from '../../platform/errors.js';
import { findInstalled } from '../../sync/notion-source.js';
import { findSyncWorkbook, hubFromStartTab } from '../../sync/workbook.js';
import type { GoogleApi } from '../../targets/sheets/google-api.js';
import {
  findPartner,
  launchPartner,
  openLaunchDbs,
  type WorkflowContext,
  workflowContext,
} from '../../workflows/launch/run.js';
import { googleApiFor } from '../google.js';
import { requireNotionApi } from '../notion.js';
import type { CommandContext } from '../program.js';
import { desiredWorkspace } from '../workspace.js';

export interface WorkflowSetup {
  wf: WorkflowContext;
  /** The workbook, when a Google login exists and the install made one. */
  google: { api: GoogleApi; spreadsheetId: string } | null;
}

async function workbookOf(ctx: CommandContext): Promise<WorkflowSetup['google']> {
  if (!googleCredential(ctx.io.env)) return null;
  const api = googleApiFor(ctx);
  try {
    return { api, spreadsheetId: await findSyncWorkbook(api) };
  } catch (error) {
    if (error instanceof PnError && error.code === 'INPUT_INVALID') return null;
    throw error;
  }
}

/** The installed workspace a workflow command works on: `--root`, else the hub the workbook's Start tab links. */
export async function workflowSetup(
  ctx: CommandContext,
  flags: Record<string, unknown>,
): Promise<WorkflowSetup> {
  const { ws } = desiredWorkspace(ctx.io, ctx.global().config);
  const types = loadBlueprint(ctx.io.env.PARTNERNOMICS_TEMPLATES || undefined).types;
  const api = requireNotionApi(ctx);
  let rootId: string | null = null;
  if (typeof flags.root === 'string') {
    rootId = extractPageId(flags.root);
    if (!rootId)
      throw new PnError('USAGE', `--root "${flags.root}" is not a Notion page link or ID`, {
        hint: 'copy the page link from Notion (Share → Copy link)',
      });
  }
  const google = await workbookOf(ctx);
  const hubId = !rootId && google ? await hubFromStartTab(google.api, google.spreadsheetId) : null;
  const { registry } = await findInstalled(api, ws.hub, { rootId, hubId });
  return { wf: workflowContext(api, ws, registry, types, flags.dryRun === true), google };
}

export function registerLaunch(program: Command, ctx: CommandContext): void {
  program
    .command('launch')
    .description(
      'launch a signed partner: its term sheet, negotiation items, First 90-Days Plan and dated milestones (once per partner)',
    )
    .argument('<partner>', 'the partner: its name as on its Partners row, or its page link or ID')
    .option('--dry-run', 'print what would be created and write nothing', false)
    .option('--root <page>', 'the Notion page the workspace was installed under (default: the linked hub)')
    .action(async (partnerRef: string, flags: Record<string, unknown>) => {
      const { wf } = await workflowSetup(ctx, flags);
      const dbs = await openLaunchDbs(wf);
      const row = await findPartner(wf, dbs, partnerRef);
      const result = await launchPartner(wf, dbs, row);
      const p = ctx.printer();
      if (result.done)
        p.line(`${result.partner} is already launched (its First 90-Days Plan exists): nothing to do.`);
      for (const line of result.lines) p.line(line);
      p.line(
        `${wf.dryRun ? 'Dry run: ' : ''}${result.writes} write(s)${wf.dryRun ? ' would be made; nothing was written' : ''}.`,
      );
      p.json({ ok: true, command: 'launch', dryRun: wf.dryRun, ...result });
    });
}
