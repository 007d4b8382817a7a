// With the server unreachable, the Settings profile card must not stay on "Loading…": it
// says "Can't reach the server" (after the query's retries) and Retry loads it.
import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';

const USER = {
  id: 'u1',
  email: 'a@example.com',
  display_name: 'Ada',
  notify_new_device: true,
  email_verified: true,
  is_admin: false,
  created_at: '2026-01-01T00:00:00Z',
};

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('settings profile card', () => {
  it('shows "Can\'t reach the server" with Retry when the server is unreachable', async () => {
    let online = false;
    const meCalls: string[] = [];
    vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.pathname === '/api/auth/me') meCalls.push(url.pathname);
      if (!online) throw new TypeError('Failed to fetch');
      // The page also lists tags (its own card, its own Retry).
      const body = url.pathname === '/api/tags' ? [] : USER;
      return new Response(JSON.stringify(body), {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
      });
    });
    vi.resetModules();
    const { SettingsPage } = await import('./SettingsPage');
    const { createQueryClient, MAX_QUERY_RETRIES } = await import('../../../lib/query-client');
    const router = createMemoryRouter([{ path: '/settings', element: <SettingsPage /> }], {
      initialEntries: ['/settings'],
    });
    render(
      <QueryClientProvider client={createQueryClient({ retryDelay: 0 })}>
        <RouterProvider router={router} />
      </QueryClientProvider>,
    );

    await waitFor(() => expect(meCalls).toHaveLength(1 + MAX_QUERY_RETRIES));
    const alert = (await screen.findAllByRole('alert'))[0]!;
    expect(alert.textContent).toContain("Can't reach the server");
    expect(alert.textContent).not.toMatch(/Request failed/);
    expect(screen.queryByText('Loading…')).toBeNull();
    expect(meCalls).toHaveLength(1 + MAX_QUERY_RETRIES);

    online = true;
    for (const retry of screen.getAllByRole('button', { name: 'Retry' })) fireEvent.click(retry);
    expect(await screen.findByDisplayValue('Ada')).toBeTruthy();
    expect(screen.queryByText(/Can't reach the server/)).toBeNull();
  });
});
