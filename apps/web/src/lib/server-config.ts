import { useQuery } from '@tanstack/react-query';

import { env } from '../config/env';
import { loadServerConfig } from './api-client';
import { queryKeys } from './query-keys';

/** Self-service sign-up/reset UI shows only when the build flag and the server agree. */
export function useUserMgmtEnabled(): boolean {
  const config = useQuery({
    queryKey: queryKeys.config,
    queryFn: loadServerConfig,
    staleTime: Infinity,
  });
  return env.userMgmtEnabled && config.data?.user_mgmt_enabled !== false;
}

/** Passkeys show only when the server offers them (a non-IP public URL) and the browser can. */
export function usePasskeysAvailable(): boolean {
  const config = useQuery({
    queryKey: queryKeys.config,
    queryFn: loadServerConfig,
    staleTime: Infinity,
  });
  return config.data?.passkeys === true && typeof window.PublicKeyCredential === 'function';
}
