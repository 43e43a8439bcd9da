// Sheets' per-minute quotas (read and write counted apart, per user and per project), refilled each minute.
import { quotaExceeded } from './errors.js';
import type { Clock } from './ids.js';

export interface QuotaOptions {
  /** Requests per minute per user, reads and writes counted separately (Google: 60). */
  perUserPerMinute?: number;
  /** Requests per minute for the whole project (Google: 300). */
  perProjectPerMinute?: number;
  /**
   * Send Retry-After (seconds to the next minute) on the 429 (default true). The usage-limits page names
   * no Retry-After, only exponential backoff; `false` answers without it, to test a client's own backoff.
   */
  retryAfter?: boolean;
}

/** Off by default so unrelated tests run fast; `enable()` turns on Google's 60/300 limits. */
export class SheetsQuota {
  private options: Required<QuotaOptions> | undefined;
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly projectNumber: () => string,
  ) {}

  get enabled(): boolean {
    return this.options !== undefined;
  }

  enable(options: QuotaOptions | true = {}): void {
    const o = options === true ? {} : options;
    this.options = {
      perUserPerMinute: o.perUserPerMinute ?? 60,
      perProjectPerMinute: o.perProjectPerMinute ?? 300,
      retryAfter: o.retryAfter ?? true,
    };
    this.windows.clear();
  }

  disable(): void {
    this.options = undefined;
    this.windows.clear();
  }

  /** Counts one request; throws 429 RESOURCE_EXHAUSTED when a window is full. */
  take(user: string, kind: 'read' | 'write'): void {
    if (!this.options) return;
    const now = this.clock.now();
    const minute = Math.floor(now / 60_000) * 60_000;
    const retryAfter = this.options.retryAfter
      ? Math.max(1, Math.ceil((minute + 60_000 - now) / 1000))
      : undefined;
    const count = (key: string) => {
      let w = this.windows.get(key);
      if (!w || w.start !== minute) {
        w = { start: minute, count: 0 };
        this.windows.set(key, w);
      }
      w.count++;
      return w.count;
    };
    if (count(`user|${user}|${kind}`) > this.options.perUserPerMinute) {
      throw quotaExceeded(kind, 'user', this.projectNumber(), retryAfter);
    }
    if (count(`project|${kind}`) > this.options.perProjectPerMinute) {
      throw quotaExceeded(kind, 'project', this.projectNumber(), retryAfter);
    }
  }
}
