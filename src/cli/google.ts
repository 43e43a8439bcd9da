// Builds the Google clients a command uses: OAuth client from the stored login, URLs from the environment (fakes).
import { OAuth2Client } from 'google-auth-library';
import { googleCredential } from '../config/credentials.js';
import { PnError } from '../platform/errors.js';
import { GoogleApi } from '../targets/sheets/google-api.js';
import type { CommandContext } from './program.js';

/** drive.file: only files this app creates; script.projects: create and push the bound script. No broader scope. */
export const GOOGLE_SCOPES = [
  'https://www.googleapis.com/auth/drive.file',
  'https://www.googleapis.com/auth/script.projects',
];

export function oauthClient(
  ctx: CommandContext,
  clientId: string,
  clientSecret: string,
  redirectUri?: string,
): OAuth2Client {
  const tokenUrl = ctx.io.env.PARTNERNOMICS_GOOGLE_TOKEN_URL;
  return new OAuth2Client({
    clientId,
    clientSecret,
    ...(redirectUri ? { redirectUri } : {}),
    ...(tokenUrl ? { endpoints: { oauth2TokenUrl: tokenUrl } } : {}),
  });
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
  return new GoogleApi({
    auth,
    ...(rootUrl ? { rootUrl: rootUrl.endsWith('/') ? rootUrl : `${rootUrl}/` } : {}),
  });
}
