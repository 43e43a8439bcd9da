// Normalized keys for matching candidates (pure): registrable domain (public-suffix aware), company name, option labels.
import { parse as parseHost } from 'tldts';
import { z } from 'zod';

export type WebsiteResult =
  | { ok: true; url: string; domain: string }
  /** A link to a profile on a shared host (LinkedIn, X…): not the company's own site, so no domain. */
  | { ok: true; url: null; domain: null; profile: string }
  | { ok: false; reason: string };

/**
 * Hosts where everybody has a page: their links name a person or a profile, not a company's own website, so
 * two rows with such links are not the same company (a LinkedIn export's URL column is the profile link).
 */
const SHARED_HOSTS = new Set([
  'linkedin.com',
  'facebook.com',
  'twitter.com',
  'x.com',
  'instagram.com',
  'youtube.com',
  'tiktok.com',
  'crunchbase.com',
]);

/**
 * A website cell as the URL to store and its dedupe key. The key is the registrable domain by the Public
 * Suffix List, its private section included: `HTTPS://WWW.Acme.co.uk/about` and `blog.acme.co.uk` are both
 * `acme.co.uk` (scheme, `www.` and any subdomain, case, port and path dropped), while `acme.github.io` and
 * `beta.github.io` are two sites, because github.io is a suffix under which each name is its own owner's.
 * A URL without a scheme gets `https://`; other schemes, IP addresses, user info and names under no known
 * suffix (`intranet`, `acme.local`) are not a company website.
 */
export function normalizeWebsite(raw: string): WebsiteResult {
  const text = raw.trim();
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  let url: URL;
  try {
    url = new URL(hasScheme ? text : `https://${text}`);
  } catch {
    return { ok: false, reason: `website "${text}" is not a web address` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { ok: false, reason: `website "${text}" is not an http(s) address` };
  if (url.username || url.password)
    return { ok: false, reason: `website "${text}" carries a user name or password` };
  if (/\s/.test(text)) return { ok: false, reason: `website "${text}" has a space in it` };
  const host = parseHost(url.hostname, { allowPrivateDomains: true });
  if (host.isIp) return { ok: false, reason: `website "${text}" is an IP address, not a domain` };
  if (!host.domain || !(host.isIcann || host.isPrivate))
    return { ok: false, reason: `website "${text}" is not under a public domain suffix` };
  if (SHARED_HOSTS.has(host.domain)) return { ok: true, url: null, domain: null, profile: host.domain };
  if (text.length > 2000) return { ok: false, reason: 'website is longer than 2,000 characters' };
  return { ok: true, url: hasScheme ? text : `https://${text}`, domain: host.domain };
}

const emailSchema = z.email();

export function isEmail(raw: string): boolean {
  return emailSchema.safeParse(raw.trim()).success;
}

/** Legal-form words dropped from the end of a company name (after punctuation is gone). */
const LEGAL_SUFFIXES = new Set([
  'inc',
  'incorporated',
  'llc',
  'llp',
  'lp',
  'ltd',
  'limited',
  'plc',
  'corp',
  'corporation',
  'co',
  'company',
  'gmbh',
  'ag',
  'kg',
  'ug',
  'sa',
  'sas',
  'sarl',
  'srl',
  'spa',
  'bv',
  'nv',
  'oy',
  'ab',
  'as',
  'aps',
  'pty',
  'pte',
  'kk',
  'sl',
]);

/**
 * A company name as a matching key: case, accents, punctuation and spacing ignored, and legal forms at the end
 * dropped (`Acme, Inc.`, `ACME GmbH` and `acme` are one key). A name that is nothing but such words keeps them.
 */
export function nameKey(raw: string): string {
  const words = raw
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  while (words.length > 1 && LEGAL_SUFFIXES.has(words[words.length - 1]!)) words.pop();
  // Punctuation only (a name like "+++"): the trimmed text itself, so it still matches only itself.
  return words.length ? words.join(' ') : raw.trim().toLowerCase();
}

/** An option label as a matching key: case, spaces and punctuation ignored ("co-sell" = "Co-Sell"). */
export const optionKey = (raw: string) =>
  raw
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');

/**
 * The canonical option a cell names, by label or by the method's key for it (`service-implementation`,
 * `competitor-partners`), ignoring case and punctuation; undefined when it names none of `options`.
 */
export function matchOption(
  raw: string,
  options: readonly string[],
  keyNames: Readonly<Record<string, string>> = {},
): string | undefined {
  const key = optionKey(raw);
  const byLabel = options.find((o) => optionKey(o) === key);
  if (byLabel) return byLabel;
  const named = Object.entries(keyNames).find(([k]) => optionKey(k) === key)?.[1];
  return named && options.includes(named) ? named : undefined;
}
