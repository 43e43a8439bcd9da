// The report's numbers from its rows, pure: the headline figures (each mirrors one Leadership Report cell,
// formula for formula; test/workflows/report-figures.test.ts proves them equal) and the charts' series.
import type { ReferralRow, ReportData } from './data.js';
import { addMonths, monthKey, type Quarter, serialOf } from './quarter.js';

export type Format = 'currency' | 'percent' | 'integer';

/**
 * One headline figure: where it sits on the Leadership Report tab (the row whose column A is `row`, column
 * `col`: 2 this quarter, 3 last quarter or the target) and how it is shown.
 */
export interface HeadlineSpec {
  key: string;
  label: string;
  row: string;
  now: { col: number };
  before?: { col: number };
  format: Format;
}

export const HEADLINES: readonly HeadlineSpec[] = [
  {
    key: 'signed',
    label: 'Partners signed',
    row: 'Partners signed this quarter',
    now: { col: 2 },
    format: 'integer',
  },
  {
    key: 'active',
    label: 'Active partners',
    row: 'Active partners (stage Active)',
    now: { col: 2 },
    format: 'integer',
  },
  {
    key: 'leads',
    label: 'Leads submitted',
    row: 'Leads submitted this quarter',
    now: { col: 2 },
    format: 'integer',
  },
  {
    key: 'sourcedPipeline',
    label: 'Partner-sourced pipeline created',
    row: 'Partner-sourced pipeline created',
    now: { col: 2 },
    before: { col: 3 },
    format: 'currency',
  },
  {
    key: 'influencedPipeline',
    label: 'Partner-influenced pipeline created',
    row: 'Partner-influenced pipeline created',
    now: { col: 2 },
    before: { col: 3 },
    format: 'currency',
  },
  {
    key: 'sourcedBookings',
    label: 'Partner-sourced bookings',
    row: 'Partner-sourced bookings',
    now: { col: 2 },
    before: { col: 3 },
    format: 'currency',
  },
  {
    key: 'influencedBookings',
    label: 'Partner-influenced bookings',
    row: 'Partner-influenced bookings',
    now: { col: 2 },
    before: { col: 3 },
    format: 'currency',
  },
  {
    key: 'sourcedShare',
    label: 'Partner-sourced share of new bookings',
    row: 'Partner-sourced share of new bookings',
    now: { col: 2 },
    format: 'percent',
  },
  {
    key: 'influencedShare',
    label: 'Partner-influenced share of new bookings',
    row: 'Partner-influenced share of new bookings',
    now: { col: 2 },
    format: 'percent',
  },
  {
    key: 'revenue',
    label: 'Partner-sourced revenue',
    row: 'Partner-sourced revenue',
    now: { col: 2 },
    format: 'currency',
  },
  {
    key: 'closeRate',
    label: 'Close rate, partner deals',
    row: 'Close rate, partner deals',
    now: { col: 2 },
    before: { col: 3 },
    format: 'percent',
  },
  { key: 'partnerCac', label: 'Partner CAC', row: 'Partner CAC', now: { col: 2 }, format: 'currency' },
  { key: 'directCac', label: 'Direct CAC', row: 'Partner CAC', now: { col: 3 }, format: 'currency' },
  {
    key: 'cacAdvantage',
    label: 'CAC advantage vs direct',
    row: 'CAC advantage vs direct',
    now: { col: 2 },
    format: 'percent',
  },
  {
    key: 'profit',
    label: 'Partner profitability (revenue less program cost)',
    row: 'Partner profitability: revenue less payouts and program cost',
    now: { col: 2 },
    before: { col: 3 },
    format: 'currency',
  },
];

/** A figure: a number, or null where the tab shows a blank (nothing to measure yet). */
export type Figure = number | null;

export interface Headline {
  key: string;
  label: string;
  format: Format;
  now: Figure;
  /** Absent for a figure with no last-quarter column. */
  before?: Figure;
}

export interface ChartData {
  /** Months of this quarter and the one before with any pipeline or revenue. */
  months: { month: string; series: 'Pipeline' | 'Revenue'; value: number; current: boolean }[];
  /** Shares (0–1) of the quarter's new bookings, where total bookings are entered. */
  bookings: { source: string; value: number }[];
  cac: { who: 'Partner' | 'Direct'; value: number }[];
  stages: { stage: string; partners: number }[];
  topPartners: { partner: string; revenue: number }[];
}

export interface ReportFigures {
  quarter: Quarter;
  headlines: Headline[];
  charts: ChartData;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const sum = (values: readonly (number | null)[]) => values.reduce<number>((n, v) => n + (v ?? 0), 0);

/** The `[from, to)` serial days of the report quarter (0) or the one before (-1). */
function span(start: number, q: 0 | -1): [number, number] {
  return q === 0 ? [start, addMonths(start, 3)] : [addMonths(start, -3), start];
}
const within = (day: number | null, [from, to]: [number, number]) => day !== null && day >= from && day < to;

/** The headline figures for the quarter starting on `start` (a serial day), as the tab computes them. */
export function headlineValues(data: ReportData, start: number): Record<string, Figure> {
  const partners = data.partners.filter((p) => !p.archived);
  const referrals = data.referrals.filter((r) => !r.archived);
  const metrics = data.metrics.filter((m) => !m.archived);
  const { QuarterBookings, DirectCost, DirectWon } = data.inputs;
  const anyReferral = referrals.some((r) => r.name !== '');
  const whenReferrals = (v: number): Figure => (anyReferral ? v : null);
  const value = (attribution: string, kind: 'pipeline' | 'bookings', q: 0 | -1) =>
    sum(
      referrals
        .filter((r) => same(r.attribution, attribution))
        .filter((r: ReferralRow) =>
          kind === 'pipeline'
            ? within(r.submittedOn, span(start, q))
            : same(r.stage, 'Won') && within(r.closedOn, span(start, q)),
        )
        .map((r) => r.value),
    );
  const closeRate = (q: 0 | -1): Figure => {
    const closed = (stage: string) =>
      referrals.filter((r) => same(r.stage, stage) && within(r.closedOn, span(start, q))).length;
    const [won, lost] = [closed('Won'), closed('Lost')];
    return won + lost === 0 ? null : won / (won + lost);
  };
  const inQuarter = (q: 0 | -1) => metrics.filter((m) => within(m.month, span(start, q)));
  const profit = (q: 0 | -1): Figure => {
    const rows = inQuarter(q);
    return rows.length === 0 ? null : sum(rows.map((m) => m.revenue)) - sum(rows.map((m) => m.cost));
  };
  const revenue = sum(inQuarter(0).map((m) => m.revenue));
  const partnerWon = sum(inQuarter(0).map((m) => m.dealsWon));
  const partnerCac = partnerWon > 0 ? sum(inQuarter(0).map((m) => m.cost)) / partnerWon : null;
  const directCac = DirectWon > 0 ? DirectCost / DirectWon : null;
  return {
    signed: partners.filter((p) => within(p.signedOn, span(start, 0))).length,
    active: partners.filter((p) => same(p.stage, 'Active')).length,
    leads: referrals.filter((r) => within(r.submittedOn, span(start, 0))).length,
    sourcedPipeline: whenReferrals(value('Sourced', 'pipeline', 0)),
    'sourcedPipeline.before': whenReferrals(value('Sourced', 'pipeline', -1)),
    influencedPipeline: whenReferrals(value('Influenced', 'pipeline', 0)),
    'influencedPipeline.before': whenReferrals(value('Influenced', 'pipeline', -1)),
    sourcedBookings: whenReferrals(value('Sourced', 'bookings', 0)),
    'sourcedBookings.before': whenReferrals(value('Sourced', 'bookings', -1)),
    influencedBookings: whenReferrals(value('Influenced', 'bookings', 0)),
    'influencedBookings.before': whenReferrals(value('Influenced', 'bookings', -1)),
    sourcedShare: QuarterBookings > 0 ? value('Sourced', 'bookings', 0) / QuarterBookings : null,
    influencedShare: QuarterBookings > 0 ? value('Influenced', 'bookings', 0) / QuarterBookings : null,
    revenue,
    closeRate: closeRate(0),
    'closeRate.before': closeRate(-1),
    partnerCac,
    directCac,
    cacAdvantage:
      partnerCac !== null && directCac !== null && directCac !== 0 ? 1 - partnerCac / directCac : null,
    profit: profit(0),
    'profit.before': profit(-1),
  };
}

/** The headline figures in display order, from values keyed as `headlineValues` (or the tab) gives them. */
export function headlinesFrom(values: Readonly<Record<string, Figure>>): Headline[] {
  return HEADLINES.map((h) => ({
    key: h.key,
    label: h.label,
    format: h.format,
    now: values[h.key] ?? null,
    ...(h.before ? { before: values[`${h.key}.before`] ?? null } : {}),
  }));
}

export const TOP_PARTNERS = 5;

/** The charts' series for the quarter; the CAC bars are the headline CAC figures. */
export function chartData(data: ReportData, start: number, headlines: readonly Headline[]): ChartData {
  const referrals = data.referrals.filter((r) => !r.archived);
  const metrics = data.metrics.filter((m) => !m.archived);
  const months: ChartData['months'] = [];
  for (let i = -3; i < 3; i++) {
    const month: [number, number] = [addMonths(start, i), addMonths(start, i + 1)];
    const pipeline = sum(referrals.filter((r) => within(r.submittedOn, month)).map((r) => r.value));
    const revenue = sum(metrics.filter((m) => within(m.month, month)).map((m) => m.revenue));
    if (pipeline === 0 && revenue === 0) continue;
    const key = monthKey(month[0]);
    const current = i >= 0;
    months.push(
      { month: key, series: 'Pipeline', value: pipeline, current },
      { month: key, series: 'Revenue', value: revenue, current },
    );
  }

  const figure = (key: string) => headlines.find((h) => h.key === key)?.now ?? null;
  // The tab's own shares of new bookings, so the chart agrees with the figures above it (frozen or live).
  const bookings: ChartData['bookings'] = [];
  const [sourced, influenced] = [figure('sourcedShare'), figure('influencedShare')];
  if (sourced !== null) {
    const slices = [
      { source: 'Partner-sourced', value: sourced },
      { source: 'Partner-influenced', value: influenced ?? 0 },
      { source: 'Direct and other', value: Math.max(0, 1 - sourced - (influenced ?? 0)) },
    ];
    bookings.push(...slices.filter((x) => x.value > 0));
  }

  const cac: ChartData['cac'] = [];
  const [partnerCac, directCac] = [figure('partnerCac'), figure('directCac')];
  if (partnerCac !== null) cac.push({ who: 'Partner', value: partnerCac });
  if (directCac !== null) cac.push({ who: 'Direct', value: directCac });

  const counts = new Map<string, number>();
  for (const p of data.partners)
    if (!p.archived && p.name !== '' && p.stage !== '') counts.set(p.stage, (counts.get(p.stage) ?? 0) + 1);
  const order = (stage: string) => {
    const i = data.stages.findIndex((s) => same(s, stage));
    return i < 0 ? data.stages.length : i;
  };
  const stages = [...counts]
    .map(([stage, partners]) => ({ stage, partners }))
    .sort((a, b) => order(a.stage) - order(b.stage) || a.stage.localeCompare(b.stage));

  const byPartner = new Map<string, number>();
  for (const m of metrics)
    if (m.partner !== '' && within(m.month, span(start, 0)))
      byPartner.set(m.partner, (byPartner.get(m.partner) ?? 0) + (m.revenue ?? 0));
  const topPartners = [...byPartner]
    .filter(([, revenue]) => revenue > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, TOP_PARTNERS)
    .map(([partner, revenue]) => ({ partner, revenue }));

  return { months, bookings, cac, stages, topPartners };
}

/** Everything the report shows, from rows alone (the local install; Sheets reads the headlines off the tab). */
export function reportFigures(data: ReportData, quarter: Quarter): ReportFigures {
  const start = serialOf(quarter.start);
  const headlines = headlinesFrom(headlineValues(data, start));
  return { quarter, headlines, charts: chartData(data, start, headlines) };
}
