// Settings → Security against a faked server: turning on two-step sign-in shows a locally
// drawn QR code and the key, then the recovery codes once; deleting the account signs out.
import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';

type Sent = { method: string; path: string; body: unknown };

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

const CODES = Array.from({ length: 10 }, (_, i) => `code-${i}${i}${i}${i}`);

function fakeServer(routes: Record<string, (body: unknown) => Response>) {
  const sent: Sent[] = [];
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    const path = new URL(request.url).pathname;
    const text = await request.clone().text();
    const body: unknown = text ? JSON.parse(text) : null;
    sent.push({ method: request.method, path, body });
    const route = routes[`${request.method} ${path}`];
    return route ? route(body) : json(404, { code: 'not_found', detail: 'Not found' });
  });
  return sent;
}

async function renderPage(component: 'TwoStepSection' | 'DeleteAccountSection') {
  vi.resetModules();
  const { createQueryClient } = await import('../../../lib/query-client');
  const module =
    component === 'TwoStepSection'
      ? { Page: (await import('./TwoStepSection')).TwoStepSection }
      : { Page: (await import('./AccountSections')).DeleteAccountSection };
  const router = createMemoryRouter(
    [
      { path: '/settings/security', element: <module.Page /> },
      { path: '/signin', element: <p>Sign-in page</p> },
    ],
    { initialEntries: ['/settings/security'] },
  );
  render(
    <QueryClientProvider client={createQueryClient({ retryDelay: 0 })}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return router;
}

const left: string[] = [];
vi.mock('../leave', () => ({ leaveTo: (path: string) => left.push(path) }));

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('two-step sign-in settings', () => {
  it('sets up TOTP: password, QR and key, code, then the recovery codes shown once', async () => {
    let on = false;
    const sent = fakeServer({
      'GET /api/auth/mfa': () =>
        json(200, { totp: on, recovery_codes_left: on ? 10 : 0, passkeys: 0 }),
      'POST /api/auth/mfa/totp/setup': () =>
        json(200, {
          secret: 'JBSWY3DPEHPK3PXP',
          otpauth_uri:
            'otpauth://totp/Journal:a%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Journal',
        }),
      'POST /api/auth/mfa/totp/confirm': () => {
        on = true;
        return json(200, { recovery_codes: CODES });
      },
      'GET /api/auth/activity': () => json(200, { items: [], next_cursor: null }),
      'GET /api/auth/sessions': () => json(200, []),
    });
    await renderPage('TwoStepSection');
    fireEvent.click(await screen.findByRole('button', { name: 'Set up an authenticator app' }));
    fireEvent.change(screen.getByLabelText('Current password'), { target: { value: 'pw-1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));

    const qr = await screen.findByRole('img', { name: /QR code/ });
    expect(qr.tagName.toLowerCase()).toBe('svg');
    expect(qr.querySelector('path')!.getAttribute('d')).toMatch(/^M/);
    // Drawn here: no image is fetched from anywhere.
    expect(document.querySelector('img')).toBeNull();
    expect(screen.getByTestId('totp-secret').textContent).toBe('JBSW Y3DP EHPK 3PXP');
    expect(sent.find((s) => s.path === '/api/auth/mfa/totp/setup')!.body).toEqual({
      password: 'pw-1',
    });

    const code = screen.getByLabelText('6-digit code');
    expect(code.getAttribute('autocomplete')).toBe('one-time-code');
    fireEvent.change(code, { target: { value: '123456' } });
    fireEvent.click(screen.getByRole('button', { name: 'Turn on' }));

    const list = await screen.findByRole('list', { name: 'Recovery codes' });
    expect(list.querySelectorAll('li')).toHaveLength(10);
    expect(list.textContent).toContain('code-9999');
    expect(screen.getByRole('button', { name: 'Download .txt' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'I saved them' }));
    // Once only: gone for good, and the section now says it is on.
    await screen.findByRole('button', { name: 'Turn off two-step sign-in' });
    expect(screen.queryByText('code-9999')).toBeNull();
    expect(screen.getByText('On')).toBeTruthy();
  });

  it('turning off asks for the password and a current code, and shows the wrong-code reason', async () => {
    const sent = fakeServer({
      'GET /api/auth/mfa': () => json(200, { totp: true, recovery_codes_left: 2, passkeys: 0 }),
      'POST /api/auth/mfa/totp/disable': () =>
        json(400, {
          code: 'mfa_invalid',
          detail: 'A current code from your authenticator app (or a recovery code) is needed.',
        }),
    });
    await renderPage('TwoStepSection');
    expect(await screen.findByText(/get new ones soon/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Turn off two-step sign-in' }));
    const submit = screen.getByRole('button', { name: 'Turn off' }) as HTMLButtonElement;
    fireEvent.change(screen.getByLabelText('Current password'), { target: { value: 'pw' } });
    expect(submit.disabled).toBe(true); // the code is required too
    fireEvent.change(screen.getByLabelText('Code from your authenticator app'), {
      target: { value: ' 111111 ' },
    });
    fireEvent.click(submit);
    expect((await screen.findByRole('alert')).textContent).toContain('A current code');
    expect(sent.find((s) => s.path === '/api/auth/mfa/totp/disable')!.body).toEqual({
      password: 'pw',
      code: '111111',
    });
  });
});

describe('delete account', () => {
  it('needs the typed phrase and the password, then signs out and leaves the page', async () => {
    const sent = fakeServer({
      'GET /api/auth/mfa': () => json(200, { totp: false, recovery_codes_left: 0, passkeys: 0 }),
      'DELETE /api/auth/me': () => new Response(null, { status: 204 }),
    });
    await renderPage('DeleteAccountSection');
    const { authClient } = await import('../../../lib/api-client');
    const submit = (await screen.findByRole('button', {
      name: 'Delete my account',
    })) as HTMLButtonElement;
    fireEvent.change(screen.getByLabelText('Current password'), { target: { value: 'pw' } });
    fireEvent.change(screen.getByLabelText(/to confirm/), { target: { value: 'delete' } });
    expect(submit.disabled).toBe(true);
    fireEvent.change(screen.getByLabelText(/to confirm/), {
      target: { value: 'delete my account' },
    });
    expect(submit.disabled).toBe(false);
    fireEvent.click(submit);
    await waitFor(() => expect(left).toEqual(['/signin?deleted=1']));
    expect(sent.find((s) => s.method === 'DELETE')!.body).toEqual({ password: 'pw' });
    expect(authClient.getState().status).toBe('signedOut');
  });
});
