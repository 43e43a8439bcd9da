// The shared throttle and retry layer, on a fake clock: rates, Retry-After however long, no blind retried creates.
import { describe, expect, it } from 'vitest';
import { type HttpFailure, withRetry } from '../src/platform/retry.js';
import { type Clock, Throttle } from '../src/platform/throttle.js';

function fakeClock(): Clock & { slept: number[]; t: number } {
  const clock = {
    t: 0,
    slept: [] as number[],
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.slept.push(ms);
      clock.t += ms;
    },
  };
  return clock;
}

class Failure extends Error {
  constructor(readonly failure: HttpFailure) {
    super(`status ${failure.status}`);
  }
}
const classify = (e: unknown) => (e instanceof Failure ? e.failure : null);

describe('Throttle', () => {
  it('lets a burst through, then holds callers to the rate in order', async () => {
    const clock = fakeClock();
    const throttle = new Throttle(3, 2, clock);
    const times: number[] = [];
    await Promise.all(Array.from({ length: 8 }, () => throttle.acquire().then(() => times.push(clock.t))));
    expect(times.slice(0, 2)).toEqual([0, 0]);
    // six more at 3/s take two seconds: the average rate over the run is at most 3 per second plus the burst
    expect(times[7]!).toBeGreaterThanOrEqual(1990);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});

describe('withRetry', () => {
  it('honours Retry-After on 429, even past 60 seconds, and reports each wait', async () => {
    const clock = fakeClock();
    const waits: number[] = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls += 1;
        if (calls < 3) throw new Failure({ status: 429, retryAfterSeconds: calls === 1 ? 90 : 5 });
        return 'ok';
      },
      { idempotent: false, classify, clock, hooks: { onWait: (w) => waits.push(w.seconds) } },
    );
    expect(result).toBe('ok');
    expect(waits).toEqual([90, 5]);
    expect(clock.slept).toEqual([90_000, 5_000]);
  });

  it('retries server errors for idempotent calls with back-off, never for creates', async () => {
    const clock = fakeClock();
    let calls = 0;
    const flaky = async () => {
      calls += 1;
      if (calls < 3) throw new Failure({ status: 503, retryAfterSeconds: undefined });
      return calls;
    };
    expect(await withRetry(flaky, { idempotent: true, classify, clock })).toBe(3);
    expect(clock.slept).toEqual([1000, 2000]);
    calls = 0;
    await expect(withRetry(flaky, { idempotent: false, classify, clock })).rejects.toThrow('status 503');
    expect(calls).toBe(1);
  });

  it('gives up after the policy limit and passes through errors it does not know', async () => {
    const clock = fakeClock();
    let calls = 0;
    const always = async () => {
      calls += 1;
      throw new Failure({ status: 500, retryAfterSeconds: undefined });
    };
    await expect(
      withRetry(always, {
        idempotent: true,
        classify,
        clock,
        policy: { maxRateLimitRetries: 1, maxServerRetries: 2, baseDelayMs: 10 },
      }),
    ).rejects.toThrow();
    expect(calls).toBe(3);
    await expect(
      withRetry(async () => Promise.reject(new Error('bug')), { idempotent: true, classify, clock }),
    ).rejects.toThrow('bug');
  });
});
