// The report's charts: one Vega-Lite spec each, compiled and drawn to SVG in Node by vega's headless view.
import type * as vl from 'vega-lite';
import type { ChartData } from './compute.js';
import { monthLabel } from './format.js';

export interface Chart {
  /** Stable id, used as the figure's data-chart attribute. */
  id: string;
  title: string;
  /** What the chart shows and where the numbers come from, one sentence under it. */
  note: string;
  /** How the SVG describes the mark each data point draws (its aria-roledescription). */
  mark: 'bar' | 'arc mark';
  /** How many of those marks the chart draws: one per data point. */
  marks: number;
  /** The SVG, or null when there is no data yet (the page then says so instead of drawing empty axes). */
  svg: string | null;
  /** What to enter for the chart to fill in, when it is empty. */
  empty: string;
}

const WIDTH = 380;
const HEIGHT = 220;
const FONT = 'Helvetica, Arial, sans-serif';
const PALETTE = ['#1f4e79', '#5b9bd5', '#a5a5a5'];

const CONFIG: vl.TopLevelSpec['config'] = {
  font: FONT,
  view: { stroke: null },
  axis: {
    labelFontSize: 11,
    titleFontSize: 11,
    gridColor: '#e6e6e6',
    domainColor: '#999',
    tickColor: '#999',
  },
  legend: { labelFontSize: 11, titleFontSize: 11, orient: 'bottom' },
  range: { category: PALETTE },
};

/** Loaded on the first chart only: the rest of the CLI starts without the charting libraries. */
async function render(spec: vl.TopLevelSpec): Promise<string> {
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const quiet = vega.logger(vega.None);
  const compiled = compile({ ...spec, config: CONFIG, background: 'white' }, { logger: quiet }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.None });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const MONEY = '$,.0f';
const MONEY_SHORT = '$.2~s';

function months(data: ChartData['months']): vl.TopLevelSpec {
  return {
    width: WIDTH,
    height: HEIGHT,
    data: { values: data.map((d) => ({ ...d, label: monthLabel(d.month) })) },
    encoding: {
      x: { field: 'label', type: 'ordinal', sort: null, title: null, axis: { labelAngle: 0 } },
      xOffset: { field: 'series', type: 'nominal', sort: ['Pipeline', 'Revenue'] },
      y: { field: 'value', type: 'quantitative', title: null, axis: { format: MONEY_SHORT } },
      color: { field: 'series', type: 'nominal', title: null, sort: ['Pipeline', 'Revenue'] },
      tooltip: [{ field: 'label', title: 'Month' }, { field: 'series' }, { field: 'value', format: MONEY }],
    },
    layer: [
      // The quarter before, for comparison, in a lighter shade.
      {
        mark: { type: 'bar' },
        encoding: { opacity: { condition: { test: 'datum.current', value: 1 }, value: 0.45 } },
      },
      {
        mark: { type: 'text', dy: -6, fontSize: 10, color: '#333' },
        encoding: {
          text: { field: 'value', type: 'quantitative', format: MONEY_SHORT },
          color: { value: '#333' },
        },
      },
    ],
  };
}

function bookings(data: ChartData['bookings']): vl.TopLevelSpec {
  return {
    width: HEIGHT,
    height: HEIGHT,
    data: { values: data },
    encoding: {
      theta: { field: 'value', type: 'quantitative', stack: true },
      color: {
        field: 'source',
        type: 'nominal',
        title: null,
        sort: ['Partner-sourced', 'Partner-influenced', 'Direct and other'],
        legend: { orient: 'right' },
      },
      order: { field: 'order', type: 'quantitative' },
    },
    layer: [
      { mark: { type: 'arc', innerRadius: 55, outerRadius: 100 } },
      {
        mark: { type: 'text', radius: 122, fontSize: 11, color: '#333' },
        encoding: { text: { field: 'value', type: 'quantitative', format: '.0%' }, color: { value: '#333' } },
      },
    ],
  };
}

function horizontal(
  values: Record<string, unknown>[],
  category: string,
  measure: string,
  format: string,
  sort: 'data' | 'descending',
): vl.TopLevelSpec {
  // Room to the right of the longest bar for its label.
  const max = Math.max(...values.map((v) => Number(v[measure]) || 0));
  return {
    width: WIDTH - 180,
    height: { step: 28 },
    data: { values },
    encoding: {
      y: {
        field: category,
        type: 'nominal',
        title: null,
        sort: sort === 'data' ? null : { field: measure, order: 'descending' },
        axis: { labelLimit: 170 },
      },
      x: {
        field: measure,
        type: 'quantitative',
        title: null,
        scale: { domainMax: max * 1.2 },
        axis: { format, tickMinStep: 1 },
      },
    },
    layer: [
      { mark: { type: 'bar', color: PALETTE[0] } },
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 11, color: '#333' },
        encoding: { text: { field: measure, type: 'quantitative', format } },
      },
    ],
  };
}

function cac(data: ChartData['cac']): vl.TopLevelSpec {
  return {
    width: WIDTH / 2,
    height: HEIGHT,
    data: { values: data },
    encoding: {
      x: { field: 'who', type: 'nominal', sort: ['Partner', 'Direct'], title: null, axis: { labelAngle: 0 } },
      y: { field: 'value', type: 'quantitative', title: null, axis: { format: MONEY_SHORT } },
      color: { field: 'who', type: 'nominal', legend: null, sort: ['Partner', 'Direct'] },
    },
    layer: [
      { mark: { type: 'bar', width: 48 } },
      {
        mark: { type: 'text', dy: -6, fontSize: 11, color: '#333' },
        encoding: { text: { field: 'value', type: 'quantitative', format: MONEY }, color: { value: '#333' } },
      },
    ],
  };
}

/** Every chart of the report, in page order; charts with no data carry no SVG. */
export async function renderCharts(data: ChartData): Promise<Chart[]> {
  const defs: (Omit<Chart, 'svg'> & { spec: () => vl.TopLevelSpec })[] = [
    {
      id: 'pipeline-revenue',
      title: 'Pipeline and revenue by month',
      note: 'Referral deal value submitted (sourced and influenced) and partner revenue from Metrics; the quarter before in a lighter shade.',
      mark: 'bar',
      marks: data.months.length,
      empty: 'Log referrals with a deal value, or monthly partner revenue on Metrics.',
      spec: () => months(data.months),
    },
    {
      id: 'bookings-share',
      title: 'Partner share of new bookings',
      note: 'Sourced and influenced referrals won this quarter, as shares of total new bookings (Unit Economics).',
      mark: 'arc mark',
      marks: data.bookings.length,
      empty: 'Enter total new bookings this quarter on the Unit Economics tab.',
      spec: () => bookings(data.bookings.map((b, order) => ({ ...b, order }))),
    },
    {
      id: 'cac',
      title: 'CAC: partner vs direct',
      note: 'Partner program cost ÷ partner deals won, against direct cost ÷ direct customers won.',
      mark: 'bar',
      marks: data.cac.length,
      empty: 'Log program cost and deals won on Metrics, and direct cost and wins on Unit Economics.',
      spec: () => cac(data.cac),
    },
    {
      id: 'stages',
      title: 'Partners by stage',
      note: 'Partners on Partner Scoring, by their stage today.',
      mark: 'bar',
      marks: data.stages.length,
      empty: 'Add partners to the Partners database.',
      spec: () => horizontal(data.stages, 'stage', 'partners', 'd', 'data'),
    },
    {
      id: 'top-partners',
      title: 'Top partners by revenue this quarter',
      note: 'Partner revenue from Metrics in the quarter; the five largest.',
      mark: 'bar',
      marks: data.topPartners.length,
      empty: 'Log monthly partner revenue on Metrics.',
      spec: () => horizontal(data.topPartners, 'partner', 'revenue', MONEY, 'descending'),
    },
  ];
  const charts: Chart[] = [];
  for (const { spec, ...chart } of defs)
    charts.push({ ...chart, svg: chart.marks > 0 ? await render(spec()) : null });
  return charts;
}
