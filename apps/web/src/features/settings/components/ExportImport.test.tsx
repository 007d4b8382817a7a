// After an import only the journal's queries (entries and tags) are refreshed; the rest of
// the cache (profile, devices, server config) is left alone.
import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('import', () => {
  it('invalidates entry and tag queries only', async () => {
    vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
      const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
      if (path === '/api/auth/csrf') {
        document.cookie = 'csrftoken=t.s; path=/';
        return new Response(JSON.stringify({ csrf_token: 't.s' }), { status: 200 });
      }
      return new Response(JSON.stringify({ created: 2, skipped: 1, unsupported: 0 }), {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
      });
    });
    vi.resetModules();
    const { ExportImport } = await import('./ExportImport');
    const { createQueryClient } = await import('../../../lib/query-client');
    const { queryKeys } = await import('../../../lib/query-keys');
    const queryClient = createQueryClient();
    const journal = [
      queryKeys.entries.list({}),
      queryKeys.entries.list({ tag: 'work' }),
      queryKeys.entries.detail('e1'),
      queryKeys.tags,
    ];
    const others = [queryKeys.me, queryKeys.sessions, queryKeys.config];
    for (const key of [...journal, ...others]) queryClient.setQueryData(key, { seeded: true });

    render(
      <QueryClientProvider client={queryClient}>
        <ExportImport />
      </QueryClientProvider>,
    );
    const file = new File(['{"entries": []}'], 'journal.json', { type: 'application/json' });
    fireEvent.change(screen.getByLabelText('Import an export file (.json or .zip)'), {
      target: { files: [file] },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    expect(await screen.findByText(/Imported 2 entries; 1 already in your journal/)).toBeTruthy();

    for (const key of journal) expect(queryClient.getQueryState(key)?.isInvalidated).toBe(true);
    for (const key of others) expect(queryClient.getQueryState(key)?.isInvalidated).toBe(false);
  });

  it('with no file chosen says so, and a new choice clears the previous result', async () => {
    vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
      const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
      if (path === '/api/auth/csrf') {
        document.cookie = 'csrftoken=t.s; path=/';
        return new Response(JSON.stringify({ csrf_token: 't.s' }), { status: 200 });
      }
      return new Response(JSON.stringify({ created: 3, skipped: 0, unsupported: 0 }), {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
      });
    });
    vi.resetModules();
    const { ExportImport } = await import('./ExportImport');
    const { createQueryClient } = await import('../../../lib/query-client');
    render(
      <QueryClientProvider client={createQueryClient()}>
        <ExportImport />
      </QueryClientProvider>,
    );
    const input = screen.getByLabelText('Import an export file (.json or .zip)');
    fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    expect(await screen.findByText('Choose a file to import first.')).toBeTruthy();

    const file = new File(['{"entries": []}'], 'journal.json', { type: 'application/json' });
    fireEvent.change(input, { target: { files: [file] } });
    expect(screen.queryByText('Choose a file to import first.')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    expect(await screen.findByText(/Imported 3 entries/)).toBeTruthy();

    // Choosing another file clears the last answer: it never passes for the next import's.
    fireEvent.change(input, { target: { files: [] } });
    expect(screen.queryByText(/Imported 3 entries/)).toBeNull();
  });
});
