// Issue 14: a Day One export (its zip: Journal.json + photos/) imports from Settings; the
// heading becomes the title, photos are counted as unsupported, and importing it again
// creates nothing.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { expect, test } from '@playwright/test';

import { mailedLink, pathOf, signIn, signUp, uniqueEmail } from './fixtures';

const PASSWORD = 'dayone-password-7314';
const EXPORT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'data', 'dayone-export.zip');

test('a Day One zip imports once: titles from headings, photos counted, nothing duplicated', async ({
  page,
  request,
}) => {
  const email = uniqueEmail('dayone');
  await signUp(page, email, PASSWORD);
  await page.goto(pathOf(await mailedLink(request, email, '/verify')));
  await signIn(page, email, PASSWORD);

  await page.goto('/settings');
  const file = page.getByLabel('Import an export file (.json or .zip)');
  await file.setInputFiles(EXPORT);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByText('Imported 2 entries')).toBeVisible();
  await expect(page.getByText(/1 item \(such as photos\) could not be imported/)).toBeVisible();

  await file.setInputFiles(EXPORT);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByText(/Imported 0 entries; 2 already in your journal/)).toBeVisible();

  await page.goto('/');
  const list = page.getByRole('region', { name: 'Entries' });
  await expect(list.getByRole('link', { name: /Harbour swim at dawn/ })).toHaveCount(1);
  await list.getByRole('link', { name: /Harbour swim at dawn/ }).click();
  await expect(page.getByRole('heading', { name: 'Harbour swim at dawn' })).toBeVisible();
  await expect(page.getByText('The gulls were loud.')).toBeVisible();
  // The photo link is gone, not shown as a broken image or a raw dayone-moment:// URL.
  await expect(page.locator('main')).not.toContainText('dayone-moment');
});
