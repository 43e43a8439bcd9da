// Compiles the workbook blueprint into concrete tabs and cells: columns placed, formulas resolved to A1.
import type { Config } from '../config/schema.js';
import { PARTNERSHIP_TYPE_NAMES, type PartnershipTypeKey } from '../domain/types.js';
import { putProgramReport } from './compile-report.js';
import {
  type ChosenKpis,
  KPI_TARGET_HEADERS,
  kpiTargetRows,
  putKpiTargetsTable,
  putTypeKpiReport,
} from './compile-targets.js';
import type {
  CellFormat,
  CellStyle,
  DesiredCell,
  DesiredTab,
  DesiredTableColumn,
  DesiredWorkbook,
} from './desired.js';
import type { Blueprint } from './load.js';
import type { LayoutTabSpec, TableTabSpec, WorkbookColumnSpec } from './schema.js';
import { syncLines } from './sync-text.js';
import { targetedKpis, withCompanyTargets } from './targets.js';

/** 1 -> A, 26 -> Z, 27 -> AA. */
export function columnLetter(index: number): string {
  let n = index;
  let letters = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    letters = String.fromCharCode(65 + rem) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

export function columnIndex(letters: string): number {
  return [...letters].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
}

export function quoteSheet(name: string): string {
  return /^[A-Za-z0-9_]+$/.test(name) ? name : `'${name.replace(/'/g, "''")}'`;
}

interface TableLayout {
  spec: TableTabSpec;
  columns: (DesiredTableColumn & { spec: WorkbookColumnSpec | null })[];
  firstDataRow: number;
  lastDataRow: number;
  ratings: { first: string; last: string } | null;
}

function layoutTable(spec: TableTabSpec, bp: Blueprint): TableLayout {
  const columns: TableLayout['columns'] = [];
  let ratings: TableLayout['ratings'] = null;
  for (const col of spec.columns) {
    if ('generate' in col) {
      const first = columnLetter(columns.length + 1);
      for (const c of bp.scoring.criteria) {
        columns.push({
          key: c.key,
          header: c.name,
          letter: columnLetter(columns.length + 1),
          kind: 'rating',
          spec: null,
        });
      }
      ratings = { first, last: columnLetter(columns.length) };
    } else {
      columns.push({
        key: col.key,
        header: col.header,
        letter: columnLetter(columns.length + 1),
        kind: col.kind,
        ...(col.format ? { format: col.format } : {}),
        spec: col,
      });
    }
  }
  const firstDataRow = spec.header_rows + 1;
  return { spec, columns, firstDataRow, lastDataRow: spec.header_rows + spec.data_rows, ratings };
}

interface Context {
  bp: Blueprint;
  config: Config;
  tables: Map<string, TableLayout>;
  /** What the sync does per synced tab (`{sync.<tab>}` in a cell). */
  sync: Map<string, string>;
}

function resolveRange(ctx: Context, ref: string): string {
  const [tabKey, colKey] = ref.split('.');
  const table = ctx.tables.get(tabKey ?? '');
  const col = table?.columns.find((c) => c.key === colKey);
  if (!table || !col) throw new Error(`workbook formula refers to unknown column {range:${ref}}`);
  const sheet = quoteSheet(table.spec.name);
  return `${sheet}!$${col.letter}$${table.firstDataRow}:$${col.letter}$${table.lastDataRow}`;
}

/** Replaces {r}, {n}, {item}, {c:key}, {ratings}, {weights} and {range:tab.col} in a formula template. */
function resolveFormula(
  template: string,
  ctx: Context,
  vars: { r: number; n?: number; item?: string; table?: TableLayout },
): string {
  return template.replace(/\{([a-z]+)(?::([a-z0-9_.]+))?\}/g, (whole, name: string, arg?: string) => {
    const table = vars.table;
    switch (name) {
      case 'r':
        return String(vars.r);
      case 'n':
        return String(vars.n ?? 0);
      case 'item':
        return vars.item ?? '';
      case 'c': {
        const col = table?.columns.find((c) => c.key === arg);
        if (!col) throw new Error(`workbook formula refers to unknown column {c:${arg}}`);
        return col.letter;
      }
      case 'ratings':
        if (!table?.ratings) throw new Error('{ratings} used on a tab without scoring criteria');
        return `${table.ratings.first}${vars.r}:${table.ratings.last}${vars.r}`;
      case 'weights':
        if (!table?.ratings) throw new Error('{weights} used on a tab without scoring criteria');
        return rowTypeWeights(ctx, table, vars.r);
      case 'range':
        return resolveRange(ctx, arg ?? '');
      case 'protection':
        return protectionExpiry(ctx, table, vars.r, arg ?? '');
      default:
        return whole;
    }
  });
}

/**
 * `{protection:<type column>}`: this row's Submitted on plus the registration protection of the row's
 * partnership type (each chosen type that registers deals), blank for a type without one.
 */
function protectionExpiry(
  ctx: Context,
  table: TableLayout | undefined,
  r: number | undefined,
  typeKey: string,
): string {
  const typeCol = table?.columns.find((c) => c.key === typeKey);
  const dateCol = table?.columns.find((c) => c.key === 'submitted_on');
  if (!typeCol || !dateCol)
    throw new Error(`{protection:${typeKey}} needs ${typeKey} and submitted_on columns`);
  const days = ctx.config.partnership_types.flatMap((key) => {
    const d = ctx.bp.types[key].incentives.registration_protection_days;
    return d ? [[PARTNERSHIP_TYPE_NAMES[key], d] as const] : [];
  });
  const pick = days.reduceRight<string>(
    (rest, [name, d]) => `IF(${typeCol.letter}${r}="${name}",${dateCol.letter}${r}+${d},${rest})`,
    '""',
  );
  return pick;
}

/**
 * "{config.company}" and friends: a cell value that is one placeholder keeps its type (numbers stay numbers).
 * `{sync.<tab>}` is the generated line saying what the sync moves for that tab, field by field.
 */
function resolveValue(value: string | number, ctx: Context, item?: string): string | number {
  if (typeof value === 'number') return value;
  const known: Record<string, string | number> = {
    'config.company': ctx.config.company.name,
    'config.start_date': ctx.config.program.start_date,
    'config.targets.partners_signed_by_day_90': ctx.config.targets.partners_signed_by_day_90,
    'config.company.average_deal_size': ctx.config.company.average_deal_size,
    'config.company.sales_cycle_days': ctx.config.company.sales_cycle_days,
    'config.targets.partner_share_of_bookings': ctx.config.targets.partner_share_of_bookings_pct / 100,
    'scoring.pursue': ctx.bp.scoring.thresholds.pursue,
    'scoring.nurture': ctx.bp.scoring.thresholds.nurture,
    'scoring.min_coverage': ctx.bp.scoring.min_coverage,
    item: item ?? '',
    ...Object.fromEntries([...ctx.sync].map(([tab, line]) => [`sync.${tab}`, line])),
  };
  const single = /^\{([a-z_.0-9]+)\}$/.exec(value);
  if (single?.[1] && single[1] in known) return known[single[1]]!;
  return value.replace(/\{([a-z_.0-9]+)\}/g, (whole, key: string) => {
    if (key in known) return String(known[key]);
    if (key.startsWith('sync.')) throw new Error(`workbook cell names {${key}}, but that tab is not synced`);
    return whole;
  });
}

function monthStart(config: Config, offset: number): string {
  const [y, m] = config.program.start_date.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1 + offset, 1)).toISOString().slice(0, 10);
}

function dayFromStart(config: Config, offset: number): string {
  const [y, m, d] = config.program.start_date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + offset)).toISOString().slice(0, 10);
}

function exampleValue(raw: unknown, ctx: Context): string | number | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'number') return raw;
  const text = String(raw);
  const month = /^\{month:(\d+)\}$/.exec(text);
  if (month) return monthStart(ctx.config, Number(month[1]));
  const day = /^\{day:(\d+)\}$/.exec(text);
  if (day) return dayFromStart(ctx.config, Number(day[1]));
  const types = ctx.config.partnership_types;
  const pick = { first: types[0], second: types[1] ?? types[0], last: types[types.length - 1] }[text];
  return pick ? PARTNERSHIP_TYPE_NAMES[pick] : text;
}

function listOptions(list: WorkbookColumnSpec['list'], config: Config): string[] | undefined {
  if (list === undefined) return undefined;
  if (list === '$types') return config.partnership_types.map((t) => PARTNERSHIP_TYPE_NAMES[t]);
  if (typeof list === 'string') throw new Error(`option list ${list} cannot be used on a workbook column`);
  return list;
}

function compileTable(table: TableLayout, ctx: Context): DesiredTab {
  const { spec } = table;
  const cells: DesiredCell[] = [];
  const lastCol = table.columns.length;
  table.columns.forEach((col, i) => {
    cells.push({ row: 1, col: i + 1, value: col.header, style: 'header' });
  });
  if (spec.header_rows === 2 && table.ratings) {
    const nameCol = table.columns.findIndex((c) => c.kind === 'input') + 1;
    const weights = weightsTable(ctx);
    cells.push({ row: 2, col: nameCol, value: 'Weights by type (edit on Settings)', style: 'weights' });
    ctx.bp.scoring.criteria.forEach((_, i) => {
      const col = columnIndex(table.ratings!.first) + i;
      cells.push({ row: 2, col, formula: weightRangeFormula(weights, i, true), style: 'weights' });
    });
  }

  const rows: Record<string, unknown>[] =
    spec.seed === 'type-kpis' ? kpiSeedRows(ctx) : spec.examples.map((e) => ({ ...e }));
  rows.forEach((example, i) => {
    const r = table.firstDataRow + i;
    const ratings = (example.ratings ?? {}) as Record<string, unknown>;
    table.columns.forEach((col, c) => {
      if (col.kind === 'formula') return;
      const raw = col.kind === 'rating' ? ratings[col.key] : example[col.key];
      const format = col.spec?.format;
      if (raw && typeof raw === 'object' && 'formula' in raw && typeof raw.formula === 'string') {
        cells.push({ row: r, col: c + 1, formula: raw.formula, format });
        return;
      }
      const value = exampleValue(raw, ctx);
      if (value === undefined) return;
      cells.push({ row: r, col: c + 1, value, isDate: format === 'date', format });
    });
  });

  // Every data row carries the column formulas, so a row a person adds is computed at once.
  for (let r = table.firstDataRow; r <= table.lastDataRow; r++) {
    table.columns.forEach((col, c) => {
      if (col.kind !== 'formula' || !col.spec?.formula) return;
      cells.push({
        row: r,
        col: c + 1,
        formula: resolveFormula(col.spec.formula, ctx, { r, table }),
        format: col.spec.format,
      });
    });
  }

  const dataRange = (letter: string) =>
    `${letter}${table.firstDataRow}:${letter}${Math.max(table.lastDataRow, table.firstDataRow)}`;
  const validations: DesiredTab['validations'] = [];
  const protectedRanges: DesiredTab['protectedRanges'] = [
    {
      range: `A1:${columnLetter(lastCol)}${spec.header_rows}`,
      description: 'Headers: the Partnernomics menu finds columns by these',
    },
  ];
  for (const col of table.columns) {
    if (col.kind === 'rating') validations.push({ range: dataRange(col.letter), between: [1, 5] });
    const options = listOptions(col.spec?.list, ctx.config);
    if (options) validations.push({ range: dataRange(col.letter), list: options });
    if (col.spec?.number_between)
      validations.push({ range: dataRange(col.letter), between: col.spec.number_between });
    if (col.spec?.format === 'date') validations.push({ range: dataRange(col.letter), date: true });
    if (col.kind === 'id')
      protectedRanges.push({
        range: dataRange(col.letter),
        description:
          'Notion page IDs: paste one from the page link to tie a row to its page, or leave it blank',
      });
    if (col.kind === 'formula')
      protectedRanges.push({ range: dataRange(col.letter), description: `${col.header} is computed` });
    if (col.kind === 'archived') {
      validations.push({ range: dataRange(col.letter), checkbox: true });
      protectedRanges.push({
        range: dataRange(col.letter),
        description:
          'Archived: ticked when the row’s page is trashed in Notion; an archived row is kept, grayed out and left out of every total',
      });
    }
  }
  const conditionalFormats: DesiredTab['conditionalFormats'] = [];
  const archived = table.columns.find((c) => c.kind === 'archived');
  if (archived) {
    // First, so it wins over the other fills: the whole row greys when its Archived box is ticked.
    conditionalFormats.push({
      range: `A${table.firstDataRow}:${columnLetter(lastCol)}${Math.max(table.lastDataRow, table.firstDataRow)}`,
      formula: `=$${archived.letter}${table.firstDataRow}=TRUE`,
      fill: 'grey',
    });
  }
  for (const cf of spec.conditional_formats) {
    const col = table.columns.find((c) => c.key === cf.column);
    if (!col) throw new Error(`conditional format on unknown column ${cf.column} of ${spec.key}`);
    conditionalFormats.push({ range: dataRange(col.letter), equals: cf.equals, fill: cf.fill });
  }
  const widths = table.columns.map((c) => c.spec?.width ?? (c.kind === 'rating' ? 11 : 14));
  return {
    key: spec.key,
    name: spec.name,
    frozenRows: spec.header_rows,
    columnWidths: widths,
    cells,
    validations: spec.data_rows > 0 ? validations : [],
    conditionalFormats: spec.data_rows > 0 ? conditionalFormats : [],
    protectedRanges: spec.data_rows > 0 ? protectedRanges : protectedRanges.slice(0, 1),
    table: {
      headerRows: spec.header_rows,
      firstDataRow: table.firstDataRow,
      lastDataRow: table.lastDataRow,
      columns: table.columns.map(({ spec: _spec, ...col }) => col),
    },
  };
}

/**
 * The example partner whose scoreboard shows a type's KPIs: the first example row of a table (Partner
 * Scoring) whose type is that type, so its PBR example has KPI rows to compute from; else a generic name.
 */
function examplePartnerOf(ctx: Context, key: PartnershipTypeKey): string {
  for (const tab of ctx.bp.workbook.tabs) {
    if (tab.kind !== 'table') continue;
    const row = tab.examples.find(
      (e) => typeof e.type === 'string' && exampleValue(e.type, ctx) === PARTNERSHIP_TYPE_NAMES[key],
    );
    if (typeof row?.name === 'string') return row.name;
  }
  return `Example — ${PARTNERSHIP_TYPE_NAMES[key]} partner`;
}

/** Example scoreboard rows: each chosen type's KPIs with actuals that show green, yellow and red. */
/**
 * The PBR Scoreboard's example rows: each chosen type's KPIs for its example partner, the target read from the
 * Targets tab (so the scoreboard and the Leadership Report judge against the same number) and an actual in
 * the KPI's unit (whole numbers for counts and days).
 */
function kpiSeedRows(ctx: Context): Record<string, unknown>[] {
  const factors = { higher: [1.1, 0.9, 0.6], lower: [0.9, 1.1, 1.4] };
  const chosen = chosenKpis(ctx);
  const { sheet, headerRow } = targetsTable(ctx);
  const rows = kpiTargetRows(chosen, headerRow);
  const targetColumn = columnLetter(KPI_TARGET_HEADERS.indexOf('Target') + 1);
  return chosen.flatMap(({ type, kpis }) => {
    const partner = examplePartnerOf(ctx, type);
    return kpis.map((kpi, i) => {
      const exact = kpi.target * factors[kpi.direction][i % 3]!;
      const whole = kpi.unit === 'count' || kpi.unit === 'days' || kpi.unit === 'currency';
      return {
        partner,
        quarter: 'Q1',
        metric: `${kpi.name} (${kpi.period})`,
        direction: kpi.direction,
        target: { formula: `=${sheet}!$${targetColumn}$${rows.get(`${type}.${kpi.key}`)}` },
        actual: whole ? Math.round(exact) : Math.round(exact * 100) / 100,
        source: kpi.source,
        example: 'Example',
      };
    });
  });
}

/**
 * The header row of the default-terms table on Settings (one row per term of each chosen partnership type,
 * the type's name first). The Sheets target finds the table by it to rewrite it when the types change.
 */
export const TERMS_HEADERS = ['Partnership type', 'Term', 'Default', 'Source'] as const;

/** The chosen types' KPIs with this company's targets, in canonical order. */
function chosenKpis(ctx: Context): ChosenKpis[] {
  return ctx.config.partnership_types.map((type) => ({
    type,
    kpis: targetedKpis(ctx.bp.types[type], ctx.config),
  }));
}

/** Where the Targets tab's KPI table is, for formulas on other tabs that read a target. */
function targetsTable(ctx: Context): { sheet: string; headerRow: number } {
  for (const tab of ctx.bp.workbook.tabs) {
    if (tab.kind !== 'layout') continue;
    const gen = tab.generated.find((g) => g.kind === 'kpi-targets-table');
    if (gen) return { sheet: quoteSheet(tab.name), headerRow: gen.at_row };
  }
  throw new Error('the workbook blueprint has no kpi-targets-table for the Leadership Report to read');
}

/** The rubric table's header row on Settings (the criteria, one row each, from `at_row`). */
const RUBRIC_HEADERS = [
  'Criterion',
  'Key',
  'Weight by type',
  'What a 1 looks like',
  'What a 3 looks like',
  'What a 5 looks like',
] as const;

/**
 * Where the Settings tab's weights table sits: a header row naming the criteria (in Partner Scoring's column
 * order), then one row per chosen partnership type, so a type's weights are one row as wide as a partner's
 * ratings. It starts one spacer column right of the rubric table, two rows below the last cell the tab's
 * blueprint puts in those columns (the parameter block), so the two never overlap.
 */
interface WeightsTable {
  tab: string;
  /** The label row above the header. */
  labelRow: number;
  headerRow: number;
  firstRow: number;
  lastRow: number;
  /** Column of the type names; the criteria's weights follow from `nameCol + 1`. */
  nameCol: number;
}

function weightsTable(ctx: Context): WeightsTable {
  for (const tab of ctx.bp.workbook.tabs) {
    if (tab.kind !== 'layout') continue;
    const gen = tab.generated.find((g) => g.kind === 'scoring-criteria-table');
    if (!gen) continue;
    const nameCol = RUBRIC_HEADERS.length + 2;
    const used = tab.cells
      .map((c) => /^([A-Z]+)(\d+)$/.exec(c.at)!)
      .filter((m) => columnIndex(m[1]!) >= nameCol)
      .map((m) => Number(m[2]));
    const labelRow = Math.max(gen.at_row, ...used.map((r) => r + 2));
    const headerRow = labelRow + 1;
    return {
      tab: tab.name,
      labelRow,
      headerRow,
      firstRow: headerRow + 1,
      lastRow: headerRow + ctx.config.partnership_types.length,
      nameCol,
    };
  }
  throw new Error('the workbook blueprint has no scoring-criteria-table for the Score formulas to read');
}

/** `criterion`'s weights down the type rows, e.g. I17:I22 (with the tab's name when `onOtherTab`). */
function criterionWeights(w: WeightsTable, criterion: number, onOtherTab: boolean): string {
  const letter = columnLetter(w.nameCol + 1 + criterion);
  const range = `${letter}${w.firstRow}:${letter}${w.lastRow}`;
  return onOtherTab ? `${quoteSheet(w.tab)}!$${letter}$${w.firstRow}:$${letter}$${w.lastRow}` : range;
}

/** A criterion's weight across the chosen types: "2–18", or the one number when every type agrees. */
function weightRangeFormula(w: WeightsTable, criterion: number, onOtherTab: boolean): string {
  const r = criterionWeights(w, criterion, onOtherTab);
  return `=IF(MIN(${r})=MAX(${r}),MIN(${r}),MIN(${r})&"–"&MAX(${r}))`;
}

/**
 * `{weights}` on row `r`: the weights of the row's Partnership type, one row of the Settings table picked by
 * CHOOSE(MATCH) so it lines up with the row's ratings in SUMPRODUCT. A blank type, or a type the table does not
 * list, takes the first chosen type's weights (the domain's `weightSetIndex` decides the same way).
 */
function rowTypeWeights(ctx: Context, table: TableLayout, r: number): string {
  const typeCol = table.columns.find((c) => c.key === 'type');
  if (!typeCol) throw new Error('{weights} needs a "type" column on the same tab');
  const w = weightsTable(ctx);
  const first = columnLetter(w.nameCol + 1);
  const last = columnLetter(w.nameCol + ctx.bp.scoring.criteria.length);
  const rows = ctx.config.partnership_types.map(
    (_, i) => `${quoteSheet(w.tab)}!$${first}$${w.firstRow + i}:$${last}$${w.firstRow + i}`,
  );
  return `CHOOSE(IFERROR(MATCH(${typeCol.letter}${r},WeightTypes,0),1),${rows.join(',')})`;
}

/**
 * Settings' scoring tables: the rubric (one row per criterion from `atRow`, with each criterion's weight range
 * across the types) and the weights table (one row per chosen type, yellow input cells, its total and the
 * reason for its weights). Named ranges: Weights (the type rows' weights) and WeightTypes (their names).
 */
function putScoringTables(
  ctx: Context,
  spec: LayoutTabSpec,
  atRow: number,
  put: (
    row: number,
    col: number,
    cell: { value?: string | number; formula?: string; style?: CellStyle; format?: CellFormat },
  ) => void,
  named: NamedRange[],
  validations: DesiredTab['validations'],
): void {
  const { criteria } = ctx.bp.scoring;
  const w = weightsTable(ctx);
  RUBRIC_HEADERS.forEach((h, i) => {
    put(atRow, i + 1, { value: h, style: 'header' });
  });
  criteria.forEach((c, i) => {
    const r = atRow + 1 + i;
    put(r, 1, { value: c.name, style: 'label' });
    put(r, 2, { value: c.key });
    put(r, 3, { formula: weightRangeFormula(w, i, false), style: 'weights' });
    put(r, 4, { value: c.rubric['1'], style: 'wrap' });
    put(r, 5, { value: c.rubric['3'], style: 'wrap' });
    put(r, 6, { value: c.rubric['5'], style: 'wrap' });
  });

  const totalCol = w.nameCol + criteria.length + 1;
  put(w.labelRow, w.nameCol, {
    value:
      'Scoring weights: one row per partnership type. Each partner is scored with the row of its Partnership type; a partner with no type, or a type not listed here, with the first row.',
    style: 'label',
  });
  put(w.headerRow, w.nameCol, { value: 'Partnership type', style: 'header' });
  criteria.forEach((c, i) => {
    put(w.headerRow, w.nameCol + 1 + i, { value: c.name, style: 'header' });
  });
  put(w.headerRow, totalCol, { value: 'Total', style: 'header' });
  put(w.headerRow, totalCol + 1, { value: 'Why these weights', style: 'header' });
  const first = columnLetter(w.nameCol + 1);
  const last = columnLetter(w.nameCol + criteria.length);
  ctx.config.partnership_types.forEach((type, t) => {
    const r = w.firstRow + t;
    put(r, w.nameCol, { value: PARTNERSHIP_TYPE_NAMES[type], style: 'label' });
    criteria.forEach((c, i) => {
      put(r, w.nameCol + 1 + i, { value: c.weights[type], style: 'input', format: 'number' });
    });
    put(r, totalCol, { formula: `=SUM(${first}${r}:${last}${r})`, style: 'weights', format: 'number' });
    put(r, totalCol + 1, { value: ctx.bp.scoring.why_weights[type] });
  });
  named.push({ name: 'Weights', tab: spec.name, range: `$${first}$${w.firstRow}:$${last}$${w.lastRow}` });
  const names = columnLetter(w.nameCol);
  named.push({
    name: 'WeightTypes',
    tab: spec.name,
    range: `$${names}$${w.firstRow}:$${names}$${w.lastRow}`,
  });
  validations.push({ range: `${first}${w.firstRow}:${last}${w.lastRow}`, between: [0, 1000] });
}

interface NamedRange {
  name: string;
  tab: string;
  range: string;
}

function compileLayout(spec: LayoutTabSpec, ctx: Context, named: NamedRange[]): DesiredTab {
  const cells: DesiredCell[] = [];
  const put = (
    row: number,
    col: number,
    cell: {
      value?: string | number;
      formula?: string;
      style?: CellStyle;
      format?: CellFormat;
      name?: string;
    },
    vars: { n?: number; item?: string } = {},
  ) => {
    const out: DesiredCell = { row, col, style: cell.style, format: cell.format };
    if (cell.formula !== undefined) out.formula = resolveFormula(cell.formula, ctx, { r: row, ...vars });
    else if (cell.value !== undefined) out.value = resolveValue(cell.value, ctx, vars.item);
    if (cell.format === 'date' && typeof out.value === 'string') out.isDate = true;
    cells.push(out);
    if (cell.name) named.push({ name: cell.name, tab: spec.name, range: `$${columnLetter(col)}$${row}` });
  };

  for (const cell of spec.cells) {
    const m = /^([A-Z]+)(\d+)$/.exec(cell.at)!;
    put(Number(m[2]), columnIndex(m[1]!), cell);
  }
  for (const block of spec.blocks) {
    for (let n = 0; n < block.repeat; n++) {
      const item = block.list?.[n];
      for (const cell of block.cells) put(block.at_row + n, columnIndex(cell.col), cell, { n, item });
    }
  }
  const validations: DesiredTab['validations'] = spec.validations.map((v) => ({
    range: v.range,
    between: v.number_between,
  }));
  for (const gen of spec.generated) {
    if (gen.kind === 'scoring-criteria-table') {
      putScoringTables(ctx, spec, gen.at_row, put, named, validations);
    } else if (gen.kind === 'kpi-targets-table') {
      putKpiTargetsTable(chosenKpis(ctx), gen.at_row, put);
    } else if (gen.kind === 'type-kpi-report') {
      putTypeKpiReport(chosenKpis(ctx), gen.at_row, targetsTable(ctx), put);
    } else if (gen.kind === 'program-report') {
      putProgramReport(ctx.config.partnership_types, gen.at_row, put);
    } else {
      put(gen.at_row - 1, 1, { value: 'Default terms of the chosen partnership types', style: 'label' });
      TERMS_HEADERS.forEach((h, i) => {
        put(gen.at_row, i + 1, { value: h, style: 'header' });
      });
      let r = gen.at_row + 1;
      for (const key of ctx.config.partnership_types) {
        for (const term of ctx.bp.types[key].incentives.default_terms) {
          put(r, 1, { value: PARTNERSHIP_TYPE_NAMES[key] });
          put(r, 2, { value: term.term });
          put(r, 3, { value: term.value });
          put(r, 4, { value: term.source });
          r += 1;
        }
      }
    }
  }
  const conditionalFormats = spec.conditional_formats.map((cf) => ({
    range: cf.range ?? '',
    equals: cf.equals,
    fill: cf.fill,
  }));
  return {
    key: spec.key,
    name: spec.name,
    frozenRows: 0,
    columnWidths: spec.columns.map((c) => c.width),
    cells,
    validations,
    conditionalFormats,
    protectedRanges: [],
  };
}

export function compileWorkbook(blueprint: Blueprint, config: Config): DesiredWorkbook {
  const bp = withCompanyTargets(blueprint, config);
  const tables = new Map<string, TableLayout>();
  for (const tab of bp.workbook.tabs) if (tab.kind === 'table') tables.set(tab.key, layoutTable(tab, bp));
  const ctx: Context = { bp, config, tables, sync: syncLines(bp) };
  const named: NamedRange[] = [];
  const tabs = bp.workbook.tabs.map((tab) =>
    tab.kind === 'table' ? compileTable(tables.get(tab.key)!, ctx) : compileLayout(tab, ctx, named),
  );
  return { title: bp.workbook.title, tabs, namedRanges: named };
}
