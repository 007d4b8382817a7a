import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';

import { api, type EntryCreate, type EntryOut, type EntryPatch } from '../../lib/api-client';
import { queryKeys, type EntryListFilters } from '../../lib/query-keys';

export type EntryFilters = EntryListFilters;

export function useEntries(filters: EntryFilters) {
  return useInfiniteQuery({
    queryKey: queryKeys.entries.list(filters),
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }) =>
      (
        await api.entriesListEntries({
          query: {
            limit: 20,
            cursor: pageParam,
            q: filters.q,
            tag: filters.tag,
            from: filters.from,
            to: filters.to,
            starred: filters.starred,
            mood: filters.mood,
          },
        })
      ).data,
    getNextPageParam: (page) => page.next_cursor ?? null,
    // The previous results stay on screen while the next query (a new search) loads.
    placeholderData: keepPreviousData,
  });
}

export function useTags() {
  return useQuery({
    queryKey: queryKeys.tags,
    queryFn: async () => (await api.entriesListTags()).data,
  });
}

export type LoadedEntry = { entry: EntryOut; etag: string | null };

/** The entry and its version (ETag), for `If-Match` on the next save. */
function loaded(result: { data: EntryOut; response: Response }): LoadedEntry {
  return { entry: result.data, etag: result.response.headers.get('ETag') };
}

export function useEntry(id: string | undefined) {
  return useQuery({
    queryKey: queryKeys.entries.detail(id ?? ''),
    enabled: Boolean(id),
    queryFn: async () => loaded(await api.entriesGetEntry({ path: { entry_id: id ?? '' } })),
  });
}

function useInvalidateEntries() {
  const queryClient = useQueryClient();
  return (entry?: LoadedEntry) => {
    if (entry) queryClient.setQueryData(queryKeys.entries.detail(entry.entry.id), entry);
    void queryClient.invalidateQueries({ queryKey: queryKeys.entries.lists });
    void queryClient.invalidateQueries({ queryKey: queryKeys.tags });
  };
}

export function useCreateEntry() {
  const invalidate = useInvalidateEntries();
  return useMutation({
    mutationFn: async (body: EntryCreate) => loaded(await api.entriesCreateEntry({ body })),
    onSuccess: (entry) => invalidate(entry),
  });
}

export function useUpdateEntry() {
  const invalidate = useInvalidateEntries();
  return useMutation({
    mutationFn: async ({ id, body, etag }: { id: string; body: EntryPatch; etag: string | null }) =>
      loaded(
        await api.entriesPatchEntry({
          path: { entry_id: id },
          body,
          headers: etag ? { 'If-Match': etag } : undefined,
        }),
      ),
    onSuccess: (entry) => invalidate(entry),
  });
}

export function useDeleteEntry() {
  const invalidate = useInvalidateEntries();
  return useMutation({
    mutationFn: async (id: string) => {
      await api.entriesDeleteEntry({ path: { entry_id: id } });
    },
    onSuccess: () => invalidate(),
  });
}

/** Star or unstar an entry from the list or the reading view (no If-Match: a one-field flip). */
export function useToggleStar() {
  const invalidate = useInvalidateEntries();
  return useMutation({
    mutationFn: async ({ id, starred }: { id: string; starred: boolean }) =>
      loaded(await api.entriesPatchEntry({ path: { entry_id: id }, body: { starred } })),
    onSuccess: (entry) => invalidate(entry),
  });
}

/** Entries written on this month and day in earlier years. */
export function useOnThisDay(date: string, enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.onThisDay(date),
    enabled,
    queryFn: async () => (await api.entriesOnThisDay({ query: { date } })).data,
  });
}
