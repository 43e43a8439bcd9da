// The fewest Notion API calls a fresh install of a workspace can take, term by term: what the fresh Notion install's ratio is measured against.
import type { DesiredDatabase, DesiredWorkspace } from '../../src/blueprint/desired.js';
import { appendBatches, markdownToBlocks } from '../../src/targets/notion/blocks.js';
import { orderedRows, rowsWrittenTwice } from '../../src/targets/notion/body-links.js';
import { reusesDefaultView, viewNeedsIds } from '../../src/targets/notion/views.js';

export interface BoundTerm {
  calls: number;
  why: string;
}

/**
 * Each term is a call no install meeting the product's guarantees can avoid, given what the API answers:
 * - discovery: users/me (who the integration is), the root page, the root's children;
 * - one create per object (hub, registry page, database, view, row page), and one append per 100 blocks of
 *   a body past the first 100 (a page create carries its first 100 blocks);
 * - rows that refer to each other in a cycle: whichever is made first must be written again once the other
 *   exists, the fewest such rows any order allows (linkOrder searches each cycle group exhaustively);
 * - a relation of a data source to itself needs the data source's ID, known only after its create: one
 *   schema update per such data source;
 * - rollups: the reference does not say a rollup may name a relation made in the same request, so one
 *   schema update per data source with rollups;
 * - Notion makes every database with a table view, whose ID no create answer holds: one listing per
 *   database whose first table view takes that one over (else a stray default view stays);
 * - property IDs: boards, calendars and timelines name properties by ID, which no create answer holds,
 *   and rollups over a two-way relation another database declared name its synced side, whose name the
 *   reference does not promise: one schema read per such database, unless its own schema update (above)
 *   answers first; and each two-way relation's synced name is read back from one of its two sides;
 * - the install lock (issue 10's guarantee that two installs never both write): create, check, release;
 * - the registry: one save at the end, naming every object made.
 */
export function notionInstallTerms(ws: DesiredWorkspace): BoundTerm[] {
  const bodies = [ws.hub.markdown, ...ws.databases.flatMap((d) => d.rows.map((r) => r.markdown))].filter(
    Boolean,
  );
  const rows = ws.databases.reduce((n, d) => n + d.rows.length, 0);
  const views = ws.databases.reduce((n, d) => n + d.views.length, 0);
  const extraAppends = bodies.reduce(
    (n, md) => n + Math.max(0, appendBatches(markdownToBlocks(md)).length - 1),
    0,
  );
  const twice = rowsWrittenTwice(orderedRows(ws));
  const selfRelated = ws.databases.filter((d) =>
    d.properties.some((p) => p.type === 'relation' && p.target === d.key),
  );
  const withRollups = ws.databases.filter((d) => d.properties.some((p) => p.type === 'rollup'));
  const takeOvers = ws.databases.filter((d) => d.views.some((v) => reusesDefaultView(d.views, v)));
  const updated = new Set([...selfRelated, ...withRollups].map((d) => d.key));
  const ownRelation = (d: DesiredDatabase, name: string) =>
    d.properties.some((p) => p.type === 'relation' && p.name === name);
  const read = new Set(
    ws.databases
      .filter(
        (d) =>
          d.properties.some((p) => p.type === 'rollup' && !ownRelation(d, p.relation)) ||
          (d.views.some(viewNeedsIds) && !updated.has(d.key)),
      )
      .map((d) => d.key),
  );
  const known = new Set([...read, ...updated]);
  const pairs = ws.databases.flatMap((d) =>
    d.properties.flatMap((p) =>
      p.type === 'relation' && p.dual && p.target !== d.key && !known.has(d.key) && !known.has(p.target)
        ? [[d.key, p.target] as const]
        : [],
    ),
  );
  const syncedReads = coverSize(pairs);
  return [
    { calls: 3, why: 'discovery: users/me, the root page, its children' },
    {
      calls: 2 + ws.databases.length + views + rows,
      why: `one create per object: hub, registry, ${ws.databases.length} databases, ${views} views, ${rows} pages`,
    },
    { calls: extraAppends, why: "appends past a body's first 100 blocks" },
    {
      calls: twice.split.length + twice.related.length,
      why: `rows in cycles, written again once the rest exist (${twice.split.length} pages linking each other, ${twice.related.length} rows naming each other in a one-way relation)`,
    },
    { calls: selfRelated.length, why: 'relations of a data source to itself, added after its create' },
    { calls: withRollups.length, why: 'rollups, added after the relations they name' },
    { calls: takeOvers.length, why: 'listings of the table view Notion makes with a database, taken over' },
    {
      calls: read.size + syncedReads,
      why: 'schema reads: property IDs for boards, calendars and timelines; synced relation names',
    },
    { calls: 3, why: 'the install lock: create, check, release' },
    { calls: 1, why: 'the registry saved at the end' },
  ];
}

/** The fewest databases that touch every pair (exhaustive: the pairs left over are few or none). */
function coverSize(pairs: readonly (readonly [string, string])[]): number {
  const nodes = [...new Set(pairs.flat())];
  for (let size = 0; size <= nodes.length; size++) {
    const pick = (from: number, chosen: Set<string>): boolean => {
      if (chosen.size === size) return pairs.every(([a, b]) => chosen.has(a) || chosen.has(b));
      for (let i = from; i < nodes.length; i++) {
        chosen.add(nodes[i]!);
        if (pick(i + 1, chosen)) return true;
        chosen.delete(nodes[i]!);
      }
      return false;
    };
    if (pick(0, new Set())) return size;
  }
  return nodes.length;
}

export function notionInstallBound(ws: DesiredWorkspace): { calls: number; bound: string } {
  const terms = notionInstallTerms(ws).filter((t) => t.calls > 0);
  return {
    calls: terms.reduce((n, t) => n + t.calls, 0),
    bound: terms.map((t) => `${t.calls} ${t.why}`).join(' + '),
  };
}
