// The Notion side of an import: the registry, one paged read of Partners (and the Ecosystem Map), one create per new partner.

import type { CreatePageParameters, PageObjectResponse } from '@notionhq/client';
import pLimit from 'p-limit';
import type { DesiredDatabase } from '../../blueprint/desired.js';
import { PnError } from '../../platform/errors.js';
import {
  dataSourceIdOf,
  type NotionColumn,
  type NotionTable,
  type NotionTableMap,
  openNotionTable,
  queryAll,
  type ReadStats,
} from '../../sync/notion-side.js';
import { findInstalled } from '../../sync/notion-source.js';
import { mapNotionError, type NotionApi } from '../../targets/notion/api.js';
import { MAX_TEXT_CHARS } from '../../targets/notion/blocks.js';
import type { PropertyValueRequest } from '../../targets/notion/properties.js';
import type { Registry } from '../../targets/notion/registry.js';
import { NotionWriter } from '../../targets/notion/writer.js';
import { type KnownPartner, knownPartner } from './dedupe.js';
import type { EcosystemEntry } from './ipp.js';
import type { NewPartner } from './plan.js';
import {
  ECOSYSTEM_DB,
  ECOSYSTEM_KEYS,
  type ImportSchema,
  PARTNER_KEYS,
  PARTNERS_DB,
  type PartnerKey,
} from './schema.js';

/**
 * The install registry: under `rootId` (the page installed under), else under the hub the workbook's Start tab
 * links to (`hubFromWorkbook`, when there is a Google login).
 */
export async function findRegistry(
  api: NotionApi,
  hub: { key: string; title: string },
  rootId: string | null,
  hubFromWorkbook: (() => Promise<string | null>) | null,
): Promise<Registry> {
  const hubId = !rootId && hubFromWorkbook ? await hubFromWorkbook() : null;
  const { registry } = await findInstalled(api, hub, {
    rootId,
    hubId,
    hint: 'pass --root <the page you installed under>, or import into the local workspace with --target local',
  });
  return registry;
}

function tableMap(db: DesiredDatabase, keys: readonly string[]): NotionTableMap {
  return {
    key: db.key,
    database: db.key,
    title: db.title,
    fields: keys.map((key) => ({
      key,
      owner: 'notion',
      property: db.properties.find((p) => p.key === key)!,
    })),
  };
}

export interface NotionImportTables {
  partners: NotionTable;
  /** Null when the install has no Ecosystem Map (the profile is then empty). */
  ecosystem: NotionTable | null;
}

/** Opens Partners (and the Ecosystem Map): one schema read each; a missing or retyped property stops here. */
export async function openImportTables(
  api: NotionApi,
  schema: ImportSchema,
  registry: Registry,
): Promise<NotionImportTables> {
  const partners = await openNotionTable(
    api,
    tableMap(schema.partners, PARTNER_KEYS),
    dataSourceIdOf(registry, PARTNERS_DB),
    registry,
  ).catch((error: unknown) => {
    // An install from before Notes and IPP match, or a property renamed or retyped by hand.
    if (!(error instanceof PnError) || error.code !== 'INPUT_INVALID') throw error;
    throw new PnError(
      'INPUT_INVALID',
      error.message.replace('synced properties changed', 'properties the import writes'),
      {
        hint: 'run `partnernomics install --target notion --root <page>` to add or restore them, then import again',
        cause: error,
      },
    );
  });
  const ecoId = registry.entries[ECOSYSTEM_DB]?.dataSourceId;
  const ecosystem =
    schema.ecosystem && ecoId
      ? await openNotionTable(api, tableMap(schema.ecosystem, ECOSYSTEM_KEYS), ecoId, registry)
      : null;
  return { partners, ecosystem };
}

const column = (table: NotionTable, key: string): NotionColumn =>
  table.columns.find((c) => c.field.key === key)!;

function textOf(page: PageObjectResponse, col: NotionColumn): string {
  const v = page.properties[col.name];
  if (!v) return '';
  if (v.type === 'title') return v.title.map((t) => t.plain_text).join('');
  if (v.type === 'rich_text') return v.rich_text.map((t) => t.plain_text).join('');
  if (v.type === 'url') return v.url ?? '';
  if (v.type === 'select') return v.select?.name ?? '';
  return '';
}

/** Every partner's name and website: ⌈partners/100⌉ queries, asking for those two properties only. */
export async function readExistingPartners(
  api: NotionApi,
  table: NotionTable,
  stats?: ReadStats,
): Promise<KnownPartner[]> {
  const name = column(table, 'name');
  const website = column(table, 'website');
  const out: KnownPartner[] = [];
  try {
    for await (const page of queryAll(api, {
      dataSourceId: table.dataSourceId,
      propertyIds: [name.id, website.id],
      ...(stats ? { stats } : {}),
    }))
      out.push(knownPartner(textOf(page, name), textOf(page, website), page.id));
  } catch (error) {
    throw mapNotionError(error, 'reading the Partners database', table.dataSourceId);
  }
  return out;
}

/** The Ecosystem Map's company types, whether each is in the Ideal Partner Profile, and its likely type. */
export async function readEcosystem(
  api: NotionApi,
  table: NotionTable,
  stats?: ReadStats,
): Promise<EcosystemEntry[]> {
  const name = column(table, 'name');
  const inIpp = column(table, 'in_ipp');
  const likely = column(table, 'likely_type');
  const out: EcosystemEntry[] = [];
  try {
    for await (const page of queryAll(api, {
      dataSourceId: table.dataSourceId,
      propertyIds: [name.id, inIpp.id, likely.id],
      ...(stats ? { stats } : {}),
    })) {
      const tick = page.properties[inIpp.name];
      out.push({
        name: textOf(page, name),
        inIpp: tick?.type === 'checkbox' && tick.checkbox,
        likelyType: textOf(page, likely) || null,
      });
    }
  } catch (error) {
    throw mapNotionError(error, 'reading the Ecosystem Map', table.dataSourceId);
  }
  return out;
}

/**
 * Text as rich-text items of at most 2,000 characters each, never splitting a surrogate pair (an emoji stays
 * whole); the items joined give back the text exactly.
 */
export function textItems(text: string): { type: 'text'; text: { content: string } }[] {
  const items: { type: 'text'; text: { content: string } }[] = [];
  for (let i = 0; i < text.length; ) {
    let end = Math.min(i + MAX_TEXT_CHARS, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    items.push({ type: 'text', text: { content: text.slice(i, end) } });
    i = end;
  }
  return items;
}

/** The page that makes one candidate a partner: every value literal text, Stage at its first option. */
export function partnerPage(c: NewPartner, table: NotionTable, schema: ImportSchema): CreatePageParameters {
  const id = (key: PartnerKey) => column(table, key).id;
  const properties: Record<string, PropertyValueRequest> = {
    [id('name')]: { title: textItems(c.name) },
    [id('stage')]: { select: { name: schema.firstStage } },
    [id('ipp_match')]: { checkbox: c.ipp.match },
  };
  if (c.website) properties[id('website')] = { url: c.website };
  if (c.type) properties[id('type')] = { select: { name: c.type } };
  if (c.channel) properties[id('channel')] = { select: { name: c.channel } };
  if (c.contact) properties[id('contact')] = { rich_text: textItems(c.contact) };
  if (c.email) properties[id('contact_email')] = { email: c.email };
  if (c.notes) properties[id('notes')] = { rich_text: textItems(c.notes) };
  return { parent: { type: 'data_source_id', data_source_id: table.dataSourceId }, properties };
}

/**
 * A page created for this candidate by an earlier attempt whose outcome was unknown: one query for pages
 * with its exact title, then the same registrable domain (or, without a website, any such page).
 */
async function findCreated(api: NotionApi, table: NotionTable, c: NewPartner): Promise<string | undefined> {
  const name = column(table, 'name');
  const website = column(table, 'website');
  const found = await api.call(true, (client) =>
    client.dataSources.query({
      data_source_id: table.dataSourceId,
      filter_properties: [name.id, website.id],
      filter: { property: name.id, title: { equals: c.name } },
      page_size: 100,
    }),
  );
  for (const page of found.results) {
    if (!('properties' in page) || page.object !== 'page') continue;
    if (knownPartner(textOf(page, name), textOf(page, website)).domain === c.domain) return page.id;
  }
  return undefined;
}

export interface CreateResult {
  created: { line: number; name: string; pageId: string }[];
  writes: number;
}

/**
 * One `pages.create` per new partner, a few at a time (the API wrapper keeps to Notion's rate). A create whose
 * outcome is unknown is looked up before it is sent again, so a retry never makes a second page; a failure
 * stops the run after the creates under way, and running the import again skips what was created.
 */
export async function createPartners(
  api: NotionApi,
  table: NotionTable,
  schema: ImportSchema,
  items: readonly NewPartner[],
  options: { concurrency?: number; onCreated?: (done: number) => void } = {},
): Promise<CreateResult> {
  const writer = new NotionWriter(api);
  const limit = pLimit(options.concurrency ?? 3);
  const created: CreateResult['created'] = [];
  let failure: unknown;
  await Promise.all(
    items.map((c) =>
      limit(async () => {
        if (failure !== undefined) return;
        try {
          const pageId = await writer.createOnce(
            async () =>
              (await writer.write((client) => client.pages.create(partnerPage(c, table, schema)))).id,
            () => findCreated(api, table, c),
          );
          created.push({ line: c.line, name: c.name, pageId });
          options.onCreated?.(created.length);
        } catch (error) {
          failure ??= error;
        }
      }),
    ),
  );
  if (failure !== undefined) {
    const cause = mapNotionError(failure, 'creating a partner page', table.dataSourceId);
    throw new PnError(
      cause.code,
      `${cause.message} (${created.length} of ${items.length} new partner(s) were created before it stopped)`,
      {
        hint: 'run the same import again: the partners already created are skipped as duplicates',
        cause: failure,
      },
    );
  }
  created.sort((a, b) => a.line - b.line);
  return { created, writes: writer.writes };
}
