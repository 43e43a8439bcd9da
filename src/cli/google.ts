// Builds the Google clients a command uses: OAuth client from the stored login, URLs from the environment (fakes).
import { OAuth2Client } from 'google-auth-library';
import { googleCredential } from '../config/credentials.js';
import { PnError } from '../platform/errors.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../platform/retry.js';
import {
  DEFAULT_GOOGLE_TIMEOUT_MS,
  GoogleApi,
  type GoogleWait,
  hardenAuth,
} from '../targets/sheets/google-api.js';
import type { LeaseOptions } from '../targets/sheets/lease.js';
import { envMs } from './env.js';
import type { CommandContext } from './program.js';

/** drive.file: only files this app creates; script.projects: create and push the bound script. No broader scope. */
export const GOOGLE_SCOPES = [
  'https://www.googleapis.com/auth/drive.file',
  'https://www.googleapis.com/auth/script.projects',
];

/** $PARTNERNOMICS_GOOGLE_TIMEOUT_MS: how long one Google request may take (default 60 s). */
export function googleTimeoutMs(env: NodeJS.ProcessEnv): number {
  return envMs(env, 'PARTNERNOMICS_GOOGLE_TIMEOUT_MS') || DEFAULT_GOOGLE_TIMEOUT_MS;
}

/**
 * $PARTNERNOMICS_GOOGLE_RETRY_BASE_MS replaces the first back-off after a server error or a timeout (1 s,
 * doubling), for the fakes and fault-injection suites; Retry-After is honoured whatever it is.
 */
function retryPolicy(env: NodeJS.ProcessEnv): RetryPolicy | undefined {
  const base = envMs(env, 'PARTNERNOMICS_GOOGLE_RETRY_BASE_MS');
  return base === undefined ? undefined : { ...DEFAULT_RETRY_POLICY, baseDelayMs: base };
}

/** An OAuth client whose requests go through the one retry layer (no retries of its own), with a timeout. */
export function oauthClient(
  ctx: CommandContext,
  clientId: string,
  clientSecret: string,
  redirectUri?: string,
): OAuth2Client {
  const tokenUrl = ctx.io.env.PARTNERNOMICS_GOOGLE_TOKEN_URL;
  const auth = new OAuth2Client({
    clientId,
    clientSecret,
    ...(redirectUri ? { redirectUri } : {}),
    ...(tokenUrl ? { endpoints: { oauth2TokenUrl: tokenUrl } } : {}),
  });
  hardenAuth(auth, {
    timeoutMs: googleTimeoutMs(ctx.io.env),
    onSecret: (secret) => ctx.secrets.add(secret),
  });
  return auth;
}

/** Whether a person is watching: waits and slow answers are shown on stderr, never under --json. */
const watching = (ctx: CommandContext) => ctx.io.interactive && !ctx.global().json;

function waitLine(info: GoogleWait, timeoutSeconds: number): string {
  const why = {
    rate_limited: 'Google asked us to slow down',
    server_error: 'Google had a server error',
    timeout: `Google did not answer within ${timeoutSeconds}s`,
    unreadable: 'Google sent an unreadable answer',
    looking: 'Google did not confirm it',
  }[info.reason];
  const next = info.reason === 'looking' ? 'looking for it again' : 'retrying';
  return `  ${why} (${info.doing}); ${next} in ${info.seconds}s…\n`;
}

export function googleApiFor(ctx: CommandContext): GoogleApi {
  const credential = googleCredential(ctx.io.env);
  if (!credential) {
    throw new PnError('CREDENTIALS_MISSING', 'no Google login', {
      hint: 'run `partnernomics login google --client-file <OAuth client JSON>` (see the README, "Setting up Google")',
    });
  }
  ctx.secrets.add(credential.clientSecret);
  ctx.secrets.add(credential.refreshToken);
  const auth = oauthClient(ctx, credential.clientId, credential.clientSecret);
  auth.setCredentials({ refresh_token: credential.refreshToken });
  const rootUrl = ctx.io.env.PARTNERNOMICS_GOOGLE_URL;
  const timeoutMs = googleTimeoutMs(ctx.io.env);
  const policy = retryPolicy(ctx.io.env);
  return new GoogleApi({
    auth,
    timeoutMs,
    ...(policy ? { policy } : {}),
    ...(rootUrl ? { rootUrl: rootUrl.endsWith('/') ? rootUrl : `${rootUrl}/` } : {}),
    onSecret: (secret) => ctx.secrets.add(secret),
    onWait: (info) => {
      if (watching(ctx)) ctx.io.stderr(waitLine(info, timeoutMs / 1000));
    },
    onSlow: ({ doing, seconds, timeoutSeconds }) => {
      if (watching(ctx))
        ctx.io.stderr(
          `  waiting for Google: ${doing} (${seconds}s so far; gives up at ${timeoutSeconds}s)…\n`,
        );
    },
  });
}

/**
 * The Sheets install lease as the CLI takes it: $PARTNERNOMICS_GOOGLE_LEASE_TTL_MS (default 10 min),
 * $PARTNERNOMICS_GOOGLE_LEASE_WAIT_MS (how long a second install waits, default 3 min; 0 stops at once) and
 * $PARTNERNOMICS_GOOGLE_LEASE_POLL_MS (between looks while waiting, default 5 s).
 */
export function leaseOptionsFor(ctx: CommandContext): LeaseOptions {
  const ttlMs = envMs(ctx.io.env, 'PARTNERNOMICS_GOOGLE_LEASE_TTL_MS');
  const waitMs = envMs(ctx.io.env, 'PARTNERNOMICS_GOOGLE_LEASE_WAIT_MS');
  const pollMs = envMs(ctx.io.env, 'PARTNERNOMICS_GOOGLE_LEASE_POLL_MS');
  return {
    ...(ttlMs ? { ttlMs } : {}),
    ...(waitMs !== undefined ? { waitMs } : {}),
    ...(pollMs ? { pollMs } : {}),
    onWait: ({ holder, waitedMs, waitMs: bound }) => {
      if (watching(ctx))
        ctx.io.stderr(
          `  another Google Sheets install is running (on ${holder.host || 'another machine'}); waiting for it (${Math.round(waitedMs / 1000)}s of at most ${Math.round(bound / 1000)}s)…\n`,
        );
    },
  };
}
