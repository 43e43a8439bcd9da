// Drive v3 files: create/get/list/update/delete with drive.file visibility, per-app appProperties, q and fields.
import type { drive_v3 } from '@googleapis/drive';
import type { FakeRequest, FakeResponse } from '../harness.js';
import { type Principal, SCOPES } from './auth.js';
import { compileQuery, type QueryableFile } from './drive-query.js';
import { apiError, driveFileNotFound, notModelled } from './errors.js';
import { applyFields, parseFields } from './fields.js';
import { type Clock, type IdSource, userNumber } from './ids.js';

export const MIME = {
  spreadsheet: 'application/vnd.google-apps.spreadsheet',
  folder: 'application/vnd.google-apps.folder',
  script: 'application/vnd.google-apps.script',
} as const;

/** A file as the fake stores it. appProperties are private to each OAuth client, as Drive keeps them. */
export interface DriveFileModel {
  id: string;
  name: string;
  mimeType: string;
  parents: string[];
  description?: string;
  starred: boolean;
  trashed: boolean;
  createdTime: string;
  modifiedTime: string;
  owner: string;
  /** Other users who can open the file. */
  sharedWith: string[];
  properties: Record<string, string>;
  appProperties: Record<string, Record<string, string>>;
  /** The OAuth client that created the file, if an app did (undefined: made in the UI). */
  createdByClient?: string;
  /** Clients with drive.file access (the creator, and apps the user opened the file with). */
  appsWithAccess: string[];
  version: number;
}

const READ_SCOPES = [
  SCOPES.drive,
  SCOPES.driveFile,
  SCOPES.driveReadonly,
  SCOPES.driveMetadataReadonly,
  SCOPES.driveAppdata,
  'https://www.googleapis.com/auth/drive.metadata',
  'https://www.googleapis.com/auth/drive.photos.readonly',
];
const WRITE_SCOPES = [SCOPES.drive, SCOPES.driveFile, SCOPES.driveAppdata];
const FULL_READ = new Set<string>([
  SCOPES.drive,
  SCOPES.driveReadonly,
  SCOPES.driveMetadataReadonly,
  'https://www.googleapis.com/auth/drive.metadata',
]);

export const DRIVE_SCOPES = { read: READ_SCOPES, write: WRITE_SCOPES };

/** Drive's per-property limit: key and value together at most 124 bytes of UTF-8. */
const PROPERTY_BYTES = 124;
/** Drive's property counts: 30 public, 30 private per app, 100 in all per file. */
const PROPERTY_COUNTS = { public: 30, privatePerApp: 30, total: 100 } as const;

/** 400 when a file would carry more properties than Drive allows (counts from the properties guide). */
function checkPropertyCounts(
  file: Pick<DriveFileModel, 'properties' | 'appProperties'>,
  clientId: string,
): void {
  const publicCount = Object.keys(file.properties).length;
  const mine = Object.keys(file.appProperties[clientId] ?? {}).length;
  const total =
    publicCount + Object.values(file.appProperties).reduce((n, props) => n + Object.keys(props).length, 0);
  const over =
    publicCount > PROPERTY_COUNTS.public
      ? `more than ${PROPERTY_COUNTS.public} public properties`
      : mine > PROPERTY_COUNTS.privatePerApp
        ? `more than ${PROPERTY_COUNTS.privatePerApp} private properties for this app`
        : total > PROPERTY_COUNTS.total
          ? `more than ${PROPERTY_COUNTS.total} properties in all`
          : undefined;
  if (over) {
    throw apiError('drive', 400, `The file would have ${over}.`, {
      reason: 'badRequest',
      location: mine > PROPERTY_COUNTS.privatePerApp ? 'appProperties' : 'properties',
      locationType: 'other',
    });
  }
}

export interface DriveHooks {
  /** A Google Sheets file was created through Drive: make its spreadsheet. */
  onSpreadsheetCreated(file: DriveFileModel): void;
  /** A spreadsheet's file was renamed: keep the spreadsheet title in step. */
  onRenamed(file: DriveFileModel): void;
  /** A file was deleted for good. */
  onDeleted(file: DriveFileModel): void;
}

export class DriveState {
  readonly files = new Map<string, DriveFileModel>();
  private readonly roots = new Map<string, string>();

  constructor(
    private readonly ids: IdSource,
    private readonly clock: Clock,
    private readonly hooks: DriveHooks,
  ) {}

  /** The id of a user's My Drive root ("root" in queries and parents means this). */
  rootOf(user: string): string {
    let id = this.roots.get(user);
    if (!id) {
      id = `0AFakeRoot${String(this.roots.size + 1).padStart(6, '0')}Uk9PVA`;
      this.roots.set(user, id);
    }
    return id;
  }

  /** Whether the user may open the file at all (owner or shared). */
  userCanAccess(user: string, file: DriveFileModel): boolean {
    return file.owner === user || file.sharedWith.includes(user);
  }

  /** drive.file semantics: without a Drive-wide scope an app sees only files it created or was given. */
  appCanAccess(
    principal: Principal,
    file: DriveFileModel,
    fullScopes: ReadonlySet<string> = FULL_READ,
  ): boolean {
    if (!this.userCanAccess(principal.user, file)) return false;
    if ([...principal.scopes].some((s) => fullScopes.has(s))) return true;
    return file.appsWithAccess.includes(principal.clientId);
  }

  /** Adds a file (seeding, or a create through any API). */
  add(input: Partial<DriveFileModel> & { name: string; mimeType: string; owner: string }): DriveFileModel {
    const now = new Date(this.clock.now()).toISOString();
    const file: DriveFileModel = {
      id: input.id ?? this.ids.fileId(),
      parents: input.parents ?? [this.rootOf(input.owner)],
      starred: false,
      trashed: false,
      createdTime: now,
      modifiedTime: now,
      sharedWith: [],
      properties: {},
      appProperties: {},
      appsWithAccess: input.createdByClient ? [input.createdByClient] : [],
      version: 1,
      ...input,
    };
    this.files.set(file.id, file);
    return file;
  }

  touch(file: DriveFileModel): void {
    file.modifiedTime = new Date(this.clock.now()).toISOString();
    file.version++;
  }

  /** The file as Drive returns it to `principal` (its own appProperties only). */
  render(file: DriveFileModel, principal: Principal): drive_v3.Schema$File {
    const out: drive_v3.Schema$File = {
      kind: 'drive#file',
      id: file.id,
      name: file.name,
      mimeType: file.mimeType,
      starred: file.starred,
      trashed: file.trashed,
      explicitlyTrashed: file.trashed,
      parents: [...file.parents],
      spaces: ['drive'],
      version: String(file.version),
      webViewLink: webViewLink(file),
      createdTime: file.createdTime,
      modifiedTime: file.modifiedTime,
      owners: [
        {
          kind: 'drive#user',
          displayName: file.owner.split('@')[0] ?? file.owner,
          emailAddress: file.owner,
          me: file.owner === principal.user,
        },
      ],
      ownedByMe: file.owner === principal.user,
      isAppAuthorized: file.createdByClient === principal.clientId,
    };
    if (file.description !== undefined) out.description = file.description;
    if (Object.keys(file.properties).length) out.properties = { ...file.properties };
    const mine = file.appProperties[principal.clientId];
    if (mine && Object.keys(mine).length) out.appProperties = { ...mine };
    return out;
  }

  private queryable(file: DriveFileModel, principal: Principal): QueryableFile {
    const root = this.rootOf(principal.user);
    return {
      name: file.name,
      mimeType: file.mimeType,
      trashed: file.trashed,
      starred: file.starred,
      parents: file.parents.flatMap((p) => (p === root ? [p, 'root'] : [p])),
      owners: [file.owner],
      createdTime: file.createdTime,
      modifiedTime: file.modifiedTime,
      appProperties: file.appProperties[principal.clientId] ?? {},
      properties: file.properties,
    };
  }

  private visible(fileId: string, principal: Principal): DriveFileModel {
    const file = this.files.get(fileId === 'root' ? this.rootOf(principal.user) : fileId);
    if (!file || !this.appCanAccess(principal, file)) throw driveFileNotFound(fileId);
    return file;
  }

  private mergeProperties(target: Record<string, string>, patch: unknown, field: string): void {
    if (patch === undefined || patch === null) return;
    if (typeof patch !== 'object' || Array.isArray(patch)) {
      throw apiError('drive', 400, `Invalid value for ${field}`, {
        reason: 'invalid',
        location: field,
        locationType: 'other',
      });
    }
    for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
      if (value === null) {
        delete target[key];
        continue;
      }
      const text = String(value);
      if (Buffer.byteLength(key + text, 'utf8') > PROPERTY_BYTES) {
        throw apiError(
          'drive',
          400,
          `The property "${key}" exceeds the ${PROPERTY_BYTES}-byte limit for a key and value.`,
          {
            reason: 'badRequest',
            location: field,
            locationType: 'other',
          },
        );
      }
      target[key] = text;
    }
  }

  create(principal: Principal, body: drive_v3.Schema$File | undefined): DriveFileModel {
    const input = body ?? {};
    const parents = (input.parents ?? []).map((p) => (p === 'root' ? this.rootOf(principal.user) : p));
    for (const parent of parents) {
      const folder = this.files.get(parent);
      const isRoot = parent === this.rootOf(principal.user);
      if (!isRoot && (!folder || !this.appCanAccess(principal, folder))) throw driveFileNotFound(parent);
    }
    const file = this.add({
      name: input.name ?? 'Untitled',
      mimeType: input.mimeType ?? 'application/octet-stream',
      owner: principal.user,
      createdByClient: principal.clientId,
      ...(parents.length ? { parents } : {}),
      ...(input.description != null ? { description: input.description } : {}),
      starred: !!input.starred,
    });
    try {
      this.mergeProperties(file.properties, input.properties, 'properties');
      const mine: Record<string, string> = {};
      this.mergeProperties(mine, input.appProperties, 'appProperties');
      if (Object.keys(mine).length) file.appProperties[principal.clientId] = mine;
      checkPropertyCounts(file, principal.clientId);
    } catch (error) {
      this.files.delete(file.id);
      throw error;
    }
    if (file.mimeType === MIME.spreadsheet) this.hooks.onSpreadsheetCreated(file);
    return file;
  }

  /** The Drive REST routes under /drive/v3/files. */
  handle(request: FakeRequest, principalFor: (method: string, write: boolean) => Principal): FakeResponse {
    const rest = request.path.slice('/drive/v3/files'.length);
    const fileId = rest.startsWith('/') ? decodeURIComponent(rest.slice(1)) : undefined;
    if (fileId?.includes('/')) throw notModelled('drive', `${request.method} ${request.path}`);
    const fields = request.query.get('fields');
    const shape = <T>(value: T, defaults: string): T => {
      try {
        return applyFields(value, parseFields(fields ?? defaults));
      } catch {
        throw apiError('drive', 400, `Invalid field selection ${fields}`, {
          reason: 'invalidParameter',
          location: 'fields',
          locationType: 'parameter',
        });
      }
    };
    const FILE_DEFAULT = 'kind,id,name,mimeType';
    if (fileId === undefined && request.method === 'POST') {
      const principal = principalFor('google.apps.drive.v3.DriveFiles.Create', true);
      const file = this.create(principal, request.body as drive_v3.Schema$File | undefined);
      return { status: 200, body: shape(this.render(file, principal), FILE_DEFAULT) };
    }
    if (fileId === undefined && request.method === 'GET') {
      const principal = principalFor('google.apps.drive.v3.DriveFiles.List', false);
      return {
        status: 200,
        body: shape(
          this.list(request, principal),
          'kind,incompleteSearch,nextPageToken,files(kind,id,name,mimeType)',
        ),
      };
    }
    if (fileId !== undefined && request.method === 'GET') {
      const principal = principalFor('google.apps.drive.v3.DriveFiles.Get', false);
      if (request.query.get('alt') === 'media') {
        throw apiError('drive', 501, 'fake-google does not model file downloads', {
          reason: 'notImplemented',
        });
      }
      return {
        status: 200,
        body: shape(this.render(this.visible(fileId, principal), principal), FILE_DEFAULT),
      };
    }
    if (fileId !== undefined && request.method === 'PATCH') {
      const principal = principalFor('google.apps.drive.v3.DriveFiles.Update', true);
      const file = this.update(this.visible(fileId, principal), principal, request);
      return { status: 200, body: shape(this.render(file, principal), FILE_DEFAULT) };
    }
    if (fileId !== undefined && request.method === 'DELETE') {
      const principal = principalFor('google.apps.drive.v3.DriveFiles.Delete', true);
      const file = this.visible(fileId, principal);
      if (file.owner !== principal.user) {
        throw apiError('drive', 403, 'The user does not have sufficient permissions for this file.', {
          reason: 'insufficientFilePermissions',
        });
      }
      this.files.delete(file.id);
      this.hooks.onDeleted(file);
      return { status: 204 };
    }
    throw notModelled('drive', `${request.method} ${request.path}`);
  }

  /** GET /drive/v3/about: Drive requires `fields` here ("The 'fields' parameter is required for this method."). */
  about(request: FakeRequest, principal: Principal): FakeResponse {
    const fields = request.query.get('fields');
    if (!fields) {
      throw apiError('drive', 400, "The 'fields' parameter is required for this method.", {
        reason: 'required',
        location: 'fields',
        locationType: 'parameter',
      });
    }
    const about: drive_v3.Schema$About = {
      kind: 'drive#about',
      user: {
        kind: 'drive#user',
        displayName: principal.user.split('@')[0] ?? principal.user,
        emailAddress: principal.user,
        me: true,
        permissionId: userNumber(principal.user),
      },
    };
    try {
      return { status: 200, body: applyFields(about, parseFields(fields)) };
    } catch {
      throw apiError('drive', 400, `Invalid field selection ${fields}`, {
        reason: 'invalidParameter',
        location: 'fields',
        locationType: 'parameter',
      });
    }
  }

  private update(file: DriveFileModel, principal: Principal, request: FakeRequest): DriveFileModel {
    const body = (request.body ?? {}) as drive_v3.Schema$File;
    const next = structuredClone(file);
    if (body.name != null) next.name = body.name;
    if (body.description != null) next.description = body.description;
    if (body.starred != null) next.starred = body.starred;
    if (body.trashed != null) next.trashed = body.trashed;
    if (body.mimeType != null && body.mimeType !== file.mimeType) {
      throw apiError('drive', 403, 'The resource body includes fields which are not directly writable.', {
        reason: 'fieldNotWritable',
      });
    }
    this.mergeProperties(next.properties, body.properties, 'properties');
    const mine = { ...(next.appProperties[principal.clientId] ?? {}) };
    this.mergeProperties(mine, body.appProperties, 'appProperties');
    next.appProperties[principal.clientId] = mine;
    checkPropertyCounts(next, principal.clientId);
    const add = request.query.get('addParents');
    const remove = request.query.get('removeParents');
    if (remove) next.parents = next.parents.filter((p) => !remove.split(',').includes(p));
    if (add)
      for (const p of add.split(','))
        if (!next.parents.includes(p)) next.parents.push(p === 'root' ? this.rootOf(principal.user) : p);
    const renamed = next.name !== file.name;
    Object.assign(file, next);
    this.touch(file);
    if (renamed) this.hooks.onRenamed(file);
    return file;
  }

  private list(request: FakeRequest, principal: Principal): drive_v3.Schema$FileList {
    const predicate = compileQuery(request.query.get('q'));
    const pageSize = Number(request.query.get('pageSize') ?? 100);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
      throw apiError(
        'drive',
        400,
        `Invalid value '${request.query.get('pageSize')}'. Values must be within the range: [1, 1000]`,
        {
          reason: 'invalid',
          location: 'pageSize',
          locationType: 'parameter',
        },
      );
    }
    const token = request.query.get('pageToken');
    const offset = token ? Number(Buffer.from(token, 'base64url').toString('utf8').split('|')[0]) : 0;
    if (!Number.isInteger(offset) || offset < 0) {
      throw apiError('drive', 400, 'Invalid Value', {
        reason: 'invalid',
        location: 'pageToken',
        locationType: 'parameter',
      });
    }
    const matches = [...this.files.values()].filter(
      (f) => this.appCanAccess(principal, f) && predicate(this.queryable(f, principal)),
    );
    const orderBy = request.query.get('orderBy');
    if (orderBy) matches.sort(comparator(orderBy));
    const page = matches.slice(offset, offset + pageSize);
    const out: drive_v3.Schema$FileList = {
      kind: 'drive#fileList',
      incompleteSearch: false,
      files: page.map((f) => this.render(f, principal)),
    };
    if (offset + pageSize < matches.length) {
      out.nextPageToken = Buffer.from(`${offset + pageSize}|${request.query.get('q') ?? ''}`).toString(
        'base64url',
      );
    }
    return out;
  }
}

function comparator(orderBy: string): (a: DriveFileModel, b: DriveFileModel) => number {
  const keys = orderBy.split(',').map((part) => {
    const [key, dir] = part.trim().split(/\s+/);
    return { key: key ?? '', desc: dir?.toLowerCase() === 'desc' };
  });
  return (a, b) => {
    for (const { key, desc } of keys) {
      const field = key === 'name_natural' ? 'name' : key === 'folder' ? 'mimeType' : key;
      const av = String((a as unknown as Record<string, unknown>)[field] ?? '');
      const bv = String((b as unknown as Record<string, unknown>)[field] ?? '');
      if (av !== bv) return (av < bv ? -1 : 1) * (desc ? -1 : 1);
    }
    return 0;
  };
}

export function webViewLink(file: DriveFileModel): string {
  if (file.mimeType === MIME.spreadsheet)
    return `https://docs.google.com/spreadsheets/d/${file.id}/edit?usp=drivesdk`;
  if (file.mimeType === MIME.folder) return `https://drive.google.com/drive/folders/${file.id}`;
  return `https://drive.google.com/file/d/${file.id}/view?usp=drivesdk`;
}
