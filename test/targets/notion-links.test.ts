// Page links in the Notion install: every compiled link becomes a mention of the right page or database, pages
// written before their targets are linked at the end, a re-run writes nothing, and a person's edit is left alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import type { DesiredWorkspace } from '../../src/blueprint/desired.js';
import { linkedKeys } from '../../src/blueprint/links.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { Throttle } from '../../src/platform/throttle.js';
import { readRegistry } from '../../src/sync/notion-side.js';
import { NotionApi } from '../../src/targets/notion/api.js';
import { forwardLinks, linkOrder, linkPageBody } from '../../src/targets/notion/body-links.js';
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

  it('writes a link as plain text first only when it closes a cycle of links', () => {
    const rows = ws.databases.flatMap((db) => db.rows);
    const order = linkOrder(rows);
    expect(linkOrder([...rows].reverse().reverse())).toEqual(order); // the same in every run
    const links = new Map(rows.map((r) => [r.key, linkedKeys(r.markdown)]));
    const reaches = (from: string, to: string, seen = new Set<string>()): boolean => {
      if (from === to) return true;
      if (seen.has(from)) return false;
      seen.add(from);
      return (links.get(from) ?? []).some((next) => reaches(next, to, seen));
    };
    let forward = 0;
    for (const row of rows)
      for (const target of forwardLinks(row.key, row.markdown, order)) {
        forward += 1;
        // A forward link's target links back to the page, directly or through others: no order avoids it.
        expect(reaches(target, row.key), `${row.key} → ${target}`).toBe(true);
      }
    expect(forward).toBeLessThan(rows.reduce((n, r) => n + linkedKeys(r.markdown).length, 0) / 4);
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
