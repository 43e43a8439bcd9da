// `install --target sheets|all`: the leaders' workbook and its bound script; with `all`, Notion too, linked both ways.
import { readFileSync } from 'node:fs';
import type { sheets_v4 } from '@googleapis/sheets';
import { notionCredential } from '../../config/credentials.js';
import { APPS_SCRIPT_BUNDLE, APPS_SCRIPT_MANIFEST } from '../../platform/paths.js';
import type { NotionApi } from '../../targets/notion/api.js';
import type { GoogleApi } from '../../targets/sheets/google-api.js';
import {
  installWorkbook,
  planWorkbook,
  type SheetsInstallResult,
  type SheetsPlan,
} from '../../targets/sheets/install.js';
import { withInstallLease } from '../../targets/sheets/lease.js';
import { googleApiFor, leaseOptionsFor } from '../google.js';
import { notionApiFor } from '../notion.js';
import type { InstallOptions } from '../options.js';
import type { CommandContext } from '../program.js';
import type { desiredWorkspace } from '../workspace.js';
import { runNotion } from './install-notion.js';

export async function runSheets(
  ctx: CommandContext,
  compiled: ReturnType<typeof desiredWorkspace>,
  emitJson = true,
): Promise<SheetsInstallResult> {
  const api = googleApiFor(ctx);
  const p = ctx.printer();
  p.line("Target: Google Sheets (the leaders' workbook and its bound Apps Script)");
  const source = {
    code: readFileSync(APPS_SCRIPT_BUNDLE, 'utf8'),
    manifest: readFileSync(APPS_SCRIPT_MANIFEST, 'utf8'),
  };
  // One install at a time per Google account: a second one waits (bounded) or stops with one line.
  const result = await withInstallLease(api, leaseOptionsFor(ctx), (lease) =>
    installWorkbook(api, compiled.ws, source, { beforeStage: () => lease.renew() }),
  );
  p.line(`Workbook ${result.action}: ${result.url}`);
  if (result.trashedDuplicates.length)
    p.line(
      `Moved ${result.trashedDuplicates.length} empty copy(ies) of the workbook that an unconfirmed create left to the trash.`,
    );
  if (result.updated.length) p.line(`Updated from the config: ${result.updated.join(', ')}.`);
  if (result.addedTabs.length) p.line(`Added tab(s): ${result.addedTabs.join(', ')}.`);
  if (result.addedColumns.length) p.line(`Added column(s): ${result.addedColumns.join(', ')}.`);
  for (const column of result.skippedColumns) p.line(`  not added      column ${column}`);
  for (const item of result.notUpdated) p.line(`  not updated    ${item}`);
  p.line(
    `Apps Script ${result.scriptAction}${result.scriptId ? ` (project ${result.scriptId})` : ''}; ${result.writes} API writes in ${result.batchUpdates} batch update(s).`,
  );
  if (result.possibleOrphanScripts.length)
    p.line(
      `  note: an interrupted install may have left ${result.possibleOrphanScripts.length} extra Apps Script project(s) bound to the workbook (${result.possibleOrphanScripts.join(', ')}); they add no menu — \`partnernomics doctor\` says how to remove them.`,
    );
  const manual = compiled.ws.manualSteps.filter((s) => s.target === 'sheets').map((s) => s.step);
  for (const step of manual) p.line(`  - [ ] ${step}`);
  if (emitJson) p.json({ ok: true, command: 'install', target: 'sheets', ...result, manualSteps: manual });
  return { ...result };
}

const notionUrl = (id: string) => `https://www.notion.so/${id.replace(/-/g, '')}`;

/** The Start tab links to the Notion hub and the hub links to the workbook; each written only when missing. */
async function crossLink(
  google: GoogleApi,
  notion: NotionApi,
  spreadsheetId: string,
  sheetUrl: string,
  hubId: string,
): Promise<number> {
  let writes = 0;
  const link = `=HYPERLINK("${notionUrl(hubId)}","Open the Notion hub")`;
  const current = await google.call('reading the Start tab', true, false, () =>
    google.sheets.spreadsheets.values.get({
      spreadsheetId,
      range: 'NotionHubLink',
      valueRenderOption: 'FORMULA',
    }),
  );
  if (current.data.values?.[0]?.[0] !== link) {
    const requestBody: sheets_v4.Schema$ValueRange = { values: [[link]] };
    await google.call('linking the Start tab to Notion', true, true, () =>
      google.sheets.spreadsheets.values.update({
        spreadsheetId,
        range: 'NotionHubLink',
        valueInputOption: 'USER_ENTERED',
        requestBody,
      }),
    );
    writes += 1;
  }
  let linked = false;
  for await (const block of notion.children(hubId)) {
    if (
      'type' in block &&
      block.type === 'paragraph' &&
      block.paragraph.rich_text.some((t) => t.href === sheetUrl)
    )
      linked = true;
  }
  if (!linked) {
    await notion.call(false, (c) =>
      c.blocks.children.append({
        block_id: hubId,
        children: [
          {
            type: 'paragraph',
            paragraph: {
              rich_text: [
                { type: 'text', text: { content: "Leaders' workbook (Google Sheets): " } },
                { type: 'text', text: { content: 'open it', link: { url: sheetUrl } } },
              ],
            },
          },
        ],
      }),
    );
    writes += 1;
  }
  return writes;
}

export async function runAll(
  ctx: CommandContext,
  compiled: ReturnType<typeof desiredWorkspace>,
  options: InstallOptions,
): Promise<void> {
  const notion = await runNotion(ctx, compiled, options, true, false);
  const sheets = await runSheets(ctx, compiled, false);
  const credential = notionCredential(ctx.io.env)!;
  const linkWrites = notion.hubId
    ? await crossLink(
        googleApiFor(ctx),
        notionApiFor(ctx, credential.token),
        sheets.spreadsheetId,
        sheets.url,
        notion.hubId,
      )
    : 0;
  ctx
    .printer()
    .line(
      linkWrites
        ? 'Linked the Notion hub and the workbook to each other.'
        : 'The Notion hub and the workbook already link to each other.',
    );
  ctx.printer().json({ ok: true, command: 'install', target: 'all', notion, sheets, linkWrites });
}

function appsScriptSource() {
  return {
    code: readFileSync(APPS_SCRIPT_BUNDLE, 'utf8'),
    manifest: readFileSync(APPS_SCRIPT_MANIFEST, 'utf8'),
  };
}

/** `plan --target sheets`: what install would do to the workbook, from reads only. */
export async function planSheets(
  ctx: CommandContext,
  compiled: ReturnType<typeof desiredWorkspace>,
  emitJson = true,
): Promise<SheetsPlan> {
  const plan = await planWorkbook(googleApiFor(ctx), compiled.ws, appsScriptSource());
  const p = ctx.printer();
  const what = {
    create: `create the workbook with ${plan.addTabs.length} tabs`,
    fill: 'fill the workbook an earlier install created',
    unchanged: 'nothing: the workbook is current',
    upgrade: `add ${plan.addTabs.length} tab(s)${plan.addTabs.length ? ` (${plan.addTabs.join(', ')})` : ''}${plan.addColumns.length ? `, add column(s) ${plan.addColumns.join(', ')}` : ''}${plan.updates.length ? `, update ${plan.updates.join(', ')} from the config` : ''}`,
  }[plan.action];
  p.line(`Sheets plan: ${what}; Apps Script: ${plan.scriptAction}.`);
  for (const item of plan.notUpdated) p.line(`  not updated    ${item}`);
  for (const column of plan.skippedColumns) p.line(`  not added      column ${column}`);
  if (emitJson) p.json({ ok: true, command: 'plan', target: 'sheets', ...plan });
  return plan;
}
