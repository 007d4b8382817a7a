// A bad, used or expired confirmation link says so and offers a resend form on the spot,
// rather than claiming a mail was sent.
import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.unstubAllGlobals();
  window.history.replaceState(null, '', '/');
});

describe('VerifyPage', () => {
  it('an invalid link says so and a resend form asks for a new one', async () => {
    const calls: { path: string; body: string }[] = [];
    vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
      const request = input instanceof Request ? input : new Request(String(input));
      const path = new URL(request.url).pathname;
      calls.push({ path, body: await request.clone().text() });
      if (path === '/api/auth/verify') {
        return new Response(
          JSON.stringify({ detail: 'Invalid or expired token', code: 'invalid_token' }),
          { status: 400, headers: { 'Content-Type': 'application/json' } },
        );
      }
      if (path === '/api/auth/csrf') {
        document.cookie = 'csrftoken=t.s; path=/';
        return new Response(JSON.stringify({ csrf_token: 't.s' }), { status: 200 });
      }
      return new Response(JSON.stringify({ detail: 'If the address…' }), {
        status: 202,
        headers: { 'Content-Type': 'application/json' },
      });
    });
    window.history.replaceState(null, '', '/verify?token=used-token');
    vi.resetModules();
    const { VerifyPage } = await import('./VerifyPage');
    const { createQueryClient } = await import('../../../lib/query-client');
    const router = createMemoryRouter([{ path: '/verify', element: <VerifyPage /> }], {
      initialEntries: ['/verify'],
    });
    render(
      <QueryClientProvider client={createQueryClient({ retryDelay: 0 })}>
        <RouterProvider router={router} />
      </QueryClientProvider>,
    );

    expect(await screen.findByText(/link is invalid or has expired/)).toBeTruthy();
    expect(screen.queryByText(/sent|on its way/i)).toBeNull();
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'ada@example.com' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send a new link' }));
    expect(await screen.findByText(/a new link is on its way/)).toBeTruthy();
    const resend = calls.find((call) => call.path === '/api/auth/verify/resend');
    expect(JSON.parse(resend!.body)).toEqual({ email: 'ada@example.com' });
  });
});
