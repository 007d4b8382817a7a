import { describe, expect, it } from 'vitest';

import { ApiError } from './api-error';
import { createQueryClient, MAX_QUERY_RETRIES } from './query-client';

/** How many times the app's QueryClient runs a query whose every attempt fails so. */
async function attemptsFor(error: unknown): Promise<number> {
  const queryClient = createQueryClient();
  let attempts = 0;
  await queryClient
    .fetchQuery({
      queryKey: ['probe'],
      retryDelay: 0,
      queryFn: async () => {
        attempts += 1;
        throw error;
      },
    })
    .catch(() => undefined);
  return attempts;
}

describe('query retry policy', () => {
  it('retries a network failure (status 0)', async () => {
    expect(await attemptsFor(ApiError.network())).toBe(1 + MAX_QUERY_RETRIES);
  });

  it.each([500, 502, 503])('retries a server error (%i)', async (status) => {
    expect(await attemptsFor(new ApiError(status))).toBe(1 + MAX_QUERY_RETRIES);
  });

  it.each([400, 401, 403, 404, 412, 422, 429])('does not retry a %i', async (status) => {
    expect(await attemptsFor(new ApiError(status, { code: 'x', detail: 'No' }))).toBe(1);
  });

  it('succeeds when a retry gets an answer', async () => {
    const queryClient = createQueryClient();
    let attempts = 0;
    const data = await queryClient.fetchQuery({
      queryKey: ['flaky'],
      retryDelay: 0,
      queryFn: async () => {
        attempts += 1;
        if (attempts === 1) throw ApiError.network();
        return 'ok';
      },
    });
    expect(data).toBe('ok');
    expect(attempts).toBe(2);
  });
});
