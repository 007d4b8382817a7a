// The M1 body flow (both cookie flags off: the backout configuration). Same journey as
// cookie mode: sign up → verify by mail → sign in → write → reload → sign out.
import { expect, test } from '@playwright/test';

import { mailedLink, pathOf, signIn, signUp, uniqueEmail } from './fixtures';

const PASSWORD = 'quiet-harbour-at-dawn';

test('M1 journey in body mode: refresh token in the body and localStorage, no cookies', async ({
  page,
  request,
  context,
}) => {
  const email = uniqueEmail('body');
  await signUp(page, email, PASSWORD);
  const link = await mailedLink(request, email, '/verify');
  await page.goto(pathOf(link));
  await expect(page).toHaveURL(/\/signin\?verified=1$/);

  const loginResponse = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
  await signIn(page, email, PASSWORD);
  const login = await loginResponse;
  const body = await login.json();
  expect(Object.keys(body).sort()).toEqual([
    'access_token',
    'expires_in',
    'refresh_token',
    'token_type',
  ]);
  expect(await login.headerValue('set-cookie')).toBeNull();
  expect((await context.cookies()).map((c) => c.name)).not.toContain('refresh_token');
  const stored = await page.evaluate(() => localStorage.getItem('journal.refresh_token'));
  expect(stored).toBe(body.refresh_token);

  await page.getByRole('link', { name: 'New entry' }).click();
  await page.getByLabel('Title').fill('Body mode entry');
  await page.getByLabel('Entry (markdown)').fill('Written with the M1 flow.');
  await page.getByRole('button', { name: 'Save entry' }).click();
  await expect(page).toHaveURL(/\/entries\/[0-9a-f-]{36}\/edit$/);

  // Reload: the stored refresh token restores the session with a JSON body refresh.
  const refresh = page.waitForRequest((r) => r.url().endsWith('/api/auth/refresh'));
  await page.goto('/');
  const refreshRequest = await refresh;
  expect(JSON.parse(refreshRequest.postData() ?? '{}')).toEqual({ refresh_token: stored });
  await expect(page.getByRole('link', { name: /Body mode entry/ })).toBeVisible();
  const rotated = await page.evaluate(() => localStorage.getItem('journal.refresh_token'));
  expect(rotated).not.toBe(stored);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin/);
  expect(await page.evaluate(() => localStorage.getItem('journal.refresh_token'))).toBeNull();
});

test('forgot password → reset by mail → sign in with the new password', async ({
  page,
  request,
}) => {
  const email = uniqueEmail('reset');
  await signUp(page, email, PASSWORD);
  await page.goto(pathOf(await mailedLink(request, email, '/verify')));
  await expect(page).toHaveURL(/verified=1/);

  await page.goto('/forgot-password');
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Send reset link' }).click();
  await expect(page.getByText('is on its way')).toBeVisible();
  await page.goto(pathOf(await mailedLink(request, email, '/reset-password')));
  await expect(page).toHaveURL(/\/reset-password$/); // the token is stripped from the URL
  await page.getByLabel('New password', { exact: true }).fill('a-whole-new-passphrase');
  await page.getByLabel('Repeat the new password').fill('a-whole-new-passphrase');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page).toHaveURL(/\/signin\?reset=1$/);
  await signIn(page, email, 'a-whole-new-passphrase');
});
