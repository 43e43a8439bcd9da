// Apps Script API: projects.create (bound via parentId), get, getContent, updateContent, and the "API disabled" switch.
import type { script_v1 } from '@googleapis/script';
import type { FakeRequest, FakeResponse } from '../harness.js';
import type { Principal } from './auth.js';
import {
  appsScriptUserDisabled,
  entityNotFound,
  invalidArgument,
  notModelled,
  serviceDisabled,
} from './errors.js';
import type { Clock, IdSource } from './ids.js';

/** What projects.create puts in a new project: no script files, a base manifest (per the API reference). */
export const BASE_MANIFEST = JSON.stringify({
  timeZone: 'America/New_York',
  dependencies: {},
  exceptionLogging: 'STACKDRIVER',
  runtimeVersion: 'V8',
});

const FILE_TYPES = new Set(['SERVER_JS', 'HTML', 'JSON']);

export interface ScriptProjectModel {
  project: script_v1.Schema$Project;
  files: script_v1.Schema$File[];
  /** Every updateContent body, in order (tests check what was pushed). */
  pushes: script_v1.Schema$File[][];
}

/**
 * Whether the Apps Script API answers: 'enabled'; 'userSettingDisabled' (the user has not switched it on
 * at script.google.com/home/usersettings: 403 "User has not enabled the Apps Script API…"); or
 * 'serviceDisabled' (the Cloud project has not enabled script.googleapis.com: 403 SERVICE_DISABLED,
 * "Apps Script API has not been used in project N before or it is disabled…").
 */
export type AppsScriptApiMode = 'enabled' | 'userSettingDisabled' | 'serviceDisabled';

export class ScriptState {
  readonly projects = new Map<string, ScriptProjectModel>();
  mode: AppsScriptApiMode = 'enabled';

  constructor(
    private readonly ids: IdSource,
    private readonly clock: Clock,
    private readonly projectNumber: () => string,
    /** Whether `principal` may bind a project to the Drive file `parentId`. */
    private readonly parentExists: (principal: Principal, parentId: string) => boolean,
  ) {}

  /** The projects bound to a Drive file (a spreadsheet may have several). */
  boundTo(parentId: string): ScriptProjectModel[] {
    return [...this.projects.values()].filter((p) => p.project.parentId === parentId);
  }

  private user(principal: Principal): script_v1.Schema$GoogleAppsScriptTypeUser {
    return { email: principal.user, name: principal.user.split('@')[0] ?? principal.user };
  }

  /** Routes under /v1/projects. */
  handle(request: FakeRequest, principalFor: (method: string, write: boolean) => Principal): FakeResponse {
    const m = /^\/v1\/projects(?:\/([^/]+)(\/content)?)?$/.exec(request.path);
    if (!m) throw notModelled('script', `${request.method} ${request.path}`);
    const scriptId = m[1] ? decodeURIComponent(m[1]) : undefined;
    const content = !!m[2];
    if (!scriptId && request.method === 'POST')
      return this.create(
        request,
        principalFor('google.apps.script.management.v1.ProjectsService.CreateProject', true),
      );
    if (scriptId && !content && request.method === 'GET') {
      const principal = principalFor('google.apps.script.management.v1.ProjectsService.GetProject', false);
      return { status: 200, body: structuredClone(this.find(scriptId, principal).project) };
    }
    if (scriptId && content && request.method === 'GET') {
      const principal = principalFor('google.apps.script.management.v1.ProjectsService.GetContent', false);
      const project = this.find(scriptId, principal);
      const body: script_v1.Schema$Content = { scriptId, files: structuredClone(project.files) };
      return { status: 200, body };
    }
    if (scriptId && content && request.method === 'PUT') {
      const principal = principalFor('google.apps.script.management.v1.ProjectsService.UpdateContent', true);
      return this.updateContent(this.find(scriptId, principal), request.body, principal);
    }
    throw notModelled('script', `${request.method} ${request.path}`);
  }

  /** The switch: called after authentication, before any project is touched. */
  checkEnabled(): void {
    if (this.mode === 'userSettingDisabled') throw appsScriptUserDisabled();
    if (this.mode === 'serviceDisabled') throw serviceDisabled('script', this.projectNumber());
  }

  private find(scriptId: string, principal: Principal): ScriptProjectModel {
    const project = this.projects.get(scriptId);
    if (!project || project.project.creator?.email !== principal.user) throw entityNotFound('script');
    return project;
  }

  private create(request: FakeRequest, principal: Principal): FakeResponse {
    const body = (request.body ?? {}) as script_v1.Schema$CreateProjectRequest;
    for (const key of Object.keys(body)) {
      if (key !== 'title' && key !== 'parentId') {
        throw invalidArgument(
          `Invalid JSON payload received. Unknown name "${key}": Cannot find field.`,
          'script',
        );
      }
    }
    if (body.parentId && !this.parentExists(principal, body.parentId)) throw entityNotFound('script');
    const now = new Date(this.clock.now()).toISOString();
    const user = this.user(principal);
    const project: script_v1.Schema$Project = {
      scriptId: this.ids.scriptId(),
      title: body.title ?? 'Untitled project',
      createTime: now,
      updateTime: now,
      creator: user,
      lastModifyUser: user,
    };
    if (body.parentId) project.parentId = body.parentId;
    const manifest: script_v1.Schema$File = {
      name: 'appsscript',
      type: 'JSON',
      source: BASE_MANIFEST,
      createTime: now,
      updateTime: now,
      lastModifyUser: user,
    };
    this.projects.set(project.scriptId!, { project, files: [manifest], pushes: [] });
    return { status: 200, body: structuredClone(project) };
  }

  private updateContent(model: ScriptProjectModel, body: unknown, principal: Principal): FakeResponse {
    const input = (body ?? {}) as script_v1.Schema$Content;
    const files = input.files ?? [];
    const names = new Set<string>();
    for (const [i, file] of files.entries()) {
      if (!file.name)
        throw invalidArgument(
          `Invalid value at 'content.files[${i}].name': a file name is required.`,
          'script',
        );
      if (!file.type || !FILE_TYPES.has(file.type)) {
        throw invalidArgument(
          `Invalid value at 'content.files[${i}].type' (type.googleapis.com/google.apps.script.type.FileType), "${file.type ?? ''}"`,
          'script',
        );
      }
      const key = file.name.toLowerCase();
      if (names.has(key)) throw invalidArgument(`Duplicate file name: ${file.name}.`, 'script');
      names.add(key);
      if (file.type === 'JSON' && file.name !== 'appsscript') {
        throw invalidArgument(
          `Only the manifest file (appsscript) may be of type JSON, not ${file.name}.`,
          'script',
        );
      }
    }
    const manifest = files.find((f) => f.name === 'appsscript' && f.type === 'JSON');
    // Wording from clasp push failures (labnol/apps-script-starter#2, google/clasp#994).
    if (!manifest)
      throw invalidArgument('Project contents must include a manifest file named appsscript.', 'script');
    try {
      JSON.parse(manifest.source ?? '');
    } catch {
      throw invalidArgument('Invalid manifest: the appsscript.json file is not valid JSON.', 'script');
    }
    const now = new Date(this.clock.now()).toISOString();
    const user = this.user(principal);
    model.files = files.map((f) => {
      const stored: script_v1.Schema$File = {
        name: f.name!,
        type: f.type!,
        source: f.source ?? '',
        createTime: model.files.find((old) => old.name === f.name)?.createTime ?? now,
        updateTime: now,
        lastModifyUser: user,
      };
      if (f.type === 'SERVER_JS')
        stored.functionSet = { values: topLevelFunctions(f.source ?? '').map((name) => ({ name })) };
      return stored;
    });
    model.pushes.push(structuredClone(files));
    model.project.updateTime = now;
    model.project.lastModifyUser = user;
    const response: script_v1.Schema$Content = {
      scriptId: model.project.scriptId!,
      files: structuredClone(model.files),
    };
    return { status: 200, body: response };
  }
}

/** The top-level `function name(` declarations of a server file (what functionSet lists). */
function topLevelFunctions(source: string): string[] {
  return [...source.matchAll(/^(?:async\s+)?function\s+([A-Za-z_$][\w$]*)\s*\(/gm)].map((m) => m[1]!);
}
