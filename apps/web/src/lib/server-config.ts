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
