// Builds the NotionApi a command uses: its base URL from the environment, rate-limit waits shown on a terminal.
import { notionCredential } from '../config/credentials.js';
import { PnError } from '../platform/errors.js';
import { Throttle } from '../platform/throttle.js';
import { NotionApi } from '../targets/notion/api.js';
import { envMs } from './env.js';
import type { CommandContext } from './program.js';

/**
 * $PARTNERNOMICS_NOTION_RATE (requests per second) replaces Notion's 3/s, for the fakes only: the real API
 * answers a faster client with 429s, which are honoured but slower than keeping to the rate.
 */
function throttleFrom(env: NodeJS.ProcessEnv): Throttle | undefined {
  const rate = Number(env.PARTNERNOMICS_NOTION_RATE);
  return Number.isFinite(rate) && rate > 0 ? new Throttle(rate, Math.max(1, Math.ceil(rate))) : undefined;
}

export function notionApiFor(ctx: CommandContext, token: string): NotionApi {
  return new NotionApi({
    token,
    baseUrl: ctx.io.env.PARTNERNOMICS_NOTION_URL || undefined,
    // $PARTNERNOMICS_NOTION_TIMEOUT_MS: how long one request may take (tests shorten it; default 60 s).
    timeoutMs: envMs(ctx.io.env, 'PARTNERNOMICS_NOTION_TIMEOUT_MS') || undefined,
    throttle: throttleFrom(ctx.io.env),
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

/** The Notion API of a command that needs a token: from NOTION_TOKEN or the stored login, scrubbed from output. */
export function requireNotionApi(ctx: CommandContext): NotionApi {
  const credential = notionCredential(ctx.io.env);
  if (!credential) {
    throw new PnError('CREDENTIALS_MISSING', 'no Notion token', {
      hint: 'run `partnernomics login notion`, or set NOTION_TOKEN',
    });
  }
  ctx.secrets.add(credential.token);
  return notionApiFor(ctx, credential.token);
}
