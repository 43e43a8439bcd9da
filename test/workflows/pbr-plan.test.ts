// The pure PBR planner: which PBR is the previous one, what is carried over, and the body built from the agenda worksheet.
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/blueprint/compile.js';
import { loadBlueprint } from '../../src/blueprint/load.js';
import { parseConfig } from '../../src/config/load.js';
import { agendaOf, pbrMarkdown } from '../../src/workflows/pbr/agenda.js';
import {
  type PbrRow,
  pbrFor,
  planQuarterPbrs,
  previousPbr,
  type TodoRow,
} from '../../src/workflows/pbr/plan.js';
import { scoreboardRows } from '../../src/workflows/pbr/scoreboard.js';

const ws = compile(
  loadBlueprint(),
  parseConfig({ team: [{ role: 'Partner Manager', name: 'Dana Ortiz' }] }, 'test', '2027-01-04'),
);
const agenda = agendaOf(ws);
const q1 = { year: 2027, q: 1 };
const pbr = (
  id: string,
  partner: string,
  quarter: string,
  date: string | null = null,
  title = id,
): PbrRow => ({
  id,
  title,
  partners: [partner],
  quarter,
  date,
});

describe('PBR planner', () => {
  it('the previous PBR is the latest one before the quarter, whatever the spelling of its quarter', () => {
    const rows = [
      pbr('q3', 'a', '2026 Q3'),
      pbr('q4', 'a', 'Q4 2026'),
      pbr('untagged', 'a', '', '2026-11-20'),
      pbr('q1', 'a', '2027Q1'),
      pbr('other', 'b', '2026 Q4'),
    ];
    expect(previousPbr(rows, 'a', q1)?.id).toBe('untagged'); // same quarter as q4, later date
    expect(
      previousPbr(
        rows.filter((r) => r.id !== 'untagged'),
        'a',
        q1,
      )?.id,
    ).toBe('q4');
    expect(previousPbr(rows, 'b', { year: 2026, q: 4 })).toBeUndefined();
    expect(pbrFor(rows, { id: 'a', name: 'Acme' }, q1)?.id).toBe('q1');
    expect(pbrFor([pbr('t', 'a', '', null, 'Acme — 2027 Q1 PBR')], { id: 'a', name: 'Acme' }, q1)?.id).toBe(
      't',
    );
  });

  it('carries the open to-dos not linked yet; an existing PBR is not created again', () => {
    const todos: TodoRow[] = [
      { id: 't1', title: 'Open', status: 'Not started', pbrs: ['q4'] },
      { id: 't2', title: 'Blocked', status: 'Blocked', pbrs: ['q4', 'q1'] },
      { id: 't3', title: 'Done', status: 'Done', pbrs: ['q4'] },
      { id: 't4', title: 'No status', status: null, pbrs: ['q4'] },
    ];
    const input = {
      calendar: { quarter: q1, offset: 10, holidays: [] },
      agenda,
      todosOf: (id: string) => (id === 'q4' ? todos : []),
      scoreboard: () => null,
    };
    const [fresh] = planQuarterPbrs({
      ...input,
      partners: [{ id: 'a', name: 'Acme' }],
      pbrs: [pbr('q4', 'a', '2026 Q4')],
    });
    expect(fresh!.create?.title).toBe('Acme — 2027 Q1 PBR');
    expect(fresh!.carry.map((t) => t.id)).toEqual(['t1', 't2', 't4']);
    expect(fresh!.create?.markdown).toContain('- Blocked');
    expect(fresh!.create?.markdown).not.toContain('- Done');
    const [again] = planQuarterPbrs({
      ...input,
      partners: [{ id: 'a', name: 'Acme' }],
      pbrs: [pbr('q4', 'a', '2026 Q4'), pbr('q1', 'a', '2027 Q1')],
    });
    expect(again!.create).toBeNull();
    expect(again!.carry.map((t) => t.id)).toEqual(['t1', 't4']);
  });

  it("the body's five parts are the agenda worksheet's own words, rendered for this config", () => {
    const page = ws.pages.find((p) => p.templateKey === 'pbr-agenda')!.markdown;
    expect(agenda.parts.map((p) => p.heading)).toEqual([
      '1. Lightning Round',
      '2. Headline News',
      '3. Scoreboard Review',
      '4. Open Mic',
      "5. To-Do's",
    ]);
    for (const part of agenda.parts) expect(page).toContain(part.intro);
    expect(agenda.overview).toContain('Partner Manager (Dana Ortiz)');
    const body = pbrMarkdown(agenda, {
      partner: 'Acme',
      quarter: '2027 Q1',
      date: '2027-01-15',
      next: { quarter: '2027 Q2', date: '2027-04-15' },
      scoreboard: [{ metric: 'Leads | accepted', direction: 'higher', target: 9, actual: 6, status: 'Red' }],
      carried: null,
    });
    expect(body).toContain('| Leads / accepted | higher | 9 | 6 | Red |');
    // The worksheet's empty scoreboard table is replaced by the partner's values.
    expect(body).not.toContain('| Partner-sourced leads submitted | | |');
  });

  it("reads a partner's scoreboard rows for the quarter, archived rows left out", () => {
    const row = (partner: string, quarter: string, archived = false) => ({
      pageId: null,
      row: 2,
      archived,
      values: {
        partner,
        quarter,
        metric: 'Leads',
        direction: 'lower',
        target: 5,
        actual: 4,
        status: 'Green',
      },
    });
    const rows = [
      row('Acme', '2027 Q1'),
      row('Acme', 'Q1'),
      row('Acme', '2027Q1', true),
      row('Acme', '2026 Q4'),
      row('Bolt', '2027 Q1'),
    ];
    expect(scoreboardRows(rows, 'Acme', q1)).toEqual([
      { metric: 'Leads', direction: 'lower', target: 5, actual: 4, status: 'Green' },
    ]);
  });
});
