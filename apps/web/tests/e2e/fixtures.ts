import { expect, type APIRequestContext, type Page } from '@playwright/test';

export const E2E_USER = {
  email: process.env.E2E_EMAIL ?? 'e2e@example.com',
  password: process.env.E2E_PASSWORD ?? 'e2e-password-123',
};

export const SINK_URL = `http://127.0.0.1:${process.env.E2E_SINK_HTTP_PORT ?? 8726}`;

type SinkMessage = { to: string[]; subject: string; text: string; html: string };

export function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

/** Wait for a mail to `to` in the SMTP sink and return the first link to `path`. */
export async function mailedLink(
  request: APIRequestContext,
  to: string,
  path: string,
): Promise<string> {
  let link: string | undefined;
  await expect
    .poll(
      async () => {
        const response = await request.get(`${SINK_URL}/messages?to=${encodeURIComponent(to)}`);
        const messages = (await response.json()) as SinkMessage[];
        for (const message of messages) {
          const match = message.text.match(new RegExp(`https?://\\S+${path}\\?token=[\\w-]+`));
          if (match) link = match[0];
        }
        return link;
      },
      { timeout: 10_000, message: `a mail to ${to} with a ${path} link` },
    )
    .toBeTruthy();
  return link!;
}

/** Same-origin path of a mailed link (the server's public URL is this test server). */
export function pathOf(link: string): string {
  const url = new URL(link);
  return url.pathname + url.search;
}

export async function signUp(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/signup');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible();
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Your journal' })).toBeVisible();
}

/** Every storage key and value in the page, to prove no refresh token is kept there. */
export async function storageDump(page: Page): Promise<string> {
  return page.evaluate(() => {
    const dump: string[] = [];
    for (const store of [localStorage, sessionStorage]) {
      for (let i = 0; i < store.length; i += 1) {
        const key = store.key(i) ?? '';
        dump.push(`${key}=${store.getItem(key)}`);
      }
    }
    return dump.join('\n');
  });
}

/** A new account, its mailed link followed (confirmed), signed in; returns its address. */
export async function newVerifiedUser(
  page: Page,
  prefix: string,
  password: string,
): Promise<string> {
  const email = uniqueEmail(prefix);
  await signUp(page, email, password);
  await page.goto(pathOf(await mailedLink(page.request, email, '/verify')));
  await expect(page).toHaveURL(/verified=1/);
  await signIn(page, email, password);
  return email;
}

/**
 * Full-page screenshots of the current page at 1280 and 390 px, light and dark, into
 * `$E2E_SHOTS_DIR` as `<name>-<width>-<scheme>.png`; nothing when that is not set.
 */
export async function shootSchemes(page: Page, name: string): Promise<void> {
  const dir = process.env.E2E_SHOTS_DIR;
  if (!dir) return;
  await page.evaluate(() => window.scrollTo(0, 0));
  for (const scheme of ['light', 'dark'] as const) {
    for (const width of [1280, 390]) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
      await page.screenshot({ path: `${dir}/${name}-${width}-${scheme}.png`, fullPage: true });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 720 });
}
