// Issue 14: axe-core on every page, signed out and signed in, light and dark: no serious or
// critical violation (WCAG 2.x A/AA rules).
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

import { mailedLink, pathOf, signIn, signUp, uniqueEmail } from './fixtures';

const PASSWORD = 'axe-password-5520';

async function expectNoSeriousViolations(page: Page, name: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const results = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
      .analyze();
    const serious = results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    expect(serious, `${name} in ${colorScheme}`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

test('every page passes axe with no serious or critical violation', async ({ page, request }) => {
  // Fourteen pages, each analysed in light and dark: longer than one flow's default budget.
  test.setTimeout(120_000);
  for (const [path, heading] of [
    ['/signin', 'Sign in'],
    ['/signup', 'Create your journal'],
    ['/forgot-password', 'Reset your password'],
    ['/verify?token=not-a-real-token', 'Confirming your email'],
  ] as const) {
    await page.goto(path);
    await expect(page.getByRole('heading', { name: heading }).first()).toBeVisible();
    await page.waitForLoadState('networkidle');
    await expectNoSeriousViolations(page, path);
  }

  const email = uniqueEmail('axe');
  await signUp(page, email, PASSWORD);
  await expectNoSeriousViolations(page, 'check your email');
  await page.goto(pathOf(await mailedLink(request, email, '/verify')));
  await signIn(page, email, PASSWORD);
  await page.getByRole('link', { name: 'New entry' }).click();
  await page.getByLabel('Title').fill('Axe at the harbour');
  await page.getByLabel('Entry (markdown)').fill('A **bold** day.\n\n- [x] swim\n- [ ] read');
  await expectNoSeriousViolations(page, 'new entry');
  await page.getByRole('button', { name: 'Save entry' }).click();
  await expect(page).toHaveURL(/\/entries\/[0-9a-f-]{36}\/edit$/);
  const entry = new URL(page.url()).pathname.replace(/\/edit$/, '');

  for (const path of [
    '/',
    '/?q=harbour',
    entry,
    `${entry}/edit`,
    '/calendar',
    '/stats',
    '/settings',
    '/settings/devices',
    '/settings/security',
  ]) {
    await page.goto(path);
    await expect(page.locator('main h1').first()).toBeVisible();
    await page.waitForLoadState('networkidle');
    await expectNoSeriousViolations(page, path);
  }
});
