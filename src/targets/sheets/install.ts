// The Sheets target: find the workbook (Drive app property), create and fill it once, push the bound Apps Script.
import { createHash } from 'node:crypto';
import type { DesiredWorkspace } from '../../blueprint/desired.js';
import type { GoogleApi } from './google-api.js';
import {
  batches,
  createBody,
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

async function metadata(api: GoogleApi, spreadsheetId: string): Promise<Map<string, string>> {
  const book = await api.call('reading the workbook', true, false, () =>
    api.sheets.spreadsheets.get({ spreadsheetId, fields: 'developerMetadata(metadataKey,metadataValue)' }),
  );
  return new Map(
    (book.data.developerMetadata ?? []).map((m) => [m.metadataKey ?? '', m.metadataValue ?? '']),
  );
}

/** The tabs and columns an installed workbook holds, by their developer metadata. */
async function existingLayout(
  api: GoogleApi,
  id: string,
): Promise<{ tabKeys: Set<string>; columnKeys: Map<string, Set<string>>; maxSheetId: number }> {
  const book = await api.call('reading the workbook', true, false, () =>
    api.sheets.spreadsheets.get({ spreadsheetId: id, fields: 'sheets(properties(sheetId))' }),
  );
  const maxSheetId = Math.max(0, ...(book.data.sheets ?? []).map((sh) => sh.properties?.sheetId ?? 0));
  // Tab metadata sits on sheets, column metadata on column ranges: one search finds both.
  const found = await api.call('reading the workbook metadata', true, false, () =>
    api.sheets.spreadsheets.developerMetadata.search({
      spreadsheetId: id,
      requestBody: {
        dataFilters: [
          { developerMetadataLookup: { metadataKey: METADATA_TAB } },
          { developerMetadataLookup: { metadataKey: METADATA_COLUMN } },
        ],
      },
    }),
  );
  const entries = (found.data.matchedDeveloperMetadata ?? []).map((m) => m.developerMetadata ?? {});
  const tabOfSheet = new Map<number, string>();
  for (const m of entries) {
    if (m.metadataKey === METADATA_TAB && m.location?.sheetId != null)
      tabOfSheet.set(m.location.sheetId, m.metadataValue ?? '');
  }
  const tabKeys = new Set(tabOfSheet.values());
  const columnKeys = new Map<string, Set<string>>();
  for (const m of entries) {
    const sheetId = m.location?.dimensionRange?.sheetId;
    const tabKey = sheetId == null ? undefined : tabOfSheet.get(sheetId);
    if (m.metadataKey !== METADATA_COLUMN || !tabKey) continue;
    if (!columnKeys.has(tabKey)) columnKeys.set(tabKey, new Set());
    columnKeys.get(tabKey)!.add(m.metadataValue ?? '');
  }
  return { tabKeys, columnKeys, maxSheetId };
}

/**
 * Installs the workbook. A workbook this app created is found again by its Drive app property, and left
 * alone when its recorded blueprint version matches; otherwise it is created and filled in as few
 * batchUpdate calls as the payload limit allows. Then the bound Apps Script is created or updated.
 */
export async function installWorkbook(
  api: GoogleApi,
  ws: DesiredWorkspace,
  source: AppsScriptSource | null,
): Promise<SheetsInstallResult> {
  const title = `${ws.workbook.title} (${ws.config.company.name})`;
  const startWrites = api.writes;
  let spreadsheetId = await findWorkbook(api, title);
  let action: SheetsInstallResult['action'] = 'unchanged';
  let batchUpdates = 0;
  let meta = spreadsheetId ? await metadata(api, spreadsheetId) : new Map<string, string>();

  if (spreadsheetId && !meta.has(METADATA_WORKBOOK)) {
    // Created but never filled (an interrupted install): fill it now.
    action = 'created';
  } else if (spreadsheetId) {
    action = meta.get(METADATA_WORKBOOK) === ws.version ? 'unchanged' : 'upgraded';
  } else {
    const created = await api.call('creating the workbook', false, true, () =>
      api.sheets.spreadsheets.create({
        requestBody: createBody(ws.workbook, title),
        fields: 'spreadsheetId',
      }),
    );
    spreadsheetId = created.data.spreadsheetId ?? undefined;
    if (!spreadsheetId) throw new Error('Sheets created a workbook without an ID');
    action = 'created';
  }
  const id = spreadsheetId;
  if (action === 'created') {
    await api.call('tagging the workbook in Drive', true, true, () =>
      api.drive.files.update({
        fileId: id,
        requestBody: { appProperties: { [APP_PROPERTY.key]: APP_PROPERTY.value } },
      }),
    );
    for (const batch of batches(workbookRequests(ws.workbook, ws.version))) {
      await api.call('filling the workbook', false, true, () =>
        api.sheets.spreadsheets.batchUpdate({ spreadsheetId: id, requestBody: { requests: batch } }),
      );
      batchUpdates += 1;
    }
    meta = await metadata(api, id);
  }

  let addedTabs: string[] = [];
  let skippedColumns: string[] = [];
  if (action === 'upgraded') {
    const { tabKeys, columnKeys, maxSheetId } = await existingLayout(api, id);
    const upgrade = upgradeRequests(ws.workbook, ws.version, { tabKeys, columnKeys, maxSheetId });
    for (const batch of batches(upgrade.requests)) {
      await api.call('upgrading the workbook', false, true, () =>
        api.sheets.spreadsheets.batchUpdate({ spreadsheetId: id, requestBody: { requests: batch } }),
      );
      batchUpdates += 1;
    }
    addedTabs = upgrade.addedTabs;
    skippedColumns = upgrade.skippedColumns;
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
        const project = await api.call('creating the Apps Script project', false, true, () =>
          api.script.projects.create({ requestBody: { title: 'Partnernomics', parentId: id } }),
        );
        scriptId = project.data.scriptId ?? null;
        scriptAction = 'created';
      } else {
        scriptAction = 'updated';
      }
      const sid = scriptId!;
      await api.call('pushing the Apps Script code', true, true, () =>
        api.script.projects.updateContent({
          scriptId: sid,
          requestBody: {
            files: [
              { name: 'Code', type: 'SERVER_JS', source: source.code },
              { name: 'appsscript', type: 'JSON', source: source.manifest },
            ],
          },
        }),
      );
      await api.call('recording the Apps Script project', false, true, () =>
        api.sheets.spreadsheets.batchUpdate({
          spreadsheetId: id,
          requestBody: {
            requests: [
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
            ],
          },
        }),
      );
    }
  }
  return {
    spreadsheetId: id,
    url: `https://docs.google.com/spreadsheets/d/${id}/edit`,
    action,
    addedTabs,
    skippedColumns,
    scriptId,
    scriptAction,
    batchUpdates,
    writes: api.writes - startWrites,
  };
}

export interface SheetsPlan {
  spreadsheetId: string | null;
  action: 'create' | 'fill' | 'unchanged' | 'upgrade';
  addTabs: string[];
  skippedColumns: string[];
  scriptAction: 'create' | 'update' | 'unchanged';
}

/** What `installWorkbook` would do, from reads only. */
export async function planWorkbook(
  api: GoogleApi,
  ws: DesiredWorkspace,
  source: AppsScriptSource | null,
): Promise<SheetsPlan> {
  const title = `${ws.workbook.title} (${ws.config.company.name})`;
  const spreadsheetId = (await findWorkbook(api, title)) ?? null;
  const meta = spreadsheetId ? await metadata(api, spreadsheetId) : new Map<string, string>();
  const recorded = meta.get(METADATA_SCRIPT)?.split(':') ?? [];
  const scriptAction = !recorded[0]
    ? 'create'
    : source && recorded[1] === hash(source.code + source.manifest)
      ? 'unchanged'
      : 'update';
  if (!spreadsheetId)
    return {
      spreadsheetId,
      action: 'create',
      addTabs: ws.workbook.tabs.map((t) => t.name),
      skippedColumns: [],
      scriptAction,
    };
  if (!meta.has(METADATA_WORKBOOK))
    return { spreadsheetId, action: 'fill', addTabs: [], skippedColumns: [], scriptAction };
  if (meta.get(METADATA_WORKBOOK) === ws.version)
    return { spreadsheetId, action: 'unchanged', addTabs: [], skippedColumns: [], scriptAction };
  const upgrade = upgradeRequests(ws.workbook, ws.version, await existingLayout(api, spreadsheetId));
  return {
    spreadsheetId,
    action: 'upgrade',
    addTabs: upgrade.addedTabs,
    skippedColumns: upgrade.skippedColumns,
    scriptAction,
  };
}
