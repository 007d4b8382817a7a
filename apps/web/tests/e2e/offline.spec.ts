// With the server unreachable the user is told so ("Can't reach the server") and gets a
// Retry button; queries retry a lost connection before giving up; nothing stays on
// "Loading…" for ever. Runs in cookie and body mode.
import { expect, test, type Page } from '@playwright/test';

import { E2E_USER, signIn } from './fixtures';

const OFFLINE = "Can't reach the server";

/** Every API call fails as with a dropped connection; returns the count per path. */
async function goOffline(page: Page): Promise<Map<string, number>> {
  const attempts = new Map<string, number>();
  await page.route('**/api/**', async (route) => {
    const path = new URL(route.request().url()).pathname;
    attempts.set(path, (attempts.get(path) ?? 0) + 1);
    await route.abort('internetdisconnected');
  });
  return attempts;
}

async function shot(page: Page, name: string): Promise<void> {
  const dir = process.env.E2E_SHOTS_DIR;
  if (!dir) return;
  const project = test.info().project.name;
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width > 500 ? 800 : 844 });
    await page.screenshot({ path: `${dir}/${name}-${project}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 720 });
}

test('a lost connection shows "Can\'t reach the server" with Retry, and Retry recovers', async ({
  page,
}) => {
  await page.goto('/signin');
  await signIn(page, E2E_USER.email, E2E_USER.password);

  // A page whose data cannot load: the profile card says why instead of "Loading…".
  const attempts = await goOffline(page);
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Settings' })
    .click();
  const alert = page.getByRole('alert').filter({ hasText: OFFLINE });
  await expect(alert).toBeVisible({ timeout: 15_000 });
  await expect(page.getByText('Loading…')).toHaveCount(0);
  await expect(page.getByText(/Request failed/)).toHaveCount(0);
  // A network failure is retried (twice) before the error shows.
  expect(attempts.get('/api/auth/me')).toBe(3);
  await shot(page, 'offline-settings');

  await page.unroute('**/api/**');
  await alert.getByRole('button', { name: 'Retry' }).click();
  await expect(page.getByLabel('Display name')).toBeVisible();
  await expect(alert).toHaveCount(0);

  // A reload while offline: the session cannot be restored, so say so (not "sign in").
  await goOffline(page);
  await page.reload();
  const boot = page.getByRole('alert').filter({ hasText: OFFLINE });
  await expect(boot).toBeVisible({ timeout: 15_000 });
  await expect(page).not.toHaveURL(/\/signin/);
  await shot(page, 'offline-start');

  await page.unroute('**/api/**');
  await boot.getByRole('button', { name: 'Retry' }).click();
  await expect(page.getByLabel('Display name')).toBeVisible();
});

test('calendar, stats and security say "Can\'t reach the server" with Retry, never "Loading…" for ever', async ({
  page,
}) => {
  await page.goto('/signin');
  await signIn(page, E2E_USER.email, E2E_USER.password);
  const nav = page.getByRole('navigation', { name: 'Main' });
  for (const [name, path, shotName] of [
    ['Calendar', '/calendar', 'offline-calendar'],
    ['Stats', '/stats', 'offline-stats'],
  ] as const) {
    await goOffline(page);
    await nav.getByRole('link', { name }).click();
    await expect(page).toHaveURL(new RegExp(`${path}$`));
    await expect(page.locator('main h1')).toBeVisible();
    const alert = page.getByRole('alert').filter({ hasText: OFFLINE }).first();
    await expect(alert).toBeVisible({ timeout: 15_000 });
    await expect(page.getByText('Loading…')).toHaveCount(0);
    await shot(page, shotName);
    await page.unroute('**/api/**');
    await alert.getByRole('button', { name: 'Retry' }).click();
    await expect(page.getByRole('alert').filter({ hasText: OFFLINE })).toHaveCount(0);
  }

  // Security is several cards, each loading on its own: each says why, none hangs.
  await nav.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await goOffline(page);
  await page.getByRole('link', { name: 'Security', exact: true }).click();
  await expect(page).toHaveURL(/\/settings\/security$/);
  await expect(page.getByRole('alert').filter({ hasText: OFFLINE }).first()).toBeVisible({
    timeout: 15_000,
  });
  await expect(page.getByText('Loading…')).toHaveCount(0, { timeout: 15_000 });
  await shot(page, 'offline-security');
});
