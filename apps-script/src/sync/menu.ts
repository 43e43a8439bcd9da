// The Partnernomics → Sync with Notion menu: connect and disconnect the token, the trigger on and off, Sync now.

import { sheetsTablesOf } from '../../../src/sync/sheets-tables.js';
import { budgetDialog, costsOf, defaultInterval, type MeasuredRuns, parseInterval } from './budget.js';
import { syncWorkspace } from './config.js';
import { failureLine, type ScriptRunResult, scriptNotionApi, syncOnce } from './run.js';
import { syncServices } from './services.js';
import { readStats, recordInterval, TOKEN_KEY, TRIGGER_HANDLER } from './state.js';

const TITLE = 'Partnernomics';

function ui() {
  return syncServices().SpreadsheetApp.getUi();
}

function say(message: string): void {
  ui().alert(message);
}

function token(): string | null {
  return syncServices().PropertiesService.getUserProperties().getProperty(TOKEN_KEY);
}

function syncTriggers() {
  const { ScriptApp } = syncServices();
  return ScriptApp.getProjectTriggers().filter((t) => t.getHandlerFunction() === TRIGGER_HANDLER);
}

/**
 * Asks for the Notion integration token, checks it with one request, and keeps it in this user's own
 * properties (PropertiesService.getUserProperties): never in the code, the sheet, document or script
 * properties. Only this user's trigger can use it: installable triggers run as the user who made them.
 */
export async function connectNotion(): Promise<void> {
  const u = ui();
  const answer = u.prompt(
    'Connect Notion',
    'Paste the secret of your Notion internal integration (notion.so/profile/integrations). It is kept in your own user properties only: other editors of this workbook cannot read it, and the automatic sync runs as you.',
    u.ButtonSet.OK_CANCEL,
  );
  if (answer.getSelectedButton() !== u.Button.OK) return;
  const secret = answer.getResponseText().trim();
  if (!secret) return say('No token given: Notion is not connected.');
  try {
    const api = scriptNotionApi(secret, {
      now: () => Date.now(),
      sleep: (ms) => {
        syncServices().Utilities.sleep(ms);
        return Promise.resolve();
      },
    });
    const me = await api.me();
    syncServices().PropertiesService.getUserProperties().setProperty(TOKEN_KEY, secret);
    say(
      `Connected to Notion as ${me.name ?? 'your integration'}. Choose Sync now to sync once, or Turn on automatic sync.`,
    );
  } catch (error) {
    say(`Notion is not connected: ${failureLine(error)}`);
  }
}

/** Removes this user's token, and the automatic sync (its trigger could no longer reach Notion). */
export function disconnectNotion(): void {
  syncServices().PropertiesService.getUserProperties().deleteProperty(TOKEN_KEY);
  const removed = removeTriggers();
  say(
    `Notion disconnected: your token is removed from this workbook${removed ? ', and the automatic sync is off' : ''}.`,
  );
}

function removeTriggers(): number {
  const triggers = syncTriggers();
  for (const t of triggers) syncServices().ScriptApp.deleteTrigger(t);
  if (triggers.length) recordInterval(syncServices().PropertiesService.getDocumentProperties(), null);
  return triggers.length;
}

/** What the budget is computed at: the measured runs, the synced tables and rows. */
export function measuredRuns(): MeasuredRuns {
  const stats = readStats(syncServices().PropertiesService.getDocumentProperties());
  const ws = syncWorkspace();
  return {
    tables: stats.tables ?? (ws ? sheetsTablesOf(ws).length : 0),
    rows: stats.rows ?? 0,
    ...(stats.full ? { full: stats.full } : {}),
    ...(stats.incremental ? { incremental: stats.incremental } : {}),
  };
}

/**
 * Shows each interval's daily cost against the quotas (measured on this workbook: a first sync runs when none
 * has), asks for one (empty: the default, the most frequent that fits a consumer account), and replaces the
 * trigger with one every that many minutes.
 */
export async function turnOnAutomaticSync(): Promise<void> {
  if (!token()) return say('Connect Notion first: Partnernomics → Sync with Notion → Connect Notion….');
  let measured = measuredRuns();
  if (!measured.full) {
    const first = await syncOnce();
    if (first.status !== 'done') return say(`The first sync did not finish: ${first.message}`);
    measured = measuredRuns();
  }
  const costs = costsOf(measured);
  const u = ui();
  const answer = u.prompt('Turn on automatic sync', budgetDialog(costs, measured), u.ButtonSet.OK_CANCEL);
  if (answer.getSelectedButton() !== u.Button.OK) return;
  const interval = parseInterval(answer.getResponseText(), defaultInterval(costs));
  if (interval === null)
    return say('Type 5, 10, 15 or 30: time triggers accept only those minute intervals.');
  removeTriggers();
  syncServices().ScriptApp.newTrigger(TRIGGER_HANDLER).timeBased().everyMinutes(interval).create();
  recordInterval(syncServices().PropertiesService.getDocumentProperties(), interval);
  say(
    `Automatic sync is on: every ${interval} minutes, as you (the trigger uses your Notion token). Turn it off from the same menu.`,
  );
}

export function turnOffAutomaticSync(): void {
  const removed = removeTriggers();
  say(removed ? 'Automatic sync is off.' : 'Automatic sync was not on.');
}

function report(run: ScriptRunResult): void {
  syncServices().SpreadsheetApp.getActiveSpreadsheet().toast(run.message, TITLE);
}

/** Sync now: one run, its outcome in a toast. */
export async function syncNow(): Promise<ScriptRunResult> {
  const run = await syncOnce();
  report(run);
  return run;
}

/** The trigger's handler: one run; a failure goes to the execution log (and the workbook's health, #13 item 5). */
export async function runScheduledSync(): Promise<ScriptRunResult> {
  const run = await syncOnce();
  if (run.status === 'failed') syncServices().console.error(`Partnernomics sync failed: ${run.message}`);
  else syncServices().console.log(`Partnernomics sync: ${run.message}`);
  return run;
}
