// Routing for the fake Google: OAuth endpoints, Sheets v4, Drive v3 and Apps Script v1 on one loopback server.
import { type FakeRequest, type FakeResponse, FakeServer } from '../harness.js';
import { SCOPES } from './auth.js';
import { DRIVE_SCOPES } from './drive.js';
import {
  apiError,
  faultBody,
  GoogleHttpError,
  notModelled,
  payloadTooLarge,
  serviceDisabled,
} from './errors.js';
import { handleSheets } from './sheets-api.js';
import type { GoogleState } from './state.js';

const SHEETS_READ = [
  SCOPES.drive,
  SCOPES.driveFile,
  SCOPES.driveReadonly,
  SCOPES.spreadsheets,
  SCOPES.spreadsheetsReadonly,
];
const SHEETS_WRITE = [SCOPES.drive, SCOPES.driveFile, SCOPES.spreadsheets];
const SCRIPT_READ = [SCOPES.scriptProjects, SCOPES.scriptProjectsReadonly];
const SCRIPT_WRITE = [SCOPES.scriptProjects];

/** Which service a path belongs to. */
export function apiOf(path: string): 'oauth' | 'sheets' | 'drive' | 'script' | undefined {
  if (path === '/token' || path === '/tokeninfo' || path === '/revoke' || path === '/o/oauth2/revoke')
    return 'oauth';
  if (path.startsWith('/v4/spreadsheets')) return 'sheets';
  if (path.startsWith('/drive/v3/') || path.startsWith('/upload/drive/v3/')) return 'drive';
  if (path.startsWith('/v1/projects')) return 'script';
  return undefined;
}

function route(request: FakeRequest, state: GoogleState): FakeResponse {
  const api = apiOf(request.path);
  if (api === 'oauth') {
    const response = state.auth.handle(request);
    if (response) return response;
    throw notModelled('oauth', `${request.method} ${request.path}`);
  }
  if (!api) throw notModelled('sheets', `${request.method} ${request.path}`);
  if (api === 'sheets' && Buffer.byteLength(request.rawBody) > state.maxRequestBytes) {
    throw payloadTooLarge('sheets', state.maxRequestBytes);
  }
  if (api === 'sheets') {
    return handleSheets(request, state, (method, write) => {
      const principal = state.auth.authenticate(
        request,
        'sheets',
        method,
        write ? SHEETS_WRITE : SHEETS_READ,
      );
      if (state.disabledServices.has('sheets')) throw serviceDisabled('sheets', state.projectNumber);
      return principal;
    });
  }
  if (api === 'drive') {
    if (request.path.startsWith('/upload/')) {
      throw apiError('drive', 501, 'fake-google does not model media uploads', { reason: 'notImplemented' });
    }
    if (request.path === '/drive/v3/about' && request.method === 'GET') {
      const principal = state.auth.authenticate(
        request,
        'drive',
        'google.apps.drive.v3.DriveAbout.Get',
        DRIVE_SCOPES.read,
      );
      if (state.disabledServices.has('drive')) throw serviceDisabled('drive', state.projectNumber);
      return state.drive.about(request, principal);
    }
    if (!request.path.startsWith('/drive/v3/files')) {
      throw apiError('drive', 501, `fake-google does not model ${request.path}`, {
        reason: 'notImplemented',
      });
    }
    return state.drive.handle(request, (method, write) => {
      const principal = state.auth.authenticate(
        request,
        'drive',
        method,
        write ? DRIVE_SCOPES.write : DRIVE_SCOPES.read,
      );
      if (state.disabledServices.has('drive')) throw serviceDisabled('drive', state.projectNumber);
      return principal;
    });
  }
  return state.script.handle(request, (method, write) => {
    const principal = state.auth.authenticate(request, 'script', method, write ? SCRIPT_WRITE : SCRIPT_READ);
    if (state.disabledServices.has('script')) throw serviceDisabled('script', state.projectNumber);
    state.script.checkEnabled();
    return principal;
  });
}

/** The loopback server (harness FakeServer: call log, fault injection) serving every fake Google API. */
export function createGoogleServer(state: GoogleState): FakeServer {
  return new FakeServer(
    'google',
    (request) => {
      try {
        return route(request, state);
      } catch (error) {
        if (error instanceof GoogleHttpError) return error.toResponse();
        throw error;
      }
    },
    {
      faultBody,
      // Creates whose retry would duplicate: POSTs that make something (not reads like developerMetadata:search).
      isCreate: (request) =>
        request.method === 'POST' &&
        (request.path === '/v4/spreadsheets' ||
          request.path === '/drive/v3/files' ||
          request.path === '/v1/projects' ||
          request.path.endsWith(':append')),
    },
  );
}
