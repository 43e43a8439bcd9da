// `partnernomics report --quarter 2027Q1`: freeze the quarter's Leadership Report tab, write the leadership
// team's Notion page and report-2027Q1.html (headline figures and charts). `--example` needs no login.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { extractPageId } from '@notionhq/client';
import type { Command } from 'commander';
import { notionCredential } from '../../config/credentials.js';
import { PnError } from '../../platform/errors.js';
import { checkWritableFolder, withFsErrors, writeFileAtomic } from '../../platform/write.js';
import { findSyncWorkbook, hubFromStartTab } from '../../sync/workbook.js';
import { reportFileName, reportPage } from '../../workflows/report/build.js';
import type { ReportFigures } from '../../workflows/report/compute.js';
import { exampleQuarter, exampleReport } from '../../workflows/report/example.js';
import { formatFigure } from '../../workflows/report/format.js';
import { findHub, type NotionReport, notionReport } from '../../workflows/report/notion.js';
import { parseQuarter } from '../../workflows/report/quarter.js';
import { type SheetsReport, sheetsReport } from '../../workflows/report/sheets.js';
import { googleApiFor } from '../google.js';
import type { Printer } from '../io.js';
import { requireNotionApi } from '../notion.js';
import type { CommandContext } from '../program.js';
import { desiredWorkspace } from '../workspace.js';

type FileAction = 'created' | 'updated' | 'unchanged' | 'would create' | 'would update';

/** Writes the page unless the file already holds exactly it. */
function writeHtml(path: string, html: string, dryRun: boolean): FileAction {
  const current = existsSync(path) ? withFsErrors(path, READ, () => readFileSync(path, 'utf8')) : null;
  if (current === html) return 'unchanged';
  if (dryRun) return current === null ? 'would create' : 'would update';
  withFsErrors(path, WRITE, () => writeFileAtomic(path, html));
  return current === null ? 'created' : 'updated';
}
const READ = { action: 'read' as const, what: 'report', hint: 'choose another folder with --out DIR' };
const WRITE = { action: 'write' as const, what: 'report', hint: 'choose another folder with --out DIR' };

function printFigures(p: Printer, figures: ReportFigures): void {
  for (const h of figures.headlines) {
    const before = 'before' in h ? `  (last quarter ${formatFigure(h.before, h.format)})` : '';
    p.line(`  ${h.label.padEnd(52)} ${formatFigure(h.now, h.format).padStart(12)}${before}`);
  }
}

/** No Google login: the report of the example rows still works, so the fix names it too. */
function withExampleHint<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof PnError && error.code === 'CREDENTIALS_MISSING')
      throw new PnError(error.code, error.message, {
        hint: `${error.hint}; or run \`partnernomics report --example\` for the example rows' report`,
        cause: error,
      });
    throw error;
  }
}

export function registerReport(program: Command, ctx: CommandContext): void {
  program
    .command('report')
    .description(
      "the quarter's leadership report: freezes the Leadership Report tab, writes a Notion page and an HTML dashboard",
    )
    .option('--quarter <quarter>', 'the quarter to report, e.g. 2027Q1')
    .option('--out <dir>', 'folder for report-<quarter>.html', '.')
    .option('--root <page>', 'the Notion page the workspace was installed under (default: the linked hub)')
    .option(
      '--force',
      'write the frozen tab again from the live one (the Notion page is never replaced)',
      false,
    )
    .option(
      '--example',
      'report the example rows of a new workbook; needs no login and writes only the HTML',
      false,
    )
    .option('--dry-run', 'print the figures and what would be written; write nothing', false)
    .action(async (flags: Record<string, unknown>) => {
      const dryRun = flags.dryRun === true;
      const { ws } = desiredWorkspace(ctx.io, ctx.global().config);
      if (typeof flags.quarter !== 'string' && flags.example !== true)
        throw new PnError('USAGE', 'report needs --quarter', {
          hint: 'e.g. partnernomics report --quarter 2027Q1',
        });
      const quarter = typeof flags.quarter === 'string' ? parseQuarter(flags.quarter) : exampleQuarter(ws);
      const outDir = resolve(ctx.io.cwd, String(flags.out));
      const htmlPath = join(outDir, reportFileName(quarter.id));
      checkWritableFolder(outDir, { what: 'the report to', hint: 'choose another folder with --out DIR' });
      const p = ctx.printer();

      if (flags.example === true) {
        const { figures, html } = await exampleReport(ws, quarter);
        const file = writeHtml(htmlPath, html, dryRun);
        p.line(`${dryRun ? 'Dry run, nothing written. ' : ''}Example report for ${quarter.label}:`);
        printFigures(p, figures);
        p.line(`HTML: ${htmlPath} (${file})`);
        p.json({
          ok: true,
          command: 'report',
          quarter: quarter.id,
          example: true,
          dryRun,
          figures,
          html: { path: htmlPath, action: file },
        });
        return;
      }

      let rootId: string | null = null;
      if (typeof flags.root === 'string') {
        rootId = extractPageId(flags.root);
        if (!rootId)
          throw new PnError('USAGE', `--root "${flags.root}" is not a Notion page link or ID`, {
            hint: 'copy the page link from Notion (Share → Copy link)',
          });
      }
      const google = withExampleHint(() => googleApiFor(ctx));
      const spreadsheetId = await findSyncWorkbook(google);
      // Every read that can fail comes before the first write: the hub is found first.
      const notion = notionCredential(ctx.io.env) ? requireNotionApi(ctx) : null;
      const hubId = notion
        ? await findHub(notion, ws, rootId, rootId ? null : await hubFromStartTab(google, spreadsheetId))
        : null;

      const sheets: SheetsReport = await sheetsReport(google, spreadsheetId, ws, quarter, {
        dryRun,
        force: flags.force === true,
      });
      const html = await reportPage(sheets.figures, {
        company: ws.config.company.name,
        source:
          sheets.source === 'rows'
            ? 'the workbook rows (dry run: the Leadership Report tab shows another quarter)'
            : `the workbook's Leadership Report tab, frozen on "${sheets.freeze.tab}"`,
      });
      const file = writeHtml(htmlPath, html, dryRun);
      const page: NotionReport | { action: 'skipped'; reason: string } =
        notion && hubId
          ? await notionReport(
              notion,
              hubId,
              sheets.figures,
              { frozenTab: sheets.freeze.tab, htmlFile: reportFileName(quarter.id) },
              { dryRun },
            )
          : {
              action: 'skipped',
              reason: 'no Notion login: run `partnernomics login notion` and report again',
            };

      p.line(`${dryRun ? 'Dry run, nothing written. ' : ''}Leadership report for ${quarter.label}:`);
      printFigures(p, sheets.figures);
      if (sheets.quarterSet !== 'unchanged')
        p.line(
          `Quarter: the Leadership Report tab ${sheets.quarterSet === 'set' ? 'now starts' : 'would start'} on ${quarter.start}`,
        );
      p.line(`Frozen tab: "${sheets.freeze.tab}" (${sheets.freeze.action})`);
      p.line(`HTML: ${htmlPath} (${file})`);
      p.line(
        'title' in page
          ? `Notion page: "${page.title}" (${page.action})`
          : `Notion page: skipped (${page.reason})`,
      );
      p.json({
        ok: true,
        command: 'report',
        quarter: quarter.id,
        dryRun,
        spreadsheetId,
        figures: sheets.figures,
        sheets: {
          source: sheets.source,
          quarterSet: sheets.quarterSet,
          freeze: sheets.freeze,
          writes: sheets.writes,
        },
        html: { path: htmlPath, action: file },
        notion: page,
      });
    });
}
