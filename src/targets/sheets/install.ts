// The Sheets target: find the workbook (Drive app property), create and fill it once, push the bound Apps Script.
import { createHash } from 'node:crypto';
import type { drive_v3 } from '@googleapis/drive';
import type { script_v1 } from '@googleapis/script';
import type { sheets_v4 } from '@googleapis/sheets';
import type { DesiredWorkspace } from '../../blueprint/desired.js';
import { programLocale, programTimeZone } from '../../config/schema.js';
import { PnError } from '../../platform/errors.js';
import type { GoogleApi } from './google-api.js';
import {
  batches,
  configReads,
  configRequests,
  createBody,
  type LiveSheet,
  METADATA_COLUMN,
  METADATA_TAB,
  METADATA_WORKBOOK,
  upgradeRequests,
  workbookRequests,
} from './requests.js';

export const APP_PROPERTY = { key: 'partnernomics', value: 'workbook' } as const;
export const METADATA_SCRIPT = 'partnernomics.script';

export interface SheetsInstallResult {
  spreadsheetId: string;
  url: string;
  action: 'created' | 'unchanged' | 'upgraded';
  /** Upgrades: tabs added, and new columns of existing tabs that were reported but not written. */
  addedTabs: string[];
  skippedColumns: string[];
  /** Upgrades: config-driven cells rewritten ('title', 'company name', 'default terms'), and those left alone. */
  updated: string[];
  notUpdated: string[];
  scriptId: string | null;
  scriptAction: 'created' | 'updated' | 'unchanged' | 'skipped';
  batchUpdates: number;
  writes: number;
}

export interface AppsScriptSource {
  code: string;
  manifest: string;
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

async function findWorkbook(api: GoogleApi, title: string): Promise<string | undefined> {
  const byProperty = await api.call('looking for the workbook in Drive', true, false, () =>
    api.drive.files.list({
      q: `appProperties has { key='${APP_PROPERTY.key}' and value='${APP_PROPERTY.value}' } and trashed = false`,
      fields: 'files(id,name)',
    }),
  );
  const found = byProperty.data.files?.[0]?.id;
  if (found) return found;
  // A create whose response was lost leaves a workbook without the app property: find it by its exact name.
  const byName = await api.call('looking for the workbook in Drive', true, false, () =>
    api.drive.files.list({
      q: `name = '${title.replace(/'/g, "\\'")}' and mimeType = 'application/vnd.google-apps.spreadsheet' and trashed = false`,
      fields: 'files(id,name)',
    }),
  );
  return byName.data.files?.[0]?.id ?? undefined;
}

/** One read of what the workbook is: its title, recorded metadata, tabs (by their metadata) and named ranges. */
interface WorkbookRead {
  title: string;
  meta: Map<string, string>;
  sheetOfTab: Map<string, LiveSheet>;
  maxSheetId: number;
  /** Every tab's sheet ID by its title (a workbook created but never filled has no tab metadata yet). */
  sheetIdByTitle: Map<string, number>;
  namedRanges: Map<string, sheets_v4.Schema$GridRange>;
}

function sheetIdsByTitle(sheets: sheets_v4.Schema$Sheet[] | undefined): Map<string, number> {
  return new Map(
    (sheets ?? []).flatMap((sh) =>
      sh.properties?.title != null && sh.properties.sheetId != null
        ? [[sh.properties.title, sh.properties.sheetId] as const]
        : [],
    ),
  );
}

/** A tab's sheet ID as Sheets reported it; a tab that is missing means the workbook was changed by hand. */
function sheetIdLookup(ids: Map<string, number>): (tabName: string) => number {
  return (tabName) => {
    const id = ids.get(tabName);
    if (id === undefined) {
      throw new PnError('API_ERROR', `the new workbook has no "${tabName}" tab`, {
        hint: 'move the half-made workbook to the trash in Google Drive and run install again',
      });
    }
    return id;
  };
}

async function readWorkbook(api: GoogleApi, spreadsheetId: string): Promise<WorkbookRead> {
  const book = await api.call('reading the workbook', true, false, () =>
    api.sheets.spreadsheets.get({
      spreadsheetId,
      fields:
        'properties(title),developerMetadata(metadataKey,metadataValue),namedRanges(name,range),' +
        'sheets(properties(sheetId,title,gridProperties(rowCount)),developerMetadata(metadataKey,metadataValue))',
    }),
  );
  const sheetOfTab = new Map<string, LiveSheet>();
  for (const sheet of book.data.sheets ?? []) {
    const key = sheet.developerMetadata?.find((m) => m.metadataKey === METADATA_TAB)?.metadataValue;
    if (key)
      sheetOfTab.set(key, {
        sheetId: sheet.properties?.sheetId ?? 0,
        title: sheet.properties?.title ?? '',
        rowCount: sheet.properties?.gridProperties?.rowCount ?? 0,
      });
  }
  return {
    title: book.data.properties?.title ?? '',
    meta: new Map(
      (book.data.developerMetadata ?? []).map((m) => [m.metadataKey ?? '', m.metadataValue ?? '']),
    ),
    sheetOfTab,
    maxSheetId: Math.max(0, ...(book.data.sheets ?? []).map((sh) => sh.properties?.sheetId ?? 0)),
    sheetIdByTitle: sheetIdsByTitle(book.data.sheets),
    namedRanges: new Map(
      (book.data.namedRanges ?? []).flatMap((n) => (n.name && n.range ? [[n.name, n.range] as const] : [])),
    ),
  };
}

/** The tabs and columns an installed workbook holds, by their developer metadata (columns: key → index). */
async function existingLayout(
  api: GoogleApi,
  id: string,
  read: WorkbookRead,
): Promise<{
  tabKeys: Set<string>;
  columnKeys: Map<string, Map<string, number>>;
  maxSheetId: number;
}> {
  // Column metadata sits on column ranges, which spreadsheets.get only shows with grid data: search for it.
  const request: sheets_v4.Schema$SearchDeveloperMetadataRequest = {
    dataFilters: [{ developerMetadataLookup: { metadataKey: METADATA_COLUMN } }],
  };
  const found = await api.call('reading the workbook metadata', true, false, () =>
    api.sheets.spreadsheets.developerMetadata.search({ spreadsheetId: id, requestBody: request }),
  );
  const tabOfSheet = new Map([...read.sheetOfTab].map(([key, sheet]) => [sheet.sheetId, key]));
  const columnKeys = new Map<string, Map<string, number>>();
  for (const { developerMetadata: m } of found.data.matchedDeveloperMetadata ?? []) {
    const range = m?.location?.dimensionRange;
    const tabKey = range?.sheetId == null ? undefined : tabOfSheet.get(range.sheetId);
    if (m?.metadataKey !== METADATA_COLUMN || !tabKey) continue;
    if (!columnKeys.has(tabKey)) columnKeys.set(tabKey, new Map());
    columnKeys.get(tabKey)!.set(m.metadataValue ?? '', range?.startIndex ?? 0);
  }
  return { tabKeys: new Set(read.sheetOfTab.keys()), columnKeys, maxSheetId: read.maxSheetId };
}

/**
 * Compares the config-driven cells (title, company cell, default terms) with the workbook, reading the two
 * cell ranges in one values.batchGet, and returns the requests that bring them in line.
 */
async function configSync(
  api: GoogleApi,
  id: string,
  ws: DesiredWorkspace,
  read: WorkbookRead,
  columnIndexes: Map<string, Map<string, number>>,
): Promise<ReturnType<typeof configRequests>> {
  const reads = configReads(ws.workbook, read.sheetOfTab, read.namedRanges);
  const ranges = [reads.company?.a1, reads.terms?.a1].filter((r): r is string => r !== undefined);
  const values = ranges.length
    ? await api.call('reading the workbook settings', true, false, () =>
        api.sheets.spreadsheets.values.batchGet({ spreadsheetId: id, ranges, valueRenderOption: 'FORMULA' }),
      )
    : undefined;
  const got = (a1: string | undefined) =>
    a1 === undefined ? undefined : (values?.data.valueRanges?.[ranges.indexOf(a1)]?.values ?? []);
  return configRequests(ws.workbook, workbookTitle(ws), {
    title: read.title,
    reads,
    company: got(reads.company?.a1),
    terms: got(reads.terms?.a1),
    sheetOfTab: read.sheetOfTab,
    columnIndexes,
  });
}

/** The spreadsheet's title: the blueprint's, with the company name from the config. */
export function workbookTitle(ws: DesiredWorkspace): string {
  return `${ws.workbook.title} (${ws.config.company.name})`;
}

/**
 * Installs the workbook. A workbook this app created is found again by its Drive app property, and left
 * alone when its recorded blueprint version matches; otherwise it is created and filled in as few
 * batchUpdate calls as the payload limit allows. An older one is upgraded: new tabs added, and the title,
 * company cell and default terms brought in line with the config, in the same batchUpdate. Then the bound
 * Apps Script is created or updated.
 */
export async function installWorkbook(
  api: GoogleApi,
  ws: DesiredWorkspace,
  source: AppsScriptSource | null,
): Promise<SheetsInstallResult> {
  const title = workbookTitle(ws);
  const startWrites = api.writes;
  let spreadsheetId = await findWorkbook(api, title);
  let action: SheetsInstallResult['action'] = 'unchanged';
  let batchUpdates = 0;
  let read = spreadsheetId ? await readWorkbook(api, spreadsheetId) : undefined;
  let meta = read?.meta ?? new Map<string, string>();
  let createdSheetIds = read?.sheetIdByTitle ?? new Map<string, number>();

  if (spreadsheetId && !meta.has(METADATA_WORKBOOK)) {
    // Created but never filled (an interrupted install): fill it now.
    action = 'created';
  } else if (spreadsheetId) {
    action = meta.get(METADATA_WORKBOOK) === ws.version ? 'unchanged' : 'upgraded';
  } else {
    const requestBody: sheets_v4.Schema$Spreadsheet = createBody(ws.workbook, title, {
      timeZone: programTimeZone(ws.config),
      locale: programLocale(ws.config),
    });
    const created = await api.call('creating the workbook', false, true, () =>
      api.sheets.spreadsheets.create({
        requestBody,
        fields: 'spreadsheetId,sheets.properties(sheetId,title)',
      }),
    );
    spreadsheetId = created.data.spreadsheetId ?? undefined;
    if (!spreadsheetId) throw new Error('Sheets created a workbook without an ID');
    createdSheetIds = sheetIdsByTitle(created.data.sheets);
    action = 'created';
  }
  const id = spreadsheetId;
  if (action === 'created') {
    const tag: drive_v3.Schema$File = { appProperties: { [APP_PROPERTY.key]: APP_PROPERTY.value } };
    await api.call('tagging the workbook in Drive', true, true, () =>
      api.drive.files.update({ fileId: id, requestBody: tag }),
    );
    const requests = workbookRequests(ws.workbook, ws.version, sheetIdLookup(createdSheetIds));
    // A workbook created by an earlier, interrupted install takes the title the config gives now.
    if (read && read.title !== title)
      requests.unshift({ updateSpreadsheetProperties: { properties: { title }, fields: 'title' } });
    batchUpdates += await batchUpdate(api, id, 'filling the workbook', requests);
    read = await readWorkbook(api, id);
    meta = read.meta;
  }

  let addedTabs: string[] = [];
  let skippedColumns: string[] = [];
  let updated: string[] = [];
  let notUpdated: string[] = [];
  if (action === 'upgraded' && read) {
    const layout = await existingLayout(api, id, read);
    const sync = await configSync(api, id, ws, read, layout.columnKeys);
    const upgrade = upgradeRequests(ws.workbook, ws.version, layout);
    batchUpdates += await batchUpdate(api, id, 'upgrading the workbook', [
      ...sync.requests,
      ...upgrade.requests,
    ]);
    addedTabs = upgrade.addedTabs;
    skippedColumns = upgrade.skippedColumns;
    updated = sync.updated;
    notUpdated = sync.skipped;
  }

  let scriptId: string | null = null;
  let scriptAction: SheetsInstallResult['scriptAction'] = 'skipped';
  if (source) {
    const recorded = meta.get(METADATA_SCRIPT)?.split(':') ?? [];
    const contentHash = hash(source.code + source.manifest);
    scriptId = recorded[0] || null;
    if (scriptId && recorded[1] === contentHash) {
      scriptAction = 'unchanged';
    } else {
      if (!scriptId) {
        const project: script_v1.Schema$CreateProjectRequest = { title: 'Partnernomics', parentId: id };
        const created = await api.call('creating the Apps Script project', false, true, () =>
          api.script.projects.create({ requestBody: project }),
        );
        scriptId = created.data.scriptId ?? null;
        scriptAction = 'created';
      } else {
        scriptAction = 'updated';
      }
      const sid = scriptId!;
      const content: script_v1.Schema$Content = {
        files: [
          { name: 'Code', type: 'SERVER_JS', source: source.code },
          { name: 'appsscript', type: 'JSON', source: source.manifest },
        ],
      };
      await api.call('pushing the Apps Script code', true, true, () =>
        api.script.projects.updateContent({ scriptId: sid, requestBody: content }),
      );
      const record: sheets_v4.Schema$Request[] = [
        ...(scriptAction === 'updated'
          ? [
              {
                deleteDeveloperMetadata: {
                  dataFilter: { developerMetadataLookup: { metadataKey: METADATA_SCRIPT } },
                },
              },
            ]
          : []),
        {
          createDeveloperMetadata: {
            developerMetadata: {
              metadataKey: METADATA_SCRIPT,
              metadataValue: `${sid}:${contentHash}`,
              location: { spreadsheet: true },
              visibility: 'PROJECT',
            },
          },
        },
      ];
      await batchUpdate(api, id, 'recording the Apps Script project', record);
    }
  }
  return {
    spreadsheetId: id,
    url: `https://docs.google.com/spreadsheets/d/${id}/edit`,
    action,
    addedTabs,
    skippedColumns,
    updated,
    notUpdated,
    scriptId,
    scriptAction,
    batchUpdates,
    writes: api.writes - startWrites,
  };
}

/** Sends `requests` in as few batchUpdate calls as the payload limit allows; returns how many. */
async function batchUpdate(
  api: GoogleApi,
  spreadsheetId: string,
  doing: string,
  requests: sheets_v4.Schema$Request[],
): Promise<number> {
  let calls = 0;
  for (const batch of batches(requests)) {
    const requestBody: sheets_v4.Schema$BatchUpdateSpreadsheetRequest = { requests: batch };
    await api.call(doing, false, true, () =>
      api.sheets.spreadsheets.batchUpdate({ spreadsheetId, requestBody }),
    );
    calls += 1;
  }
  return calls;
}

export interface SheetsPlan {
  spreadsheetId: string | null;
  action: 'create' | 'fill' | 'unchanged' | 'upgrade';
  addTabs: string[];
  skippedColumns: string[];
  /** Config-driven cells the upgrade would rewrite ('title', 'company name', 'default terms'). */
  updates: string[];
  notUpdated: string[];
  scriptAction: 'create' | 'update' | 'unchanged';
}

/** What `installWorkbook` would do, from reads only. */
export async function planWorkbook(
  api: GoogleApi,
  ws: DesiredWorkspace,
  source: AppsScriptSource | null,
): Promise<SheetsPlan> {
  const spreadsheetId = (await findWorkbook(api, workbookTitle(ws))) ?? null;
  const read = spreadsheetId ? await readWorkbook(api, spreadsheetId) : undefined;
  const meta = read?.meta ?? new Map<string, string>();
  const recorded = meta.get(METADATA_SCRIPT)?.split(':') ?? [];
  const scriptAction = !recorded[0]
    ? 'create'
    : source && recorded[1] === hash(source.code + source.manifest)
      ? 'unchanged'
      : 'update';
  const none = {
    addTabs: [] as string[],
    skippedColumns: [] as string[],
    updates: [] as string[],
    notUpdated: [] as string[],
    scriptAction,
  } as const;
  if (!spreadsheetId || !read)
    return { ...none, spreadsheetId, action: 'create', addTabs: ws.workbook.tabs.map((t) => t.name) };
  if (!meta.has(METADATA_WORKBOOK)) return { ...none, spreadsheetId, action: 'fill' };
  if (meta.get(METADATA_WORKBOOK) === ws.version) return { ...none, spreadsheetId, action: 'unchanged' };
  const layout = await existingLayout(api, spreadsheetId, read);
  const sync = await configSync(api, spreadsheetId, ws, read, layout.columnKeys);
  const upgrade = upgradeRequests(ws.workbook, ws.version, layout);
  return {
    ...none,
    spreadsheetId,
    action: 'upgrade',
    addTabs: upgrade.addedTabs,
    skippedColumns: upgrade.skippedColumns,
    updates: sync.updated,
    notUpdated: sync.skipped,
  };
}
