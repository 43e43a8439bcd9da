// `partnernomics selftest`: proves an account accepts every kind of request install sends, in scratch objects it trashes.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { PnError } from '../../platform/errors.js';
import { APPS_SCRIPT_MANIFEST } from '../../platform/paths.js';
import { notionSelftest } from '../../selftest/notion.js';
import { printRows } from '../../selftest/report.js';
import { sheetsSelftest } from '../../selftest/sheets.js';
import { googleApiFor } from '../google.js';
import { requireNotionApi } from '../notion.js';
import { parseInstallOptions } from '../options.js';
import type { CommandContext } from '../program.js';

export function registerSelftest(program: Command, ctx: CommandContext): void {
  program
    .command('selftest')
    .description(
      'before a first install: send each kind of request install sends, inside scratch objects, read them back, trash them',
    )
    .requiredOption('--target <target>', 'notion or sheets')
    .option(
      '--root <page>',
      'the Notion page (link or ID) to make the scratch page under, for --target notion',
    )
    .action(async (flags: { target: string; root?: string }) => {
      if (flags.target !== 'notion' && flags.target !== 'sheets') {
        throw new PnError('USAGE', '--target must be notion or sheets', {
          hint: 'run `partnernomics selftest --target notion --root PAGE` or `partnernomics selftest --target sheets`',
        });
      }
      const p = ctx.printer();
      let result: Awaited<ReturnType<typeof notionSelftest>>;
      if (flags.target === 'notion') {
        const { rootId } = parseInstallOptions({ target: 'notion', root: flags.root });
        const api = requireNotionApi(ctx);
        p.line(`Selftest: Notion, in a scratch page under ${rootId}`);
        result = await notionSelftest(api, rootId!);
      } else {
        const api = googleApiFor(ctx);
        p.line('Selftest: Google Sheets, Drive and Apps Script, in a scratch spreadsheet');
        result = await sheetsSelftest(api, readFileSync(APPS_SCRIPT_MANIFEST, 'utf8'));
      }
      printRows(p, result.rows);
      if (ctx.global().debug) {
        for (const [check, error] of result.errors)
          ctx.io.stderr(`${check}: ${(error instanceof Error && error.stack) || String(error)}\n`);
      }
      const failed = result.rows.filter((r) => r.status !== 'pass');
      p.json({ ok: failed.length === 0, target: flags.target, rows: result.rows, scratch: result.scratch });
      if (failed.length) {
        const names = result.rows.filter((r) => r.status === 'fail').map((r) => r.check);
        throw new PnError('API_ERROR', `selftest failed: ${names.join(', ')}`, {
          hint: 'the FAIL rows above say which request kind the account refused and why',
          reported: true,
        });
      }
      p.line(
        `All ${result.rows.length} checks passed: this account accepts every kind of request install sends.`,
      );
    });
}
