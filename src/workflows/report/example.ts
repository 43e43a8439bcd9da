// The report of the example rows a fresh workbook holds: what the local install writes as report-example.html.
import type { DesiredWorkspace } from '../../blueprint/desired.js';
import { reportPage } from './build.js';
import { reportFigures } from './compute.js';
import { exampleReportData } from './data.js';
import { isoOf, type Quarter, quarterOf } from './quarter.js';

export const EXAMPLE_REPORT_FILE = 'report-example.html';
/** Bumped when the page's layout changes, so an install rewrites an untouched example report. */
export const REPORT_LAYOUT_VERSION = 1;

/** The quarter most example rows fall in (dated from the program start), else the program's first. */
export function exampleQuarter(ws: DesiredWorkspace): Quarter {
  const data = exampleReportData(ws.workbook);
  const days = [...data.metrics.map((m) => m.month), ...data.referrals.map((r) => r.submittedOn)];
  const counts = new Map<string, { quarter: Quarter; n: number }>();
  for (const day of days) {
    if (day === null) continue;
    const quarter = quarterOf(isoOf(day));
    const seen = counts.get(quarter.id) ?? { quarter, n: 0 };
    seen.n += 1;
    counts.set(quarter.id, seen);
  }
  const best = [...counts.values()].sort(
    (a, b) => b.n - a.n || a.quarter.start.localeCompare(b.quarter.start),
  )[0];
  return best?.quarter ?? quarterOf(ws.config.program.start_date);
}

export async function exampleReport(ws: DesiredWorkspace, quarter: Quarter = exampleQuarter(ws)) {
  const figures = reportFigures(exampleReportData(ws.workbook), quarter);
  const html = await reportPage(figures, {
    company: ws.config.company.name,
    source: 'the example rows of a new workbook (replace them with your own)',
  });
  return { figures, html };
}
