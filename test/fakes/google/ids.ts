// Deterministic ids (counters shaped like Google's) and the injectable clock the fakes share.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Counters per kind; the same sequence of calls always yields the same ids. */
export class IdSource {
  private readonly counters = new Map<string, number>();

  constructor(private readonly seed = 1) {}

  next(kind: string): number {
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    return n;
  }

  /** A Drive-style file id (44 chars, as spreadsheets have): "1" + a mixed tail derived from the counter. */
  fileId(): string {
    return this.opaque('file', 44);
  }

  /** An Apps Script project id (57 chars, as real script ids have). */
  scriptId(): string {
    return this.opaque('script', 57);
  }

  /** "ya29.fake-…" access tokens, "1//fake-…" refresh tokens, "4/fake-…" authorization codes. */
  token(prefix: string): string {
    return `${prefix}${this.opaque(`token:${prefix}`, 40)}`;
  }

  /** A sheetId for a new tab: a large positive int, like the random ones Sheets assigns. */
  sheetId(): number {
    return 1_000_000 + this.next('sheetId') * 7_919;
  }

  private opaque(kind: string, length: number): string {
    const n = this.next(kind);
    let x = (n * 2_654_435_761 + this.seed * 97) >>> 0;
    let out = '1';
    while (out.length < length - 8) {
      x = (x * 1_103_515_245 + 12_345) >>> 0;
      out += ALPHABET[x % 62];
    }
    return out + String(n).padStart(8, '0');
  }
}

/** A settable clock: `now()` in epoch ms; tests advance it to expire tokens or roll quota windows. */
export class FakeClock {
  constructor(private current: number = Date.UTC(2026, 0, 15, 9, 0, 0)) {}

  now(): number {
    return this.current;
  }

  set(epochMs: number): void {
    this.current = epochMs;
  }

  advance(ms: number): void {
    this.current += ms;
  }

  iso(): string {
    return new Date(this.current).toISOString();
  }
}

/** Either a FakeClock or a bare function the caller injects. */
export type Clock = { now(): number };

/** A stable number for a user (Drive permissionId, OpenID sub). */
export function userNumber(email: string): string {
  let n = 7n;
  for (const byte of Buffer.from(email)) n = (n * 31n + BigInt(byte)) % 10n ** 20n;
  return `1${n.toString().padStart(20, '0')}`;
}
