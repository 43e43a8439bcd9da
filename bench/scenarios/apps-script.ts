// Bench scenarios of the bound Apps Script: its sync at 1,000 rows (UrlFetchApp and Sheets service calls) and recalculateScores over 5,000 partners (range calls).
import {
  modelForType,
  partnerScore,
  rankScores,
  recommend,
  type ScoringByType,
} from '../../src/domain/scoring.js';
import { METADATA_SCRIPT } from '../../src/targets/sheets/install.js';
import { GasHost } from '../../test/apps-script-sync/gas-host.js';
import type { WorldConfig } from '../../test/apps-script-sync/gas-protocol.js';
import {
  type CellValue,
  createSpreadsheetFakes,
  type FakeSheet,
  FakeSpreadsheet,
} from '../../test/fakes/spreadsheet-app.js';
import { loadAppsScriptBundle } from '../../test/helpers/apps-script-bundle.js';
import { prng } from '../../test/helpers.js';
import {
  type BudgetWorld,
  counted,
  createBudgetWorld,
  fullVerdict,
  livePages,
  queriesFor,
  seedMetrics,
} from '../../test/sync/budget-world.js';
import { budget, LIMITS, result, type ScenarioResult, simulatedSeconds, withCpu } from './common.js';
import { naiveSync, syncCalls } from './sync.js';

/** The script's settings as the installer pushed them, and the harness's view of the installed workbook. */
function gasWorld(w: BudgetWorld): { config: WorldConfig; pushed: string } {
  const record = w.google.state
    .spreadsheet(w.spreadsheetId)
    .developerMetadata.find((m) => m.metadataKey === METADATA_SCRIPT)?.metadataValue;
  const project = [...w.google.state.script.projects.values()].find(
    (p) => p.project.parentId === w.spreadsheetId,
  );
  const pushed = project?.pushes.at(-1)?.find((f) => f.name === 'Code')?.source ?? '';
  if (!pushed) throw new Error('install pushed no Code file');
  return {
    pushed,
    config: {
      name: 'bench',
      notionBase: w.notion.baseUrl,
      googleRoot: w.google.rootUrl,
      googleToken: w.google.issueToken(['drive.file']).accessToken,
      spreadsheetId: w.spreadsheetId,
      scriptId: String(record ?? '').split(':')[0] || 'no-script',
    },
  };
}

/** The first sync run by the bound script (Code.js in the vm harness) on a fresh install with `rows` Metrics pages. */
export async function appsScriptSync(rows = 1_000): Promise<ScenarioResult> {
  const w = await createBudgetWorld();
  let host: GasHost | undefined;
  try {
    seedMetrics(w, rows);
    const pages = livePages(w);
    const { config, pushed } = gasWorld(w);
    host = await GasHost.start('', pushed);
    await host.addWorld(config);
    const connected = await host.call({
      world: 'bench',
      fn: 'connectNotion',
      now: w.clock.now(),
      answers: [{ button: 'OK', text: w.notion.token }],
    });
    if (!/^Connected to Notion/.test(connected.alerts.at(-1) ?? ''))
      throw new Error(`connectNotion: ${connected.alerts.join(' / ')}`);
    const gas = host;
    const run = await withCpu(() =>
      counted(w, () =>
        gas.call<{ status: string; message: string; fetches: number }>({
          world: 'bench',
          fn: 'syncOnce',
          internal: true,
          args: [{ full: true }],
          now: w.clock.now(),
        }),
      ),
    );
    const { calls, result: call } = run.value;
    const v = fullVerdict(calls, pages);
    const failures = [...v.failures];
    if (call.result.status !== 'done')
      failures.push(`Apps Script sync: ${call.result.status}: ${call.result.message}`);
    const c = syncCalls(calls);
    const scriptCalls = { url_fetch: c.notion ?? 0, range_calls: c.sheets ?? 0 };
    const queries = Object.values(pages).reduce((n, p) => n + queriesFor(p), 0);
    const naive = await naiveSync(w, 'all');
    const seconds = simulatedSeconds({ url_fetch: scriptCalls.url_fetch, sheets: scriptCalls.range_calls });
    return result({
      scenario: `Apps Script sync, full, ${rows.toLocaleString('en-US')} rows`,
      group: 'apps-script',
      calls: scriptCalls,
      lower_bound: queries + 1 + calls.notion.writes + 2,
      bound: `${queries} queries (⌈pages/100⌉ a data source) + 1 registry read + ${calls.notion.writes} Notion updates of computed values + 2 Sheets service calls (one read, one batch)`,
      cpu_ms: run.cpu_ms,
      simulated: {
        seconds,
        limit: `UrlFetchApp at Notion's 3 req/s (${scriptCalls.url_fetch} of ${LIMITS.urlFetchPerDay.toLocaleString('en-US')} fetches a day; the script slept ${(call.slept / 1000).toFixed(0)} s pacing them) + Sheets 60 req/min; ${seconds <= LIMITS.runtimeSeconds ? 'within' : 'over'} the 6-min runtime`,
      },
      naive: { calls: naive, what: 're-read every page, one values.update per synced row (Sheets API)' },
      budget: budget(
        'one execution; ⌈pages/100⌉ queries a data source, ≤ 3 Sheets calls + one hub lookup',
        failures,
      ),
    });
  } finally {
    await host?.close();
    await w.close();
  }
}

/** The Partner Scoring layout recalculateScores reads: its headers, criteria and result columns. */
const CRITERIA = [
  'ICP overlap',
  'Trusted-advisor strength',
  'Non-competing revenue',
  'Customer reach',
  'Sales capacity',
  'Fit with partnering plan',
  'Executive sponsorship',
  'Incentive alignment',
  'Technical fit',
  'Reputation and brand',
  'Speed to first revenue',
  'Cultural fit',
];
const HEADERS = [
  'Notion ID',
  'Partner',
  'Partnership type',
  'Stage',
  'Sourcing channel',
  'Owner',
  'Signed on',
  'Launch date',
  'Example',
  ...CRITERIA,
  'Rated weight',
  'Score',
  'Rank',
  'Recommendation',
  'Archived',
];
const TYPES = ['Referral', 'Affiliate', 'Co-Sell', 'Marketplace'];
const HEADER_ROWS = 2;
const SETTINGS = { PursueAt: 70, NurtureAt: 45, MinCoverage: 0.5 };
const at = (name: string) => HEADERS.indexOf(name) + 1;

/** A workbook with `partners` rated partners on Partner Scoring and the Settings named ranges. */
export function scoringWorkbook(partners: number, seed = 5) {
  const rand = prng(seed);
  const book = new FakeSpreadsheet();
  const fakes = createSpreadsheetFakes(book);
  const settings = book.insertSheet('Settings');
  Object.values(SETTINGS).forEach((v, i) => {
    settings.setCell(7 + i, 9, v);
  });
  book.nameCell('PursueAt', settings, 7, 9);
  book.nameCell('NurtureAt', settings, 8, 9);
  book.nameCell('MinCoverage', settings, 9, 9);
  TYPES.forEach((name, t) => {
    settings.setCell(17 + t, 8, name);
    CRITERIA.forEach((_, i) => {
      settings.setCell(17 + t, 9 + i, 1 + Math.floor(rand() * 20));
    });
  });
  book.nameCell('WeightTypes', settings, 17, 8, TYPES.length, 1);
  book.nameCell('Weights', settings, 17, 9, TYPES.length, CRITERIA.length);
  const scoring = book.insertSheet('Partner Scoring');
  scoring.setRow(1, HEADERS);
  scoring.setCell(2, at('Partner'), 'Weights by type (edit on Settings)');
  for (let i = 0; i < partners; i++) {
    const row = HEADER_ROWS + 1 + i;
    const cells: CellValue[] = HEADERS.map(() => '');
    cells[0] = `nid-${row}`;
    cells[at('Partner') - 1] = `Partner ${row}`;
    cells[at('Partnership type') - 1] = TYPES[i % TYPES.length]!;
    CRITERIA.forEach((_, c) => {
      if (rand() < 0.9) cells[at('Example') + c] = 1 + Math.floor(rand() * 5);
    });
    scoring.setRow(row, cells);
  }
  return { fakes, book, settings, scoring };
}

const rangeCalls = (...sheets: FakeSheet[]) =>
  sheets.reduce((n, s) => n + s.calls.getValues + s.calls.getFormulas + s.calls.setValues, 0);

/**
 * The per-row baseline on the same fake: the header and settings once, then one read of each partner's row
 * and, once every score is known (ranks need them all), one write of its Score, Rank and Recommendation.
 */
function naiveRecompute(wb: ReturnType<typeof scoringWorkbook>): number {
  const { book, scoring, settings } = wb;
  const before = rangeCalls(scoring, settings);
  const lastCol = scoring.getLastColumn();
  const header = scoring.getRange(1, 1, 1, lastCol).getValues()[0]!.map(String);
  const num = (name: string) => Number(book.getRangeByName(name)!.getValues()[0]![0]);
  const names = book
    .getRangeByName('WeightTypes')!
    .getValues()
    .map((r) => String(r[0]));
  const weights = book.getRangeByName('Weights')!.getValues();
  const model: ScoringByType = {
    criteria: CRITERIA,
    types: names.map((name, i) => ({ name, weights: weights[i]!.map(Number) })),
    pursueAt: num('PursueAt'),
    nurtureAt: num('NurtureAt'),
    minCoverage: num('MinCoverage'),
  };
  const first = header.indexOf('Example') + 1;
  const scores: (number | null)[] = [];
  for (let r = HEADER_ROWS + 1; r <= scoring.getLastRow(); r++) {
    const row = scoring.getRange(r, 1, 1, lastCol).getValues()[0]!;
    const rowModel = modelForType(model, row[header.indexOf('Partnership type')]);
    scores.push(partnerScore(Object.fromEntries(CRITERIA.map((k, i) => [k, row[first + i]])), rowModel));
  }
  const ranks = rankScores(scores);
  const scoreCol = header.indexOf('Score') + 1;
  scores.forEach((score, i) => {
    scoring
      .getRange(HEADER_ROWS + 1 + i, scoreCol, 1, 3)
      .setValues([[score ?? '', ranks[i] ?? '', recommend(score, model)]]);
  });
  return rangeCalls(scoring, settings) - before;
}

/** recalculateScores of the built Code.js over `partners` partners, against the per-row baseline. */
export async function appsScriptRecompute(partners = 5_000): Promise<ScenarioResult> {
  const wb = scoringWorkbook(partners);
  const code = loadAppsScriptBundle(wb.fakes);
  const run = await withCpu(async () => code.recalculateScores!() as { partners: number });
  const ours = rangeCalls(wb.scoring, wb.settings);
  const failures: string[] = [];
  if (run.value.partners !== partners)
    failures.push(`recompute: ${run.value.partners} partners scored of ${partners}`);
  const BOUND = 8;
  if (ours > BOUND)
    failures.push(`recompute: ${ours} range calls (${BOUND}, whatever the number of partners)`);
  const naive = naiveRecompute(scoringWorkbook(partners));
  const seconds = Math.round(ours * LIMITS.rangeCallSeconds * 10) / 10;
  return result({
    scenario: `Apps Script recompute, ${partners.toLocaleString('en-US')} partners`,
    group: 'apps-script',
    calls: { range_calls: ours },
    lower_bound: BOUND,
    bound:
      'the table read once, the formulas of its 3 result columns once, one write, 5 named settings (PursueAt, NurtureAt, MinCoverage, Weights, WeightTypes)',
    cpu_ms: run.cpu_ms,
    simulated: {
      seconds,
      limit: `the 6-min runtime; no per-call quota for SpreadsheetApp (${LIMITS.rangeCallSeconds} s a range call assumed)`,
    },
    naive: { calls: naive, what: 'one range read and one range write per partner' },
    budget: budget(`≤ ${BOUND} range calls, whatever the number of partners`, failures),
  });
}
