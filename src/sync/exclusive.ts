// One sync at a time per Google account: a sync that may write takes the Drive-file lease (scope "sync") before it reads, and releases it however it ends.

import type { DesiredWorkspace } from '../blueprint/desired.js';
import type { NotionApi } from '../targets/notion/api.js';
import type { GoogleApi } from '../targets/sheets/google-api.js';
import { type LeaseOptions, withInstallLease } from '../targets/sheets/lease.js';
import { runSync, type SyncRunOptions, type SyncRunSummary } from './run.js';

/**
 * Two syncs of one workspace at once would both append the same new pages and log the same conflicts
 * (each plans from the same read): the second waits for the first (up to 3 minutes, `onWait` says so),
 * then reads what the first left. A dry run writes nothing and takes no lease.
 */
export function runSyncExclusively(
  notion: NotionApi,
  google: GoogleApi,
  ws: DesiredWorkspace,
  options: SyncRunOptions,
  lease: Pick<LeaseOptions, 'onWait' | 'waitMs'> = {},
): Promise<SyncRunSummary> {
  if (options.dryRun) return runSync(notion, google, ws, options);
  return withInstallLease(google, { scope: 'sync', label: 'sync', ...lease }, () =>
    runSync(notion, google, ws, options),
  );
}
