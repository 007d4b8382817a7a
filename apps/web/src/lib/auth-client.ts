/**
 * The auth client: holds the access token in memory only and wraps `fetch` so every API
 * call carries it. Written by hand because the token lifecycle (who may refresh, when a
 * 401 means "signed out") is this app's own policy, not something a library encodes.
 */

export type AuthState = { signedIn: boolean };
type Listener = () => void;

export type LoginResult = { access_token: string; expires_in: number };

export class AuthClient {
  private accessToken: string | null = null;
  private readonly listeners = new Set<Listener>();
  private state: AuthState = { signedIn: false };
  private readonly baseFetch: typeof fetch;

  constructor(baseFetch?: typeof fetch) {
    // Look fetch up at call time so tests (and polyfills) can replace it.
    this.baseFetch = baseFetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  getState = (): AuthState => this.state;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  get token(): string | null {
    return this.accessToken;
  }

  /** Adopt a fresh access token (after login) or forget it (null). */
  setAccessToken(token: string | null): void {
    this.accessToken = token;
    const signedIn = token !== null;
    if (signedIn !== this.state.signedIn) {
      this.state = { signedIn };
      this.listeners.forEach((listener) => listener());
    }
  }

  async login(email: string, password: string): Promise<Response> {
    const response = await this.baseFetch('/api/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (response.ok) {
      const body = (await response.clone().json()) as LoginResult;
      this.setAccessToken(body.access_token);
    }
    return response;
  }

  signOut(): void {
    this.setAccessToken(null);
  }

  /** `fetch` for the generated API client: adds the bearer token; a 401 signs out. */
  fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const token = this.accessToken;
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    const response = await this.baseFetch(request);
    if (response.status === 401 && token !== null && token === this.accessToken) {
      this.signOut();
    }
    return response;
  };
}
