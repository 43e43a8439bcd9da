// OAuth: registered clients, access/refresh tokens mapped to scopes, the token endpoint, and per-call checks.
import type { FakeRequest, FakeResponse } from '../harness.js';

import { type GoogleApi, insufficientScope, oauthError, unauthenticated } from './errors.js';
import { type Clock, type IdSource, userNumber } from './ids.js';

const AUTH = 'https://www.googleapis.com/auth/';

/** The scopes the fakes know, by short name. */
export const SCOPES = {
  drive: `${AUTH}drive`,
  driveFile: `${AUTH}drive.file`,
  driveReadonly: `${AUTH}drive.readonly`,
  driveMetadataReadonly: `${AUTH}drive.metadata.readonly`,
  driveAppdata: `${AUTH}drive.appdata`,
  spreadsheets: `${AUTH}spreadsheets`,
  spreadsheetsReadonly: `${AUTH}spreadsheets.readonly`,
  scriptProjects: `${AUTH}script.projects`,
  scriptProjectsReadonly: `${AUTH}script.projects.readonly`,
  openid: 'openid',
  email: `${AUTH}userinfo.email`,
} as const;

/** "drive.file" → the full scope URL; full URLs and "openid"/"email"/"profile" pass through. */
export function scopeUrl(scope: string): string {
  if (scope.startsWith('https://') || scope === 'openid' || scope === 'email' || scope === 'profile')
    return scope;
  return `${AUTH}${scope}`;
}

export interface OAuthClientRecord {
  clientId: string;
  clientSecret: string;
}

export interface AccessTokenRecord {
  token: string;
  user: string;
  clientId: string;
  scopes: string[];
  expiresAt: number;
  refreshToken?: string;
}

export interface RefreshTokenRecord {
  token: string;
  user: string;
  clientId: string;
  scopes: string[];
  revoked: boolean;
}

interface CodeRecord {
  code: string;
  user: string;
  clientId: string;
  scopes: string[];
  redirectUri?: string;
  used: boolean;
}

/** Who is calling: the user, the OAuth client (the "app" of drive.file), and the granted scopes. */
export interface Principal {
  user: string;
  clientId: string;
  scopes: ReadonlySet<string>;
  token: string;
}

export interface IssueTokenOptions {
  user?: string;
  clientId?: string;
  /** Access-token lifetime; Google's is 3599 s. */
  expiresInSeconds?: number;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
  scopes: string[];
}

/** Every token and client the fake Google knows. */
export class AuthState {
  readonly clients = new Map<string, OAuthClientRecord>();
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  private readonly codes = new Map<string, CodeRecord>();

  constructor(
    private readonly ids: IdSource,
    private readonly clock: Clock,
    readonly defaultClient: OAuthClientRecord,
    readonly defaultUser: string,
  ) {
    this.clients.set(defaultClient.clientId, defaultClient);
  }

  registerClient(clientId: string, clientSecret: string): OAuthClientRecord {
    const client = { clientId, clientSecret };
    this.clients.set(clientId, client);
    return client;
  }

  /** A refresh token and a live access token with `scopes` (short names or URLs). */
  issue(scopes: readonly string[], options: IssueTokenOptions = {}): IssuedTokens {
    const refresh = this.issueRefreshToken(scopes, options);
    const access = this.issueAccessToken(refresh, options.expiresInSeconds);
    return {
      accessToken: access.token,
      refreshToken: refresh.token,
      expiresAt: access.expiresAt,
      scopes: refresh.scopes,
    };
  }

  issueRefreshToken(scopes: readonly string[], options: IssueTokenOptions = {}): RefreshTokenRecord {
    const record: RefreshTokenRecord = {
      token: this.ids.token('1//fake-'),
      user: options.user ?? this.defaultUser,
      clientId: options.clientId ?? this.defaultClient.clientId,
      scopes: [...new Set(scopes.map(scopeUrl))],
      revoked: false,
    };
    this.refreshTokens.set(record.token, record);
    return record;
  }

  /** An authorization code for the installed-app flow (what the consent screen would hand back). */
  authorizationCode(
    scopes: readonly string[],
    options: IssueTokenOptions & { redirectUri?: string } = {},
  ): string {
    const code = this.ids.token('4/fake-');
    this.codes.set(code, {
      code,
      user: options.user ?? this.defaultUser,
      clientId: options.clientId ?? this.defaultClient.clientId,
      scopes: [...new Set(scopes.map(scopeUrl))],
      ...(options.redirectUri ? { redirectUri: options.redirectUri } : {}),
      used: false,
    });
    return code;
  }

  /** Revokes a refresh token (and its access tokens) or a single access token. */
  revoke(token: string): boolean {
    const refresh = this.refreshTokens.get(token);
    if (refresh) {
      refresh.revoked = true;
      for (const [key, access] of this.accessTokens)
        if (access.refreshToken === token) this.accessTokens.delete(key);
      return true;
    }
    return this.accessTokens.delete(token);
  }

  /** Expires an access token now (the next API call with it answers 401). */
  expire(accessToken: string): void {
    const record = this.accessTokens.get(accessToken);
    if (record) record.expiresAt = this.clock.now() - 1;
  }

  private issueAccessToken(refresh: RefreshTokenRecord, expiresInSeconds = 3599): AccessTokenRecord {
    const record: AccessTokenRecord = {
      token: this.ids.token('ya29.fake-'),
      user: refresh.user,
      clientId: refresh.clientId,
      scopes: refresh.scopes,
      expiresAt: this.clock.now() + expiresInSeconds * 1000,
      refreshToken: refresh.token,
    };
    this.accessTokens.set(record.token, record);
    return record;
  }

  /** POST /token, GET|POST /tokeninfo, POST /revoke: the OAuth endpoints google-auth-library calls. */
  handle(request: FakeRequest): FakeResponse | undefined {
    if (request.path === '/token' && request.method === 'POST') return this.token(formOf(request));
    if (request.path === '/tokeninfo') return this.tokenInfo(request);
    if (
      (request.path === '/v1/userinfo' || request.path === '/oauth2/v3/userinfo') &&
      request.method === 'GET'
    ) {
      return this.userInfo(request);
    }
    if ((request.path === '/revoke' || request.path === '/o/oauth2/revoke') && request.method === 'POST') {
      const form = formOf(request);
      const token = request.query.get('token') ?? form.get('token') ?? '';
      if (!this.revoke(token)) throw oauthError(400, 'invalid_token', 'Token expired or revoked');
      return { status: 200, body: {} };
    }
    return undefined;
  }

  private client(form: URLSearchParams, headers: Record<string, string>): OAuthClientRecord {
    let clientId = form.get('client_id') ?? '';
    let secret = form.get('client_secret') ?? '';
    const basic = /^Basic (.+)$/i.exec(headers.authorization ?? '');
    if (basic?.[1]) {
      const [id, sec] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
      clientId = decodeURIComponent(id ?? '');
      secret = decodeURIComponent(sec ?? '');
    }
    const client = this.clients.get(clientId);
    if (!client) throw oauthError(401, 'invalid_client', 'The OAuth client was not found.');
    if (client.clientSecret !== secret) throw oauthError(401, 'invalid_client', 'Unauthorized');
    return client;
  }

  private token(form: URLSearchParams & { headers?: Record<string, string> }): FakeResponse {
    const grant = form.get('grant_type');
    if (!grant) throw oauthError(400, 'unsupported_grant_type', 'Invalid grant_type: ');
    if (grant !== 'refresh_token' && grant !== 'authorization_code') {
      throw oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grant}`);
    }
    const client = this.client(form, form.headers ?? {});
    if (grant === 'refresh_token') {
      const token = form.get('refresh_token');
      if (!token) throw oauthError(400, 'invalid_request', 'Missing required parameter: refresh_token');
      const refresh = this.refreshTokens.get(token);
      if (!refresh || refresh.revoked)
        throw oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
      if (refresh.clientId !== client.clientId) throw oauthError(401, 'unauthorized_client', 'Unauthorized');
      const access = this.issueAccessToken(refresh);
      return { status: 200, body: tokenBody(access, this.clock.now()) };
    }
    const code = form.get('code') ?? '';
    const record = this.codes.get(code);
    if (!record || record.used || record.clientId !== client.clientId) {
      throw oauthError(400, 'invalid_grant', 'Malformed auth code.');
    }
    const redirect = form.get('redirect_uri');
    if (record.redirectUri && redirect !== record.redirectUri) {
      throw oauthError(400, 'redirect_uri_mismatch', 'Bad Request');
    }
    record.used = true;
    const refresh = this.issueRefreshToken(record.scopes, { user: record.user, clientId: record.clientId });
    const access = this.issueAccessToken(refresh);
    return { status: 200, body: { ...tokenBody(access, this.clock.now()), refresh_token: refresh.token } };
  }

  private tokenInfo(request: FakeRequest): FakeResponse {
    const form = formOf(request);
    const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const token = request.query.get('access_token') ?? form.get('access_token') ?? bearer ?? '';
    const record = this.accessTokens.get(token);
    if (!record || record.expiresAt <= this.clock.now()) {
      throw oauthError(400, 'invalid_token', 'Invalid Value');
    }
    const expiresIn = Math.floor((record.expiresAt - this.clock.now()) / 1000);
    return {
      status: 200,
      body: {
        azp: record.clientId,
        aud: record.clientId,
        scope: record.scopes.join(' '),
        exp: String(Math.floor(record.expiresAt / 1000)),
        expires_in: String(expiresIn),
        email: record.user,
        email_verified: 'true',
        access_type: 'offline',
      },
    };
  }

  /** OpenID userinfo (openidconnect.googleapis.com/v1/userinfo): the signed-in user, for `login google`. */
  private userInfo(request: FakeRequest): FakeResponse {
    const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
    const record = this.accessTokens.get(bearer);
    if (!record || record.expiresAt <= this.clock.now()) {
      return {
        status: 401,
        body: { error: 'invalid_request', error_description: 'Invalid Credentials' },
        headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
      };
    }
    const body: Record<string, unknown> = { sub: userNumber(record.user) };
    if (record.scopes.includes('email') || record.scopes.includes(SCOPES.email)) {
      body.email = record.user;
      body.email_verified = true;
    }
    return { status: 200, body };
  }

  /**
   * Checks the bearer token of an API call: unknown or expired → 401 UNAUTHENTICATED; none of
   * `acceptedScopes` granted → 403 PERMISSION_DENIED (ACCESS_TOKEN_SCOPE_INSUFFICIENT).
   */
  authenticate(
    request: FakeRequest,
    api: Exclude<GoogleApi, 'oauth'>,
    method: string,
    acceptedScopes: readonly string[],
  ): Principal {
    const header = request.headers.authorization ?? '';
    const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1] ?? request.query.get('access_token') ?? undefined;
    if (!bearer) throw unauthenticated(api, method, 'missing');
    const record = this.accessTokens.get(bearer);
    if (!record) throw unauthenticated(api, method, 'invalid');
    if (record.expiresAt <= this.clock.now()) throw unauthenticated(api, method, 'expired');
    const refresh = record.refreshToken ? this.refreshTokens.get(record.refreshToken) : undefined;
    if (refresh?.revoked) throw unauthenticated(api, method, 'invalid');
    const scopes = new Set(record.scopes);
    if (!acceptedScopes.some((s) => scopes.has(s))) throw insufficientScope(api, method, acceptedScopes);
    return { user: record.user, clientId: record.clientId, scopes, token: bearer };
  }
}

function tokenBody(access: AccessTokenRecord, now: number): Record<string, unknown> {
  return {
    access_token: access.token,
    expires_in: Math.round((access.expiresAt - now) / 1000),
    scope: access.scopes.join(' '),
    token_type: 'Bearer',
  };
}

/** The form body of an OAuth call (application/x-www-form-urlencoded), with the headers attached. */
function formOf(request: FakeRequest): URLSearchParams & { headers?: Record<string, string> } {
  const form: URLSearchParams & { headers?: Record<string, string> } = new URLSearchParams(
    request.rawBody && !request.rawBody.trimStart().startsWith('{') ? request.rawBody : '',
  );
  if (request.body && typeof request.body === 'object') {
    for (const [k, v] of Object.entries(request.body as Record<string, unknown>)) {
      if (typeof v === 'string') form.set(k, v);
    }
  }
  form.headers = request.headers;
  return form;
}
