// The Apps Script services the no-server sync uses (UrlFetchApp, properties, triggers, locks, Sheets API), as plain shapes.

/** One UrlFetchApp answer (HTTPResponse). */
export interface HttpResponseLike {
  getResponseCode(): number;
  getContentText(): string;
  getAllHeaders(): Record<string, string | string[]>;
}

/** UrlFetchApp.fetch's parameters that the sync uses. */
export interface FetchParams {
  method: string;
  headers: Record<string, string>;
  contentType?: string;
  payload?: string;
  muteHttpExceptions: true;
  followRedirects: boolean;
}

export interface UrlFetchAppLike {
  fetch(url: string, params: FetchParams): HttpResponseLike;
}

export interface PropertiesLike {
  getProperty(key: string): string | null;
  setProperty(key: string, value: string): PropertiesLike;
  setProperties(properties: Record<string, string>): PropertiesLike;
  deleteProperty(key: string): PropertiesLike;
  getKeys(): string[];
}

export interface PropertiesServiceLike {
  /** The current user's own properties: the only place the Notion token is kept. */
  getUserProperties(): PropertiesLike;
  getDocumentProperties(): PropertiesLike;
}

export interface TriggerLike {
  getHandlerFunction(): string;
}

export interface ScriptAppLike {
  getProjectTriggers(): TriggerLike[];
  deleteTrigger(trigger: TriggerLike): void;
  newTrigger(functionName: string): { timeBased(): { everyMinutes(n: number): { create(): TriggerLike } } };
}

export interface ScriptLockLike {
  tryLock(timeoutMs: number): boolean;
  releaseLock(): void;
}

/** The Sheets advanced service (Sheets API v4 as Apps Script exposes it: the REST resources, synchronous). */
export interface SheetsServiceLike {
  Spreadsheets: {
    get(spreadsheetId: string, optionalArgs?: Record<string, unknown>): unknown;
    batchUpdate(resource: unknown, spreadsheetId: string, optionalArgs?: Record<string, unknown>): unknown;
    Values: { get(spreadsheetId: string, range: string, optionalArgs?: Record<string, unknown>): unknown };
  };
}

export interface PromptResponseLike {
  getSelectedButton(): unknown;
  getResponseText(): string;
}

export interface SyncUi {
  alert(message: string): unknown;
  prompt(title: string, prompt: string, buttons: unknown): PromptResponseLike;
  ButtonSet: { OK_CANCEL: unknown };
  Button: { OK: unknown };
}

export interface SyncServices {
  UrlFetchApp: UrlFetchAppLike;
  PropertiesService: PropertiesServiceLike;
  ScriptApp: ScriptAppLike;
  LockService: { getScriptLock(): ScriptLockLike };
  Sheets: SheetsServiceLike;
  SpreadsheetApp: {
    getActiveSpreadsheet(): { getId(): string; toast(message: string, title?: string): void };
    getUi(): SyncUi;
  };
  Utilities: { sleep(ms: number): void };
  console: { log(...args: unknown[]): void; error(...args: unknown[]): void };
}

/** The Apps Script globals, looked up at call time so tests can install fakes first. */
export function syncServices(): SyncServices {
  return globalThis as unknown as SyncServices;
}
