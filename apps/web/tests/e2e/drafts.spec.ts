// The editor's autosaved draft (SPEC §5) never silently overwrites a newer version of the
// entry: the draft keeps the ETag it was written against and sends it as If-Match, so a
// stale draft meets the 412 keep-mine / load-latest choice (SPEC §3). Drafts are flushed
// when the page is hidden, and leaving or signing out with unsaved work asks first.
import { expect, test, type Browser, type Page } from '@playwright/test';

import { E2E_USER, signIn } from './fixtures';

const CONFLICT = 'This entry was changed elsewhere';

async function signedInPage(browser: Browser, baseURL: string | undefined): Promise<Page> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto('/signin');
  await signIn(page, E2E_USER.email, E2E_USER.password);
  return page;
}

async function storedDraft(page: Page, key: string): Promise<string | null> {
  return page.evaluate((k) => localStorage.getItem(`journal:draft:${k}`), key);
}

async function shot(page: Page, name: string): Promise<void> {
  const dir = process.env.E2E_SHOTS_DIR;
  if (!dir) return;
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width > 500 ? 800 : 844 });
    // From the top: a full-page capture of a scrolled page paints the sticky header mid-page.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${dir}/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 720 });
}

test("a stale draft restored on device A meets the conflict choice and keeps B's change", async ({
  browser,
  baseURL,
}) => {
  const stamp = Date.now();
  const pageA = await signedInPage(browser, baseURL);
  const pageB = await signedInPage(browser, baseURL);

  // A writes an entry, then types more and closes the tab without saving.
  await pageA.getByRole('link', { name: 'New entry' }).click();
  await pageA.getByLabel('Title').fill(`Harbour ${stamp}`);
  await pageA.getByLabel('Entry (markdown)').fill('Boats in the morning.');
  await pageA.getByRole('button', { name: 'Save entry' }).click();
  await expect(pageA).toHaveURL(/\/entries\/[0-9a-f-]{36}\/edit$/);
  const path = new URL(pageA.url()).pathname;
  const id = path.split('/')[2]!;
  await pageA.getByLabel('Entry (markdown)').fill('Boats in the morning. Gulls by noon.');
  await expect.poll(() => storedDraft(pageA, id)).toContain('Gulls by noon.');
  const contextA = pageA.context();
  await pageA.close();

  // B changes the title and saves.
  await pageB.goto(path);
  await pageB.getByLabel('Title').fill(`Harbour at dusk ${stamp}`);
  await pageB.getByRole('button', { name: 'Save entry' }).click();
  await expect(pageB.getByText('Saved.')).toBeVisible();

  // A reopens the entry: the draft is restored, and saving it meets the conflict.
  const againA = await contextA.newPage();
  await againA.goto(path);
  await expect(againA.getByText('Restored your unsaved draft.')).toBeVisible();
  await expect(againA.getByLabel('Entry (markdown)')).toHaveValue(
    'Boats in the morning. Gulls by noon.',
  );
  await againA.getByRole('button', { name: 'Save entry' }).click();
  const conflict = againA.getByRole('alert').filter({ hasText: CONFLICT });
  await expect(conflict).toBeVisible();
  await expect(conflict).toBeInViewport(); // scrolled to, away from the Save button
  await expect(againA.getByText('Saved.')).toHaveCount(0);
  await shot(againA, 'draft-conflict');

  // B's change is still on the server.
  await pageB.reload();
  await expect(pageB.getByLabel('Title')).toHaveValue(`Harbour at dusk ${stamp}`);

  // "Load the latest" shows B's version and drops A's stale draft.
  await conflict.getByRole('button', { name: 'Load the latest' }).click();
  await expect(againA.getByLabel('Title')).toHaveValue(`Harbour at dusk ${stamp}`);
  await expect(againA.getByLabel('Entry (markdown)')).toHaveValue('Boats in the morning.');
  await expect(againA.getByText(CONFLICT)).toHaveCount(0);
  await expect(againA.getByText('Restored your unsaved draft.')).toHaveCount(0);
  expect(await storedDraft(againA, id)).toBeNull();
});

test('"Keep my version" saves the restored draft over the newer one, and the banner goes', async ({
  browser,
  baseURL,
}) => {
  const stamp = Date.now();
  const pageA = await signedInPage(browser, baseURL);
  const pageB = await signedInPage(browser, baseURL);

  await pageA.getByRole('link', { name: 'New entry' }).click();
  await pageA.getByLabel('Title').fill(`Orchard ${stamp}`);
  await pageA.getByLabel('Entry (markdown)').fill('Apples.');
  await pageA.getByRole('button', { name: 'Save entry' }).click();
  await expect(pageA).toHaveURL(/\/entries\/[0-9a-f-]{36}\/edit$/);
  const path = new URL(pageA.url()).pathname;
  const id = path.split('/')[2]!;
  await pageA.getByLabel('Entry (markdown)').fill('Apples and pears.');
  await expect.poll(() => storedDraft(pageA, id)).toContain('pears');
  const contextA = pageA.context();
  await pageA.close();

  await pageB.goto(path);
  await pageB.getByLabel('Entry (markdown)').fill('Apples and plums.');
  await pageB.getByRole('button', { name: 'Save entry' }).click();
  await expect(pageB.getByText('Saved.')).toBeVisible();

  const againA = await contextA.newPage();
  await againA.goto(path);
  await expect(againA.getByText('Restored your unsaved draft.')).toBeVisible();
  await againA.getByRole('button', { name: 'Save entry' }).click();
  const conflict = againA.getByRole('alert').filter({ hasText: CONFLICT });
  await conflict.getByRole('button', { name: 'Keep my version' }).click();
  await expect(againA.getByText('Saved.')).toBeVisible();
  await expect(againA.getByText(CONFLICT)).toHaveCount(0);
  await expect(againA.getByText('Restored your unsaved draft.')).toHaveCount(0);
  expect(await storedDraft(againA, id)).toBeNull();

  // A later save from A uses the version it just wrote: no false conflict.
  await againA.getByLabel('Entry (markdown)').fill('Apples and pears, then tea.');
  await againA.getByRole('button', { name: 'Save entry' }).click();
  await expect(againA.getByText('Saved.')).toBeVisible();
  await expect(againA.getByText(CONFLICT)).toHaveCount(0);
});

test('the draft is flushed when the page goes away: a reload right after typing keeps the last words', async ({
  page,
}) => {
  await page.goto('/signin');
  await signIn(page, E2E_USER.email, E2E_USER.password);
  await page.getByRole('link', { name: 'New entry' }).click();
  await expect(page.getByRole('heading', { name: 'New entry' })).toBeVisible();
  // Leaving a dirty editor asks first (beforeunload); the test agrees to leave.
  const asked: string[] = [];
  page.on('dialog', (dialog) => {
    asked.push(dialog.type());
    void dialog.accept();
  });
  await page.getByLabel('Title').fill('Flushed');
  await page.getByLabel('Entry (markdown)').fill('Every word, even the very last ones');
  await page.reload(); // well within the 400 ms autosave delay
  await expect(page.getByText('Restored your unsaved draft.')).toBeVisible();
  await expect(page.getByLabel('Entry (markdown)')).toHaveValue(
    'Every word, even the very last ones',
  );
  expect(asked).toContain('beforeunload');
});

test('leaving a dirty editor in the app asks first; signing out with drafts asks before discarding them', async ({
  page,
}) => {
  await page.goto('/signin');
  await signIn(page, E2E_USER.email, E2E_USER.password);
  await page.getByRole('link', { name: 'New entry' }).click();
  await expect(page.getByRole('heading', { name: 'New entry' })).toBeVisible();
  await page.getByLabel('Entry (markdown)').fill('Half a thought');

  // Stay: the editor and its text remain.
  const stay = page.waitForEvent('dialog');
  page.once('dialog', (dialog) => void dialog.dismiss());
  await page.getByRole('button', { name: 'Back to journal' }).click();
  expect((await stay).message()).toMatch(/unsaved/i);
  await expect(page.getByLabel('Entry (markdown)')).toHaveValue('Half a thought');

  // Leave through the main navigation: the draft stays on this device.
  page.once('dialog', (dialog) => void dialog.accept());
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Entries' })
    .click();
  await expect(page.getByRole('heading', { name: 'Your journal' })).toBeVisible();
  expect(await storedDraft(page, 'new')).toContain('Half a thought');

  // Sign out, changing our mind: still signed in, the draft kept.
  const keep = page.waitForEvent('dialog');
  page.once('dialog', (dialog) => void dialog.dismiss());
  await page.getByRole('button', { name: 'Sign out' }).click();
  expect((await keep).message()).toMatch(/draft/i);
  await expect(page.getByRole('heading', { name: 'Your journal' })).toBeVisible();
  expect(await storedDraft(page, 'new')).toContain('Half a thought');

  // Sign out for real: the drafts are removed.
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin/);
  expect(await storedDraft(page, 'new')).toBeNull();
});
