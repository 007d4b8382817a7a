import { Component, lazy, Suspense, type ReactNode } from 'react';

import { Alert } from '../../../components/ui/Alert';
import { Button } from '../../../components/ui/Button';

// The markdown renderer is the largest dependency: load it when a preview is first shown.
function loadMarkdown() {
  return lazy(() => import('./Markdown').then((module) => ({ default: module.Markdown })));
}

// Shared by every preview, so the code loads once; replaced only by a Retry after a failure.
let shared = loadMarkdown();

type State = { failed: boolean; Markdown: ReturnType<typeof loadMarkdown> };

/**
 * The preview, loaded on demand. If its code cannot be loaded (offline), say so and offer
 * Retry instead of leaving "Loading preview…" or breaking the editor; the text is safe.
 */
export class MarkdownPreview extends Component<{ source: string }, State> {
  state: State = { failed: false, Markdown: shared };

  static getDerivedStateFromError(): Partial<State> {
    return { failed: true };
  }

  private retry = () => {
    shared = loadMarkdown();
    this.setState({ failed: false, Markdown: shared });
  };

  render(): ReactNode {
    const { failed, Markdown } = this.state;
    if (failed) {
      return (
        <Alert>
          <p>Can&apos;t load the preview. Your text is kept; check your connection.</p>
          <Button variant="secondary" className="btn-small" onClick={this.retry}>
            Retry
          </Button>
        </Alert>
      );
    }
    return (
      <Suspense fallback={<p className="muted">Loading preview…</p>}>
        <Markdown source={this.props.source} />
      </Suspense>
    );
  }
}
