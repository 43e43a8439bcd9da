// `partnernomics pbr new --quarter 2027Q1`: one PBR per active partner, with the agenda, scoreboard and carried-over to-dos.
import type { Command } from 'commander';
import { programTimeZone } from '../../config/schema.js';
import { parseQuarter, type Quarter, quarterOf, todayIn } from '../../domain/business-days.js';
import { PnError } from '../../platform/errors.js';
import { openPbrDbs, runQuarterPbrs } from '../../workflows/pbr/run.js';
import type { CommandContext } from '../program.js';
import { workflowSetup } from './launch.js';

function quarterFlag(raw: unknown, zone: string): Quarter {
  if (raw === undefined) return quarterOf(todayIn(zone));
  const quarter = parseQuarter(String(raw));
  if (!quarter)
    throw new PnError('USAGE', `--quarter "${String(raw)}" is not a quarter`, {
      hint: 'write it as YEARQn, e.g. --quarter 2027Q1',
    });
  return quarter;
}

export function registerPbr(program: Command, ctx: CommandContext): void {
  const pbr = program.command('pbr').description('Partner Business Reviews: open a quarter’s PBRs');
  pbr
    .command('new')
    .description(
      'create one PBR per active partner for a quarter: the five-part agenda, the scoreboard from the workbook, the previous PBR’s open to-dos linked, and the dates (once per partner and quarter)',
    )
    .option('--quarter <quarter>', 'the quarter, e.g. 2027Q1 (default: the current quarter)')
    .option('--dry-run', 'print what would be created and linked, and write nothing', false)
    .option('--root <page>', 'the Notion page the workspace was installed under (default: the linked hub)')
    .action(async (flags: Record<string, unknown>) => {
      const { wf, google } = await workflowSetup(ctx, flags);
      const quarter = quarterFlag(flags.quarter, programTimeZone(wf.ws.config));
      const dbs = await openPbrDbs(wf);
      const result = await runQuarterPbrs(wf, dbs, quarter, google);
      const p = ctx.printer();
      p.line(
        `${result.quarter}: PBRs held ${result.date}; next quarter's (${result.next.quarter}) on ${result.next.date}.`,
      );
      if (!result.items.length) p.line('No partner is at stage Active: no PBR to open.');
      for (const line of result.lines) p.line(line);
      const existing = result.items.filter((i) => !i.created).length;
      if (existing) p.line(`${existing} active partner(s) already have their ${result.quarter} PBR.`);
      p.line(
        `${wf.dryRun ? 'Dry run: ' : ''}${result.writes} write(s)${wf.dryRun ? ' would be made; nothing was written' : ''}.`,
      );
      p.json({ ok: true, command: 'pbr new', dryRun: wf.dryRun, ...result });
    });
}
