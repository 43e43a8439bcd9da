// `partnernomics plan` and `partnernomics install`: compile the workspace, diff it with the target, apply.
import { relative, resolve } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { PARTNERSHIP_TYPE_NAMES } from '../../domain/types.js';
import { applyLocalPlan, type LocalPlan, planLocalInstall } from '../../targets/local/install.js';
import type { LocalOperation } from '../../targets/local/plan.js';
import type { Printer } from '../io.js';
import { parseInstallOptions } from '../options.js';
import type { CommandContext } from '../program.js';
import { desiredWorkspace } from '../workspace.js';
import { runNotion } from './install-notion.js';
import { planSheets, runAll, runSheets } from './install-sheets.js';

const ACTION_LABEL: Record<LocalOperation['action'], string> = {
  create: 'create',
  update: 'update',
  unchanged: 'unchanged',
  'keep-edited': 'kept (edited by you)',
  conflict: 'CONFLICT',
  obsolete: 'obsolete (left in place)',
};

/**
 * One line per file that needs attention; creates and unchanged files are counted per folder. `replaced` maps
 * the files --force replaced to the copies of your versions.
 */
function printPlan(p: Printer, plan: LocalPlan, cwd: string, replaced?: Map<string, string>): void {
  const grouped = new Map<string, number>();
  for (const op of plan.operations) {
    if (op.action === 'create' || op.action === 'unchanged') {
      const folder = op.path.includes('/') ? `${op.path.split('/').slice(0, 2).join('/')}` : op.path;
      const key = `${ACTION_LABEL[op.action]}\t${folder}`;
      grouped.set(key, (grouped.get(key) ?? 0) + 1);
      continue;
    }
    const backup = op.action === 'conflict' ? replaced?.get(op.path) : undefined;
    if (backup) {
      p.line(`  ${'replaced'.padEnd(24)} ${op.path}  — your version was copied to ${relative(cwd, backup)}`);
      continue;
    }
    p.line(
      `  ${ACTION_LABEL[op.action].padEnd(24)} ${op.path}${op.action === 'conflict' ? `  — ${op.reason}` : ''}`,
    );
  }
  for (const [key, count] of grouped) {
    const [label, folder] = key.split('\t') as [string, string];
    p.line(`  ${label.padEnd(24)} ${folder}${count > 1 ? ` (${count} files)` : ''}`);
  }
}

/**
 * $PARTNERNOMICS_TEST_STEPS (tests only): name each step of a local install on stderr; when it names a step
 * ("staged", "wrote MANUAL-STEPS.md"), pause there for a minute so a test can kill the process at that point.
 */
function stepHook(ctx: CommandContext): ((step: string) => void) | undefined {
  const pauseAt = ctx.io.env.PARTNERNOMICS_TEST_STEPS;
  if (!pauseAt) return undefined;
  return (step) => {
    ctx.io.stderr(`step: ${step}\n`);
    if (step === pauseAt) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
  };
}

function summary(plan: LocalPlan): string {
  const c = plan.counts;
  return `${c.create} to create, ${c.update} to update, ${c.unchanged} unchanged, ${c['keep-edited']} kept as you edited them, ${c.conflict} conflicts`;
}

function describeRun(
  p: Printer,
  ctx: CommandContext,
  outDir: string,
  ws: ReturnType<typeof desiredWorkspace>,
): void {
  const types = ws.ws.types.map((t) => PARTNERSHIP_TYPE_NAMES[t]).join(', ');
  p.line(`Target: local folder ${relative(ctx.io.cwd, outDir) || '.'}`);
  p.line(
    p.dim(
      `Config: ${ws.configSource} · ${ws.ws.config.company.name} · ${types} · program start ${ws.ws.config.program.start_date}`,
    ),
  );
}

export function registerPlanAndInstall(program: Command, ctx: CommandContext): void {
  program
    .command('plan')
    .description('show what install would create or change, without writing anything')
    .option('--target <target>', 'local (default), notion, sheets or all')
    .option('--out <dir>', 'folder for the local target', 'partnernomics-workspace')
    .option('--root <page>', 'the Notion page (link or ID) to install under, for --target notion')
    .action(async (flags: Record<string, unknown>) => {
      const options = parseInstallOptions(flags, 'plan');
      const compiled = desiredWorkspace(ctx.io, ctx.global().config);
      if (options.target === 'notion') {
        await runNotion(ctx, compiled, options, false);
        return;
      }
      if (options.target === 'sheets') {
        await planSheets(ctx, compiled);
        return;
      }
      if (options.target === 'all') {
        const notion = await runNotion(ctx, compiled, options, false, false);
        const sheets = await planSheets(ctx, compiled, false);
        ctx.printer().json({ ok: true, command: 'plan', target: 'all', notion, sheets });
        return;
      }
      const plan = planLocalInstall(compiled.ws, resolve(ctx.io.cwd, options.out));
      const p = ctx.printer();
      describeRun(p, ctx, plan.outDir, compiled);
      printPlan(p, plan, ctx.io.cwd);
      p.line(`Plan: ${summary(plan)}.`);
      if (plan.counts.conflict > 0)
        p.line(
          'Install would stop on the conflicts above unless run with --force (each is backed up first).',
        );
      p.json({
        ok: true,
        command: 'plan',
        target: 'local',
        outDir: plan.outDir,
        version: compiled.ws.version,
        counts: plan.counts,
        operations: plan.operations,
      });
    });

  program
    .command('install')
    .description('install the workspace (with no credentials: into a local folder, the embedded default)')
    .option('--target <target>', 'local (default), notion, sheets or all')
    .option('--out <dir>', 'folder for the local target', 'partnernomics-workspace')
    .option('--root <page>', 'the Notion page (link or ID) to install under, for --target notion')
    .option(
      '--force',
      'replace what you edited (files are backed up first; Notion pages are replaced)',
      false,
    )
    .option('--yes', 'do not ask for confirmation (install never asks on the local target)', false)
    .action(async (flags: Record<string, unknown>) => {
      const options = parseInstallOptions({
        target: flags.target,
        out: flags.out,
        force: flags.force,
        root: flags.root,
      });
      const compiled = desiredWorkspace(ctx.io, ctx.global().config);
      if (options.target === 'notion') {
        await runNotion(ctx, compiled, options, true);
        return;
      }
      if (options.target === 'sheets') {
        await runSheets(ctx, compiled);
        return;
      }
      if (options.target === 'all') {
        await runAll(ctx, compiled, options);
        return;
      }
      const plan = planLocalInstall(compiled.ws, resolve(ctx.io.cwd, options.out));
      const p = ctx.printer();
      describeRun(p, ctx, plan.outDir, compiled);
      const toWrite = plan.counts.create + plan.counts.update + (options.force ? plan.counts.conflict : 0);
      const bar =
        ctx.io.interactive && !ctx.global().json && toWrite > 0
          ? new SingleBar(
              { format: '  writing {bar} {value}/{total} {file}', hideCursor: true },
              Presets.shades_classic,
            )
          : null;
      bar?.start(toWrite, 0, { file: '' });
      const result = await applyLocalPlan(compiled.ws, plan, {
        force: options.force,
        cwd: ctx.io.cwd,
        onFile: (op) => bar?.increment({ file: op.path }),
        onStep: stepHook(ctx),
      });
      bar?.stop();
      printPlan(p, plan, ctx.io.cwd, new Map(result.replaced.map((r) => [r.path, r.backup])));
      const c = plan.counts;
      p.line(
        `Done: ${c.create} created, ${c.update} updated, ${options.force ? c.conflict : 0} replaced, ${c.unchanged} unchanged, ${c['keep-edited']} kept as you edited them.`,
      );
      p.line(
        `Next: read ${relative(ctx.io.cwd, `${plan.outDir}/MANUAL-STEPS.md`)} — it takes the workspace into Notion and Google Sheets.`,
      );
      p.json({
        ok: true,
        command: 'install',
        target: 'local',
        outDir: result.outDir,
        version: result.version,
        counts: result.counts,
        writes: toWrite,
        backups: result.backups,
        replaced: result.replaced,
        operations: result.operations,
        manualSteps: compiled.ws.manualSteps,
      });
    });
}
