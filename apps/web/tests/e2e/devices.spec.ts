// M5.T1 Devices/Sessions, in cookie and in body mode: two browsers signed in as one
// user; A signs B out from the Devices page, and B's next action lands on sign-in.
import { expect, test } from '@playwright/test';

import { mailedLink, pathOf, signIn, signUp, uniqueEmail } from './fixtures';

const PASSWORD = 'two-devices-one-journal';
const FIREFOX_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:130.0) Gecko/20100101 Firefox/130.0';
const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 ' +
  '(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

test('A revokes B on the Devices page; B is sent to sign-in on its next action', async ({
  browser,
  request,
  baseURL,
}) => {
  const email = uniqueEmail('devices');
  const a = await browser.newContext({ baseURL, userAgent: FIREFOX_MAC });
  const b = await browser.newContext({
    baseURL,
    userAgent: SAFARI_IPHONE,
    viewport: { width: 390, height: 844 },
  });
  const pageA = await a.newPage();
  const pageB = await b.newPage();

  await signUp(pageA, email, PASSWORD);
  await pageA.goto(pathOf(await mailedLink(request, email, '/verify')));
  await expect(pageA).toHaveURL(/verified=1/);
  await signIn(pageA, email, PASSWORD);
  await pageB.goto('/signin');
  await signIn(pageB, email, PASSWORD);

  // B sees both devices, itself marked.
  await pageB
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Settings' })
    .click();
  await pageB.getByRole('link', { name: 'Devices' }).click();
  await expect(pageB.getByRole('row')).toHaveCount(3); // header + 2 devices
  await expect(pageB.getByRole('row', { name: /Mobile Safari on iOS/ })).toContainText(
    'This device',
  );
  await pageB.screenshot({
    path: `test-results/devices-phone-${test.info().project.name}.png`,
    fullPage: true,
  });

  await pageA
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Settings' })
    .click();
  await pageA.getByRole('link', { name: 'Devices' }).click();
  const rowA = pageA.getByRole('row', { name: /Firefox on macOS/ });
  await expect(rowA).toContainText('This device');
  await expect(pageA.getByRole('row', { name: /Mobile Safari on iOS/ })).toBeVisible();
  await pageA.screenshot({
    path: `test-results/devices-desktop-${test.info().project.name}.png`,
    fullPage: true,
  });

  pageA.once('dialog', (dialog) => void dialog.accept());
  await pageA.getByRole('button', { name: 'Sign out Mobile Safari on iOS' }).click();
  await expect(pageA.getByRole('row', { name: /Mobile Safari on iOS/ })).toHaveCount(0);
  await expect(pageA.getByRole('row')).toHaveCount(2); // the list refreshed: header + A

  // B's next action needs the server: it is refused and B lands on sign-in.
  await pageB
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Settings' })
    .click();
  await expect(pageB).toHaveURL(/\/signin/);
  await expect(pageB.getByText('This device was signed out')).toBeVisible(); // not a silent bounce

  // A is unaffected; "sign out all others" is now disabled (no others).
  await pageA.reload();
  await expect(rowA).toBeVisible();
  await expect(pageA.getByRole('button', { name: 'Sign out of all other devices' })).toBeDisabled();
  await a.close();
  await b.close();
});

test('sign out of all other devices from the Devices page', async ({
  browser,
  request,
  baseURL,
}) => {
  const email = uniqueEmail('others');
  const contexts = await Promise.all(
    [FIREFOX_MAC, SAFARI_IPHONE, SAFARI_IPHONE].map((userAgent) =>
      browser.newContext({ baseURL, userAgent }),
    ),
  );
  const pages = await Promise.all(contexts.map((c) => c.newPage()));
  await signUp(pages[0]!, email, PASSWORD);
  await pages[0]!.goto(pathOf(await mailedLink(request, email, '/verify')));
  // The link is confirmed by the page once it has loaded: wait for that before leaving it.
  await expect(pages[0]!).toHaveURL(/verified=1/);
  for (const page of pages) {
    await page.goto('/signin');
    await signIn(page, email, PASSWORD);
  }
  const [main, ...others] = pages;
  await main!.goto('/settings/devices');
  await expect(main!.getByRole('row')).toHaveCount(4);
  main!.once('dialog', (dialog) => void dialog.accept());
  await main!.getByRole('button', { name: 'Sign out of all other devices' }).click();
  await expect(main!.getByRole('row')).toHaveCount(2);
  for (const page of others) {
    await page.reload();
    await expect(page).toHaveURL(/\/signin/);
  }
  await Promise.all(contexts.map((c) => c.close()));
});
