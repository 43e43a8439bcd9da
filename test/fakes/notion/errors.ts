// Notion's error responses: the error class the fake throws, and the body shape the real API sends.

/** The body of every Notion error response (`object: "error"`), as documented under status codes. */
export interface NotionErrorBody {
  object: 'error';
  status: number;
  code: string;
  message: string;
  request_id: string;
  additional_data?: Record<string, string | string[]>;
}

export class NotionApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'NotionApiError';
  }

  body(requestId: string): NotionErrorBody {
    return {
      object: 'error',
      status: this.status,
      code: this.code,
      message: this.message,
      request_id: requestId,
    };
  }
}

export function validationError(message: string): NotionApiError {
  return new NotionApiError(400, 'validation_error', message);
}

/** `body failed validation: body.children.length should be ≤ \`100\`, instead was \`101\`.` */
export function bodyInvalid(path: string, expectation: string): NotionApiError {
  return validationError(`body failed validation: ${path} ${expectation}.`);
}

/** `body failed validation: body.after should be not present, instead was \`"…"\`.` */
export function notPresent(path: string, value: unknown): NotionApiError {
  return bodyInvalid(path, `should be not present, instead was ${describe(value)}`);
}

/**
 * The Free workspace block limit, once its grace period has run out. The reference
 * (/reference/workspace-block-limits) says such writes fail; the exact status and code are not
 * documented where the fake's authors could read them (CONFORMANCE.md lists this as unverified).
 */
export function blockLimitError(limit: number): NotionApiError {
  return validationError(
    `This workspace has reached its limit of ${limit} blocks and its grace period has ended. Upgrade the workspace's plan, or remove members, to add more content.`,
  );
}

export function tooLong(path: string, limit: number, actual: number): NotionApiError {
  return bodyInvalid(`${path}.length`, `should be ≤ \`${limit}\`, instead was \`${actual}\``);
}

export function describe(value: unknown): string {
  if (value === undefined) return '`undefined`';
  const text = JSON.stringify(value);
  return `\`${text.length > 80 ? `${text.slice(0, 77)}...` : text}\``;
}

export type ObjectKind = 'page' | 'database' | 'data_source' | 'block';

export function notFound(kind: ObjectKind, id: string): NotionApiError {
  return new NotionApiError(
    404,
    'object_not_found',
    `Could not find ${kind} with ID: ${id}. Make sure the relevant pages and databases are shared with your integration.`,
  );
}

export function unauthorized(): NotionApiError {
  return new NotionApiError(401, 'unauthorized', 'API token is invalid.');
}

export function missingVersion(): NotionApiError {
  return new NotionApiError(
    400,
    'missing_version',
    'Notion-Version header failed validation: Notion-Version header should be defined, instead was `undefined`.',
  );
}

export function rateLimited(retryAfterSeconds: number): NotionApiError {
  return new NotionApiError(
    429,
    'rate_limited',
    'You have been rate limited. Please try again in a few minutes.',
    {
      'retry-after': String(retryAfterSeconds),
    },
  );
}

export function archivedEdit(): NotionApiError {
  return validationError("Can't edit block that is archived. You must unarchive the block before editing.");
}

/** Internal integrations cannot create top-level pages or databases (public OAuth integrations can). */
export function workspaceParent(): NotionApiError {
  return validationError(
    'body failed validation: parent.workspace is only supported for public integrations; use a page_id parent.',
  );
}

/** Bodies for faults the harness injects (429, 5xx): the service's own shapes. */
export function faultBody(kind: 'rate_limited' | 'server_error', status: number): unknown {
  if (kind === 'rate_limited') {
    return rateLimited(1).body('fault-injected');
  }
  if (status === 502) return '<html><body><h1>502 Bad Gateway</h1></body></html>';
  const code = status === 503 ? 'service_unavailable' : 'internal_server_error';
  const message = status === 503 ? 'Notion is unavailable. Try again later.' : 'Unexpected error occurred.';
  return new NotionApiError(status, code, message).body('fault-injected');
}
