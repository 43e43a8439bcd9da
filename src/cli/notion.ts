// Builds the NotionApi a command uses: its base URL from the environment, rate-limit waits shown on a terminal.
import { NotionApi } from '../targets/notion/api.js';
import type { CommandContext } from './program.js';

export function notionApiFor(ctx: CommandContext, token: string): NotionApi {
  return new NotionApi({
    token,
    baseUrl: ctx.io.env.PARTNERNOMICS_NOTION_URL || undefined,
    hooks: {
      onWait: ({ seconds, reason }) => {
        if (ctx.io.interactive && !ctx.global().json) {
          const why =
            reason === 'rate_limited' ? 'Notion asked us to slow down' : 'Notion had a server error';
          ctx.io.stderr(`  ${why}; retrying in ${seconds}s…\n`);
        }
      },
    },
  });
}
