// The pure sync planner: Notion rows, tab rows and the last baseline in; the writes for each side and the log out.
import type {
  BaselineRow,
  Conflict,
  NotionRow,
  RowValues,
  SheetRow,
  SyncInput,
  SyncValue,
  TablePlan,
} from './types.js';

export const DEFAULT_MAX_ARCHIVE_SHARE = 0.2;

/**
 * A baseline entry (not a field): the Sheets-owned fields of a row whose values are Notion's, never agreed
 * with the workbook (a page added to the tab with them already set), comma-separated. Dropped once agreed.
 */
export const UNAGREED = '~unagreed';

/** An Example cell that marks a row the install wrote as an example: ticked, or the word Example. */
export function isExampleFlag(flag: SyncValue | undefined): boolean {
  return flag === true || (typeof flag === 'string' && /^(example|true)$/i.test(flag.trim()));
}

/** Equal as synced values: an empty cell and an empty property are the same; numbers compare by value. */
export function sameValue(a: SyncValue | undefined, b: SyncValue | undefined): boolean {
  const empty = (v: SyncValue | undefined) => v === null || v === undefined || v === '';
  if (empty(a) || empty(b)) return empty(a) && empty(b);
  if (typeof a === 'number' || typeof b === 'number') return Number(a) === Number(b);
  return a === b;
}

function pick(values: RowValues, keys: readonly string[]): RowValues {
  const out: RowValues = {};
  for (const key of keys) out[key] = values[key] ?? null;
  return out;
}

/**
 * Plans one table. Per row matched by page ID and per field, the owner's value stands:
 * - a Notion-owned field whose tab cell differs is written to the tab; if the cell also differs from the
 *   baseline, someone edited it in the sheet: a conflict, logged with the value it overwrites;
 * - a Sheets-owned field (score, rank, recommendation, RYG) whose Notion value differs is written to
 *   Notion, logged the same way when Notion's value had been edited by hand (or, on a page new to the
 *   tab, was set before the workbook computed its row: see UNAGREED).
 * A page the tab lacks is appended; a trashed or deleted page archives its row (never deletes it); a
 * restored page un-archives it. Unchanged rows produce nothing, so a no-op sync writes nothing.
 * On an incremental run, a page Notion did not return is unchanged since the baseline.
 */
export function planTable(input: SyncInput): TablePlan {
  const { spec } = input;
  const notionOwned = spec.fields.filter((f) => f.owner === 'notion').map((f) => f.key);
  const sheetsOwned = spec.fields.filter((f) => f.owner === 'sheets').map((f) => f.key);
  const plan: TablePlan = {
    table: spec.key,
    notionUpdates: [],
    sheetUpdates: [],
    sheetAppends: [],
    sheetArchive: [],
    conflicts: [],
    orphans: [],
    duplicateRows: [],
    baseline: { rows: { ...input.baseline.rows } },
    blocked: null,
  };
  const typedOf = (values: RowValues) =>
    Object.fromEntries(Object.entries(values).filter(([key]) => notionOwned.includes(key)));
  const conflict = (c: Omit<Conflict, 'table' | 'at'>) =>
    plan.conflicts.push({ table: spec.key, at: input.now, ...c });

  const sheetById = new Map<string, SheetRow>();
  for (const row of input.sheetRows) {
    // An orphan is known by what a person typed (the Notion-owned fields), not by what formulas compute
    // around it: a rank that moves when another row changes does not make it a new row to report.
    // The workbook's own example rows (installed with it, marked Example) have no page and need nobody.
    if (row.pageId === null) {
      if (!row.example) plan.orphans.push({ row: row.row, values: typedOf(row.values) });
    } else if (sheetById.has(row.pageId)) plan.duplicateRows.push({ pageId: row.pageId, row: row.row });
    else sheetById.set(row.pageId, row);
  }
  const notionById = new Map(input.notionRows.map((r) => [r.pageId, r]));
  const ids = new Set([...notionById.keys(), ...sheetById.keys(), ...Object.keys(input.baseline.rows)]);

  for (const pageId of [...ids].sort()) {
    const sheet = sheetById.get(pageId);
    const base: BaselineRow | undefined = input.baseline.rows[pageId];
    const notion: NotionRow | undefined =
      notionById.get(pageId) ??
      (!input.full && base && !base.archived
        ? { pageId, values: base.values, trashed: false, lastEditedTime: '' }
        : undefined);

    if (!notion || notion.trashed) {
      // Gone from Notion (trashed; or, on a full pass, deleted): the row stays, marked archived.
      if (!notion && !input.full) continue; // never seen and not returned: wait for a full pass
      if (sheet && !sheet.archived) plan.sheetArchive.push({ pageId, row: sheet.row, archived: true });
      if (base || sheet)
        plan.baseline.rows[pageId] = { values: base?.values ?? sheet?.values ?? {}, archived: true };
      continue;
    }

    if (!sheet) {
      plan.sheetAppends.push({ pageId, values: pick(notion.values, notionOwned) });
      // Sheets-owned values a new page already holds in Notion (typed by hand, or copied with a duplicated
      // page) are not agreed: the baseline keeps them (a run that does not read the page again still knows
      // what Notion holds) and names them, so once the workbook has computed the row, a value it replaces
      // is logged like any non-owner edit, and one it agrees with is not.
      // Values on a page this integration created (an installed example) were set by the install, not typed:
      // replacing them is not a conflict. (A value typed over one before its first sync is not logged.)
      const held = pick(notion.values, sheetsOwned);
      const before = unagreedOf(base);
      const unagreed = sheetsOwned.filter(
        (key) =>
          !notion.createdByIntegration &&
          !sameValue(held[key], null) &&
          (!base || before.has(key) || !sameValue(held[key], base.values[key])),
      );
      plan.baseline.rows[pageId] = {
        values: {
          ...pick(notion.values, notionOwned),
          ...held,
          ...(unagreed.length ? { [UNAGREED]: unagreed.join(',') } : {}),
        },
        archived: false,
      };
      continue;
    }

    const toSheet: RowValues = {};
    const toNotion: RowValues = {};
    const agreed: RowValues = {};
    for (const key of notionOwned) {
      const want = notion.values[key] ?? null;
      agreed[key] = want;
      if (sameValue(sheet.values[key], want)) continue;
      toSheet[key] = want;
      if (base && !sameValue(sheet.values[key], base.values[key]))
        conflict({
          pageId,
          field: key,
          editedOn: 'sheets',
          overwritten: sheet.values[key] ?? null,
          kept: want,
        });
    }
    const unagreed = unagreedOf(base);
    for (const key of sheetsOwned) {
      const want = sheet.values[key] ?? null;
      agreed[key] = want;
      if (sameValue(notion.values[key], want)) continue;
      toNotion[key] = want;
      if (base && (unagreed.has(key) || !sameValue(notion.values[key], base.values[key])))
        conflict({
          pageId,
          field: key,
          editedOn: 'notion',
          overwritten: notion.values[key] ?? null,
          kept: want,
          ...(notion.lastEditedBy ? { by: notion.lastEditedBy } : {}),
        });
    }
    if (Object.keys(toSheet).length) plan.sheetUpdates.push({ pageId, row: sheet.row, values: toSheet });
    if (Object.keys(toNotion).length) plan.notionUpdates.push({ pageId, values: toNotion });
    if (sheet.archived) plan.sheetArchive.push({ pageId, row: sheet.row, archived: false });
    plan.baseline.rows[pageId] = { values: agreed, archived: false };
  }

  const archiving = plan.sheetArchive.filter((a) => a.archived).length;
  const active = input.sheetRows.filter((r) => r.pageId !== null && !r.archived).length;
  const share = input.maxArchiveShare ?? DEFAULT_MAX_ARCHIVE_SHARE;
  if (!input.allowMassArchive && archiving > 0 && archiving > share * Math.max(active, 1)) {
    plan.blocked = `${spec.key}: this run would archive ${archiving} of ${active} rows (more than ${Math.round(share * 100)}%): a renamed tab, a changed filter or a wrong root page looks like this`;
  }
  return plan;
}

/** The Sheets-owned fields a baseline row holds Notion's values of, never agreed with the workbook. */
function unagreedOf(base: BaselineRow | undefined): Set<string> {
  const listed = base?.values[UNAGREED];
  return new Set(typeof listed === 'string' && listed ? listed.split(',') : []);
}

/** Whether a plan writes anything on either side. */
export function planWrites(plan: TablePlan): number {
  return (
    plan.notionUpdates.length + plan.sheetUpdates.length + plan.sheetAppends.length + plan.sheetArchive.length
  );
}
