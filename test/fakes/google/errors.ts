// Google's error bodies (Sheets/Script, Drive with errors[], OAuth's flat form) and the error the fakes throw.
import type { FakeResponse } from '../harness.js';

/** The service a request is for; each has its own error dialect. */
export type GoogleApi = 'sheets' | 'drive' | 'script' | 'oauth';

export interface GoogleErrorItem {
  message: string;
  domain: string;
  reason: string;
  location?: string;
  locationType?: string;
  extendedHelp?: string;
}

/** `{ error: { code, message, status, errors?, details? } }`: what googleapis.com answers on failure. */
export interface GoogleErrorBody {
  error: {
    code: number;
    message: string;
    status?: string;
    errors?: GoogleErrorItem[];
    details?: Record<string, unknown>[];
  };
}

/** A failed request: thrown anywhere in a handler, turned into a response by the router. */
export class GoogleHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    const message =
      (body as GoogleErrorBody | undefined)?.error?.message ??
      (body as { error_description?: string } | undefined)?.error_description ??
      `HTTP ${status}`;
    super(message);
  }

  toResponse(): FakeResponse {
    return { status: this.status, body: this.body, headers: this.headers };
  }
}

/** The canonical gRPC status Google pairs with each HTTP code. */
export function statusFor(code: number): string {
  switch (code) {
    case 400:
      return 'INVALID_ARGUMENT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'ALREADY_EXISTS';
    case 412:
      return 'FAILED_PRECONDITION';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 501:
      return 'UNIMPLEMENTED';
    case 503:
    case 502:
      return 'UNAVAILABLE';
    case 504:
      return 'DEADLINE_EXCEEDED';
    default:
      return code >= 500 ? 'INTERNAL' : 'UNKNOWN';
  }
}

export interface ErrorOptions {
  /** Drive's errors[].reason (e.g. notFound, badRequest, invalid, insufficientPermissions). */
  reason?: string;
  domain?: string;
  location?: string;
  locationType?: string;
  extendedHelp?: string;
  details?: Record<string, unknown>[];
  headers?: Record<string, string>;
  /** Drive omits `status` on most of its own errors (its docs' samples); ESF-level errors carry it. */
  withStatus?: boolean;
  /** Add Drive's errors[] to a Sheets/Script error (as the ESF front end does for some errors). */
  withErrors?: boolean;
  /** errors[].message when it differs from the top-level message (e.g. "Insufficient Permission"). */
  itemMessage?: string;
}

/** An error in the dialect of `api`: Sheets and Script use {code,message,status,details}; Drive adds errors[]. */
export function apiError(
  api: GoogleApi,
  code: number,
  message: string,
  options: ErrorOptions = {},
): GoogleHttpError {
  const drive = api === 'drive';
  const error: GoogleErrorBody['error'] = { code, message };
  if (drive || options.withErrors) {
    const item: GoogleErrorItem = {
      message: options.itemMessage ?? message,
      domain: options.domain ?? 'global',
      reason: options.reason ?? defaultReason(code),
    };
    if (options.location) item.location = options.location;
    if (options.locationType) item.locationType = options.locationType;
    if (options.extendedHelp) item.extendedHelp = options.extendedHelp;
    error.errors = [item];
  }
  if (!drive || options.withStatus) error.status = statusFor(code);
  if (options.details) error.details = options.details;
  return new GoogleHttpError(code, { error }, options.headers ?? {});
}

function defaultReason(code: number): string {
  if (code === 400) return 'badRequest';
  if (code === 401) return 'authError';
  if (code === 403) return 'forbidden';
  if (code === 404) return 'notFound';
  if (code === 429) return 'rateLimitExceeded';
  return 'backendError';
}

/** 400 INVALID_ARGUMENT with Google's message verbatim, e.g. "Unable to parse range: X". */
export function invalidArgument(message: string, api: GoogleApi = 'sheets'): GoogleHttpError {
  return apiError(api, 400, message);
}

/** Sheets' and Script's 404 for an id that does not exist or that the caller may not see. */
export function entityNotFound(api: 'sheets' | 'script'): GoogleHttpError {
  return apiError(api, 404, 'Requested entity was not found.');
}

/** Drive's 404 (docs: "File not found: {fileId}." with location fileId). */
export function driveFileNotFound(fileId: string): GoogleHttpError {
  return apiError('drive', 404, `File not found: ${fileId}.`, {
    reason: 'notFound',
    location: 'fileId',
    locationType: 'parameter',
  });
}

const SERVICE_HOST: Record<Exclude<GoogleApi, 'oauth'>, string> = {
  sheets: 'sheets.googleapis.com',
  drive: 'drive.googleapis.com',
  script: 'script.googleapis.com',
};

const SERVICE_TITLE: Record<Exclude<GoogleApi, 'oauth'>, string> = {
  sheets: 'Google Sheets API',
  drive: 'Google Drive API',
  script: 'Apps Script API',
};

function errorInfo(reason: string, metadata: Record<string, string>): Record<string, unknown> {
  return { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com', metadata };
}

const CREDENTIALS_HELP =
  'Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';

/**
 * 401 UNAUTHENTICATED. Messages as Google words them: "Request is missing required authentication
 * credential. …" without a token, "Request had invalid authentication credentials. …" with a bad or
 * expired one (seen in google-auth-library-nodejs#168 and google-api-php-client#1391).
 */
export function unauthenticated(
  api: Exclude<GoogleApi, 'oauth'>,
  method: string,
  why: 'missing' | 'invalid' | 'expired',
): GoogleHttpError {
  const message =
    why === 'missing'
      ? `Request is missing required authentication credential. ${CREDENTIALS_HELP}`
      : `Request had invalid authentication credentials. ${CREDENTIALS_HELP}`;
  const details =
    why === 'invalid'
      ? undefined
      : [
          errorInfo(why === 'missing' ? 'CREDENTIALS_MISSING' : 'ACCESS_TOKEN_EXPIRED', {
            service: SERVICE_HOST[api],
            method,
          }),
        ];
  return apiError(api, 401, message, {
    withStatus: true,
    reason: why === 'missing' ? 'required' : 'authError',
    itemMessage: why === 'missing' ? 'Login Required.' : 'Invalid Credentials',
    location: 'Authorization',
    locationType: 'header',
    ...(details ? { details } : {}),
    headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
  });
}

/**
 * 403 "Request had insufficient authentication scopes." with ErrorInfo ACCESS_TOKEN_SCOPE_INSUFFICIENT
 * (body as seen in analogdotnow/Analog#296 and GeneralTask/task-manager#2160; Drive adds errors[] with
 * reason insufficientPermissions, m3talstorm/ymi.js#1).
 */
export function insufficientScope(
  api: Exclude<GoogleApi, 'oauth'>,
  method: string,
  acceptedScopes: readonly string[],
): GoogleHttpError {
  return apiError(api, 403, 'Request had insufficient authentication scopes.', {
    withStatus: true,
    reason: 'insufficientPermissions',
    itemMessage: 'Insufficient Permission',
    details: [errorInfo('ACCESS_TOKEN_SCOPE_INSUFFICIENT', { service: SERVICE_HOST[api], method })],
    headers: {
      'www-authenticate': `Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="${acceptedScopes.join(' ')}"`,
    },
  });
}

/**
 * Sheets' per-minute quota: 429 RESOURCE_EXHAUSTED "Quota exceeded for quota metric 'Write requests'
 * and limit 'Write requests per minute per user' of service 'sheets.googleapis.com' for consumer
 * 'project_number:N'." with ErrorInfo RATE_LIMIT_EXCEEDED (Sage-Bionetworks/data_curator#110).
 */
export function quotaExceeded(
  kind: 'read' | 'write',
  scope: 'user' | 'project',
  projectNumber: string,
  retryAfterSeconds: number | undefined,
): GoogleHttpError {
  const metric = kind === 'read' ? 'Read requests' : 'Write requests';
  const limitName = `${metric} per minute${scope === 'user' ? ' per user' : ''}`;
  const quotaLimit = `${kind === 'read' ? 'Read' : 'Write'}RequestsPerMinute${scope === 'user' ? 'PerUser' : ''}`;
  return apiError(
    'sheets',
    429,
    `Quota exceeded for quota metric '${metric}' and limit '${limitName}' of service 'sheets.googleapis.com' for consumer 'project_number:${projectNumber}'.`,
    {
      details: [
        errorInfo('RATE_LIMIT_EXCEEDED', {
          consumer: `projects/${projectNumber}`,
          quota_limit: quotaLimit,
          quota_metric: `sheets.googleapis.com/${kind}_requests`,
          service: 'sheets.googleapis.com',
        }),
        {
          '@type': 'type.googleapis.com/google.rpc.Help',
          links: [
            {
              description: 'Request a higher quota limit.',
              url: 'https://cloud.google.com/docs/quota#requesting_higher_quota',
            },
          ],
        },
      ],
      headers: retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) },
    },
  );
}

/**
 * The Cloud project has not enabled the API: 403 "X API has not been used in project N before or it is
 * disabled. Enable it by visiting …/apis/api/SERVICE/overview?project=N then retry. …" with errors[]
 * reason accessNotConfigured and ErrorInfo SERVICE_DISABLED (deathandmayhem/jolly-roger#1261 for the
 * Apps Script wording, google-gemini/gemini-cli#1343 for the details, ThomasHabets/cmdg#93 for the reason).
 */
export function serviceDisabled(api: Exclude<GoogleApi, 'oauth'>, projectNumber: string): GoogleHttpError {
  const service = SERVICE_HOST[api];
  const url = `https://console.developers.google.com/apis/api/${service}/overview?project=${projectNumber}`;
  const message = `${SERVICE_TITLE[api]} has not been used in project ${projectNumber} before or it is disabled. Enable it by visiting ${url} then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.`;
  return apiError(api, 403, message, {
    withStatus: true,
    withErrors: true,
    domain: 'usageLimits',
    reason: 'accessNotConfigured',
    extendedHelp: 'https://console.developers.google.com',
    details: [
      errorInfo('SERVICE_DISABLED', {
        service,
        serviceTitle: SERVICE_TITLE[api],
        consumer: `projects/${projectNumber}`,
        containerInfo: projectNumber,
        activationUrl: url,
      }),
      {
        '@type': 'type.googleapis.com/google.rpc.Help',
        links: [{ description: 'Google developers console API activation', url }],
      },
    ],
  });
}

/** The exact user-settings wording (googleworkspace/python-samples#79, google/clasp#256 and #1051). */
export const APPS_SCRIPT_USER_DISABLED_MESSAGE =
  'User has not enabled the Apps Script API. Enable it by visiting https://script.google.com/home/usersettings then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.';

/** The user has not switched on the Apps Script API at script.google.com/home/usersettings. */
export function appsScriptUserDisabled(): GoogleHttpError {
  return apiError('script', 403, APPS_SCRIPT_USER_DISABLED_MESSAGE, {
    withErrors: true,
    reason: 'forbidden',
  });
}

/**
 * Over the request-size limit. Google's front end answers 400 INVALID_ARGUMENT "Request payload size
 * exceeds the limit: N bytes." (seen from Firestore, Earth Engine, Vertex). The Sheets docs state no hard
 * limit and recommend ≤2 MB, so the fake enforces the recommendation in that shape.
 */
export function payloadTooLarge(api: Exclude<GoogleApi, 'oauth'>, limitBytes: number): GoogleHttpError {
  return apiError(api, 400, `Request payload size exceeds the limit: ${limitBytes} bytes.`, {
    withStatus: true,
  });
}

/** An OAuth endpoint error: flat `{ error, error_description }` (RFC 6749 §5.2, as Google sends it). */
export function oauthError(status: number, error: string, description: string): GoogleHttpError {
  return new GoogleHttpError(status, { error, error_description: description });
}

/** Bodies for the harness's injected faults, in Google's shape. */
export function faultBody(kind: 'rate_limited' | 'server_error', status: number): GoogleErrorBody {
  if (kind === 'rate_limited') {
    return {
      error: {
        code: status,
        message: 'Resource has been exhausted (e.g. check quota).',
        status: 'RESOURCE_EXHAUSTED',
      },
    };
  }
  const message =
    status === 503
      ? 'The service is currently unavailable.'
      : status === 502
        ? 'Bad Gateway'
        : 'Internal error encountered.';
  return { error: { code: status, message, status: statusFor(status) } };
}

/** A request the fake does not model: loud, so a test never passes by accident. */
export function notModelled(api: GoogleApi, what: string): GoogleHttpError {
  return apiError(api === 'oauth' ? 'sheets' : api, 501, `fake-google does not model ${what}`);
}
