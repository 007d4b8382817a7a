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
  await page.getByRole('group', { name: 'Mood' }).getByRole('button', { name: 'Good' }).click();
  await page
    .getByLabel('Entry (markdown)')
    .fill('The water was **high** today.\n\n<img src=x onerror="window.__pwned=1">');
  // Wide screens show the preview beside the text; a phone has Write/Preview tabs (arrow keys).
  await expect(page.getByRole('region', { name: 'Preview' }).locator('strong')).toHaveText('high');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('tab', { name: 'Write' }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Preview' })).toBeFocused();
  await expect(page.getByRole('tabpanel', { name: 'Preview' }).locator('strong')).toHaveText(
    'high',
  );
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByLabel('Entry (markdown)')).toBeVisible();
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.getByRole('button', { name: 'Save entry' }).click();
  await expect(page).toHaveURL(/\/entries\/[0-9a-f-]{36}\/edit$/);
  expect(
    await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
  ).toBeUndefined();

  await page.getByRole('button', { name: 'Back to journal' }).click();
  const card = page.getByRole('region', { name: 'Entries' }).getByRole('listitem').first();
  await expect(card).toContainText('A walk by the river');
  await expect(card).toContainText('#outdoors');
  await expect(card).toContainText('Good');

  await page.screenshot({ path: 'test-results/journal-desktop.png', fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: 'test-results/journal-phone.png', fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });

  // A click opens the reading view (nothing to type in), with the markdown rendered.
  await card.getByRole('link', { name: /A walk by the river/ }).click();
  await expect(page).toHaveURL(/\/entries\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name: 'A walk by the river' })).toBeVisible();
  await expect(page.locator('.reading strong')).toHaveText('high');
  await expect(page.getByLabel('Title')).toHaveCount(0);
  await page.getByRole('link', { name: 'Edit' }).click();
  await expect(page).toHaveURL(/\/entries\/[0-9a-f-]{36}\/edit$/);
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

test('search finds entries as you type; export downloads them; import is idempotent', async ({
  page,
}) => {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(E2E_USER.email);
  await page.getByLabel('Password').fill(E2E_USER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const stamp = Date.now();
  for (const [title, body] of [
    [`Lighthouse ${stamp}`, 'The lamp turned all night.'],
    [`Market ${stamp}`, 'Bought pears and bread.'],
  ]) {
    await page.getByRole('link', { name: 'New entry' }).click();
    // Wait for the new editor: the previous entry's editor may still be on screen.
    await expect(page.getByRole('heading', { name: 'New entry' })).toBeVisible();
    await page.getByLabel('Title').fill(title!);
    await page.getByLabel('Entry (markdown)').fill(body!);
    await page.getByRole('button', { name: 'Save entry' }).click();
    await expect(page).toHaveURL(/\/entries\/[0-9a-f-]{36}\/edit$/);
  }
  await page.getByRole('link', { name: 'Journal' }).click();
  await page.getByLabel('Search').fill('pears');
  await expect(page).toHaveURL(/q=pears/);
  const list = page.getByRole('region', { name: 'Entries' });
  await expect(list.getByRole('link', { name: new RegExp(`Market ${stamp}`) })).toBeVisible();
  await expect(list.getByRole('link', { name: new RegExp(`Lighthouse ${stamp}`) })).toHaveCount(0);

  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Settings' })
    .click();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download JSON' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^journal-\d{4}-\d{2}-\d{2}\.json$/);
  const path = await file.path();
  const fs = await import('node:fs/promises');
  const exported = JSON.parse(await fs.readFile(path, 'utf8'));
  const titles = exported.entries.map((e: { title: string }) => e.title);
  expect(titles).toEqual(expect.arrayContaining([`Lighthouse ${stamp}`, `Market ${stamp}`]));

  await page.getByLabel('Import an export file (.json or .zip)').setInputFiles(path);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByText(/Imported 0 entries; \d+ already in your journal/)).toBeVisible();
  await page.screenshot({ path: 'test-results/settings-desktop.png', fullPage: true });
});
