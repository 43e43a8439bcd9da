// `partnernomics login notion`: checks an internal-integration token with Notion, then stores it (mode 0600).
import type { Command } from 'commander';
import { readCredentials, writeCredentials } from '../../config/credentials.js';
import { PnError } from '../../platform/errors.js';
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
    .description('store credentials for Notion (Google arrives with the Sheets target)');
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
}
