import { env } from '../config/env';
import { client } from './api/gen/client.gen';
import { AuthClient } from './auth-client';

/** The app's single auth client; every generated SDK call goes through its fetch. */
export const authClient = new AuthClient({ cookieModeWanted: env.authCookieRefresh });

// Same origin; spelled out so requests also resolve where no document base exists (tests).
client.setConfig({ baseUrl: globalThis.location?.origin ?? '', fetch: authClient.fetch });

export * as api from './api/gen/sdk.gen';
export type * from './api/gen/types.gen';
