// The Leadership Report's program sections: partners by type, sourced vs influenced pipeline and bookings, efficiency, and the pipeline forecast.
import { PARTNERSHIP_TYPE_NAMES, type PartnershipTypeKey } from '../domain/types.js';
import type { PutCell } from './compile-targets.js';
import type { CellFormat } from './desired.js';

/** The report quarter (0) or the one before it (-1), as COUNTIFS/SUMIFS criteria on a date column. */
function inQuarter(column: string, quarter: 0 | -1): string {
  const [from, to] =
    quarter === 0
      ? ['ReportQuarterStart', 'EDATE(ReportQuarterStart,3)']
      : ['EDATE(ReportQuarterStart,-3)', 'ReportQuarterStart'];
  return `{range:${column}},">="&${from},{range:${column}},"<"&${to}`;
}

const LIVE = {
  partners: '{range:partner_scoring.archived},"<>TRUE"',
  referrals: '{range:referrals.archived},"<>TRUE"',
  metrics: '{range:metrics.archived},"<>TRUE"',
};

/** Referral value of one attribution, submitted (pipeline) or won (bookings) in the quarter. */
function referralValue(
  attribution: 'Sourced' | 'Influenced',
  kind: 'pipeline' | 'bookings',
  q: 0 | -1,
): string {
  const when =
    kind === 'pipeline'
      ? inQuarter('referrals.submitted_on', q)
      : `{range:referrals.stage},"Won",${inQuarter('referrals.closed_on', q)}`;
  return `SUMIFS({range:referrals.value},{range:referrals.attribution},"${attribution}",${when},${LIVE.referrals})`;
}

function closeRate(q: 0 | -1): string {
  const count = (stage: string) =>
    `COUNTIFS({range:referrals.stage},"${stage}",${inQuarter('referrals.closed_on', q)},${LIVE.referrals})`;
  return `IF(${count('Won')}+${count('Lost')}=0,"",${count('Won')}/(${count('Won')}+${count('Lost')}))`;
}

/** The average with SUMIFS ÷ COUNTIFS: AVERAGEIFS is not in every engine the workbook is checked with. */
function salesCycle(q: 0 | -1): string {
  const won = `{range:referrals.stage},"Won",${inQuarter('referrals.closed_on', q)},{range:referrals.days_to_close},">=0",${LIVE.referrals}`;
  return `IF(COUNTIFS(${won})=0,"",SUMIFS({range:referrals.days_to_close},${won})/COUNTIFS(${won}))`;
}

function profitability(q: 0 | -1): string {
  const sum = (col: string) =>
    `SUMIFS({range:metrics.${col}},${inQuarter('metrics.month', q)},${LIVE.metrics})`;
  const rows = `COUNTIFS(${inQuarter('metrics.month', q)},${LIVE.metrics})`;
  return `IF(${rows}=0,"",${sum('revenue')}-${sum('cost')})`;
}

/** Blank where the tab has no rows to speak of, so an empty workbook shows blanks rather than zeros. */
function whenReferrals(formula: string): string {
  return `IF(COUNTIFS({range:referrals.name},"<>",${LIVE.referrals})=0,"",${formula})`;
}

interface Measure {
  label: string;
  format: CellFormat;
  now: string;
  before?: string;
  how: string;
}

const MEASURES: Measure[] = [
  {
    label: 'Partner-sourced pipeline created',
    format: 'currency',
    now: whenReferrals(referralValue('Sourced', 'pipeline', 0)),
    before: whenReferrals(referralValue('Sourced', 'pipeline', -1)),
    how: 'Deal value of Referrals rows marked Sourced, submitted in the quarter.',
  },
  {
    label: 'Partner-influenced pipeline created',
    format: 'currency',
    now: whenReferrals(referralValue('Influenced', 'pipeline', 0)),
    before: whenReferrals(referralValue('Influenced', 'pipeline', -1)),
    how: 'Deal value of Referrals rows marked Influenced (a deal we already had, helped by a partner), submitted in the quarter.',
  },
  {
    label: 'Partner-sourced bookings',
    format: 'currency',
    now: whenReferrals(referralValue('Sourced', 'bookings', 0)),
    before: whenReferrals(referralValue('Sourced', 'bookings', -1)),
    how: 'Deal value of Sourced rows won, by Closed on.',
  },
  {
    label: 'Partner-influenced bookings',
    format: 'currency',
    now: whenReferrals(referralValue('Influenced', 'bookings', 0)),
    before: whenReferrals(referralValue('Influenced', 'bookings', -1)),
    how: 'Deal value of Influenced rows won, by Closed on.',
  },
  {
    label: 'Partner-sourced share of new bookings',
    format: 'percent',
    now: `IF(QuarterBookings>0,${referralValue('Sourced', 'bookings', 0)}/QuarterBookings,"")`,
    how: 'Sourced bookings ÷ total new bookings (Unit Economics). This quarter only.',
  },
  {
    label: 'Partner-influenced share of new bookings',
    format: 'percent',
    now: `IF(QuarterBookings>0,${referralValue('Influenced', 'bookings', 0)}/QuarterBookings,"")`,
    how: 'Influenced bookings ÷ total new bookings (Unit Economics). This quarter only.',
  },
  {
    label: 'Close rate, partner deals',
    format: 'percent',
    now: closeRate(0),
    before: closeRate(-1),
    how: 'Referrals won ÷ (won + lost), among those closed in the quarter.',
  },
  {
    label: 'Close rate, direct deals',
    format: 'percent',
    now: 'IF(DirectCloseRate>0,DirectCloseRate,"")',
    how: 'From the CRM, entered on Unit Economics.',
  },
  {
    label: 'Sales cycle, partner deals won (days)',
    format: 'number',
    now: salesCycle(0),
    before: salesCycle(-1),
    how: 'Average days from Submitted on to Closed on of the referrals won in the quarter.',
  },
  {
    label: 'Sales cycle, direct deals (days)',
    format: 'number',
    now: 'IF(SalesCycleDays>0,SalesCycleDays,"")',
    how: 'The direct sales cycle on the Targets tab.',
  },
  {
    label: 'Partner profitability: revenue less payouts and program cost',
    format: 'currency',
    now: profitability(0),
    before: profitability(-1),
    how: 'Metrics revenue − Metrics program cost (commissions, rev share, SPIFFs, MDF and team time are all program cost).',
  },
  {
    label: 'Partner retention',
    format: 'percent',
    now: `IF(COUNTIFS({range:partner_scoring.revenue_previous_quarter},">0",${LIVE.partners})=0,"",COUNTIFS({range:partner_scoring.revenue_previous_quarter},">0",{range:partner_scoring.revenue_quarter},">0",${LIVE.partners})/COUNTIFS({range:partner_scoring.revenue_previous_quarter},">0",${LIVE.partners}))`,
    how: 'Partners with revenue in the quarter before who have revenue again this quarter, as a share of the former.',
  },
];

/** Cumulative Sourced pipeline from the program start to the day before `until`. */
function sourcedSince(until: string): string {
  return `SUMIFS({range:referrals.value},{range:referrals.attribution},"Sourced",{range:referrals.submitted_on},">="&ProgramStart,{range:referrals.submitted_on},"<"&${until},${LIVE.referrals})`;
}

/**
 * The forecast of Sourced pipeline at a milestone month: the actual once the report quarter has passed it;
 * before, what is in by the quarter's end plus the quarter's monthly run-rate for each month still to go.
 */
function forecast(month: number): string {
  const milestone = `EDATE(ProgramStart,${month})`;
  const asOf = 'EDATE(ReportQuarterStart,3)';
  const runRate = `SUMIFS({range:referrals.value},{range:referrals.attribution},"Sourced",${inQuarter('referrals.submitted_on', 0)},${LIVE.referrals})/3`;
  const monthsLeft = `((YEAR(${milestone})-YEAR(${asOf}))*12+MONTH(${milestone})-MONTH(${asOf}))`;
  const none = `COUNTIFS({range:referrals.attribution},"Sourced",${LIVE.referrals})=0`;
  return `=IF(${none},"",IF(${asOf}>=${milestone},${sourcedSince(milestone)},${sourcedSince(asOf)}+${runRate}*${monthsLeft}))`;
}

/**
 * Three sections from `headerRow` down: partners recruited, active and producing by type; pipeline, bookings
 * and efficiency this quarter against the last; the Sourced pipeline forecast against its 3-, 6- and 12-month
 * targets on the Targets tab. Statuses only where there is data to judge.
 */
export function putProgramReport(
  types: readonly PartnershipTypeKey[],
  headerRow: number,
  put: PutCell,
): number {
  let r = headerRow;
  const header = (labels: string[]) => {
    labels.forEach((h, i) => {
      put(r, i + 1, { value: h, style: 'header' });
    });
    r++;
  };

  header(['Partners by type', 'Signed this quarter', 'Active', 'Producing', 'How it is computed']);
  const byType = (type: string | null) => {
    const t = type === null ? '' : `{range:partner_scoring.type},"${type}",`;
    return {
      signed: `=COUNTIFS(${t}${inQuarter('partner_scoring.signed_on', 0)},${LIVE.partners})`,
      active: `=COUNTIFS(${t}{range:partner_scoring.stage},"Active",${LIVE.partners})`,
      producing: `=COUNTIFS(${t}{range:partner_scoring.revenue_quarter},">0",${LIVE.partners})`,
    };
  };
  for (const key of [...types, null]) {
    const name = key === null ? 'All types' : PARTNERSHIP_TYPE_NAMES[key];
    const f = byType(key === null ? null : name);
    put(r, 1, { value: name, style: key === null ? 'label' : undefined });
    put(r, 2, { formula: f.signed, format: 'integer' });
    put(r, 3, { formula: f.active, format: 'integer' });
    put(r, 4, { formula: f.producing, format: 'integer' });
    if (key === null)
      put(r, 5, {
        value:
          'Signed: Signed on in the quarter. Active: stage Active today. Producing: Metrics revenue in the quarter.',
      });
    r++;
  }
  r++;

  header([
    'Pipeline, bookings and efficiency',
    'This quarter',
    'Last quarter',
    'Change',
    'How it is computed',
  ]);
  for (const m of MEASURES) {
    put(r, 1, { value: m.label });
    put(r, 2, { formula: `=${m.now}`, format: m.format });
    if (m.before) {
      put(r, 3, { formula: `=${m.before}`, format: m.format });
      put(r, 4, {
        formula: `=IF(AND(ISNUMBER(B${r}),ISNUMBER(C${r})),IF(C${r}<>0,B${r}/C${r}-1,""),"")`,
        format: 'percent',
      });
    }
    put(r, 5, { value: m.how });
    r++;
  }
  r++;

  header(['Partner-sourced pipeline forecast', 'Forecast', 'Target', 'Status', 'How it is computed']);
  const targetName = {
    3: 'PipelineTargetMonthThree',
    6: 'PipelineTargetMonthSix',
    12: 'PipelineTargetMonthTwelve',
  };
  for (const month of [3, 6, 12] as const) {
    put(r, 1, { value: `By month ${month} of the program` });
    put(r, 2, { formula: forecast(month), format: 'currency' });
    put(r, 3, { formula: `=${targetName[month]}`, format: 'currency' });
    put(r, 4, {
      formula: `=IF(AND(ISNUMBER(B${r}),ISNUMBER(C${r})),IF(B${r}>=C${r},"Green",IF(B${r}>=C${r}*(1-RygYellowBand),"Yellow","Red")),"")`,
    });
    put(r, 5, {
      value:
        'Sourced pipeline since the program start: the actual once the report quarter has passed the month; before, what is in by the quarter’s end plus the quarter’s monthly run-rate for each month to go. Target on the Targets tab.',
    });
    r++;
  }
  return r;
}
