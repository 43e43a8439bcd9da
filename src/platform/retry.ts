// The one retry layer for API calls: honours Retry-After however long, retries only what is safe to repeat.
import type { Clock } from './throttle.js';
import { realClock } from './throttle.js';

export interface HttpFailure {
  /** HTTP status, or undefined for a network failure (reset, timeout). */
  status: number | undefined;
  /** Seconds from a Retry-After header, when the service sent one. */
  retryAfterSeconds: number | undefined;
  /**
   * The host could not be reached at all (DNS failure, connection refused, offline): nothing was sent, and
   * waiting a few seconds will not help, so it is not retried; the caller says so at once.
   */
  unreachable?: boolean;
}

export interface RetryPolicy {
  /** Attempts after a rate limit (429/529); each waits what the service asked. */
  maxRateLimitRetries: number;
  /** Attempts after a 5xx or network failure, for idempotent calls only. */
  maxServerRetries: number;
  /** First back-off after a server error; doubles each time. */
  baseDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRateLimitRetries: 8,
  maxServerRetries: 4,
  baseDelayMs: 1000,
};

export interface RetryHooks {
  /** Called before each wait: a terminal shows a countdown, --json stays quiet. */
  onWait?: (info: { seconds: number; reason: 'rate_limited' | 'server_error'; attempt: number }) => void;
}

export type Classify = (error: unknown) => HttpFailure | null;

/**
 * Runs `call`, retrying rate limits always (they were not applied) and server or network failures only
 * when `idempotent`: a create that failed may still have been applied, so its caller must look it up first.
 */
export async function withRetry<T>(
  call: () => Promise<T>,
  options: {
    idempotent: boolean;
    classify: Classify;
    policy?: RetryPolicy;
    clock?: Clock;
    hooks?: RetryHooks;
  },
): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const clock = options.clock ?? realClock;
  let rateLimited = 0;
  let serverErrors = 0;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      const failure = options.classify(error);
      if (!failure || failure.unreachable) throw error;
      const isRateLimit = failure.status === 429 || failure.status === 529;
      const isServer = failure.status === undefined || (failure.status >= 500 && failure.status !== 529);
      if (isRateLimit && rateLimited < policy.maxRateLimitRetries) {
        rateLimited += 1;
        const seconds = failure.retryAfterSeconds ?? 2 ** rateLimited;
        options.hooks?.onWait?.({ seconds, reason: 'rate_limited', attempt: rateLimited });
        await clock.sleep(seconds * 1000);
        continue;
      }
      if (isServer && options.idempotent && serverErrors < policy.maxServerRetries) {
        serverErrors += 1;
        const seconds = failure.retryAfterSeconds ?? (policy.baseDelayMs * 2 ** (serverErrors - 1)) / 1000;
        options.hooks?.onWait?.({ seconds, reason: 'server_error', attempt: serverErrors });
        await clock.sleep(seconds * 1000);
        continue;
      }
      throw error;
    }
  }
}
