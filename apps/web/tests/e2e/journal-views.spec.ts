// The journal views (SPEC §3 "Journal views", §5): entries written across several days show
// in the calendar and the stats, open in the reading view, are found by search with the
// match highlighted; tags are renamed in Settings; and the journal works by keyboard alone.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';

import { mailedLink, pathOf, signIn, signUp, uniqueEmail } from './fixtures';

const PASSWORD = 'views-password-4821';

function monthBefore(months: number): string {
  const now = new Date();
  const date = new Date(Date.UTC(now.getFullYear(), now.getMonth() - months, 1));
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** Sign in through the API in its own request context, and write entries there. */
async function writeEntries(
  request: APIRequestContext,
  email: string,
  entries: Record<string, unknown>[],
): Promise<void> {
  const login = await request.post('/api/auth/login', { data: { email, password: PASSWORD } });
  expect(login.status()).toBe(200);
  const { access_token: token } = (await login.json()) as { access_token: string };
  const csrf = (await request.storageState()).cookies.find((c) => c.name === 'csrftoken')?.value;
  for (const entry of entries) {
    const created = await request.post('/api/entries', {
      data: entry,
      headers: { Authorization: `Bearer ${token}`, 'X-CSRF-Token': csrf ?? '' },
    });
    expect(created.status(), await created.text()).toBe(201);
  }
}

/** Each page at 1280 and 390 px, light and dark, into E2E_SHOTS_DIR when it is set. */
async function shots(page: Page, name: string): Promise<void> {
  const dir = process.env.E2E_SHOTS_DIR;
  if (!dir) return;
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: width > 500 ? 800 : 844 });
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: `${dir}/${name}-${width}-${colorScheme}.png`, fullPage: true });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 800 });
}

test('calendar, stats, reading view, highlighted search, tag rename and keyboard navigation', async ({
  page,
  request,
}) => {
  const email = uniqueEmail('views');
  await signUp(page, email, PASSWORD);
  await page.goto(pathOf(await mailedLink(request, email, '/verify')));
  await signIn(page, email, PASSWORD);

  const month = monthBefore(2);
  await writeEntries(request, email, [
    {
      title: 'Harbour walk',
      body: 'Boats, gulls and a **zephyr** from the sea.\n\n| tide | time |\n| --- | --- |\n| high | 06:10 |\n\n```python\ndef tide():\n    return "high"\n```',
      entry_date: `${month}-03`,
      mood: 2,
      tags: ['trip', 'sea'],
    },
    {
      body: '# Lighthouse keeper\n\nThe lamp turned all night.',
      entry_date: `${month}-04`,
      mood: 4,
      tags: ['trip'],
    },
    {
      title: 'Market',
      body: 'Pears and bread.',
      entry_date: `${month}-05`,
      mood: 5,
      starred: true,
    },
    { title: 'Quiet day', body: 'Nothing much.', entry_date: `${month}-12` },
  ]);

  // Calendar: the month with its four entries; a day links to its entries.
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Calendar' })
    .click();
  await page.goto(`/calendar?month=${month}`);
  await expect(page.getByText(/^4 entries in /)).toBeVisible();
  const day = page.getByRole('link', { name: `${month}-04: 1 entry, mood Good` });
  await expect(day).toBeVisible();
  await shots(page, 'calendar');
  await day.click();
  await expect(page).toHaveURL(new RegExp(`from=${month}-04&to=${month}-04`));
  // Untitled: titled by its first line, as plain text.
  await expect(page.getByRole('link', { name: /Lighthouse keeper/ })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Entries' }).locator('.entry-card')).toHaveCount(1);

  // Stats.
  await page.goto('/stats');
  const tile = (label: string) =>
    page.locator('.stat-tile').filter({ hasText: label }).locator('dd');
  await expect(tile('Entries')).toHaveText('4');
  await expect(tile('Longest streak')).toHaveText('3 days');
  await expect(page.getByRole('img', { name: /Average mood by month/ })).toBeVisible();
  await expect(page.getByRole('link', { name: '#trip · 2' })).toBeVisible();
  await shots(page, 'stats');

  // Timeline, grouped by month.
  await page.goto('/');
  await expect(
    page.getByRole('heading', { level: 2, name: new RegExp(month.slice(0, 4)) }),
  ).toBeVisible();
  await shots(page, 'timeline');

  // Search: the match is highlighted, with a result count; the result opens the reading view.
  await page.getByLabel('Search').fill('zephyr');
  await expect(page.getByText(/^1 result for/)).toBeVisible();
  const result = page.getByRole('region', { name: 'Entries' }).getByRole('listitem').first();
  await expect(result.locator('mark')).toHaveText(/zephyr/i);
  await shots(page, 'search');
  await result.getByRole('link', { name: /Harbour walk/ }).click();
  await expect(page).toHaveURL(/\/entries\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name: 'Harbour walk' })).toBeVisible();
  await expect(page.locator('.reading table td').first()).toHaveText('high');
  await expect(page.locator('.reading pre code .hljs-keyword').first()).toHaveText('def');
  await expect(page.getByRole('textbox')).toHaveCount(0); // nothing to type in: no phone keyboard
  await shots(page, 'reading');
  const star = page.getByRole('button', { name: 'Star “Harbour walk”' });
  await expect(star).toHaveAttribute('aria-pressed', 'false');
  await star.click();
  await expect(star).toHaveAttribute('aria-pressed', 'true');
  await page.goto('/?starred=true');
  await expect(page.getByLabel('Starred only')).toBeChecked();
  await expect(page.locator('.entry-card .entry-title')).toHaveText(['Market', 'Harbour walk']);

  // Rename a tag in Settings; the entries follow.
  await page.goto('/settings');
  await page.getByRole('button', { name: 'Rename tag trip' }).click();
  await page.getByLabel('New name for #trip').fill('travel');
  await page.getByRole('button', { name: 'Rename', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Rename tag travel' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Rename tag trip' })).toHaveCount(0);
  await shots(page, 'settings');
  await page.goto('/?tag=travel');
  await expect(page.getByRole('region', { name: 'Entries' }).locator('.entry-card')).toHaveCount(2);

  // Keyboard only: j/k through the list, Enter opens, e edits, Esc back, n new, ? help.
  await page.goto('/');
  await expect(page.locator('.entry-card')).toHaveCount(4);
  for (const key of ['j', 'j', 'j', 'k', 'j']) await page.keyboard.press(key);
  const focused = page.locator('.entry-link:focus');
  await expect(focused).toContainText('Lighthouse keeper');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Lighthouse keeper' })).toBeVisible();
  await page.keyboard.press('e');
  await expect(page).toHaveURL(/\/edit$/);
  await expect(page.getByLabel('Title')).toBeFocused();
  await page.keyboard.type('j k n'); // typing in a field never triggers a shortcut
  await expect(page).toHaveURL(/\/edit$/);
  await expect(page.getByLabel('Title')).toHaveValue('j k n');
  await page.getByLabel('Title').fill('');
  await page.getByRole('button', { name: 'View entry' }).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/entries\/[0-9a-f-]{36}$/);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('heading', { name: 'Your journal' })).toBeVisible();
  await page.keyboard.press('/');
  await expect(page.getByLabel('Search')).toBeFocused();
  await page.getByLabel('Search').press('Escape');
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await shots(page, 'shortcuts');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
  await page.keyboard.press('n');
  await expect(page.getByRole('heading', { name: 'New entry' })).toBeVisible();
  await shots(page, 'editor');
});

test('signing out never carries the entry to the next person', async ({ page, request }) => {
  const email = uniqueEmail('signout');
  await signUp(page, email, PASSWORD);
  await page.goto(pathOf(await mailedLink(request, email, '/verify')));
  await signIn(page, email, PASSWORD);
  await writeEntries(request, email, [{ title: 'Private', body: 'Mine.' }]);
  await page.reload();
  await page.getByRole('link', { name: /Private/ }).click();
  await expect(page).toHaveURL(/\/entries\/[0-9a-f-]{36}$/);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin$/);
});
