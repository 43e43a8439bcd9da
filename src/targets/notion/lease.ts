// The install lock: a page under the root that one install at a time holds, so two runs never both write.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { APIErrorCode, isNotionClientError } from '@notionhq/client';
import { PnError } from '../../platform/errors.js';
import { type Clock, realClock } from '../../platform/throttle.js';
import { mapNotionError, type NotionApi } from './api.js';
import { NotionWriter } from './writer.js';

export const LEASE_PREFIX = 'Partnernomics install lock';

/**
 * How often a running install checks that its lock page is still there (one read). Another install cannot
 * take a live lock: it only trashes locks that expired or whose process on this host is gone, and the
 * renewal at half the TTL keeps ours live as long as operations come less than half a TTL apart. So a
 * takeover needs either a lapse (an operation that outlasted half the TTL: the renewal after it sees the
 * lapse and checks, see renewIfDue) or a person deleting the live lock page, which its title invites "if no
 * install is running". The second is why the check does not wait for the renewal (2.5 min): every 20 s
 * bounds two installs writing at once to 20 s plus one operation, for one read per 20 s, under 2% of
 * Notion's 3 requests per second (an install of ~170 requests takes about a minute: about 3 reads).
 */
export const LEASE_CHECK_EVERY_MS = 20_000;

const TRASHED = 'was moved to the trash, by another install that found it expired or by hand';

export interface LeaseOptions {
  /** How long a lease lasts without renewal; a run renews it when half is gone (default 5 min). */
  ttlMs?: number;
  /** How long to wait for another install to finish before stopping (default 10 min). */
  maxWaitMs?: number;
  /** How often, at most, a run checks between operations that its lock page is still its own (default 20 s). */
  checkEveryMs?: number;
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
  /** When this run last saw its lock page live (clock ms). */
  private checkedAt = 0;
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
    this.checkEveryMs = options.checkEveryMs ?? LEASE_CHECK_EVERY_MS;
  }

  private readonly checkEveryMs: number;

  /** Titles of the other pages this integration made under the root, as the last lock listing saw them. */
  readonly pagesSeen = new Set<string>();

  private async leases(): Promise<LeasePage[]> {
    const found: LeasePage[] = [];
    this.pagesSeen.clear();
    for await (const block of this.api.children(this.rootId)) {
      if (!('type' in block) || block.type !== 'child_page' || block.in_trash) continue;
      if (block.created_by.id !== this.botId) continue;
      const parsed = parseLeaseTitle(block.child_page.title);
      if (parsed) found.push({ id: block.id, ...parsed, ours: parsed.holder === this.holder });
      else this.pagesSeen.add(block.child_page.title);
    }
    return found;
  }

  private async trash(pageId: string): Promise<void> {
    this.writes += 1;
    await this.api.trashPage(pageId);
  }

  /**
   * Creates our lock page like any create whose answer may be lost: looked up by the holder ID in its title
   * (over the settle window) before it is sent again. A copy that lands later still names this run, so
   * release() looks for one.
   */
  private async create(): Promise<void> {
    this.until = this.clock.now() + this.ttlMs;
    const title = leaseTitle(this.holder, this.until);
    const writer = new NotionWriter(this.api);
    try {
      this.pageId = await writer.createOnce(
        async () =>
          (
            await writer.write((c) =>
              c.pages.create({
                parent: { page_id: this.rootId },
                properties: { title: { title: [{ type: 'text', text: { content: title } }] } },
              }),
            )
          ).id,
        async () => {
          this.unsureCreate = true;
          return (await this.leases()).find((l) => l.ours)?.id;
        },
      );
      this.checkedAt = this.clock.now();
    } finally {
      this.writes += writer.writes;
    }
  }

  /** A create of our lock page had an unknown outcome: a second page of ours may land later. */
  private unsureCreate = false;

  /**
   * Holds the lock, waiting (bounded) while another install holds it. Returns whether any other lock,
   * live or stale, was seen (except `harmless` ones: locks already stale before the caller read the
   * workspace): then another install may have written, and the caller reads the workspace again.
   */
  async acquire(harmless: ReadonlySet<string> = new Set()): Promise<{ contended: boolean }> {
    try {
      return await this.acquireOnce(harmless);
    } catch (error) {
      throw mapNotionError(error, 'taking the install lock');
    }
  }

  private async acquireOnce(harmless: ReadonlySet<string>): Promise<{ contended: boolean }> {
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

  private takenOver(how: string): PnError {
    return new PnError(
      'BUSY',
      `another install took over this install's lock (its page "${LEASE_PREFIX} · ${this.holder} …" ${how}); this run stopped before writing more`,
      {
        hint: 'run the same command again once the other install has finished: it resumes where this one stopped and cleans up anything made twice',
      },
    );
  }

  /** Whether our lock page is still live: false when it is in the trash or gone. */
  private async stillOurs(pageId: string): Promise<boolean> {
    try {
      const page = await this.api.call(true, (c) =>
        c.pages.retrieve({ page_id: pageId, filter_properties: ['title'] }),
      );
      return !('in_trash' in page && page.in_trash);
    } catch (error) {
      if (isNotionClientError(error) && error.code === APIErrorCode.ObjectNotFound) return false;
      throw error;
    }
  }

  /**
   * The fence, before each operation: every `checkEveryMs` it checks that our lock page is still live, and
   * when half the TTL is gone it renews it. A lock that lapsed (an operation outlasted it) is renewed and
   * then no other live lock may be in sight, by the same argument as acquire(). A lock taken over stops the
   * run with BUSY (its own message), never a generic API error.
   */
  async renewIfDue(): Promise<void> {
    if (!this.pageId) return;
    const pageId = this.pageId;
    const now = this.clock.now();
    const due = this.until - now <= this.ttlMs / 2;
    if (!due && now - this.checkedAt < this.checkEveryMs) return;
    try {
      if (!(await this.stillOurs(pageId))) throw this.takenOver(TRASHED);
      if (due) {
        // Lapsed, or so nearly that another host whose clock runs ahead may already see it expired.
        const lapsed = now >= this.until - this.ttlMs / 4;
        const until = this.clock.now() + this.ttlMs;
        const title = leaseTitle(this.holder, until);
        this.writes += 1;
        try {
          await this.api.call(true, (c) =>
            c.pages.update({
              page_id: pageId,
              properties: { title: { title: [{ type: 'text', text: { content: title } }] } },
            }),
          );
        } catch (error) {
          // Trashed between our read and this write: Notion refuses to edit an archived page.
          if (!(await this.stillOurs(pageId))) throw this.takenOver(TRASHED);
          throw error;
        }
        this.until = until;
        if (lapsed) {
          const now2 = this.clock.now();
          if ((await this.leases()).some((l) => !l.ours && !isStale(l.holder, l.until, now2)))
            throw this.takenOver('lapsed while an operation took longer than the lock lasts');
        }
      }
      this.checkedAt = this.clock.now();
    } catch (error) {
      throw mapNotionError(error, 'checking the install lock');
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

  /** Trashes our lock page, and any second one a create with an unknown outcome left. */
  async release(): Promise<void> {
    if (!this.pageId) return;
    const id = this.pageId;
    this.pageId = null;
    try {
      await this.trash(id);
      if (this.unsureCreate)
        for (const lease of await this.leases())
          if (lease.ours && lease.id !== id) await this.trash(lease.id);
    } catch (error) {
      throw mapNotionError(error, 'removing the install lock');
    }
  }
}
