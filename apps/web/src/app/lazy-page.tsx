import { Component, lazy, Suspense, useState, type ComponentType, type ReactNode } from 'react';

import { Alert } from '../components/ui/Alert';
import { Button } from '../components/ui/Button';

type Loader = () => Promise<ComponentType>;

/** A page whose code is fetched when it is first shown (or earlier, by `preloadPages`). */
export type LazyPage = ComponentType & { preload: () => Promise<unknown> };

const pages: LazyPage[] = [];

class LoadBoundary extends Component<
  { onRetry: () => void; children: ReactNode },
  { failed: boolean }
> {
  state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  private retry = () => {
    this.props.onRetry();
    this.setState({ failed: false });
  };

  render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return (
      <Alert>
        <p>Can&apos;t load this page. Check your connection, then try again.</p>
        <Button variant="secondary" className="btn-small" onClick={this.retry}>
          Retry
        </Button>
      </Alert>
    );
  }
}

/**
 * A route's page in its own chunk. Hand-written rather than react-router's `lazy` route
 * property: the router caches a failed import for good, so a page that could not load while
 * offline would stay broken until a reload. Here a failed fetch is forgotten, the page says
 * so with Retry, and Retry fetches again.
 */
export function lazyPage(load: Loader): LazyPage {
  let pending: Promise<ComponentType> | null = null;
  const fetchOnce = () =>
    (pending ??= load().catch((error: unknown) => {
      pending = null;
      throw error;
    }));
  const make = () => lazy(() => fetchOnce().then((Page) => ({ default: Page })));
  let shared = make();

  function Page() {
    const [Loaded, setLoaded] = useState(() => shared);
    const retry = () => {
      shared = make();
      setLoaded(() => shared);
    };
    return (
      <LoadBoundary onRetry={retry}>
        <Suspense fallback={<p className="muted page-loading">Loading…</p>}>
          <Loaded />
        </Suspense>
      </LoadBoundary>
    );
  }
  const page = Object.assign(Page, { preload: fetchOnce });
  pages.push(page);
  return page;
}

/**
 * Fetch every lazy page once the browser is idle after the first page: the first load stays
 * small, and later navigation (even with the connection gone) does not wait for code.
 */
export function preloadPages(): void {
  const start = () => {
    for (const page of pages) page.preload().catch(() => undefined);
  };
  if ('requestIdleCallback' in window) window.requestIdleCallback(start, { timeout: 3000 });
  else setTimeout(start, 1500);
}
