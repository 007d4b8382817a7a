import { describe, expect, it, vi } from 'vitest';

import { AuthClient } from './auth-client';

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

describe('AuthClient', () => {
  it('keeps the access token in memory and sends it as a bearer header', async () => {
    const seen: Request[] = [];
    const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = input instanceof Request ? input.url : new URL(String(input), 'http://localhost');
      const request = new Request(url, input instanceof Request ? input : init);
      seen.push(request);
      if (request.url.endsWith('/api/auth/login')) {
        return json(200, { access_token: 'tok-1', token_type: 'bearer', expires_in: 900 });
      }
      return json(200, { ok: true });
    });
    const client = new AuthClient(fetchMock as typeof fetch);
    const changes = vi.fn();
    client.subscribe(changes);

    await client.login('a@example.com', 'pw');
    expect(client.getState().signedIn).toBe(true);
    expect(changes).toHaveBeenCalledTimes(1);

    await client.fetch('http://localhost/api/entries');
    expect(seen[1]!.headers.get('Authorization')).toBe('Bearer tok-1');
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
  });

  it('signs out when the server answers 401 to an authenticated call', async () => {
    const client = new AuthClient((async () =>
      json(401, { code: 'token_expired' })) as typeof fetch);
    client.setAccessToken('stale');
    const response = await client.fetch('http://localhost/api/entries');
    expect(response.status).toBe(401);
    expect(client.getState().signedIn).toBe(false);
    expect(client.token).toBeNull();
  });

  it('does not sign in when the login fails', async () => {
    const client = new AuthClient((async () =>
      json(401, {
        detail: 'Incorrect email or password',
        code: 'invalid_credentials',
      })) as typeof fetch);
    const response = await client.login('a@example.com', 'bad');
    expect(response.status).toBe(401);
    expect(client.getState().signedIn).toBe(false);
  });
});
