// `plan`/`install --target notion`: discover the workspace under --root, print the plan, apply it in stages.
import { Presets, SingleBar } from 'cli-progress';
import { applyNotionInstall, planNotionInstall, refuseDestructive } from '../../targets/notion/install.js';
import { effectCounts, type NotionPlan } from '../../targets/notion/plan.js';
import { envMs } from '../env.js';
import type { Printer } from '../io.js';
import { requireNotionApi } from '../notion.js';
import type { InstallOptions } from '../options.js';
import type { CommandContext } from '../program.js';
import type { desiredWorkspace } from '../workspace.js';

function counts(plan: NotionPlan): Record<string, number> {
  const c: Record<string, number> = { unchanged: plan.unchanged, drift: 0, conflict: 0, 'kept-deleted': 0 };
  for (const op of plan.ops) c[op.kind] = (c[op.kind] ?? 0) + 1;
  for (const f of plan.findings) c[f.kind] = (c[f.kind] ?? 0) + 1;
  return c;
}

function printPlan(p: Printer, plan: NotionPlan): void {
  const c = counts(plan);
  const effect = effectCounts(plan.ops);
  p.line(
    `Plan: ${effect.create} to create, ${effect.update} to update, ${plan.unchanged} unchanged, ${c.drift} drift, ${c.conflict} conflicts.`,
  );
  for (const f of plan.findings) p.line(`  ${f.kind.padEnd(13)} ${f.detail}`);
}

export interface NotionRunSummary {
  hubId: string | null;
  [key: string]: unknown;
}

export async function runNotion(
  ctx: CommandContext,
  compiled: ReturnType<typeof desiredWorkspace>,
  options: InstallOptions,
  apply: boolean,
  emitJson = true,
): Promise<NotionRunSummary> {
  const api = requireNotionApi(ctx);
  const p = ctx.printer();
  p.line(`Target: Notion, under page ${options.rootId}`);
  const planned = await planNotionInstall(api, compiled.ws, options.rootId!, options.force);
  printPlan(p, planned.plan);
  const summary = {
    target: 'notion',
    rootId: options.rootId,
    version: compiled.ws.version,
    counts: counts(planned.plan),
    effect: effectCounts(planned.plan.ops),
    findings: planned.plan.findings,
  };
  if (!apply) {
    if (emitJson) p.json({ ok: true, command: 'plan', ...summary, ops: planned.plan.ops });
    return { hubId: planned.actual.hub?.id ?? null, ...summary, ops: planned.plan.ops };
  }
  refuseDestructive(planned);
  const bar =
    ctx.io.interactive && !ctx.global().json && planned.plan.ops.length > 0
      ? new SingleBar({ format: '  {stage} {bar} {value}/{total}', hideCursor: true }, Presets.shades_classic)
      : null;
  bar?.start(planned.plan.ops.length, 0, { stage: '' });
  let lastStage = '';
  const result = await applyNotionInstall(
    api,
    compiled.ws,
    planned,
    (progress) => {
      if (bar) bar.update(progress.done, { stage: progress.stage.padEnd(16) });
      else if (progress.stage !== lastStage && progress.stage !== 'done') p.line(`  ${progress.stage}…`);
      lastStage = progress.stage;
    },
    {
      // Test hooks: the install lock's lifetime and how long to wait for another install.
      ttlMs: envMs(ctx.io.env, 'PARTNERNOMICS_LOCK_TTL_MS') || undefined,
      maxWaitMs: envMs(ctx.io.env, 'PARTNERNOMICS_LOCK_WAIT_MS'),
      onWait: ({ holder, until }) =>
        ctx.io.stderr(`  another install (${holder}) holds the lock until ${until}; waiting for it…\n`),
    },
  );
  bar?.stop();
  p.line(
    `Done: ${result.created.length} created, ${result.updated.length} updated${result.trashed.length ? `, ${result.trashed.length} duplicate(s) moved to the trash` : ''}, ${result.writes} API writes.`,
  );
  const manual = compiled.ws.manualSteps.filter((s) => s.target === 'notion').map((s) => s.step);
  p.line('Manual steps (the API cannot do these; they are also on the hub page):');
  for (const step of manual) p.line(`  - [ ] ${step}`);
  const done = {
    hubId: result.hubId,
    ...summary,
    writes: result.writes,
    created: result.created,
    updated: result.updated,
    trashed: result.trashed,
    manualSteps: manual,
  };
  const hubUrl = result.hubId ? `https://www.notion.so/${result.hubId.replace(/-/g, '')}` : null;
  if (hubUrl) p.line(`Notion hub: ${hubUrl}`);
  if (emitJson) p.json({ ok: true, command: 'install', ...done, hubUrl });
  return done;
}
