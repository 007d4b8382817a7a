// The sign-in page offers sign-up and password reset only when the build flag
// (VITE_USER_MGMT_ENABLED) and the server's /api/config both allow self-service.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';

async function renderSignIn() {
  // Imported afresh so a stubbed build flag is read by config/env.ts.
  vi.resetModules();
  const { SignInPage } = await import('./SignInPage');
  const router = createMemoryRouter([{ path: '/signin', element: <SignInPage /> }], {
    initialEntries: ['/signin'],
  });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return client;
}

/** Answer /api/config as a server with self-service on or off; record what was asked. */
function serveConfig(userMgmtEnabled: boolean): string[] {
  const urls: string[] = [];
  vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
    urls.push(input instanceof Request ? input.url : String(input));
    return new Response(
      JSON.stringify({ user_mgmt_enabled: userMgmtEnabled, auth_cookie_refresh: true }),
      { status: 200, headers: { 'Content-Type': 'application/json' } },
    );
  });
  return urls;
}

async function configSettled(client: QueryClient) {
  await vi.waitFor(() => expect(client.getQueryState(['config'])?.status).toBe('success'));
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});

describe('sign-in page self-service links', () => {
  it('shows sign-up and password reset when the server allows them', async () => {
    const urls = serveConfig(true);
    const client = await renderSignIn();
    await configSettled(client);
    expect(urls.some((url) => new URL(url).pathname === '/api/config')).toBe(true);
    expect(await screen.findByRole('link', { name: 'Create an account' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Forgot your password?' })).toBeTruthy();
  });

  it('hides them when the server has user management off', async () => {
    serveConfig(false);
    const client = await renderSignIn();
    await configSettled(client);
    expect(screen.queryByRole('link', { name: 'Create an account' })).toBeNull();
    expect(screen.queryByRole('link', { name: 'Forgot your password?' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy();
  });

  it('hides them when the web build has VITE_USER_MGMT_ENABLED=false', async () => {
    vi.stubEnv('VITE_USER_MGMT_ENABLED', 'false');
    serveConfig(true);
    const client = await renderSignIn();
    await configSettled(client);
    expect(screen.queryByRole('link', { name: 'Create an account' })).toBeNull();
    expect(screen.queryByRole('link', { name: 'Forgot your password?' })).toBeNull();
  });
});
