// `partnernomics login notion`: checks an internal-integration token with Notion, then stores it (mode 0600).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { readCredentials, writeCredentials } from '../../config/credentials.js';
import { PnError } from '../../platform/errors.js';
import { classifyGoogle, mapGoogleError } from '../../targets/sheets/google-api.js';
import { GOOGLE_SCOPES, oauthClient } from '../google.js';
import { notionApiFor } from '../notion.js';
import type { CommandContext } from '../program.js';

async function readToken(ctx: CommandContext, fromStdin: boolean): Promise<string> {
  if (fromStdin) return (await ctx.io.readStdin()).trim();
  if (ctx.io.env.NOTION_TOKEN?.trim()) return ctx.io.env.NOTION_TOKEN.trim();
  if (!ctx.io.interactive) {
    throw new PnError('USAGE', 'login needs a token and there is no terminal to ask for it', {
      hint: 'pipe it in with --token-stdin, or set NOTION_TOKEN',
    });
  }
  const { password } = await import('@inquirer/prompts');
  return (await password({ message: 'Notion internal integration secret', mask: '*' })).trim();
}

export function registerLogin(program: Command, ctx: CommandContext): void {
  const login = program
    .command('login')
    .description('store credentials for Notion (login notion) or Google Sheets (login google)');
  login
    .command('notion')
    .description(
      'check a Notion internal-integration token and store it outside the project, readable only by you',
    )
    .option('--token-stdin', 'read the token from standard input instead of prompting', false)
    .action(async (flags: { tokenStdin: boolean }) => {
      const token = await readToken(ctx, flags.tokenStdin);
      if (!token || /\s/.test(token)) {
        throw new PnError('INPUT_INVALID', 'that is not a Notion token (it is empty or contains spaces)', {
          hint: 'copy the Internal Integration Secret from notion.so/profile/integrations',
        });
      }
      ctx.secrets.add(token);
      const me = await notionApiFor(ctx, token).me();
      const botName = me.name ?? 'integration';
      const workspaceName = me.type === 'bot' ? (me.bot.workspace_name ?? undefined) : undefined;
      const existing = readCredentials(ctx.io.env);
      const path = writeCredentials(ctx.io.env, {
        ...existing,
        notion: { token, botName, workspaceName, savedAt: new Date().toISOString() },
      });
      const p = ctx.printer();
      p.line(
        `Logged in to Notion as "${botName}"${workspaceName ? ` in workspace "${workspaceName}"` : ''}.`,
      );
      p.line(
        `The token is stored in ${path} (readable only by you). NOTION_TOKEN, when set, takes precedence.`,
      );
      p.line(
        'Next: share a Notion page with the integration (••• → Connections), then run `partnernomics doctor --root <page URL>`.',
      );
      p.json({
        ok: true,
        command: 'login notion',
        botName,
        workspaceName: workspaceName ?? null,
        credentialsFile: path,
      });
    });
  registerGoogleLogin(login, ctx);
}

interface OAuthClientFile {
  clientId: string;
  clientSecret: string;
}

/** The "Desktop app" OAuth client JSON downloaded from Google Cloud (installed; web clients are refused). */
export function readOAuthClientFile(path: string): OAuthClientFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new PnError('INPUT_INVALID', `${path} is not a readable JSON file`, {
      hint: 'download the OAuth client (Desktop app) JSON from Google Cloud → APIs & Services → Credentials',
    });
  }
  const installed = (raw as { installed?: { client_id?: string; client_secret?: string } }).installed;
  if (!installed?.client_id || !installed.client_secret) {
    throw new PnError('INPUT_INVALID', `${path} is not a Desktop-app OAuth client`, {
      hint: 'create an OAuth client ID of type "Desktop app" in Google Cloud and download its JSON',
    });
  }
  return { clientId: installed.client_id, clientSecret: installed.client_secret };
}

/** Waits for Google's redirect to a loopback port and returns the authorization code. */
async function codeFromLoopback(
  ctx: CommandContext,
  authUrlFor: (redirect: string) => string,
): Promise<{ code: string; redirect: string }> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const code = url.searchParams.get('code');
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(
        code
          ? 'Partnernomics is logged in to Google. You can close this tab.'
          : 'No authorization code in this request.',
      );
      if (code) {
        server.close();
        resolvePromise({ code, redirect });
      }
    });
    let redirect = '';
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      redirect = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      ctx
        .printer()
        .line(`Open this link in a browser on this machine and allow access:\n  ${authUrlFor(redirect)}`);
    });
  });
}

/** Headless: the consent happens elsewhere; the person pastes the address the browser was sent to. */
async function codeFromPaste(
  ctx: CommandContext,
  authUrlFor: (redirect: string) => string,
): Promise<{ code: string; redirect: string }> {
  const redirect = 'http://127.0.0.1:1';
  ctx
    .printer()
    .line(
      `Open this link in any browser, allow access, then paste the address of the page it fails to load (it starts with ${redirect}):\n  ${authUrlFor(redirect)}`,
    );
  const pasted = ctx.io.interactive
    ? await (await import('@inquirer/prompts')).input({ message: 'Address' })
    : await ctx.io.readStdin();
  const code = (() => {
    try {
      return new URL(pasted.trim()).searchParams.get('code');
    } catch {
      return null;
    }
  })();
  if (!code) {
    throw new PnError('INPUT_INVALID', 'that address holds no authorization code', {
      hint: 'paste the whole address from the browser, including ?code=…',
    });
  }
  return { code, redirect };
}

export function registerGoogleLogin(login: Command, ctx: CommandContext): void {
  login
    .command('google')
    .description(
      'sign in to Google with your own OAuth client (Desktop app) and store the refresh token, readable only by you',
    )
    .requiredOption('--client-file <path>', 'the OAuth client JSON downloaded from Google Cloud')
    .option('--no-browser', 'for machines without a browser: paste the redirect address instead')
    .action(async (flags: { clientFile: string; browser: boolean }) => {
      const client = readOAuthClientFile(resolve(ctx.io.cwd, flags.clientFile));
      ctx.secrets.add(client.clientSecret);
      const authUrlFor = (redirect: string) =>
        oauthClient(ctx, client.clientId, client.clientSecret, redirect).generateAuthUrl({
          access_type: 'offline',
          prompt: 'consent',
          scope: GOOGLE_SCOPES,
        });
      const { code, redirect } =
        flags.browser && ctx.io.interactive
          ? await codeFromLoopback(ctx, authUrlFor)
          : await codeFromPaste(ctx, authUrlFor);
      let tokens: {
        refresh_token?: string | null;
        access_token?: string | null;
        id_token?: string | null;
        scope?: string | null;
      };
      try {
        tokens = (await oauthClient(ctx, client.clientId, client.clientSecret, redirect).getToken(code))
          .tokens;
        // Every token received is scrubbed from output, not only the one stored.
        for (const token of [tokens.access_token, tokens.id_token]) if (token) ctx.secrets.add(token);
      } catch (error) {
        // Google never saw the code when its sign-in service could not be reached: say so, not that it refused.
        if (classifyGoogle(error)?.unreachable)
          throw mapGoogleError(error, 'exchanging the authorization code for a login');
        throw new PnError('AUTH_FAILED', 'Google refused the authorization code', {
          hint: 'run `partnernomics login google` again and use the new link (codes work once, for a few minutes)',
          cause: error,
        });
      }
      if (!tokens.refresh_token) {
        throw new PnError('AUTH_FAILED', 'Google returned no refresh token', {
          hint: 'remove Partnernomics at myaccount.google.com/permissions, then log in again',
        });
      }
      ctx.secrets.add(tokens.refresh_token);
      const granted = (tokens.scope ?? '').split(' ');
      const missing = GOOGLE_SCOPES.filter((s) => !granted.includes(s));
      if (missing.length) {
        throw new PnError('AUTH_FAILED', `Google did not grant ${missing.join(', ')}`, {
          hint: 'log in again and tick every permission on the consent screen',
        });
      }
      const path = writeCredentials(ctx.io.env, {
        ...readCredentials(ctx.io.env),
        google: {
          ...client,
          refreshToken: tokens.refresh_token,
          scopes: granted,
          savedAt: new Date().toISOString(),
        },
      });
      const p = ctx.printer();
      p.line(
        `Logged in to Google (drive.file and script.projects). The refresh token is stored in ${path} (readable only by you).`,
      );
      p.line(
        'Next: make sure the Apps Script API is on at https://script.google.com/home/usersettings, then `partnernomics install --target sheets`.',
      );
      p.json({ ok: true, command: 'login google', credentialsFile: path, scopes: granted });
    });
}
