// A page in its own chunk: while its code loads the page says "Loading…"; if the code cannot
// be fetched (offline) it says so with Retry, and Retry fetches again (a failed import is not
// kept, unlike react-router's own `lazy`).
import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import { lazyPage } from './lazy-page';

function Hello() {
  return <h1>Hello page</h1>;
}

describe('lazyPage', () => {
  it('shows the page once its code has loaded', async () => {
    const Page = lazyPage(() => Promise.resolve(Hello));
    render(<Page />);
    expect(await screen.findByRole('heading', { name: 'Hello page' })).toBeTruthy();
  });

  it('says the page could not load, and Retry loads it', async () => {
    let online = false;
    const load = vi.fn(() =>
      online ? Promise.resolve(Hello) : Promise.reject(new TypeError('Failed to fetch')),
    );
    const Page = lazyPage(load);
    render(<Page />);
    expect(await screen.findByText(/Can't load this page/)).toBeTruthy();
    expect(screen.queryByText('Loading…')).toBeNull();

    online = true;
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('heading', { name: 'Hello page' })).toBeTruthy();
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('preload fetches the code once, and showing the page afterwards reuses it', async () => {
    const load = vi.fn(() => Promise.resolve(Hello));
    const Page = lazyPage(load);
    await Page.preload();
    render(<Page />);
    expect(await screen.findByRole('heading', { name: 'Hello page' })).toBeTruthy();
    expect(load).toHaveBeenCalledTimes(1);
  });
});
