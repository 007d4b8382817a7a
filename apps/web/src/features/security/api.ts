import {
  startRegistration,
  type PublicKeyCredentialCreationOptionsJSON,
} from '@simplewebauthn/browser';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api, authClient } from '../../lib/api-client';
import { queryKeys } from '../../lib/query-keys';
import { leaveTo } from './leave';

/** The step-up every sensitive change asks for: the password, and a code when TOTP is on. */
export type StepUp = { password: string; code?: string };

function stepUpBody({ password, code }: StepUp) {
  const trimmed = code?.trim();
  return trimmed ? { password, code: trimmed } : { password };
}

export function useMfaStatus() {
  return useQuery({
    queryKey: queryKeys.security.mfa,
    queryFn: async () => (await api.authMfaStatus()).data,
    staleTime: 0,
  });
}

/**
 * After a second-factor change: its status and the activity log are stale. Not awaited by
 * the mutation, so the caller's own onSuccess (showing the new recovery codes) runs before
 * the refetched status re-renders the section.
 */
function useInvalidateSecurity() {
  const queryClient = useQueryClient();
  return () =>
    void Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.security.mfa }),
      queryClient.invalidateQueries({ queryKey: queryKeys.security.activity }),
      queryClient.invalidateQueries({ queryKey: queryKeys.sessions }),
    ]);
}

export function useTotpSetup() {
  return useMutation({
    mutationFn: async (stepUp: StepUp) =>
      (await api.authTotpSetup({ body: stepUpBody(stepUp) })).data,
  });
}

export function useTotpConfirm() {
  const invalidate = useInvalidateSecurity();
  return useMutation({
    mutationFn: async (code: string) =>
      (await api.authTotpConfirm({ body: { code: code.trim() } })).data,
    onSuccess: invalidate,
  });
}

export function useTotpDisable() {
  const invalidate = useInvalidateSecurity();
  return useMutation({
    mutationFn: async (stepUp: StepUp) =>
      (await api.authTotpDisable({ body: stepUpBody(stepUp) })).data,
    onSuccess: invalidate,
  });
}

export function useRegenerateRecoveryCodes() {
  const invalidate = useInvalidateSecurity();
  return useMutation({
    mutationFn: async (stepUp: StepUp) =>
      (await api.authRegenerateRecoveryCodes({ body: stepUpBody(stepUp) })).data,
    onSuccess: invalidate,
  });
}

export function usePasskeys(enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.security.passkeys,
    queryFn: async () => (await api.authListPasskeys()).data,
    enabled,
    staleTime: 0,
  });
}

function useInvalidatePasskeys() {
  const queryClient = useQueryClient();
  return () =>
    void Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.security.passkeys }),
      queryClient.invalidateQueries({ queryKey: queryKeys.security.mfa }),
      queryClient.invalidateQueries({ queryKey: queryKeys.security.activity }),
    ]);
}

/** Creation options from the server, the browser's passkey prompt, then the verify step. */
export function useAddPasskey() {
  const invalidate = useInvalidatePasskeys();
  return useMutation({
    mutationFn: async (name: string) => {
      const { data: options } = await api.authPasskeyRegisterOptions();
      const credential = await startRegistration({
        optionsJSON: options as unknown as PublicKeyCredentialCreationOptionsJSON,
      });
      return (
        await api.authPasskeyRegisterVerify({ body: { name, credential: { ...credential } } })
      ).data;
    },
    onSuccess: invalidate,
  });
}

export function useRenamePasskey() {
  const invalidate = useInvalidatePasskeys();
  return useMutation({
    mutationFn: async ({ id, name }: { id: string; name: string }) =>
      (await api.authRenamePasskey({ path: { passkey_id: id }, body: { name } })).data,
    onSuccess: invalidate,
  });
}

export function useDeletePasskey() {
  const invalidate = useInvalidatePasskeys();
  return useMutation({
    mutationFn: async ({ id, ...stepUp }: StepUp & { id: string }) => {
      await api.authDeletePasskey({ path: { passkey_id: id }, body: stepUpBody(stepUp) });
    },
    onSuccess: invalidate,
  });
}

/** The security activity log, newest first, one page at a time ("Show older"). */
export function useActivity() {
  return useInfiniteQuery({
    queryKey: queryKeys.security.activity,
    queryFn: async ({ pageParam }) =>
      (await api.authListActivity({ query: pageParam ? { cursor: pageParam } : undefined })).data,
    initialPageParam: '',
    getNextPageParam: (page) => page.next_cursor ?? undefined,
    staleTime: 0,
  });
}

export function useChangeEmail() {
  return useMutation({
    mutationFn: async ({ newEmail, ...stepUp }: StepUp & { newEmail: string }) =>
      (await api.authChangeEmail({ body: { new_email: newEmail.trim(), ...stepUpBody(stepUp) } }))
        .data,
  });
}

export function useConfirmEmail() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (token: string) => (await api.authConfirmEmail({ body: { token } })).data,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.me }),
  });
}

/**
 * Deletes the account, then leaves with a full page load to the sign-in page and forgets
 * the session here and in the other tabs: nothing of the account stays in memory. (Done
 * here, not by the caller: signing out unmounts the page that asked.)
 */
export function useDeleteAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (stepUp: StepUp) => {
      await api.authDeleteAccount({ body: stepUpBody(stepUp) });
    },
    onSuccess: () => {
      leaveTo('/signin?deleted=1');
      authClient.forgetSession();
      queryClient.clear();
    },
  });
}
