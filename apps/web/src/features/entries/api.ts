import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api, type EntryCreate, type EntryOut, type EntryPatch } from '../../lib/api-client';
import { unwrap } from '../../lib/api-error';

export type EntryFilters = { q?: string; tag?: string; from?: string; to?: string };

export const entryKeys = {
  all: ['entries'] as const,
  list: (filters: EntryFilters) => ['entries', 'list', filters] as const,
  detail: (id: string) => ['entries', 'detail', id] as const,
  tags: ['tags'] as const,
};

export function useEntries(filters: EntryFilters) {
  return useInfiniteQuery({
    queryKey: entryKeys.list(filters),
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.entriesListEntries({
          query: {
            limit: 20,
            cursor: pageParam,
            q: filters.q,
            tag: filters.tag,
            from: filters.from,
            to: filters.to,
          },
        }),
      ),
    getNextPageParam: (page) => page.next_cursor ?? null,
  });
}

export function useTags() {
  return useQuery({
    queryKey: entryKeys.tags,
    queryFn: async () => unwrap(await api.entriesListTags()),
  });
}

export type LoadedEntry = { entry: EntryOut; etag: string | null };

export function useEntry(id: string | undefined) {
  return useQuery({
    queryKey: entryKeys.detail(id ?? ''),
    enabled: Boolean(id),
    queryFn: async (): Promise<LoadedEntry> => {
      const result = await api.entriesGetEntry({ path: { entry_id: id ?? '' } });
      return { entry: unwrap(result), etag: result.response?.headers.get('ETag') ?? null };
    },
  });
}

function useInvalidateEntries() {
  const queryClient = useQueryClient();
  return (entry?: EntryOut, etag?: string | null) => {
    if (entry) queryClient.setQueryData(entryKeys.detail(entry.id), { entry, etag: etag ?? null });
    void queryClient.invalidateQueries({ queryKey: ['entries', 'list'] });
    void queryClient.invalidateQueries({ queryKey: entryKeys.tags });
  };
}

export function useCreateEntry() {
  const invalidate = useInvalidateEntries();
  return useMutation({
    mutationFn: async (body: EntryCreate) => {
      const result = await api.entriesCreateEntry({ body });
      return { entry: unwrap(result), etag: result.response?.headers.get('ETag') ?? null };
    },
    onSuccess: ({ entry, etag }) => invalidate(entry, etag),
  });
}

export function useUpdateEntry() {
  const invalidate = useInvalidateEntries();
  return useMutation({
    mutationFn: async ({
      id,
      body,
      etag,
    }: {
      id: string;
      body: EntryPatch;
      etag: string | null;
    }) => {
      const result = await api.entriesPatchEntry({
        path: { entry_id: id },
        body,
        headers: etag ? { 'If-Match': etag } : undefined,
      });
      return { entry: unwrap(result), etag: result.response?.headers.get('ETag') ?? null };
    },
    onSuccess: ({ entry, etag }) => invalidate(entry, etag),
  });
}

export function useDeleteEntry() {
  const invalidate = useInvalidateEntries();
  return useMutation({
    mutationFn: async (id: string) => {
      unwrap(await api.entriesDeleteEntry({ path: { entry_id: id } }));
    },
    onSuccess: () => invalidate(),
  });
}
