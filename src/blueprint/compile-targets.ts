// The Targets tab's KPI table and the Leadership Report's rows per partnership type, both from the company's KPI targets.
import { REFERENCE_DEAL_SIZE, REFERENCE_SALES_CYCLE_DAYS } from '../config/schema.js';
import { PARTNERSHIP_TYPE_NAMES, type PartnershipTypeKey } from '../domain/types.js';
import type { Kpi } from './content-schema.js';
import type { CellFormat, CellStyle } from './desired.js';
import type { TargetedKpi } from './targets.js';

/** Writes one cell of a layout tab; formulas may use the workbook placeholders ({range:tab.col}). */
export type PutCell = (
  row: number,
  col: number,
  cell: { value?: string | number; formula?: string; style?: CellStyle; format?: CellFormat },
) => void;

export const KPI_TARGET_HEADERS = [
  'Partnership type',
  'KPI',
  'Period',
  'Key',
  'Better when',
  'Target',
  'Where the default comes from',
] as const;
const TARGET_COLUMN = KPI_TARGET_HEADERS.indexOf('Target') + 1;

export interface ChosenKpis {
  type: PartnershipTypeKey;
  kpis: TargetedKpi[];
}

/** The row of each KPI's target on the Targets tab ("co-sell.co_sell_opps_registered" -> 12). */
export function kpiTargetRows(chosen: readonly ChosenKpis[], headerRow: number): Map<string, number> {
  const rows = new Map<string, number>();
  let r = headerRow + 1;
  for (const { type, kpis } of chosen) for (const kpi of kpis) rows.set(`${type}.${kpi.key}`, r++);
  return rows;
}

/** Said after the KPI's name, since the Target cell holds a bare number (percent as 0–100). */
const UNIT_SUFFIX: Record<Kpi['unit'], string> = {
  count: '',
  currency: '',
  percent: ' (%)',
  days: ' (days)',
  ratio: ' (ratio)',
};

function formatOf(unit: Kpi['unit']): CellFormat {
  return unit === 'currency' ? 'currency' : 'number';
}

function money(n: number): string {
  return `$${n.toLocaleString('en-US', { maximumFractionDigits: 0 })}`;
}

/**
 * A scaled default as a formula of the Settings-like inputs on the Targets tab, rounded as the domain rounds
 * (two significant digits for dollars, whole days), so typing a new deal size rescales every dollar target.
 */
function scaledTarget(kpi: TargetedKpi): { formula?: string; value?: number; basis: string } {
  if (kpi.basis === 'set in your config')
    return { value: kpi.target, basis: `Set in your config (the type's default is ${kpi.default_target}).` };
  if (kpi.scale === 'deal_size') {
    const x = `${kpi.default_target}*AverageDealSize/${REFERENCE_DEAL_SIZE}`;
    const rounded = kpi.unit === 'currency' ? `ROUND(${x},1-INT(LOG10(${x})))` : `ROUND(${x},0)`;
    return {
      formula: `=IFERROR(${rounded},"")`,
      basis: `The type's default of ${kpi.unit === 'currency' ? money(kpi.default_target) : kpi.default_target} for a ${money(REFERENCE_DEAL_SIZE)} average deal, scaled to the average deal size above.`,
    };
  }
  if (kpi.scale === 'sales_cycle')
    return {
      formula: `=IFERROR(ROUND(${kpi.default_target}*SalesCycleDays/${REFERENCE_SALES_CYCLE_DAYS},0),"")`,
      basis: `The type's default of ${kpi.default_target} for a ${REFERENCE_SALES_CYCLE_DAYS}-day sales cycle, scaled to the sales cycle above.`,
    };
  return { value: kpi.target, basis: "The type's default." };
}

/** The Targets tab's table: one row per KPI of each chosen type, its target a yellow input cell. */
export function putKpiTargetsTable(chosen: readonly ChosenKpis[], headerRow: number, put: PutCell): void {
  KPI_TARGET_HEADERS.forEach((h, i) => {
    put(headerRow, i + 1, { value: h, style: 'header' });
  });
  const rows = kpiTargetRows(chosen, headerRow);
  for (const { type, kpis } of chosen) {
    for (const kpi of kpis) {
      const r = rows.get(`${type}.${kpi.key}`)!;
      const { basis, ...target } = scaledTarget(kpi);
      put(r, 1, { value: PARTNERSHIP_TYPE_NAMES[type] });
      put(r, 2, { value: `${kpi.name}${UNIT_SUFFIX[kpi.unit]}`, style: 'label' });
      put(r, 3, { value: kpi.period });
      put(r, 4, { value: kpi.key });
      put(r, 5, { value: kpi.direction });
      put(r, TARGET_COLUMN, { ...target, style: 'input', format: formatOf(kpi.unit) });
      put(r, 7, { value: basis });
    }
  }
}

const IN_QUARTER = (date: string) =>
  `{range:${date}},">="&ReportQuarterStart,{range:${date}},"<"&EDATE(ReportQuarterStart,3)`;

/** The quarter's figure for one reported KPI of `typeName`, blank where the type has no partners to measure. */
function measureFormula(kpi: TargetedKpi, typeName: string): { formula: string; how: string } {
  const t = `"${typeName}"`;
  const live = '{range:partner_scoring.archived},"<>TRUE"';
  const metric = (col: string) =>
    `SUMIFS({range:metrics.${col}},{range:metrics.partner_type},${t},${IN_QUARTER('metrics.month')},{range:metrics.archived},"<>TRUE")`;
  const report = kpi.report!;
  const [value, what] = {
    leads: [
      `COUNTIFS({range:referrals.partner_type},${t},${IN_QUARTER('referrals.submitted_on')},{range:referrals.archived},"<>TRUE")`,
      'Referrals tab rows submitted in the quarter',
    ],
    signed: [
      `COUNTIFS({range:partner_scoring.type},${t},${IN_QUARTER('partner_scoring.signed_on')},${live})`,
      'partners signed in the quarter (Partner Scoring)',
    ],
    revenue: [metric('revenue'), 'Metrics revenue in the quarter'],
    new_mrr: [
      `${metric('revenue')}/12`,
      'Metrics revenue in the quarter ÷ 12 (first-year value as monthly revenue)',
    ],
    pipeline_per_cost: [
      `IF(${metric('cost')}>0,${metric('pipeline')}/${metric('cost')},"")`,
      'Metrics qualified pipeline ÷ program cost in the quarter',
    ],
  }[report.measure];
  const perMonth = report.months === 1 ? '/3' : '';
  const monthly = report.months === 1 ? ', ÷ 3 for a month' : '';
  if (report.per === 'active_partner') {
    const active = `COUNTIFS({range:partner_scoring.type},${t},{range:partner_scoring.stage},"Active",${live})`;
    return {
      formula: `=IF(${active}=0,"",(${value})/${active}${perMonth})`,
      how: `${typeName} partners' ${what}, ÷ their Active partners${monthly}. Blank while none is Active.`,
    };
  }
  const partners = `COUNTIFS({range:partner_scoring.type},${t},${live})`;
  const guarded = report.measure === 'pipeline_per_cost' ? value : `(${value})${perMonth}`;
  return {
    formula: `=IF(${partners}=0,"",${guarded})`,
    how: `${typeName} partners' ${what}${monthly}. Blank while the type has no partner on Partner Scoring.`,
  };
}

function statusFormula(row: number, direction: Kpi['direction']): string {
  const [b, c] = [`B${row}`, `C${row}`];
  const rule =
    direction === 'lower'
      ? `IF(${b}<=${c},"Green",IF(${b}<=${c}*(1+RygYellowBand),"Yellow","Red"))`
      : `IF(${b}>=${c},"Green",IF(${b}>=${c}*(1-RygYellowBand),"Yellow","Red"))`;
  return `=IF(AND(ISNUMBER(${b}),ISNUMBER(${c})),${rule},"")`;
}

/**
 * The Leadership Report's rows for each chosen type: its leading KPI, then its revenue KPI, each computed from
 * the quarter's rows of that type's partners, against its target on the Targets tab.
 */
export function putTypeKpiReport(
  chosen: readonly ChosenKpis[],
  headerRow: number,
  /** The Targets tab: its name as a formula writes it (quoted when needed) and its table's header row. */
  targets: { sheet: string; headerRow: number },
  put: PutCell,
): void {
  ['Each type against its own targets', 'This quarter', 'Target', 'Status', 'How it is computed'].forEach(
    (h, i) => {
      put(headerRow, i + 1, { value: h, style: 'header' });
    },
  );
  const targetRows = kpiTargetRows(chosen, targets.headerRow);
  const column = String.fromCharCode(64 + TARGET_COLUMN);
  let r = headerRow + 1;
  for (const { type, kpis } of chosen) {
    const name = PARTNERSHIP_TYPE_NAMES[type];
    const reported = kpis
      .filter((k) => k.report)
      .sort((a, b) => Number(a.category === 'revenue') - Number(b.category === 'revenue'));
    for (const kpi of reported) {
      const { formula, how } = measureFormula(kpi, name);
      put(r, 1, { value: `${name}: ${kpi.name} (${kpi.period})` });
      put(r, 2, { formula, format: formatOf(kpi.unit) });
      put(r, 3, {
        formula: `=${targets.sheet}!$${column}$${targetRows.get(`${type}.${kpi.key}`)}`,
        format: formatOf(kpi.unit),
      });
      put(r, 4, { formula: statusFormula(r, kpi.direction) });
      put(r, 5, { value: how });
      r++;
    }
  }
}
