import {
  startAuthentication,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';
import { useMutation } from '@tanstack/react-query';

import { api, authClient, type RegisterIn } from '../../lib/api-client';
import type { MfaChallenge } from '../../lib/auth-client';

/** Resolves the second step's challenge when the account has two-step sign-in on. */
export function useSignIn() {
  return useMutation({
    mutationFn: ({ email, password }: { email: string; password: string }) =>
      authClient.login(email, password),
  });
}

export function useMfaSignIn() {
  return useMutation({
    mutationFn: ({ challenge, code }: { challenge: MfaChallenge; code: string }) =>
      authClient.loginMfa(challenge, code),
  });
}

/** Options from the server, the browser's passkey prompt, then the verify step. */
export function usePasskeySignIn() {
  return useMutation({
    mutationFn: async () => {
      const { data } = await api.authPasskeyLoginOptions();
      const { challenge_id: challengeId, ...options } = data as Record<string, unknown>;
      const credential = await startAuthentication({
        optionsJSON: options as unknown as PublicKeyCredentialRequestOptionsJSON,
      });
      await authClient.loginWithPasskey(String(challengeId), { ...credential });
    },
  });
}

export function useRegister() {
  return useMutation({
    mutationFn: async (body: RegisterIn) => (await api.authRegister({ body })).data,
  });
}

export function useVerifyEmail({ onSuccess }: { onSuccess: () => void }) {
  return useMutation({
    mutationFn: async (token: string) => (await api.authVerify({ body: { token } })).data,
    onSuccess,
  });
}

export function useResendVerification() {
  return useMutation({
    mutationFn: async (email: string) =>
      (await api.authResendVerification({ body: { email } })).data,
  });
}

export function useForgotPassword() {
  return useMutation({
    mutationFn: async (email: string) => (await api.authForgotPassword({ body: { email } })).data,
  });
}

export function useResetPassword() {
  return useMutation({
    mutationFn: async (body: { token: string; password: string }) =>
      (await api.authResetPassword({ body })).data,
  });
}
