// Page links in the Notion install: every compiled link becomes a mention of the right page or database, pages
// that link pages made after them are finished at the end, a re-run writes nothing, and a person's edit is left alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import type { DesiredWorkspace } from '../../src/blueprint/desired.js';
import { linkedKeys } from '../../src/blueprint/links.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { Throttle } from '../../src/platform/throttle.js';
import { readRegistry } from '../../src/sync/notion-side.js';
import { NotionApi } from '../../src/targets/notion/api.js';
import {
  breakingSet,
  forwardLinks,
  linkOrder,
  linkPageBody,
  orderedRows,
  rowsWrittenTwice,
  splitAtForwardLinks,
} from '../../src/targets/notion/body-links.js';
import { applyNotionInstall, planNotionInstall } from '../../src/targets/notion/install.js';
import { NotionWriter } from '../../src/targets/notion/writer.js';
import { createFakeNotion } from '../fakes/notion/index.js';

const fake = createFakeNotion();
beforeAll(() => fake.listen());
afterAll(() => fake.close());

const api = () =>
  new NotionApi({
    token: fake.token,
    baseUrl: fake.baseUrl,
    throttle: new Throttle(10_000, 10_000),
    policy: { maxRateLimitRetries: 8, maxServerRetries: 4, baseDelayMs: 1 },
    settleMs: 1,
  });

async function install(root: string, ws: DesiredWorkspace) {
  const client = api();
  const planned = await planNotionInstall(client, ws, root, false);
  return applyNotionInstall(client, ws, planned);
}

type Block = ReturnType<typeof fake.childrenOf>[number];

/** Every rich-text item of a page's blocks, children and table rows included. */
function richTextItems(parentId: string): { type: string; mention?: unknown; plain_text: string }[] {
  const out: { type: string; mention?: unknown; plain_text: string }[] = [];
  for (const block of fake.childrenOf(parentId) as (Block & Record<string, unknown>)[]) {
    const body = block[block.type] as { rich_text?: typeof out; cells?: (typeof out)[] } | undefined;
    out.push(...(body?.rich_text ?? []), ...(body?.cells ?? []).flat());
    if (block.has_children) out.push(...richTextItems(block.id));
  }
  return out;
}

const mentionTarget = (item: { mention?: unknown }) => {
  const m = item.mention as { page?: { id: string }; database?: { id: string } } | undefined;
  return (m?.page?.id ?? m?.database?.id ?? '').replace(/-/g, '');
};

describe('page links in the Notion install', () => {
  const ws = compile(loadBlueprint(), parseConfig({}, 'test', '2027-01-04'));
  const linkedRows = ws.databases.flatMap((db) => db.rows).filter((r) => linkedKeys(r.markdown).length);

  it('has pages that link forward and back, so both paths are exercised', () => {
    // The roadmap links to worksheets; worksheets link to databases and to each other.
    expect(linkedRows.length).toBeGreaterThan(10);
    expect(linkedRows.some((r) => linkedKeys(r.markdown).some((k) => k.startsWith('db.')))).toBe(true);
  });

  it('writes a page in two steps only when it closes a cycle of links, and as few pages as any order allows', () => {
    const rows = orderedRows(ws);
    const order = linkOrder(rows);
    expect(linkOrder([...rows].reverse().reverse())).toEqual(order); // the same in every run
    const refs = new Map(rows.map((r) => [r.key, [...linkedKeys(r.markdown), ...(r.relates ?? [])]]));
    const reaches = (from: string, to: string, seen = new Set<string>()): boolean => {
      if (from === to) return true;
      if (seen.has(from)) return false;
      seen.add(from);
      return (refs.get(from) ?? []).some((next) => reaches(next, to, seen));
    };
    for (const row of rows)
      for (const target of refs.get(row.key)!)
        if ((order.get(target) ?? -1) > order.get(row.key)!)
          // A forward reference's target refers back to the row, directly or through others: no order avoids it.
          expect(reaches(target, row.key), `${row.key} → ${target}`).toBe(true);
    const twice = rowsWrittenTwice(rows, order);
    // Six pairs of pages that link each other (one each), a page linked by the six term-sheet notes that it
    // links back (one), and the eight playbook pages that link each other around (three at least: the ICP,
    // ecosystem map and partnering plan link each other in a triangle of two-way links, and the discovery page
    // is in two-way links with three other pages).
    expect(twice.split).toHaveLength(6 + 1 + 3);
    // "Can run in parallel with" names both sides: a group of k steps that all run in parallel costs k − 1.
    expect(twice.related).toHaveLength(1 + 4 + 3);
  });

  it('breaks each cycle at the fewest rows: two-way pairs, a star, a clique, a chain', () => {
    const edgesOf = (pairs: [number, number][], n: number, twoWay = true) => {
      const edges: number[][] = Array.from({ length: n }, () => []);
      for (const [a, b] of pairs) {
        edges[a]!.push(b);
        if (twoWay) edges[b]!.push(a);
      }
      return edges;
    };
    const all = (n: number) => Array.from({ length: n }, (_, i) => i);
    // A star (centre 0): removing the centre leaves no cycle.
    expect(
      breakingSet(
        all(5),
        edgesOf(
          [
            [0, 1],
            [0, 2],
            [0, 3],
            [0, 4],
          ],
          5,
        ),
      ),
    ).toEqual([0]);
    // Four steps that all run in parallel: three must wait.
    const k4 = edgesOf(
      [
        [0, 1],
        [0, 2],
        [0, 3],
        [1, 2],
        [1, 3],
        [2, 3],
      ],
      4,
    );
    expect(breakingSet(all(4), k4)).toHaveLength(3);
    // A chain of two-way links 0-1-2-3: two, no two of them neighbours.
    expect(
      breakingSet(
        all(4),
        edgesOf(
          [
            [0, 1],
            [1, 2],
            [2, 3],
          ],
          4,
        ),
      ),
    ).toHaveLength(2);
    // A one-way ring 0→1→2→3→0: any one row.
    expect(
      breakingSet(
        all(4),
        edgesOf(
          [
            [0, 1],
            [1, 2],
            [2, 3],
            [3, 0],
          ],
          4,
          false,
        ),
      ),
    ).toHaveLength(1);
  });

  it('creates a split page up to its first forward link and appends the rest with the links resolved', () => {
    const row = ws.databases
      .flatMap((db) => db.rows)
      .find((r) => rowsWrittenTwice(orderedRows(ws)).split.includes(r.key))!;
    const forward = forwardLinks(row.key, row.markdown, linkOrder(orderedRows(ws)));
    const { blocks, split } = splitAtForwardLinks(row.markdown, () => null, forward);
    expect(split).toBeLessThan(blocks.length);
    const text = (b: (typeof blocks)[number]) => JSON.stringify(b);
    // The first part holds no forward link's words as a link; the block at the split does.
    const linked = splitAtForwardLinks(
      row.markdown,
      (k) => (forward.includes(k) ? { kind: 'page', id: k } : null),
      [],
    );
    for (let i = 0; i < split; i++) expect(text(blocks[i]!)).toBe(text(linked.blocks[i]!));
    expect(text(blocks[split]!)).not.toBe(text(linked.blocks[split]!));
  });

  it('turns every link into a mention of its target, links late pages at the end, then writes nothing', async () => {
    const root = fake.seedRootPage('Links');
    const first = await install(root, ws);
    expect(first.writes).toBeGreaterThan(0);
    const client = api();
    const registry = (await readRegistry(client, root, ws.hub.title))!;
    const ids = (key: string) => registry.entries[key]!.id.replace(/-/g, '');
    for (const row of linkedRows) {
      const pageId = registry.entries[row.key]!.id;
      expect(registry.entries[row.key]!.linksPending, row.key).toBeUndefined();
      const mentions = richTextItems(pageId)
        .filter((i) => i.type === 'mention')
        .map(mentionTarget);
      // One mention per link, each naming the registry's object for that key: a page or a database.
      expect(mentions, row.key).toEqual(linkedKeys(row.markdown).map(ids));
      // A mention shows its target's title, never the raw link text or the `pn:` scheme.
      expect(
        richTextItems(pageId).some((i) => i.plain_text.includes('pn:')),
        row.key,
      ).toBe(false);
    }
    fake.clearLog();
    const second = await install(root, ws);
    expect(second.writes).toBe(0);
  });

  it('links a page written with plain-text links, leaves it on a second pass, and leaves an edited page alone', async () => {
    const root = fake.seedRootPage('Patch');
    await install(root, ws);
    const client = api();
    const registry = (await readRegistry(client, root, ws.hub.title))!;
    const row = linkedRows.find(
      (r) => r.key.startsWith('row.playbooks.') && linkedKeys(r.markdown).length >= 2,
    )!;
    const resolve = (key: string) => {
      const entry = registry.entries[key];
      if (!entry) return null;
      return { kind: key.startsWith('db.') ? ('database' as const) : ('page' as const), id: entry.id };
    };
    const writer = new NotionWriter(client);
    const playbooks = registry.entries['db.playbooks']!.dataSourceId!;
    // A copy of the page as a stopped run leaves it: every link still plain text.
    const pageId = await writer.createPage(
      {
        parent: { data_source_id: playbooks },
        properties: { Page: { title: [{ text: { content: 'Copy' } }] } },
      },
      row.markdown,
      () => null,
      async () => undefined,
    );
    expect(richTextItems(pageId).filter((i) => i.type === 'mention')).toHaveLength(0);
    const before = writer.writes;
    expect(await linkPageBody(client, writer, pageId, row.markdown, resolve)).toBe('linked');
    expect(writer.writes - before).toBeGreaterThan(0);
    expect(
      richTextItems(pageId)
        .filter((i) => i.type === 'mention')
        .map(mentionTarget),
    ).toEqual(linkedKeys(row.markdown).map((k) => registry.entries[k]!.id.replace(/-/g, '')));
    const after = writer.writes;
    expect(await linkPageBody(client, writer, pageId, row.markdown, resolve)).toBe('already-linked');
    expect(writer.writes).toBe(after);

    // A person's edit to a page not yet linked: nothing is overwritten.
    const edited = await writer.createPage(
      {
        parent: { data_source_id: playbooks },
        properties: { Page: { title: [{ text: { content: 'Edited' } }] } },
      },
      row.markdown,
      () => null,
      async () => undefined,
    );
    const withLink = richTextItems(edited).find((i) => i.type === 'text' && i.plain_text.length > 0)!;
    expect(withLink).toBeDefined();
    const target = fake
      .childrenOf(edited)
      .find((b) => JSON.stringify(b).includes(linkedTextOf(row.markdown)))!;
    await client.client.blocks.update({
      block_id: target.id,
      paragraph: { rich_text: [{ text: { content: 'Rewritten by a person' } }] },
    });
    const writes = writer.writes;
    expect(await linkPageBody(client, writer, edited, row.markdown, resolve)).toBe('edited');
    expect(writer.writes).toBe(writes);
    expect(JSON.stringify(fake.childrenOf(edited))).toContain('Rewritten by a person');
  });
});

/** The text of the first link in a body whose block is a paragraph (what the edit test rewrites). */
function linkedTextOf(markdown: string): string {
  for (const line of markdown.split('\n')) {
    if (/^\s*([-*|>#]|\d+\.)/.test(line)) continue;
    const m = /\[([^\]]+)\]\(pn:/.exec(line);
    if (m) return m[1]!.replace(/\*\*/g, '');
  }
  throw new Error('no paragraph with a link');
}
