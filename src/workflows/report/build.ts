// Builds the report page from figures: charts rendered, then the HTML, with its file name.
import { renderCharts } from './charts.js';
import type { ReportFigures } from './compute.js';
import { type PageContext, reportHtml } from './html.js';

export const reportFileName = (quarterId: string) => `report-${quarterId}.html`;

export async function reportPage(figures: ReportFigures, ctx: PageContext): Promise<string> {
  return reportHtml(figures, await renderCharts(figures.charts), ctx);
}
