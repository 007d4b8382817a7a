// The one place that reads Vite build flags. Each defaults to true (SPEC §2).
function flag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return !['false', '0', 'no', 'off'].includes(value.trim().toLowerCase());
}

export const env = {
  userMgmtEnabled: flag(import.meta.env.VITE_USER_MGMT_ENABLED, true),
  authCookieRefresh: flag(import.meta.env.VITE_AUTH_COOKIE_REFRESH, true),
} as const;

export { flag as parseFlag };
