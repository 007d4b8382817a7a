import type { ErrorOut, FieldError } from './api/gen';
import type { Client } from './api/gen/client';

type ErrorBody = Partial<ErrorOut> & { errors?: FieldError[] };

export const NETWORK_ERROR_MESSAGE = "Can't reach the server";

/**
 * Every failed API call throws one of these (the generated client runs with `throwOnError`
 * and `toApiError` below is its one error interceptor). `status` 0 means no answer at all:
 * the server is down or the connection is gone.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string | null;
  readonly fieldErrors: FieldError[];

  constructor(status: number, body: ErrorBody = {}) {
    const detail = typeof body.detail === 'string' && body.detail ? body.detail : null;
    super(detail ?? fallbackMessage(status));
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code ?? (status === 0 ? 'network_error' : 'error');
    this.detail = detail;
    this.fieldErrors = Array.isArray(body.errors) ? body.errors : [];
  }

  static network(): ApiError {
    return new ApiError(0);
  }

  /** No answer from the server (offline, DNS, refused connection, CORS). */
  get isNetwork(): boolean {
    return this.status === 0;
  }

  /** Worth asking again: no answer, or the server failed (5xx). A 4xx will not change. */
  get retryable(): boolean {
    return this.status === 0 || this.status >= 500;
  }

  /** Field errors keyed by the field's name (the last part of `loc`), first message wins. */
  get byField(): Record<string, string> {
    const byField: Record<string, string> = {};
    for (const item of this.fieldErrors) {
      const field = String(item.loc[item.loc.length - 1] ?? '');
      byField[field] ??= humanFieldMessage(item.msg);
    }
    return byField;
  }
}

/**
 * A validator's message as a person would say it: "value is not a valid email address: An
 * email address must have an @-sign." → "Enter a valid email address (it must have an @-sign)."
 */
export function humanFieldMessage(msg: string): string {
  const email = /^value is not a valid email address:?\s*(.*)$/i.exec(msg);
  if (email) {
    const reason = (email[1] ?? '').replace(/^an email address /i, 'it ').replace(/\.$/, '');
    return reason ? `Enter a valid email address (${reason}).` : 'Enter a valid email address.';
  }
  const text = msg.replace(/^(value|assertion) error,\s*/i, '');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function fallbackMessage(status: number): string {
  if (status === 0) return NETWORK_ERROR_MESSAGE;
  if (status >= 500) return `The server had a problem (${status}). Try again in a moment.`;
  return `Request failed (${status})`;
}

function isAbort(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as Error).name === 'AbortError';
}

/**
 * The generated client's error interceptor: whatever went wrong becomes an ApiError.
 * `response` is undefined when no answer arrived (fetch rejected): a network error.
 */
export function toApiError(error: unknown, response: Response | undefined): unknown {
  if (error instanceof ApiError || isAbort(error)) return error;
  if (!response) return ApiError.network();
  const body = typeof error === 'object' && error !== null ? (error as ErrorBody) : {};
  return new ApiError(response.status, body);
}

/** Make a generated client throw an ApiError on every failure (the app's and tests'). */
export function throwApiErrors(client: Client): void {
  client.setConfig({ throwOnError: true });
  client.interceptors.error.use((error, response) => toApiError(error, response));
}

/** The text to show for a failure. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return NETWORK_ERROR_MESSAGE;
  return 'Something went wrong.';
}

/** Field errors of a failed form submission, keyed by field name. */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  return error instanceof ApiError ? error.byField : {};
}
