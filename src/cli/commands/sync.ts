// `partnernomics sync`: keep Notion and the leaders' workbook aligned — once, `--watch` until a signal, or per workspace.
import { extractPageId } from '@notionhq/client';
import type { Command } from 'commander';
import { PnError, toPnError } from '../../platform/errors.js';
import { runSyncExclusively } from '../../sync/exclusive.js';
import type { SyncRunOptions, SyncRunSummary } from '../../sync/run.js';
import { workflowsStep } from '../../workflows/sync-step.js';
import { googleApiFor } from '../google.js';
import type { Printer } from '../io.js';
import { requireNotionApi } from '../notion.js';
import type { CommandContext } from '../program.js';
import { desiredWorkspace } from '../workspace.js';
import { DEFAULT_CONCURRENCY, parseConcurrency, syncWorkspaces } from './sync-workspaces.js';

/** "5m", "30s", "1h", "500ms" (a bare number is seconds) as milliseconds. */
export function parseInterval(raw: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw.trim());
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m?.[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  const ms = m ? Number(m[1]) * unit : Number.NaN;
  if (!Number.isFinite(ms) || ms <= 0)
    throw new PnError('USAGE', `--interval "${raw}" is not a duration`, {
      hint: 'use e.g. --interval 5m, 90s or 1h',
    });
  return ms;
}

const show = (v: unknown) => (v === null || v === undefined || v === '' ? '(empty)' : JSON.stringify(v));

export function printRun(p: Printer, s: SyncRunSummary): void {
  p.line(`${s.dryRun ? 'Plan (dry run, nothing written)' : 'Sync'} at ${s.at}:`);
  for (const line of [...s.workflows.lines, ...s.workflows.skipped]) p.line(`  ${line}`);
  for (const t of s.tables) {
    const parts = [
      `${t.read} read${t.full ? ' (full pass)' : ''}`,
      `${t.notionUpdated} → Notion`,
      `${t.sheetsUpdated} updated`,
      `${t.appended} appended`,
      `${t.archived} archived`,
      `${t.conflicts} conflict(s)`,
    ];
    if (t.orphans) parts.push(`${t.orphans} row(s) without a Notion ID`);
    if (t.duplicates) parts.push(`${t.duplicates} duplicate row(s)`);
    p.line(`  ${t.name.padEnd(16)} ${parts.join(', ')}`);
    if (t.blocked) p.line(`    stopped: ${t.blocked}`);
  }
  for (const c of s.conflicts)
    p.line(
      `  conflict  ${c.table} ${c.pageId} ${c.field}: kept ${show(c.kept)}, overwrote ${show(c.overwritten)} edited in ${c.editedOn === 'sheets' ? 'Sheets' : 'Notion'}${c.by ? ` by ${c.by}` : ''}`,
    );
  for (const w of s.warnings) p.line(`  warning   ${w}`);
  p.line(
    `${s.rowsChanged} row(s) changed, ${s.conflicts.length} conflict(s), ${s.logged} Sync Log row(s); ${s.calls.notion} Notion and ${s.calls.google} Google API calls.`,
  );
}

/** Resolves after `ms`, or as soon as `stop` is signalled. */
function pause(ms: number, stopped: { signal: Promise<void> }): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
    stopped.signal,
  ]).finally(() => clearTimeout(timer));
}

export function registerSync(program: Command, ctx: CommandContext): void {
  program
    .command('sync')
    .description(
      'keep Notion and the workbook aligned: facts to Sheets, Score/Rank/Recommendation back to Notion',
    )
    .option('--full', 'compare every row (finds trashed and deleted pages); automatic every 12th run', false)
    .option('--dry-run', 'print the plan (counts per table and each conflict) and write nothing', false)
    .option('--allow-mass-archive', 'archive even when a run would archive more than 20% of a table', false)
    .option('--watch', 'sync again every --interval until Ctrl-C (SIGINT) or SIGTERM', false)
    .option('--interval <duration>', 'time between runs with --watch (e.g. 5m, 90s)', '5m')
    .option('--root <page>', 'the Notion page the workspace was installed under (default: the linked hub)')
    .option(
      '--workspaces <dir>',
      'sync every workspace folder of DIR (each with its config; credentials from NOTION_TOKEN_<NAME>, …)',
    )
    .option(
      '--concurrency <n>',
      `with --workspaces: workspaces synced at the same time (default ${DEFAULT_CONCURRENCY})`,
    )
    .action(async (flags: Record<string, unknown>) => {
      if (typeof flags.workspaces === 'string') {
        const clash = [
          flags.watch === true ? '--watch' : null,
          flags.root !== undefined ? '--root' : null,
          ctx.global().config !== undefined ? '--config' : null,
        ].find((f) => f !== null);
        if (clash)
          throw new PnError('USAGE', `--workspaces cannot be combined with ${clash}`, {
            hint:
              clash === '--watch'
                ? 'run `sync --workspaces` on a schedule (a Kubernetes CronJob, a CI schedule, Cloud Run jobs; see the README)'
                : clash === '--root'
                  ? 'each workspace finds its own hub (the Start tab link `install --target all` writes)'
                  : 'each workspace folder holds its own partnernomics.config.yaml',
          });
        const concurrency =
          flags.concurrency === undefined ? DEFAULT_CONCURRENCY : parseConcurrency(String(flags.concurrency));
        await syncWorkspaces(
          ctx,
          flags.workspaces,
          {
            full: flags.full === true,
            dryRun: flags.dryRun === true,
            allowMassArchive: flags.allowMassArchive === true,
          },
          concurrency,
        );
        return;
      }
      if (flags.concurrency !== undefined)
        throw new PnError('USAGE', '--concurrency only applies with --workspaces', {
          hint: 'drop --concurrency, or add --workspaces DIR',
        });
      let rootId: string | null = null;
      if (typeof flags.root === 'string') {
        rootId = extractPageId(flags.root);
        if (!rootId)
          throw new PnError('USAGE', `--root "${flags.root}" is not a Notion page link or ID`, {
            hint: 'copy the page link from Notion (Share → Copy link)',
          });
      }
      const interval = parseInterval(String(flags.interval));
      const { ws, blueprint } = desiredWorkspace(ctx.io, ctx.global().config);
      const notion = requireNotionApi(ctx);
      const google = googleApiFor(ctx);
      const p = ctx.printer();
      const live = ctx.io.interactive && !ctx.global().json;
      const options: SyncRunOptions = {
        full: flags.full === true,
        dryRun: flags.dryRun === true,
        allowMassArchive: flags.allowMassArchive === true,
        rootId,
        workflows: workflowsStep(notion, google, ws, blueprint.types),
        ...(live ? { progress: (line: string) => ctx.io.stderr(`  ${line}…\n`) } : {}),
      };
      const lease = live
        ? {
            onWait: () =>
              ctx.io.stderr('  another sync of this Google account is running; waiting for it…\n'),
          }
        : {};
      if (flags.watch !== true) {
        const summary = await runSyncExclusively(notion, google, ws, options, lease);
        printRun(p, summary);
        p.json({ ok: true, command: 'sync', ...summary });
        return;
      }
      // --watch: a signal ends the wait between runs; a run under way finishes its writes first.
      let stop = () => {};
      const stopped = { signal: new Promise<void>((resolve) => (stop = resolve)), requested: false };
      const onSignal = () => {
        stopped.requested = true;
        if (live) ctx.io.stderr('  stopping after this run…\n');
        stop();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const runs: SyncRunSummary[] = [];
      const errors: { at: string; code: string; message: string }[] = [];
      try {
        while (!stopped.requested) {
          try {
            const summary = await runSyncExclusively(notion, google, ws, options, lease);
            runs.push(summary);
            printRun(p, summary);
          } catch (caught) {
            const error = toPnError(caught);
            errors.push({ at: new Date().toISOString(), code: error.code, message: error.oneLine() });
            p.line(`error: ${error.oneLine()}`);
            if (ctx.global().json) ctx.io.stderr(`error: ${error.oneLine()}\n`);
          }
          if (!stopped.requested) await pause(interval, stopped);
        }
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      const changed = runs.reduce((n, r) => n + r.rowsChanged, 0);
      const conflicts = runs.reduce((n, r) => n + r.conflicts.length, 0);
      p.line(
        `Stopped: ${runs.length} run(s), ${changed} row(s) changed, ${conflicts} conflict(s), ${errors.length} failed run(s).`,
      );
      p.json({ ok: errors.length === 0, command: 'sync', watch: true, runs, errors });
    });
}
