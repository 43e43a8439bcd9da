// `partnernomics sync --workspaces DIR`: one sync per workspace folder, each with its own credentials; one line each.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pLimit from 'p-limit';
import type { DesiredWorkspace } from '../../blueprint/desired.js';
import { PnError, toPnError } from '../../platform/errors.js';
import { errnoOf } from '../../platform/write.js';
import { runSyncExclusively } from '../../sync/exclusive.js';
import type { SyncRunOptions, SyncRunSummary, SyncWorkflows } from '../../sync/run.js';
import { findSyncWorkbook } from '../../sync/workbook.js';
import {
  byToken,
  sharedWorkbooks,
  WORKSPACE_CONFIG_FILE,
  type WorkspaceEntry,
  workspaceEntries,
  workspaceEnv,
  workspaceError,
  workspaceSecrets,
} from '../../sync/workspaces.js';
import type { NotionApi } from '../../targets/notion/api.js';
import type { GoogleApi } from '../../targets/sheets/google-api.js';
import { workflowsStep } from '../../workflows/sync-step.js';
import { googleApiFor } from '../google.js';
import { requireNotionApi } from '../notion.js';
import type { CommandContext } from '../program.js';
import { desiredWorkspace } from '../workspace.js';

/** Workspaces synced at the same time (those sharing a Notion token still run one after another). */
export const DEFAULT_CONCURRENCY = 4;
export const MAX_CONCURRENCY = 16;

export type WorkspaceResult =
  | ({ name: string; ok: true; durationMs: number } & SyncRunSummary)
  | {
      name: string;
      ok: false;
      durationMs: number;
      error: { code: string; message: string; hint?: string };
    };

/** `--concurrency` as a whole number from 1 to MAX_CONCURRENCY. */
export function parseConcurrency(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < 1 || n > MAX_CONCURRENCY)
    throw new PnError('USAGE', `--concurrency "${raw}" is not a whole number from 1 to ${MAX_CONCURRENCY}`, {
      hint: `use e.g. --concurrency ${DEFAULT_CONCURRENCY}, or 1 to sync one workspace at a time`,
    });
  return n;
}

/** DIR's workspace folders (a symbolic link to a folder counts: a Kubernetes ConfigMap mounts them so). */
function listWorkspaces(dir: string, shown: string): WorkspaceEntry[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    const errno = errnoOf(error);
    throw new PnError(
      'USAGE',
      errno === 'ENOENT'
        ? `--workspaces ${shown}: no such folder`
        : errno === 'ENOTDIR'
          ? `--workspaces ${shown} is a file, not a folder`
          : `--workspaces ${shown}: cannot read the folder (${errno ?? 'unknown error'})`,
      { hint: `pass the folder that holds one folder per workspace, each with its ${WORKSPACE_CONFIG_FILE}` },
    );
  }
  const entries = names.map((name) => {
    let isDirectory = false;
    try {
      isDirectory = statSync(join(dir, name)).isDirectory();
    } catch {
      // A dangling link or an unreadable entry is not a workspace.
    }
    return { name, isDirectory };
  });
  return workspaceEntries(shown, entries);
}

/** The command's context for one workspace: its environment, DIR as the folder, no live progress. */
function contextFor(ctx: CommandContext, env: NodeJS.ProcessEnv, dir: string): CommandContext {
  return { ...ctx, io: { ...ctx.io, env, cwd: dir, interactive: false } };
}

interface Ready {
  entry: WorkspaceEntry;
  ws: DesiredWorkspace;
  notion: NotionApi;
  google: GoogleApi;
  workflows: SyncWorkflows;
  notionToken: string;
  spreadsheetId: string;
  spentMs: number;
}

/** Config, credentials and the workbook of one workspace: one Drive listing, nothing written. */
async function prepare(
  ctx: CommandContext,
  dir: string,
  entry: WorkspaceEntry,
): Promise<Omit<Ready, 'spentMs'>> {
  const config = `${entry.name}/${WORKSPACE_CONFIG_FILE}`;
  if (!existsSync(join(dir, config)))
    throw new PnError('CONFIG_NOT_FOUND', `${config} not found`, {
      hint: `run \`partnernomics init\` in that folder, or remove the folder from ${dir}`,
    });
  const env = workspaceEnv(ctx.io.env, entry);
  const own = contextFor(ctx, env, dir);
  const { ws, blueprint } = desiredWorkspace(own.io, config);
  const notion = requireNotionApi(own);
  const google = googleApiFor(own);
  const spreadsheetId = await findSyncWorkbook(google);
  const workflows = workflowsStep(notion, google, ws, blueprint.types);
  return { entry, ws, notion, google, workflows, notionToken: env.NOTION_TOKEN ?? '', spreadsheetId };
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** One workspace's line: its counts, or its error with the fix. */
export function workspaceLine(r: WorkspaceResult, width: number): string {
  const name = r.name.padEnd(width);
  if (!r.ok)
    return `${name}  failed: ${r.error.hint ? `${r.error.message} — ${r.error.hint}` : r.error.message}`;
  const stopped = r.tables.filter((t) => t.blocked).length;
  const parts = [
    `${count(r.rowsChanged, 'row')} ${r.dryRun ? 'would change' : 'changed'}`,
    count(r.conflicts.length, 'conflict'),
    ...(r.warnings.length ? [count(r.warnings.length, 'warning')] : []),
    ...(stopped ? [`${count(stopped, 'table')} would stop the run (see --json)`] : []),
  ];
  const calls = `${r.calls.notion} Notion and ${r.calls.google} Google API calls`;
  return `${name}  ${r.dryRun ? 'planned (dry run)' : 'synced'}: ${parts.join(', ')}; ${calls} (${(r.durationMs / 1000).toFixed(1)} s)`;
}

/**
 * Syncs every workspace folder of DIR. First each one's config, credentials and workbook (a workspace whose
 * Google login reaches another's workbook fails, as they both do); then the syncs, up to `concurrency` at a
 * time. One workspace failing does not stop the others; the command fails (exit 1) when any did.
 */
export async function syncWorkspaces(
  ctx: CommandContext,
  rawDir: string,
  options: SyncRunOptions,
  concurrency: number,
): Promise<void> {
  for (const secret of workspaceSecrets(ctx.io.env)) ctx.secrets.add(secret);
  const dir = resolve(ctx.io.cwd, rawDir);
  const entries = listWorkspaces(dir, rawDir);
  const p = ctx.printer();
  const width = Math.max(...entries.map((e) => e.name.length));
  const results = new Map<string, WorkspaceResult>();
  const finish = (result: WorkspaceResult) => {
    results.set(result.name, result);
    p.line(workspaceLine(result, width));
  };
  const fail = (entry: WorkspaceEntry, caught: unknown, durationMs: number) => {
    const error = workspaceError(toPnError(caught), entry);
    finish({
      name: entry.name,
      ok: false,
      durationMs,
      error: { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) },
    });
  };
  const limit = pLimit(concurrency);

  const prepared = await Promise.all(
    entries.map((entry) =>
      limit(async (): Promise<Ready | null> => {
        const started = performance.now();
        try {
          return { ...(await prepare(ctx, dir, entry)), spentMs: performance.now() - started };
        } catch (caught) {
          fail(entry, caught, performance.now() - started);
          return null;
        }
      }),
    ),
  );
  const ready = prepared.filter((r): r is Ready => r !== null);
  const shared = sharedWorkbooks(ready.map((r) => ({ name: r.entry.name, spreadsheetId: r.spreadsheetId })));
  for (const [spreadsheetId, names] of shared)
    for (const r of ready.filter((x) => names.includes(x.entry.name))) {
      const others = names.filter((n) => n !== r.entry.name).join(', ');
      const error = new PnError(
        'INPUT_INVALID',
        `${r.entry.name}'s Google login reaches the same workbook (${spreadsheetId}) as ${others}; neither was synced`,
        {
          hint: `sync finds the workbook by the Google login: set GOOGLE_REFRESH_TOKEN_${r.entry.suffix} to a login of ${r.entry.name}'s own Google user`,
        },
      );
      fail(r.entry, error, r.spentMs);
    }
  const runnable = ready.filter((r) => !results.has(r.entry.name));

  await Promise.all(
    byToken(runnable).map((group) =>
      limit(async () => {
        for (const r of group) {
          const started = performance.now() - r.spentMs;
          try {
            const summary = await runSyncExclusively(r.notion, r.google, r.ws, {
              ...options,
              workflows: r.workflows,
            });
            finish({ name: r.entry.name, ok: true, durationMs: performance.now() - started, ...summary });
          } catch (caught) {
            fail(r.entry, caught, performance.now() - started);
          }
        }
      }),
    ),
  );

  const ordered = entries.map((e) => results.get(e.name)!);
  const failed = ordered.filter((r) => !r.ok).map((r) => r.name);
  const done = ordered.length - failed.length;
  p.line(
    failed.length
      ? `${options.dryRun ? 'Planned' : 'Synced'} ${done} of ${count(ordered.length, 'workspace')}; ${failed.length} failed: ${failed.join(', ')}.`
      : `${options.dryRun ? 'Planned' : 'Synced'} ${count(ordered.length, 'workspace')}${options.dryRun ? ' (dry run, nothing written)' : ''}.`,
  );
  p.json({
    ok: failed.length === 0,
    command: 'sync',
    dryRun: options.dryRun === true,
    synced: done,
    failed: failed.length,
    workspaces: ordered,
  });
  if (failed.length)
    throw new PnError(
      'WORKSPACES_FAILED',
      `${failed.length} of ${count(ordered.length, 'workspace')} failed: ${failed.join(', ')}`,
      {
        hint: done
          ? `each one's line says the fix; the other${done === 1 ? ' was' : 's were'} ${options.dryRun ? 'planned' : 'synced'}`
          : "each one's line says the fix",
        reported: true,
      },
    );
}
