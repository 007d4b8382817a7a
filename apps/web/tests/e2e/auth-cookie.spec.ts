// M4.T1 cookie refresh + CSRF, in Chromium against a server started with the staging flags
// (JOURNAL_USER_MGMT_ENABLED=true JOURNAL_AUTH_COOKIE_REFRESH=true COOKIE_SAMESITE=lax
// COOKIE_SECURE_DEFAULT=true; VITE_USER_MGMT_ENABLED=true VITE_AUTH_COOKIE_REFRESH=true). Covers the seed's PR A
// reviewer checklist and §4 smoke steps.
import { expect, test, type Request } from '@playwright/test';

import { E2E_USER, mailedLink, pathOf, signIn, signUp, storageDump, uniqueEmail } from './fixtures';

const PASSWORD = 'river-stones-and-lanterns';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

test('sign up → verify by mail → sign in sets the refresh cookie; JSON has the access token only', async ({
  page,
  request,
  context,
}) => {
  const email = uniqueEmail('cookie');
  await signUp(page, email, PASSWORD);
  const link = await mailedLink(request, email, '/verify');
  await page.goto(pathOf(link));
  await expect(page).toHaveURL(/\/signin\?verified=1$/);
  await expect(page.getByText('Your email is confirmed')).toBeVisible();

  const loginResponse = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
  await signIn(page, email, PASSWORD);
  const response = await loginResponse;
  expect(Object.keys(await response.json()).sort()).toEqual([
    'access_token',
    'expires_in',
    'token_type',
  ]);
  const setCookies = (await response.headersArray())
    .filter((h) => h.name.toLowerCase() === 'set-cookie')
    .map((h) => h.value);
  const refreshHeader = setCookies.find((value) => value.startsWith('refresh_token='));
  expect(refreshHeader).toBeDefined();
  expect(refreshHeader).toMatch(/;\s*HttpOnly/i);
  expect(refreshHeader).toMatch(/;\s*SameSite=Lax/i);
  expect(refreshHeader).toMatch(/;\s*Path=\/api\/auth(;|$)/);
  expect(refreshHeader).toMatch(/;\s*Secure/i); // COOKIE_SECURE_DEFAULT=true, as in staging
  const csrfHeader = setCookies.find((value) => value.startsWith('csrftoken='));
  expect(csrfHeader).toMatch(/;\s*Path=\/(;|$)/);
  expect(csrfHeader).not.toMatch(/HttpOnly/i);

  const cookies = await context.cookies();
  const refresh = cookies.find((c) => c.name === 'refresh_token');
  expect(refresh).toMatchObject({
    httpOnly: true,
    secure: true,
    sameSite: 'Lax',
    path: '/api/auth',
  });
  const dump = await storageDump(page);
  expect(dump).not.toContain(refresh!.value);
  expect(dump.toLowerCase()).not.toContain('refresh');

  // The session survives a reload (restored through /refresh), then sign-out ends it.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Your journal' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin/);
  await page.goto('/');
  await expect(page).toHaveURL(/\/signin/);
});

test('a 401 triggers exactly one refresh; the original request is retried once and succeeds', async ({
  page,
}) => {
  await page.goto('/signin');
  await signIn(page, E2E_USER.email, E2E_USER.password);

  const unsafe: Request[] = [];
  page.on('request', (r) => {
    if (UNSAFE.has(r.method()) && new URL(r.url()).pathname.startsWith('/api/')) unsafe.push(r);
  });
  let refreshes = 0;
  page.on('request', (r) => {
    if (r.url().endsWith('/api/auth/refresh')) refreshes += 1;
  });
  // The server answers the first save as it would with an expired access token.
  let expired = false;
  await page.route('**/api/entries', async (route) => {
    if (route.request().method() === 'POST' && !expired) {
      expired = true;
      await route.fulfill({
        status: 401,
        contentType: 'application/json',
        body: JSON.stringify({ detail: 'Access token expired', code: 'token_expired' }),
      });
      return;
    }
    await route.continue();
  });

  const title = `Retried ${Date.now()}`;
  await page.getByRole('link', { name: 'New entry' }).click();
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Entry (markdown)').fill('Saved after one refresh.');
  const saved = page.waitForResponse(
    (r) =>
      r.url().endsWith('/api/entries') && r.request().method() === 'POST' && r.status() === 201,
  );
  await page.getByRole('button', { name: 'Save entry' }).click();
  await saved;
  await expect(page).toHaveURL(/\/entries\/[0-9a-f-]{36}\/edit$/);
  expect(refreshes).toBe(1);
  const posts = unsafe.filter((r) => new URL(r.url()).pathname === '/api/entries');
  expect(posts).toHaveLength(2); // the original and its single retry
  expect(posts[1]!.postData()).toBe(posts[0]!.postData());

  // Every unsafe call carried the CSRF header matching the cookie, and the cookies.
  expect(unsafe.length).toBeGreaterThanOrEqual(3);
  for (const r of unsafe) {
    const headers = await r.allHeaders();
    expect(headers['x-csrf-token'], `${r.method()} ${r.url()}`).toBeTruthy();
    expect(headers.cookie ?? '').toContain(`csrftoken=${headers['x-csrf-token']}`);
  }
  const refreshCall = unsafe.find((r) => r.url().endsWith('/api/auth/refresh'))!;
  expect(refreshCall.postData() ?? '').toBe('');
  expect((await refreshCall.allHeaders()).cookie).toContain('refresh_token=');

  await page.getByRole('button', { name: 'Back to journal' }).click();
  await expect(page.getByRole('link', { name: new RegExp(title) })).toHaveCount(1);
  expect(await storageDump(page)).not.toMatch(/refresh/i);
});

test('logout is 403 without the CSRF header and 204 with it, clearing the cookies', async ({
  page,
  context,
}) => {
  await page.goto('/signin');
  await signIn(page, E2E_USER.email, E2E_USER.password);

  const without = await page.evaluate(
    async () =>
      (await fetch('/api/auth/logout', { method: 'POST', credentials: 'include' })).status,
  );
  expect(without).toBe(403);

  const withHeader = await page.evaluate(async () => {
    const csrf = await (await fetch('/api/auth/csrf', { credentials: 'include' })).json();
    const response = await fetch('/api/auth/logout', {
      method: 'POST',
      credentials: 'include',
      headers: { 'X-CSRF-Token': csrf.csrf_token },
    });
    return response.status;
  });
  expect(withHeader).toBe(204);
  const names = (await context.cookies()).map((c) => c.name);
  expect(names).not.toContain('refresh_token');
  expect(names).not.toContain('csrftoken');

  await page.reload();
  await expect(page).toHaveURL(/\/signin/);
});

test('two tabs that both hit a 401 at once share one refresh and keep the session', async ({
  context,
}) => {
  const first = await context.newPage();
  await first.goto('/signin');
  await signIn(first, E2E_USER.email, E2E_USER.password);
  const second = await context.newPage();
  await second.goto('/');
  await expect(second.getByRole('heading', { name: 'Your journal' })).toBeVisible();

  // Both tabs get a 401 on their next call, as with an expired access token.
  let refreshes = 0;
  context.on('request', (r) => {
    if (r.url().endsWith('/api/auth/refresh')) refreshes += 1;
  });
  const expired = new Set<string>();
  await context.route('**/api/tags', async (route) => {
    const tab = route.request().frame().page() === first ? 'first' : 'second';
    if (!expired.has(tab)) {
      expired.add(tab);
      await route.fulfill({
        status: 401,
        contentType: 'application/json',
        body: JSON.stringify({ detail: 'Access token expired', code: 'token_expired' }),
      });
      return;
    }
    await route.continue();
  });
  await Promise.all([first.reload(), second.reload()]);
  await expect(first.getByRole('heading', { name: 'Your journal' })).toBeVisible();
  await expect(second.getByRole('heading', { name: 'Your journal' })).toBeVisible();
  await expect.poll(() => expired.size).toBe(2);
  // Page loads restore the session through /refresh, then each tab's 401 needs a token:
  // the Web Locks lock makes the tabs take turns, so nobody presents a rotated-out token.
  await first.getByRole('link', { name: 'New entry' }).click();
  await first.getByLabel('Title').fill(`Two tabs ${Date.now()}`);
  await first.getByLabel('Entry (markdown)').fill('Still signed in.');
  await first.getByRole('button', { name: 'Save entry' }).click();
  await expect(first).toHaveURL(/\/entries\/[0-9a-f-]{36}\/edit$/);
  await second.reload();
  await expect(second.getByRole('heading', { name: 'Your journal' })).toBeVisible();
  expect(refreshes).toBeGreaterThanOrEqual(2);
});
