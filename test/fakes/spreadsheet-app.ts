// In-memory fake of the Apps Script services the bound script uses (see apps-script/src/sheet.ts):
// SpreadsheetApp, Spreadsheet (with developer metadata), Sheet, Range, Ui/Menu, LockService, ScriptApp.getScriptId
// and Utilities.formatDate. Rows and columns are 1-based like Apps Script; every getValues / getFormulas /
// setValues call is counted per sheet so tests can assert that a run reads and writes a constant number of ranges.

export type CellValue = string | number | boolean | Date;

export interface CallCounts {
  getValues: number;
  getFormulas: number;
  setValues: number;
}

export interface WriteRecord {
  row: number;
  column: number;
  numRows: number;
  numColumns: number;
}

function assertPositiveInt(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`The ${what} of the range must be at least 1 (got ${value}).`);
  }
}

/** Realm-independent: a Date made inside a vm context is not `instanceof` this realm's Date. */
function isDate(value: unknown): value is Date {
  return Object.prototype.toString.call(value) === '[object Date]';
}

function copyValue(value: CellValue): CellValue {
  return isDate(value) ? new Date(value.getTime()) : value;
}

export class FakeSheet {
  readonly calls: CallCounts = { getValues: 0, getFormulas: 0, setValues: 0 };
  readonly writes: WriteRecord[] = [];
  private readonly values: CellValue[][] = [];
  private readonly formulas: string[][] = [];

  constructor(private readonly name: string) {}

  getName(): string {
    return this.name;
  }

  /** Test-side setter (not counted): a plain value, or a formula with the value it currently displays. */
  setCell(row: number, column: number, value: CellValue, formula = ''): void {
    assertPositiveInt(row, 'row');
    assertPositiveInt(column, 'column');
    const r = row - 1;
    const c = column - 1;
    this.values[r] ??= [];
    this.formulas[r] ??= [];
    this.values[r][c] = value;
    this.formulas[r][c] = formula;
  }

  /** Test-side setter (not counted) for a whole row starting at column 1. */
  setRow(row: number, cells: readonly (CellValue | { formula: string; value?: CellValue })[]): void {
    cells.forEach((cell, i) => {
      if (typeof cell === 'object' && cell !== null && !isDate(cell)) {
        this.setCell(row, i + 1, cell.value ?? '', cell.formula);
      } else {
        this.setCell(row, i + 1, cell);
      }
    });
  }

  /** Test-side getters (not counted). */
  valueAt(row: number, column: number): CellValue {
    return this.values[row - 1]?.[column - 1] ?? '';
  }

  formulaAt(row: number, column: number): string {
    return this.formulas[row - 1]?.[column - 1] ?? '';
  }

  /** A deep copy of every value and formula, for before/after comparisons. */
  snapshot(): { values: CellValue[][]; formulas: string[][] } {
    const rows = this.getLastRow();
    const cols = this.getLastColumn();
    const values: CellValue[][] = [];
    const formulas: string[][] = [];
    for (let r = 1; r <= rows; r++) {
      const vr: CellValue[] = [];
      const fr: string[] = [];
      for (let c = 1; c <= cols; c++) {
        vr.push(copyValue(this.valueAt(r, c)));
        fr.push(this.formulaAt(r, c));
      }
      values.push(vr);
      formulas.push(fr);
    }
    return { values, formulas };
  }

  private isFilled(r: number, c: number): boolean {
    return (this.values[r]?.[c] ?? '') !== '' || (this.formulas[r]?.[c] ?? '') !== '';
  }

  getLastRow(): number {
    for (let r = this.values.length - 1; r >= 0; r--) {
      const width = Math.max(this.values[r]?.length ?? 0, this.formulas[r]?.length ?? 0);
      for (let c = 0; c < width; c++) if (this.isFilled(r, c)) return r + 1;
    }
    return 0;
  }

  getLastColumn(): number {
    let last = 0;
    for (let r = 0; r < this.values.length; r++) {
      const width = Math.max(this.values[r]?.length ?? 0, this.formulas[r]?.length ?? 0);
      for (let c = width - 1; c >= last; c--) {
        if (this.isFilled(r, c)) {
          last = c + 1;
          break;
        }
      }
    }
    return last;
  }

  getRange(row: number, column: number, numRows = 1, numColumns = 1): FakeRange {
    assertPositiveInt(row, 'row');
    assertPositiveInt(column, 'column');
    assertPositiveInt(numRows, 'number of rows');
    assertPositiveInt(numColumns, 'number of columns');
    return new FakeRange(this, row, column, numRows, numColumns);
  }

  /** Used by FakeRange: reads without counting. */
  readBlock(row: number, column: number, numRows: number, numColumns: number): CellValue[][] {
    const out: CellValue[][] = [];
    for (let r = 0; r < numRows; r++) {
      const line: CellValue[] = [];
      for (let c = 0; c < numColumns; c++) line.push(copyValue(this.valueAt(row + r, column + c)));
      out.push(line);
    }
    return out;
  }

  readFormulas(row: number, column: number, numRows: number, numColumns: number): string[][] {
    const out: string[][] = [];
    for (let r = 0; r < numRows; r++) {
      const line: string[] = [];
      for (let c = 0; c < numColumns; c++) line.push(this.formulaAt(row + r, column + c));
      out.push(line);
    }
    return out;
  }
}

export class FakeRange {
  constructor(
    readonly sheet: FakeSheet,
    readonly row: number,
    readonly column: number,
    readonly numRows: number,
    readonly numColumns: number,
  ) {}

  getValues(): CellValue[][] {
    this.sheet.calls.getValues += 1;
    return this.sheet.readBlock(this.row, this.column, this.numRows, this.numColumns);
  }

  getFormulas(): string[][] {
    this.sheet.calls.getFormulas += 1;
    return this.sheet.readFormulas(this.row, this.column, this.numRows, this.numColumns);
  }

  /**
   * Like Apps Script: the data must match the range's size exactly; a string starting with "=" is stored
   * as a formula (its displayed value is kept when the formula is unchanged, otherwise blank until
   * recalculated); null writes a blank. undefined, arrays and plain objects are rejected.
   */
  setValues(values: unknown[][]): FakeRange {
    this.sheet.calls.setValues += 1;
    if (!Array.isArray(values) || values.length !== this.numRows) {
      throw new Error(
        `The number of rows in the data does not match the number of rows in the range. The data has ${Array.isArray(values) ? values.length : 'no'} but the range has ${this.numRows}.`,
      );
    }
    values.forEach((line, r) => {
      if (!Array.isArray(line) || line.length !== this.numColumns) {
        throw new Error(
          `The number of columns in the data does not match the number of columns in the range. The data has ${Array.isArray(line) ? line.length : 'no'} but the range has ${this.numColumns}.`,
        );
      }
      line.forEach((value, c) => {
        if (value === undefined || (typeof value === 'object' && value !== null && !isDate(value))) {
          throw new Error(`Cannot write ${String(value)} to row ${this.row + r}, column ${this.column + c}.`);
        }
        if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
          throw new Error(
            `Cannot write a ${typeof value} to row ${this.row + r}, column ${this.column + c}.`,
          );
        }
      });
    });
    this.sheet.writes.push({
      row: this.row,
      column: this.column,
      numRows: this.numRows,
      numColumns: this.numColumns,
    });
    values.forEach((line, r) => {
      line.forEach((raw, c) => {
        const row = this.row + r;
        const column = this.column + c;
        const value = (raw === null ? '' : raw) as CellValue;
        if (typeof value === 'string' && value.startsWith('=')) {
          const keep = this.sheet.formulaAt(row, column) === value ? this.sheet.valueAt(row, column) : '';
          this.sheet.setCell(row, column, keep, value);
        } else {
          this.sheet.setCell(row, column, copyValue(value));
        }
      });
    });
    return this;
  }
}

export interface RecordedMenu {
  caption: string;
  items: ({ caption: string; functionName: string } | { separator: true } | { submenu: RecordedMenu })[];
}

export class FakeMenu {
  private readonly items: RecordedMenu['items'] = [];

  constructor(
    private readonly ui: FakeUi,
    private readonly caption: string,
  ) {}

  addItem(caption: string, functionName: string): FakeMenu {
    this.items.push({ caption, functionName });
    return this;
  }

  addSeparator(): FakeMenu {
    this.items.push({ separator: true });
    return this;
  }

  /** Menu.addSubMenu: the submenu as it is at this call, shown inside this menu. */
  addSubMenu(menu: FakeMenu): FakeMenu {
    this.items.push({ submenu: menu.recorded() });
    return this;
  }

  /** This menu's caption and items (a copy). */
  recorded(): RecordedMenu {
    return { caption: this.caption, items: [...this.items] };
  }

  /** Only a menu added to the UI is recorded: a built-but-never-added menu never shows up in Sheets. */
  addToUi(): void {
    this.ui.menus.push({ caption: this.caption, items: [...this.items] });
  }
}

export class FakeUi {
  readonly menus: RecordedMenu[] = [];
  readonly alerts: string[] = [];
  /** Ui.ButtonSet and Ui.Button as the script compares them. */
  readonly ButtonSet = { OK: 'OK', OK_CANCEL: 'OK_CANCEL', YES_NO: 'YES_NO' } as const;
  readonly Button = { OK: 'OK', CANCEL: 'CANCEL', CLOSE: 'CLOSE' } as const;
  /** Every prompt shown, and the answers the test scripted for them (first in, first out; none: CLOSE). */
  readonly prompts: { title: string; prompt: string }[] = [];
  readonly answers: { button: 'OK' | 'CANCEL'; text: string }[] = [];

  prompt(
    title: string,
    prompt: string,
    _buttons?: unknown,
  ): { getSelectedButton(): string; getResponseText(): string } {
    this.prompts.push({ title: String(title), prompt: String(prompt) });
    const answer = this.answers.shift();
    return {
      getSelectedButton: () => answer?.button ?? 'CLOSE',
      getResponseText: () => answer?.text ?? '',
    };
  }

  createMenu(caption: string): FakeMenu {
    return new FakeMenu(this, caption);
  }

  alert(message: string): string {
    this.alerts.push(String(message));
    return 'OK';
  }
}

export class FakeDeveloperMetadata {
  constructor(
    private readonly key: string,
    private readonly value: string | null,
  ) {}

  getKey(): string {
    return this.key;
  }

  getValue(): string | null {
    return this.value;
  }
}

export class FakeSpreadsheet {
  readonly toasts: { message: string; title: string | undefined }[] = [];
  private readonly sheets = new Map<string, FakeSheet>();
  private readonly named = new Map<
    string,
    { sheet: FakeSheet; row: number; column: number; rows: number; columns: number }
  >();
  private readonly metadata: FakeDeveloperMetadata[] = [];

  /**
   * `timeZone`: the spreadsheet's (File → Settings); a new Google spreadsheet's default here is Etc/GMT.
   * `id`: the spreadsheet's ID (Spreadsheet.getId).
   */
  constructor(
    private readonly timeZone = 'Etc/GMT',
    private readonly id = '1FakeSpreadsheetId0000000000000000000000000',
  ) {}

  getId(): string {
    return this.id;
  }

  /** Like Spreadsheet.addDeveloperMetadata(key, value): spreadsheet-level metadata the script can see. */
  addDeveloperMetadata(key: string, value: string | null = null): FakeSpreadsheet {
    this.metadata.push(new FakeDeveloperMetadata(key, value));
    return this;
  }

  getDeveloperMetadata(): FakeDeveloperMetadata[] {
    return [...this.metadata];
  }

  getSpreadsheetTimeZone(): string {
    return this.timeZone;
  }

  insertSheet(name: string): FakeSheet {
    const sheet = new FakeSheet(name);
    this.sheets.set(name, sheet);
    return sheet;
  }

  /** Names a cell, like a workbook named range such as PursueAt, or a block of `rows` × `columns` (Weights). */
  nameCell(name: string, sheet: FakeSheet, row: number, column: number, rows = 1, columns = 1): void {
    this.named.set(name, { sheet, row, column, rows, columns });
  }

  getSheetByName(name: string): FakeSheet | null {
    return this.sheets.get(name) ?? null;
  }

  getRangeByName(name: string): FakeRange | null {
    const ref = this.named.get(name);
    return ref ? ref.sheet.getRange(ref.row, ref.column, ref.rows, ref.columns) : null;
  }

  toast(message: string, title?: string, _timeoutSeconds?: number): void {
    this.toasts.push({ message: String(message), title });
  }
}

export class FakeLock {
  /** Set to true to simulate another execution holding the document lock. */
  heldElsewhere = false;
  held = false;
  readonly tryLockTimeouts: number[] = [];
  releases = 0;

  tryLock(timeoutMs: number): boolean {
    this.tryLockTimeouts.push(timeoutMs);
    if (this.heldElsewhere) return false;
    this.held = true;
    return true;
  }

  releaseLock(): void {
    this.releases += 1;
    this.held = false;
  }
}

const PATTERN_FIELDS: Record<string, Intl.DateTimeFormatPartTypes> = {
  y: 'year',
  M: 'month',
  d: 'day',
  H: 'hour',
  m: 'minute',
  s: 'second',
};

/**
 * Utilities.formatDate(date, timeZone, pattern) for the numeric SimpleDateFormat letters the script may use
 * (yyyy, yy, MM, M, dd, d, HH, H, mm, ss, and 'quoted' text), computed in `timeZone` with Intl. Like Java's
 * TimeZone.getTimeZone, an unknown zone ID falls back to GMT. Other pattern letters throw (not modelled).
 */
export function formatDate(date: Date, timeZone: string, pattern: string): string {
  if (!isDate(date) || Number.isNaN(date.getTime()))
    throw new Error('Exception: Invalid argument: date (Utilities.formatDate)');
  let zone = timeZone;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    zone = 'Etc/GMT';
  }
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(date);
  const field = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return pattern.replace(/'([^']*)'|([A-Za-z])\2*/g, (token, quoted: string | undefined, letter?: string) => {
    if (quoted !== undefined) return quoted === '' ? "'" : quoted;
    const type = letter ? PATTERN_FIELDS[letter] : undefined;
    if (!type) throw new Error(`fake Utilities.formatDate does not model the pattern letter "${letter}"`);
    const value = field(type);
    if (letter === 'y' && token.length === 2) return String(value % 100).padStart(2, '0');
    return String(value).padStart(token.length, '0');
  });
}

export interface SpreadsheetFakes {
  /** The ID ScriptApp.getScriptId() returns: the project the code runs in. */
  scriptId: string;
  spreadsheet: FakeSpreadsheet;
  ui: FakeUi;
  lock: FakeLock;
  flushes: () => number;
  SpreadsheetApp: {
    getActiveSpreadsheet(): FakeSpreadsheet;
    getUi(): FakeUi;
    flush(): void;
  };
  LockService: { getDocumentLock(): FakeLock };
  Utilities: { formatDate: typeof formatDate };
  ScriptApp: { getScriptId(): string };
}

/**
 * The services of a project bound to `spreadsheet`. `scriptId` is the project's ID; a spreadsheet that
 * records no project gets a record of this one (an installed workbook), unless `recorded` is false.
 */
export function createSpreadsheetFakes(
  spreadsheet = new FakeSpreadsheet(),
  { scriptId = '1FakeBoundScriptId00000000000000000000000000000000000000', recorded = true } = {},
): SpreadsheetFakes {
  const ui = new FakeUi();
  const lock = new FakeLock();
  let flushCount = 0;
  if (recorded && !spreadsheet.getDeveloperMetadata().some((m) => m.getKey() === 'partnernomics.script'))
    spreadsheet.addDeveloperMetadata('partnernomics.script', `${scriptId}:recorded:${spreadsheet.getId()}`);
  return {
    scriptId,
    spreadsheet,
    ui,
    lock,
    flushes: () => flushCount,
    SpreadsheetApp: {
      getActiveSpreadsheet: () => spreadsheet,
      getUi: () => ui,
      flush: () => {
        flushCount += 1;
      },
    },
    LockService: { getDocumentLock: () => lock },
    Utilities: { formatDate },
    ScriptApp: { getScriptId: () => scriptId },
  };
}

/**
 * Puts SpreadsheetApp, LockService and Utilities on `target` (globalThis by default, or a vm context object) and
 * returns a function that restores whatever was there before.
 */
export function installSpreadsheetFakes(fakes: SpreadsheetFakes, target: object = globalThis): () => void {
  const slots = target as Record<string, unknown>;
  const names = ['SpreadsheetApp', 'LockService', 'Utilities', 'ScriptApp'] as const;
  const previous = names.map((n) => ({ n, had: Object.hasOwn(slots, n), value: slots[n] }));
  slots.SpreadsheetApp = fakes.SpreadsheetApp;
  slots.LockService = fakes.LockService;
  slots.Utilities = fakes.Utilities;
  slots.ScriptApp = fakes.ScriptApp;
  return () => {
    for (const p of previous) {
      if (p.had) slots[p.n] = p.value;
      else delete slots[p.n];
    }
  };
}

// ---------------------------------------------------------------------------------------------------------
// The services of the no-server sync (apps-script/src/sync/services.ts): PropertiesService with its limits,
// ScriptApp's time-driven triggers, the script lock, UrlFetchApp and the Sheets advanced service over a
// synchronous transport the test provides, Utilities.sleep on a clock the test owns, and console.

/** Apps Script's limits on a property store: 9 KB a value, 500 KB in all (keys and values). */
export const PROPERTY_VALUE_MAX_BYTES = 9 * 1024;
export const PROPERTY_STORE_MAX_BYTES = 500 * 1024;

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** One property store (user, document or script properties), enforcing Apps Script's size limits. */
export class FakeProperties {
  readonly data = new Map<string, string>();
  writes = 0;

  getProperty(key: string): string | null {
    return this.data.get(String(key)) ?? null;
  }

  private check(next: Map<string, string>): void {
    for (const value of next.values())
      if (bytes(value) > PROPERTY_VALUE_MAX_BYTES) throw new Error('Exception: Argument too large: value');
    let total = 0;
    for (const [k, v] of next) total += bytes(k) + bytes(v);
    if (total > PROPERTY_STORE_MAX_BYTES)
      throw new Error('Exception: You have exceeded the property storage quota.');
  }

  setProperty(key: string, value: string): FakeProperties {
    return this.setProperties({ [key]: value });
  }

  /** All or nothing, like Apps Script's setProperties. */
  setProperties(properties: Record<string, string>): FakeProperties {
    const next = new Map(this.data);
    for (const [k, v] of Object.entries(properties)) next.set(String(k), String(v));
    this.check(next);
    this.writes += 1;
    for (const [k, v] of Object.entries(properties)) this.data.set(String(k), String(v));
    return this;
  }

  deleteProperty(key: string): FakeProperties {
    this.data.delete(String(key));
    return this;
  }

  getKeys(): string[] {
    return [...this.data.keys()];
  }

  getProperties(): Record<string, string> {
    return Object.fromEntries(this.data);
  }

  /** Bytes used (keys and values), as the 500 KB limit counts them. */
  size(): number {
    let total = 0;
    for (const [k, v] of this.data) total += bytes(k) + bytes(v);
    return total;
  }
}

export class FakeTrigger {
  constructor(
    readonly handler: string,
    readonly minutes: number,
    readonly id: string,
  ) {}

  getHandlerFunction(): string {
    return this.handler;
  }

  getUniqueId(): string {
    return this.id;
  }
}

/** The minute intervals ClockTriggerBuilder.everyMinutes accepts. */
export const TRIGGER_MINUTES = [1, 5, 10, 15, 30];

export class FakeTriggers {
  readonly triggers: FakeTrigger[] = [];
  private next = 1;

  getProjectTriggers(): FakeTrigger[] {
    return [...this.triggers];
  }

  deleteTrigger(trigger: FakeTrigger): void {
    const i = this.triggers.findIndex((t) => t.id === trigger.getUniqueId());
    if (i >= 0) this.triggers.splice(i, 1);
  }

  newTrigger(handler: string) {
    return {
      timeBased: () => ({
        everyMinutes: (n: number) => {
          if (!TRIGGER_MINUTES.includes(n))
            throw new Error('Exception: The value passed to everyMinutes must be 1, 5, 10, 15 or 30.');
          return {
            create: () => {
              const trigger = new FakeTrigger(handler, n, `trigger-${this.next++}`);
              this.triggers.push(trigger);
              return trigger;
            },
          };
        },
      }),
    };
  }
}

/** A request as it leaves the script (UrlFetchApp, or the Sheets service as its REST call). */
export interface WireRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

export interface WireAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends a request and waits for its answer (the script's calls are synchronous). */
export type Transport = (request: WireRequest) => WireAnswer;

function answerOf(answer: WireAnswer) {
  return {
    getResponseCode: () => answer.status,
    getContentText: () => answer.body,
    getAllHeaders: () => ({ ...answer.headers }),
  };
}

export interface SyncFakeOptions {
  /** Sends UrlFetchApp's requests (to a fake Notion). */
  fetch: Transport;
  /** Sends the Sheets service's REST calls (to a fake Google), authorized as the script's user. */
  sheets: Transport;
  /** The Sheets API root the service calls, e.g. a fake Google's rootUrl. */
  sheetsRoot: string;
  /** The clock Utilities.sleep advances (the script's Date reads it). */
  clock: { now(): number; advance(ms: number): void };
}

/**
 * LockService.getScriptLock: one lock for every execution of the project. Each call hands out the
 * execution's own Lock; a tryLock while another execution holds it fails (after its wait, not modelled).
 */
export class FakeScriptLock {
  private owner: object | null = null;
  attempts = 0;
  refused = 0;

  get held(): boolean {
    return this.owner !== null;
  }

  handle(): { tryLock(timeoutMs: number): boolean; releaseLock(): void; hasLock(): boolean } {
    const me = {};
    return {
      tryLock: () => {
        this.attempts += 1;
        if (this.owner !== null && this.owner !== me) {
          this.refused += 1;
          return false;
        }
        this.owner = me;
        return true;
      },
      releaseLock: () => {
        if (this.owner === me) this.owner = null;
      },
      hasLock: () => this.owner === me,
    };
  }
}

export interface SyncFakes {
  user: FakeProperties;
  document: FakeProperties;
  script: FakeProperties;
  triggers: FakeTriggers;
  scriptLock: FakeScriptLock;
  /** Every UrlFetchApp request (headers included: this is what went over the network). */
  fetches: WireRequest[];
  /** Every console line the script wrote. */
  logs: string[];
  slept: number;
  services: Record<string, unknown>;
}

/** The sync's services over `options` (install them beside createSpreadsheetFakes' with installSyncFakes). */
export function createSyncFakes(options: SyncFakeOptions): SyncFakes {
  const user = new FakeProperties();
  const document = new FakeProperties();
  const script = new FakeProperties();
  const triggers = new FakeTriggers();
  const scriptLock = new FakeScriptLock();
  const fetches: WireRequest[] = [];
  const logs: string[] = [];
  const fakes: SyncFakes = {
    user,
    document,
    script,
    triggers,
    scriptLock,
    fetches,
    logs,
    slept: 0,
    services: {},
  };
  const sheetsCall = (
    name: string,
    method: string,
    path: string,
    query: Record<string, unknown>,
    body = '',
  ) => {
    const q = Object.entries(query)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
      .join('&');
    const answer = options.sheets({
      url: `${options.sheetsRoot}v4/spreadsheets/${path}${q ? `?${q}` : ''}`,
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body,
    });
    const parsed: unknown = answer.body ? JSON.parse(answer.body) : {};
    if (answer.status >= 300) {
      const error = (parsed as { error?: { message?: string } }).error;
      const e = new Error(
        `API call to sheets.${name} failed with error: ${error?.message ?? `HTTP ${answer.status}`}`,
      );
      Object.assign(e, { details: { code: answer.status, message: error?.message ?? '' } });
      throw e;
    }
    return parsed;
  };
  fakes.services = {
    PropertiesService: {
      getUserProperties: () => user,
      getDocumentProperties: () => document,
      getScriptProperties: () => script,
    },
    LockService: { getScriptLock: () => scriptLock.handle(), getDocumentLock: () => new FakeLock() },
    Utilities: {
      formatDate,
      sleep: (ms: number) => {
        fakes.slept += ms;
        options.clock.advance(ms);
      },
    },
    UrlFetchApp: {
      fetch: (
        url: string,
        params: {
          method?: string;
          headers?: Record<string, string>;
          payload?: string;
          contentType?: string;
          muteHttpExceptions?: boolean;
        } = {},
      ) => {
        const headers: Record<string, string> = { ...(params.headers ?? {}) };
        if (params.contentType) headers['content-type'] = params.contentType;
        const request: WireRequest = {
          url,
          method: (params.method ?? 'get').toUpperCase(),
          headers,
          body: params.payload ?? '',
        };
        fetches.push(request);
        const answer = options.fetch(request);
        if (answer.status >= 400 && !params.muteHttpExceptions)
          throw new Error(`Exception: Request failed for ${url} returned code ${answer.status}.`);
        return answerOf(answer);
      },
    },
    Sheets: {
      Spreadsheets: {
        get: (id: string, args: Record<string, unknown> = {}) =>
          sheetsCall('spreadsheets.get', 'GET', encodeURIComponent(id), args),
        batchUpdate: (resource: unknown, id: string, args: Record<string, unknown> = {}) =>
          sheetsCall(
            'spreadsheets.batchUpdate',
            'POST',
            `${encodeURIComponent(id)}:batchUpdate`,
            args,
            JSON.stringify(resource),
          ),
        Values: {
          get: (id: string, range: string, args: Record<string, unknown> = {}) =>
            sheetsCall(
              'spreadsheets.values.get',
              'GET',
              `${encodeURIComponent(id)}/values/${encodeURIComponent(range)}`,
              args,
            ),
        },
      },
    },
    console: {
      log: (...args: unknown[]) => logs.push(args.map(String).join(' ')),
      error: (...args: unknown[]) => logs.push(args.map(String).join(' ')),
      warn: (...args: unknown[]) => logs.push(args.map(String).join(' ')),
    },
    Logger: { log: (...args: unknown[]) => logs.push(args.map(String).join(' ')) },
  };
  return fakes;
}

/**
 * Puts the sync's services on a vm context object (over createSpreadsheetFakes' LockService, Utilities and
 * ScriptApp: one object each with both parts), ScriptApp's triggers included.
 */
export function installSyncFakes(spreadsheet: SpreadsheetFakes, sync: SyncFakes, target: object): void {
  const slots = target as Record<string, unknown>;
  installSpreadsheetFakes(spreadsheet, target);
  for (const [name, value] of Object.entries(sync.services)) slots[name] = value;
  slots.LockService = {
    getDocumentLock: () => spreadsheet.lock,
    getScriptLock: () => sync.scriptLock.handle(),
  };
  slots.ScriptApp = {
    getScriptId: () => spreadsheet.scriptId,
    getProjectTriggers: () => sync.triggers.getProjectTriggers(),
    deleteTrigger: (t: FakeTrigger) => sync.triggers.deleteTrigger(t),
    newTrigger: (handler: string) => sync.triggers.newTrigger(handler),
  };
}
