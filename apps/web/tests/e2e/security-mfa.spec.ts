// Issue 13 (web): two-step sign-in, in cookie and in body mode. A user turns TOTP on from
// Settings → Security reading the key from the page, signs out, and signs in with a code
// computed here (RFC 6238); another signs in with a recovery code, which then works once.
import { expect, test, type Page } from '@playwright/test';

import { newVerifiedUser, shootSchemes } from './fixtures';
import { totp } from './totp';

const PASSWORD = 'two-steps-are-better';

/** Turn TOTP on from the Security page; returns the key read from the page and the codes. */
async function enrolTotp(page: Page): Promise<{ secret: string; codes: string[] }> {
  await page.goto('/settings');
  await page.getByRole('link', { name: 'Security', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Security', level: 1 })).toBeVisible();
  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  const start = page.getByRole('form', { name: 'Set up an authenticator app' });
  await start.getByLabel('Current password').fill(PASSWORD);
  await start.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('img', { name: /QR code/ })).toBeVisible();
  await page.getByText("Can't scan it? Type this key instead").click();
  if (test.info().project.name === 'cookie-mode') await shootSchemes(page, 'security-setup');
  const secret = (await page.getByTestId('totp-secret').textContent())!.replace(/\s+/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
  await page.getByLabel('6-digit code').fill(totp(secret));
  await page.getByRole('button', { name: 'Turn on' }).click();
  const list = page.getByRole('list', { name: 'Recovery codes' });
  await expect(list.getByRole('listitem')).toHaveCount(10);
  const codes = (await list.getByRole('listitem').allTextContents()).map((c) => c.trim());
  return { secret, codes };
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
}

async function passwordStep(page: Page, email: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Two-step verification' })).toBeVisible();
}

/** Signed in again after signing out: on the journal (a sign-out carries no `next`, so the
 * next person at this browser does not land on the last user's page), then to Security. */
async function expectSignedInOnSecurity(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Your journal' })).toBeVisible();
  await page.goto('/settings/security');
  await expect(page.getByRole('heading', { name: 'Security', level: 1 })).toBeVisible();
}

test('TOTP: enrol from the page, sign out, sign in with a generated code', async ({ page }) => {
  const email = await newVerifiedUser(page, 'totp', PASSWORD);
  const { secret } = await enrolTotp(page);
  // The .txt download holds the same codes.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download .txt' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('journal-recovery-codes.txt');
  await page.getByRole('button', { name: 'I saved them' }).click();
  await expect(page.getByText('Recovery codes left:')).toContainText('10');
  const cookieMode = test.info().project.name === 'cookie-mode';
  if (cookieMode) await shootSchemes(page, 'security-settings');

  await signOut(page);
  await passwordStep(page, email);
  const code = page.getByLabel('6-digit code');
  await expect(code).toHaveAttribute('autocomplete', 'one-time-code');
  if (cookieMode) await shootSchemes(page, 'security-mfa-step');
  // A wrong code is refused and the step stays.
  const wrong = String((Number(totp(secret)) + 500_000) % 1_000_000).padStart(6, '0');
  await code.fill(wrong);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('alert')).toContainText('not valid');
  // The code of the next time step: the one used to confirm is spent (replay protection),
  // and the server accepts one step of skew.
  await code.fill(totp(secret, Date.now() + 30_000));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expectSignedInOnSecurity(page);

  // The activity log shows it.
  await page.goto('/settings/security');
  await expect(page.getByRole('heading', { name: 'Recent security activity' })).toBeVisible();
  await expect(page.locator('.activity-list')).toContainText('Two-step sign-in turned on');
  await expect(page.locator('.activity-list')).toContainText(
    'Signed in with password and two-step code',
  );
});

test('a recovery code signs in once; then Security shows one fewer left', async ({ page }) => {
  const email = await newVerifiedUser(page, 'recovery', PASSWORD);
  const { codes } = await enrolTotp(page);
  await page.getByRole('button', { name: 'I saved them' }).click();
  await signOut(page);

  await passwordStep(page, email);
  await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
  await page.getByLabel('Recovery code').fill(codes[3]!);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expectSignedInOnSecurity(page);
  await expect(page.getByText('Recovery codes left:')).toContainText('9');

  // Used once: the same code is refused next time.
  await signOut(page);
  await passwordStep(page, email);
  await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
  await page.getByLabel('Recovery code').fill(codes[3]!);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Two-step verification' })).toBeVisible();
});
