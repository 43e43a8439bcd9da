// The rows a report is computed from (Partner Scoring, Referrals, Metrics and the Unit Economics inputs), read
// from a grid of cell values: the compiled workbook's example rows (local) or the live workbook's (Sheets).
import type { DesiredTab, DesiredWorkbook } from '../../blueprint/desired.js';
import { PnError } from '../../platform/errors.js';
import { serialOf } from './quarter.js';

export interface PartnerRow {
  name: string;
  type: string;
  stage: string;
  signedOn: number | null;
  archived: boolean;
}

export interface ReferralRow {
  name: string;
  partner: string;
  stage: string;
  attribution: string;
  submittedOn: number | null;
  closedOn: number | null;
  value: number | null;
  archived: boolean;
}

export interface MetricRow {
  partner: string;
  month: number | null;
  revenue: number | null;
  cost: number | null;
  dealsWon: number | null;
  archived: boolean;
}

/** The Unit Economics inputs the report reads (named ranges of the same names). */
export interface ReportInputs {
  QuarterBookings: number;
  DirectCost: number;
  DirectWon: number;
}

export const INPUT_NAMES = ['QuarterBookings', 'DirectCost', 'DirectWon'] as const;

export interface ReportData {
  partners: PartnerRow[];
  referrals: ReferralRow[];
  metrics: MetricRow[];
  inputs: ReportInputs;
  /** The Partner Scoring stages in their workbook order (its Stage drop-down), for the stage chart. */
  stages: string[];
}

/** The table tabs the report reads, by blueprint key. */
export const DATA_TABS = ['partner_scoring', 'referrals', 'metrics'] as const;
export type DataTab = (typeof DATA_TABS)[number];

export function tabOf(
  workbook: DesiredWorkbook,
  key: string,
): DesiredTab & { table: NonNullable<DesiredTab['table']> } {
  const tab = workbook.tabs.find((t) => t.key === key);
  if (!tab?.table)
    throw new PnError('BLUEPRINT_INVALID', `the workbook blueprint has no ${key} table for the report`);
  return { ...tab, table: tab.table };
}

const text = (v: unknown): string => (v === null || v === undefined ? '' : String(v).trim());
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const isTrue = (v: unknown): boolean => v === true || (typeof v === 'string' && v.toUpperCase() === 'TRUE');

/** One record per data row, keyed by column key; `grid` holds the data rows only, columns in table order. */
function records(tab: DesiredTab & { table: NonNullable<DesiredTab['table']> }, grid: readonly unknown[][]) {
  const keys = tab.table.columns.map((c) => c.key);
  return grid.map((line) => Object.fromEntries(keys.map((k, i) => [k, line[i] ?? null])));
}

export function reportDataFromGrids(
  workbook: DesiredWorkbook,
  grids: Record<DataTab, readonly unknown[][]>,
  inputs: ReportInputs,
): ReportData {
  const partners = records(tabOf(workbook, 'partner_scoring'), grids.partner_scoring).map((r) => ({
    name: text(r.name),
    type: text(r.type),
    stage: text(r.stage),
    signedOn: num(r.signed_on),
    archived: isTrue(r.archived),
  }));
  const referrals = records(tabOf(workbook, 'referrals'), grids.referrals).map((r) => ({
    name: text(r.name),
    partner: text(r.partner),
    stage: text(r.stage),
    attribution: text(r.attribution),
    submittedOn: num(r.submitted_on),
    closedOn: num(r.closed_on),
    value: num(r.value),
    archived: isTrue(r.archived),
  }));
  const metrics = records(tabOf(workbook, 'metrics'), grids.metrics).map((r) => ({
    partner: text(r.partner),
    month: num(r.month),
    revenue: num(r.revenue),
    cost: num(r.cost),
    dealsWon: num(r.deals_won),
    archived: isTrue(r.archived),
  }));
  return { partners, referrals, metrics, inputs, stages: stagesOf(workbook) };
}

/** The Stage drop-down of Partner Scoring, in order; empty when the blueprint has none. */
function stagesOf(workbook: DesiredWorkbook): string[] {
  const tab = tabOf(workbook, 'partner_scoring');
  const letter = tab.table.columns.find((c) => c.key === 'stage')?.letter;
  const list = tab.validations.find((v) => letter && v.range.startsWith(`${letter}`) && v.list)?.list;
  return list ? [...list] : [];
}

/** The example rows the installer writes (dates as serial days), as the report reads them. */
export function exampleReportData(workbook: DesiredWorkbook): ReportData {
  const grid = (key: DataTab) => {
    const tab = tabOf(workbook, key);
    const rows: unknown[][] = [];
    for (const cell of tab.cells) {
      if (cell.row < tab.table.firstDataRow || cell.value === undefined) continue;
      const index = cell.row - tab.table.firstDataRow;
      const line = rows[index] ?? [];
      rows[index] = line;
      line[cell.col - 1] = cell.isDate && typeof cell.value === 'string' ? serialOf(cell.value) : cell.value;
    }
    return Array.from(rows, (r) => r ?? []);
  };
  const named = (name: string): number => {
    const range = workbook.namedRanges.find((n) => n.name === name);
    const m = range && /^\$([A-Z]+)\$(\d+)$/.exec(range.range);
    if (!range || !m) return 0;
    const col = [...m[1]!].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
    const cell = workbook.tabs
      .find((t) => t.name === range.tab)
      ?.cells.find((c) => c.row === Number(m[2]) && c.col === col);
    return typeof cell?.value === 'number' ? cell.value : 0;
  };
  const inputs: ReportInputs = {
    QuarterBookings: named('QuarterBookings'),
    DirectCost: named('DirectCost'),
    DirectWon: named('DirectWon'),
  };
  return reportDataFromGrids(
    workbook,
    { partner_scoring: grid('partner_scoring'), referrals: grid('referrals'), metrics: grid('metrics') },
    inputs,
  );
}
