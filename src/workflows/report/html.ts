// The report as one self-contained HTML page: headline figures, a table against last quarter, inline SVG charts.
import type { Chart } from './charts.js';
import type { Headline, ReportFigures } from './compute.js';
import { formatFigure } from './format.js';

export interface PageContext {
  company: string;
  /** Where the numbers were read: "the Leadership Report tab of …" or "the example data of a local install". */
  source: string;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** The figures shown as cards at the top, in order. */
export const CARD_KEYS = [
  'sourcedPipeline',
  'sourcedBookings',
  'sourcedShare',
  'revenue',
  'partnerCac',
  'active',
];

const raw = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));

function figureCell(h: Headline, which: 'now' | 'before'): string {
  const v = which === 'now' ? h.now : h.before;
  if (which === 'before' && !('before' in h)) return '<td class="num na"></td>';
  return `<td class="num" data-key="${escapeHtml(h.key)}" data-col="${which}" data-value="${raw(v)}">${escapeHtml(formatFigure(v, h.format))}</td>`;
}

function change(h: Headline): string {
  if (!('before' in h) || typeof h.now !== 'number' || typeof h.before !== 'number' || h.before === 0)
    return '<td class="num na"></td>';
  const c = h.now / h.before - 1;
  const cls = c > 0 ? 'up' : c < 0 ? 'down' : '';
  const sign = c > 0 ? '+' : '';
  return `<td class="num ${cls}">${sign}${escapeHtml(formatFigure(c, 'percent'))}</td>`;
}

function cards(headlines: readonly Headline[]): string {
  return CARD_KEYS.flatMap((key) => {
    const h = headlines.find((x) => x.key === key);
    if (!h) return [];
    const before =
      'before' in h && h.before !== null
        ? `<div class="was">last quarter ${escapeHtml(formatFigure(h.before, h.format))}</div>`
        : '';
    return [
      `<div class="card"><div class="label">${escapeHtml(h.label)}</div><div class="value" data-key="${escapeHtml(h.key)}" data-value="${raw(h.now)}">${escapeHtml(formatFigure(h.now, h.format))}</div>${before}</div>`,
    ];
  }).join('\n');
}

function table(headlines: readonly Headline[]): string {
  const rows = headlines
    .map(
      (h) =>
        `<tr><th scope="row">${escapeHtml(h.label)}</th>${figureCell(h, 'now')}${figureCell(h, 'before')}${change(h)}</tr>`,
    )
    .join('\n');
  return `<table class="figures" id="headline-figures">
<thead><tr><th scope="col">Measure</th><th scope="col" class="num">This quarter</th><th scope="col" class="num">Last quarter</th><th scope="col" class="num">Change</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}

function figure(chart: Chart): string {
  const body = chart.svg
    ? `<div class="chart">${chart.svg}</div>`
    : `<div class="empty"><strong>No data yet.</strong> ${escapeHtml(chart.empty)}</div>`;
  return `<figure data-chart="${chart.id}" data-mark="${chart.mark}" data-marks="${chart.marks}">
<figcaption><h3>${escapeHtml(chart.title)}</h3></figcaption>
${body}
<p class="note">${escapeHtml(chart.note)}</p>
</figure>`;
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;background:#f4f5f7;color:#1d2733;font:14px/1.45 Helvetica,Arial,sans-serif}
main{max-width:1040px;margin:0 auto;padding:32px 28px 48px}
header{border-bottom:3px solid #1f4e79;padding-bottom:12px;margin-bottom:20px}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:18px;margin:28px 0 12px}
h3{font-size:15px;margin:0 0 8px}
.sub{color:#5a6673;margin:0}
.cards{display:grid;grid-template-columns:repeat(3,1fr);gap:12px}
.card{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:14px 16px}
.card .label{color:#5a6673;font-size:12px;text-transform:uppercase;letter-spacing:.03em}
.card .value{font-size:26px;font-weight:700;margin-top:4px;color:#1f4e79}
.card .was{color:#5a6673;font-size:12px}
table.figures{width:100%;border-collapse:collapse;background:#fff;border:1px solid #dde1e6}
table.figures th,table.figures td{padding:7px 12px;border-bottom:1px solid #eceff2;text-align:left}
table.figures thead th{background:#1f4e79;color:#fff;font-weight:600}
table.figures th[scope=row]{font-weight:400}
.num{text-align:right!important;font-variant-numeric:tabular-nums;white-space:nowrap}
.up{color:#2e7d32}.down{color:#c62828}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:16px}
figure{margin:0;background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:14px 16px;break-inside:avoid}
figure svg{max-width:100%;height:auto}
.empty{display:flex;flex-direction:column;gap:6px;align-items:center;justify-content:center;text-align:center;min-height:180px;color:#5a6673;background:#f8f9fa;border:1px dashed #c8cdd3;border-radius:4px;padding:16px}
.note{color:#5a6673;font-size:12px;margin:8px 0 0}
footer{margin-top:28px;color:#5a6673;font-size:12px}
@media print{body{background:#fff}.card,figure,table.figures{border-color:#bbb}}
`;

/** The whole page. No scripts, no external files: it opens anywhere and prints as it shows. */
export function reportHtml(figures: ReportFigures, charts: readonly Chart[], ctx: PageContext): string {
  const title = `Partner program report — ${figures.quarter.label}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main data-quarter="${figures.quarter.id}">
<header>
<h1>${escapeHtml(title)}</h1>
<p class="sub">${escapeHtml(ctx.company)} · quarter starting ${figures.quarter.start} · from ${escapeHtml(ctx.source)}</p>
</header>
<section class="cards" aria-label="Headline figures">
${cards(figures.headlines)}
</section>
<h2>This quarter against the last</h2>
${table(figures.headlines)}
<h2>Charts</h2>
<section class="charts">
${charts.map(figure).join('\n')}
</section>
<footer>Made by partnernomics. A dash means there is nothing to measure yet. Every figure is the Leadership Report tab's; its “How it is computed” column says how.</footer>
</main>
</body>
</html>
`;
}
