/**
 * The auth client: owns the access token (memory only), the refresh flow and CSRF.
 *
 * Two modes, following the server (`/api/config`) and the build flag together:
 * - cookie (M4.T1): the refresh token is an HttpOnly cookie the page never sees; every call
 *   uses `credentials: 'include'`; unsafe verbs echo the `csrftoken` cookie in X-CSRF-Token.
 * - body (M1): the refresh token is kept in localStorage and sent in JSON bodies.
 *
 * On a 401 the client refreshes once — single-flight within the tab, and serialised across
 * tabs with the Web Locks API plus a BroadcastChannel, so tabs do not race each other into
 * reuse detection — then retries the original request once.
 *
 * Written by hand: this is the app's own token policy, not something a library encodes.
 */

export type AuthMode = 'cookie' | 'body';
export type AuthStatus = 'loading' | 'signedIn' | 'signedOut';
export type AuthState = { status: AuthStatus; mode: AuthMode };

type Listener = () => void;
type TokenAnswer = { access_token: string; refresh_token?: string; expires_in: number };
type ChannelMessage = { type: 'token'; accessToken: string } | { type: 'signedOut' };

export const REFRESH_STORAGE_KEY = 'journal.refresh_token';
const CSRF_COOKIE = 'csrftoken';
const CSRF_HEADER = 'X-CSRF-Token';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// Calls whose 401 means "wrong credentials" or "no session", never "refresh and retry".
const NO_RETRY = ['/api/auth/login', '/api/auth/refresh', '/api/auth/logout'];

export function readCookie(name: string, cookies: string = document.cookie): string | null {
  for (const part of cookies.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}

export type AuthClientOptions = {
  fetch?: typeof fetch;
  /** Build flag VITE_AUTH_COOKIE_REFRESH: cookie mode only if the server agrees too. */
  cookieModeWanted?: boolean;
  storage?: Storage;
  channelName?: string;
};

export class AuthClient {
  private accessToken: string | null = null;
  private state: AuthState;
  private readonly listeners = new Set<Listener>();
  private readonly baseFetch: typeof fetch;
  private readonly storage: Storage;
  private readonly cookieModeWanted: boolean;
  private refreshing: Promise<boolean> | null = null;
  private channel: BroadcastChannel | null = null;

  constructor(options: AuthClientOptions = {}) {
    // Look fetch up at call time so tests (and polyfills) can replace it.
    this.baseFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.storage = options.storage ?? globalThis.localStorage;
    this.cookieModeWanted = options.cookieModeWanted ?? true;
    this.state = { status: 'loading', mode: this.cookieModeWanted ? 'cookie' : 'body' };
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

  private adopt(answer: TokenAnswer, broadcast = true): void {
    this.accessToken = answer.access_token;
    if (this.mode === 'body' && answer.refresh_token) {
      this.storage.setItem(REFRESH_STORAGE_KEY, answer.refresh_token);
    }
    this.setState({ status: 'signedIn' });
    if (broadcast) this.channel?.postMessage({ type: 'token', accessToken: answer.access_token });
  }

  /** Forget the session locally (the server side is handled by `logout`). */
  private signOutLocally(broadcast = true): void {
    this.accessToken = null;
    this.storage.removeItem(REFRESH_STORAGE_KEY);
    this.setState({ status: 'signedOut' });
    if (broadcast) this.channel?.postMessage({ type: 'signedOut' });
  }

  private onMessage(message: ChannelMessage): void {
    if (message.type === 'token') {
      this.accessToken = message.accessToken;
      this.setState({ status: 'signedIn' });
    } else {
      this.signOutLocally(false);
    }
  }

  // ---- start-up -----------------------------------------------------------------------------

  /** Pick the mode (build flag AND server), then restore the session via /refresh. */
  async init(): Promise<void> {
    let serverCookieMode = true;
    try {
      const response = await this.baseFetch('/api/config', { credentials: 'same-origin' });
      if (response.ok) {
        const config = (await response.json()) as { auth_cookie_refresh?: boolean };
        serverCookieMode = config.auth_cookie_refresh !== false;
      }
    } catch {
      // Offline: keep the build flag's choice; the refresh below will fail and sign out.
    }
    const mode: AuthMode = this.cookieModeWanted && serverCookieMode ? 'cookie' : 'body';
    this.state = { ...this.state, mode };
    if (mode === 'cookie') this.storage.removeItem(REFRESH_STORAGE_KEY);
    const restored = await this.refresh();
    if (!restored) this.setState({ status: 'signedOut' });
  }

  // ---- sign in / out ------------------------------------------------------------------------

  async login(email: string, password: string): Promise<Response> {
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      Accept: 'application/json',
    };
    // Every unsafe verb carries the CSRF header in cookie mode, sign-in included (the
    // server replaces the pre-sign-in token with one bound to the new session).
    const csrf = this.mode === 'cookie' ? await this.csrfToken() : null;
    if (csrf) headers[CSRF_HEADER] = csrf;
    const response = await this.baseFetch('/api/auth/login', {
      method: 'POST',
      credentials: this.credentials(),
      headers,
      body: JSON.stringify({ email, password }),
    });
    if (response.ok) this.adopt((await response.clone().json()) as TokenAnswer);
    return response;
  }

  async logout(): Promise<void> {
    try {
      if (this.mode === 'cookie') {
        const csrf = await this.csrfToken();
        await this.baseFetch('/api/auth/logout', {
          method: 'POST',
          credentials: 'include',
          headers: csrf ? { [CSRF_HEADER]: csrf } : {},
        });
      } else {
        const refreshToken = this.storage.getItem(REFRESH_STORAGE_KEY);
        const headers: Record<string, string> = { 'Content-Type': 'application/json' };
        if (this.accessToken) headers.Authorization = `Bearer ${this.accessToken}`;
        await this.baseFetch('/api/auth/logout', {
          method: 'POST',
          headers,
          body: JSON.stringify({ refresh_token: refreshToken }),
        });
      }
    } finally {
      this.signOutLocally();
    }
  }

  // ---- refresh ------------------------------------------------------------------------------

  /** Get a new access token. Concurrent callers in this tab share one request. */
  refresh(): Promise<boolean> {
    if (!this.refreshing) {
      const failedToken = this.accessToken;
      this.refreshing = this.acrossTabs(() => this.doRefresh(failedToken)).finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async acrossTabs(work: () => Promise<boolean>): Promise<boolean> {
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    if (!locks) return work();
    return locks.request('journal-auth-refresh', work);
  }

  private async doRefresh(failedToken: string | null): Promise<boolean> {
    // Another tab may have refreshed while we waited for the lock: use its token.
    if (this.accessToken && this.accessToken !== failedToken) return true;
    let response: Response;
    try {
      if (this.mode === 'cookie') {
        const csrf = readCookie(CSRF_COOKIE);
        response = await this.baseFetch('/api/auth/refresh', {
          method: 'POST',
          credentials: 'include',
          headers: csrf ? { [CSRF_HEADER]: csrf } : {},
        });
      } else {
        const refreshToken = this.storage.getItem(REFRESH_STORAGE_KEY);
        if (!refreshToken) return false;
        response = await this.baseFetch('/api/auth/refresh', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ refresh_token: refreshToken }),
        });
      }
    } catch {
      return false; // network failure: keep local state, the caller sees the original error
    }
    if (response.ok) {
      this.adopt((await response.json()) as TokenAnswer);
      return true;
    }
    if (response.status === 401) this.signOutLocally();
    return false;
  }

  // ---- CSRF ---------------------------------------------------------------------------------

  /** The csrftoken cookie, fetched from /api/auth/csrf when missing (cookie mode only). */
  async csrfToken(): Promise<string | null> {
    const existing = readCookie(CSRF_COOKIE);
    if (existing) return existing;
    const response = await this.baseFetch('/api/auth/csrf', { credentials: 'include' });
    if (!response.ok) return null;
    const body = (await response.json()) as { csrf_token: string };
    return readCookie(CSRF_COOKIE) ?? body.csrf_token;
  }

  private credentials(): RequestCredentials {
    return this.mode === 'cookie' ? 'include' : 'same-origin';
  }

  // ---- the fetch every API call goes through ------------------------------------------------

  fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const original = new Request(input, { ...init, credentials: this.credentials() });
    const retryable = !NO_RETRY.some((path) => new URL(original.url).pathname === path);
    // Keep an unread copy: a body can be sent only once.
    const spare = retryable ? original.clone() : null;
    const response = await this.send(original);
    if (response.status !== 401 || !spare || this.state.status === 'signedOut') return response;
    const refreshed = await this.refresh();
    if (!refreshed) return response;
    return this.send(spare);
  };

  private async send(request: Request): Promise<Response> {
    if (this.accessToken) request.headers.set('Authorization', `Bearer ${this.accessToken}`);
    if (this.mode === 'cookie' && UNSAFE.has(request.method)) {
      const csrf = await this.csrfToken();
      if (csrf) request.headers.set(CSRF_HEADER, csrf);
    }
    return this.baseFetch(request);
  }
}
