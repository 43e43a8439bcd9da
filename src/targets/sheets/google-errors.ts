// Pure: Google's error answers as the retry layer and the sync read them (no client library), for both runtimes.
import { PnError } from '../../platform/errors.js';

export interface GoogleErrorBody {
  error?: {
    code?: number;
    message?: string;
    status?: string;
    errors?: { reason?: string }[];
    details?: { '@type'?: string; reason?: string; metadata?: Record<string, string> }[];
  };
}

export interface ResponseLike {
  status?: number;
  /** gaxios hands back a fetch `Headers`; a plain record is accepted too. */
  headers?: { get(name: string): string | null } | Record<string, string | string[] | undefined>;
  data?: unknown;
}

export function responseOf(error: unknown): ResponseLike | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const response = (error as { response?: ResponseLike }).response;
  return typeof response === 'object' && response !== null ? response : undefined;
}

export function googleError(data: unknown): GoogleErrorBody['error'] | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const error = (data as GoogleErrorBody).error;
  return typeof error === 'object' && error !== null ? error : undefined;
}

/** Google's own error message, on one line and short: only from a Google JSON error, never a page or a token body. */
export function googleMessage(data: unknown): string | undefined {
  const message = googleError(data)?.message;
  if (typeof message !== 'string' || !message.trim()) return undefined;
  const line = message.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 297)}…` : line;
}

/**
 * Whether Google refused a request for its size (400 "Request payload size exceeds the limit: N bytes."):
 * nothing of it was applied, so the same requests can be sent again in smaller batches.
 */
export function isPayloadTooLarge(error: unknown): boolean {
  const response = responseOf(error instanceof PnError ? error.cause : error);
  return (
    response?.status === 400 && /payload size exceeds the limit/i.test(googleMessage(response.data) ?? '')
  );
}
