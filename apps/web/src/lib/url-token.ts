import { useState } from 'react';

// The token last read from the address bar, with the history entry it was read on. React may
// throw a render away and mount the page afresh (when it suspends, or an update interrupts
// it); by then the token is off the bar, so the fresh mount takes it from here. Another
// history entry (a later visit to the page) never sees it.
let captured: { entry: unknown; token: string } | null = null;

function historyEntry(): unknown {
  const state = window.history.state as { key?: unknown } | null;
  return state?.key ?? window.location.pathname;
}

/**
 * Read `?token=` once and strip it from the address bar (and so from history, bookmarks
 * and any later Referer), as mailed tokens are secrets.
 */
export function useUrlToken(): string {
  const [token] = useState(() => {
    const url = new URL(window.location.href);
    const value = url.searchParams.get('token') ?? '';
    if (value) {
      url.searchParams.delete('token');
      window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
      captured = { entry: historyEntry(), token: value };
      return value;
    }
    const seen = captured;
    return seen !== null && seen.entry === historyEntry() ? seen.token : '';
  });
  return token;
}
