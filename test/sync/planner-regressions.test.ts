// Regressions the whole-sync property test (convergence.test.ts) found in the planner, pinned on the pure planner.
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/sync/cursor.js';
import { isExampleFlag, planTable, UNAGREED } from '../../src/sync/planner.js';
import { unreported } from '../../src/sync/run-state.js';
import type { NotionRow, SheetRow, SyncInput } from '../../src/sync/types.js';

const spec = {
  key: 'partners',
  fields: [
    { key: 'name', owner: 'notion' as const },
    { key: 'rating', owner: 'notion' as const },
    { key: 'score', owner: 'sheets' as const },
    { key: 'rank', owner: 'sheets' as const },
  ],
};

const page = (pageId: string, values: NotionRow['values']): NotionRow => ({
  pageId,
  values,
  trashed: false,
  lastEditedTime: '2027-03-01T10:00:00.000Z',
});

const input = (over: Partial<SyncInput>): SyncInput => ({
  spec,
  notionRows: [],
  full: false,
  sheetRows: [],
  baseline: { rows: {} },
  now: 'now',
  ...over,
});

describe('planner regressions', () => {
  it("the workbook's own example rows (no Notion ID, marked Example) are not rows a person must fix", () => {
    // Before: every fresh `install --target all` left its example rows on the Sync Log as needing a person,
    // so `partnernomics status` could never report a healthy program.
    const row = (r: number, example?: boolean): SheetRow => ({
      pageId: null,
      row: r,
      values: { name: `Row ${r}`, rating: 3 },
      archived: false,
      ...(example === undefined ? {} : { example }),
    });
    const plan = planTable(input({ sheetRows: [row(5, true), row(6, true), row(8), row(9, false)] }));
    expect(plan.orphans.map((o) => o.row)).toEqual([8, 9]);
    // What marks the row: the Example cell ticked, or the word the install writes there.
    expect(['Example', 'example ', true, 'TRUE'].map(isExampleFlag)).toEqual([true, true, true, true]);
    expect([null, false, '', 'Sample', 0].map(isExampleFlag)).toEqual([false, false, false, false, false]);
  });

  it('a row typed without a Notion ID is reported once, even when the formulas beside it change', () => {
    // Before: the orphan's key held its computed rank, so every run that moved the ranks logged it again.
    const typed = (rank: number): SheetRow => ({
      pageId: null,
      row: 9,
      values: { name: 'Typed by a leader', rating: 3, score: 50, rank },
      archived: false,
    });
    const first = planTable(input({ sheetRows: [typed(2)] }));
    expect(first.orphans).toEqual([{ row: 9, values: { name: 'Typed by a leader', rating: 3 } }]);
    const { reported } = unreported(first, {
      notion: { minute: null, seen: {}, runsSinceFull: 0 },
      reported: [],
    });
    const later = planTable(input({ sheetRows: [typed(5)] }));
    const again = unreported(later, { notion: { minute: null, seen: {}, runsSinceFull: 0 }, reported });
    expect(again.plan.orphans).toEqual([]);
    expect(again.reported).toEqual(reported);
  });

  it('a Sheets-owned value typed on a new Notion page is logged once the workbook computed the row', () => {
    // Before: the new row's baseline said Notion held no score, so the next run (which does not read the
    // page again) wrote the workbook's score over the typed 80 and logged nothing.
    const created = page('p1', { name: 'Acme', rating: 4, score: 80, rank: null });
    const first = planTable(input({ notionRows: [created], full: true }));
    expect(first.sheetAppends).toEqual([{ pageId: 'p1', values: { name: 'Acme', rating: 4 } }]);
    expect(first.conflicts).toEqual([]);
    expect(first.baseline.rows.p1!.values).toMatchObject({ score: 80, [UNAGREED]: 'score' });
    // The next pass: the page is not read again (unchanged); the workbook computed 75 and rank 1.
    const row = (score: number): SheetRow => ({
      pageId: 'p1',
      row: 3,
      values: { name: 'Acme', rating: 4, score, rank: 1 },
      archived: false,
    });
    const next = planTable(input({ sheetRows: [row(75)], baseline: first.baseline }));
    expect(next.notionUpdates).toEqual([{ pageId: 'p1', values: { score: 75, rank: 1 } }]);
    expect(next.conflicts).toEqual([
      expect.objectContaining({
        pageId: 'p1',
        field: 'score',
        editedOn: 'notion',
        overwritten: 80,
        kept: 75,
      }),
    ]);
    expect(next.baseline.rows.p1!.values).toEqual({ name: 'Acme', rating: 4, score: 75, rank: 1 });
    // Once agreed, a write the sync made is no conflict: the same pass again logs nothing.
    const again = planTable(input({ sheetRows: [row(75)], baseline: next.baseline }));
    expect(again.conflicts).toEqual([]);
  });

  it('a new page the install created (an example) holds values the install set: replacing them logs nothing', () => {
    // Before: every first sync of a fresh install logged the example partners' ranks as people's edits.
    const example = {
      ...page('p1', { name: 'Example', rating: 4, score: 80, rank: 2 }),
      createdByIntegration: true,
    };
    const first = planTable(input({ notionRows: [example], full: true }));
    expect(first.baseline.rows.p1!.values[UNAGREED]).toBeUndefined();
    const computed: SheetRow = {
      pageId: 'p1',
      row: 3,
      values: { name: 'Example', rating: 4, score: 75, rank: 3 },
      archived: false,
    };
    const next = planTable(input({ sheetRows: [computed], baseline: first.baseline }));
    expect(next.notionUpdates).toEqual([{ pageId: 'p1', values: { score: 75, rank: 3 } }]);
    expect(next.conflicts).toEqual([]);
  });

  it("a row taken from the baseline fingerprints like the page read from Notion (the cursor's bookkeeping aside)", () => {
    // Else a page written back from its baseline would come back as news on the next run, and be stored again.
    const read = page('p1', { name: 'Acme', rating: 4, score: 75, rank: 1 });
    const fromBaseline = { ...read, values: { ...read.values, [UNAGREED]: 'score' } };
    expect(fingerprint(fromBaseline)).toBe(fingerprint(read));
  });

  it('a new page whose Sheets-owned values the workbook computes the same (a duplicated page, an example) logs nothing', () => {
    const copied = page('p2', { name: 'Acme copy', rating: 4, score: 75, rank: null });
    const first = planTable(input({ notionRows: [copied], full: true }));
    const row: SheetRow = {
      pageId: 'p2',
      row: 4,
      values: { name: 'Acme copy', rating: 4, score: 75, rank: 2 },
      archived: false,
    };
    const next = planTable(input({ sheetRows: [row], baseline: first.baseline }));
    expect(next.notionUpdates).toEqual([{ pageId: 'p2', values: { rank: 2 } }]);
    expect(next.conflicts).toEqual([]);
  });

  it('a page added again after its row was removed by hand logs nothing for the values the sync wrote', () => {
    const baseline = {
      rows: { p1: { values: { name: 'Acme', rating: 4, score: 75, rank: 1 }, archived: false } },
    };
    const plan = planTable(
      input({
        notionRows: [page('p1', { name: 'Acme', rating: 4, score: 75, rank: 1 })],
        full: true,
        baseline,
      }),
    );
    expect(plan.sheetAppends).toHaveLength(1);
    expect(plan.conflicts).toEqual([]);
  });
});
