// `sync --workspaces DIR`, the pure part: which folders are workspaces, each one's credentials from the environment.
import { PnError } from '../platform/errors.js';

/** The config file each workspace folder holds: the same file `sync` reads from the current folder. */
export const WORKSPACE_CONFIG_FILE = 'partnernomics.config.yaml';

/** A workspace folder's name: letters, digits, `-`, `_` and `.`, starting with a letter or digit. */
const WORKSPACE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The credential variables a workspace reads with its own suffix (the names `sync` reads for one workspace). */
export const WORKSPACE_VARIABLES = [
  'NOTION_TOKEN',
  'GOOGLE_REFRESH_TOKEN',
  'GOOGLE_OAUTH_CLIENT_ID',
  'GOOGLE_OAUTH_CLIENT_SECRET',
] as const;
type WorkspaceVariable = (typeof WORKSPACE_VARIABLES)[number];

/** The OAuth client may be one for all workspaces (a consultancy's own); tokens are always per workspace. */
const SHARED_FALLBACK: ReadonlySet<WorkspaceVariable> = new Set([
  'GOOGLE_OAUTH_CLIENT_ID',
  'GOOGLE_OAUTH_CLIENT_SECRET',
]);

export interface WorkspaceEntry {
  /** The folder's name, e.g. `acme-corp`. */
  name: string;
  /** The suffix of its variables, e.g. `ACME_CORP` (NOTION_TOKEN_ACME_CORP). */
  suffix: string;
}

/** `acme-corp` → `ACME_CORP`: upper case, every character other than a letter or digit as `_`. */
export function envSuffix(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/**
 * The workspaces among DIR's entries: every folder not starting with `.`, sorted by name. A folder whose name
 * cannot be a variable suffix, two folders with the same suffix, or no folder at all stop the run (nothing synced).
 */
export function workspaceEntries(
  dir: string,
  entries: readonly { name: string; isDirectory: boolean }[],
): WorkspaceEntry[] {
  const folders = entries
    .filter((e) => e.isDirectory && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  if (!folders.length) {
    const yaml = entries.find((e) => !e.isDirectory && /\.ya?ml$/.test(e.name))?.name;
    throw new PnError('USAGE', `${dir} holds no workspace folders`, {
      hint: yaml
        ? `each workspace is a folder holding ${WORKSPACE_CONFIG_FILE}: move ${yaml} to ${dir}/${yaml.replace(/\.ya?ml$/, '')}/${WORKSPACE_CONFIG_FILE}`
        : `make one folder per workspace in it, each holding its ${WORKSPACE_CONFIG_FILE}`,
    });
  }
  const bad = folders.find((name) => !WORKSPACE_NAME.test(name));
  if (bad)
    throw new PnError(
      'USAGE',
      `${dir}/${bad}: a workspace folder's name can only use letters, digits, -, _ and .`,
      {
        hint: `rename it (its name is the suffix of its variables, e.g. NOTION_TOKEN_${envSuffix(bad.replace(/[^A-Za-z0-9._-]/g, '')) || 'ACME'})`,
      },
    );
  const bySuffix = new Map<string, string>();
  for (const name of folders) {
    const suffix = envSuffix(name);
    const other = bySuffix.get(suffix);
    if (other)
      throw new PnError(
        'USAGE',
        `workspace folders ${other} and ${name} would both read NOTION_TOKEN_${suffix}`,
        {
          hint: 'rename one of them: the folder name is the suffix of its variables',
        },
      );
    bySuffix.set(suffix, name);
  }
  return folders.map((name) => ({ name, suffix: envSuffix(name) }));
}

/** Every value of a suffixed credential variable (any workspace's), so no output can show it. */
export function workspaceSecrets(env: NodeJS.ProcessEnv): string[] {
  const secretNames = /^(NOTION_TOKEN|GOOGLE_REFRESH_TOKEN|GOOGLE_OAUTH_CLIENT_SECRET)_[A-Z0-9_]+$/;
  return Object.entries(env).flatMap(([name, value]) =>
    secretNames.test(name) && value?.trim() ? [value.trim()] : [],
  );
}

/** The variable a workspace reads `base` from (its own, else the shared one for the OAuth client). */
export function variableOf(
  env: NodeJS.ProcessEnv,
  base: WorkspaceVariable,
  ws: WorkspaceEntry,
): string | null {
  const own = `${base}_${ws.suffix}`;
  if (env[own]?.trim()) return own;
  return SHARED_FALLBACK.has(base) && env[base]?.trim() ? base : null;
}

/**
 * The environment one workspace runs with: the process's, with the four credential variables replaced by the
 * workspace's own, so the one credential reader (src/config/credentials.ts) reads them as it always does. A token
 * missing for the workspace is an error naming its variable: never another workspace's token, never the
 * unsuffixed NOTION_TOKEN or the stored login (those belong to a single-workspace setup).
 */
export function workspaceEnv(env: NodeJS.ProcessEnv, ws: WorkspaceEntry): NodeJS.ProcessEnv {
  const missing = WORKSPACE_VARIABLES.filter((base) => !variableOf(env, base, ws));
  if (missing.length) {
    const names = missing.map((base) => `${base}_${ws.suffix}`);
    const client = missing.some((base) => SHARED_FALLBACK.has(base));
    const what = missing.length === 1 && missing[0] === 'NOTION_TOKEN' ? 'Notion token' : 'credentials';
    throw new PnError(
      'CREDENTIALS_MISSING',
      `no ${what} for workspace ${ws.name}: ${names.join(', ')} not set`,
      {
        hint: client
          ? `set ${names.join(', ')} (or one OAuth client for all workspaces: GOOGLE_OAUTH_CLIENT_ID and GOOGLE_OAUTH_CLIENT_SECRET)`
          : `set ${names.join(' and ')} for ${ws.name} (see "Many workspaces" in the README)`,
      },
    );
  }
  const own: NodeJS.ProcessEnv = {};
  for (const base of WORKSPACE_VARIABLES) own[base] = env[variableOf(env, base, ws)!]!.trim();
  return { ...env, ...own };
}

/** A rejected token's fix, for a workspace: which variable to replace (the single-workspace hint says `login`). */
export function workspaceError(error: PnError, ws: WorkspaceEntry): PnError {
  if (error.code !== 'AUTH_FAILED') return error;
  const hint = /\bNotion\b/.test(error.message)
    ? `set NOTION_TOKEN_${ws.suffix} to the secret of ${ws.name}'s Notion integration, shared with its root page`
    : `set GOOGLE_REFRESH_TOKEN_${ws.suffix} to a new login of ${ws.name}'s Google user (see "Many workspaces" in the README)`;
  return new PnError(error.code, error.message, { hint, cause: error });
}

/** Workspaces that share a Notion token run one after another: Notion's rate limit is per integration. */
export function byToken<T extends { notionToken: string }>(items: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(item.notionToken);
    if (group) group.push(item);
    else groups.set(item.notionToken, [item]);
  }
  return [...groups.values()];
}

/** Workspaces whose Google logins reach the same workbook: none of them may sync (one company's rows in another's). */
export function sharedWorkbooks(
  found: readonly { name: string; spreadsheetId: string }[],
): Map<string, string[]> {
  const byBook = new Map<string, string[]>();
  for (const f of found) byBook.set(f.spreadsheetId, [...(byBook.get(f.spreadsheetId) ?? []), f.name]);
  for (const [id, names] of byBook) if (names.length < 2) byBook.delete(id);
  return byBook;
}
