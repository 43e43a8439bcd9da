// Reads what installed text says about the sync and checks it against the compiled sync map (shared by content tests).
import type { DesiredWorkspace } from '../../src/blueprint/desired.js';

/** A generated line, parsed back: which database meets which tab, and the field names each way. */
export interface SyncClaim {
  text: string;
  database: string;
  tab: string;
  /** Names that flow from Notion to the workbook, groups expanded, with the note each carried (as names, by title). */
  toWorkbook: { name: string; note: string | null }[];
  toNotion: { name: string; note: string | null }[];
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Splits "A, B (x, y) and C" at the top level: commas and " and " inside parentheses stay put. */
function splitList(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (depth === 0 && text.startsWith(', ', i)) {
      out.push(current);
      current = '';
      i += 1;
    } else if (depth === 0 && text.startsWith(' and ', i)) {
      out.push(current);
      current = '';
      i += 4;
    } else current += ch;
  }
  out.push(current);
  return out.map((s) => s.trim()).filter(Boolean);
}

function parseItems(list: string | undefined): SyncClaim['toWorkbook'] {
  if (!list || list === 'nothing') return [];
  return splitList(list).flatMap((item) => {
    const group = /^the (\d+) criterion ratings \((.+)\)$/.exec(item);
    if (group) {
      const names = group[2]!.split(', ');
      if (names.length !== Number(group[1]))
        throw new Error(`"${item}" counts ${group[1]} but lists ${names.length}`);
      return names.map((name) => ({ name, note: 'criterion' }));
    }
    const noted = /^(.+) \((as names|by title)\)$/.exec(item);
    return [noted ? { name: noted[1]!, note: noted[2]! } : { name: item, note: null }];
  });
}

/** Every generated line in `text` (database titles and tab names as the workspace has them). */
export function claimsIn(text: string, ws: DesiredWorkspace): SyncClaim[] {
  const titles = ws.databases.map((d) => escapeRe(d.title)).join('|');
  const tabs = ws.workbook.tabs.map((t) => escapeRe(t.name)).join('|');
  const pattern = new RegExp(
    `(${titles}) → (${tabs}): (.+?) (?:flows?) from Notion to the workbook; (?:nothing is written back to Notion|(.+?) (?:is|are) computed in the workbook and written back to Notion)\\.`,
    'g',
  );
  return [...text.matchAll(pattern)].map((m) => ({
    text: m[0],
    database: m[1]!,
    tab: m[2]!,
    toWorkbook: parseItems(m[3]),
    toNotion: parseItems(m[4]),
  }));
}

/** What a claim should say for a table, from the compiled map and the property names and types. */
function expectedOf(ws: DesiredWorkspace, database: string, tab: string) {
  const db = ws.databases.find((d) => d.title === database);
  const sheet = ws.workbook.tabs.find((t) => t.name === tab);
  const mapping = ws.sync.find((m) => m.notion === db?.key && m.sheet === sheet?.key);
  if (!db || !mapping) return null;
  const side = (owner: 'notion' | 'sheets') =>
    mapping.fields
      .filter((f) => f.owner === owner)
      .map((f) => {
        const prop = db.properties.find((p) => p.key === f.notion)!;
        const column = sheet!.table?.columns.find((c) => c.key === f.sheet);
        const note =
          column?.kind === 'rating'
            ? 'criterion'
            : prop.type === 'people'
              ? 'as names'
              : prop.type === 'relation'
                ? 'by title'
                : null;
        return { name: prop.name, note };
      });
  return { toWorkbook: side('notion'), toNotion: side('sheets') };
}

/** Problems with one claim: a table pair the map does not have, or fields listed the wrong way or left out. */
export function checkClaim(claim: SyncClaim, ws: DesiredWorkspace): string[] {
  const want = expectedOf(ws, claim.database, claim.tab);
  if (!want) return [`"${claim.database} → ${claim.tab}" is not a table the sync map pairs`];
  const problems: string[] = [];
  const say = (got: SyncClaim['toWorkbook'], expected: SyncClaim['toWorkbook'], way: string) => {
    if (JSON.stringify(got) !== JSON.stringify(expected))
      problems.push(
        `${claim.database} → ${claim.tab}: says ${JSON.stringify(got.map((f) => f.name))} ${way}, the map ${JSON.stringify(expected.map((f) => f.name))}${
          JSON.stringify(got.map((f) => f.name)) === JSON.stringify(expected.map((f) => f.name))
            ? ' (notes differ)'
            : ''
        }`,
      );
  };
  say(claim.toWorkbook, want.toWorkbook, 'flow to the workbook');
  say(claim.toNotion, want.toNotion, 'are written back');
  return problems;
}

/** Words that promise the sync does something (meetings called a "pipeline sync" are caught too, and harmless). */
const PROMISE =
  /\bsync(s|ed|ing)?\b|\bsynchroni[sz]|\bwritten back\b|\bwrites? (them |it )?back\b|\bbrings? (them |it )?back\b|\bcomes? back\b|\bflows? (from|to|into)\b/i;
const UP = /\bback\b|\bonto (the|each) [^.;]*\b(row|page)\b|\binto Notion\b/i;
const DOWN = /\b(to|into|onto) the (\*\*)?[A-Z][\w ]*?(\*\*)? tab\b|\bto the workbook\b|\bfrom Notion\b/i;
/** Copying by hand: copy, paste or retype; TYPED_IN adds "type" as a verb (type it in, typed into, types … on). */
const COPY = /\b(copy|copies|copied|paste|pastes|pasted|retype|retypes|retyped)\b/i;
const TYPED_IN = /\b(type|types|typed) (\S+ ){0,4}(in|into|on|onto)\b/i;
/** Sentences about a copy nothing syncs (the local export, a workbook not linked to Notion). */
const UNLINKED = /imported from|not linked|local export|local install/i;
/** Property names that are ordinary words in prose (titles, dates): they prove nothing either way. */
const ORDINARY = new Set([
  'Partner',
  'PBR',
  'Example',
  'Entry',
  'Step',
  'Page',
  'Item',
  'Plan',
  'Activity',
  'Customer',
  'Prospect',
  'Date',
  'Start',
  'Due',
  'Month',
  'Kind',
  'Term sheet',
  'To-do',
  'Company type',
]);

const mentions = (text: string, name: string, flags = '') =>
  new RegExp(`(?<![\\w-])${escapeRe(name)}(?![\\w-])`, flags).test(text);

/**
 * Problems in hand-written prose: each clause (sentences split at ; and line ends) that promises the sync may
 * name only fields the map syncs, and, when it says which way they go, only fields owned that way; no clause
 * may tell people to copy, type or paste into a synced tab, or to copy a value the workbook computes by hand.
 */
export function checkProse(where: string, text: string, ws: DesiredWorkspace): string[] {
  let rest = text;
  for (const claim of claimsIn(text, ws)) rest = rest.replace(claim.text, ' ');
  const problems: string[] = [];
  if (/→[^.\n]*from Notion to the workbook/.test(rest))
    problems.push(`${where}: a line about the sync that does not read as a generated one`);
  const owned = { notion: new Set<string>(), sheets: new Set<string>() };
  for (const m of ws.sync) {
    const db = ws.databases.find((d) => d.key === m.notion)!;
    for (const f of m.fields) owned[f.owner].add(db.properties.find((p) => p.key === f.notion)!.name);
  }
  const vocabulary = new Set(ws.databases.flatMap((d) => d.properties.map((p) => p.name)));
  const syncedTabs = ws.sync.map((m) => ws.workbook.tabs.find((t) => t.key === m.sheet)!.name);
  const clauses = rest.split(/(?<=[.!?])\s+|;|\n/);
  for (const clause of clauses) {
    const named = [...vocabulary].filter((n) => !ORDINARY.has(n) && mentions(clause, n));
    if (PROMISE.test(clause)) {
      const up = UP.test(clause);
      const down = DOWN.test(clause);
      for (const name of named) {
        if (!owned.notion.has(name) && !owned.sheets.has(name))
          problems.push(`${where}: "${clause.trim()}" promises sync of ${name}, which the map does not sync`);
        else if (up && !down && !owned.sheets.has(name))
          problems.push(`${where}: "${clause.trim()}" says ${name} comes back to Notion, but Notion owns it`);
        else if (down && !up && !owned.notion.has(name))
          problems.push(
            `${where}: "${clause.trim()}" says ${name} goes to the workbook, but the workbook owns it`,
          );
      }
    }
    const copies = COPY.test(clause);
    if ((copies || TYPED_IN.test(clause)) && !UNLINKED.test(clause)) {
      const tab = syncedTabs.find((t) => new RegExp(`(\\*\\*)?${escapeRe(t)}(\\*\\*)? tab\\b`).test(clause));
      const computed = copies ? [...owned.sheets].find((n) => mentions(clause, n, 'i')) : undefined;
      if (tab)
        problems.push(
          `${where}: "${clause.trim()}" has people copy or type into the ${tab} tab, which the sync fills`,
        );
      else if (computed)
        problems.push(
          `${where}: "${clause.trim()}" has people copy ${computed} by hand, which the sync writes back`,
        );
    }
  }
  return problems;
}
