// The Notion target: discover what is there, plan the difference (pure), apply it in stages.
import type { DesiredWorkspace } from '../../blueprint/desired.js';
import { type ActualWorkspace, discover } from './actual.js';
import type { NotionApi } from './api.js';
import { type ApplyProgress, type ApplyResult, NotionApplier } from './apply.js';
import { type NotionPlan, planNotion } from './plan.js';

export interface NotionPlanResult {
  actual: ActualWorkspace;
  plan: NotionPlan;
}

export async function planNotionInstall(
  api: NotionApi,
  desired: DesiredWorkspace,
  rootId: string,
  force: boolean,
): Promise<NotionPlanResult> {
  const actual = await discover(api, rootId, desired);
  return { actual, plan: planNotion(desired, actual, { force }) };
}

export async function applyNotionInstall(
  api: NotionApi,
  desired: DesiredWorkspace,
  planned: NotionPlanResult,
  onProgress?: (p: ApplyProgress) => void,
): Promise<ApplyResult> {
  const registry = structuredClone(planned.actual.registry);
  return new NotionApplier(api, desired, planned.actual, registry, onProgress).apply(planned.plan);
}
