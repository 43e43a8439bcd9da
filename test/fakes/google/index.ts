// Entry point: createFakeGoogle(options) → a stateful fake of Google's OAuth, Sheets, Drive and Apps Script APIs.
import { drive, type drive_v3 } from '@googleapis/drive';
import { script, type script_v1 } from '@googleapis/script';
import { sheets, type sheets_v4 } from '@googleapis/sheets';
import { OAuth2Client } from 'google-auth-library';
import type { CallRecord, FakeServer, FaultPlan } from '../harness.js';
import type { IssuedTokens, IssueTokenOptions } from './auth.js';
import type { QuotaOptions } from './quota.js';
import type { AppsScriptApiMode } from './script.js';
import { createGoogleServer } from './server.js';
import { GoogleState, type GoogleStateOptions } from './state.js';

export { SCOPES, scopeUrl } from './auth.js';
export { MIME } from './drive.js';
export { APPS_SCRIPT_USER_DISABLED_MESSAGE } from './errors.js';
export { FakeClock } from './ids.js';
export type { AppsScriptApiMode } from './script.js';
export type { GoogleState } from './state.js';

export interface FakeGoogleOptions extends GoogleStateOptions {
  /** Sheets' per-minute quota: off by default; `true` = Google's 60/user/min (reads and writes apart), 300/project. */
  quota?: boolean | QuotaOptions;
  /** The Apps Script API switch (default 'enabled'). */
  appsScriptApi?: AppsScriptApiMode;
  /** Sheets request-size limit in bytes (default 2,000,000). */
  maxRequestBytes?: number;
  /** Keep each request's JSON body and query string in `calls` (CallRecord.body/query). */
  recordBodies?: boolean;
}

export interface FakeGoogleClients {
  auth: OAuth2Client;
  sheets: sheets_v4.Sheets;
  drive: drive_v3.Drive;
  script: script_v1.Script;
}

export interface FakeGoogle {
  server: FakeServer;
  state: GoogleState;
  /** http://127.0.0.1:PORT (after listen). */
  readonly baseUrl: string;
  /** baseUrl + "/": what the official clients take as `rootUrl`. */
  readonly rootUrl: string;
  /** The OAuth token endpoint: OAuth2Client `endpoints.oauth2TokenUrl`. */
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Starts serving on 127.0.0.1 (a random free port unless one is given). */
  listen(port?: number): Promise<string>;
  close(): Promise<void>;
  /** A refresh token + live access token for `scopes` (short names like "drive.file" or URLs). */
  issueToken(scopes: readonly string[], options?: IssueTokenOptions): IssuedTokens;
  /**
   * An OAuth2Client wired to the fake token endpoint, holding `tokens` (refreshes through the fake), as
   * the default OAuth client or another registered one (`state.auth.registerClient`).
   */
  oauthClient(tokens?: { refreshToken?: string; accessToken?: string }, clientId?: string): OAuth2Client;
  /** Official clients wired to the fake, authenticated with a fresh token for `scopes`. */
  clients(scopes: readonly string[], options?: IssueTokenOptions): FakeGoogleClients;
  /** Official clients for an existing OAuth2Client. */
  clientsFor(auth: OAuth2Client): FakeGoogleClients;
  setAppsScriptApi(mode: AppsScriptApiMode): void;
  setQuota(options: boolean | QuotaOptions): void;
  /** Switches a whole API off for the Cloud project (403 SERVICE_DISABLED) or back on. */
  setServiceEnabled(api: 'sheets' | 'drive' | 'script', enabled: boolean): void;
  injectFaults(plan: FaultPlan | undefined): void;
  readonly calls: CallRecord[];
  /** Calls whose path matches, e.g. count('POST', /:batchUpdate$/). */
  count(method: string, path: RegExp): number;
  clearLog(): void;
}

/** A fake Google on 127.0.0.1 with the behaviour our installer, push and sync depend on. */
export function createFakeGoogle(options: FakeGoogleOptions = {}): FakeGoogle {
  const state = new GoogleState(options);
  if (options.quota) state.quota.enable(options.quota);
  if (options.appsScriptApi) state.script.mode = options.appsScriptApi;
  if (options.maxRequestBytes !== undefined) state.maxRequestBytes = options.maxRequestBytes;
  const server = createGoogleServer(state);
  server.recordBodies = options.recordBodies ?? false;
  const client = state.auth.defaultClient;

  const fake: FakeGoogle = {
    server,
    state,
    get baseUrl() {
      return server.baseUrl;
    },
    get rootUrl() {
      return `${server.baseUrl}/`;
    },
    get tokenUrl() {
      return `${server.baseUrl}/token`;
    },
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    async listen(port?: number) {
      await state.engine.load();
      return server.listen(port);
    },
    close: () => server.close(),
    issueToken: (scopes, issueOptions) => state.auth.issue(scopes, issueOptions),
    oauthClient(tokens = {}, clientId = client.clientId) {
      const record = state.auth.clients.get(clientId);
      if (!record) throw new Error(`fake-google: OAuth client ${clientId} is not registered`);
      const auth = new OAuth2Client({
        clientId: record.clientId,
        clientSecret: record.clientSecret,
        endpoints: {
          oauth2TokenUrl: fake.tokenUrl,
          tokenInfoUrl: `${server.baseUrl}/tokeninfo`,
          oauth2RevokeUrl: `${server.baseUrl}/revoke`,
        },
      });
      auth.setCredentials({
        ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
        ...(tokens.accessToken ? { access_token: tokens.accessToken } : {}),
      });
      return auth;
    },
    clientsFor(auth) {
      const rootUrl = fake.rootUrl;
      return {
        auth,
        sheets: sheets({ version: 'v4', auth, rootUrl }),
        drive: drive({ version: 'v3', auth, rootUrl }),
        script: script({ version: 'v1', auth, rootUrl }),
      };
    },
    clients(scopes, issueOptions) {
      const tokens = state.auth.issue(scopes, issueOptions);
      return fake.clientsFor(fake.oauthClient({ refreshToken: tokens.refreshToken }, issueOptions?.clientId));
    },
    setAppsScriptApi(mode) {
      state.script.mode = mode;
    },
    setQuota(quota) {
      if (quota) state.quota.enable(quota);
      else state.quota.disable();
    },
    setServiceEnabled(api, enabled) {
      if (enabled) state.disabledServices.delete(api);
      else state.disabledServices.add(api);
    },
    injectFaults: (plan) => server.injectFaults(plan),
    get calls() {
      return server.calls;
    },
    count: (method, path) => server.count(method, path),
    clearLog: () => server.clearLog(),
  };
  return fake;
}
