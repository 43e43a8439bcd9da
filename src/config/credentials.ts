// Credentials live outside the project (mode 0600) or in env vars; they are never printed or logged.
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { PnError } from '../platform/errors.js';
import { errnoOf, fsError, withFsErrors, writeFileAtomic } from '../platform/write.js';

const credentialsSchema = z.object({
  google: z
    .object({
      clientId: z.string().min(1),
      clientSecret: z.string().min(1),
      refreshToken: z.string().min(1),
      scopes: z.array(z.string()),
      savedAt: z.string(),
    })
    .optional(),
  notion: z
    .object({
      token: z.string().min(1),
      botName: z.string().optional(),
      workspaceName: z.string().optional(),
      savedAt: z.string(),
    })
    .optional(),
});
export type Credentials = z.infer<typeof credentialsSchema>;

/** $PARTNERNOMICS_HOME, else $XDG_CONFIG_HOME/partnernomics, else ~/.config/partnernomics. */
export function credentialsDir(env: NodeJS.ProcessEnv): string {
  if (env.PARTNERNOMICS_HOME) return env.PARTNERNOMICS_HOME;
  return join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'partnernomics');
}

export function credentialsPath(env: NodeJS.ProcessEnv): string {
  return join(credentialsDir(env), 'credentials.json');
}

export function readCredentials(env: NodeJS.ProcessEnv): Credentials {
  const path = credentialsPath(env);
  if (!existsSync(path)) return {};
  const readHint = `make it readable by you (chmod 600 ${path}), or point PARTNERNOMICS_HOME at another folder`;
  const stat = withFsErrors(path, { action: 'read', what: 'credentials file', hint: readHint }, () =>
    statSync(path),
  );
  if (stat.isDirectory()) {
    throw new PnError('CREDENTIALS_INVALID', `${path} is a folder, not the credentials file`, {
      hint: 'move it away and run `partnernomics login notion` again',
    });
  }
  const mode = stat.mode & 0o777;
  if (mode & 0o077) {
    throw new PnError(
      'CREDENTIALS_INSECURE',
      `${path} can be read by other users (mode ${mode.toString(8)})`,
      {
        hint: `run \`chmod 600 ${path}\`, then try again`,
      },
    );
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw fsError(error, path, { action: 'read', what: 'credentials file', hint: readHint });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = undefined;
  }
  const parsed = credentialsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new PnError('CREDENTIALS_INVALID', `${path} is damaged`, {
      hint: 'delete it and run `partnernomics login notion` again',
    });
  }
  return parsed.data;
}

export function writeCredentials(env: NodeJS.ProcessEnv, credentials: Credentials): string {
  const dir = credentialsDir(env);
  const path = credentialsPath(env);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileAtomic(path, `${JSON.stringify(credentials, null, 2)}\n`, 0o600);
    chmodSync(path, 0o600);
  } catch (error) {
    if (!errnoOf(error)) throw error;
    throw fsError(error, path, {
      action: 'write',
      what: 'credentials file',
      hint: 'set PARTNERNOMICS_HOME to a folder you can write to (or fix the permissions of this one)',
    });
  }
  return path;
}

export interface NotionCredential {
  token: string;
  source: 'NOTION_TOKEN' | 'credentials file';
}

/** NOTION_TOKEN wins over the stored token; null when neither is set. */
export function notionCredential(env: NodeJS.ProcessEnv): NotionCredential | null {
  if (env.NOTION_TOKEN?.trim()) return { token: env.NOTION_TOKEN.trim(), source: 'NOTION_TOKEN' };
  const stored = readCredentials(env).notion;
  return stored ? { token: stored.token, source: 'credentials file' } : null;
}

export interface GoogleCredential {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** Granted scopes as recorded at login (unknown for an environment login). */
  scopes: string[];
  source: 'environment' | 'credentials file';
}

/** GOOGLE_OAUTH_CLIENT_ID + GOOGLE_OAUTH_CLIENT_SECRET + GOOGLE_REFRESH_TOKEN win over the stored login. */
export function googleCredential(env: NodeJS.ProcessEnv): GoogleCredential | null {
  const {
    GOOGLE_OAUTH_CLIENT_ID: id,
    GOOGLE_OAUTH_CLIENT_SECRET: secret,
    GOOGLE_REFRESH_TOKEN: refresh,
  } = env;
  if (id && secret && refresh)
    return { clientId: id, clientSecret: secret, refreshToken: refresh, scopes: [], source: 'environment' };
  const stored = readCredentials(env).google;
  return stored ? { ...stored, source: 'credentials file' } : null;
}
