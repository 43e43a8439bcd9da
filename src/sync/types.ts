// The sync engine's data, as plain values both runtimes share (the CLI and the bound Apps Script): no Node types.

/** One synced cell: text, number, checkbox or nothing. Dates are ISO strings (YYYY-MM-DD), selects their name. */
export type SyncValue = string | number | boolean | null;

/** A row's synced fields by field key (the blueprint's sync map keys). */
export type RowValues = Record<string, SyncValue>;

export type Side = 'notion' | 'sheets';

export interface FieldSpec {
  key: string;
  /** The side whose value wins; an edit on the other side is a conflict, reverted and logged. */
  owner: Side;
}

/** One synced table: a Notion database and a workbook tab (the sync map's mapping). */
export interface TableSpec {
  key: string;
  fields: FieldSpec[];
}

/** A Notion page as the sync reads it. */
export interface NotionRow {
  pageId: string;
  values: RowValues;
  trashed: boolean;
  lastEditedTime: string;
  /** Who edited it last, when Notion says (a person's name or a bot). */
  lastEditedBy?: string;
  /** Created by this integration (an installed example page), not by a person. */
  createdByIntegration?: boolean;
}

/** A row of a synced tab, found by the page ID in its protected Notion ID column. */
export interface SheetRow {
  /** Null for a row someone typed without a Notion ID. */
  pageId: string | null;
  /** Where the row is now (1-based sheet row): rows are matched by ID, so sorting and filtering are harmless. */
  row: number;
  values: RowValues;
  archived: boolean;
  /** One of the workbook's own example rows (its Example cell ticked or reading Example). */
  example?: boolean;
}

/** What both sides agreed on after the last sync of a row. */
export interface BaselineRow {
  values: RowValues;
  archived: boolean;
}

export interface TableBaseline {
  rows: Record<string, BaselineRow>;
}

/** A non-owner edit that the owner's value replaced: nothing is lost, it is logged here. */
export interface Conflict {
  table: string;
  pageId: string;
  field: string;
  /** Where the overwritten edit was made. */
  editedOn: Side;
  overwritten: SyncValue;
  kept: SyncValue;
  by?: string;
  at: string;
}

export interface SyncInput {
  spec: TableSpec;
  /** Rows Notion returned: every row on a full pass, the rows edited since the cursor otherwise. */
  notionRows: NotionRow[];
  /** Whether `notionRows` holds every row of the data source, so a missing row means a deleted page. */
  full: boolean;
  /** Every row of the synced tab (one read of all synced ranges). */
  sheetRows: SheetRow[];
  baseline: TableBaseline;
  /** The run's time, for the log. */
  now: string;
  /** Share of a table's rows a run may archive before it stops to ask (default 0.2). */
  maxArchiveShare?: number;
  allowMassArchive?: boolean;
}

export interface TablePlan {
  table: string;
  /** Sheets-owned values written back to Notion pages. */
  notionUpdates: { pageId: string; values: RowValues }[];
  /** Notion-owned values written into existing rows of the tab. */
  sheetUpdates: { pageId: string; row: number; values: RowValues }[];
  /** Pages the tab does not have yet: new rows at the end. */
  sheetAppends: { pageId: string; values: RowValues }[];
  /** Rows whose Archived flag changes (trashed in Notion, or restored). Never deleted. */
  sheetArchive: { pageId: string; row: number; archived: boolean }[];
  conflicts: Conflict[];
  /** Rows typed into the tab without a Notion ID: reported, never dropped or duplicated. */
  orphans: { row: number; values: RowValues }[];
  /** The same page ID on several rows: the first is synced, the others reported. */
  duplicateRows: { pageId: string; row: number }[];
  /** The baseline once both sides are written. */
  baseline: TableBaseline;
  /** Set when the run would archive too many rows: nothing of this table may be written. */
  blocked: string | null;
}
