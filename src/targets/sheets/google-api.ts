// The one wrapper around the Google APIs the Sheets target uses: our retry layer, errors mapped to PnError.
import { drive, type drive_v3 } from '@googleapis/drive';
import { script, type script_v1 } from '@googleapis/script';
import { sheets, type sheets_v4 } from '@googleapis/sheets';
import type { OAuth2Client } from 'google-auth-library';
import { PnError } from '../../platform/errors.js';
import { type HttpFailure, type RetryHooks, type RetryPolicy, withRetry } from '../../platform/retry.js';

/** Where each user switches the Apps Script API on for their account (403 "User has not enabled …"). */
export const APPS_SCRIPT_SETTINGS_URL = 'https://script.google.com/home/usersettings';

interface GoogleErrorBody {
  error?: {
    code?: number;
    message?: string;
    status?: string;
    errors?: { reason?: string }[];
    details?: { '@type'?: string; reason?: string; metadata?: Record<string, string> }[];
  };
}

function responseOf(
  error: unknown,
): { status?: number; headers?: Record<string, string>; data?: GoogleErrorBody } | undefined {
  return (
    error as { response?: { status?: number; headers?: Record<string, string>; data?: GoogleErrorBody } }
  ).response;
}

export function classifyGoogle(error: unknown): HttpFailure | null {
  const response = responseOf(error);
  if (response?.status) {
    const raw = response.headers?.['retry-after'];
    const seconds = raw === undefined ? undefined : Number(raw);
    return { status: response.status, retryAfterSeconds: Number.isFinite(seconds) ? seconds : undefined };
  }
  const code = (error as { code?: string }).code;
  if (typeof code === 'string' && /ECONNRESET|ETIMEDOUT|ECONNREFUSED|EPIPE|UND_ERR/.test(code))
    return { status: undefined, retryAfterSeconds: undefined };
  return null;
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

/** Google's errors as one line that says what to do. */
export function mapGoogleError(error: unknown, doing: string): PnError {
  if (error instanceof PnError) return error;
  const response = responseOf(error);
  const body = response?.data?.error;
  const message = body?.message ?? (error instanceof Error ? error.message : String(error));
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
      {
        hint: 'wait a minute and run the same command again: it resumes where it stopped',
        cause: error,
      },
    );
  }
  if (response?.status === 403 && reasons.some((r) => /SCOPE_INSUFFICIENT/i.test(r))) {
    return new PnError('AUTH_FAILED', `the Google login lacks a permission needed for ${doing}`, {
      hint: 'run `partnernomics login google` again and accept every permission it asks for',
      cause: error,
    });
  }
  return new PnError(
    'API_ERROR',
    `Google answered ${response?.status ?? 'no response'} while ${doing}: ${message}`,
    {
      hint: 'run the same command again: it resumes where it stopped; add --debug for details',
      cause: error,
    },
  );
}

export interface GoogleApiOptions {
  auth: OAuth2Client;
  /** The fakes' root URL in tests and `npm run fakes`; the real APIs otherwise. */
  rootUrl?: string;
  policy?: RetryPolicy;
  hooks?: RetryHooks;
}

export class GoogleApi {
  readonly sheets: sheets_v4.Sheets;
  readonly drive: drive_v3.Drive;
  readonly script: script_v1.Script;
  writes = 0;

  constructor(private readonly options: GoogleApiOptions) {
    // gaxios' own retries are off: this wrapper is the one retry layer, and it never repeats a create blindly.
    const common = {
      auth: options.auth,
      retry: false,
      ...(options.rootUrl ? { rootUrl: options.rootUrl } : {}),
    };
    this.sheets = sheets({ version: 'v4', ...common });
    this.drive = drive({ version: 'v3', ...common });
    this.script = script({ version: 'v1', ...common });
  }

  /** Refreshes the access token: proves the stored login still works (a revoked one fails here). */
  async checkLogin(): Promise<void> {
    try {
      await this.options.auth.getAccessToken();
    } catch (error) {
      throw new PnError('AUTH_FAILED', 'Google no longer accepts the stored login', {
        hint: 'run `partnernomics login google` again',
        cause: error,
      });
    }
  }

  /**
   * Whether the Apps Script API answers for this user: a project that cannot exist gives 404 when the API
   * is on; a 403 says which switch is off (the Cloud project's API, or the user's Apps Script setting), and
   * the thrown error names the fix for that one.
   */
  async checkAppsScriptApi(): Promise<void> {
    try {
      await withRetry(() => this.script.projects.get({ scriptId: 'partnernomics-doctor-probe' }), {
        idempotent: true,
        classify: classifyGoogle,
        policy: this.options.policy,
      });
    } catch (error) {
      const status = responseOf(error)?.status;
      if (status === 404 || status === 400) return;
      throw mapGoogleError(error, 'checking the Apps Script API');
    }
  }

  async call<T>(doing: string, idempotent: boolean, write: boolean, run: () => Promise<T>): Promise<T> {
    if (write) this.writes += 1;
    try {
      return await withRetry(run, {
        idempotent,
        classify: classifyGoogle,
        policy: this.options.policy,
        hooks: this.options.hooks,
      });
    } catch (error) {
      throw mapGoogleError(error, doing);
    }
  }
}
