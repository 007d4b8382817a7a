import { expect, test } from '@playwright/test';

import { E2E_USER } from './fixtures';

test('sign in, write an entry, see it listed, edit and delete it', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/signin/);
  await page.getByLabel('Email').fill(E2E_USER.email);
  await page.getByLabel('Password').fill(E2E_USER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Your journal' })).toBeVisible();

  await page.getByRole('link', { name: 'New entry' }).click();
  await page.getByLabel('Title').fill('A walk by the river');
  await page.getByLabel('Tags').fill('Outdoors, calm');
  await page.getByLabel('Mood').selectOption('4');
  await page
    .getByLabel('Entry (markdown)')
    .fill('The water was **high** today.\n\n<img src=x onerror="window.__pwned=1">');
  await page.getByRole('tab', { name: 'Preview' }).click();
  await expect(page.getByRole('tabpanel', { name: 'Preview' }).locator('strong')).toHaveText(
    'high',
  );
  await page.getByRole('button', { name: 'Save entry' }).click();
  await expect(page).toHaveURL(/\/entries\/[0-9a-f-]{36}$/);
  expect(
    await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
  ).toBeUndefined();

  await page.getByRole('button', { name: 'Back to journal' }).click();
  const card = page.getByRole('list', { name: 'Entries' }).getByRole('listitem').first();
  await expect(card).toContainText('A walk by the river');
  await expect(card).toContainText('#outdoors');
  await expect(card).toContainText('Good');

  await page.screenshot({ path: 'test-results/journal-desktop.png', fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: 'test-results/journal-phone.png', fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });

  await card.getByRole('link', { name: /A walk by the river/ }).click();
  await page.getByLabel('Title').fill('A walk by the high river');
  await page.getByRole('button', { name: 'Save entry' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();

  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('heading', { name: 'Your journal' })).toBeVisible();
  await expect(page.getByText('A walk by the high river')).toHaveCount(0);
});

test('a wrong password shows a clear error', async ({ page }) => {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(E2E_USER.email);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Incorrect email or password');
});
