// The editor saves a restored draft with the version (ETag) the draft was written against,
// so a draft older than the entry meets the 412 conflict instead of overwriting it; after a
// save the draft and the restore banner are gone. The server is a stubbed fetch.
import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const ID = '0b8e6f1c-1111-4222-8333-944445555666';
const DRAFT_KEY = `journal:draft:${ID}`;

function entry(title: string, body: string) {
  return {
    id: ID,
    title,
    body,
    tags: [],
    mood: null,
    entry_date: '2026-11-25',
    created_at: '2026-11-25T08:00:00Z',
    updated_at: '2026-11-25T09:00:00Z',
  };
}

function json(body: unknown, status: number, etag?: string): Response {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (etag) headers.ETag = etag;
  return new Response(JSON.stringify(body), { status, headers });
}

/** A one-entry server at version `current`; PATCH honours If-Match like the API. */
function fakeServer(initial: { version: number; title: string; body: string }) {
  const state = { ...initial };
  const patches: { ifMatch: string | null; body: { title: string; body: string } }[] = [];
  vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
    const request = input instanceof Request ? input : new Request(String(input));
    const path = new URL(request.url).pathname;
    const etag = `"${state.version}"`;
    if (path !== `/api/entries/${ID}`) return json({ detail: 'Not found' }, 404);
    if (request.method === 'GET') return json(entry(state.title, state.body), 200, etag);
    const ifMatch = request.headers.get('If-Match');
    const patch = (await request.json()) as { title: string; body: string };
    patches.push({ ifMatch, body: patch });
    if (ifMatch && ifMatch !== etag) {
      return json({ detail: 'Changed elsewhere', code: 'version_conflict' }, 412);
    }
    Object.assign(state, { version: state.version + 1, title: patch.title, body: patch.body });
    return json(entry(state.title, state.body), 200, `"${state.version}"`);
  });
  return { state, patches };
}

async function openEditor() {
  vi.resetModules();
  const { EntryEditorPage } = await import('./EntryEditorPage');
  const { createQueryClient } = await import('../../../lib/query-client');
  const router = createMemoryRouter([{ path: '/entries/:entryId', element: <EntryEditorPage /> }], {
    initialEntries: [`/entries/${ID}`],
  });
  const queryClient = createQueryClient({ retryDelay: 0 });
  render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  await screen.findByRole('heading', { name: 'Edit entry' });
  return queryClient;
}

function storeDraft(body: string, baseEtag?: string) {
  localStorage.setItem(
    DRAFT_KEY,
    JSON.stringify({
      title: 'Harbour',
      body,
      tags: '',
      mood: '',
      entryDate: '2026-11-25',
      baseEtag,
      savedAt: 1,
    }),
  );
}

beforeEach(() => {
  Element.prototype.scrollIntoView = vi.fn(); // jsdom has no layout, nor this method
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('entry editor drafts', () => {
  it('saves a restored stale draft with its own version and shows the conflict, keeping the draft', async () => {
    const server = fakeServer({ version: 2, title: 'Harbour at dusk', body: 'Boats.' });
    storeDraft('Boats. Gulls.', '"1"');
    await openEditor();
    expect(screen.getByText(/Restored your unsaved draft/)).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Save entry' }));
    expect(await screen.findByText(/This entry was changed elsewhere/)).toBeTruthy();
    expect(server.patches.map((p) => p.ifMatch)).toEqual(['"1"']);
    expect(server.state.title).toBe('Harbour at dusk'); // the newer change survives
    expect(JSON.parse(localStorage.getItem(DRAFT_KEY) ?? '{}')).toMatchObject({
      body: 'Boats. Gulls.',
      baseEtag: '"1"',
    });
  });

  it('after a save the draft is cleared and the restore banner is gone', async () => {
    const server = fakeServer({ version: 1, title: 'Harbour', body: 'Boats.' });
    storeDraft('Boats. Gulls.', '"1"');
    await openEditor();

    fireEvent.click(screen.getByRole('button', { name: 'Save entry' }));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(server.patches.map((p) => p.ifMatch)).toEqual(['"1"']);
    expect(localStorage.getItem(DRAFT_KEY)).toBeNull();
    expect(screen.queryByText(/Restored your unsaved draft/)).toBeNull();

    // The next save is based on the version just written: no false conflict.
    fireEvent.change(screen.getByLabelText('Entry (markdown)'), {
      target: { value: 'Boats. Gulls. Rain.' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Save entry' }));
    await waitFor(() => expect(server.patches).toHaveLength(2));
    expect(server.patches[1]!.ifMatch).toBe('"2"');
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(screen.queryByText(/changed elsewhere/)).toBeNull();
  });

  it('a draft kept before versions were recorded asks before it overwrites anything', async () => {
    const server = fakeServer({ version: 5, title: 'Harbour', body: 'Boats.' });
    storeDraft('Boats. Old words.');
    await openEditor();

    fireEvent.click(screen.getByRole('button', { name: 'Save entry' }));
    expect(await screen.findByText(/may predate changes made elsewhere/)).toBeTruthy();
    expect(server.patches).toHaveLength(0);

    fireEvent.click(screen.getByRole('button', { name: 'Keep my version' }));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(server.patches).toEqual([
      { ifMatch: null, body: expect.objectContaining({ body: 'Boats. Old words.' }) },
    ]);
    expect(localStorage.getItem(DRAFT_KEY)).toBeNull();
  });

  it('an untouched form follows a newer version fetched in the background', async () => {
    const server = fakeServer({ version: 1, title: 'Harbour', body: 'Boats.' });
    const queryClient = await openEditor();
    Object.assign(server.state, { version: 2, title: 'Harbour at dusk' });
    await queryClient.refetchQueries();
    await waitFor(() =>
      expect(screen.getByLabelText<HTMLInputElement>('Title').value).toBe('Harbour at dusk'),
    );
    expect(screen.getByText('All changes saved')).toBeTruthy();

    fireEvent.change(screen.getByLabelText('Entry (markdown)'), { target: { value: 'Gulls.' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save entry' }));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(server.patches.map((p) => p.ifMatch)).toEqual(['"2"']);
  });

  it('an edited form keeps the version it was based on when a newer one is fetched', async () => {
    const server = fakeServer({ version: 1, title: 'Harbour', body: 'Boats.' });
    const queryClient = await openEditor();
    fireEvent.change(screen.getByLabelText('Entry (markdown)'), { target: { value: 'Gulls.' } });
    Object.assign(server.state, { version: 2, title: 'Harbour at dusk' });
    await queryClient.refetchQueries();

    fireEvent.click(screen.getByRole('button', { name: 'Save entry' }));
    expect(await screen.findByText(/This entry was changed elsewhere/)).toBeTruthy();
    expect(screen.getByLabelText<HTMLTextAreaElement>('Entry (markdown)').value).toBe('Gulls.');
    expect(server.patches.map((p) => p.ifMatch)).toEqual(['"1"']);
    expect(server.state.title).toBe('Harbour at dusk');
  });
});
