// compile(): pure, deterministic, and shaped by the chosen partnership types.
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import type { DesiredWorkspace } from '../../src/blueprint/desired.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { PARTNERSHIP_TYPE_NAMES } from '../../src/domain/types.js';

const bp = loadBlueprint();
const build = (raw: Record<string, unknown>) => compile(bp, parseConfig(raw, 'test', '2027-01-04'));
const all = build({});
const two = build({ partnership_types: ['co-sell', 'service-implementation'] });

const db = (ws: DesiredWorkspace, key: string) => ws.databases.find((d) => d.key === key)!;
const options = (ws: DesiredWorkspace, dbKey: string, prop: string) => {
  const p = db(ws, dbKey).properties.find((x) => x.key === prop)!;
  return 'options' in p ? p.options : [];
};
const settingsText = (ws: DesiredWorkspace) =>
  ws.workbook.tabs
    .find((t) => t.key === 'settings')!
    .cells.map((c) => String(c.value ?? ''))
    .join('\n');

describe('compile', () => {
  it('is deterministic: same blueprint and config, same workspace and version', () => {
    expect(build({})).toEqual(all);
    expect(build({ company: { name: 'Other' } }).version).not.toBe(all.version);
  });

  it('installs only the chosen types: pages, options, seed rows and default terms', () => {
    expect(all.pages.filter((p) => p.type !== null).map((p) => p.type)).toContain('influencer');
    const typed = two.pages.filter((p) => p.type !== null);
    expect(new Set(typed.map((p) => p.type))).toEqual(new Set(['co-sell', 'service-implementation']));
    expect(typed.map((p) => p.templateKey).sort()).toEqual(
      [
        'first-90-days',
        'first-90-days',
        'playbook',
        'playbook',
        'recruiting-kit',
        'recruiting-kit',
        'recruitment-sop',
        'recruitment-sop',
        'term-sheet',
        'term-sheet',
        'term-sheet-notes',
        'term-sheet-notes',
      ].sort(),
    );
    expect(options(two, 'db.partners', 'type')).toEqual(['Co-Sell', 'Service/Implementation']);
    expect(options(all, 'db.partners', 'type')).toHaveLength(6);
    expect(settingsText(two)).toContain('Co-Sell');
    expect(settingsText(two)).not.toContain('Influencer');
    const pbrRows = (ws: DesiredWorkspace) =>
      ws.workbook.tabs
        .find((t) => t.key === 'pbr_scoreboard')!
        .cells.filter((c) => c.col === 2 && c.row > 1)
        .map((c) => c.value);
    // Each chosen type's KPIs sit under the example partner of that type (Partner Scoring's examples), so
    // the example PBRs have KPI rows to compute their overall status from.
    expect(new Set(pbrRows(two))).toEqual(
      new Set(['Example — Northwind Advisory', 'Example — Larkspur Systems']),
    );
    const metrics = (ws: DesiredWorkspace, partner: string) => {
      const cells = ws.workbook.tabs.find((t) => t.key === 'pbr_scoreboard')!.cells;
      const rows = new Set(cells.filter((c) => c.col === 2 && c.value === partner).map((c) => c.row));
      return cells.filter((c) => c.col === 4 && rows.has(c.row)).map((c) => String(c.value));
    };
    expect(metrics(two, 'Example — Northwind Advisory')).toEqual(
      bp.types['co-sell'].kpis.map((k) => expect.stringContaining(k.name)),
    );
    expect(metrics(two, 'Example — Larkspur Systems')).toEqual(
      bp.types['service-implementation'].kpis.map((k) => expect.stringContaining(k.name)),
    );
    // A type no example partner has keeps a generic example name.
    expect(new Set(pbrRows(all))).toContain(`Example — ${PARTNERSHIP_TYPE_NAMES[all.types[2]!]} partner`);
  });

  it('includes the service-partner workflow only when Service/Implementation is chosen', () => {
    const noService = build({ partnership_types: ['referral', 'affiliate'] });
    expect(two.pages.some((p) => p.templateKey === 'service-partner-workflow')).toBe(true);
    expect(noService.pages.some((p) => p.templateKey === 'service-partner-workflow')).toBe(false);
    expect(db(noService, 'db.roadmap').rows.map((r) => r.key)).not.toContain('row.roadmap.service-workflows');
    expect(db(noService, 'db.roadmap').rows).toHaveLength(15);
  });

  it('pre-fills the strategic partnering plan with the chosen types', () => {
    const spp = two.pages.find((p) => p.templateKey === 'strategic-partnering-plan')!.markdown;
    expect(spp).toContain('Co-Sell');
    expect(spp).toContain('Service/Implementation');
    expect(spp).not.toContain('Influencer');
  });

  it('dates roadmap rows from the program start and relates them by key', () => {
    const icp = db(all, 'db.roadmap').rows.find((r) => r.key === 'row.roadmap.icp')!;
    expect(icp.values.start).toEqual({ kind: 'date', value: '2027-01-04' });
    const spp = db(all, 'db.roadmap').rows.find((r) => r.key === 'row.roadmap.spp')!;
    expect(spp.values.depends_on?.kind).toBe('relation');
  });

  it('marks example rows and fills the sheet-owned scores the Partner Scoring tab computes', () => {
    const partners = db(all, 'db.partners').rows;
    expect(partners.length).toBeGreaterThan(0);
    expect(partners.every((r) => r.example && r.title.startsWith('Example — '))).toBe(true);
    const recs = partners.map((r) =>
      r.values.recommendation?.kind === 'select' ? r.values.recommendation.value : null,
    );
    expect(recs).toContain('Pursue');
    expect(recs).toContain('Needs ratings');
    const owners = db(all, 'db.partners')
      .properties.filter((p) => 'owner' in p && p.owner === 'sheets')
      .map((p) => p.key);
    expect(owners.sort()).toEqual(['rank', 'recommendation', 'score']);
  });

  it('writes a formula into every data row of every formula column', () => {
    const scoring = all.workbook.tabs.find((t) => t.key === 'partner_scoring')!;
    const table = scoring.table!;
    const scoreCol = table.columns.findIndex((c) => c.key === 'score') + 1;
    const formulas = scoring.cells.filter((c) => c.col === scoreCol && c.formula);
    expect(formulas).toHaveLength(table.lastDataRow - table.firstDataRow + 1);
    expect(formulas[0]!.formula).toContain('MinCoverage');
    expect(scoring.protectedRanges.map((r) => r.description)).toEqual(
      expect.arrayContaining(['Score is computed', expect.stringMatching(/^Notion page IDs: /)]),
    );
    const installed = JSON.stringify(all.workbook);
    for (const banned of ['QUERY(', 'ARRAYFORMULA(', 'FILTER(', 'XLOOKUP(', 'LET(', 'LAMBDA(']) {
      expect(installed).not.toContain(banned);
    }
  });
});
