// Reads the workbook's PBR Scoreboard tab (one spreadsheets.get): each partner's KPI rows for a quarter, with their RYG status.
import type { DesiredWorkspace } from '../../blueprint/desired.js';
import { compareQuarters, parseQuarter, type Quarter } from '../../domain/business-days.js';
import { readSheetsSide } from '../../sync/sheets-read.js';
import type { SheetsTableSpec } from '../../sync/sheets-tables.js';
import type { SheetRow } from '../../sync/types.js';
import type { GoogleApi } from '../../targets/sheets/google-api.js';
import type { ScoreboardRow } from './agenda.js';

export const SCOREBOARD_TAB = 'pbr_scoreboard';

/** The PBR Scoreboard tab as a table the sync's reader understands (found by its tab and column tags). */
export function scoreboardSpec(ws: DesiredWorkspace): SheetsTableSpec {
  const tab = ws.workbook.tabs.find((t) => t.key === SCOREBOARD_TAB);
  if (!tab?.table) throw new Error(`the workbook has no ${SCOREBOARD_TAB} table`);
  const columns = tab.table.columns;
  return {
    key: SCOREBOARD_TAB,
    tab: tab.key,
    name: tab.name,
    headerRows: tab.table.headerRows,
    firstDataRow: tab.table.firstDataRow,
    lastDataRow: tab.table.lastDataRow,
    columns: columns.map((c) => ({ key: c.key, kind: c.kind, ...(c.format ? { format: c.format } : {}) })),
    fields: columns
      .filter((c) => c.kind !== 'id' && c.kind !== 'archived')
      .map((c) => ({ key: c.key, column: c.key, owner: 'sheets' as const })),
  };
}

const str = (v: unknown) => (v === null || v === undefined ? '' : String(v).trim());
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * Pure: the rows of one partner and quarter, matched as the PBRs tab's Overall scoreboard matches them
 * (Partner as written on the PBR; the Quarter in any spelling `parseQuarter` reads), archived rows left out.
 */
export function scoreboardRows(
  rows: readonly SheetRow[],
  partner: string,
  quarter: Quarter,
): ScoreboardRow[] {
  return rows
    .filter((r) => !r.archived && str(r.values.partner) === partner)
    .filter((r) => {
      const q = parseQuarter(str(r.values.quarter));
      return q !== undefined && compareQuarters(q, quarter) === 0;
    })
    .map((r) => ({
      metric: str(r.values.metric),
      direction: str(r.values.direction) || 'higher',
      target: num(r.values.target),
      actual: num(r.values.actual),
      status: str(r.values.status),
    }));
}

/** Every row of the PBR Scoreboard tab. */
export async function readScoreboard(
  google: GoogleApi,
  spreadsheetId: string,
  ws: DesiredWorkspace,
): Promise<SheetRow[]> {
  const read = await readSheetsSide(google, spreadsheetId, [scoreboardSpec(ws)]);
  return read.tables.get(SCOREBOARD_TAB) ?? [];
}
