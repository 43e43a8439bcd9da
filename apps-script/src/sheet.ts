// The few SpreadsheetApp shapes the bound script uses, so it compiles without the Apps Script typings.

export interface Range {
  getValues(): unknown[][];
  getFormulas(): string[][];
  setValues(values: unknown[][]): Range;
}

export interface Sheet {
  getName(): string;
  getLastRow(): number;
  getLastColumn(): number;
  getRange(row: number, column: number, numRows: number, numColumns: number): Range;
}

/** A developer metadata entry the script can see (DOCUMENT-visible, or made by this script's project). */
export interface DeveloperMetadata {
  getKey(): string;
  getValue(): string | null;
}

export interface Spreadsheet {
  getId(): string;
  /** The spreadsheet-level developer metadata (Spreadsheet.getDeveloperMetadata). */
  getDeveloperMetadata(): DeveloperMetadata[];
  getSheetByName(name: string): Sheet | null;
  insertSheet(name: string): Sheet;
  getRangeByName(name: string): Range | null;
  /** The spreadsheet's time zone (File → Settings), e.g. "Europe/Berlin". */
  getSpreadsheetTimeZone(): string;
  toast(message: string, title?: string, timeoutSeconds?: number): void;
}

export interface Ui {
  createMenu(caption: string): Menu;
  alert(message: string): unknown;
}

export interface Menu {
  addItem(caption: string, functionName: string): Menu;
  addSeparator(): Menu;
  addSubMenu(menu: Menu): Menu;
  addToUi(): void;
}

export interface SpreadsheetAppLike {
  getActiveSpreadsheet(): Spreadsheet;
  getUi(): Ui;
  flush(): void;
}

export interface LockLike {
  tryLock(timeoutMs: number): boolean;
  releaseLock(): void;
}

export interface UtilitiesLike {
  /** `date` in `timeZone`, formatted with a Java SimpleDateFormat pattern such as "yyyy-MM-dd". */
  formatDate(date: Date, timeZone: string, format: string): string;
}

export interface ScriptAppLike {
  /** The ID of the project this code runs in (ScriptApp.getScriptId). */
  getScriptId(): string;
}

export interface Services {
  SpreadsheetApp: SpreadsheetAppLike;
  ScriptApp: ScriptAppLike;
  LockService: { getDocumentLock(): LockLike };
  Utilities: UtilitiesLike;
}

/** The Apps Script globals, looked up at call time so tests can install fakes first. */
export function services(): Services {
  return globalThis as unknown as Services;
}
