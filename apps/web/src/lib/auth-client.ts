/**
 * The auth client: owns the access token (memory only), the refresh policy and CSRF, and
 * plugs them into the generated API client as interceptors. It never fetches by hand: the
 * auth endpoints are called through the generated SDK like every other one.
 *
 * Two modes, following the server (`/api/config`) and the build flag together:
 * - cookie (M4.T1): the refresh token is an HttpOnly cookie the page never sees; every call
 *   uses `credentials: 'include'`; unsafe verbs echo the `csrftoken` cookie in X-CSRF-Token.
 * - body (M1): the refresh token is kept in localStorage and sent in JSON bodies.
 *
 * On a 401 the response interceptor refreshes once — single-flight within the tab, and
 * serialised across tabs with the Web Locks API plus a BroadcastChannel, so tabs do not race
 * each other into reuse detection — then retries the original request once.
 */
import * as sdk from './api/gen/sdk.gen';
import type { Client } from './api/gen/client';
import type { PublicConfig, TokenOut } from './api/gen/types.gen';
import { ApiError } from './api-error';

/** What `/login` asks for when the account has a second factor: the code step's ticket. */
export type MfaChallenge = {
  /** Opaque, 5 minutes, single use; kept in memory only (never stored). */
  mfaToken: string;
  methods: Array<'totp' | 'recovery_code'>;
};

export type AuthMode = 'cookie' | 'body';
/** `unreachable`: the session could not be restored because the server did not answer. */
export type AuthStatus = 'loading' | 'signedIn' | 'signedOut' | 'unreachable';
/** Why the user is signed out: they asked to (`user`), or the server revoked this session. */
export type SignOutReason = 'user' | 'revoked' | null;
export type AuthState = { status: AuthStatus; mode: AuthMode };

type Listener = () => void;
type ChannelMessage = { type: 'token'; accessToken: string } | { type: 'signedOut' };
type RefreshOutcome = 'refreshed' | 'rejected' | 'unreachable';
type RequestOptions = { security?: ReadonlyArray<{ scheme?: string }> };

export const REFRESH_STORAGE_KEY = 'journal.refresh_token';
const CSRF_COOKIE = 'csrftoken';
const CSRF_HEADER = 'X-CSRF-Token';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const REFRESH_PATH = '/api/auth/refresh';
// Calls whose 401 means "wrong credentials" or "no session", never "refresh and retry".
const NO_RETRY = new Set([
  '/api/auth/login',
  '/api/auth/login/mfa',
  '/api/auth/passkeys/login/options',
  '/api/auth/passkeys/login/verify',
  REFRESH_PATH,
  '/api/auth/logout',
]);

export function readCookie(name: string, cookies: string = document.cookie): string | null {
  for (const part of cookies.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}

export type AuthClientOptions = {
  /** The generated API client to install the interceptors on. */
  client: Client;
  /** Build flag VITE_AUTH_COOKIE_REFRESH: cookie mode only if the server agrees too. */
  cookieModeWanted?: boolean;
  /** The server's public flags; defaults to one GET /api/config through `client`. */
  loadConfig?: () => Promise<Partial<PublicConfig>>;
  storage?: Storage;
  channelName?: string;
};

export class AuthClient {
  private accessToken: string | null = null;
  private reason: SignOutReason = null;
  private state: AuthState;
  private readonly listeners = new Set<Listener>();
  private readonly client: Client;
  private readonly storage: Storage;
  private readonly cookieModeWanted: boolean;
  private readonly loadConfig: () => Promise<Partial<PublicConfig>>;
  private refreshing: Promise<RefreshOutcome> | null = null;
  private channel: BroadcastChannel | null = null;
  // Unread copies of sent requests that may be retried after a refresh (a body is sent once).
  private readonly spares = new WeakMap<Request, Request>();

  constructor(options: AuthClientOptions) {
    this.client = options.client;
    this.storage = options.storage ?? globalThis.localStorage;
    this.cookieModeWanted = options.cookieModeWanted ?? true;
    this.loadConfig =
      options.loadConfig ??
      (async () => (await sdk.operationsPublicConfig({ client: this.client })).data);
    this.state = { status: 'loading', mode: this.cookieModeWanted ? 'cookie' : 'body' };
    this.client.setConfig({
      credentials: this.credentials(),
      auth: () => this.accessToken ?? undefined,
    });
    this.client.interceptors.request.use(this.onRequest);
    this.client.interceptors.response.use(this.onResponse);
    if (typeof BroadcastChannel !== 'undefined') {
      this.channel = new BroadcastChannel(options.channelName ?? 'journal-auth');
      this.channel.onmessage = (event: MessageEvent<ChannelMessage>) => this.onMessage(event.data);
    }
  }

  // ---- state --------------------------------------------------------------------------------

  getState = (): AuthState => this.state;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  get mode(): AuthMode {
    return this.state.mode;
  }

  /** Why the last sign-out happened (read when the status is `signedOut`). */
  get signOutReason(): SignOutReason {
    return this.reason;
  }

  get token(): string | null {
    return this.accessToken;
  }

  private setState(next: Partial<AuthState>): void {
    const merged = { ...this.state, ...next };
    if (merged.status !== this.state.status || merged.mode !== this.state.mode) {
      this.state = merged;
      this.listeners.forEach((listener) => listener());
    }
  }

  private setMode(mode: AuthMode): void {
    this.state = { ...this.state, mode };
    this.client.setConfig({ credentials: this.credentials() });
  }

  private adopt(answer: TokenOut, broadcast = true): void {
    this.accessToken = answer.access_token;
    if (this.mode === 'body' && answer.refresh_token) {
      this.storage.setItem(REFRESH_STORAGE_KEY, answer.refresh_token);
    }
    this.reason = null;
    this.setState({ status: 'signedIn' });
    if (broadcast) this.channel?.postMessage({ type: 'token', accessToken: answer.access_token });
  }

  /** Forget the session locally (the server side is handled by `logout`). */
  private signOutLocally(broadcast = true, reason: SignOutReason = null): void {
    this.accessToken = null;
    this.storage.removeItem(REFRESH_STORAGE_KEY);
    this.reason = reason;
    this.setState({ status: 'signedOut' });
    if (broadcast) this.channel?.postMessage({ type: 'signedOut' });
  }

  private onMessage(message: ChannelMessage): void {
    if (message.type === 'token') {
      this.accessToken = message.accessToken;
      this.reason = null;
      this.setState({ status: 'signedIn' });
    } else {
      this.signOutLocally(false, 'user');
    }
  }

  // ---- start-up -----------------------------------------------------------------------------

  /**
   * Pick the mode (build flag AND server), then restore the session via /refresh.
   * Called again (the Retry button) after the server was unreachable.
   */
  async init(): Promise<void> {
    this.setState({ status: 'loading' });
    let serverCookieMode = true;
    try {
      const config = await this.loadConfig();
      serverCookieMode = config.auth_cookie_refresh !== false;
    } catch {
      // Offline: keep the build flag's choice; the refresh below fails and says so.
    }
    const mode: AuthMode = this.cookieModeWanted && serverCookieMode ? 'cookie' : 'body';
    this.setMode(mode);
    if (mode === 'cookie') this.storage.removeItem(REFRESH_STORAGE_KEY);
    const outcome = await this.refreshOnce();
    if (outcome === 'unreachable') this.setState({ status: 'unreachable' });
    else if (outcome === 'rejected') this.setState({ status: 'signedOut' });
  }

  // ---- sign in / out ------------------------------------------------------------------------

  /**
   * Sign in with a password. Resolves `null` when signed in, or the second step's challenge
   * when the account has two-step sign-in on (then call `loginMfa` with a code); throws an
   * ApiError (e.g. code `email_not_verified`) when refused.
   */
  async login(email: string, password: string): Promise<MfaChallenge | null> {
    // The request interceptor adds the CSRF header in cookie mode, sign-in included (the
    // server replaces the pre-sign-in token with one bound to the new session).
    const { data } = await sdk.authLogin({ client: this.client, body: { email, password } });
    if ('mfa_token' in data) return { mfaToken: data.mfa_token, methods: data.methods };
    this.adopt(data);
    return null;
  }

  /**
   * The second step: a 6-digit TOTP code or a recovery code for the challenge `login` gave.
   * A wrong code throws an ApiError with code `mfa_invalid` (the challenge dies after 5).
   */
  async loginMfa(challenge: MfaChallenge, code: string): Promise<void> {
    const { data } = await sdk.authLoginMfa({
      client: this.client,
      body: { mfa_token: challenge.mfaToken, code: code.trim() },
    });
    this.adopt(data);
  }

  /** Passkey sign-in: the authenticator's answer to `/passkeys/login/options` (no MFA step). */
  async loginWithPasskey(challengeId: string, credential: Record<string, unknown>): Promise<void> {
    const { data } = await sdk.authPasskeyLoginVerify({
      client: this.client,
      body: { challenge_id: challengeId, credential },
    });
    this.adopt(data);
  }

  /** The account is gone (deleted): forget the session here and in the other tabs. */
  forgetSession(): void {
    this.signOutLocally();
  }

  /** End the session on the server if it answers, and always here. */
  async logout(): Promise<void> {
    try {
      if (this.mode === 'cookie') {
        await sdk.authLogout({ client: this.client });
      } else {
        const refreshToken = this.storage.getItem(REFRESH_STORAGE_KEY);
        await sdk.authLogout({ client: this.client, body: { refresh_token: refreshToken } });
      }
    } catch {
      // Unreachable or already gone: signing out locally is what the user asked for.
    } finally {
      this.signOutLocally(true, 'user');
    }
  }

  // ---- refresh ------------------------------------------------------------------------------

  /** Get a new access token. Concurrent callers in this tab share one request. */
  async refresh(): Promise<boolean> {
    return (await this.refreshOnce()) === 'refreshed';
  }

  private refreshOnce(): Promise<RefreshOutcome> {
    if (!this.refreshing) {
      const failedToken = this.accessToken;
      this.refreshing = this.acrossTabs(() => this.doRefresh(failedToken)).finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async acrossTabs(work: () => Promise<RefreshOutcome>): Promise<RefreshOutcome> {
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    if (!locks) return work();
    return locks.request('journal-auth-refresh', work);
  }

  private async doRefresh(failedToken: string | null): Promise<RefreshOutcome> {
    // Another tab may have refreshed while we waited for the lock: use its token.
    if (this.accessToken && this.accessToken !== failedToken) return 'refreshed';
    try {
      let answer: TokenOut;
      if (this.mode === 'cookie') {
        answer = (await sdk.authRefresh({ client: this.client })).data;
      } else {
        const refreshToken = this.storage.getItem(REFRESH_STORAGE_KEY);
        if (!refreshToken) return 'rejected';
        answer = (
          await sdk.authRefresh({ client: this.client, body: { refresh_token: refreshToken } })
        ).data;
      }
      this.adopt(answer);
      return 'refreshed';
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        // Revoked elsewhere (Devices, a password reset…) or reused: say so on the sign-in page.
        const revoked = error.code === 'session_revoked' || error.code === 'refresh_reused';
        this.signOutLocally(true, revoked ? 'revoked' : null);
      }
      // Otherwise keep local state; the caller sees the original error.
      return error instanceof ApiError && error.isNetwork ? 'unreachable' : 'rejected';
    }
  }

  // ---- CSRF ---------------------------------------------------------------------------------

  /** The csrftoken cookie, fetched from /api/auth/csrf when missing (cookie mode only). */
  async csrfToken(): Promise<string | null> {
    const existing = readCookie(CSRF_COOKIE);
    if (existing) return existing;
    try {
      const { data } = await sdk.authCsrf({ client: this.client });
      return readCookie(CSRF_COOKIE) ?? data.csrf_token;
    } catch (error) {
      if (error instanceof ApiError && !error.isNetwork) return null;
      throw error;
    }
  }

  private credentials(): RequestCredentials {
    return this.mode === 'cookie' ? 'include' : 'same-origin';
  }

  // ---- the interceptors every API call goes through -----------------------------------------

  /** Bearer (via the client's `auth` callback) is set already; add CSRF, keep a spare. */
  private onRequest = async (request: Request): Promise<Request> => {
    await this.addCsrf(request);
    if (!NO_RETRY.has(new URL(request.url).pathname)) this.spares.set(request, request.clone());
    return request;
  };

  /** On a 401: refresh once (shared), then send the spare copy once with the new token. */
  private onResponse = async (
    response: Response,
    request: Request,
    options: RequestOptions & { fetch?: (request: Request) => Promise<Response> },
  ): Promise<Response> => {
    const spare = this.spares.get(request);
    this.spares.delete(request);
    if (response.status !== 401 || !spare || this.state.status === 'signedOut') return response;
    if (!(await this.refresh())) return response;
    const needsBearer = options.security?.some((scheme) => scheme.scheme === 'bearer') ?? false;
    if (needsBearer && this.accessToken) {
      spare.headers.set('Authorization', `Bearer ${this.accessToken}`);
    }
    await this.addCsrf(spare);
    // Sent with the client's own fetch, not through the interceptors again: a request is
    // retried at most once.
    const send = options.fetch;
    if (!send) return response;
    try {
      return await send(spare);
    } catch {
      throw ApiError.network();
    }
  };

  private async addCsrf(request: Request): Promise<void> {
    if (this.mode !== 'cookie' || !UNSAFE.has(request.method)) return;
    // The refresh call itself only echoes a cookie it has; it never asks for a token first.
    const csrf =
      new URL(request.url).pathname === REFRESH_PATH
        ? readCookie(CSRF_COOKIE)
        : await this.csrfToken();
    if (csrf) request.headers.set(CSRF_HEADER, csrf);
  }
}
