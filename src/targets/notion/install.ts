// The Notion target: discover what is there, plan the difference (pure), apply it in stages under the install lock.
import type { DesiredWorkspace } from '../../blueprint/desired.js';
import { PnError } from '../../platform/errors.js';
import { type ActualWorkspace, discover } from './actual.js';
import { mapNotionError, type NotionApi } from './api.js';
import { type ApplyProgress, type ApplyResult, NotionApplier } from './apply.js';
import { InstallLease, type LeaseOptions } from './lease.js';
import { type NotionPlan, planNotion } from './plan.js';

export interface NotionPlanResult {
  actual: ActualWorkspace;
  plan: NotionPlan;
  force: boolean;
}

export async function planNotionInstall(
  api: NotionApi,
  desired: DesiredWorkspace,
  rootId: string,
  force: boolean,
): Promise<NotionPlanResult> {
  let actual: ActualWorkspace;
  try {
    actual = await discover(api, rootId, desired);
  } catch (error) {
    // A read whose retries ran out (a malformed body, a timeout): a product error, not an internal one.
    throw mapNotionError(error, 'reading the workspace under the root page');
  }
  return { actual, plan: planNotion(desired, actual, { force }), force };
}

/** Pages edited in Notion that the blueprint would replace: nothing is written without --force. */
export function refuseDestructive(planned: NotionPlanResult): void {
  const count = planned.plan.destructive.length;
  if (count === 0 || planned.force) return;
  throw new PnError(
    'OUTPUT_CONFLICT',
    `${count} page(s) were edited in Notion after install and the blueprint changed them; nothing was written`,
    {
      hint: 'run install again with --force to replace them, or leave them as they are by keeping the blueprint',
    },
  );
}

/**
 * Whether the workspace is as `planned` read it, so the plan still holds under the lock: no other install's
 * lock was seen, and the registry (which every install saves) reads the same: one read. A first install (no
 * hub when planned) holds if the lock's own listing of the root still shows no hub: no read.
 */
async function unchangedSince(
  api: NotionApi,
  planned: NotionPlanResult,
  contended: boolean,
  lock: InstallLease,
  hubTitle: string,
): Promise<boolean> {
  if (contended) return false;
  if (!planned.actual.hub) return !lock.pagesSeen.has(hubTitle);
  const codeBlockId = planned.actual.registryPage?.codeBlockId;
  if (!codeBlockId || !planned.actual.registryText) return false;
  const block = await api.call(true, (c) => c.blocks.retrieve({ block_id: codeBlockId }));
  if (!('type' in block) || block.type !== 'code' || block.in_trash) return false;
  return block.code.rich_text.map((t) => t.plain_text).join('') === planned.actual.registryText;
}

/** Whether a stopped run left pages to finish: bodies or relations still to write, links still to make. */
function unfinished(actual: ActualWorkspace): boolean {
  return Object.values(actual.registry.entries).some(
    (e) => e.bodyFrom !== undefined || e.relationsPending === true || e.linksPending === true,
  );
}

/**
 * Applies a plan. A plan with nothing to do writes nothing (no lock either). Otherwise the run takes the
 * install lock under the root page, then reads and plans again under it (another install may have written
 * since the first read), renews the lock as it goes and releases it at the end.
 */
export async function applyNotionInstall(
  api: NotionApi,
  desired: DesiredWorkspace,
  planned: NotionPlanResult,
  onProgress?: (p: ApplyProgress) => void,
  lease: LeaseOptions = {},
): Promise<ApplyResult> {
  refuseDestructive(planned);
  const lock = new InstallLease(api, planned.actual.rootId, planned.actual.botId, lease);
  if (planned.plan.ops.length === 0 && !unfinished(planned.actual)) {
    // Nothing to write, so no lock; but a lock page a killed run left behind is cleared.
    await lock.clearStale(planned.actual.lockPages);
    return {
      hubId: planned.actual.hub?.id ?? null,
      writes: lock.writes,
      created: [],
      updated: [],
      trashed: [],
    };
  }
  const { contended } = await lock.acquire(
    new Set(planned.actual.lockPages.filter((l) => l.staleAtDiscovery).map((l) => l.id)),
  );
  try {
    const current = (await unchangedSince(api, planned, contended, lock, desired.hub.title))
      ? planned
      : await planNotionInstall(api, desired, planned.actual.rootId, planned.force);
    refuseDestructive(current);
    const registry = structuredClone(current.actual.registry);
    const applier = new NotionApplier(api, desired, current.actual, registry, onProgress, undefined, {
      beforeOp: () => lock.renewIfDue(),
    });
    const result = await applier.apply(current.plan);
    await lock.release();
    return { ...result, writes: result.writes + lock.writes };
  } finally {
    await lock.release().catch(() => undefined);
  }
}
