// Random edits on both sides of a synced workspace, as people make them, with a ledger of what the sync must keep or log.
import type { sheets_v4 } from '@googleapis/sheets';
import type { DesiredProperty } from '../../src/blueprint/desired.js';
import type { NotionField } from '../../src/sync/notion-side.js';
import type { SheetsTableSpec } from '../../src/sync/sheets-side.js';
import { extendedValue } from '../../src/sync/sheets-values.js';
import type { SyncValue } from '../../src/sync/types.js';
import { setCell } from '../fakes/google/sheets-state.js';
import { type SyncWorld, tabNow, tagged } from './convergence-world.js';

type Table = SyncWorld['tables'][number];

/** Notion: create, owner and non-owner edits, trash, restore; Sheets: the same edits, and what leaders do to a tab. */
export const EDIT_KINDS = [
  'create',
  'ownerEditInNotion',
  'nonOwnerEditInNotion',
  'trash',
  'restore',
  'nonOwnerEditInSheets',
  'ownerEditInSheets',
  'sort',
  'moveColumn',
  'renameTab',
  'renameHeader',
  'insertBlankRow',
  'typeOrphan',
] as const;
export type EditKind = (typeof EDIT_KINDS)[number];

/** A value typed on the side that does not own the field: the sync must revert it and log it. */
export interface NonOwnerEdit {
  side: 'notion' | 'sheets';
  table: string;
  pageId: string;
  field: string;
  value: SyncValue;
  /** Typed over again before any sync read it: nothing to log for this one. */
  superseded: boolean;
}

export interface Ledger {
  edits: NonOwnerEdit[];
  /** Rows typed into a tab without a Notion ID: `marker` in `field`. */
  orphans: { table: string; field: string; marker: string }[];
  /** Pages created in Notion, per table. */
  created: Map<string, number>;
  /** Every page ID a tab has held after a sync (a row is never deleted). */
  everRow: Map<string, Set<string>>;
  /** What was done, in order (the failure message's replay), and of which kind. */
  ops: string[];
  kinds: EditKind[];
}

const MINUTE = 60_000;

/** Notion-owned values a person sets in Notion; undefined where the property cannot be edited. */
function ownerValue(
  driver: EditDriver,
  field: NotionField,
  current: SyncValue | undefined,
): Record<string, unknown> | undefined {
  const p: DesiredProperty = field.property;
  const r = driver.rng;
  const n = driver.next();
  const clear = r() < 0.15;
  switch (p.type) {
    case 'title':
      return { title: [{ text: { content: `${p.name} ${n}` } }] };
    case 'rich_text':
      return { rich_text: clear ? [] : [{ text: { content: `note ${n}` } }] };
    case 'number':
      return { number: clear ? null : Math.floor(r() * 6) };
    case 'select':
      return { select: clear ? null : { name: option(p.options, r, n) } };
    case 'multi_select':
      return { multi_select: clear ? [] : [{ name: option(p.options, r, n) }] };
    case 'date':
      return {
        date: clear
          ? null
          : { start: `2027-${pad(1 + Math.floor(r() * 12))}-${pad(1 + Math.floor(r() * 28))}` },
      };
    case 'checkbox':
      return { checkbox: current !== true };
    case 'url':
      return { url: clear ? null : `https://example.com/${n}` };
    case 'email':
      return { email: clear ? null : `p${n}@example.com` };
    case 'people':
      return { people: clear ? [] : [{ id: driver.world.notion.state.personId }] };
    case 'relation': {
      const target = driver.world.registry.entries[p.target]?.dataSourceId;
      const live = target ? driver.world.notion.rows(target) : [];
      const page = live[Math.floor(r() * live.length)];
      return { relation: clear || !page ? [] : [{ id: page.id }] };
    }
    default:
      return undefined; // formula, rollup: Notion computes them
  }
}

/** One of a select's options, or a new one when it has none. */
const option = (options: readonly string[], r: () => number, n: number) =>
  options[Math.floor(r() * options.length)] ?? `Option ${n}`;

const pad = (n: number) => String(n).padStart(2, '0');

/** A value no owner ever holds (so a log entry of it can only come from this edit), in Notion's request form. */
function typedInNotion(
  p: DesiredProperty,
  n: number,
): { value: SyncValue; request: Record<string, unknown> } | undefined {
  if (p.type === 'number') return { value: 7000 + n, request: { number: 7000 + n } };
  if (p.type === 'select') return { value: `Typed ${n}`, request: { select: { name: `Typed ${n}` } } };
  if (p.type === 'rich_text')
    return { value: `typed ${n}`, request: { rich_text: [{ text: { content: `typed ${n}` } }] } };
  return undefined;
}

/** The same, as a cell typed in the tab: numbers and dates stay numbers and dates; the rest is text. */
function typedInSheets(
  spec: SheetsTableSpec,
  field: string,
  p: DesiredProperty,
  n: number,
): SyncValue | undefined {
  const format = spec.columns.find((c) => c.key === field)?.format;
  if (p.type === 'checkbox') return undefined; // two values only: no value of its own
  if (format === 'date' || format === 'month')
    return new Date(Date.UTC(2040, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
  if (p.type === 'number') return 7000 + n;
  return `Typed ${n}`;
}

/**
 * Drives one case: `step()` makes one random edit (Notion: create, owner edit, non-owner edit, trash,
 * restore; Sheets: non-owner edit, owner edit of a typed Sheets-owned column, sort, column move, tab and
 * header renames, a blank row, a row without a Notion ID), `advance()` moves the Notion clock (often staying
 * in the minute of the last sync), and the ledger records what the sync must keep or log.
 */
export class EditDriver {
  readonly ledger: Ledger = {
    edits: [],
    orphans: [],
    created: new Map(),
    everRow: new Map(),
    ops: [],
    kinds: [],
  };
  private counter = 0;
  /** Non-owner edits not read by a sync yet, by cell: a second one supersedes the first. */
  private pending = new Map<string, NonOwnerEdit>();

  constructor(
    readonly world: SyncWorld,
    readonly rng: () => number,
    /** Moves the Notion fake's clock, or nothing (a real clock moves by itself). */
    private readonly tick: (ms: number) => void,
    /** Distinguishes this case's values from another's (a marker, a title). */
    private readonly tag: string,
  ) {}

  next(): number {
    this.counter += 1;
    return this.counter;
  }

  private pick<T>(items: readonly T[]): T | undefined {
    return items.length ? items[Math.floor(this.rng() * items.length)] : undefined;
  }

  private dataSource(t: Table): string {
    return t.notion.dataSourceId;
  }

  private livePages(t: Table) {
    return this.world.notion.rows(this.dataSource(t));
  }

  private trashedPages(t: Table) {
    return this.world.notion.rows(this.dataSource(t), { includeTrashed: true }).filter((p) => p.in_trash);
  }

  /** Between edits: mostly seconds (the same minute as the last sync), sometimes minutes. */
  advance(): void {
    const r = this.rng();
    this.tick(
      r < 0.6
        ? Math.floor(this.rng() * 15_000)
        : r < 0.9
          ? 15_000 + Math.floor(this.rng() * 45_000)
          : MINUTE + Math.floor(this.rng() * 2 * MINUTE),
    );
  }

  /** A sync is about to read both sides: every pending edit is seen by it. */
  syncing(): void {
    this.pending.clear();
  }

  /** After a sync: remember which pages each tab holds (rows are never deleted). */
  synced(): void {
    for (const t of this.world.tables) {
      const ever = this.ledger.everRow.get(t.spec.key) ?? new Set<string>();
      for (const row of tabNow(this.world, t.spec).rows) if (row.pageId) ever.add(row.pageId);
      this.ledger.everRow.set(t.spec.key, ever);
    }
  }

  private record(edit: Omit<NonOwnerEdit, 'superseded'>): void {
    const key = `${edit.side}|${edit.table}|${edit.pageId}|${edit.field}`;
    const before = this.pending.get(key);
    if (before) before.superseded = true;
    const entry = { ...edit, superseded: false };
    this.pending.set(key, entry);
    this.ledger.edits.push(entry);
  }

  /** Each kind of edit, with how often a random step picks it. */
  private readonly kinds: Record<
    EditKind,
    [number, (t: Table) => Promise<string | undefined> | string | undefined]
  > = {
    create: [1, (t) => this.create(t)],
    ownerEditInNotion: [2.5, (t) => this.ownerEditInNotion(t)],
    nonOwnerEditInNotion: [1.2, (t) => this.nonOwnerEditInNotion(t)],
    trash: [0.7, (t) => this.trash(t)],
    restore: [0.6, (t) => this.restore(t)],
    nonOwnerEditInSheets: [2, (t) => this.nonOwnerEditInSheets(t)],
    ownerEditInSheets: [1, (t) => this.ownerEditInSheets(t)],
    sort: [0.6, (t) => this.sort(t)],
    moveColumn: [0.6, (t) => this.moveColumn(t)],
    renameTab: [0.3, (t) => this.renameTab(t)],
    renameHeader: [0.3, (t) => this.renameHeader(t)],
    insertBlankRow: [0.4, (t) => this.insertBlankRow(t)],
    typeOrphan: [0.5, (t) => this.typeOrphan(t)],
  };

  /** One random edit of a random table; returns what it did. */
  async step(): Promise<string> {
    const total = EDIT_KINDS.reduce((sum, k) => sum + this.kinds[k][0], 0);
    for (let attempt = 0; attempt < 10; attempt++) {
      const t = this.pick(this.world.tables)!;
      // A weighted draw: the first kind whose running total of weights passes the number drawn.
      const x = this.rng() * total;
      let sum = 0;
      const kind = EDIT_KINDS.find((k) => {
        sum += this.kinds[k][0];
        return x < sum;
      });
      const done = await this.edit(kind ?? 'ownerEditInNotion', t.spec.key);
      if (done) return done;
    }
    return 'nothing to do';
  }

  /** One edit of a given kind on a given table (a random page, field or column); undefined when none applies. */
  async edit(kind: EditKind, table: string): Promise<string | undefined> {
    const t = this.world.tables.find((x) => x.spec.key === table);
    if (!t) throw new Error(`no synced table ${table}`);
    const done = await this.kinds[kind][1](t);
    if (done) {
      this.ledger.ops.push(done);
      this.ledger.kinds.push(kind);
    }
    return done;
  }

  // ---------------------------------------------------------------- Notion

  private create(t: Table): string {
    const n = this.next();
    const properties: Record<string, unknown> = {};
    const typed: { field: string; value: SyncValue }[] = [];
    for (const column of t.notion.columns) {
      const { field } = column;
      if (field.property.type === 'title') {
        properties[column.id] = { title: [{ text: { content: `New ${this.tag}-${n}` } }] };
      } else if (field.owner === 'notion' && this.rng() < 0.5) {
        const request = ownerValue(this, field, undefined);
        if (request) properties[column.id] = request;
      } else if (field.owner === 'sheets' && this.rng() < 0.2) {
        // A Sheets-owned value typed on a new page is a non-owner edit like any other.
        const value = typedInNotion(field.property, this.next());
        if (value) {
          properties[column.id] = value.request;
          typed.push({ field: field.key, value: value.value });
        }
      }
    }
    const pageId = this.world.notion.seedPage({ parent: { data_source_id: this.dataSource(t) }, properties });
    this.ledger.created.set(t.spec.key, (this.ledger.created.get(t.spec.key) ?? 0) + 1);
    for (const { field, value } of typed)
      this.record({ side: 'notion', table: t.spec.key, pageId, field, value });
    return `create ${t.spec.key} page ${pageId}: ${JSON.stringify(properties)}`;
  }

  private ownerEditInNotion(t: Table): string | undefined {
    const page = this.pick(this.livePages(t));
    const column = this.pick(t.notion.columns.filter((c) => c.field.owner === 'notion'));
    if (!page || !column) return undefined;
    const current = Object.values(page.properties).find((v) => v.id === column.id);
    const request = ownerValue(
      this,
      column.field,
      current?.type === 'checkbox' ? current.checkbox : undefined,
    );
    if (!request) return undefined;
    this.world.notion.editPage(page.id, { [column.id]: request });
    return `Notion owner edit ${t.spec.key} ${page.id} ${column.field.key} = ${JSON.stringify(request)}`;
  }

  private nonOwnerEditInNotion(t: Table): string | undefined {
    const page = this.pick(this.livePages(t));
    const column = this.pick(t.notion.columns.filter((c) => c.field.owner === 'sheets'));
    if (!page || !column) return undefined;
    const typed = typedInNotion(column.field.property, this.next());
    if (!typed) return undefined;
    this.world.notion.editPage(page.id, { [column.id]: typed.request });
    this.record({
      side: 'notion',
      table: t.spec.key,
      pageId: page.id,
      field: column.field.key,
      value: typed.value,
    });
    return `Notion NON-owner edit ${t.spec.key} ${page.id} ${column.field.key} = ${JSON.stringify(typed.value)}`;
  }

  private trash(t: Table): string | undefined {
    const page = this.pick(this.livePages(t));
    if (!page) return undefined;
    this.world.notion.trash(page.id);
    return `trash ${t.spec.key} ${page.id}`;
  }

  private restore(t: Table): string | undefined {
    const page = this.pick(this.trashedPages(t));
    if (!page) return undefined;
    const { state } = this.world.notion;
    const record = state.pages.get(page.id)!;
    record.inTrash = false;
    state.touch(record, state.personId);
    return `restore ${t.spec.key} ${page.id}`;
  }

  // ---------------------------------------------------------------- Sheets

  private book() {
    return this.world.google.state.spreadsheet(this.world.spreadsheetId);
  }

  /** A person typing one cell in the Sheets UI (no API call: the fake's model, as a UI edit). */
  private typeCell(spec: SheetsTableSpec, row: number, field: string, value: SyncValue): void {
    const book = this.book();
    const { sheet, columns } = tagged(book, spec.tab);
    const col = columns.get(spec.fields.find((f) => f.key === field)?.column ?? field)!;
    const format = spec.columns.find((c) => c.key === field)?.format;
    const old = sheet.rows[row]?.[col] ?? {};
    const userEnteredValue = extendedValue(value, format);
    setCell(sheet, row, col, {
      ...old,
      ...(userEnteredValue ? { userEnteredValue } : { userEnteredValue: undefined }),
    });
    book.revision += 1;
  }

  private async leader(...requests: sheets_v4.Schema$Request[]): Promise<void> {
    await this.world.gapi.sheets.spreadsheets.batchUpdate({
      spreadsheetId: this.world.spreadsheetId,
      requestBody: { requests },
    });
  }

  private nonOwnerEditInSheets(t: Table): string | undefined {
    const row = this.pick(tabNow(this.world, t.spec).rows.filter((r) => r.pageId));
    const column = this.pick(t.notion.columns.filter((c) => c.field.owner === 'notion'));
    if (!row || !column) return undefined;
    const value = typedInSheets(t.spec, column.field.key, column.field.property, this.next());
    if (value === undefined) return undefined;
    this.typeCell(t.spec, row.row, column.field.key, value);
    this.record({ side: 'sheets', table: t.spec.key, pageId: row.pageId!, field: column.field.key, value });
    return `Sheets NON-owner edit ${t.spec.key} row ${row.row + 1} (${row.pageId}) ${column.field.key} = ${JSON.stringify(value)}`;
  }

  /** A Sheets-owned column that people type (not a formula): the owner's edit, to go to Notion. */
  private ownerEditInSheets(t: Table): string | undefined {
    const typedColumns = t.notion.columns.filter(
      (c) =>
        c.field.owner === 'sheets' && t.spec.columns.find((s) => s.key === c.field.key)?.kind !== 'formula',
    );
    const column = this.pick(typedColumns);
    const row = this.pick(tabNow(this.world, t.spec).rows.filter((r) => r.pageId));
    if (!column || !row) return undefined;
    const p = column.field.property;
    const value: SyncValue =
      p.type === 'select'
        ? (this.pick(p.options) ?? null)
        : p.type === 'number'
          ? Math.floor(this.rng() * 100)
          : `set ${this.next()}`;
    this.typeCell(t.spec, row.row, column.field.key, value);
    return `Sheets owner edit ${t.spec.key} row ${row.row + 1} ${column.field.key} = ${JSON.stringify(value)}`;
  }

  private async sort(t: Table): Promise<string> {
    const tab = tabNow(this.world, t.spec);
    const column = this.pick([...tab.columns.values()])!;
    const order = this.rng() < 0.5 ? 'ASCENDING' : 'DESCENDING';
    await this.leader({
      sortRange: {
        range: {
          sheetId: tab.sheetId,
          startRowIndex: t.spec.headerRows,
          endRowIndex: tab.rowCount,
          startColumnIndex: 0,
          endColumnIndex: tab.columnCount,
        },
        sortSpecs: [{ dimensionIndex: column, sortOrder: order }],
      },
    });
    return `sort ${tab.title} by column ${column} ${order}`;
  }

  private async moveColumn(t: Table): Promise<string | undefined> {
    const tab = tabNow(this.world, t.spec);
    const from = this.pick([...tab.columns.values()])!;
    const last = Math.max(...tab.columns.values()) + 1;
    const to = Math.floor(this.rng() * (last + 1));
    if (to === from || to === from + 1) return undefined;
    await this.leader({
      moveDimension: {
        source: { sheetId: tab.sheetId, dimension: 'COLUMNS', startIndex: from, endIndex: from + 1 },
        destinationIndex: to,
      },
    });
    return `move ${tab.title} column ${from} to ${to}`;
  }

  private async renameTab(t: Table): Promise<string> {
    const tab = tabNow(this.world, t.spec);
    const title = `${t.spec.name} ${this.tag}-${this.next()}`;
    await this.leader({
      updateSheetProperties: { properties: { sheetId: tab.sheetId, title }, fields: 'title' },
    });
    return `rename tab ${tab.title} to ${title}`;
  }

  private async renameHeader(t: Table): Promise<string> {
    const tab = tabNow(this.world, t.spec);
    const column = this.pick([...tab.columns.values()])!;
    const header = `Header ${this.next()}`;
    await this.leader({
      updateCells: {
        start: { sheetId: tab.sheetId, rowIndex: t.spec.headerRows - 1, columnIndex: column },
        rows: [{ values: [{ userEnteredValue: { stringValue: header } }] }],
        fields: 'userEnteredValue',
      },
    });
    return `rename ${tab.title} header of column ${column} to ${header}`;
  }

  private async insertBlankRow(t: Table): Promise<string> {
    const tab = tabNow(this.world, t.spec);
    const at = t.spec.headerRows + Math.floor(this.rng() * (tab.nextRow - t.spec.headerRows + 1));
    await this.leader({
      insertDimension: {
        range: { sheetId: tab.sheetId, dimension: 'ROWS', startIndex: at, endIndex: at + 1 },
        inheritFromBefore: false,
      },
    });
    return `insert a blank row in ${tab.title} at row ${at + 1}`;
  }

  private typeOrphan(t: Table): string | undefined {
    const textual = (c: Table['notion']['columns'][number]) =>
      c.field.owner === 'notion' &&
      ['title', 'rich_text', 'select', 'relation'].includes(c.field.property.type);
    const column =
      t.notion.columns.find((c) => textual(c) && c.field.property.type === 'title') ??
      t.notion.columns.find(textual);
    if (!column) return undefined;
    const tab = tabNow(this.world, t.spec);
    const marker = `Orphan ${this.tag}-${this.next()}`;
    this.typeCell(t.spec, tab.nextRow, column.field.key, marker);
    this.ledger.orphans.push({ table: t.spec.key, field: column.field.key, marker });
    return `type a row without a Notion ID in ${tab.title} at row ${tab.nextRow + 1}: ${marker}`;
  }
}
