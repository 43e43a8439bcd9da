// The engine's Google calls answered by the Sheets advanced service of the bound script: the same reads and batchUpdates as the CLI's.
import { PnError } from '../../../src/platform/errors.js';
import { type HttpFailure, withRetry } from '../../../src/platform/retry.js';
import type { Clock } from '../../../src/platform/throttle.js';
import { syncServices } from './services.js';

/** Raised when the run is out of time: nothing more is written to the workbook by this execution. */
export class OutOfTime extends Error {
  constructor() {
    super('out of time for this execution');
  }
}

/** The HTTP status an advanced-service exception carries (details.code), or one its message names. */
export function classifySheets(error: unknown): HttpFailure | null {
  if (error instanceof OutOfTime || error instanceof PnError) return null;
  const details = typeof error === 'object' && error !== null ? Reflect.get(error, 'details') : undefined;
  const code = typeof details === 'object' && details !== null ? Reflect.get(details, 'code') : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const status =
    typeof code === 'number'
      ? code
      : /\b(429|500|502|503|504)\b/.test(message)
        ? Number(/\b(429|500|502|503|504)\b/.exec(message)?.[1])
        : /rate limit|quota exceeded/i.test(message)
          ? 429
          : /internal error|service unavailable|backend error|timed out/i.test(message)
            ? 503
            : undefined;
  return status === undefined ? null : { status, retryAfterSeconds: undefined };
}

type Answer<T> = Promise<{ data: T }>;

/** What `call` is given by the engine (the CLI's GoogleApi.call options: a lookup after an unknown outcome). */
interface CallOptions<T> {
  lookup?: () => Promise<T | undefined>;
}

/**
 * The part of the CLI's GoogleApi that the sync engine uses, over the advanced service: one spreadsheets.get
 * of every synced table and the sync state, one batchUpdate per run (values only: formulas are never sent, so
 * they stay), a values.get of the Start tab's hub link. The workbook is the one the script is bound to.
 */
export class AdvancedSheetsApi {
  /** Set once the run is out of time: every later write is refused, so nothing half-planned is written. */
  stopped = false;
  /** Whether a batchUpdate was sent: from then on the stored state is not the one the run started from. */
  wrote = false;
  /** Every spreadsheet object Google answered with (reads, and batchUpdates asked to read back). */
  readonly seen: unknown[] = [];

  constructor(
    readonly spreadsheetId: string,
    private readonly clock: Clock,
  ) {}

  readonly sheets = {
    spreadsheets: {
      get: (p: { spreadsheetId: string; includeGridData?: boolean; fields?: string }): Answer<unknown> => {
        const data = syncServices().Sheets.Spreadsheets.get(p.spreadsheetId, {
          ...(p.includeGridData ? { includeGridData: true } : {}),
          ...(p.fields ? { fields: p.fields } : {}),
        });
        this.seen.push(data);
        return Promise.resolve({ data });
      },
      batchUpdate: (p: { spreadsheetId: string; requestBody: unknown; fields?: string }): Answer<unknown> => {
        if (this.stopped) return Promise.reject(new OutOfTime());
        this.wrote = true;
        const data = syncServices().Sheets.Spreadsheets.batchUpdate(
          p.requestBody,
          p.spreadsheetId,
          p.fields ? { fields: p.fields } : {},
        );
        const book =
          typeof data === 'object' && data !== null ? Reflect.get(data, 'updatedSpreadsheet') : null;
        if (book) this.seen.push(book);
        return Promise.resolve({ data });
      },
      values: {
        get: (p: { spreadsheetId: string; range: string; valueRenderOption?: string }): Answer<unknown> =>
          Promise.resolve({
            data: syncServices().Sheets.Spreadsheets.Values.get(p.spreadsheetId, p.range, {
              ...(p.valueRenderOption ? { valueRenderOption: p.valueRenderOption } : {}),
            }),
          }),
      },
    },
  };

  /** The workbook is the script's own: no Drive search (and no Drive scope) is needed to find it. */
  readonly drive = {
    files: {
      list: (): Answer<{ files: { id: string; createdTime: string }[] }> =>
        Promise.resolve({ data: { files: [{ id: this.spreadsheetId, createdTime: '' }] } }),
    },
  };

  /**
   * One call through the product's retry layer (429 and 5xx, Retry-After when given). A write whose outcome
   * is unknown is looked up (`options.lookup`) before it fails, like the CLI's client.
   */
  async call<T>(
    doing: string,
    idempotent: boolean,
    _write: boolean,
    run: () => Promise<T>,
    options?: CallOptions<T>,
  ): Promise<T> {
    try {
      return await withRetry(run, {
        idempotent,
        classify: classifySheets,
        clock: this.clock,
      });
    } catch (error) {
      if (error instanceof OutOfTime || error instanceof PnError) throw error;
      if (!idempotent && options?.lookup && classifySheets(error)) {
        const found = await options.lookup();
        if (found !== undefined) return found;
      }
      const message = error instanceof Error ? error.message : String(error);
      throw new PnError('API_ERROR', `Google Sheets failed while ${doing}: ${message.split('\n')[0]}`, {
        hint: 'run Partnernomics → Sync now again: it resumes where it stopped',
        cause: error,
      });
    }
  }
}
