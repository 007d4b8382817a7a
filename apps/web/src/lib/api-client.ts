/**
 * The app's one configured API client: the generated SDK with `throwOnError`, one error
 * interceptor (every failure becomes an ApiError) and the auth client's interceptors
 * (bearer, CSRF, refresh-and-retry-once). The only module that wires transport concerns.
 */
import { env } from '../config/env';
import { client } from './api/gen/client.gen';
import * as sdk from './api/gen/sdk.gen';
import type { PublicConfig } from './api/gen/types.gen';
import { throwApiErrors } from './api-error';
import { AuthClient } from './auth-client';

// Same origin; spelled out so requests also resolve where no document base exists (tests).
client.setConfig({ baseUrl: globalThis.location?.origin ?? '' });
throwApiErrors(client);

let config: Promise<PublicConfig> | null = null;

/** GET /api/config once per page: the auth client and the UI share the answer. */
export function loadServerConfig(): Promise<PublicConfig> {
  config ??= sdk.operationsPublicConfig().then(
    ({ data }) => data,
    (error: unknown) => {
      config = null; // not answered: the next caller (a Retry) asks again
      throw error;
    },
  );
  return config;
}

/** The app's single auth client; every generated SDK call goes through its interceptors. */
export const authClient = new AuthClient({
  client,
  cookieModeWanted: env.authCookieRefresh,
  loadConfig: loadServerConfig,
});

export { sdk as api };
export type * from './api/gen/types.gen';
