import type { ErrorOut } from './api/gen';

/** An API failure with the server's `{detail, code}` (or a network failure). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fieldErrors: { loc: (string | number)[]; msg: string }[];

  constructor(status: number, body: Partial<ErrorOut> & { errors?: ApiError['fieldErrors'] }) {
    super(body.detail ?? `Request failed (${status})`);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code ?? 'error';
    this.fieldErrors = body.errors ?? [];
  }
}

/** Unwrap a generated-client result: the data, or throw an ApiError. */
export function unwrap<T>(result: { data?: T; error?: unknown; response?: Response }): T {
  const status = result.response?.status ?? 0;
  if (result.error !== undefined || !result.response?.ok) {
    const body = (result.error ?? {}) as Partial<ErrorOut>;
    throw new ApiError(status, typeof body === 'object' && body ? body : {});
  }
  return result.data as T;
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return 'Cannot reach the server. Check your connection.';
  return 'Something went wrong.';
}
