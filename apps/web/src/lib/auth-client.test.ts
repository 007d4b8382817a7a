import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createClient, createConfig, type Client } from './api/gen/client';
import * as sdk from './api/gen/sdk.gen';
import { ApiError, throwApiErrors } from './api-error';
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

/** A generated client set up as the app's (throwOnError + ApiError), over the fake server. */
function makeHttp(server: ReturnType<typeof fakeServer>): Client {
  const http = createClient(createConfig({ baseUrl: ORIGIN, fetch: server.fetch }));
  throwApiErrors(http);
  return http;
}

let channel = 0;
function makeClient(server: ReturnType<typeof fakeServer>, cookieModeWanted = true) {
  channel += 1;
  const http = makeHttp(server);
  const auth = new AuthClient({ client: http, cookieModeWanted, channelName: `test-${channel}` });
  return { auth, http };
}

beforeEach(clearCookies);
afterEach(clearCookies);

describe('cookie mode', () => {
  it('restores the session on load via /refresh with credentials, storing nothing', async () => {
    const server = fakeServer({
      'GET /api/config': () => json(200, { auth_cookie_refresh: true, user_mgmt_enabled: true }),
      'POST /api/auth/refresh': () => json(200, { access_token: 'a1', expires_in: 900 }),
    });
    const { auth } = makeClient(server);
    await auth.init();
    expect(auth.getState()).toEqual({ status: 'signedIn', mode: 'cookie' });
    const refresh = server.calls.find((c) => c.path === '/api/auth/refresh')!;
    expect(refresh.credentials).toBe('include');
    expect(refresh.body).toBe('');
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
  });

  it('asks for /api/config once at start-up', async () => {
    const server = fakeServer({
      'GET /api/config': () => json(200, { auth_cookie_refresh: true, user_mgmt_enabled: true }),
      'POST /api/auth/refresh': () => json(200, { access_token: 'a1', expires_in: 900 }),
    });
    const { auth } = makeClient(server);
    await auth.init();
    expect(server.calls.filter((c) => c.path === '/api/config')).toHaveLength(1);
  });

  it('is signed out when there is no session to restore', async () => {
    const server = fakeServer({
      'GET /api/config': () => json(200, { auth_cookie_refresh: true }),
      'POST /api/auth/refresh': () => json(401, { code: 'not_authenticated' }),
    });
    const { auth } = makeClient(server);
    await auth.init();
    expect(auth.getState().status).toBe('signedOut');
  });

  it('is "unreachable" (not signed out) when the server does not answer at start-up', async () => {
    const down = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    const http = createClient(createConfig({ baseUrl: ORIGIN, fetch: down }));
    throwApiErrors(http);
    channel += 1;
    const auth = new AuthClient({ client: http, channelName: `test-${channel}` });
    await auth.init();
    expect(auth.getState().status).toBe('unreachable');
  });

  it('sends credentials, bearer and the CSRF cookie on unsafe verbs only', async () => {
    document.cookie = 'csrftoken=nonce.sig; path=/';
    const server = fakeServer({
      'POST /api/auth/login': () => json(200, { access_token: 'a1', expires_in: 900 }),
      'POST /api/entries': () => json(201, {}),
      'GET /api/entries': () => json(200, { items: [] }),
    });
    const { auth, http } = makeClient(server);
    await auth.login('a@example.com', 'pw');
    await sdk.entriesCreateEntry({ client: http, body: { title: 't' } });
    await sdk.entriesListEntries({ client: http });
    const [, post, get] = server.calls;
    expect(post!.credentials).toBe('include');
    expect(post!.headers.get('Authorization')).toBe('Bearer a1');
    expect(post!.headers.get('X-CSRF-Token')).toBe('nonce.sig');
    expect(get!.headers.get('Authorization')).toBe('Bearer a1');
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
    const { http } = makeClient(server);
    await sdk.entriesDeleteEntry({ client: http, path: { entry_id: '1' } });
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
    const { auth, http } = makeClient(server);
    await auth.login('a@example.com', 'pw');
    current = 'rotated-elsewhere'; // the access token is now dead
    const [first, second] = await Promise.all([
      sdk.entriesCreateEntry({ client: http, body: { title: '1' } }),
      sdk.entriesCreateEntry({ client: http, body: { title: '2' } }),
    ]);
    expect(first.response.status).toBe(201);
    expect(second.response.status).toBe(201);
    // Each retry resends its own original body, with the new token.
    expect(first.data).toEqual({ body: '{"title":"1"}' });
    expect(second.data).toEqual({ body: '{"title":"2"}' });
    const refreshes = server.calls.filter((c) => c.path === '/api/auth/refresh');
    expect(refreshes).toHaveLength(1);
    const posts = server.calls.filter((c) => c.path === '/api/entries');
    expect(posts).toHaveLength(4); // two originals, one retry each
    expect(posts.filter((c) => c.headers.get('Authorization') === 'Bearer new')).toHaveLength(2);
  });

  it('retries a request at most once, even if the retry is a 401 again', async () => {
    document.cookie = 'csrftoken=n.s; path=/';
    const server = fakeServer({
      'POST /api/auth/login': () => json(200, { access_token: 'a1', expires_in: 900 }),
      'POST /api/auth/refresh': () => json(200, { access_token: 'a2', expires_in: 900 }),
      'GET /api/entries': () => json(401, { detail: 'Nope', code: 'token_expired' }),
    });
    const { auth, http } = makeClient(server);
    await auth.login('a@example.com', 'pw');
    const failure = await sdk.entriesListEntries({ client: http }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).status).toBe(401);
    expect(server.calls.filter((c) => c.path === '/api/entries')).toHaveLength(2);
    expect(server.calls.filter((c) => c.path === '/api/auth/refresh')).toHaveLength(1);
  });

  it('signs out (no retry loop) when the refresh fails', async () => {
    const server = fakeServer({
      'POST /api/auth/login': () => json(200, { access_token: 'a1', expires_in: 900 }),
      'POST /api/auth/refresh': () => json(401, { code: 'session_revoked' }),
      'GET /api/entries': () => json(401, { code: 'session_revoked' }),
    });
    const { auth, http } = makeClient(server);
    await auth.login('a@example.com', 'pw');
    const failure = await sdk.entriesListEntries({ client: http }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).status).toBe(401);
    expect(auth.getState().status).toBe('signedOut');
    expect(auth.signOutReason).toBe('revoked'); // sign-in says "This device was signed out"
    expect(server.calls.filter((c) => c.path === '/api/entries')).toHaveLength(1);
  });

  it('a refresh refused for another reason (expired, missing) is not reported as a revocation', async () => {
    const server = fakeServer({
      'POST /api/auth/login': () => json(200, { access_token: 'a1', expires_in: 900 }),
      'POST /api/auth/refresh': () => json(401, { code: 'not_authenticated' }),
      'GET /api/entries': () => json(401, { code: 'token_expired' }),
    });
    const { auth, http } = makeClient(server);
    await auth.login('a@example.com', 'pw');
    await sdk.entriesListEntries({ client: http }).catch(() => undefined);
    expect(auth.getState().status).toBe('signedOut');
    expect(auth.signOutReason).toBeNull();
  });

  it('a refused sign-in throws an ApiError with the server code, and does not refresh', async () => {
    const server = fakeServer({
      'GET /api/auth/csrf': () => json(200, { csrf_token: 'x.y' }),
      'POST /api/auth/login': () =>
        json(403, { detail: 'Confirm your email first', code: 'email_not_verified' }),
    });
    const { auth } = makeClient(server);
    const failure = await auth.login('a@example.com', 'pw').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({
      status: 403,
      code: 'email_not_verified',
      message: 'Confirm your email first',
    });
    expect(server.calls.some((c) => c.path === '/api/auth/refresh')).toBe(false);
  });

  it('logs out with the CSRF header and forgets the token', async () => {
    document.cookie = 'csrftoken=n.s; path=/';
    const server = fakeServer({
      'POST /api/auth/login': () => json(200, { access_token: 'a1', expires_in: 900 }),
      'POST /api/auth/logout': () => new Response(null, { status: 204 }),
    });
    const { auth } = makeClient(server);
    await auth.login('a@example.com', 'pw');
    await auth.logout();
    const logout = server.calls.at(-1)!;
    expect(logout.path).toBe('/api/auth/logout');
    expect(logout.headers.get('X-CSRF-Token')).toBe('n.s');
    expect(logout.credentials).toBe('include');
    expect(auth.token).toBeNull();
    expect(auth.getState().status).toBe('signedOut');
    expect(auth.signOutReason).toBe('user'); // the shell sends to /signin without ?next=
  });
});

describe('body mode (M1)', () => {
  it('is chosen when the server has cookie refresh off', async () => {
    const server = fakeServer({
      'GET /api/config': () => json(200, { auth_cookie_refresh: false }),
    });
    const { auth } = makeClient(server, true);
    await auth.init();
    expect(auth.mode).toBe('body');
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
    const { auth } = makeClient(server, false);
    await auth.init(); // nothing stored yet: signed out without calling /refresh
    expect(auth.getState().status).toBe('signedOut');
    expect(server.calls.some((c) => c.path === '/api/auth/refresh')).toBe(false);
    await auth.login('a@example.com', 'pw');
    expect(localStorage.getItem(REFRESH_STORAGE_KEY)).toBe('r1');
    expect(await auth.refresh()).toBe(true);
    expect(auth.token).toBe('a2');
    expect(localStorage.getItem(REFRESH_STORAGE_KEY)).toBe('r2');
    await auth.logout();
    expect(JSON.parse(server.calls.at(-1)!.body)).toEqual({ refresh_token: 'r2' });
    expect(localStorage.getItem(REFRESH_STORAGE_KEY)).toBeNull();
  });

  it('sends no CSRF header and uses same-origin credentials', async () => {
    document.cookie = 'csrftoken=n.s; path=/';
    const server = fakeServer({
      'GET /api/config': () => json(200, { auth_cookie_refresh: false }),
      'POST /api/auth/login': () =>
        json(200, { access_token: 'a1', refresh_token: 'r1', expires_in: 900 }),
      'POST /api/entries': () => json(201, {}),
    });
    const { auth, http } = makeClient(server, false);
    await auth.init();
    await auth.login('a@example.com', 'pw');
    await sdk.entriesCreateEntry({ client: http, body: { title: 't' } });
    const post = server.calls.at(-1)!;
    expect(post.headers.get('X-CSRF-Token')).toBeNull();
    expect(post.headers.get('Authorization')).toBe('Bearer a1');
    expect(post.credentials).toBe('same-origin');
  });
});

describe('readCookie', () => {
  it('finds one cookie among many', () => {
    expect(readCookie('csrftoken', 'a=1; csrftoken=x.y%3D; b=2')).toBe('x.y=');
    expect(readCookie('missing', 'a=1')).toBeNull();
  });
});

describe('two-step sign-in', () => {
  const MFA = { mfa_required: true, mfa_token: 'ticket-1', methods: ['totp', 'recovery_code'] };

  it('login answers the challenge and stays signed out until the code step succeeds', async () => {
    document.cookie = 'csrftoken=n.s; path=/';
    const server = fakeServer({
      'GET /api/config': () => json(200, { auth_cookie_refresh: true }),
      'POST /api/auth/refresh': () => json(401, { code: 'not_authenticated' }),
      'POST /api/auth/login': () => json(200, MFA),
      'POST /api/auth/login/mfa': (call) =>
        JSON.parse(call.body).code === '123456'
          ? json(200, { access_token: 'a1', expires_in: 900 })
          : json(401, { code: 'mfa_invalid', detail: 'That code is not right.' }),
    });
    const { auth } = makeClient(server);
    await auth.init();
    const challenge = await auth.login('a@example.com', 'pw');
    expect(challenge).toEqual({ mfaToken: 'ticket-1', methods: ['totp', 'recovery_code'] });
    expect(auth.getState().status).toBe('signedOut');
    expect(auth.token).toBeNull();

    const wrong = await auth.loginMfa(challenge!, '000000').catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(ApiError);
    expect((wrong as ApiError).code).toBe('mfa_invalid');
    expect(auth.getState().status).toBe('signedOut');
    // A wrong code is an answer, not an expired session: no refresh attempt in between.
    expect(server.calls.filter((c) => c.path === '/api/auth/refresh')).toHaveLength(1);

    await auth.loginMfa(challenge!, ' 123456 ');
    const step = server.calls.at(-1)!;
    expect(JSON.parse(step.body)).toEqual({ mfa_token: 'ticket-1', code: '123456' });
    expect(step.headers.get('X-CSRF-Token')).toBe('n.s');
    expect(step.credentials).toBe('include');
    expect(auth.getState()).toEqual({ status: 'signedIn', mode: 'cookie' });
    expect(auth.token).toBe('a1');
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
  });

  it('in body mode the code step stores the refresh token like a plain sign-in', async () => {
    const server = fakeServer({
      'GET /api/config': () => json(200, { auth_cookie_refresh: false }),
      'POST /api/auth/login': () => json(200, MFA),
      'POST /api/auth/login/mfa': () =>
        json(200, { access_token: 'a1', refresh_token: 'r1', expires_in: 900 }),
    });
    const { auth } = makeClient(server, false);
    await auth.init();
    const challenge = await auth.login('a@example.com', 'pw');
    expect(localStorage.getItem(REFRESH_STORAGE_KEY)).toBeNull();
    await auth.loginMfa(challenge!, 'abcd-efgh');
    expect(localStorage.getItem(REFRESH_STORAGE_KEY)).toBe('r1');
    expect(auth.getState().status).toBe('signedIn');
  });

  it('a password sign-in without a second factor resolves null and signs in', async () => {
    const server = fakeServer({
      'POST /api/auth/login': () => json(200, { access_token: 'a1', expires_in: 900 }),
    });
    const { auth } = makeClient(server);
    expect(await auth.login('a@example.com', 'pw')).toBeNull();
    expect(auth.getState().status).toBe('signedIn');
  });

  it('passkey sign-in sends the challenge id and credential and signs in', async () => {
    const server = fakeServer({
      'POST /api/auth/passkeys/login/verify': () =>
        json(200, { access_token: 'pk', expires_in: 900 }),
    });
    const { auth } = makeClient(server);
    await auth.loginWithPasskey('c-1', { id: 'cred', type: 'public-key' });
    expect(JSON.parse(server.calls.at(-1)!.body)).toEqual({
      challenge_id: 'c-1',
      credential: { id: 'cred', type: 'public-key' },
    });
    expect(auth.token).toBe('pk');
  });

  it('forgetSession signs out locally and clears the stored refresh token', async () => {
    const server = fakeServer({
      'GET /api/config': () => json(200, { auth_cookie_refresh: false }),
      'POST /api/auth/login': () =>
        json(200, { access_token: 'a1', refresh_token: 'r1', expires_in: 900 }),
    });
    const { auth } = makeClient(server, false);
    await auth.init();
    await auth.login('a@example.com', 'pw');
    auth.forgetSession();
    expect(auth.getState().status).toBe('signedOut');
    expect(auth.token).toBeNull();
    expect(localStorage.getItem(REFRESH_STORAGE_KEY)).toBeNull();
  });
});
