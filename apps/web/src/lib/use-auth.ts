import { useSyncExternalStore } from 'react';

import { authClient } from './api-client';
import type { AuthState } from './auth-client';

export function useAuth(): AuthState {
  return useSyncExternalStore(authClient.subscribe, authClient.getState);
}
