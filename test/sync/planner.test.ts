// The pure sync planner: owner wins per field, nothing overwritten unlogged, deletes archive, no-ops write nothing.
import { describe, expect, it } from 'vitest';
import { planTable, planWrites, sameValue } from '../../src/sync/planner.js';
import type {
  NotionRow,
  RowValues,
  SheetRow,
  SyncInput,
  TableBaseline,
  TablePlan,
} from '../../src/sync/types.js';
import { prng } from '../helpers.js';

const spec = {
  key: 'partners',
  fields: [
    { key: 'name', owner: 'notion' as const },
    { key: 'stage', owner: 'notion' as const },
    { key: 'rating', owner: 'notion' as const },
    { key: 'score', owner: 'sheets' as const },
    { key: 'recommendation', owner: 'sheets' as const },
  ],
};
const NOTION_OWNED = ['name', 'stage', 'rating'];
const SHEETS_OWNED = ['score', 'recommendation'];

/** A tiny world with both sides, applying a plan the way the appliers do. */
class World {
  notion = new Map<string, { values: RowValues; trashed: boolean; edited: number }>();
  sheet: SheetRow[] = [];
  baseline: TableBaseline = { rows: {} };
  log: TablePlan['conflicts'] = [];
  clock = 0;
  lastSync = -1;

  input(full: boolean): SyncInput {
    const notionRows: NotionRow[] = [...this.notion]
      .filter(([, p]) => full || p.edited > this.lastSync)
      .map(([pageId, p]) => ({
        pageId,
        values: { ...p.values },
        trashed: p.trashed,
        lastEditedTime: String(p.edited),
      }));
    return {
      spec,
      notionRows,
      full,
      sheetRows: this.sheet.map((r) => ({ ...r, values: { ...r.values } })),
      baseline: this.baseline,
      now: String(this.clock),
    };
  }

  apply(plan: TablePlan): void {
    for (const u of plan.notionUpdates) Object.assign(this.notion.get(u.pageId)!.values, u.values);
    for (const u of plan.sheetUpdates)
      Object.assign(this.sheet.find((r) => r.pageId === u.pageId)!.values, u.values);
    for (const a of plan.sheetAppends)
      this.sheet.push({
        pageId: a.pageId,
        row: this.sheet.length + 2,
        values: { ...a.values },
        archived: false,
      });
    for (const a of plan.sheetArchive) this.sheet.find((r) => r.pageId === a.pageId)!.archived = a.archived;
    this.baseline = plan.baseline;
    this.log.push(...plan.conflicts);
  }

  sync(full: boolean): TablePlan {
    this.clock += 1;
    const plan = planTable({ ...this.input(full), allowMassArchive: true });
    this.apply(plan);
    this.lastSync = this.clock;
    return plan;
  }
}

describe('planTable', () => {
  it('writes nothing when nothing changed, and nothing twice', () => {
    const w = new World();
    w.notion.set('p1', { values: { name: 'Acme', stage: 'Sourced', rating: 3 }, trashed: false, edited: 0 });
    w.sync(true);
    w.sheet[0]!.values.score = 60; // the formula computes
    w.sync(false);
    expect(w.notion.get('p1')!.values.score).toBe(60);
    expect(planWrites(w.sync(false))).toBe(0);
    expect(planWrites(w.sync(true))).toBe(0);
  });

  it('reverts a non-owner edit on either side and logs the value it overwrote', () => {
    const w = new World();
    w.notion.set('p1', { values: { name: 'Acme', stage: 'Sourced', rating: 3 }, trashed: false, edited: 0 });
    w.sync(true);
    w.sheet[0]!.values.score = 60;
    w.sync(false);
    w.sheet[0]!.values.stage = 'Signed'; // a leader types over a Notion-owned cell
    w.notion.get('p1')!.values.score = 99; // someone types a score in Notion
    w.notion.get('p1')!.edited = w.clock + 1;
    const plan = w.sync(false);
    expect(w.sheet[0]!.values.stage).toBe('Sourced');
    expect(w.notion.get('p1')!.values.score).toBe(60);
    expect(plan.conflicts.map((c) => [c.field, c.editedOn, c.overwritten, c.kept])).toEqual([
      ['stage', 'sheets', 'Signed', 'Sourced'],
      ['score', 'notion', 99, 60],
    ]);
  });

  it('archives the row of a trashed page, restores it, and never deletes a row', () => {
    const w = new World();
    for (const id of ['a', 'b', 'c', 'd', 'e'])
      w.notion.set(id, { values: { name: id, stage: 'Sourced', rating: 1 }, trashed: false, edited: 0 });
    w.sync(true);
    w.notion.get('c')!.trashed = true;
    w.notion.get('c')!.edited = w.clock + 1;
    w.sync(false);
    expect(w.sheet.map((r) => [r.pageId, r.archived])).toContainEqual(['c', true]);
    expect(w.sheet).toHaveLength(5);
    w.notion.get('c')!.trashed = false;
    w.notion.get('c')!.edited = w.clock + 1;
    w.sync(false);
    expect(w.sheet.find((r) => r.pageId === 'c')!.archived).toBe(false);
  });

  it('stops before writing when a run would archive more than a fifth of a table', () => {
    const w = new World();
    for (let i = 0; i < 10; i++)
      w.notion.set(`p${i}`, {
        values: { name: `P${i}`, stage: 'Sourced', rating: 1 },
        trashed: false,
        edited: 0,
      });
    w.sync(true);
    // A wrong root page: the full pass finds none of the pages.
    const plan = planTable({ ...w.input(true), notionRows: [] });
    expect(plan.blocked).toMatch(/would archive 10 of 10 rows/);
    expect(planTable({ ...w.input(true), notionRows: [], allowMassArchive: true }).blocked).toBeNull();
  });

  it('reports a row typed without a Notion ID and a page ID on two rows, never dropping or duplicating them', () => {
    const w = new World();
    w.notion.set('p1', { values: { name: 'Acme', stage: 'Sourced', rating: 3 }, trashed: false, edited: 0 });
    w.sync(true);
    w.sheet.push({ pageId: null, row: 9, values: { name: 'Typed here' }, archived: false });
    w.sheet.push({ pageId: 'p1', row: 10, values: { name: 'Acme copy' }, archived: false });
    const plan = planTable(w.input(true));
    expect(plan.orphans).toEqual([{ row: 9, values: { name: 'Typed here' } }]);
    expect(plan.duplicateRows).toEqual([{ pageId: 'p1', row: 10 }]);
    expect(plan.sheetAppends).toEqual([]);
  });

  it('treats text that looks like a formula as text, and empty as empty on both sides', () => {
    expect(sameValue('=HYPERLINK("x")', '=HYPERLINK("x")')).toBe(true);
    expect(sameValue('', null)).toBe(true);
    expect(sameValue(3, '3')).toBe(true);
    expect(sameValue(0, null)).toBe(false);
  });

  it('converges to the owner-wins state under 200 seeds of interleaved edits, logging every overwritten value', () => {
    let checkedConflicts = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const random = prng(seed);
      const pickOf = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
      const w = new World();
      let next = 0;
      /** Non-owner edits since the last sync, by "pageId.field": the latest value typed. */
      const pending = new Map<string, string>();
      for (let round = 0; round < 12; round++) {
        for (let step = 0; step < 4; step++) {
          const live = [...w.notion.keys()];
          const roll = random();
          const typed = `typed ${seed}.${round}.${step}`;
          if (roll < 0.2 || live.length === 0) {
            const id = `p${next++}`;
            w.notion.set(id, {
              values: {
                name: `Partner ${id}`,
                stage: pickOf(['Sourced', 'Scoring']),
                rating: 1 + Math.floor(random() * 5),
              },
              trashed: false,
              edited: w.clock + 1,
            });
          } else if (roll < 0.45) {
            const page = w.notion.get(pickOf(live))!;
            page.values[pickOf(NOTION_OWNED)] = pickOf(['Signed', 'Active', 2, 4, 'Renamed']);
            page.edited = w.clock + 1;
          } else if (roll < 0.55) {
            const page = w.notion.get(pickOf(live))!;
            page.trashed = !page.trashed;
            page.edited = w.clock + 1;
          } else if (roll < 0.7 && w.sheet.length) {
            // The spreadsheet recomputes a Sheets-owned cell (the owner's edit).
            pickOf(w.sheet).values[pickOf(SHEETS_OWNED)] = Math.floor(random() * 100);
          } else if (roll < 0.8 && w.sheet.length) {
            // A leader types over a Notion-owned cell (a non-owner edit).
            const row = pickOf(w.sheet);
            const field = pickOf(NOTION_OWNED);
            row.values[field] = typed;
            pending.set(`${row.pageId}.${field}`, typed);
          } else if (roll < 0.9 && w.sheet.length) {
            // Someone types a score in Notion (a non-owner edit).
            const row = pickOf(w.sheet);
            const page = w.notion.get(row.pageId!)!;
            const field = pickOf(SHEETS_OWNED);
            page.values[field] = typed;
            page.edited = w.clock + 1;
            pending.set(`${row.pageId}.${field}`, typed);
          } else {
            // Sort the tab: rows move, IDs stay with them.
            w.sheet.sort(() => random() - 0.5);
            w.sheet.forEach((r, i) => {
              r.row = i + 2;
            });
          }
        }
        // Which of the pending non-owner edits this sync must overwrite (and so log): those on a live row
        // that still hold the typed value and differ from the owner's.
        const mustLog: string[] = [];
        for (const [cell, value] of pending) {
          const [id, field] = cell.split('.') as [string, string];
          const page = w.notion.get(id)!;
          const row = w.sheet.find((r) => r.pageId === id)!;
          if (page.trashed || row.archived || !w.baseline.rows[id]) continue;
          const sheetsOwned = SHEETS_OWNED.includes(field);
          const now = sheetsOwned ? page.values[field] : row.values[field];
          const owner = sheetsOwned ? row.values[field] : page.values[field];
          if (sameValue(now, value) && !sameValue(owner, value)) mustLog.push(`${cell}=${value}`);
        }
        const plan = w.sync(round % 4 === 3);
        const logged = new Set(plan.conflicts.map((c) => `${c.pageId}.${c.field}=${c.overwritten}`));
        for (const edit of mustLog)
          expect(logged.has(edit), `seed ${seed} round ${round}: ${edit} not logged`).toBe(true);
        checkedConflicts += mustLog.length;
        pending.clear();
      }
      w.sync(true);
      // Owner-wins state: every page has exactly one row, archived iff trashed, agreeing field by field.
      for (const [id, page] of w.notion) {
        const rows = w.sheet.filter((r) => r.pageId === id);
        if (page.trashed) {
          // Archived if it ever had a row; a page trashed before its first sync never gets one.
          expect(
            rows.every((r) => r.archived),
            `seed ${seed}: ${id} archived`,
          ).toBe(true);
          expect(rows.length, `seed ${seed}: ${id}`).toBeLessThanOrEqual(1);
          continue;
        }
        expect(rows, `seed ${seed}: ${id}`).toHaveLength(1);
        expect(rows[0]!.archived, `seed ${seed}: ${id} archived`).toBe(false);
        for (const f of [...NOTION_OWNED, ...SHEETS_OWNED])
          expect(sameValue(rows[0]!.values[f], page.values[f]), `seed ${seed}: ${id}.${f}`).toBe(true);
      }
      expect(planWrites(w.sync(false)), `seed ${seed}: a no-op sync writes nothing`).toBe(0);
    }
    expect(checkedConflicts).toBeGreaterThan(200);
  });
});
