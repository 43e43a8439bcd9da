// One Sheets install at a time per Google account: a lease held in a small Drive file both runs can see.
//
// Why a Drive file: the workbook may not exist yet when two installs start, so the lease must live somewhere
// both see before either creates anything. Under the drive.file scope the app sees exactly the files it
// created, so two runs with the same login (on one machine or two) see each other's lease files, and
// nothing else does.
//
// The protocol (no compare-and-swap exists in Drive, so the order of creation decides):
//   1. create our lease file (files.create) with appProperties: `partnernomics-lease` = the scope ("sheets"),
//      `holder` (a random ID for this run), `expires` (epoch ms, now + TTL), `host` and `pid`;
//   2. re-read every lease file of the scope (files.list by that app property);
//   3. leases that are stale (past `expires`, or held by a process of this host that no longer runs) are
//      deleted; of the live ones, the oldest (lowest createdTime, then lowest file ID) holds the lease;
//   4. if that is ours, we hold it. Otherwise we delete ours and wait (polling, for a bounded time) for the
//      holder to finish, then start again at 1; past the bound we stop with one line naming the holder.
// The holder renews its expiry before each stage of the install (`renew`), which is also its fencing check:
// a lease that another run deleted as stale answers 404, and the install stops before writing anything
// more. The lease file is deleted when the install ends, however it ends; a killed run's lease expires
// after the TTL, or at once for a rerun on the same host (its pid is gone).
// Known limit: Drive's search may lag behind a create for a moment; both runs would then see only their
// own lease. The re-read happens after our create is confirmed, which narrows but does not close that.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { drive_v3 } from '@googleapis/drive';
import { PnError } from '../../platform/errors.js';
import { type Clock, realClock } from '../../platform/throttle.js';
import type { GoogleApi } from './google-api.js';

export const LEASE_PROPERTY = 'partnernomics-lease';
export const LEASE_FILE_NAME = 'Partnernomics install lock (removed when the install ends)';
export const DEFAULT_LEASE_TTL_MS = 10 * 60_000;
export const DEFAULT_LEASE_WAIT_MS = 3 * 60_000;

export interface LeaseOptions {
  /** What the lease guards (one lease per scope and Google account); default 'sheets'. */
  scope?: string;
  /** What holds it, in messages and the lease file's name; default "Google Sheets install". */
  label?: string;
  /** How long a lease lives without renewal (default 10 min). */
  ttlMs?: number;
  /** How long a second run waits for the holder before it stops (default 3 min; 0: stop at once). */
  waitMs?: number;
  /** Between looks while waiting (default 5 s). */
  pollMs?: number;
  clock?: Clock;
  /** This run's ID (random by default). */
  holder?: string;
  host?: string;
  pid?: number;
  /** Whether a process of this host still runs (default: signal 0). */
  isAlive?: (pid: number) => boolean;
  /** Called before each wait for another holder (a terminal says who holds it). */
  onWait?: (info: { holder: LeaseHolder; waitedMs: number; waitMs: number }) => void;
}

export interface LeaseHolder {
  fileId: string;
  holder: string;
  host: string;
  pid: number;
  expires: number;
  createdTime: string;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

function holderOf(file: drive_v3.Schema$File): LeaseHolder | null {
  const props = file.appProperties ?? {};
  if (!file.id) return null;
  return {
    fileId: file.id,
    holder: props.holder ?? '',
    host: props.host ?? '',
    pid: Number(props.pid ?? 0),
    expires: Number(props.expires ?? 0),
    createdTime: file.createdTime ?? '',
  };
}

/** Oldest first: createdTime, then file ID. */
function byAge(a: LeaseHolder, b: LeaseHolder): number {
  if (a.createdTime !== b.createdTime) return a.createdTime < b.createdTime ? -1 : 1;
  return a.fileId < b.fileId ? -1 : a.fileId > b.fileId ? 1 : 0;
}

export class InstallLease {
  released = false;

  constructor(
    private readonly api: GoogleApi,
    readonly fileId: string,
    private readonly props: () => Record<string, string>,
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly label = 'Google Sheets install',
  ) {}

  /** Extends the lease; fails (before any further write) when another run took it over. */
  async renew(): Promise<void> {
    const requestBody: drive_v3.Schema$File = {
      appProperties: { ...this.props(), expires: String(this.clock.now() + this.ttlMs) },
    };
    try {
      // Lease calls are not workspace writes: they are not counted in the install's writes.
      await this.api.call('renewing the install lease', true, false, () =>
        this.api.drive.files.update({ fileId: this.fileId, requestBody, fields: 'id' }),
      );
    } catch (error) {
      throw new PnError('BUSY', `another run took over the ${this.label} lease`, {
        hint: 'this run took longer than the lease lasts; run the same command again once the other one ends',
        cause: error,
      });
    }
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await deleteLease(this.api, this.fileId);
  }
}

async function deleteLease(api: GoogleApi, fileId: string): Promise<void> {
  try {
    await api.call('removing the install lease', true, false, () => api.drive.files.delete({ fileId }), {
      body: 'any',
    });
  } catch {
    // Already gone (another run removed it as stale), or Google failed: it expires by itself.
  }
}

async function listLeases(api: GoogleApi, scope: string, holder?: string): Promise<LeaseHolder[]> {
  const byHolder = holder ? ` and appProperties has { key='holder' and value='${holder}' }` : '';
  const listed = await api.call('reading the install lease', true, false, () =>
    api.drive.files.list({
      q: `appProperties has { key='${LEASE_PROPERTY}' and value='${scope}' }${byHolder} and trashed = false`,
      fields: 'files(id,createdTime,appProperties)',
      pageSize: 100,
    }),
  );
  return (listed.data.files ?? []).flatMap((f) => holderOf(f) ?? []);
}

/** Takes the lease (waiting for another holder for a bounded time), or stops with one line that names it. */
export async function acquireLease(api: GoogleApi, options: LeaseOptions = {}): Promise<InstallLease> {
  const scope = options.scope ?? 'sheets';
  const label = options.label ?? 'Google Sheets install';
  const clock = options.clock ?? realClock;
  const ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  const waitMs = options.waitMs ?? DEFAULT_LEASE_WAIT_MS;
  const pollMs = options.pollMs ?? 5000;
  const holder = options.holder ?? randomUUID();
  const host = (options.host ?? hostname()).slice(0, 60);
  const pid = options.pid ?? process.pid;
  const isAlive = options.isAlive ?? processAlive;
  const props = () => ({ [LEASE_PROPERTY]: scope, holder, host, pid: String(pid) });
  const started = clock.now();
  const stale = (lease: LeaseHolder) =>
    lease.expires < clock.now() || (lease.host === host && lease.pid !== pid && !isAlive(lease.pid));

  for (;;) {
    const requestBody: drive_v3.Schema$File = {
      name: options.label ? `Partnernomics ${label} lock (removed when it ends)` : LEASE_FILE_NAME,
      mimeType: 'text/plain',
      appProperties: { ...props(), expires: String(clock.now() + ttlMs) },
    };
    const created = await api.call(
      'taking the install lease',
      false,
      false,
      () => api.drive.files.create({ requestBody, fields: 'id,createdTime' }),
      {
        check: (r) => typeof r.data.id === 'string' && r.data.id !== '',
        // A create whose answer was lost is found by this run's holder ID.
        lookup: async () => {
          const found = (await listLeases(api, scope, holder))[0];
          if (!found) return undefined;
          return api.call('reading the install lease', true, false, () =>
            api.drive.files.get({ fileId: found.fileId, fields: 'id,createdTime' }),
          );
        },
      },
    );
    const mine = created.data.id!;
    const leases = await listLeases(api, scope);
    for (const lease of leases.filter((l) => l.fileId !== mine && stale(l)))
      await deleteLease(api, lease.fileId);
    const live = leases.filter((l) => l.fileId === mine || !stale(l)).sort(byAge);
    const first = live[0];
    if (!first || first.fileId === mine) return new InstallLease(api, mine, props, clock, ttlMs, label);

    await deleteLease(api, mine);
    const waited = clock.now() - started;
    if (waited >= waitMs) {
      const until = new Date(first.expires).toISOString();
      throw new PnError(
        'BUSY',
        `another ${label} is running for this Google account (on ${first.host || 'another machine'}, since ${first.createdTime || 'a moment ago'})`,
        {
          hint: `wait for it to finish and run the same command again; if it was stopped, its lease expires at ${until}`,
        },
      );
    }
    options.onWait?.({ holder: first, waitedMs: waited, waitMs });
    await clock.sleep(Math.min(pollMs, Math.max(1, waitMs - waited)));
  }
}

/** Runs `work` holding the lease; the lease is released however `work` ends. */
export async function withInstallLease<T>(
  api: GoogleApi,
  options: LeaseOptions,
  work: (lease: InstallLease) => Promise<T>,
): Promise<T> {
  const lease = await acquireLease(api, options);
  try {
    return await work(lease);
  } finally {
    await lease.release();
  }
}
