import { env } from '../config/env';
import { client } from './api/gen/client.gen';
import { AuthClient } from './auth-client';

/** The app's single auth client; every generated SDK call goes through its fetch. */
export const authClient = new AuthClient({ cookieModeWanted: env.authCookieRefresh });

client.setConfig({ baseUrl: '', fetch: authClient.fetch });

export * as api from './api/gen/sdk.gen';
export type * from './api/gen/types.gen';
