import { render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.doUnmock('./Markdown');
  vi.restoreAllMocks();
  vi.resetModules();
});

describe('MarkdownPreview', () => {
  it('renders the markdown once its code has loaded', async () => {
    vi.resetModules();
    const { MarkdownPreview } = await import('./MarkdownPreview');
    render(<MarkdownPreview source="**bold**" />);
    // The renderer chunk (GFM, highlighting) loads on demand: allow it time on a busy machine.
    expect((await screen.findByText('bold', {}, { timeout: 10_000 })).tagName).toBe('STRONG');
  });

  it('says the preview cannot load (with Retry) instead of loading for ever', async () => {
    vi.resetModules();
    vi.doMock('./Markdown', () => {
      throw new TypeError('Failed to fetch dynamically imported module');
    });
    vi.spyOn(console, 'error').mockImplementation(() => undefined); // React logs the error
    const { MarkdownPreview } = await import('./MarkdownPreview');
    render(<MarkdownPreview source="**bold**" />);
    expect(await screen.findByText(/Can't load the preview/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeTruthy();
    expect(screen.queryByText('Loading preview…')).toBeNull();
  });
});
