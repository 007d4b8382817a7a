// Issue 13 (web): account security without a second factor — change the email through the
// mailed /confirm-email link (token stripped from the address bar), and delete the account
// (typed confirmation + password), which signs out for good.
import { expect, test } from '@playwright/test';

import { mailedLink, newVerifiedUser, pathOf, uniqueEmail } from './fixtures';

const PASSWORD = 'my-account-my-rules';

test('change email: the mailed link confirms it and leaves no token in the URL', async ({
  page,
}) => {
  await newVerifiedUser(page, 'email-old', PASSWORD);
  const fresh = uniqueEmail('email-new');
  await page.goto('/settings/security');
  const form = page.getByRole('form', { name: 'Email address' });
  await form.getByLabel('New email address').fill(fresh);
  await form.getByLabel('Current password').fill(PASSWORD);
  await form.getByRole('button', { name: 'Change email' }).click();
  await expect(form.getByRole('status')).toContainText(fresh);

  await page.goto(pathOf(await mailedLink(page.request, fresh, '/confirm-email')));
  await expect(page.getByRole('status')).toContainText('Your email is changed');
  expect(new URL(page.url()).search).not.toContain('token');
  // The confirmation signs the other sessions out: in cookie mode this browser's own session
  // (its cookie went along) stays; in body mode the link's request named no session. Either
  // way the new address is the account's.
  await page.goto('/settings');
  const signInHeading = page.getByRole('heading', { name: 'Sign in' });
  const settingsHeading = page.getByRole('heading', { name: 'Settings', level: 1 });
  await expect(signInHeading.or(settingsHeading)).toBeVisible();
  if (await signInHeading.isVisible()) {
    await page.getByLabel('Email').fill(fresh);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }
  await expect(settingsHeading).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Email' })).toHaveValue(fresh);
});

test('delete account: typed confirmation and password, then signed out for good', async ({
  page,
}) => {
  const email = await newVerifiedUser(page, 'goodbye', PASSWORD);
  await page.goto('/settings/security');
  const form = page.getByRole('form', { name: 'Delete account' });
  const submit = form.getByRole('button', { name: 'Delete my account' });
  await form.getByLabel('Current password').fill(PASSWORD);
  await expect(submit).toBeDisabled();
  await form.getByLabel(/to confirm/).fill('delete my account');
  await submit.click();
  await expect(page).toHaveURL(/\/signin\?deleted=1/);
  await expect(page.getByRole('status')).toContainText('Your account and your journal are deleted');

  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await page.goto('/');
  await expect(page).toHaveURL(/\/signin/);
});
