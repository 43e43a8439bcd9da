// Dedupe (pure): against existing partners and earlier rows, by registrable domain first, by company name only without a domain.
import { nameKey, normalizeWebsite } from './normalize.js';
import type { Candidate } from './validate.js';

/** A partner already in the workspace (or a row earlier in the file), as dedupe sees it. */
export interface KnownPartner {
  name: string;
  nameKey: string;
  domain: string | null;
  /** The Notion page ID, or the local file row; absent for rows of the file being imported. */
  ref?: string;
  /** The file line, for rows of the file being imported. */
  line?: number;
}

export interface Duplicate {
  line: number;
  name: string;
  /** How it matched: the same registrable domain, or the same company name where one side has no domain. */
  rule: 'domain' | 'name';
  key: string;
  /** An existing partner, or an earlier line of the same file. */
  of: { existing: true; name: string; ref?: string } | { existing: false; line: number; name: string };
}

/** An existing partner's page values (title and website) as dedupe keys; a website that is not one counts as none. */
export function knownPartner(name: string, website: string, ref?: string): KnownPartner {
  const site = website ? normalizeWebsite(website) : null;
  return { name, nameKey: nameKey(name), domain: site?.ok ? site.domain : null, ...(ref ? { ref } : {}) };
}

/**
 * Matching rules, each over the partners already known and the rows accepted before it:
 * - both have a domain: the same partner exactly when the registrable domains are equal (so two companies
 *   with one name and different domains stay apart);
 * - otherwise (either side has no domain): the same partner when the normalized names are equal.
 */
export class PartnerIndex {
  private readonly byDomain = new Map<string, KnownPartner>();
  /** By name key: any partner with that name, and the first one without a domain. */
  private readonly byName = new Map<string, { any: KnownPartner; noDomain?: KnownPartner }>();

  constructor(known: Iterable<KnownPartner> = []) {
    for (const k of known) this.add(k);
  }

  add(k: KnownPartner): void {
    if (k.domain && !this.byDomain.has(k.domain)) this.byDomain.set(k.domain, k);
    const entry = this.byName.get(k.nameKey);
    if (!entry) this.byName.set(k.nameKey, { any: k, ...(k.domain ? {} : { noDomain: k }) });
    else if (!k.domain && !entry.noDomain) entry.noDomain = k;
  }

  find(c: {
    domain: string | null;
    nameKey: string;
  }): { known: KnownPartner; rule: 'domain' | 'name' } | null {
    if (c.domain) {
      const same = this.byDomain.get(c.domain);
      if (same) return { known: same, rule: 'domain' };
      const named = this.byName.get(c.nameKey)?.noDomain;
      return named ? { known: named, rule: 'name' } : null;
    }
    const named = this.byName.get(c.nameKey)?.any;
    return named ? { known: named, rule: 'name' } : null;
  }
}

/** Splits valid candidates into new partners and duplicates; the first of several equal rows is the one kept. */
export function dedupe(
  candidates: readonly Candidate[],
  existing: readonly KnownPartner[],
): { fresh: Candidate[]; duplicates: Duplicate[] } {
  const index = new PartnerIndex(existing);
  const fresh: Candidate[] = [];
  const duplicates: Duplicate[] = [];
  for (const c of candidates) {
    const hit = index.find(c);
    if (hit) {
      const k = hit.known;
      duplicates.push({
        line: c.line,
        name: c.name,
        rule: hit.rule,
        key: hit.rule === 'domain' ? c.domain! : c.nameKey,
        of:
          k.line === undefined
            ? { existing: true, name: k.name, ...(k.ref ? { ref: k.ref } : {}) }
            : { existing: false, line: k.line, name: k.name },
      });
      continue;
    }
    fresh.push(c);
    index.add({ name: c.name, nameKey: c.nameKey, domain: c.domain, line: c.line });
  }
  return { fresh, duplicates };
}
