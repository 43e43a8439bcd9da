// The one error type of the product: a stable code, a one-line message that says the fix, an exit code.

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

/** Stable codes: scripts and tests match on these, never on message text. */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_NOT_FOUND'
  | 'CONFIG_EXISTS'
  | 'BLUEPRINT_INVALID'
  | 'USAGE'
  | 'OUTPUT_CONFLICT'
  | 'OUTPUT_UNWRITABLE'
  | 'INPUT_INVALID'
  | 'NOT_IMPLEMENTED'
  | 'CREDENTIALS_MISSING'
  | 'CREDENTIALS_INSECURE'
  | 'CREDENTIALS_INVALID'
  | 'AUTH_FAILED'
  | 'NOT_SHARED'
  | 'API_ERROR'
  | 'UNREACHABLE'
  | 'BUSY'
  /** Some rows of an imported file were rejected (the others went in): exit 1, the rows are in the report. */
  | 'ROWS_REJECTED'
  /** `status` found something a person must act on (exit 1, not a failure of the command). */
  | 'NEEDS_ATTENTION'
  /** `sync --workspaces`: some workspaces failed (the others were synced): exit 1, each one's error is in the report. */
  | 'WORKSPACES_FAILED'
  | 'INTERNAL';

const BAD_INPUT_CODES: ReadonlySet<ErrorCode> = new Set([
  'CONFIG_INVALID',
  'CONFIG_NOT_FOUND',
  'CONFIG_EXISTS',
  'BLUEPRINT_INVALID',
  'USAGE',
  'INPUT_INVALID',
  'CREDENTIALS_MISSING',
]);

export class PnError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  /** The command already printed its --json result (e.g. doctor's checklist): print only the one-line error. */
  readonly reported: boolean;

  constructor(
    code: ErrorCode,
    message: string,
    options: { hint?: string; cause?: unknown; reported?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PnError';
    this.code = code;
    this.hint = options.hint;
    this.reported = options.reported ?? false;
  }

  get exitCode(): number {
    return BAD_INPUT_CODES.has(this.code) ? EXIT_BAD_INPUT : EXIT_FAILED;
  }

  /** One line for the terminal: what happened, then how to fix it. */
  oneLine(): string {
    return this.hint ? `${this.message} — ${this.hint}` : this.message;
  }
}

/** Any thrown value as a PnError; unknown errors become INTERNAL with their message kept. */
export function toPnError(error: unknown): PnError {
  if (error instanceof PnError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new PnError('INTERNAL', `unexpected error: ${message}`, {
    hint: 'run again with --debug for details and report it',
    cause: error,
  });
}
