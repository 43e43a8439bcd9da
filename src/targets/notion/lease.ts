// The install lock: a page under the root that one install at a time holds, so two runs never both write.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { PnError } from '../../platform/errors.js';
import { type Clock, realClock } from '../../platform/throttle.js';
import type { NotionApi } from './api.js';

export const LEASE_PREFIX = 'Partnernomics install lock';

export interface LeaseOptions {
  /** How long a lease lasts without renewal; a run renews it when half is gone (default 5 min). */
  ttlMs?: number;
  /** How long to wait for another install to finish before stopping (default 10 min). */
  maxWaitMs?: number;
  clock?: Clock;
  /** Called while waiting for another install, so a terminal can say so. */
  onWait?: (info: { holder: string; until: string }) => void;
}

interface LeasePage {
  id: string;
  holder: string;
  until: number;
  ours: boolean;
}

/** host.pid.random: a lease from this machine whose process is gone is stale at once, not at expiry. */
const HOST =
  hostname()
    .replace(/[^A-Za-z0-9-]/g, '')
    .slice(0, 24) || 'host';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a lease no longer protects a running install: expired, or held by a dead process here. */
export function isStale(holder: string, until: number, now: number): boolean {
  if (until < now) return true;
  const [host, pid] = holder.split('.');
  return host === HOST && Number(pid) !== process.pid && !processAlive(Number(pid));
}

const leaseTitle = (holder: string, until: number) =>
  `${LEASE_PREFIX} · ${holder} · until ${new Date(until).toISOString()} (delete this page if no install is running)`;

/** A lease page's holder and expiry, read back from its title; null for any other page. */
export function parseLeaseTitle(title: string): { holder: string; until: number } | null {
  const match = /^Partnernomics install lock · (\S+) · until (\S+)/.exec(title);
  if (!match) return null;
  const until = Date.parse(match[2]!);
  return Number.isFinite(until) ? { holder: match[1]!, until } : null;
}

/**
 * Mutual exclusion between installs on one root page, with nothing but pages: each run creates its own
 * lease page, then lists the root's children. A run that sees no other live lease proceeds; one that sees
 * another withdraws its own and waits. Two runs cannot both proceed: the one that listed second must have
 * created its lease after the first listed, so the second's list shows the first's lease. Both may withdraw
 * at once; a random back-off breaks the tie. Expired leases (a run that was killed) are trashed by the next.
 */
export class InstallLease {
  private pageId: string | null = null;
  /** Mutating calls this lock made (its own page created, renewed, trashed; stale locks trashed). */
  writes = 0;
  private until = 0;
  private readonly holder = `${HOST}.${process.pid}.${randomUUID().slice(0, 6)}`;
  private readonly ttlMs: number;
  private readonly clock: Clock;

  constructor(
    private readonly api: NotionApi,
    private readonly rootId: string,
    private readonly botId: string,
    private readonly options: LeaseOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.clock = options.clock ?? realClock;
  }

  private async leases(): Promise<LeasePage[]> {
    const found: LeasePage[] = [];
    for await (const block of this.api.children(this.rootId)) {
      if (!('type' in block) || block.type !== 'child_page' || block.in_trash) continue;
      if (block.created_by.id !== this.botId) continue;
      const parsed = parseLeaseTitle(block.child_page.title);
      if (parsed) found.push({ id: block.id, ...parsed, ours: parsed.holder === this.holder });
    }
    return found;
  }

  private async trash(pageId: string): Promise<void> {
    this.writes += 1;
    await this.api.trashPage(pageId);
  }

  private async create(): Promise<void> {
    this.until = this.clock.now() + this.ttlMs;
    const title = leaseTitle(this.holder, this.until);
    try {
      this.writes += 1;
      const page = await this.api.call(false, (c) =>
        c.pages.create({
          parent: { page_id: this.rootId },
          properties: { title: { title: [{ type: 'text', text: { content: title } }] } },
        }),
      );
      this.pageId = page.id;
    } catch (error) {
      // The create may have been applied: the holder ID in the title finds it.
      this.pageId = (await this.leases()).find((l) => l.ours)?.id ?? null;
      if (!this.pageId) throw error;
    }
  }

  /**
   * Holds the lock, waiting (bounded) while another install holds it. Returns whether any other lock,
   * live or stale, was seen (except `harmless` ones: locks already stale before the caller read the
   * workspace): then another install may have written, and the caller reads the workspace again.
   */
  async acquire(harmless: ReadonlySet<string> = new Set()): Promise<{ contended: boolean }> {
    let contended = false;
    const started = this.clock.now();
    const maxWait = this.options.maxWaitMs ?? 10 * 60_000;
    for (let attempt = 0; ; attempt++) {
      await this.create();
      const leases = await this.leases();
      const now = this.clock.now();
      const stale = leases.filter((l) => !l.ours && isStale(l.holder, l.until, now));
      for (const lease of stale) await this.trash(lease.id);
      const other = leases.find((l) => !l.ours && !stale.includes(l));
      contended ||= leases.some((l) => !l.ours && !harmless.has(l.id));
      if (!other) return { contended };
      await this.release();
      if (now - started >= maxWait) {
        throw new PnError('BUSY', 'another install is running under this root page', {
          hint: `wait for it to finish and run again; if none is running, delete the page "${LEASE_PREFIX} · ${other.holder} …" under the root page`,
        });
      }
      this.options.onWait?.({ holder: other.holder, until: new Date(other.until).toISOString() });
      await this.clock.sleep(1000 + Math.floor(Math.random() * 2000) * Math.min(attempt + 1, 4));
    }
  }

  /** Extends the lease when half of it is gone; stops the run if another install took it over. */
  async renewIfDue(): Promise<void> {
    if (!this.pageId || this.until - this.clock.now() > this.ttlMs / 2) return;
    this.until = this.clock.now() + this.ttlMs;
    const title = leaseTitle(this.holder, this.until);
    this.writes += 1;
    const page = await this.api.call(true, (c) =>
      c.pages.update({
        page_id: this.pageId!,
        properties: { title: { title: [{ type: 'text', text: { content: title } }] } },
      }),
    );
    if ('in_trash' in page && page.in_trash) {
      throw new PnError('BUSY', 'another install took over the install lock (this run was too slow)', {
        hint: 'run the same command again once the other install has finished',
      });
    }
  }

  /** Trashes the locks of installs that are gone (expired, or a dead process here), from their titles. */
  async clearStale(pages: readonly { id: string; title: string }[]): Promise<void> {
    const now = this.clock.now();
    for (const page of pages) {
      const parsed = parseLeaseTitle(page.title);
      if (parsed && isStale(parsed.holder, parsed.until, now)) await this.trash(page.id);
    }
  }

  async release(): Promise<void> {
    if (!this.pageId) return;
    const id = this.pageId;
    this.pageId = null;
    await this.trash(id);
  }
}
