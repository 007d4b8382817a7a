import type { QueryClient } from '@tanstack/react-query';

/**
 * Every TanStack Query key of the app, in one place, so one feature can refresh another's
 * data (e.g. settings' import refreshes the journal) without importing that feature.
 */
export type EntryListFilters = {
  q?: string;
  tag?: string;
  from?: string;
  to?: string;
  starred?: boolean;
  mood?: number;
};

export const queryKeys = {
  config: ['config'] as const,
  me: ['me'] as const,
  sessions: ['sessions'] as const,
  entries: {
    all: ['entries'] as const,
    lists: ['entries', 'list'] as const,
    list: (filters: EntryListFilters) => ['entries', 'list', filters] as const,
    detail: (id: string) => ['entries', 'detail', id] as const,
  },
  tags: ['tags'] as const,
  calendar: (month: string) => ['entries', 'calendar', month] as const,
  onThisDay: (date: string) => ['entries', 'on-this-day', date] as const,
  stats: ['entries', 'stats'] as const,
  security: {
    mfa: ['security', 'mfa'] as const,
    passkeys: ['security', 'passkeys'] as const,
    activity: ['security', 'activity'] as const,
  },
};

/** After entries changed in bulk (an import): every entry query and the tag list. */
export async function invalidateJournal(queryClient: QueryClient): Promise<void> {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: queryKeys.entries.all }),
    queryClient.invalidateQueries({ queryKey: queryKeys.tags }),
  ]);
}
