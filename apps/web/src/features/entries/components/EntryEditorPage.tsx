import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useNavigate, useParams } from 'react-router';

import { Alert } from '../../../components/ui/Alert';
import { Button } from '../../../components/ui/Button';
import { ErrorState } from '../../../components/ui/ErrorState';
import { ApiError, errorMessage } from '../../../lib/api-error';
import type { EntryOut } from '../../../lib/api-client';
import { clearDraft, loadDraft, saveDraft, type Draft } from '../../../lib/drafts';
import { useCreateEntry, useDeleteEntry, useEntry, useUpdateEntry } from '../api';
import { localToday } from '../dates';
import { MarkdownPreview } from './MarkdownPreview';
import { MOODS, parseTags } from '../mood';

type Form = Omit<Draft, 'savedAt'>;

function formFrom(entry: EntryOut | undefined): Form {
  return {
    title: entry?.title ?? '',
    body: entry?.body ?? '',
    tags: entry?.tags.join(', ') ?? '',
    mood: entry?.mood ? String(entry.mood) : '',
    entryDate: entry?.entry_date ?? localToday(),
  };
}

function sameForm(a: Form, b: Form): boolean {
  return (
    a.title === b.title &&
    a.body === b.body &&
    parseTags(a.tags).join() === parseTags(b.tags).join() &&
    a.mood === b.mood &&
    a.entryDate === b.entryDate
  );
}

export function EntryEditorPage() {
  const { entryId } = useParams();
  const loaded = useEntry(entryId);
  if (entryId && loaded.isPending) return <p className="muted">Loading entry…</p>;
  if (entryId && loaded.isError) {
    return <ErrorState error={loaded.error} onRetry={() => void loaded.refetch()} />;
  }
  return (
    <Editor
      key={entryId ?? 'new'}
      entry={loaded.data?.entry}
      etag={loaded.data?.etag ?? null}
      onReload={() => void loaded.refetch()}
    />
  );
}

function Editor({
  entry,
  etag,
  onReload,
}: {
  entry?: EntryOut;
  etag: string | null;
  onReload: () => void;
}) {
  const navigate = useNavigate();
  const draftKey = entry?.id ?? 'new';
  const saved = formFrom(entry);
  const [form, setForm] = useState<Form>(() => {
    const draft = loadDraft(draftKey);
    return draft ? { ...saved, ...draft } : saved;
  });
  const [restored] = useState(() => {
    const draft = loadDraft(draftKey);
    return draft !== null && !sameForm({ ...saved, ...draft }, saved);
  });
  const [tab, setTab] = useState<'write' | 'preview'>('write');
  const [conflict, setConflict] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const create = useCreateEntry();
  const update = useUpdateEntry();
  const remove = useDeleteEntry();
  const dirty = !sameForm(form, saved);
  const busy = create.isPending || update.isPending || remove.isPending;
  const error = create.error ?? update.error ?? remove.error;
  const firstField = useRef<HTMLInputElement>(null);

  // Autosave the draft shortly after typing stops.
  const autosave = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (!dirty) return;
    autosave.current = window.setTimeout(() => saveDraft(draftKey, form), 400);
    return () => window.clearTimeout(autosave.current);
  }, [form, dirty, draftKey]);

  useEffect(() => {
    firstField.current?.focus();
  }, []);

  function set<K extends keyof Form>(name: K, value: Form[K]) {
    setForm((current) => ({ ...current, [name]: value }));
    setMessage(null);
  }

  async function save(force = false) {
    // A pending autosave must not write back the draft this save is about to clear.
    window.clearTimeout(autosave.current);
    const body = {
      title: form.title.trim(),
      body: form.body,
      tags: parseTags(form.tags),
      mood: form.mood ? Number(form.mood) : null,
      entry_date: form.entryDate || localToday(),
    };
    try {
      if (entry) {
        await update.mutateAsync({ id: entry.id, body, etag: force ? null : etag });
        clearDraft(draftKey);
        setConflict(false);
        setMessage('Saved.');
      } else {
        const created = await create.mutateAsync(body);
        clearDraft(draftKey);
        navigate(`/entries/${created.entry.id}`, { replace: true });
      }
    } catch (err) {
      saveDraft(draftKey, form); // not saved on the server: keep it on this device
      if (err instanceof ApiError && err.code === 'version_conflict') setConflict(true);
    }
  }

  async function onDelete() {
    if (!entry) return;
    if (!window.confirm('Delete this entry? This cannot be undone.')) return;
    await remove.mutateAsync(entry.id);
    clearDraft(draftKey);
    navigate('/', { replace: true });
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void save();
  }

  function onKeyDown(event: KeyboardEvent) {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
      event.preventDefault();
      void save();
    }
  }

  const empty = !form.title.trim() && !form.body.trim();

  return (
    <form
      className="editor"
      onSubmit={onSubmit}
      onKeyDown={onKeyDown}
      aria-labelledby="editor-title"
    >
      <div className="page-head">
        <h1 id="editor-title">{entry ? 'Edit entry' : 'New entry'}</h1>
        <span className="muted save-state" aria-live="polite">
          {message ??
            (dirty
              ? 'Unsaved changes (draft kept on this device)'
              : entry
                ? 'All changes saved'
                : '')}
        </span>
      </div>
      {restored ? (
        <Alert kind="info">
          Restored your unsaved draft.{' '}
          <button
            type="button"
            className="link-button"
            onClick={() => {
              clearDraft(draftKey);
              setForm(saved);
            }}
          >
            Discard it
          </button>
        </Alert>
      ) : null}
      {conflict ? (
        <Alert>
          This entry was changed elsewhere since you opened it.{' '}
          <button type="button" className="link-button" onClick={() => void save(true)}>
            Keep my version
          </button>{' '}
          or{' '}
          <button
            type="button"
            className="link-button"
            onClick={() => {
              clearDraft(draftKey);
              setConflict(false);
              onReload();
            }}
          >
            load the latest
          </button>
          .
        </Alert>
      ) : error && !conflict ? (
        <Alert>{errorMessage(error)}</Alert>
      ) : null}

      <div className="field">
        <label htmlFor="entry-title">Title</label>
        <input
          id="entry-title"
          ref={firstField}
          value={form.title}
          maxLength={200}
          placeholder="A title for today (optional)"
          onChange={(e) => set('title', e.target.value)}
        />
      </div>

      <div className="editor-row">
        <div className="field">
          <label htmlFor="entry-date">Date</label>
          <input
            id="entry-date"
            type="date"
            required
            value={form.entryDate}
            onChange={(e) => set('entryDate', e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="entry-mood">Mood</label>
          <select id="entry-mood" value={form.mood} onChange={(e) => set('mood', e.target.value)}>
            <option value="">No mood</option>
            {MOODS.map((mood) => (
              <option key={mood.value} value={mood.value}>
                {mood.emoji} {mood.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field grow">
          <label htmlFor="entry-tags">Tags</label>
          <input
            id="entry-tags"
            value={form.tags}
            placeholder="work, ideas"
            aria-describedby="entry-tags-hint"
            onChange={(e) => set('tags', e.target.value)}
          />
          <p className="field-hint" id="entry-tags-hint">
            Separate tags with commas.
          </p>
        </div>
      </div>

      <div className="tabs" role="tablist" aria-label="Editor mode">
        <button
          type="button"
          role="tab"
          aria-selected={tab === 'write'}
          onClick={() => setTab('write')}
        >
          Write
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={tab === 'preview'}
          onClick={() => setTab('preview')}
        >
          Preview
        </button>
      </div>
      {tab === 'write' ? (
        <div className="field">
          <label htmlFor="entry-body" className="visually-hidden">
            Entry (markdown)
          </label>
          <textarea
            id="entry-body"
            value={form.body}
            rows={16}
            placeholder="Write in markdown: **bold**, _italic_, lists, links…"
            onChange={(e) => set('body', e.target.value)}
          />
        </div>
      ) : (
        <div className="preview" role="tabpanel" aria-label="Preview">
          {form.body.trim() ? (
            <MarkdownPreview source={form.body} />
          ) : (
            <p className="muted">Nothing to preview.</p>
          )}
        </div>
      )}

      <div className="editor-actions">
        <Button type="submit" disabled={busy || empty}>
          {busy ? 'Saving…' : 'Save entry'}
        </Button>
        <Button type="button" variant="secondary" onClick={() => navigate('/')}>
          Back to journal
        </Button>
        {entry ? (
          <Button type="button" variant="danger" onClick={() => void onDelete()} disabled={busy}>
            Delete
          </Button>
        ) : null}
      </div>
    </form>
  );
}
