// The one wrapper around the Google APIs the Sheets target uses: our retry layer, timeouts, errors mapped to PnError.
import { drive, type drive_v3 } from '@googleapis/drive';
import { script, type script_v1 } from '@googleapis/script';
import { sheets, type sheets_v4 } from '@googleapis/sheets';
import type { Credentials, OAuth2Client } from 'google-auth-library';
import { PnError } from '../../platform/errors.js';
import { type HttpFailure, type RetryHooks, type RetryPolicy, withRetry } from '../../platform/retry.js';
import { type Clock, realClock } from '../../platform/throttle.js';
import {
  type GoogleErrorBody,
  googleError,
  googleMessage,
  isPayloadTooLarge,
  type ResponseLike,
  responseOf,
} from './google-errors.js';

export { isPayloadTooLarge };

/** Where each user switches the Apps Script API on for their account (403 "User has not enabled …"). */
export const APPS_SCRIPT_SETTINGS_URL = 'https://script.google.com/home/usersettings';

/** How long one Google request may take before it is abandoned (and retried, or looked up, or reported). */
export const DEFAULT_GOOGLE_TIMEOUT_MS = 60_000;

function headerOf(headers: ResponseLike['headers'], name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof headers.get === 'function') return headers.get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value;
}

/** Retry-After as seconds: delta-seconds, or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterSeconds(raw: string | undefined, now: number = Date.now()): number | undefined {
  const text = raw?.trim();
  if (!text) return undefined;
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text);
  const date = Date.parse(text);
  return Number.isFinite(date) ? Math.max(0, Math.ceil((date - now) / 1000)) : undefined;
}

/** A 2xx whose body is not what the method returns (empty, truncated, an HTML page): retried on reads. */
export class MalformedResponse extends Error {
  constructor(readonly data: unknown) {
    super('Google sent an unreadable answer');
    this.name = 'MalformedResponse';
  }

  /** The body as text (a truncated JSON body may still hold what was created). */
  get text(): string {
    return typeof this.data === 'string' ? this.data : (JSON.stringify(this.data) ?? '');
  }
}

type FailureKind = 'http' | 'timeout' | 'network' | 'malformed';

interface Failure {
  kind: FailureKind;
  status?: number;
  /** The network error code (ECONNRESET …) or TimeoutError. */
  code?: string;
  retryAfterSeconds?: number;
}

const NETWORK_CODES =
  /^(?:ECONNRESET|ETIMEDOUT|ECONNREFUSED|ECONNABORTED|EPIPE|EAI_AGAIN|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|UND_ERR\w*)$/;

/** The error codes along an error's cause chain (node-fetch and undici put the socket's code on a cause). */
function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

/** What went wrong with one Google request, or null when it is not a failure of the request itself. */
function failureOf(error: unknown): Failure | null {
  // Already mapped (a failed token refresh before the request was sent): final, and nothing was written.
  if (error instanceof PnError) return null;
  if (error instanceof MalformedResponse) return { kind: 'malformed' };
  const response = responseOf(error);
  if (response?.status) {
    return {
      kind: 'http',
      status: response.status,
      retryAfterSeconds: retryAfterSeconds(headerOf(response.headers, 'retry-after')),
    };
  }
  const codes = codesOf(error);
  if (codes.includes('TimeoutError')) return { kind: 'timeout', code: 'TimeoutError' };
  const network = codes.find((c) => NETWORK_CODES.test(c));
  if (network) return { kind: 'network', code: network };
  if (error instanceof Error && /^(?:fetch failed|socket hang up)$/i.test(error.message))
    return { kind: 'network', code: 'connection failed' };
  return null;
}

/** The host could not be reached at all (DNS, refused, offline): nothing was sent, and waiting will not help. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function isUnreachable(failure: Failure | null): boolean {
  return failure?.kind === 'network' && UNREACHABLE_CODES.has(failure.code ?? '');
}

function asHttpFailure(failure: Failure | null): HttpFailure | null {
  if (!failure) return null;
  return {
    status: failure.kind === 'http' ? failure.status : undefined,
    retryAfterSeconds: failure.retryAfterSeconds,
    ...(isUnreachable(failure) ? { unreachable: true } : {}),
  };
}

/** Google could not be reached at all: said at once, with what to check. */
function unreachable(failure: Failure, doing: string, error: unknown): PnError {
  return new PnError('UNREACHABLE', `cannot reach Google (${failure.code}) while ${doing}`, {
    hint: 'check the network connection, DNS or proxy, then run the same command again: nothing was changed by this step',
    cause: error,
  });
}

/** For the retry layer: HTTP status and Retry-After; timeouts, resets and unreadable bodies as network failures. */
export function classifyGoogle(error: unknown): HttpFailure | null {
  return asHttpFailure(failureOf(error));
}

/** A token endpoint answer that google-auth-library could not use (a truncated or empty body) is unreadable. */
function classifyToken(error: unknown): HttpFailure | null {
  const failure = failureOf(error);
  if (failure) return asHttpFailure(failure);
  if (error instanceof TypeError || error instanceof SyntaxError) return asHttpFailure({ kind: 'malformed' });
  return null;
}

/**
 * A write whose effect Google did not confirm: it may or may not have happened. A host that could not be reached
 * at all (refused, no DNS, offline) received nothing, so there is nothing to look for: it is said at once.
 */
function outcomeUnknown(failure: Failure): boolean {
  if (isUnreachable(failure)) return false;
  return failure.kind !== 'http' || (failure.status !== undefined && failure.status >= 500);
}

function describeBody(data: unknown): string {
  if (typeof data === 'string') {
    if (!data.trim()) return 'an empty answer';
    if (/^\s*</.test(data)) return 'an HTML page, not an API answer';
    return 'an answer that is not Google JSON';
  }
  return 'no error details';
}

/** What happened, in a few words, for a failure that is not an HTTP error (or has no Google message). */
function describeFailure(failure: Failure, data: unknown, timeoutMs: number): string {
  switch (failure.kind) {
    case 'timeout':
      return `no answer within ${timeoutMs / 1000} s`;
    case 'network':
      return `the connection failed (${failure.code})`;
    case 'malformed':
      return 'an unreadable answer';
    default:
      return `HTTP ${failure.status}, ${describeBody(data)}`;
  }
}

const RERUN = 'run the same command again: it resumes where it stopped';

/**
 * Google's errors as one line that says what was being done, what to do, and that a rerun is safe. Only a
 * Google JSON error's message is quoted; an HTML page, a truncated body or a token endpoint's answer never is.
 */
export function mapGoogleError(
  error: unknown,
  doing: string,
  timeoutMs = DEFAULT_GOOGLE_TIMEOUT_MS,
): PnError {
  if (error instanceof PnError) return error;
  const response = responseOf(error);
  const failure = failureOf(error);
  if (failure && isUnreachable(failure)) return unreachable(failure, doing, error);
  const body = googleError(response?.data);
  const message = googleMessage(response?.data) ?? '';
  const reasons = [...(body?.errors ?? []), ...(body?.details ?? [])].map((e) => e.reason ?? '');
  if (response?.status === 401) {
    return new PnError('AUTH_FAILED', `Google rejected the credentials while ${doing}`, {
      hint: 'run `partnernomics login google` again',
      cause: error,
    });
  }
  // Two different switches answer 403: the API in the OAuth client's Cloud project (an admin enables it in
  // the Cloud console), and the per-user Apps Script API setting (each user turns it on for themselves).
  const disabled = response?.status === 403 ? disabledService(body, message) : null;
  if (disabled) {
    return new PnError(
      'API_ERROR',
      `the ${disabled.title} is not enabled in the Google Cloud project of the OAuth client (${doing})`,
      {
        hint: `enable it at ${disabled.url ?? 'the Google Cloud console (APIs & Services → Library), in the project that owns the OAuth client'}, wait a few minutes, then run the same command again`,
        cause: error,
      },
    );
  }
  if (
    response?.status === 403 &&
    /User has not enabled the Apps Script API|script\.google\.com\/home\/usersettings/i.test(message)
  ) {
    return new PnError(
      'API_ERROR',
      `the Apps Script API is switched off in this Google account's Apps Script settings (${doing})`,
      {
        hint: `turn it on at ${APPS_SCRIPT_SETTINGS_URL} (Google Apps Script API → On), wait a minute, then run install again`,
        cause: error,
      },
    );
  }
  if (response?.status === 429) {
    return new PnError(
      'API_ERROR',
      `Google's per-user quota (60 Sheets requests a minute) kept being exceeded while ${doing}`,
      { hint: 'wait a minute and run the same command again: it resumes where it stopped', cause: error },
    );
  }
  if (response?.status === 403 && reasons.some((r) => /SCOPE_INSUFFICIENT/i.test(r))) {
    return new PnError('AUTH_FAILED', `the Google login lacks a permission needed for ${doing}`, {
      hint: 'run `partnernomics login google` again and accept every permission it asks for',
      cause: error,
    });
  }
  if (failure?.kind === 'http' && message) {
    return new PnError('API_ERROR', `Google answered ${failure.status} while ${doing}: ${message}`, {
      hint: `${RERUN}; add --debug for details`,
      cause: error,
    });
  }
  if (failure) {
    const what = describeFailure(failure, response?.data, timeoutMs);
    return new PnError('API_ERROR', `Google failed while ${doing} (${what})`, { hint: RERUN, cause: error });
  }
  // Not an API answer at all (a failure inside the client library): name it, never its message.
  const name = error instanceof Error ? error.name : typeof error;
  return new PnError('API_ERROR', `the Google client failed while ${doing} (${name})`, {
    hint: `${RERUN}; add --debug for details`,
    cause: error,
  });
}

/** A failure of the OAuth token endpoint as one line: never its body, which may hold a live token. */
function mapTokenError(error: unknown, doing: string, timeoutMs: number): PnError {
  if (error instanceof PnError) return error;
  const response = responseOf(error);
  const oauthError =
    typeof response?.data === 'object' && response.data !== null
      ? (response.data as { error?: unknown }).error
      : undefined;
  const failure = failureOf(error);
  if (
    oauthError === 'invalid_grant' ||
    (!failure && error instanceof Error && /refresh token/i.test(error.message))
  ) {
    return new PnError('AUTH_FAILED', 'Google no longer accepts the stored login', {
      hint: 'run `partnernomics login google` again',
      cause: error,
    });
  }
  if (oauthError === 'invalid_client' || oauthError === 'unauthorized_client') {
    return new PnError('AUTH_FAILED', 'Google does not accept the OAuth client of the stored login', {
      hint: 'run `partnernomics login google --client-file <OAuth client JSON>` again with the Desktop-app client',
      cause: error,
    });
  }
  if (response?.status === 429) {
    return new PnError(
      'API_ERROR',
      `Google's quota for refreshing logins kept being exceeded while refreshing the login (for ${doing})`,
      {
        hint: 'wait a minute and run the same command again: nothing was changed by this step',
        cause: error,
      },
    );
  }
  if (failure && isUnreachable(failure))
    return unreachable(failure, `refreshing the login for ${doing}`, error);
  const what = failure ? describeFailure(failure, response?.data, timeoutMs) : 'an unreadable answer';
  return new PnError(
    'API_ERROR',
    `Google's sign-in service failed while refreshing the login for ${doing} (${what})`,
    {
      hint: 'run the same command again: nothing was changed by this step',
      cause: error,
    },
  );
}

/**
 * An API switched off in the Google Cloud project that owns the OAuth client: 403 with ErrorInfo reason
 * SERVICE_DISABLED (errors[] reason accessNotConfigured), "X API has not been used in project N before or it
 * is disabled. Enable it by visiting <activation URL> …". Returns the API's name and that URL.
 */
function disabledService(
  body: GoogleErrorBody['error'],
  message: string,
): { title: string; url: string | undefined } | null {
  const info = body?.details?.find((d) => d.reason === 'SERVICE_DISABLED');
  const accessNotConfigured = body?.errors?.some((e) => e.reason === 'accessNotConfigured');
  const worded = /has not been used in project \S+ before or it is disabled/i.test(message);
  if (!info && !accessNotConfigured && !worded) return null;
  const url =
    info?.metadata?.activationUrl ??
    /https:\/\/console\.(?:developers|cloud)\.google\.com\/[^\s"]+/.exec(message)?.[0]?.replace(/[.,]$/, '');
  const title = info?.metadata?.serviceTitle ?? /^(.+?) has not been used in project/i.exec(message)?.[1];
  return { title: title ?? 'a Google API', url };
}

/** Token-looking values in a token endpoint body that could not be parsed (a truncated answer). */
function tokensInText(text: string): string[] {
  return [...text.matchAll(/"(?:access_token|refresh_token|id_token)"\s*:\s*"([^"\\]+)/g)].map((m) => m[1]!);
}

const hardened = new WeakSet<OAuth2Client>();

/**
 * Makes an OAuth2Client fit for the one retry layer: every request it sends (API calls and the token
 * endpoint alike) goes out with gaxios' and google-auth-library's own retries off and with a timeout, and
 * every token it receives is reported to `onSecret` (the CLI's output scrubber), including the token-looking
 * parts of an answer it could not parse.
 */
export function hardenAuth(
  auth: OAuth2Client,
  options: { timeoutMs?: number; onSecret?: (secret: string) => void } = {},
): void {
  const onSecret = options.onSecret;
  if (onSecret) {
    auth.on('tokens', (tokens: Credentials) => {
      const received: unknown = tokens;
      if (typeof received === 'string') {
        for (const token of tokensInText(received)) onSecret(token);
        return;
      }
      for (const token of [tokens.access_token, tokens.refresh_token, tokens.id_token])
        if (token) onSecret(token);
    });
  }
  if (hardened.has(auth)) return;
  hardened.add(auth);
  const timeout = options.timeoutMs ?? DEFAULT_GOOGLE_TIMEOUT_MS;
  const transporter = auth.transporter;
  const send = transporter.request.bind(transporter);
  type Options = NonNullable<Parameters<typeof send>[0]>;
  transporter.request = <T>(opts: Options = {}) =>
    send<T>({
      ...opts,
      // google-auth-library asks for retries on the token endpoint (RETRY_CONFIG): a retryConfig alone
      // turns gaxios' retries on, so both are switched off here.
      retry: false,
      retryConfig: { ...opts.retryConfig, retry: 0, noResponseRetries: 0 },
      timeout: opts.timeout || timeout,
    });
}

/** A write Google did not confirm (timeout, dropped connection, 5xx, an unreadable answer): it may have happened. */
export class UnconfirmedWrite extends PnError {
  constructor(message: string, hint: string, cause: unknown) {
    super('API_ERROR', message, { hint, cause });
  }

  /** The unreadable answer's text, when Google answered 2xx with a body that could not be used. */
  get unreadableAnswer(): string | undefined {
    return this.cause instanceof MalformedResponse ? this.cause.text : undefined;
  }
}

export interface GoogleWait {
  seconds: number;
  reason: 'rate_limited' | 'server_error' | 'timeout' | 'unreadable' | 'looking';
  attempt: number;
  /** What the call was doing, e.g. "reading the workbook". */
  doing: string;
}

export interface GoogleApiOptions {
  auth: OAuth2Client;
  /** The fakes' root URL in tests and `npm run fakes`; the real APIs otherwise. */
  rootUrl?: string;
  policy?: RetryPolicy;
  hooks?: RetryHooks;
  /** The retry layer's clock (tests inject one: no real sleeping). */
  clock?: Clock;
  /** Per request (default 60 s): a slower answer is abandoned, then retried, looked up, or reported. */
  timeoutMs?: number;
  /** Every token the process receives (the CLI adds them to the output scrubber). */
  onSecret?: (secret: string) => void;
  /** Before each wait of the retry layer, with what it is waiting to do (a terminal shows it). */
  onWait?: (info: GoogleWait) => void;
  /** A request has been waiting `seconds` for its answer (a terminal shows what it waits for). */
  onSlow?: (info: { doing: string; seconds: number; timeoutSeconds: number }) => void;
  /** When to call onSlow (default: 10 s, or half the timeout when that is shorter). */
  slowNoticeMs?: number;
  /**
   * After a create's outcome is unknown, how long to wait before each further look for what it may have
   * made (default: 5%, 10%, 25% and 50% of the timeout: a request that outlived its timeout lands soon after).
   */
  lookupWaitsMs?: number[];
}

export interface CallOptions<T> {
  /** 'json' (default): the answer must be a JSON object; 'any': the answer is not used (a 204, a batchUpdate). */
  body?: 'json' | 'any';
  /** Further checks of a JSON answer, e.g. that a create returned the new object's ID. */
  check?: (result: T) => boolean;
  /**
   * For a write that creates something: after an unknown outcome (timeout, dropped connection, 5xx, an
   * unreadable answer) finds what it may have made, or undefined. Looked for a bounded time; never repeated.
   */
  lookup?: () => Promise<T | undefined>;
}

export class GoogleApi {
  readonly sheets: sheets_v4.Sheets;
  readonly drive: drive_v3.Drive;
  readonly script: script_v1.Script;
  readonly timeoutMs: number;
  writes = 0;
  private readonly clock: Clock;

  constructor(private readonly options: GoogleApiOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_GOOGLE_TIMEOUT_MS;
    this.clock = options.clock ?? realClock;
    hardenAuth(options.auth, {
      timeoutMs: this.timeoutMs,
      ...(options.onSecret ? { onSecret: options.onSecret } : {}),
    });
    // gaxios' own retries are off: this wrapper is the one retry layer, and it never repeats a create blindly.
    const common = {
      auth: options.auth,
      retry: false,
      timeout: this.timeoutMs,
      ...(options.rootUrl ? { rootUrl: options.rootUrl } : {}),
    };
    this.sheets = sheets({ version: 'v4', ...common });
    this.drive = drive({ version: 'v3', ...common });
    this.script = script({ version: 'v1', ...common });
  }

  /** Refreshes the access token: proves the stored login still works (a revoked one fails here). */
  async checkLogin(): Promise<void> {
    await this.authorize('checking the Google login');
  }

  /**
   * A fresh access token before a call, through the one retry layer (Retry-After honoured, 5xx, timeouts and
   * unreadable answers retried): a refresh is safe to repeat. Its failures never quote the endpoint's body.
   */
  private async authorize(doing: string): Promise<void> {
    const auth = this.options.auth;
    let last: FailureKind | undefined;
    try {
      await withRetry(
        async () => {
          const { token } = await auth.getAccessToken();
          if (!token) throw new MalformedResponse(undefined);
          this.options.onSecret?.(token);
        },
        {
          idempotent: true,
          classify: (error) => {
            const failure = classifyToken(error);
            last = failure ? (failureOf(error)?.kind ?? 'malformed') : undefined;
            return failure;
          },
          policy: this.options.policy,
          clock: this.clock,
          hooks: this.hooksFor('refreshing the Google login', () => last),
        },
      );
    } catch (error) {
      throw mapTokenError(error, doing, this.timeoutMs);
    }
  }

  /**
   * Whether the Apps Script API answers for this user: a project that cannot exist gives 404 when the API
   * is on; a 403 says which switch is off (the Cloud project's API, or the user's Apps Script setting), and
   * the thrown error names the fix for that one.
   */
  async checkAppsScriptApi(): Promise<void> {
    // A 404 (or 400) for the made-up ID means the API answered: it is on.
    await this.projectStatus('partnernomics-doctor-probe', 'checking the Apps Script API');
  }

  /** 'exists' or 'missing' (404/400) for an Apps Script project; any other failure is thrown as a PnError. */
  async projectStatus(
    scriptId: string,
    doing: string,
  ): Promise<{ state: 'exists'; project: script_v1.Schema$Project } | 'missing'> {
    try {
      const got = await this.call(doing, true, false, () => this.script.projects.get({ scriptId }));
      return { state: 'exists', project: got.data };
    } catch (error) {
      const status = error instanceof PnError ? responseOf(error.cause)?.status : undefined;
      if (status === 404 || status === 400) return 'missing';
      throw error;
    }
  }

  /**
   * Runs one API call through the retry layer: rate limits always retried (after Retry-After), 5xx,
   * timeouts, dropped connections and unreadable answers only when `idempotent`. A create that fails with an
   * unknown outcome is looked up (`options.lookup`) instead of repeated. Every failure is one PnError line.
   * `write` only counts the call in `writes` (the workspace writes an install reports).
   */
  async call<T>(
    doing: string,
    idempotent: boolean,
    write: boolean,
    run: () => Promise<T>,
    options: CallOptions<T> = {},
  ): Promise<T> {
    if (write) this.writes += 1;
    let last: FailureKind | undefined;
    const attempt = async () => {
      // A fresh token first, each attempt (long waits can outlast one): its failures are mapped on their own.
      await this.authorize(doing);
      const notice = this.slowNotice(doing);
      try {
        const result = await run();
        if (options.body !== 'any') {
          const data = (result as { data?: unknown } | undefined)?.data;
          if (typeof data !== 'object' || data === null || Array.isArray(data))
            throw new MalformedResponse(data);
          if (options.check && !options.check(result)) throw new MalformedResponse(data);
        }
        return result;
      } finally {
        if (notice) clearTimeout(notice);
      }
    };
    try {
      return await withRetry(attempt, {
        idempotent,
        classify: (error) => {
          const failure = failureOf(error);
          last = failure?.kind;
          return asHttpFailure(failure);
        },
        policy: this.options.policy,
        clock: this.clock,
        hooks: this.hooksFor(doing, () => last),
      });
    } catch (error) {
      const failure = failureOf(error);
      // Only a write is ever not idempotent: its failure may have been applied.
      if (!idempotent && failure && outcomeUnknown(failure)) {
        const found = options.lookup ? await this.lookFor(doing, options.lookup) : undefined;
        if (found !== undefined) return found;
        const what = describeFailure(failure, responseOf(error)?.data, this.timeoutMs);
        throw new UnconfirmedWrite(
          `Google did not confirm ${doing} (${what}): it may or may not have happened${options.lookup ? ', and it was not found afterwards' : ''}`,
          'run the same command again: it checks what this step left before doing anything again',
          error,
        );
      }
      throw mapGoogleError(error, doing, this.timeoutMs);
    }
  }

  /** Looks for what an unconfirmed create made: now, then after each of the lookup waits. */
  private async lookFor<T>(doing: string, lookup: () => Promise<T | undefined>): Promise<T | undefined> {
    const waits =
      this.options.lookupWaitsMs ?? [0.05, 0.1, 0.25, 0.5].map((share) => Math.round(share * this.timeoutMs));
    for (let i = 0; ; i++) {
      const found = await lookup();
      if (found !== undefined) return found;
      const wait = waits[i];
      if (wait === undefined) return undefined;
      this.options.onWait?.({ seconds: wait / 1000, reason: 'looking', attempt: i + 1, doing });
      await this.clock.sleep(wait);
    }
  }

  private slowNotice(doing: string): ReturnType<typeof setTimeout> | undefined {
    const onSlow = this.options.onSlow;
    if (!onSlow) return undefined;
    const after = this.options.slowNoticeMs ?? Math.min(10_000, this.timeoutMs / 2);
    const timer = setTimeout(
      () => onSlow({ doing, seconds: Math.round(after / 100) / 10, timeoutSeconds: this.timeoutMs / 1000 }),
      after,
    );
    timer.unref?.();
    return timer;
  }

  private hooksFor(doing: string, last: () => FailureKind | undefined): RetryHooks {
    return {
      onWait: (info) => {
        this.options.hooks?.onWait?.(info);
        const kind = last();
        const reason: GoogleWait['reason'] =
          info.reason === 'rate_limited'
            ? 'rate_limited'
            : kind === 'timeout'
              ? 'timeout'
              : kind === 'malformed'
                ? 'unreadable'
                : 'server_error';
        this.options.onWait?.({ seconds: info.seconds, reason, attempt: info.attempt, doing });
      },
    };
  }
}
