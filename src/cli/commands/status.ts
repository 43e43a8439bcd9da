// `partnernomics status`: program hygiene from Notion and the last sync from the workbook; exits 1 when something needs a person.
import { extractPageId } from '@notionhq/client';
import type { Command } from 'commander';
import { loadBlueprint } from '../../blueprint/load.js';
import { googleCredential, notionCredential } from '../../config/credentials.js';
import { todayIso } from '../../config/load.js';
import { PnError } from '../../platform/errors.js';
import { readSheetsSide, type SheetsSideRead, sheetsTablesOf } from '../../sync/sheets-side.js';
import { findSyncWorkbook, hubFromStartTab } from '../../sync/workbook.js';
import type { GoogleApi } from '../../targets/sheets/google-api.js';
import { type Finding, type HealthRows, KINDS, programHealth } from '../../workflows/health/core.js';
import { stageNorms } from '../../workflows/health/norms.js';
import { healthRegistry, readHealthRows } from '../../workflows/health/notion.js';
import { googleApiFor } from '../google.js';
import { requireNotionApi } from '../notion.js';
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

/** --as-of YYYY-MM-DD: a real calendar day. */
export function parseAsOf(raw: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw.trim());
  const day = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !day || day.toISOString().slice(0, 10) !== m[0])
    throw new PnError('USAGE', `--as-of "${raw}" is not a date`, { hint: 'write it as YYYY-MM-DD' });
  return m[0];
}

interface WorkbookSide {
  google: GoogleApi;
  spreadsheetId: string;
  read: SheetsSideRead;
}

/** The workbook and its sync state; null (with the reason) when there is no Google login or no workbook. */
async function readWorkbook(
  ctx: CommandContext,
  tables: ReturnType<typeof sheetsTablesOf>,
  notionToo: boolean,
): Promise<{ side: WorkbookSide | null; skipped: string | null }> {
  if (!googleCredential(ctx.io.env))
    return { side: null, skipped: 'no Google login (run `partnernomics login google`)' };
  const google = googleApiFor(ctx);
  let spreadsheetId: string;
  try {
    spreadsheetId = await findSyncWorkbook(google);
  } catch (error) {
    // A Notion-only install has no workbook: its hygiene is still worth checking.
    if (notionToo && error instanceof PnError && error.code === 'INPUT_INVALID')
      return { side: null, skipped: 'no workbook installed (`install --target sheets` makes one)' };
    throw error;
  }
  return {
    side: { google, spreadsheetId, read: await readSheetsSide(google, spreadsheetId, tables) },
    skipped: null,
  };
}

export function registerStatus(program: Command, ctx: CommandContext): void {
  program
    .command('status')
    .description(
      'program hygiene (owners, overdue to-dos, stuck partners, PBRs, roadmap, sync conflicts); exits 1 when something needs attention',
    )
    .option('--root <page>', 'the Notion page the workspace was installed under (default: the linked hub)')
    .option('--as-of <date>', 'check as on this day (YYYY-MM-DD) instead of today')
    .action(async (flags: { root?: string; asOf?: string }) => {
      let rootId: string | null = null;
      if (typeof flags.root === 'string') {
        rootId = extractPageId(flags.root);
        if (!rootId)
          throw new PnError('USAGE', `--root "${flags.root}" is not a Notion page link or ID`, {
            hint: 'copy the page link from Notion (Share → Copy link)',
          });
      }
      const today = flags.asOf === undefined ? todayIso() : parseAsOf(flags.asOf);
      const { ws } = desiredWorkspace(ctx.io, ctx.global().config);
      const hasNotion = notionCredential(ctx.io.env) !== null;
      if (!hasNotion && !googleCredential(ctx.io.env))
        throw new PnError(
          'CREDENTIALS_MISSING',
          'status reads the installed workspace: no Notion token and no Google login',
          {
            hint: 'run `partnernomics login notion` (and `partnernomics login google` for the sync); a local workspace has no live data to check',
          },
        );

      const { side, skipped: workbookSkipped } = await readWorkbook(ctx, sheetsTablesOf(ws), hasNotion);
      const last = side ? parseRun(side.read.lastRun) : null;
      const rows = side
        ? Object.fromEntries(
            [...side.read.tables].map(([key, list]) => [
              key,
              list.filter((r) => r.pageId && !r.archived).length,
            ]),
          )
        : null;

      const health: HealthRows = {
        partners: null,
        todos: null,
        pbrs: null,
        roadmap: null,
        sync: last ? { at: last.at, conflicts: last.conflicts, openRows: last.openRows } : null,
      };
      let stageChangedTracked = false;
      let notionSkipped: string | null = null;
      if (hasNotion) {
        const api = requireNotionApi(ctx);
        const lastHub = typeof last?.hub === 'string' && last.hub ? last.hub : null;
        const hubId = rootId
          ? null
          : (lastHub ?? (side ? await hubFromStartTab(side.google, side.spreadsheetId) : null));
        const registry = await healthRegistry(api, ws, { rootId, hubId });
        const read = await readHealthRows(api, ws, registry);
        Object.assign(health, read.rows);
        stageChangedTracked = read.stageChangedTracked;
      } else notionSkipped = 'no Notion token (run `partnernomics login notion`)';

      const norms = stageNorms(loadBlueprint(ctx.io.env.PARTNERNOMICS_TEMPLATES || undefined), ws.types);
      const findings = programHealth(health, today, norms);
      const healthy = findings.length === 0;
      printHealth(ctx, { today, findings, notionSkipped, workbookSkipped });
      const p = ctx.printer();
      if (side) {
        if (!last) p.line('No sync has run yet: run `partnernomics sync`.');
        else {
          p.line(`Last sync: ${last.at ?? last.id}`);
          p.line(`Rows changed: ${last.rowsChanged}`);
          p.line(
            `Open conflicts: ${last.conflicts} overwritten value(s) logged by the last sync; ${last.openRows} row(s) need a person (see the Sync Log tab)`,
          );
        }
        p.line(
          `Synced rows: ${Object.entries(rows ?? {})
            .map(([k, n]) => `${k} ${n}`)
            .join(', ')}`,
        );
      }
      const fixes = new Map(KINDS.map((k) => [k.kind, k.fix]));
      p.json({
        ok: healthy,
        command: 'status',
        healthy,
        asOf: today,
        findings: findings.map((f) => ({ ...f, fix: fixes.get(f.kind) })),
        lastSync: last,
        checked: {
          notion: !notionSkipped,
          workbook: !workbookSkipped,
          stageSource: stageChangedTracked ? 'stage changed' : 'created, signed on, launch date',
        },
        ...(notionSkipped ? { notionSkipped } : {}),
        ...(workbookSkipped ? { workbookSkipped } : {}),
        spreadsheetId: side?.spreadsheetId ?? null,
        lastRun: last,
        rows,
      });
      if (!healthy) {
        const kinds = KINDS.filter((k) => findings.some((f) => f.kind === k.kind)).map((k) =>
          k.title.toLowerCase(),
        );
        throw new PnError(
          'NEEDS_ATTENTION',
          `${findings.length} item(s) need attention: ${kinds.join('; ')}`,
          {
            hint: 'fix each as the list says, then run `partnernomics status` again',
            reported: true,
          },
        );
      }
    });
}

function printHealth(
  ctx: CommandContext,
  r: { today: string; findings: Finding[]; notionSkipped: string | null; workbookSkipped: string | null },
): void {
  const p = ctx.printer();
  p.heading(
    r.findings.length
      ? `Program health on ${r.today}: ${r.findings.length} item(s) need attention.`
      : `Program health on ${r.today}: nothing needs attention.`,
  );
  for (const k of KINDS) {
    const group = r.findings.filter((f) => f.kind === k.kind);
    if (!group.length) continue;
    p.line('');
    p.line(`${k.title} (${group.length}): ${k.fix}`);
    for (const f of group) p.line(`  • ${f.item}: ${f.detail}`);
  }
  if (r.notionSkipped) p.line(`Not checked in Notion: ${r.notionSkipped}.`);
  if (r.workbookSkipped) p.line(`Sync not checked: ${r.workbookSkipped}.`);
  p.line('');
}
