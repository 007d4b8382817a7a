import { defineConfig, devices } from '@playwright/test';

// Debian's Chromium, never a downloaded browser build.
const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

// Ports can be moved (E2E_COOKIE_PORT, E2E_BODY_PORT) so that two checkouts can run the suite at once.
const COOKIE_PORT = Number(process.env.E2E_COOKIE_PORT ?? 8765); // both cookie flags on (the staging rollout)
const BODY_PORT = Number(process.env.E2E_BODY_PORT ?? 8766); // both cookie flags off (the backout / M1 body flow)
// Passkeys need a host name (not an IP) as RP ID: this server's public URL is localhost.
const PASSKEY_PORT = Number(process.env.E2E_PASSKEY_PORT ?? 8767);
const SMTP_PORT = process.env.E2E_SMTP_PORT ?? '8725';
const SINK_HTTP_PORT = process.env.E2E_SINK_HTTP_PORT ?? '8726';

function apiServer(
  port: number,
  cookieMode: boolean,
  { publicHost }: { publicHost?: string } = {},
) {
  const flag = String(cookieMode);
  // Cookie mode runs with the seed's staging flags, Secure cookies included: Chromium
  // treats http://127.0.0.1 as a secure context, so Secure cookies work here too.
  return {
    command: 'bash ../../scripts/e2e-server.sh',
    url: `http://127.0.0.1:${port}/api/health`,
    env: {
      E2E_API_PORT: String(port),
      E2E_SMTP_PORT: SMTP_PORT,
      ...(publicHost ? { E2E_PUBLIC_HOST: publicHost } : {}),
      JOURNAL_USER_MGMT_ENABLED: 'true',
      JOURNAL_AUTH_COOKIE_REFRESH: flag,
      COOKIE_SAMESITE: 'lax',
      COOKIE_SECURE_DEFAULT: flag,
      VITE_USER_MGMT_ENABLED: 'true',
      VITE_AUTH_COOKIE_REFRESH: flag,
    },
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: 'ignore' as const,
    stderr: 'pipe' as const,
  };
}

export default defineConfig({
  testDir: './tests/e2e',
  outputDir: './test-results',
  fullyParallel: false,
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 45_000,
  reporter: [['list']],
  use: { launchOptions, trace: 'retain-on-failure', screenshot: 'only-on-failure' },
  projects: [
    {
      name: 'cookie-mode',
      testMatch: [
        'auth-cookie.spec.ts',
        'journal.spec.ts',
        'devices.spec.ts',
        'offline.spec.ts',
        'drafts.spec.ts',
        'journal-views.spec.ts',
        'security-mfa.spec.ts',
        'security-account.spec.ts',
        'dayone-import.spec.ts',
        'a11y.spec.ts',
      ],
      use: {
        ...devices['Desktop Chrome'],
        launchOptions,
        baseURL: `http://127.0.0.1:${COOKIE_PORT}`,
      },
    },
    {
      name: 'body-mode',
      // The backout configuration: the M1 journey, and the Devices page and the offline
      // states in body mode too.
      testMatch: [
        'auth-body.spec.ts',
        'devices.spec.ts',
        'offline.spec.ts',
        'security-mfa.spec.ts',
        'security-account.spec.ts',
      ],
      use: {
        ...devices['Desktop Chrome'],
        launchOptions,
        baseURL: `http://127.0.0.1:${BODY_PORT}`,
      },
    },
    {
      name: 'passkeys',
      // Cookie mode on http://localhost (a secure context, a valid RP ID), with Chromium's
      // virtual authenticator standing in for a fingerprint reader.
      testMatch: ['security-passkeys.spec.ts'],
      use: {
        ...devices['Desktop Chrome'],
        launchOptions,
        baseURL: `http://localhost:${PASSKEY_PORT}`,
      },
    },
  ],
  webServer: [
    {
      command: 'node tests/e2e/mail-sink.mjs',
      url: `http://127.0.0.1:${SINK_HTTP_PORT}/health`,
      env: { E2E_SMTP_PORT: SMTP_PORT, E2E_SINK_HTTP_PORT: SINK_HTTP_PORT },
      reuseExistingServer: false,
      timeout: 30_000,
    },
    apiServer(COOKIE_PORT, true),
    apiServer(BODY_PORT, false),
    apiServer(PASSKEY_PORT, true, { publicHost: 'localhost' }),
  ],
});
