// Everything the fake Google holds (tokens, Drive files, spreadsheets, script projects) plus seeding and inspection.
import type { sheets_v4 } from '@googleapis/sheets';
import { AuthState, type Principal, SCOPES } from './auth.js';
import { type DateTimeRenderOption, parseInput, type ValueRenderOption } from './cells.js';
import { type DriveFileModel, DriveState, MIME } from './drive.js';
import { apiError, entityNotFound } from './errors.js';
import { FormulaEngine } from './formulas.js';
import { FakeClock, IdSource } from './ids.js';
import { SheetsQuota } from './quota.js';
import { ScriptState } from './script.js';
import { renderSpreadsheet, spreadsheetUrl } from './sheets-render.js';
import { type CellModel, newSheet, type SpreadsheetModel, setCell } from './sheets-state.js';
import { readRange, resolve, writeValues } from './values.js';

export interface GoogleStateOptions {
  clock?: FakeClock | { now(): number };
  seed?: number;
  /** 'evaluate' (default) computes formulas with HyperFormula; 'none' leaves formula cells without a value. */
  formulas?: 'evaluate' | 'none';
  user?: string;
  clientId?: string;
  clientSecret?: string;
  projectNumber?: string;
  /**
   * Whether spreadsheets.create keeps the sheetIds the request names (default true). The reference lets a
   * request name them but does not promise they are kept (CONFORMANCE.md, unverified): `false` makes the
   * fake pick its own, so tests prove the client reads the IDs back instead of assuming them.
   */
  createKeepsSheetIds?: boolean;
  /**
   * Whether spreadsheets.create keeps the `properties.timeZone` and `properties.locale` the request names
   * (default true). The reference does not say what create does with a zone or locale it does not take
   * (CONFORMANCE.md, unverified): `false` makes the fake ignore them (Etc/GMT, en_US), so tests prove the
   * client reads them back and corrects them. updateSpreadsheetProperties still sets them.
   */
  createKeepsZone?: boolean;
  /**
   * What formula cells show in a batchUpdate's `updatedSpreadsheet`: 'recomputed' (default) what they
   * evaluate to after the batch; 'stale' what they showed before it. The reference does not say whether
   * Google recomputes before answering (CONFORMANCE.md, unverified): 'stale' proves a client self-heals.
   */
  readBackFormulas?: 'recomputed' | 'stale';
}

const SHEETS_FULL_READ = new Set<string>([
  SCOPES.spreadsheets,
  SCOPES.spreadsheetsReadonly,
  SCOPES.drive,
  SCOPES.driveReadonly,
]);
const SHEETS_FULL_WRITE = new Set<string>([SCOPES.spreadsheets, SCOPES.drive]);

export interface SeedSheet {
  title: string;
  sheetId?: number;
  rowCount?: number;
  columnCount?: number;
  /** Rows of values, entered as USER_ENTERED would (so "=A1*2" is a formula). */
  rows?: unknown[][];
}

export interface SeedSpreadsheetOptions {
  title?: string;
  sheets?: SeedSheet[];
  owner?: string;
  /** The OAuth client that "created" it; null = made in the Sheets UI (invisible under drive.file). */
  createdByClient?: string | null;
  appProperties?: Record<string, string>;
}

export class GoogleState {
  readonly clock: { now(): number };
  readonly ids: IdSource;
  readonly auth: AuthState;
  readonly drive: DriveState;
  readonly script: ScriptState;
  readonly quota: SheetsQuota;
  readonly engine: FormulaEngine;
  readonly books = new Map<string, SpreadsheetModel>();
  projectNumber: string;
  /** Cloud-project APIs switched off (403 SERVICE_DISABLED), e.g. 'sheets'. */
  readonly disabledServices = new Set<'sheets' | 'drive' | 'script'>();
  /** Requests to Sheets larger than this answer 400 (Google recommends ≤2 MB; see errors.payloadTooLarge). */
  maxRequestBytes = 2_000_000;
  /** See GoogleStateOptions.readBackFormulas. */
  readBackFormulas: 'recomputed' | 'stale';

  private readonly keepsSheetIds: boolean;
  private readonly keepsZone: boolean;

  constructor(options: GoogleStateOptions = {}) {
    this.clock = options.clock ?? new FakeClock();
    this.ids = new IdSource(options.seed ?? 1);
    this.projectNumber = options.projectNumber ?? '123456789012';
    this.keepsSheetIds = options.createKeepsSheetIds ?? true;
    this.keepsZone = options.createKeepsZone ?? true;
    this.readBackFormulas = options.readBackFormulas ?? 'recomputed';
    const user = options.user ?? 'admin@example.com';
    this.auth = new AuthState(
      this.ids,
      this.clock,
      {
        clientId: options.clientId ?? '1234567890-fake.apps.googleusercontent.com',
        clientSecret: options.clientSecret ?? 'fake-client-secret',
      },
      user,
    );
    this.engine = new FormulaEngine(options.formulas ?? 'evaluate');
    this.quota = new SheetsQuota(this.clock, () => this.projectNumber);
    this.drive = new DriveState(this.ids, this.clock, {
      onSpreadsheetCreated: (file) => this.bookForFile(file),
      onRenamed: (file) => {
        const book = this.books.get(file.id);
        if (book) book.properties.title = file.name;
      },
      onDeleted: (file) => {
        this.books.delete(file.id);
      },
    });
    this.script = new ScriptState(
      this.ids,
      this.clock,
      () => this.projectNumber,
      (principal, parentId) => {
        const file = this.drive.files.get(parentId);
        return !!file && this.drive.userCanAccess(principal.user, file);
      },
    );
  }

  get user(): string {
    return this.auth.defaultUser;
  }

  private bookForFile(file: DriveFileModel, input: sheets_v4.Schema$Spreadsheet = {}): SpreadsheetModel {
    const specs = input.sheets?.length ? input.sheets : [{}];
    const book: SpreadsheetModel = {
      spreadsheetId: file.id,
      properties: {
        title: file.name,
        locale: 'en_US',
        autoRecalc: 'ON_CHANGE',
        timeZone: 'Etc/GMT',
        defaultFormat: {
          backgroundColor: { red: 1, green: 1, blue: 1 },
          padding: { top: 2, right: 3, bottom: 2, left: 3 },
          verticalAlignment: 'BOTTOM',
          wrapStrategy: 'OVERFLOW_CELL',
          textFormat: {
            fontFamily: 'arial,sans,sans-serif',
            fontSize: 10,
            bold: false,
            italic: false,
            strikethrough: false,
            underline: false,
          },
        },
        ...this.askedProperties(input.properties),
      },
      sheets: [],
      namedRanges: [],
      developerMetadata: [],
      revision: 1,
    };
    book.properties.title = input.properties?.title ?? file.name;
    specs.forEach((spec, index) => {
      const asked: sheets_v4.Schema$SheetProperties = spec.properties ?? {};
      const props: sheets_v4.Schema$SheetProperties = this.keepsSheetIds
        ? asked
        : { ...asked, sheetId: null };
      const title = props.title ?? `Sheet${index + 1}`;
      if (book.sheets.some((s) => s.properties.title.toLowerCase() === title.toLowerCase())) {
        throw apiError(
          'sheets',
          400,
          `Invalid sheets[${index}]: A sheet with the name "${title}" already exists. Please enter another name.`,
        );
      }
      // SheetProperties.sheetId: "Must be non-negative"; AddSheetRequest: "It is an error to specify the ID
      // of a sheet that already exists". Ids the fake picks avoid every id the request names.
      const named = specs.map((s) => s.properties?.sheetId).filter((id): id is number => id != null);
      if (props.sheetId != null && props.sheetId < 0) {
        throw apiError(
          'sheets',
          400,
          `Invalid sheets[${index}].properties.sheetId: Sheet id must be non-negative.`,
        );
      }
      if (props.sheetId != null && book.sheets.some((s) => s.properties.sheetId === props.sheetId)) {
        throw apiError(
          'sheets',
          400,
          `Invalid sheets[${index}]: Sheet with id ${props.sheetId} already exists.`,
        );
      }
      let sheetId = props.sheetId ?? (index === 0 && !named.includes(0) ? 0 : this.ids.sheetId());
      while (props.sheetId == null && named.includes(sheetId)) sheetId = this.ids.sheetId();
      const sheet = newSheet({ ...props, sheetId, title, index });
      for (const data of spec.data ?? []) {
        (data.rowData ?? []).forEach((row, r) => {
          (row.values ?? []).forEach((cell, c) => {
            const stored: CellModel = {};
            if (cell.userEnteredValue) stored.userEnteredValue = structuredClone(cell.userEnteredValue);
            if (cell.userEnteredFormat) stored.userEnteredFormat = structuredClone(cell.userEnteredFormat);
            if (cell.dataValidation) stored.dataValidation = structuredClone(cell.dataValidation);
            if (cell.note) stored.note = cell.note;
            setCell(sheet, (data.startRow ?? 0) + r, (data.startColumn ?? 0) + c, stored);
          });
        });
      }
      if (spec.conditionalFormats) sheet.conditionalFormats = structuredClone(spec.conditionalFormats);
      book.sheets.push(sheet);
    });
    if (input.namedRanges) book.namedRanges = structuredClone(input.namedRanges);
    this.books.set(book.spreadsheetId, book);
    return book;
  }

  /** The SpreadsheetProperties a create asked for that the fake takes (see `createKeepsZone`). */
  private askedProperties(
    asked: sheets_v4.Schema$SpreadsheetProperties | undefined,
  ): sheets_v4.Schema$SpreadsheetProperties {
    if (!asked || this.keepsZone) return asked ?? {};
    const { timeZone: _zone, locale: _locale, ...kept } = asked;
    return kept;
  }

  /** spreadsheets.create: a Drive file (created by `clientId`, so visible under drive.file) and its spreadsheet. */
  createSpreadsheet(
    input: sheets_v4.Schema$Spreadsheet,
    by: { owner: string; clientId?: string | null },
  ): SpreadsheetModel {
    const file = this.drive.add({
      name: input.properties?.title ?? 'Untitled spreadsheet',
      mimeType: MIME.spreadsheet,
      owner: by.owner,
      ...(by.clientId ? { createdByClient: by.clientId } : {}),
    });
    try {
      return this.bookForFile(file, input);
    } catch (error) {
      this.drive.files.delete(file.id);
      throw error;
    }
  }

  /** Replaces the stored spreadsheet with a committed working copy; keeps the Drive file in step. */
  commit(book: SpreadsheetModel): void {
    this.books.set(book.spreadsheetId, book);
    const file = this.drive.files.get(book.spreadsheetId);
    if (file) {
      if (book.properties.title && file.name !== book.properties.title) file.name = book.properties.title;
      this.drive.touch(file);
    }
  }

  /**
   * The spreadsheet if `principal` may use it: unknown → 404; the user cannot open the file → 403 "The
   * caller does not have permission"; only drive.file and the app neither created nor opened it → 404.
   */
  accessibleBook(principal: Principal, spreadsheetId: string, write: boolean): SpreadsheetModel {
    const book = this.books.get(spreadsheetId);
    const file = this.drive.files.get(spreadsheetId);
    // A trashed spreadsheet stays reachable by id, as in Drive.
    if (!book || !file) throw entityNotFound('sheets');
    if (!this.drive.userCanAccess(principal.user, file))
      throw apiError('sheets', 403, 'The caller does not have permission');
    if (!this.drive.appCanAccess(principal, file, write ? SHEETS_FULL_WRITE : SHEETS_FULL_READ))
      throw entityNotFound('sheets');
    return book;
  }

  // ---- seeding and inspection for tests ----

  /** Seeds a spreadsheet (with Drive file). Values go in as USER_ENTERED would put them. */
  seedSpreadsheet(options: SeedSpreadsheetOptions = {}): string {
    const clientId =
      options.createdByClient === undefined ? this.auth.defaultClient.clientId : options.createdByClient;
    const book = this.createSpreadsheet(
      {
        properties: { title: options.title ?? 'Untitled spreadsheet' },
        sheets: (options.sheets ?? [{ title: 'Sheet1' }]).map((s) => ({
          properties: {
            title: s.title,
            ...(s.sheetId !== undefined ? { sheetId: s.sheetId } : {}),
            gridProperties: { rowCount: s.rowCount ?? 1000, columnCount: s.columnCount ?? 26 },
          },
        })),
      },
      { owner: options.owner ?? this.user, clientId },
    );
    (options.sheets ?? []).forEach((s, i) => {
      if (!s.rows?.length) return;
      const sheet = book.sheets[i]!;
      const range = resolve(book, `'${sheet.properties.title.replace(/'/g, "''")}'!A1`);
      writeValues(book, 'seed', range, { values: s.rows }, 'USER_ENTERED');
    });
    if (options.appProperties && clientId)
      this.drive.files.get(book.spreadsheetId)!.appProperties[clientId] = { ...options.appProperties };
    return book.spreadsheetId;
  }

  /** The live model of a spreadsheet (mutate it to seed unusual states). */
  spreadsheet(spreadsheetId: string): SpreadsheetModel {
    const book = this.books.get(spreadsheetId);
    if (!book) throw new Error(`fake-google: no spreadsheet ${spreadsheetId}`);
    return book;
  }

  /** The whole spreadsheet as spreadsheets.get?includeGridData=true renders it: compare before/after. */
  snapshot(spreadsheetId: string): sheets_v4.Schema$Spreadsheet {
    return renderSpreadsheet(this.spreadsheet(spreadsheetId), { engine: this.engine, gridData: 'all' });
  }

  /** Reads values as values.get would (default FORMATTED_VALUE). */
  values(
    spreadsheetId: string,
    range: string,
    render: ValueRenderOption = 'FORMATTED_VALUE',
    dateTime: DateTimeRenderOption = 'SERIAL_NUMBER',
  ): unknown[][] {
    const book = this.spreadsheet(spreadsheetId);
    return (
      readRange(
        book,
        resolve(book, range),
        { valueRenderOption: render, dateTimeRenderOption: dateTime },
        this.engine,
      ).values ?? []
    );
  }

  /** Writes values directly (no API call, no quota): RAW or USER_ENTERED semantics. */
  setValues(
    spreadsheetId: string,
    range: string,
    values: unknown[][],
    option: 'RAW' | 'USER_ENTERED' = 'USER_ENTERED',
  ): void {
    const book = this.spreadsheet(spreadsheetId);
    writeValues(book, range, resolve(book, range), { values }, option);
    book.revision++;
  }

  /** Parses one value as the API would, for assertions about cell types. */
  parse(value: unknown, option: 'RAW' | 'USER_ENTERED'): ReturnType<typeof parseInput> {
    return parseInput(value, option, 'value');
  }

  /** Gives an OAuth client drive.file access to a file (as opening it with the app via Picker would). */
  grantAppAccess(fileId: string, clientId: string = this.auth.defaultClient.clientId): void {
    const file = this.drive.files.get(fileId);
    if (!file) throw new Error(`fake-google: no file ${fileId}`);
    if (!file.appsWithAccess.includes(clientId)) file.appsWithAccess.push(clientId);
  }

  url(spreadsheetId: string): string {
    return spreadsheetUrl(spreadsheetId);
  }
}
