import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { AuthClient, REFRESH_STORAGE_KEY, readCookie } from './auth-client';

type Call = { method: string; path: string; headers: Headers; body: string; credentials: string };
type Handler = (call: Call) => Response | Promise<Response>;

const ORIGIN = 'http://localhost';

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

/** A fake server: routes by "METHOD /path", records every call. */
function fakeServer(routes: Record<string, Handler>) {
  const calls: Call[] = [];
  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request =
      input instanceof Request
        ? new Request(input, init)
        : new Request(new URL(String(input), ORIGIN), init);
    const call: Call = {
      method: request.method,
      path: new URL(request.url).pathname,
      headers: request.headers,
      body: request.body ? await request.text() : '',
      credentials: init?.credentials ?? request.credentials,
    };
    calls.push(call);
    const handler = routes[`${call.method} ${call.path}`];
    return handler ? handler(call) : json(404, { code: 'not_found' });
  };
  return { calls, fetch: fetchImpl as typeof fetch };
}

function clearCookies() {
  for (const part of document.cookie.split(';')) {
    const name = part.split('=')[0]?.trim();
    if (name) document.cookie = `${name}=; Max-Age=0; path=/`;
  }
}

let channel = 0;
function makeClient(server: ReturnType<typeof fakeServer>, cookieModeWanted = true) {
  channel += 1;
  return new AuthClient({ fetch: server.fetch, cookieModeWanted, channelName: `test-${channel}` });
}

beforeEach(clearCookies);
afterEach(clearCookies);

describe('cookie mode', () => {
  it('restores the session on load via /refresh with credentials, storing nothing', async () => {
    const server = fakeServer({
      'GET /api/config': () => json(200, { auth_cookie_refresh: true, user_mgmt_enabled: true }),
      'POST /api/auth/refresh': () => json(200, { access_token: 'a1', expires_in: 900 }),
    });
    const client = makeClient(server);
    await client.init();
    expect(client.getState()).toEqual({ status: 'signedIn', mode: 'cookie' });
    const refresh = server.calls.find((c) => c.path === '/api/auth/refresh')!;
    expect(refresh.credentials).toBe('include');
    expect(refresh.body).toBe('');
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
  });

  it('is signed out when there is no session to restore', async () => {
    const server = fakeServer({
      'GET /api/config': () => json(200, { auth_cookie_refresh: true }),
      'POST /api/auth/refresh': () => json(401, { code: 'not_authenticated' }),
    });
    const client = makeClient(server);
    await client.init();
    expect(client.getState().status).toBe('signedOut');
  });

  it('sends credentials, bearer and the CSRF cookie on unsafe verbs only', async () => {
    document.cookie = 'csrftoken=nonce.sig; path=/';
    const server = fakeServer({
      'POST /api/auth/login': () => json(200, { access_token: 'a1', expires_in: 900 }),
      'POST /api/entries': () => json(201, {}),
      'GET /api/entries': () => json(200, { items: [] }),
    });
    const client = makeClient(server);
    await client.login('a@example.com', 'pw');
    await client.fetch(`${ORIGIN}/api/entries`, { method: 'POST', body: '{}' });
    await client.fetch(`${ORIGIN}/api/entries`);
    const [, post, get] = server.calls;
    expect(post!.credentials).toBe('include');
    expect(post!.headers.get('Authorization')).toBe('Bearer a1');
    expect(post!.headers.get('X-CSRF-Token')).toBe('nonce.sig');
    expect(get!.headers.get('X-CSRF-Token')).toBeNull();
    expect(localStorage.length).toBe(0);
  });

  it('fetches a CSRF token when the cookie is missing', async () => {
    const server = fakeServer({
      'GET /api/auth/csrf': () => {
        document.cookie = 'csrftoken=fresh.sig; path=/';
        return json(200, { csrf_token: 'fresh.sig' });
      },
      'DELETE /api/entries/1': () => new Response(null, { status: 204 }),
    });
    const client = makeClient(server);
    await client.fetch(`${ORIGIN}/api/entries/1`, { method: 'DELETE' });
    expect(server.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET /api/auth/csrf',
      'DELETE /api/entries/1',
    ]);
    expect(server.calls[1]!.headers.get('X-CSRF-Token')).toBe('fresh.sig');
  });

  it('on 401 refreshes exactly once, shared by concurrent calls, and retries each once', async () => {
    document.cookie = 'csrftoken=n.s; path=/';
    let current = 'old';
    const server = fakeServer({
      'POST /api/auth/login': () => json(200, { access_token: 'old', expires_in: 900 }),
      'POST /api/auth/refresh': async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        current = 'new';
        return json(200, { access_token: 'new', expires_in: 900 });
      },
      'POST /api/entries': (call) =>
        call.headers.get('Authorization') === `Bearer ${current}`
          ? json(201, { body: call.body })
          : json(401, { code: 'token_expired' }),
    });
    const client = makeClient(server);
    await client.login('a@example.com', 'pw');
    current = 'rotated-elsewhere'; // the access token is now dead
    const [first, second] = await Promise.all([
      client.fetch(`${ORIGIN}/api/entries`, { method: 'POST', body: '{"n":1}' }),
      client.fetch(`${ORIGIN}/api/entries`, { method: 'POST', body: '{"n":2}' }),
    ]);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(await first.json()).toEqual({ body: '{"n":1}' });
    const refreshes = server.calls.filter((c) => c.path === '/api/auth/refresh');
    expect(refreshes).toHaveLength(1);
    expect(server.calls.filter((c) => c.path === '/api/entries')).toHaveLength(4);
  });

  it('signs out (no retry loop) when the refresh fails', async () => {
    const server = fakeServer({
      'POST /api/auth/login': () => json(200, { access_token: 'a1', expires_in: 900 }),
      'POST /api/auth/refresh': () => json(401, { code: 'session_revoked' }),
      'GET /api/entries': () => json(401, { code: 'session_revoked' }),
    });
    const client = makeClient(server);
    await client.login('a@example.com', 'pw');
    const response = await client.fetch(`${ORIGIN}/api/entries`);
    expect(response.status).toBe(401);
    expect(client.getState().status).toBe('signedOut');
    expect(server.calls.filter((c) => c.path === '/api/entries')).toHaveLength(1);
  });

  it('logs out with the CSRF header and forgets the token', async () => {
    document.cookie = 'csrftoken=n.s; path=/';
    const server = fakeServer({
      'POST /api/auth/login': () => json(200, { access_token: 'a1', expires_in: 900 }),
      'POST /api/auth/logout': () => new Response(null, { status: 204 }),
    });
    const client = makeClient(server);
    await client.login('a@example.com', 'pw');
    await client.logout();
    const logout = server.calls.at(-1)!;
    expect(logout.headers.get('X-CSRF-Token')).toBe('n.s');
    expect(logout.credentials).toBe('include');
    expect(client.token).toBeNull();
    expect(client.getState().status).toBe('signedOut');
  });
});

describe('body mode (M1)', () => {
  it('is chosen when the server has cookie refresh off', async () => {
    const server = fakeServer({
      'GET /api/config': () => json(200, { auth_cookie_refresh: false }),
    });
    const client = makeClient(server, true);
    await client.init();
    expect(client.mode).toBe('body');
  });

  it('keeps the refresh token in localStorage and refreshes with a JSON body', async () => {
    const server = fakeServer({
      'GET /api/config': () => json(200, { auth_cookie_refresh: false }),
      'POST /api/auth/login': () =>
        json(200, { access_token: 'a1', refresh_token: 'r1', expires_in: 900 }),
      'POST /api/auth/refresh': (call) =>
        JSON.parse(call.body).refresh_token === 'r1'
          ? json(200, { access_token: 'a2', refresh_token: 'r2', expires_in: 900 })
          : json(401, { code: 'refresh_reused' }),
      'POST /api/auth/logout': () => new Response(null, { status: 204 }),
    });
    const client = makeClient(server, false);
    await client.init(); // nothing stored yet: signed out without calling /refresh
    expect(client.getState().status).toBe('signedOut');
    await client.login('a@example.com', 'pw');
    expect(localStorage.getItem(REFRESH_STORAGE_KEY)).toBe('r1');
    expect(await client.refresh()).toBe(true);
    expect(client.token).toBe('a2');
    expect(localStorage.getItem(REFRESH_STORAGE_KEY)).toBe('r2');
    await client.logout();
    expect(JSON.parse(server.calls.at(-1)!.body)).toEqual({ refresh_token: 'r2' });
    expect(localStorage.getItem(REFRESH_STORAGE_KEY)).toBeNull();
  });
});

describe('readCookie', () => {
  it('finds one cookie among many', () => {
    expect(readCookie('csrftoken', 'a=1; csrftoken=x.y%3D; b=2')).toBe('x.y=');
    expect(readCookie('missing', 'a=1')).toBeNull();
  });
});
