// The workflows as a step of `sync`: launch the partners signed since, open the quarter's PBRs (see runWorkflows).
import type { DesiredWorkspace } from '../blueprint/desired.js';
import type { Blueprint } from '../blueprint/load.js';
import type { SyncWorkflows } from '../sync/run.js';
import type { NotionApi } from '../targets/notion/api.js';
import type { GoogleApi } from '../targets/sheets/google-api.js';
import { runWorkflows } from './launch/auto.js';

export function workflowsStep(
  notion: NotionApi,
  google: GoogleApi,
  ws: DesiredWorkspace,
  types: Blueprint['types'],
): SyncWorkflows {
  return async ({ registry, spreadsheetId, dryRun, now }) => {
    const done = await runWorkflows(notion, ws, registry, types, {
      workbook: { api: google, spreadsheetId },
      dryRun,
      now,
    });
    return { writes: done.writes, lines: done.lines, skipped: done.skipped };
  };
}
