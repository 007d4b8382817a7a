import { useState } from 'react';

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
    }
    return value;
  });
  return token;
}
