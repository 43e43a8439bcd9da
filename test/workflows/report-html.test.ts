// The report page in a real browser (headless Chromium): every chart drawn with one mark per data point, empty
// charts saying so, and every number on the page the Leadership Report tab's for the same rows.
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { reportPage } from '../../src/workflows/report/build.js';
import {
  chartData,
  HEADLINES,
  headlinesFrom,
  type ReportFigures,
} from '../../src/workflows/report/compute.js';
import { formatFigure } from '../../src/workflows/report/format.js';
import { parseQuarter, serialOf } from '../../src/workflows/report/quarter.js';
import { headlinesFromTab } from '../../src/workflows/report/sheets.js';
import { tempDir } from '../helpers.js';
import { seedSecondQuarter, type World, withoutExamples, workspace, world } from './report-scenario.js';

const run = promisify(execFile);

/** Chromium from Debian's package (or $CHROMIUM); its absence fails the test with the fix. */
function chromium(): string {
  const found = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
    (p) => p && existsSync(p),
  );
  if (!found)
    throw new Error(
      'Chromium is not installed: the report test opens the page in a headless browser — run `apt-get install chromium` (or set CHROMIUM to its path)',
    );
  return found;
}

/** The page as the browser built it: the DOM after parsing and layout. */
async function dumpDom(html: string): Promise<string> {
  const file = join(tempDir('pn-report-'), 'report.html');
  writeFileSync(file, html);
  const { stdout } = await run(
    chromium(),
    ['--headless', '--disable-gpu', '--no-sandbox', '--dump-dom', pathToFileURL(file).href],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

/** Each chart's figure in the DOM, by data-chart: its markup. */
function figures(dom: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of dom.matchAll(/<figure data-chart="([^"]+)"[\s\S]*?<\/figure>/g)) out.set(m[1]!, m[0]);
  return out;
}
const count = (s: string, needle: string) => s.split(needle).length - 1;

/** The figures the Sheets path makes: headlines read off the evaluated tab, charts from the rows. */
function figuresOf(w: World, quarterId: string): ReportFigures {
  const quarter = parseQuarter(quarterId);
  const start = serialOf(quarter.start);
  w.setNamed('ReportQuarterStart', start);
  const headlines = headlinesFrom(headlinesFromTab(w.tabGrid()));
  return { quarter, headlines, charts: chartData(w.data(), start, headlines) };
}

describe('the report page in headless Chromium', () => {
  let w: World;
  let dom: string;
  let html: string;

  beforeAll(async () => {
    w = await world();
    seedSecondQuarter(w);
    html = await reportPage(figuresOf(w, '2027Q2'), { company: 'Acme', source: 'the test workbook' });
    dom = await dumpDom(html);
  }, 180_000);

  it('draws each chart as inline SVG with one mark per data point', () => {
    const charts = figures(dom);
    expect([...charts.keys()]).toEqual([
      'pipeline-revenue',
      'bookings-share',
      'cac',
      'stages',
      'top-partners',
    ]);
    // Six months with pipeline or revenue (January to June) × two series; three slices of bookings (sourced,
    // influenced, the rest); partner and direct CAC; five stages with partners; three partners with revenue.
    const expected = { 'pipeline-revenue': 12, 'bookings-share': 3, cac: 2, stages: 5, 'top-partners': 3 };
    for (const [id, marks] of Object.entries(expected)) {
      const fig = charts.get(id)!;
      expect(fig, id).toContain('<svg');
      const role = id === 'bookings-share' ? 'arc mark' : 'bar';
      expect(count(fig, `role="graphics-symbol" aria-roledescription="${role}"`), id).toBe(marks);
      expect(fig, id).toContain(`data-marks="${marks}"`);
      expect(fig, id).not.toContain('No data yet');
    }
    expect(charts.get('top-partners')).toContain('Acme Cloud');
    expect(charts.get('stages')).toContain('Active');
  });

  it("shows every headline figure as the Leadership Report tab's value, formatted as money or percent", () => {
    const num = (v: unknown) => (typeof v === 'number' ? v : null);
    let checked = 0;
    for (const h of HEADLINES) {
      const cols: ['now' | 'before', number][] = [['now', h.now.col]];
      if (h.before) cols.push(['before', h.before.col]);
      for (const [which, col] of cols) {
        const value = num(w.at(h.row, col));
        const cell = new RegExp(
          `<td class="num" data-key="${h.key}" data-col="${which}" data-value="([^"]*)">([^<]*)</td>`,
        ).exec(dom);
        expect(cell, `${h.key} ${which}`).not.toBeNull();
        expect(cell![1] === '' ? null : Number(cell![1]), `${h.key} ${which}`).toBe(value);
        expect(cell![2], `${h.key} ${which}`).toBe(formatFigure(value, h.format));
        checked++;
      }
    }
    expect(checked).toBe(HEADLINES.length + HEADLINES.filter((h) => h.before).length);
    // Hand-checked (test/blueprint/leadership-report.test.ts): as a reader sees them.
    expect(dom).toContain('data-value="150000">$150,000</td>');
    expect(dom).toContain('data-key="sourcedShare" data-col="now" data-value="0.2">20%</td>');
    expect(dom).toContain('data-key="partnerCac" data-col="now" data-value="8000">$8,000</td>');
    expect(dom).toContain('data-key="profit" data-col="now" data-value="91000">$91,000</td>');
  });

  it('is one self-contained file: no script, no stylesheet or image from elsewhere', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/url\(\s*["']?https?:/i);
    expect(count(html, '<svg')).toBe(5);
  });
});

describe('the report page with no data yet', () => {
  it('says so in each chart instead of drawing empty axes, and shows blanks as dashes', async () => {
    const w = await world(withoutExamples(workspace.workbook));
    const dom = await dumpDom(
      await reportPage(figuresOf(w, '2027Q1'), { company: 'Acme', source: 'an empty workbook' }),
    );
    const charts = figures(dom);
    expect(charts.size).toBe(5);
    for (const [id, fig] of charts) {
      expect(fig, id).toContain('No data yet');
      expect(fig, id).not.toContain('<svg');
      expect(fig, id).toContain('data-marks="0"');
    }
    expect(dom).toContain('data-key="sourcedPipeline" data-col="now" data-value="">—</td>');
    expect(dom).toContain('data-key="signed" data-col="now" data-value="0">0</td>');
  }, 180_000);
});
