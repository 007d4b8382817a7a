// Issue 13 (web): passkeys, on a server whose public URL is http://localhost (browsers
// refuse an IP address as RP ID), with Chromium's virtual authenticator (CDP WebAuthn).
// Add a passkey in Settings → Security, rename it, sign out, sign in with it (no password,
// no second step), then remove it with the password step-up.
import { expect, test, type Page } from '@playwright/test';

import { mailedLink, pathOf, shootSchemes, signUp, uniqueEmail } from './fixtures';

const PASSWORD = 'keys-without-passwords';

async function virtualAuthenticator(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
}

test('add, rename, sign in with and remove a passkey', async ({ page }) => {
  await virtualAuthenticator(page);
  const email = uniqueEmail('passkey');
  await signUp(page, email, PASSWORD);
  await page.goto(pathOf(await mailedLink(page.request, email, '/verify')));
  await expect(page).toHaveURL(/verified=1/);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Your journal' })).toBeVisible();

  await page.goto('/settings/security');
  const section = page.getByRole('region', { name: 'Passkeys' });
  await expect(section.getByText('No passkeys yet.')).toBeVisible();
  await section.getByLabel('Name for the new passkey').fill('Laptop');
  await section.getByRole('button', { name: 'Add a passkey' }).click();
  await expect(section.getByRole('status')).toContainText('Passkey “Laptop” added.');
  const list = section.getByRole('list', { name: 'Your passkeys' });
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await expect(list).toContainText('never used');

  await section.getByRole('button', { name: 'Rename Laptop' }).click();
  await section.getByLabel('Passkey name').fill('Work laptop');
  await section.getByRole('button', { name: 'Save name' }).click();
  await expect(list).toContainText('Work laptop');
  await shootSchemes(page, 'security-passkeys');

  // Passkey-only sign-in: no email, no password, no second step.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await shootSchemes(page, 'security-signin-passkey');
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  // A sign-out carries no `next`: the journal first, then back to Security.
  await expect(page.getByRole('heading', { name: 'Your journal' })).toBeVisible();
  await page.goto('/settings/security');
  await expect(page.getByRole('heading', { name: 'Security', level: 1 })).toBeVisible();
  await expect(list).not.toContainText('never used');
  await expect(page.locator('.activity-list')).toContainText('Signed in with a passkey');

  // Removing it asks for the password; a wrong one is refused.
  await section.getByRole('button', { name: 'Remove Work laptop' }).click();
  const removal = section.getByRole('form', { name: 'Remove Work laptop' });
  await removal.getByLabel('Current password').fill('not-the-password');
  await removal.getByRole('button', { name: 'Remove passkey' }).click();
  await expect(removal.getByRole('alert')).toBeVisible();
  await removal.getByLabel('Current password').fill(PASSWORD);
  await removal.getByRole('button', { name: 'Remove passkey' }).click();
  await expect(section.getByText('No passkeys yet.')).toBeVisible();
});
