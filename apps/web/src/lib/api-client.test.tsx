// The app's configured client: /api/config is asked once at start-up, shared by the auth
// client (cookie or body mode) and the UI (self-service links).
import { QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.unstubAllGlobals();
});

function answer(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

describe('api-client', () => {
  it('fetches /api/config once for the auth client and the UI together', async () => {
    const paths: string[] = [];
    vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
      const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
      paths.push(path);
      if (path === '/api/config') {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return answer({ auth_cookie_refresh: true, user_mgmt_enabled: true });
      }
      return answer({ detail: 'No session', code: 'not_authenticated' }, 401);
    });
    vi.resetModules();
    const { authClient } = await import('./api-client');
    const { useUserMgmtEnabled } = await import('./server-config');
    const { createQueryClient } = await import('./query-client');
    const { queryKeys } = await import('./query-keys');
    const queryClient = createQueryClient();
    function Probe() {
      return <p>{String(useUserMgmtEnabled())}</p>;
    }
    render(
      <QueryClientProvider client={queryClient}>
        <Probe />
      </QueryClientProvider>,
    );
    await authClient.init();
    await vi.waitFor(() =>
      expect(queryClient.getQueryState(queryKeys.config)?.status).toBe('success'),
    );
    expect(authClient.getState()).toEqual({ status: 'signedOut', mode: 'cookie' });
    expect(paths.filter((path) => path === '/api/config')).toHaveLength(1);
  });

  it('asks /api/config again after a failed attempt (Retry works)', async () => {
    let up = false;
    let configCalls = 0;
    vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
      const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
      if (path === '/api/config') configCalls += 1;
      if (!up) throw new TypeError('Failed to fetch');
      return path === '/api/config'
        ? answer({ auth_cookie_refresh: true, user_mgmt_enabled: true })
        : answer({ access_token: 'a1', expires_in: 900 });
    });
    vi.resetModules();
    const { authClient } = await import('./api-client');
    await authClient.init();
    expect(authClient.getState().status).toBe('unreachable');
    up = true;
    await authClient.init();
    expect(authClient.getState().status).toBe('signedIn');
    expect(configCalls).toBe(2);
  });
});
