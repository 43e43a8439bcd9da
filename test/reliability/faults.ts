// Seeded fault series: the same seed injects the same faults at the same request positions of a series.
import { prng } from '../helpers.js';
import { ALL_FAULTS, type FaultKind, type FaultPlan, type FaultProxy } from './proxy.js';

export const RATES = [0.2, 0.4] as const;
export const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;

/**
 * The plan of one series: from a seeded start position inside a clean install's requests, every request
 * draws a fault at `rate`, the kinds in turn (slow beyond the client's timeout before and after the request is
 * applied, 429 with Retry-After, 5xx JSON, HTML 502, malformed and empty bodies, dropped connections), until
 * `maxFaults` have been injected; the runs after that are fault-free, so a series has a bounded run time.
 */
export function seriesPlan(seed: number, rate: number, cleanRequests: number, maxFaults: number): FaultPlan {
  const start =
    1 + Math.floor(prng(seed * 7919 + Math.round(rate * 100))() * Math.max(1, cleanRequests * 0.85));
  // A series starts with a fault at `startAt`; the kinds then come round in turn from one that depends on
  // the seed, so seeds 1–9 each begin with a different kind and every kind occurs at each rate.
  return {
    seed: seed * 1000 + Math.round(rate * 100),
    rate,
    kinds: ALL_FAULTS,
    order: 'cycle',
    cycleStart: seed - 1,
    maxFaults,
    startAt: start,
    startWithFault: true,
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
