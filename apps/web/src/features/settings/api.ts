import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api, type ChangePasswordIn, type ProfileUpdate } from '../../lib/api-client';
import { invalidateJournal, queryKeys } from '../../lib/query-keys';

export function useMe() {
  // Always re-validated on open: the page shows account details and security actions.
  return useQuery({
    queryKey: queryKeys.me,
    queryFn: async () => (await api.authMe()).data,
    staleTime: 0,
  });
}

export function useUpdateProfile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: ProfileUpdate) => (await api.authUpdateProfile({ body })).data,
    onSuccess: (user) => queryClient.setQueryData(queryKeys.me, user),
  });
}

export function useChangePassword() {
  return useMutation({
    mutationFn: async (body: ChangePasswordIn) => (await api.authChangePassword({ body })).data,
  });
}

export type ExportFormat = 'json' | 'markdown';

/** The whole journal as a file: its contents and the name the server suggests. */
export function useExportEntries() {
  return useMutation({
    mutationFn: async (format: ExportFormat) => {
      const { data, response } = await api.entriesExportEntries({
        query: { format },
        parseAs: 'blob',
      });
      const disposition = response.headers.get('Content-Disposition') ?? '';
      const name =
        /filename="([^"]+)"/.exec(disposition)?.[1] ??
        `journal.${format === 'json' ? 'json' : 'zip'}`;
      return { blob: data as unknown as Blob, name };
    },
  });
}

/** Import an export; afterwards only the journal's queries (entries, tags) are refreshed. */
export function useImportEntries() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (file: File) => (await api.entriesImportEntries({ body: { file } })).data,
    onSuccess: () => invalidateJournal(queryClient),
  });
}

export function useTagList() {
  return useQuery({
    queryKey: queryKeys.tags,
    queryFn: async () => (await api.entriesListTags()).data,
  });
}

/** Rename a tag on every entry (merging into an existing tag), then refresh the journal. */
export function useRenameTag() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ from, to }: { from: string; to: string }) =>
      (await api.entriesRenameTag({ path: { name: from }, body: { name: to } })).data,
    onSuccess: () => invalidateJournal(queryClient),
  });
}

export function useDeleteTag() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (name: string) => {
      await api.entriesDeleteTag({ path: { name } });
    },
    onSuccess: () => invalidateJournal(queryClient),
  });
}
