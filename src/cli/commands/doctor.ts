// `partnernomics doctor`: config, blueprint, credentials, sharing and the workspace's block budget, as a checklist.

import { extractPageId } from '@notionhq/client';
import type { Command } from 'commander';
import { compile } from '../../blueprint/compile.js';
import { loadBlueprint } from '../../blueprint/load.js';
import { credentialsPath, googleCredential, notionCredential } from '../../config/credentials.js';
import { loadConfig } from '../../config/load.js';
import { type ErrorCode, EXIT_FAILED, PnError, toPnError } from '../../platform/errors.js';
import type { NotionApi } from '../../targets/notion/api.js';
import { countBlocks, markdownToBlocks } from '../../targets/notion/blocks.js';
import { planNotionInstall } from '../../targets/notion/install.js';
import { inspectBoundScript, inspectWorkbook } from '../../targets/sheets/install.js';
import { GOOGLE_SCOPES, googleApiFor } from '../google.js';
import { notionApiFor } from '../notion.js';
import type { CommandContext } from '../program.js';

export interface Check {
  name: string;
  status: 'ok' | 'fail' | 'info';
  detail: string;
  fix?: string;
  /** A failed check's stable code (the same codes as every error), so a script can tell failures apart. */
  code?: ErrorCode;
}

/** Free workspaces with more than one member get a lifetime trial of this many blocks. */
export const FREE_PLAN_BLOCK_LIMIT = 1000;

/** The error behind each failed check: the cause --debug prints (a refused connection, a 401 …). */
const failures = new WeakMap<Check, PnError>();

async function check(name: string, run: () => Promise<Omit<Check, 'name'>>): Promise<Check> {
  try {
    return { name, ...(await run()) };
  } catch (error) {
    const e = toPnError(error);
    const failed: Check = { name, status: 'fail', detail: e.message, fix: e.hint, code: e.code };
    failures.set(failed, e);
    return failed;
  }
}

/**
 * The checklist found problems: exit 1 whatever the failing check (the README's "Exits 1 if a check fails"), with
 * the first failing check's code, so `--json` carries one stable code for the run as for any other failure.
 */
class ChecksFailed extends PnError {
  override get exitCode(): number {
    return EXIT_FAILED;
  }
}

export function registerDoctor(program: Command, ctx: CommandContext): void {
  program
    .command('doctor')
    .description('check the config, the blueprint, the Notion token, page sharing and the block budget')
    .option('--root <page>', 'the Notion page (URL or ID) the workspace is installed under')
    .action(async (flags: { root?: string }) => {
      const checks: Check[] = [];
      let blocks = 0;
      let desired: ReturnType<typeof compile> | undefined;
      checks.push(
        await check('Config', async () => {
          const { config, source } = loadConfig({ path: ctx.global().config, cwd: ctx.io.cwd });
          const ws = compile(loadBlueprint(ctx.io.env.PARTNERNOMICS_TEMPLATES || undefined), config);
          desired = ws;
          const pages = [ws.hub.markdown, ...ws.databases.flatMap((d) => d.rows.map((r) => r.markdown))];
          const rows = ws.databases.reduce((n, d) => n + d.rows.length, 0);
          blocks =
            pages.reduce((n, md) => n + countBlocks(markdownToBlocks(md)), 0) +
            rows +
            ws.databases.length +
            1;
          return {
            status: 'ok',
            detail: `${source}; blueprint ${ws.version}; ${ws.types.length} partnership type(s)`,
          };
        }),
      );
      let api: NotionApi | undefined;
      const credential = await check('Notion token', async () => {
        const found = notionCredential(ctx.io.env);
        if (!found) {
          return {
            status: 'info',
            detail: 'not set: install writes to a local folder',
            fix: 'run `partnernomics login notion` to install into Notion',
          };
        }
        ctx.secrets.add(found.token);
        api = notionApiFor(ctx, found.token);
        const me = await api.me();
        return { status: 'ok', detail: `valid (${found.source}); integration "${me.name ?? 'unnamed'}"` };
      });
      checks.push(credential);
      if (flags.root) {
        checks.push(
          await check('Root page shared', async () => {
            const id = extractPageId(flags.root!);
            if (!id)
              throw new PnError('USAGE', `"${flags.root}" is not a Notion page URL or ID`, {
                hint: 'copy the page link from Notion (Share → Copy link)',
              });
            if (!api)
              throw new PnError('CREDENTIALS_MISSING', 'no valid Notion token to check sharing with', {
                hint: 'run `partnernomics login notion`',
              });
            await api.retrievePage(id);
            return { status: 'ok', detail: `page ${id} is shared with the integration` };
          }),
        );
        const rootCheck = checks[checks.length - 1]!;
        if (rootCheck.status === 'ok' && desired) {
          checks.push(
            await check('Workspace drift', async () => {
              const { actual, plan } = await planNotionInstall(
                api!,
                desired!,
                extractPageId(flags.root!)!,
                false,
              );
              if (!actual.hub) return { status: 'info', detail: 'nothing installed under this page yet' };
              const drift = plan.findings.filter((f) => f.kind !== 'kept-deleted');
              if (drift.length === 0)
                return {
                  status: 'ok',
                  detail: `installed workspace matches the blueprint (${plan.ops.length} pending change(s))`,
                };
              return {
                status: 'fail',
                code: 'OUTPUT_CONFLICT',
                detail: `${drift[0]!.detail}${drift.length > 1 ? ` (and ${drift.length - 1} more)` : ''}`,
                fix: 'see `partnernomics plan --target notion --root …` for the full list',
              };
            }),
          );
        }
      }
      let google: ReturnType<typeof googleCredential> = null;
      const readGoogle = await check('Google login', async () => {
        google = googleCredential(ctx.io.env);
        return { status: 'ok', detail: '' };
      });
      if (readGoogle.status === 'fail') {
        checks.push(readGoogle);
      } else if (!google) {
        checks.push({
          name: 'Google login',
          status: 'info',
          detail: 'not set: the workbook installs as an .xlsx in the local folder',
          fix: 'run `partnernomics login google --client-file <OAuth client JSON>` to install into Google Sheets',
        });
      } else {
        const found: NonNullable<ReturnType<typeof googleCredential>> = google;
        const googleApi = googleApiFor(ctx);
        const login = await check('Google login', async () => {
          await googleApi.checkLogin();
          const missing =
            found.source === 'credentials file' ? GOOGLE_SCOPES.filter((s) => !found.scopes.includes(s)) : [];
          if (missing.length) {
            return {
              status: 'fail',
              code: 'AUTH_FAILED',
              detail: `the login lacks ${missing.join(', ')}`,
              fix: 'run `partnernomics login google` again and allow every permission',
            };
          }
          return { status: 'ok', detail: `valid (${found.source}); scopes drive.file and script.projects` };
        });
        checks.push(login);
        if (login.status === 'ok') {
          // A login with another OAuth client may not see the workbook an earlier one made (drive.file).
          checks.push(await check('Workbook', () => inspectWorkbook(googleApi, found.clientId)));
          checks.push(
            await check('Apps Script API', async () => {
              await googleApi.checkAppsScriptApi();
              // A failure names which switch is off: the Cloud project's API or this user's setting.
              return {
                status: 'ok',
                detail:
                  "enabled in the OAuth client's Cloud project and in this account's Apps Script settings",
              };
            }),
          );
          // The recorded project still exists; interrupted installs that may have left an unrecorded one.
          if (checks.at(-1)?.status === 'ok')
            checks.push(await check('Apps Script project', () => inspectBoundScript(googleApi)));
        }
      }
      if (blocks > 0) {
        checks.push({
          name: 'Block budget',
          status: 'info',
          detail: `a Notion install creates about ${blocks} blocks`,
          fix:
            blocks > FREE_PLAN_BLOCK_LIMIT
              ? `a free workspace with several members is limited to ${FREE_PLAN_BLOCK_LIMIT} blocks in total: use a paid plan or a single-member workspace`
              : undefined,
        });
      }
      const p = ctx.printer();
      for (const c of checks) {
        const mark = c.status === 'ok' ? '✓' : c.status === 'fail' ? '✗' : '•';
        p.line(`${mark} ${c.name}: ${c.detail}${c.fix ? ` — ${c.fix}` : ''}`);
      }
      const failed = checks.filter((c) => c.status === 'fail');
      const causes = failed.flatMap((c) => failures.get(c) ?? []);
      const error = failed.length
        ? new ChecksFailed(
            failed[0]!.code ?? 'API_ERROR',
            `${failed.length} check(s) failed: ${failed.map((c) => c.name).join(', ')}`,
            {
              hint: 'fix what the checklist above says, then run doctor again',
              reported: true,
              // --debug prints why each check failed (a refused connection, a 401 …), not only that it did.
              cause: causes.length > 1 ? new AggregateError(causes, 'the failed checks') : causes[0],
            },
          )
        : undefined;
      p.json({
        ok: failed.length === 0,
        command: 'doctor',
        checks,
        credentialsFile: credentialsPath(ctx.io.env),
        ...(error ? { error: { code: error.code, message: error.message, hint: error.hint } } : {}),
      });
      if (error) throw error;
    });
}
