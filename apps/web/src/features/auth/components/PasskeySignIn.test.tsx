// The "Sign in with a passkey" button follows the server: hidden when /api/config says
// passkeys are unavailable (an IP-address public URL) or the browser has no WebAuthn.
import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

async function renderButton(passkeys: boolean) {
  vi.stubGlobal(
    'fetch',
    async () =>
      new Response(
        JSON.stringify({ user_mgmt_enabled: true, auth_cookie_refresh: true, passkeys }),
        { status: 200, headers: { 'Content-Type': 'application/json' } },
      ),
  );
  vi.resetModules();
  const { PasskeySignIn } = await import('./PasskeySignIn');
  const { createQueryClient } = await import('../../../lib/query-client');
  const client = createQueryClient({ retryDelay: 0 });
  render(
    <QueryClientProvider client={client}>
      <PasskeySignIn onDone={() => undefined} />
    </QueryClientProvider>,
  );
  return client;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('passkey sign-in button', () => {
  it('shows when the server offers passkeys and the browser has WebAuthn', async () => {
    vi.stubGlobal('PublicKeyCredential', function PublicKeyCredential() {});
    await renderButton(true);
    expect(await screen.findByRole('button', { name: 'Sign in with a passkey' })).toBeTruthy();
  });

  it('stays hidden when the server says passkeys are unavailable', async () => {
    vi.stubGlobal('PublicKeyCredential', function PublicKeyCredential() {});
    const client = await renderButton(false);
    await vi.waitFor(() => expect(client.getQueryData(['config'])).toBeTruthy());
    expect(screen.queryByRole('button', { name: /passkey/ })).toBeNull();
  });

  it('stays hidden in a browser without WebAuthn', async () => {
    vi.stubGlobal('PublicKeyCredential', undefined);
    const client = await renderButton(true);
    await vi.waitFor(() => expect(client.getQueryData(['config'])).toBeTruthy());
    expect(screen.queryByRole('button', { name: /passkey/ })).toBeNull();
  });
});
