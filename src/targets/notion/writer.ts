// Writes to Notion that must never happen twice: creates looked up before a retry, page bodies appended once.
import type { BlockObjectRequest, CreatePageParameters } from '@notionhq/client';
import { classify, type NotionApi } from './api.js';
import { appendBatches, type LinkResolver, markdownToBlocks, type NotionBlock } from './blocks.js';

/** Attempts at a create or append whose outcome was unknown, each preceded by a lookup. */
const MAX_CREATE_ATTEMPTS = 4;

/** Lookups spread over the settle window after a create that may land later. */
const SETTLE_LOOKUPS = 4;

function isUnknownOutcome(error: unknown): boolean {
  const failure = classify(error);
  return failure !== null && !failure.unreachable && (failure.status === undefined || failure.status >= 500);
}

/** No answer at all (a timeout, a dropped connection): the request may still be held and land later. */
function mayLandLater(error: unknown): boolean {
  return classify(error)?.status === undefined;
}

/** The one writer of the Notion target (install now; sync and the workflows next): counts its writes. */
export class NotionWriter {
  writes = 0;

  constructor(private readonly api: NotionApi) {}

  /** One mutating call; `idempotent` only for writes that set values (updates), never for creates or appends. */
  write<T>(run: (client: NotionApi['client']) => Promise<T>, idempotent = false): Promise<T> {
    this.writes += 1;
    return this.api.call(idempotent, run);
  }

  /**
   * Appends a page body from the first batch the page does not hold yet (a resumed install finishes it).
   * An append that failed may still have been applied, so after a failure the children are counted again
   * before the next batch is sent.
   */
  async appendBody(
    pageId: string,
    blocks: BlockObjectRequest[][],
    alreadyTopLevel: number,
    /** Top-level blocks the page holds before these batches (a body's first part, written earlier). */
    writtenBefore = 0,
  ): Promise<void> {
    let have = alreadyTopLevel;
    for (let attempt = 0; ; attempt++) {
      let seen = 0;
      try {
        for (const batch of blocks) {
          if (seen + batch.length <= have) {
            seen += batch.length;
            continue;
          }
          await this.write((c) => c.blocks.children.append({ block_id: pageId, children: batch }));
          seen += batch.length;
          have = seen;
        }
        return;
      } catch (error) {
        if (attempt >= MAX_CREATE_ATTEMPTS - 1 || !isUnknownOutcome(error)) throw error;
        // An append that got no answer may still be applied: let it land before counting what is there.
        if (mayLandLater(error)) await this.api.clock.sleep(this.api.settleMs);
        have = (await this.countChildren(pageId)) - writtenBefore;
      }
    }
  }

  async countChildren(pageId: string): Promise<number> {
    let n = 0;
    for await (const _ of this.api.children(pageId)) n += 1;
    return n;
  }

  /**
   * A create whose outcome is unknown (a 5xx or a dropped connection) may have been applied: look the
   * object up by its key before trying again, so a retry never duplicates it.
   */
  async createOnce(
    create: () => Promise<string>,
    find: () => Promise<string | undefined>,
    onUnknown?: () => void,
  ): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await create();
      } catch (error) {
        if (attempt >= MAX_CREATE_ATTEMPTS - 1 || !isUnknownOutcome(error)) throw error;
        onUnknown?.();
        const found = await this.lookUpAfter(error, find);
        if (found) return found;
      }
    }
  }

  /**
   * Looks a create up after an unknown outcome. A request that got no answer may be held upstream and
   * applied after the lookup, so then the lookup is repeated over the settle window before a second create.
   */
  async lookUpAfter(error: unknown, find: () => Promise<string | undefined>): Promise<string | undefined> {
    const found = await find();
    if (found || !mayLandLater(error)) return found;
    for (let i = 0; i < SETTLE_LOOKUPS; i++) {
      await this.api.clock.sleep(this.api.settleMs / SETTLE_LOOKUPS);
      const late = await find();
      if (late) return late;
    }
    return undefined;
  }

  async createPage(
    params: CreatePageParameters,
    markdown: string,
    resolve: LinkResolver,
    find: () => Promise<string | undefined>,
  ): Promise<string> {
    return (await this.createPageWith(params, markdown ? markdownToBlocks(markdown, resolve) : [], find)).id;
  }

  /**
   * Creates a page holding these blocks (the first 100 in the create, the rest appended), never twice.
   * `lastEditedTime` is the create's answer when nothing was written to the page after it (no lookup,
   * no append): the page's edit time as this write left it.
   */
  async createPageWith(
    params: CreatePageParameters,
    blocks: readonly NotionBlock[],
    find: () => Promise<string | undefined>,
  ): Promise<{ id: string; lastEditedTime?: string }> {
    const batches = appendBatches(blocks);
    let created = true;
    let lastEditedTime: string | undefined;
    const pageId = await this.createOnce(
      async () => {
        const page = await this.write((c) =>
          c.pages.create({ ...params, ...(batches[0] ? { children: batches[0] } : {}) }),
        );
        lastEditedTime = 'last_edited_time' in page ? page.last_edited_time : undefined;
        return page.id;
      },
      async () => {
        const id = await find();
        if (id) created = false;
        return id;
      },
    );
    await this.appendBody(
      pageId,
      batches,
      created ? (batches[0]?.length ?? 0) : await this.countChildren(pageId),
    );
    return created && batches.length <= 1 && lastEditedTime ? { id: pageId, lastEditedTime } : { id: pageId };
  }
}
