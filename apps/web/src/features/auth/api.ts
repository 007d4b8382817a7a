import { useMutation } from '@tanstack/react-query';

import { api, authClient, type RegisterIn } from '../../lib/api-client';

export function useSignIn() {
  return useMutation({
    mutationFn: ({ email, password }: { email: string; password: string }) =>
      authClient.login(email, password),
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
