// The compiled workspace every target installs: plain data, no I/O, the same for local, Notion and Sheets.
import type { Config } from '../config/schema.js';
import type { PartnershipTypeKey } from '../domain/types.js';
import type { NotionViewSpec } from './schema.js';

/** A property with every option list resolved; `owner` says which side the sync lets write it. */
export type DesiredProperty =
  | {
      key: string;
      name: string;
      type: 'title' | 'rich_text' | 'date' | 'people' | 'checkbox' | 'url' | 'email';
    }
  | { key: string; name: string; type: 'number'; format: 'number' | 'dollar' | 'percent' }
  | { key: string; name: string; type: 'select' | 'multi_select'; options: string[] }
  | { key: string; name: string; type: 'relation'; target: string; dual?: string }
  | { key: string; name: string; type: 'formula'; expression: string }
  | {
      key: string;
      name: string;
      type: 'rollup';
      relation: string;
      property: string;
      function: 'sum' | 'count' | 'average' | 'max' | 'min';
    };

export type SyncOwner = 'notion' | 'sheets';

/** A cell value in a row: text, number, boolean, a date (ISO), several options, or related row keys. */
export type PlainValue =
  | { kind: 'text'; value: string }
  | { kind: 'number'; value: number | null }
  | { kind: 'checkbox'; value: boolean }
  | { kind: 'date'; value: string | null }
  | { kind: 'select'; value: string | null }
  | { kind: 'multi_select'; value: string[] }
  | { kind: 'relation'; rowKeys: string[] };

export interface DesiredRow {
  /** Stable blueprint key, e.g. row.roadmap.icp or row.playbooks.term-sheet.co-sell. */
  key: string;
  title: string;
  values: Record<string, PlainValue>;
  example: boolean;
  /** Page body in Markdown (roadmap entries, playbook pages); empty for data rows. */
  markdown: string;
}

export interface DesiredDatabase {
  key: string;
  title: string;
  icon: string;
  description: string;
  properties: (DesiredProperty & { owner?: SyncOwner })[];
  views: NotionViewSpec[];
  rows: DesiredRow[];
}

export type PageKind = 'Worksheet' | 'Type playbook' | 'Term sheet' | '90-day plan' | 'Recruitment SOP';

export interface DesiredPage {
  key: string;
  templateKey: string;
  title: string;
  kind: PageKind;
  type: PartnershipTypeKey | null;
  roadmap: string[];
  markdown: string;
}

export type CellFormat = 'number' | 'integer' | 'percent' | 'currency' | 'date' | 'month';
export type CellStyle = 'title' | 'header' | 'label' | 'input' | 'note' | 'weights' | 'wrap';
export type Fill = 'green' | 'yellow' | 'red' | 'grey';

/** One cell: row and column are 1-based. A formula is stored without resolving anything further. */
export interface DesiredCell {
  row: number;
  col: number;
  value?: string | number;
  formula?: string;
  /** The cell holds a date: `value` is an ISO date string. */
  isDate?: boolean;
  style?: CellStyle;
  format?: CellFormat;
}

export interface DesiredTableColumn {
  key: string;
  header: string;
  letter: string;
  kind: 'id' | 'input' | 'formula' | 'rating' | 'archived';
  /** How the column's cells are formatted (dates are written and read back as date serials). */
  format?: CellFormat;
}

export interface DesiredTab {
  key: string;
  name: string;
  frozenRows: number;
  columnWidths: number[];
  cells: DesiredCell[];
  validations: {
    range: string;
    list?: string[];
    between?: [number, number];
    date?: boolean;
    checkbox?: boolean;
  }[];
  /** A fill when a cell's text equals `equals`, or (whole rows) when the custom `formula` is true. */
  conditionalFormats: { range: string; equals?: string; formula?: string; fill: Fill }[];
  /** Warning-only protection: ID column, header rows, formula columns. */
  protectedRanges: { range: string; description: string }[];
  table?: { headerRows: number; firstDataRow: number; lastDataRow: number; columns: DesiredTableColumn[] };
}

export interface DesiredWorkbook {
  title: string;
  tabs: DesiredTab[];
  namedRanges: { name: string; tab: string; range: string }[];
}

export interface SyncField {
  notion: string;
  sheet: string;
  owner: SyncOwner;
}

export interface SyncMapping {
  notion: string;
  sheet: string;
  fields: SyncField[];
}

/** What the sync does for one synced table, in plain words generated from the map (src/blueprint/sync-text.ts). */
export interface SyncText {
  database: string;
  tab: string;
  text: string;
}

export interface ManualStep {
  target: 'notion' | 'sheets' | 'local';
  step: string;
}

export interface DesiredWorkspace {
  /** Changes whenever the blueprint or the config changes what gets installed. */
  version: string;
  config: Config;
  types: PartnershipTypeKey[];
  hub: { key: string; title: string; icon: string; markdown: string };
  databases: DesiredDatabase[];
  pages: DesiredPage[];
  workbook: DesiredWorkbook;
  sync: SyncMapping[];
  /** The map in plain words, one line per synced table: every text that describes the sync uses these. */
  syncText: SyncText[];
  /** Properties renamed by a blueprint version: `from` (the old name) becomes the property with key `to`. */
  renames: { database: string; from: string; to: string }[];
  manualSteps: ManualStep[];
}
