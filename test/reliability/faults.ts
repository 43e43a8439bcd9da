// Seeded fault series: the same seed injects the same faults at the same request positions of a series.
import { prng } from '../helpers.js';
import { ALL_FAULTS, type FaultKind, type FaultPlan, type FaultProxy } from './proxy.js';

export const RATES = [0.2, 0.4] as const;
export const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;

/**
 * The plan of one series: from a seeded start position early in a clean install's requests (its first
 * tenth), every request draws a fault at `rate`, the kinds in turn (slow beyond the client's timeout before
 * and after the request is applied, 429 with Retry-After, 5xx JSON, HTML 502, malformed and empty bodies,
 * dropped connections), until `faultBudget` faults were injected. A run under faults makes more requests
 * than a clean one (every failed request is sent again, creates are looked up): the budget is the number of
 * faults a first run that gets to the end meets on average, so the first run meets the rate over (about)
 * all its requests. Call `endFaultsAfterFirstRun` before the reruns: they meet the same rate only up to one
 * clean install's worth of requests from the start (so a first run that stopped early leaves its reruns the
 * rest), and are fault-free after it, so a series converges in a bounded time. With `windowFaults` instead
 * (sync-faults), at most that many faults from a start anywhere in the first 85%.
 */
export function seriesPlan(
  seed: number,
  rate: number,
  cleanRequests: number,
  windowFaults?: number,
): FaultPlan {
  const span = windowFaults === undefined ? 0.1 : 0.85;
  const start =
    1 + Math.floor(prng(seed * 7919 + Math.round(rate * 100))() * Math.max(1, cleanRequests * span));
  return {
    seed: seed * 1000 + Math.round(rate * 100),
    rate,
    kinds: ALL_FAULTS,
    order: 'cycle',
    cycleStart: seed - 1,
    maxFaults: windowFaults ?? faultBudget(rate, cleanRequests - start + 1),
    startAt: start,
    startWithFault: true,
  };
}

/**
 * Faults a run of `requests` clean requests meets at `rate` when each failed request is sent again until
 * it passes: requests / (1 − rate) attempts, `rate` of them faulted (lookups after a lost create add more
 * requests still, so a long first run may see the budget end before its last requests).
 */
export function faultBudget(rate: number, requests: number): number {
  return Math.ceil((rate * requests) / (1 - rate));
}

/** Before the reruns: faults go on only up to one clean install's worth of requests from the start. */
export function endFaultsAfterFirstRun(plan: FaultPlan, cleanRequests: number): void {
  // The proxy reads the plan it was given as each request comes: the change holds from the next request.
  plan.endBefore = (plan.startAt ?? 1) + cleanRequests;
}

/**
 * The faults of a series' first run against its requests, from its first request up to the last that could
 * draw one (where the budget ran out, or the run's end): what "rate" amounted to in that run; and the same
 * over the whole first run (the requests after the budget ran out included).
 */
export function firstRunDensity(
  series: { runs: readonly { traffic?: { requests: number } }[] },
  proxy: FaultProxy,
  plan: FaultPlan,
): { faults: number; requests: number; wholeRun: number } {
  const first = proxy.log.slice(0, series.runs[0]?.traffic?.requests ?? 0);
  const faults = first.filter((e) => e.fault).length;
  const spent = faults >= (plan.maxFaults ?? Number.POSITIVE_INFINITY);
  return {
    faults,
    requests: spent ? first.findLastIndex((e) => e.fault) + 1 : first.length,
    wholeRun: first.length,
  };
}

/** Which faults a series got, for its report: "#12 GET /v1/users/me: malformed, …". */
export function faultsOf(proxy: FaultProxy): string {
  const hits = proxy.log.filter((e) => e.fault);
  return hits.map((e) => `#${e.position} ${e.method} ${e.path}: ${e.fault}`).join(', ') || 'none';
}

/** Fault kinds that occurred, across series (to show every kind was exercised). */
export class KindTally {
  private readonly seen = new Map<string, Set<FaultKind>>();

  add(group: string, proxy: FaultProxy): void {
    const set = this.seen.get(group) ?? new Set<FaultKind>();
    for (const entry of proxy.log) if (entry.fault) set.add(entry.fault);
    this.seen.set(group, set);
  }

  missing(group: string): FaultKind[] {
    const set = this.seen.get(group) ?? new Set<FaultKind>();
    return ALL_FAULTS.filter((k) => !set.has(k));
  }
}
