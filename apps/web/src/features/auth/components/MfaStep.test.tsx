// The sign-in's second step against a faked server: the code field, the recovery-code
// switch, wrong and expired answers.
import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { codeReady, normaliseCode } from './MfaStep';

type Sent = { path: string; body: Record<string, unknown> };

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

async function renderStep(answer: (body: Record<string, unknown>) => Response) {
  const sent: Sent[] = [];
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    const path = new URL(request.url).pathname;
    const body = request.method === 'POST' ? await request.clone().json() : {};
    sent.push({ path, body });
    if (path === '/api/auth/login/mfa') return answer(body);
    return json(404, { code: 'not_found', detail: 'Not found' });
  });
  vi.resetModules();
  const { MfaStep } = await import('./MfaStep');
  const { createQueryClient } = await import('../../../lib/query-client');
  const onDone = vi.fn();
  const onRestart = vi.fn();
  render(
    <QueryClientProvider client={createQueryClient({ retryDelay: 0 })}>
      <MfaStep
        challenge={{ mfaToken: 'ticket', methods: ['totp', 'recovery_code'] }}
        onDone={onDone}
        onRestart={onRestart}
      />
    </QueryClientProvider>,
  );
  return { sent, onDone, onRestart };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('code helpers', () => {
  it('keeps only digits of a TOTP code, at most six, and trims a recovery code', () => {
    expect(normaliseCode('totp', '12 34-567')).toBe('123456');
    expect(normaliseCode('recovery_code', '  abcd-efgh ')).toBe('abcd-efgh');
    expect(codeReady('totp', '12345')).toBe(false);
    expect(codeReady('totp', '123456')).toBe(true);
    expect(codeReady('recovery_code', 'abc')).toBe(false);
    expect(codeReady('recovery_code', 'abcd-efgh')).toBe(true);
  });
});

describe('the two-step sign-in step', () => {
  it('asks for a one-time code (autocomplete one-time-code) and signs in with it', async () => {
    const { sent, onDone } = await renderStep(() =>
      json(200, { access_token: 'a', expires_in: 9 }),
    );
    const input = screen.getByLabelText('6-digit code') as HTMLInputElement;
    expect(input.getAttribute('autocomplete')).toBe('one-time-code');
    expect(input.getAttribute('inputmode')).toBe('numeric');
    const verify = screen.getByRole('button', { name: 'Verify' }) as HTMLButtonElement;
    fireEvent.change(input, { target: { value: '12345' } });
    expect(verify.disabled).toBe(true);
    fireEvent.change(input, { target: { value: '123456' } });
    expect(verify.disabled).toBe(false);
    fireEvent.click(verify);
    await waitFor(() => expect(onDone).toHaveBeenCalledOnce());
    expect(sent.at(-1)).toEqual({
      path: '/api/auth/login/mfa',
      body: { mfa_token: 'ticket', code: '123456' },
    });
  });

  it('shows the server reason for a wrong code, clears the field and stays on the step', async () => {
    const { onDone } = await renderStep(() =>
      json(401, { code: 'mfa_invalid', detail: 'That code is not valid. Try the current one.' }),
    );
    const input = screen.getByLabelText('6-digit code') as HTMLInputElement;
    fireEvent.change(input, { target: { value: '000000' } });
    fireEvent.click(screen.getByRole('button', { name: 'Verify' }));
    expect((await screen.findByRole('alert')).textContent).toContain('That code is not valid');
    expect(input.value).toBe('');
    expect(onDone).not.toHaveBeenCalled();
  });

  it('switches to a recovery code and sends it as typed', async () => {
    const { sent, onDone } = await renderStep(() =>
      json(200, { access_token: 'a', expires_in: 9 }),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Use a recovery code instead' }));
    expect(screen.queryByLabelText('6-digit code')).toBeNull();
    const input = screen.getByLabelText('Recovery code');
    fireEvent.change(input, { target: { value: 'k3p9-x2mq' } });
    fireEvent.click(screen.getByRole('button', { name: 'Verify' }));
    await waitFor(() => expect(onDone).toHaveBeenCalledOnce());
    expect(sent.at(-1)!.body).toEqual({ mfa_token: 'ticket', code: 'k3p9-x2mq' });
    fireEvent.click(screen.getByRole('button', { name: 'Use your authenticator app' }));
    expect(screen.getByLabelText('6-digit code')).toBeTruthy();
  });

  it('an expired challenge offers to sign in again and disables Verify', async () => {
    const { onRestart } = await renderStep(() =>
      json(400, {
        code: 'invalid_token',
        detail: 'This sign-in has expired or was already used. Sign in again.',
      }),
    );
    fireEvent.change(screen.getByLabelText('6-digit code'), { target: { value: '123456' } });
    fireEvent.click(screen.getByRole('button', { name: 'Verify' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('expired');
    fireEvent.change(screen.getByLabelText('6-digit code'), { target: { value: '654321' } });
    expect((screen.getByRole('button', { name: 'Verify' }) as HTMLButtonElement).disabled).toBe(
      true,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Sign in again' }));
    expect(onRestart).toHaveBeenCalledOnce();
  });
});
