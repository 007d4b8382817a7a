import { useQuery } from '@tanstack/react-query';

import { env } from '../config/env';
import { api } from './api-client';
import { unwrap } from './api-error';

/** Self-service sign-up/reset UI shows only when the build flag and the server agree. */
export function useUserMgmtEnabled(): boolean {
  const config = useQuery({
    queryKey: ['config'],
    queryFn: async () => unwrap(await api.operationsPublicConfig()),
    staleTime: Infinity,
  });
  return env.userMgmtEnabled && config.data?.user_mgmt_enabled !== false;
}
