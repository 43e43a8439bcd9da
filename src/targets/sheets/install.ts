// The Sheets target: find the workbook (Drive app property), create and fill it once, push the bound Apps Script.
import { createHash, randomBytes } from 'node:crypto';
import type { drive_v3 } from '@googleapis/drive';
import type { script_v1 } from '@googleapis/script';
import type { sheets_v4 } from '@googleapis/sheets';
import type { DesiredWorkspace } from '../../blueprint/desired.js';
import { programLocale, programTimeZone } from '../../config/schema.js';
import { PnError } from '../../platform/errors.js';
import { APP_PROPERTY } from './app-property.js';
import { classifyGoogle, type GoogleApi, UnconfirmedWrite } from './google-api.js';
import {
  batches,
  configReads,
  configRequests,
  createBody,
  fillParts,
  type LiveSheet,
  METADATA_COLUMN,
  METADATA_TAB,
  METADATA_WORKBOOK,
  upgradeRequests,
  workbookRequests,
} from './requests.js';
import { withSyncConfig } from './sync-config.js';
import { columnUpgradeRequests } from './upgrade-columns.js';

export { APP_PROPERTY };
/**
 * The bound Apps Script project the workbook uses: `scriptId:contentHash:spreadsheetId` (the hash is empty
 * until the code is pushed). DOCUMENT-visible, because the bundle reads it from inside the sheet: its
 * onOpen adds the menu only in the project recorded here (apps-script/src/main.ts, SCRIPT_RECORD_KEY).
 */
export const METADATA_SCRIPT = 'partnernomics.script';
/** `nonce@time` of a project create whose outcome is not known yet (written before projects.create). */
export const METADATA_SCRIPT_PENDING = 'partnernomics.script.pending';
/** Space-separated `nonce@time` of creates that never resolved: each may have left an unrecorded project. */
export const METADATA_SCRIPT_ORPHANS = 'partnernomics.script.orphans';

export interface SheetsInstallResult {
  spreadsheetId: string;
  url: string;
  action: 'created' | 'unchanged' | 'upgraded';
  /** Upgrades: tabs added, and columns inserted into existing tabs ("Tab: Header"). */
  addedTabs: string[];
  addedColumns: string[];
  /** New columns of existing tabs that could not be inserted: "Tab: Header (why)". */
  skippedColumns: string[];
  /** Upgrades: config-driven cells rewritten ('title', 'company name', 'default terms'), and those left alone. */
  updated: string[];
  notUpdated: string[];
  scriptId: string | null;
  scriptAction: 'created' | 'updated' | 'unchanged' | 'skipped';
  /** Titles of Apps Script projects earlier, interrupted creates may have left bound to the workbook (silent). */
  possibleOrphanScripts: string[];
  /** Empty copies of the workbook that unconfirmed creates left in Drive, moved to the trash by this run. */
  trashedDuplicates: string[];
  batchUpdates: number;
  writes: number;
}

export interface InstallOptions {
  /** Called before each stage that writes (the CLI renews its install lease here: a fencing check). */
  beforeStage?: (stage: string) => Promise<void>;
}

export interface AppsScriptSource {
  code: string;
  manifest: string;
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

interface FoundFile {
  id: string;
  createdTime: string;
  tagged: boolean;
}

const oldestFirst = (a: FoundFile, b: FoundFile) =>
  a.createdTime === b.createdTime ? (a.id < b.id ? -1 : 1) : a.createdTime < b.createdTime ? -1 : 1;

/**
 * The workbook this app made: by its Drive app property, else (a create whose answer was lost leaves it
 * untagged) by its exact name. `extras`: other untagged spreadsheets of that name, which unconfirmed
 * creates left behind.
 */
async function findWorkbooks(
  api: GoogleApi,
  title: string | undefined,
): Promise<{ id: string | undefined; extras: FoundFile[] }> {
  const byProperty = await api.call('looking for the workbook in Drive', true, false, () =>
    api.drive.files.list({
      q: `appProperties has { key='${APP_PROPERTY.key}' and value='${APP_PROPERTY.value}' } and trashed = false`,
      fields: 'files(id,name,createdTime)',
    }),
  );
  const tagged = (byProperty.data.files ?? []).flatMap((f) =>
    f.id ? [{ id: f.id, createdTime: f.createdTime ?? '', tagged: true }] : [],
  );
  const byName =
    title === undefined
      ? undefined
      : await api.call('looking for the workbook in Drive', true, false, () =>
          api.drive.files.list({
            q: `name = '${title.replace(/'/g, "\\'")}' and mimeType = 'application/vnd.google-apps.spreadsheet' and trashed = false`,
            fields: 'files(id,name,createdTime)',
          }),
        );
  const taggedIds = new Set(tagged.map((f) => f.id));
  const named = (byName?.data.files ?? []).flatMap((f) =>
    f.id && !taggedIds.has(f.id) ? [{ id: f.id, createdTime: f.createdTime ?? '', tagged: false }] : [],
  );
  const primary = [...tagged].sort(oldestFirst)[0] ?? [...named].sort(oldestFirst)[0];
  return { id: primary?.id, extras: named.filter((f) => f.id !== primary?.id) };
}

async function findWorkbook(api: GoogleApi, title: string): Promise<string | undefined> {
  return (await findWorkbooks(api, title)).id;
}

/**
 * Moves to the trash the untagged, never-filled spreadsheets of the workbook's name that unconfirmed
 * creates left (a held create can land after the run that gave up on it). A copy that holds any of this
 * app's metadata is left alone.
 */
async function trashEmptyDuplicates(api: GoogleApi, extras: FoundFile[]): Promise<string[]> {
  const trashed: string[] = [];
  for (const extra of extras) {
    const got = await api.call('checking a duplicate workbook', true, false, () =>
      api.sheets.spreadsheets.get({
        spreadsheetId: extra.id,
        fields: 'developerMetadata(metadataKey),sheets(developerMetadata(metadataKey))',
      }),
    );
    const keys = [
      ...(got.data.developerMetadata ?? []),
      ...(got.data.sheets ?? []).flatMap((sh) => sh.developerMetadata ?? []),
    ].map((m) => m.metadataKey ?? '');
    if (keys.some((k) => k.startsWith('partnernomics.'))) continue;
    const requestBody: drive_v3.Schema$File = { trashed: true };
    await api.call('moving an empty duplicate workbook to the trash', true, true, () =>
      api.drive.files.update({ fileId: extra.id, requestBody, fields: 'id' }),
    );
    trashed.push(extra.id);
  }
  return trashed;
}

/** One read of what the workbook is: its title, recorded metadata, tabs (by their metadata) and named ranges. */
interface WorkbookRead {
  title: string;
  /** The spreadsheet's time zone and locale as Sheets reports them. */
  zone: ZoneProperties;
  meta: Map<string, string>;
  sheetOfTab: Map<string, LiveSheet>;
  maxSheetId: number;
  /** Every tab's sheet ID by its title (a workbook created but never filled has no tab metadata yet). */
  sheetIdByTitle: Map<string, number>;
  namedRanges: Map<string, sheets_v4.Schema$GridRange>;
  /** Each tagged tab's tagged columns: tab key → column key → 0-based index (from the column metadata). */
  columnKeys: Map<string, Map<string, number>>;
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
        'properties(title,timeZone,locale),developerMetadata(metadataKey,metadataValue),namedRanges(name,range),' +
        'sheets(properties(sheetId,title,gridProperties(rowCount)),developerMetadata(metadataKey,metadataValue),' +
        // Column tags sit on column ranges, which only grid data shows: just their metadata, no cells.
        'data(startColumn,columnMetadata(developerMetadata(metadataKey,metadataValue))))',
    }),
  );
  const sheetOfTab = new Map<string, LiveSheet>();
  const columnKeys = new Map<string, Map<string, number>>();
  for (const sheet of book.data.sheets ?? []) {
    const key = sheet.developerMetadata?.find((m) => m.metadataKey === METADATA_TAB)?.metadataValue;
    if (!key || sheetOfTab.has(key)) continue;
    sheetOfTab.set(key, {
      sheetId: sheet.properties?.sheetId ?? 0,
      title: sheet.properties?.title ?? '',
      rowCount: sheet.properties?.gridProperties?.rowCount ?? 0,
    });
    const columns = new Map<string, number>();
    for (const block of sheet.data ?? []) {
      (block.columnMetadata ?? []).forEach((column, j) => {
        for (const m of column.developerMetadata ?? [])
          if (m.metadataKey === METADATA_COLUMN && m.metadataValue && !columns.has(m.metadataValue))
            columns.set(m.metadataValue, (block.startColumn ?? 0) + j);
      });
    }
    if (columns.size) columnKeys.set(key, columns);
  }
  return {
    title: book.data.properties?.title ?? '',
    zone: { timeZone: book.data.properties?.timeZone, locale: book.data.properties?.locale },
    meta: new Map(
      (book.data.developerMetadata ?? []).map((m) => [m.metadataKey ?? '', m.metadataValue ?? '']),
    ),
    sheetOfTab,
    maxSheetId: Math.max(0, ...(book.data.sheets ?? []).map((sh) => sh.properties?.sheetId ?? 0)),
    sheetIdByTitle: sheetIdsByTitle(book.data.sheets),
    namedRanges: new Map(
      (book.data.namedRanges ?? []).flatMap((n) => (n.name && n.range ? [[n.name, n.range] as const] : [])),
    ),
    columnKeys,
  };
}

/**
 * What an upgrade (or a repair of a current workbook) writes: the config-driven cells, the columns the
 * blueprint added to existing table tabs, the tabs it added, then the blueprint version. `pending` is false
 * when a workbook already at this version lacks nothing (then nothing is written).
 */
async function upgradePlan(api: GoogleApi, id: string, ws: DesiredWorkspace, read: WorkbookRead) {
  const columns = columnUpgradeRequests(ws.workbook, read.sheetOfTab, read.columnKeys);
  const upgrade = upgradeRequests(ws.workbook, ws.version, {
    tabKeys: new Set(read.sheetOfTab.keys()),
    maxSheetId: read.maxSheetId,
  });
  const current = read.meta.get(METADATA_WORKBOOK) === ws.version;
  const pending = !current || columns.requests.length > 0 || upgrade.addedTabs.length > 0;
  // A current workbook is only repaired: its config-driven cells were brought in line when it was written.
  const sync = pending
    ? await configSync(api, id, ws, read, read.columnKeys)
    : { requests: [], updated: [], skipped: [] };
  return {
    requests: [...sync.requests, ...columns.requests, ...upgrade.requests],
    pending,
    addedTabs: upgrade.addedTabs,
    addedColumns: columns.added,
    skippedColumns: columns.skipped,
    updated: sync.updated,
    notUpdated: sync.skipped,
  };
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
  columnIndexes: ReadonlyMap<string, ReadonlyMap<string, number>>,
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

/** A spreadsheet's time zone and locale (SpreadsheetProperties), as asked or as Sheets reports them. */
interface ZoneProperties {
  timeZone?: string | null;
  locale?: string | null;
}

/** The time zone and locale the config asks for: `program.time_zone` (the machine's zone) and `program.locale`. */
function requestedZone(ws: DesiredWorkspace): { timeZone: string; locale: string } {
  return { timeZone: programTimeZone(ws.config), locale: programLocale(ws.config) };
}

const ZONE_LABEL = { timeZone: 'time zone', locale: 'locale' } as const;

/**
 * The reference does not say what spreadsheets.create does with a zone or locale it does not take (keep,
 * replace or refuse), so the values Sheets reports are compared with the ones asked for. A difference is
 * corrected with updateSpreadsheetProperties, in a batchUpdate of its own (a refusal must not cost the
 * fill), whose answer carries the values Sheets then holds. What Sheets still will not take is reported,
 * with its reason, in `notUpdated`: the dated tabs the Apps Script names follow the spreadsheet's zone.
 */
async function settleZone(
  api: GoogleApi,
  spreadsheetId: string,
  asked: { timeZone: string; locale: string },
  reported: ZoneProperties | undefined,
): Promise<{ updated: string[]; notUpdated: string[] }> {
  const keys = (['timeZone', 'locale'] as const).filter((k) => reported?.[k] !== asked[k]);
  if (!keys.length) return { updated: [], notUpdated: [] };
  const properties: sheets_v4.Schema$SpreadsheetProperties = {};
  for (const k of keys) properties[k] = asked[k];
  const requestBody: sheets_v4.Schema$BatchUpdateSpreadsheetRequest = {
    requests: [{ updateSpreadsheetProperties: { properties, fields: keys.join(',') } }],
    includeSpreadsheetInResponse: true,
  };
  const doing = `setting the workbook's ${keys.map((k) => ZONE_LABEL[k]).join(' and ')}`;
  let now: ZoneProperties | undefined;
  let refusal = '';
  try {
    const reply = await api.call(doing, true, true, () =>
      api.sheets.spreadsheets.batchUpdate({
        spreadsheetId,
        requestBody,
        fields: 'updatedSpreadsheet.properties(timeZone,locale)',
      }),
    );
    now = reply.data.updatedSpreadsheet?.properties ?? undefined;
  } catch (error) {
    // Only a refusal (400) is reported and passed over; anything else stops the run as usual.
    if (!(error instanceof PnError) || classifyGoogle(error.cause)?.status !== 400) throw error;
    refusal = `; Sheets refused the change: ${error.message}`;
  }
  const result = { updated: [] as string[], notUpdated: [] as string[] };
  for (const k of keys) {
    const label = ZONE_LABEL[k];
    if (now?.[k] === asked[k]) {
      result.updated.push(`${label} (${asked[k]}; Sheets had set ${reported?.[k] ?? 'none'})`);
    } else {
      result.notUpdated.push(
        `${label}: the workbook has ${now?.[k] ?? reported?.[k] ?? 'none'}, not ${asked[k]}${refusal} — set it in File → Settings, or change program.${k === 'timeZone' ? 'time_zone' : 'locale'} in the config`,
      );
    }
  }
  return result;
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
 * Apps Script is created or updated (see `installScript`).
 */
export async function installWorkbook(
  api: GoogleApi,
  ws: DesiredWorkspace,
  source: AppsScriptSource | null,
  options: InstallOptions = {},
): Promise<SheetsInstallResult> {
  const stage = async (name: string) => options.beforeStage?.(name);
  const title = workbookTitle(ws);
  const startWrites = api.writes;
  const found = await findWorkbooks(api, title);
  let spreadsheetId = found.id;
  const trashedDuplicates = found.extras.length ? await trashEmptyDuplicates(api, found.extras) : [];
  let action: SheetsInstallResult['action'] = 'unchanged';
  let batchUpdates = 0;
  let read = spreadsheetId ? await readWorkbook(api, spreadsheetId) : undefined;
  let meta = read?.meta ?? new Map<string, string>();
  let createdSheetIds = read?.sheetIdByTitle ?? new Map<string, number>();
  let createdNow = false;
  // The zone and locale Sheets reports for the workbook: from the create's answer, or the first read.
  let zone: ZoneProperties | undefined = read?.zone;

  if (spreadsheetId && !meta.has(METADATA_WORKBOOK)) {
    // Created but never filled (an interrupted install): fill it now.
    action = 'created';
  } else if (spreadsheetId) {
    action = meta.get(METADATA_WORKBOOK) === ws.version ? 'unchanged' : 'upgraded';
  } else {
    await stage('creating the workbook');
    const requestBody: sheets_v4.Schema$Spreadsheet = createBody(ws.workbook, title, {
      timeZone: programTimeZone(ws.config),
      locale: programLocale(ws.config),
    });
    const fields = 'spreadsheetId,properties(timeZone,locale),sheets.properties(sheetId,title)';
    const created = await api.call(
      'creating the workbook',
      false,
      true,
      () => api.sheets.spreadsheets.create({ requestBody, fields }),
      {
        check: (r) => typeof r.data.spreadsheetId === 'string' && r.data.spreadsheetId !== '',
        // Unconfirmed (timeout, dropped connection, 5xx, unreadable answer): it may have landed, untagged.
        lookup: async () => {
          const landed = await findWorkbook(api, title);
          if (!landed) return undefined;
          return api.call('reading the workbook', true, false, () =>
            api.sheets.spreadsheets.get({ spreadsheetId: landed, fields }),
          );
        },
      },
    );
    spreadsheetId = created.data.spreadsheetId!;
    createdSheetIds = sheetIdsByTitle(created.data.sheets);
    zone = { timeZone: created.data.properties?.timeZone, locale: created.data.properties?.locale };
    action = 'created';
    createdNow = true;
  }
  const id = spreadsheetId;
  if (action === 'created') {
    await stage('filling the workbook');
    const tag: drive_v3.Schema$File = { appProperties: { [APP_PROPERTY.key]: APP_PROPERTY.value } };
    await api.call('tagging the workbook in Drive', true, true, () =>
      api.drive.files.update({ fileId: id, requestBody: tag }),
    );
    const requests = workbookRequests(ws.workbook, ws.version, sheetIdLookup(createdSheetIds));
    // A workbook created by an earlier, interrupted install takes the title the config gives now.
    if (read && read.title !== title)
      requests.unshift({ updateSpreadsheetProperties: { properties: { title }, fields: 'title' } });
    // Parts an interrupted run already landed carry their marker: only the rest are sent.
    const parts = fillParts(requests, ws.version);
    for (const [n, part] of parts.entries()) {
      if (meta.get(part.key) === ws.version) continue;
      const last = n === parts.length - 1;
      batchUpdates += await batchUpdate(
        api,
        id,
        'filling the workbook',
        part.requests,
        last ? recordsVersion(api, id, ws.version) : metadataLanded(api, id, part.key, ws.version),
      );
    }
    read = await readWorkbook(api, id);
    meta = read.meta;
  }
  // A workbook made by this run (or an interrupted one) gets the zone and locale it asked for, read back.
  const zoneNotes =
    action === 'created'
      ? await settleZone(api, id, requestedZone(ws), zone)
      : { updated: [], notUpdated: [] };

  let addedTabs: string[] = [];
  let addedColumns: string[] = [];
  let skippedColumns: string[] = [];
  let updated: string[] = [];
  let notUpdated: string[] = [];
  // An older workbook is upgraded; a current one that lacks a tab or column of its blueprint (an earlier
  // version of this installer only reported new columns, yet recorded the version) is repaired the same way.
  if ((action === 'upgraded' || action === 'unchanged') && read) {
    const upgrade = await upgradePlan(api, id, ws, read);
    if (upgrade.pending) {
      action = 'upgraded';
      await stage('upgrading the workbook');
      batchUpdates += await batchUpdate(
        api,
        id,
        'upgrading the workbook',
        upgrade.requests,
        // A repair records the version it already had: whether it landed shows in its columns, not there.
        meta.get(METADATA_WORKBOOK) === ws.version ? undefined : recordsVersion(api, id, ws.version),
      );
    }
    addedTabs = upgrade.addedTabs;
    addedColumns = upgrade.addedColumns;
    skippedColumns = upgrade.skippedColumns;
    updated = upgrade.updated;
    notUpdated = upgrade.notUpdated;
  }

  const script = source
    ? await installScript(api, id, meta, withSyncConfig(source, ws), stage)
    : { scriptId: null, scriptAction: 'skipped' as const, possibleOrphans: [] };
  // A create of this run that was looked up may have a twin that landed meanwhile: check once more.
  if (createdNow) {
    const again = await findWorkbooks(api, title);
    trashedDuplicates.push(
      ...(await trashEmptyDuplicates(
        api,
        again.extras.filter((e) => e.id !== id),
      )),
    );
  }
  return {
    spreadsheetId: id,
    url: `https://docs.google.com/spreadsheets/d/${id}/edit`,
    action,
    addedTabs,
    addedColumns,
    skippedColumns,
    updated: [...zoneNotes.updated, ...updated],
    notUpdated: [...zoneNotes.notUpdated, ...notUpdated],
    scriptId: script.scriptId,
    scriptAction: script.scriptAction,
    possibleOrphanScripts: script.possibleOrphans.map((o) => scriptTitle(o.nonce)),
    trashedDuplicates,
    batchUpdates,
    writes: api.writes - startWrites,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The bound Apps Script project.
//
// Bound projects cannot be listed through the API, so a create whose answer is lost (a kill after the POST,
// a timeout, a dropped connection, an unreadable answer) leaves a project nobody can find again. So:
//   1. before projects.create, the workbook records the intended project (METADATA_SCRIPT_PENDING =
//      nonce@time), and the project's title carries that nonce ("Partnernomics (install <nonce>)");
//   2. right after the create, the project's ID is recorded (METADATA_SCRIPT) and the pending marker
//      removed, in one batchUpdate (idempotent: delete by key, then create; retried on 5xx/timeouts);
//   3. only then is the code pushed (PUT is idempotent) and its hash recorded: code never reaches a
//      project the workbook does not record;
//   4. a rerun that finds a pending marker and no ID cannot look the project up; it records the marker's
//      nonce as a possible orphan (METADATA_SCRIPT_ORPHANS) and creates a new project. A possible orphan is
//      harmless: it holds no code, and the bundle's onOpen adds the menu only in the project the workbook
//      records. `partnernomics doctor` names possible orphans (by title) and how to remove them, and says
//      when the recorded project no longer exists (install then creates a new one).

export interface ScriptRecord {
  scriptId: string;
  /** The pushed code's hash; empty while the code is not pushed yet. */
  hash: string;
  /** The spreadsheet the record was written for (empty in records written before it was kept). */
  spreadsheetId: string;
}

export function parseScriptRecord(value: string | undefined): ScriptRecord | null {
  const [scriptId = '', hash = '', spreadsheetId = ''] = (value ?? '').split(':');
  return scriptId ? { scriptId, hash, spreadsheetId } : null;
}

interface Attempt {
  nonce: string;
  at: string;
}

function parseAttempts(value: string | undefined): Attempt[] {
  return (value ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((entry) => {
      const [nonce = '', at = ''] = entry.split('@');
      return { nonce, at };
    })
    .filter((a) => a.nonce !== '');
}

const formatAttempts = (attempts: Attempt[]) => attempts.map((a) => `${a.nonce}@${a.at}`).join(' ');

/** The title a project gets: it carries the nonce the workbook recorded before creating it. */
export function scriptTitle(nonce: string): string {
  return `Partnernomics (install ${nonce})`;
}

const SCRIPT_ID = /^[A-Za-z0-9_-]{10,}$/;

/** A truncated create answer may still hold the whole ID: use it rather than leave a project behind. */
function salvagedScriptId(error: unknown): string | undefined {
  const text = error instanceof UnconfirmedWrite ? error.unreadableAnswer : undefined;
  const id = text ? /"scriptId"\s*:\s*"([^"]*)"/.exec(text)?.[1] : undefined;
  return id && SCRIPT_ID.test(id) ? id : undefined;
}

function replaceMetadata(
  key: string,
  value: string | null,
  visibility: 'DOCUMENT' | 'PROJECT',
): sheets_v4.Schema$Request[] {
  const remove: sheets_v4.Schema$Request = {
    deleteDeveloperMetadata: { dataFilter: { developerMetadataLookup: { metadataKey: key } } },
  };
  if (value === null) return [remove];
  return [
    remove,
    {
      createDeveloperMetadata: {
        developerMetadata: {
          metadataKey: key,
          metadataValue: value,
          location: { spreadsheet: true },
          visibility,
        },
      },
    },
  ];
}

/** Metadata writes that delete by key, then create: the same result however often they land. */
async function recordMetadata(
  api: GoogleApi,
  spreadsheetId: string,
  doing: string,
  requests: sheets_v4.Schema$Request[],
  /**
   * For a batch that must not land after a later one undoes it: instead of a blind retry, an unconfirmed
   * batch is looked for (over the lookup waits) until it shows, so a held request is accounted for first.
   */
  landed?: () => Promise<boolean>,
): Promise<void> {
  const requestBody: sheets_v4.Schema$BatchUpdateSpreadsheetRequest = { requests };
  await api.call(
    doing,
    !landed,
    true,
    () => api.sheets.spreadsheets.batchUpdate({ spreadsheetId, requestBody }),
    landed
      ? { body: 'any', lookup: async () => ((await landed()) ? { data: {} } : undefined) }
      : { body: 'any' },
  );
}

/** The value of a workbook-level developer metadata key, or undefined (one search). */
async function metadataValue(
  api: GoogleApi,
  spreadsheetId: string,
  key: string,
): Promise<string | undefined> {
  const request: sheets_v4.Schema$SearchDeveloperMetadataRequest = {
    dataFilters: [{ developerMetadataLookup: { metadataKey: key } }],
  };
  const found = await api.call('looking for the Apps Script marker', true, false, () =>
    api.sheets.spreadsheets.developerMetadata.search({ spreadsheetId, requestBody: request }),
  );
  return found.data.matchedDeveloperMetadata?.[0]?.developerMetadata?.metadataValue ?? undefined;
}

async function installScript(
  api: GoogleApi,
  id: string,
  meta: Map<string, string>,
  source: AppsScriptSource,
  stage: (name: string) => Promise<void>,
): Promise<{
  scriptId: string;
  scriptAction: 'created' | 'updated' | 'unchanged';
  possibleOrphans: Attempt[];
}> {
  const contentHash = hash(source.code + source.manifest);
  let record = parseScriptRecord(meta.get(METADATA_SCRIPT));
  let pending = parseAttempts(meta.get(METADATA_SCRIPT_PENDING));
  let orphans = parseAttempts(meta.get(METADATA_SCRIPT_ORPHANS));
  let echoes = 0;
  if (record) {
    // A recorded project deleted by hand would otherwise stay "unchanged" for ever: make a new one.
    const status = await api.projectStatus(record.scriptId, 'checking the Apps Script project');
    if (status === 'missing') record = null;
    else {
      // A pending marker naming the recorded project itself is a late landing of the batch that announced
      // it (held, retried, then applied after the ID was recorded): not an orphan, just stale.
      const own = pending.filter((a) => scriptTitle(a.nonce) === status.project.title);
      echoes = own.length;
      pending = pending.filter((a) => !own.includes(a));
    }
  }
  if (record && record.hash === contentHash && record.spreadsheetId === id && pending.length === 0) {
    if (echoes > 0)
      await recordMetadata(api, id, 'clearing a stale Apps Script marker', [
        ...replaceMetadata(METADATA_SCRIPT_PENDING, null, 'PROJECT'),
      ]);
    return { scriptId: record.scriptId, scriptAction: 'unchanged', possibleOrphans: orphans };
  }

  // A create that never resolved may have left a project: remember it (doctor names it), never look for it.
  const resolved: sheets_v4.Schema$Request[] = [];
  if (pending.length) {
    orphans = [...orphans, ...pending].slice(-10);
    resolved.push(
      ...replaceMetadata(METADATA_SCRIPT_ORPHANS, formatAttempts(orphans), 'PROJECT'),
      ...replaceMetadata(METADATA_SCRIPT_PENDING, null, 'PROJECT'),
    );
  }

  let scriptId: string;
  let scriptAction: 'created' | 'updated';
  if (record) {
    scriptId = record.scriptId;
    scriptAction = 'updated';
    await stage('updating the Apps Script code');
  } else {
    await stage('creating the Apps Script project');
    const attempt: Attempt = { nonce: randomBytes(4).toString('hex'), at: new Date().toISOString() };
    // 1. The intended project, before it exists.
    // Never retried blind: a held copy landing after step 2 cleared it would bring the marker back.
    await recordMetadata(
      api,
      id,
      'recording the Apps Script project about to be created',
      [
        ...resolved.filter((r) => r.createDeveloperMetadata || r.deleteDeveloperMetadata),
        ...replaceMetadata(METADATA_SCRIPT_PENDING, formatAttempts([attempt]), 'PROJECT'),
      ],
      async () => (await metadataValue(api, id, METADATA_SCRIPT_PENDING))?.includes(attempt.nonce) === true,
    );
    resolved.length = 0;
    const project: script_v1.Schema$CreateProjectRequest = {
      title: scriptTitle(attempt.nonce),
      parentId: id,
    };
    try {
      const created = await api.call(
        'creating the Apps Script project',
        false,
        true,
        () => api.script.projects.create({ requestBody: project }),
        { check: (r) => SCRIPT_ID.test(r.data.scriptId ?? '') },
      );
      scriptId = created.data.scriptId!;
    } catch (error) {
      const salvaged = salvagedScriptId(error);
      if (!salvaged) {
        if (error instanceof UnconfirmedWrite) {
          throw new UnconfirmedWrite(
            `${error.message}; the project, if it was made, is "${project.title}"`,
            'run the same command again: it makes a new project and that one, unrecorded, adds no menu; `partnernomics doctor` then says how to remove it',
            error.cause,
          );
        }
        // Refused outright (API off, a missing permission): nothing was made, so nothing is pending.
        await recordMetadata(api, id, 'clearing the Apps Script project that was not created', [
          ...replaceMetadata(METADATA_SCRIPT_PENDING, null, 'PROJECT'),
        ]).catch(() => undefined);
        throw error;
      }
      scriptId = salvaged;
    }
    // 2. The ID, at once: from here on the project is known.
    await recordMetadata(api, id, 'recording the Apps Script project', [
      ...replaceMetadata(METADATA_SCRIPT, `${scriptId}::${id}`, 'DOCUMENT'),
      ...replaceMetadata(METADATA_SCRIPT_PENDING, null, 'PROJECT'),
    ]);
    scriptAction = 'created';
  }
  // 3. The code, then its hash.
  const content: script_v1.Schema$Content = {
    files: [
      { name: 'Code', type: 'SERVER_JS', source: source.code },
      { name: 'appsscript', type: 'JSON', source: source.manifest },
    ],
  };
  await api.call('pushing the Apps Script code', true, true, () =>
    api.script.projects.updateContent({ scriptId, requestBody: content }),
  );
  await recordMetadata(api, id, 'recording the Apps Script code version', [
    ...replaceMetadata(METADATA_SCRIPT, `${scriptId}:${contentHash}:${id}`, 'DOCUMENT'),
    ...resolved,
    // A pending marker now can only be this run's own, landed late (a held, retried batch): nothing is pending.
    ...(resolved.some((r) => r.deleteDeveloperMetadata)
      ? []
      : replaceMetadata(METADATA_SCRIPT_PENDING, null, 'PROJECT')),
  ]);
  return { scriptId, scriptAction, possibleOrphans: orphans };
}

/**
 * What doctor says of the workbook: whether this login's OAuth client finds it. Drive shows an app only
 * the files it created (drive.file) and its own appProperties, and the reference does not say whether
 * "app" is the OAuth client or its Cloud project: after a login with another client JSON, the workbook an
 * earlier client made may be invisible, and install would create a second one. Doctor says so first.
 */
export async function inspectWorkbook(
  api: GoogleApi,
  clientId: string,
): Promise<{ status: 'ok' | 'info'; detail: string; fix?: string }> {
  const { id } = await findWorkbooks(api, undefined);
  if (id)
    return {
      status: 'ok',
      detail: `found by this login's OAuth client: https://docs.google.com/spreadsheets/d/${id}/edit`,
    };
  return {
    status: 'info',
    detail: `the OAuth client of this login (${clientId}) finds no workbook: install will create one`,
    fix: 'if an earlier install used another OAuth client JSON, run `partnernomics login google --client-file <that file>` first: Google shows a workbook only to the client that created it, so install would make a second workbook beside the first',
  };
}

/** What doctor says about the bound Apps Script project: the recorded one exists; possible orphans. */
export async function inspectBoundScript(
  api: GoogleApi,
): Promise<{ status: 'ok' | 'fail' | 'info'; detail: string; fix?: string }> {
  const { id } = await findWorkbooks(api, undefined);
  if (!id) return { status: 'info', detail: 'no workbook installed yet' };
  const read = await readWorkbook(api, id);
  const record = parseScriptRecord(read.meta.get(METADATA_SCRIPT));
  const pending = parseAttempts(read.meta.get(METADATA_SCRIPT_PENDING));
  const orphans = [...parseAttempts(read.meta.get(METADATA_SCRIPT_ORPHANS)), ...pending];
  const titles = orphans.map((o) => `"${scriptTitle(o.nonce)}"`).join(', ');
  const removal = `open https://script.google.com/home/my, find the project(s) titled ${titles} bound to "${read.title}", and remove each (⋮ → Remove)`;
  let kept = '';
  if (record) {
    const status = await api.projectStatus(record.scriptId, 'checking the Apps Script project');
    if (status === 'missing') {
      return {
        status: 'fail',
        detail: `the Apps Script project the workbook records (${record.scriptId}) no longer exists${orphans.length ? `; ${orphans.length} other project(s) may be bound to it unrecorded (${titles})` : ''}`,
        fix: `run \`partnernomics install --target sheets\`: it creates a new one${orphans.length ? `; then ${removal}` : ''}`,
      };
    }
    kept = `"${status.project.title ?? 'Partnernomics'}" (${record.scriptId})`;
  }
  if (pending.length && !record) {
    return {
      status: 'info',
      detail: `an install stopped while creating the Apps Script project: ${titles} may exist, bound to the workbook but not recorded (it adds no menu)`,
      fix: `run \`partnernomics install --target sheets\` to finish; then ${removal}`,
    };
  }
  if (orphans.length) {
    return {
      status: 'info',
      detail: `${orphans.length} interrupted install(s) may have left an extra Apps Script project bound to the workbook (${titles}); unrecorded, it adds no menu`,
      fix: `${removal}; keep ${kept}`,
    };
  }
  if (!record)
    return { status: 'info', detail: 'the workbook has no Apps Script project yet (install adds it)' };
  return { status: 'ok', detail: `project ${kept}, bound to "${read.title}"` };
}

/**
 * Sends `requests` in as few batchUpdate calls as the payload limit allows; returns how many. A batch is not
 * idempotent (charts, named ranges), so one whose outcome is unknown is never repeated: `landed` (checked on
 * the last batch, which records the blueprint version) says whether it was applied after all.
 */
async function batchUpdate(
  api: GoogleApi,
  spreadsheetId: string,
  doing: string,
  requests: sheets_v4.Schema$Request[],
  landed?: () => Promise<boolean>,
): Promise<number> {
  const all = batches(requests);
  for (const [i, batch] of all.entries()) {
    const requestBody: sheets_v4.Schema$BatchUpdateSpreadsheetRequest = { requests: batch };
    const lookup =
      landed && i === all.length - 1
        ? { lookup: async () => ((await landed()) ? (true as const) : undefined) }
        : {};
    await api.call(
      doing,
      false,
      true,
      async () => {
        await api.sheets.spreadsheets.batchUpdate({ spreadsheetId, requestBody });
        return true as const;
      },
      { body: 'any', ...lookup },
    );
  }
  return all.length;
}

/** Whether the workbook carries spreadsheet metadata `key` = `value`: how a write it ends is found to have landed. */
function metadataLanded(
  api: GoogleApi,
  spreadsheetId: string,
  key: string,
  value: string,
): () => Promise<boolean> {
  return async () => {
    const got = await api.call('checking whether the workbook was written', true, false, () =>
      api.sheets.spreadsheets.get({ spreadsheetId, fields: 'developerMetadata(metadataKey,metadataValue)' }),
    );
    return (got.data.developerMetadata ?? []).some((m) => m.metadataKey === key && m.metadataValue === value);
  };
}

/** Whether the workbook records blueprint `version` (the last request of a fill or an upgrade). */
function recordsVersion(api: GoogleApi, spreadsheetId: string, version: string): () => Promise<boolean> {
  return metadataLanded(api, spreadsheetId, METADATA_WORKBOOK, version);
}

export interface SheetsPlan {
  spreadsheetId: string | null;
  action: 'create' | 'fill' | 'unchanged' | 'upgrade';
  addTabs: string[];
  /** Columns the upgrade would insert into existing tabs, and those it could not ("Tab: Header (why)"). */
  addColumns: string[];
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
  const recorded = parseScriptRecord(meta.get(METADATA_SCRIPT));
  const scriptAction = !recorded
    ? 'create'
    : source &&
        recorded.hash === hash(withSyncConfig(source, ws).code + source.manifest) &&
        recorded.spreadsheetId === spreadsheetId
      ? 'unchanged'
      : 'update';
  const none = {
    addTabs: [] as string[],
    addColumns: [] as string[],
    skippedColumns: [] as string[],
    updates: [] as string[],
    notUpdated: [] as string[],
    scriptAction,
  } as const;
  if (!spreadsheetId || !read)
    return { ...none, spreadsheetId, action: 'create', addTabs: ws.workbook.tabs.map((t) => t.name) };
  if (!meta.has(METADATA_WORKBOOK)) return { ...none, spreadsheetId, action: 'fill' };
  const upgrade = await upgradePlan(api, spreadsheetId, ws, read);
  if (!upgrade.pending)
    return { ...none, spreadsheetId, action: 'unchanged', skippedColumns: upgrade.skippedColumns };
  return {
    ...none,
    spreadsheetId,
    action: 'upgrade',
    addTabs: upgrade.addedTabs,
    addColumns: upgrade.addedColumns,
    skippedColumns: upgrade.skippedColumns,
    updates: upgrade.updated,
    notUpdated: upgrade.notUpdated,
  };
}
