import { QueryClient } from '@tanstack/react-query';

import { ApiError } from './api-error';

/** Tries after the first failure: a lost connection or a 5xx gets two more. */
export const MAX_QUERY_RETRIES = 2;

/** Retry only what may change by asking again: no answer (status 0) or a 5xx, never a 4xx. */
export function shouldRetryQuery(failureCount: number, error: unknown): boolean {
  return error instanceof ApiError && error.retryable && failureCount < MAX_QUERY_RETRIES;
}

/** The app's QueryClient (`retryDelay` is overridden by tests that need no waiting). */
export function createQueryClient(options: { retryDelay?: number } = {}): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 30_000, retry: shouldRetryQuery, ...options },
    },
  });
}
