// `partnernomics status`: the last sync as the workbook records it (last run, rows changed, open conflicts); writes nothing.
import type { Command } from 'commander';
import { readSheetsSide, sheetsTablesOf } from '../../sync/sheets-side.js';
import { findSyncWorkbook } from '../../sync/workbook.js';
import { googleApiFor } from '../google.js';
import type { CommandContext } from '../program.js';
import { desiredWorkspace } from '../workspace.js';

export interface LastRun {
  id: string;
  at: string | null;
  rowsChanged: number;
  conflicts: number;
  openRows: number;
  [key: string]: unknown;
}

function parseRun(run: { id: string; data: string } | null): LastRun | null {
  if (!run) return null;
  let data: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(run.data);
    if (parsed && typeof parsed === 'object') data = { ...parsed };
  } catch {
    // An edited state cell: the run is known by its ID only.
  }
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return {
    ...data,
    id: run.id,
    at: typeof data.at === 'string' ? data.at : null,
    rowsChanged: num(data.rowsChanged),
    conflicts: num(data.conflicts),
    openRows: num(data.openRows),
  };
}

export function registerStatus(program: Command, ctx: CommandContext): void {
  program
    .command('status')
    .description(
      'show the last sync: when, rows changed, open conflicts (reads the workbook, writes nothing)',
    )
    .action(async () => {
      const { ws } = desiredWorkspace(ctx.io, ctx.global().config);
      const google = googleApiFor(ctx);
      const spreadsheetId = await findSyncWorkbook(google);
      const read = await readSheetsSide(google, spreadsheetId, sheetsTablesOf(ws));
      const last = parseRun(read.lastRun);
      const rows = Object.fromEntries(
        [...read.tables].map(([key, list]) => [key, list.filter((r) => r.pageId && !r.archived).length]),
      );
      const p = ctx.printer();
      if (!last) p.line('No sync has run yet: run `partnernomics sync`.');
      else {
        p.line(`Last sync: ${last.at ?? last.id}`);
        p.line(`Rows changed: ${last.rowsChanged}`);
        p.line(
          `Open conflicts: ${last.conflicts} overwritten value(s) logged by the last sync; ${last.openRows} row(s) need a person (see the Sync Log tab)`,
        );
      }
      p.line(
        `Synced rows: ${Object.entries(rows)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')}`,
      );
      p.json({ ok: true, command: 'status', spreadsheetId, lastRun: last, rows });
    });
}
