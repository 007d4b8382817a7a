import {
  useEffect,
  useRef,
  useState,
  useSyncExternalStore,
  type FormEvent,
  type KeyboardEvent,
} from 'react';
import { useBlocker, useNavigate, useParams } from 'react-router';

import { Alert } from '../../../components/ui/Alert';
import { Button } from '../../../components/ui/Button';
import { ErrorState } from '../../../components/ui/ErrorState';
import { ApiError, errorMessage } from '../../../lib/api-error';
import { useShortcuts } from '../../../lib/shortcuts';
import type { EntryOut } from '../../../lib/api-client';
import {
  clearDraft,
  loadDraft,
  saveDraft,
  type Draft,
  type DraftFields,
} from '../../../lib/drafts';
import { useCreateEntry, useDeleteEntry, useEntry, useUpdateEntry } from '../api';
import { localToday } from '../dates';
import { MarkdownPreview } from './MarkdownPreview';
import { parseTags } from '../mood';
import { MoodPicker } from './MoodPicker';
import { TagInput } from './TagInput';

type Form = DraftFields;

const WIDE = '(min-width: 1100px)';

/** True on screens wide enough to show the text and its preview side by side. */
function useWide(): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const query = window.matchMedia?.(WIDE);
      query?.addEventListener('change', onChange);
      return () => query?.removeEventListener('change', onChange);
    },
    () => window.matchMedia?.(WIDE).matches ?? false,
    () => false,
  );
}

/** A version (ETag) to send as `If-Match`: null sends none; undefined is not known. */
type Version = string | null | undefined;

const LEAVE_MESSAGE =
  'You have unsaved changes. Leave this page? Your draft stays on this device until you save or discard it.';

function formFrom(entry: EntryOut | undefined): Form {
  return {
    title: entry?.title ?? '',
    body: entry?.body ?? '',
    tags: entry?.tags.join(', ') ?? '',
    mood: entry?.mood ? String(entry.mood) : '',
    entryDate: entry?.entry_date ?? localToday(),
  };
}

function fieldsOf(draft: Draft): Form {
  const { title, body, tags, mood, entryDate } = draft;
  return { title, body, tags, mood, entryDate };
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
  // Bumped by "load the latest": a fresh editor on the refetched entry, without the draft.
  const [generation, setGeneration] = useState(0);
  if (entryId && loaded.isPending) return <p className="muted">Loading entry…</p>;
  if (entryId && loaded.isError) {
    return <ErrorState error={loaded.error} onRetry={() => void loaded.refetch()} />;
  }

  async function loadLatest(): Promise<unknown> {
    const result = await loaded.refetch();
    if (result.isError) return result.error;
    if (entryId) clearDraft(entryId);
    setGeneration((current) => current + 1);
    return null;
  }

  return (
    <Editor
      key={`${entryId ?? 'new'}:${generation}`}
      entry={loaded.data?.entry}
      etag={loaded.data?.etag ?? null}
      onLoadLatest={loadLatest}
    />
  );
}

function Editor({
  entry,
  etag,
  onLoadLatest,
}: {
  entry?: EntryOut;
  etag: string | null;
  /** Refetch the entry and start over from it; resolves to the error if that failed. */
  onLoadLatest: () => Promise<unknown>;
}) {
  const navigate = useNavigate();
  const draftKey = entry?.id ?? 'new';
  const saved = formFrom(entry);
  const [draft] = useState(() => {
    const stored = loadDraft(draftKey);
    return stored && !sameForm(fieldsOf(stored), formFrom(entry)) ? stored : null;
  });
  const [form, setForm] = useState<Form>(() => (draft ? fieldsOf(draft) : saved));
  const [restored, setRestored] = useState(draft !== null);
  // The version the form's text is based on: the restored draft's, else the entry as
  // loaded. Only a save moves it, never a background refetch: that would make a form
  // written against an older version look current, and its save overwrite the newer one.
  const [baseEtag, setBaseEtag] = useState<Version>(() => (draft ? draft.baseEtag : etag));
  // The entry's text at that version, to tell an untouched form from an edited one.
  const [baseForm, setBaseForm] = useState<Form | null>(() => (draft ? null : saved));
  // A newer version arrived (a refetch, or this editor's own save): an untouched form
  // follows it; an edited one keeps its base, so saving it meets the conflict.
  const [seenEtag, setSeenEtag] = useState(etag);
  if (etag !== seenEtag) {
    setSeenEtag(etag);
    if (baseForm && sameForm(form, baseForm)) {
      setForm(saved);
      setBaseForm(saved);
      setBaseEtag(etag);
    }
  }
  const [tab, setTab] = useState<'write' | 'preview'>('write');
  const wide = useWide();
  const writeTab = useRef<HTMLButtonElement>(null);
  const previewTab = useRef<HTMLButtonElement>(null);
  const [conflict, setConflict] = useState<'changed' | 'unknown' | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const create = useCreateEntry();
  const update = useUpdateEntry();
  const remove = useDeleteEntry();
  const dirty = !sameForm(form, saved);
  const busy = create.isPending || update.isPending || remove.isPending;
  const error = create.error ?? update.error ?? remove.error;
  const firstField = useRef<HTMLInputElement>(null);
  const conflictAlert = useRef<HTMLDivElement>(null);
  // Set just before the editor navigates away itself (after a create or a delete).
  const leaving = useRef(false);

  // A stored draft that matches the entry holds nothing unsaved: drop it, so sign-out
  // does not ask about it.
  useEffect(() => {
    if (!draft) clearDraft(draftKey);
  }, [draft, draftKey]);

  // Autosave the draft shortly after typing stops.
  const autosave = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (!dirty) return;
    autosave.current = window.setTimeout(() => saveDraft(draftKey, form, baseEtag), 400);
    return () => window.clearTimeout(autosave.current);
  }, [form, dirty, draftKey, baseEtag]);

  /** Write the draft now (the page is going away or focus left the editor). */
  function flushDraft() {
    window.clearTimeout(autosave.current);
    // Not while the editor leaves by itself (after a create or delete): focus leaving its
    // unmounting buttons would otherwise write back the draft it has just cleared.
    if (dirty && !leaving.current) saveDraft(draftKey, form, baseEtag);
  }

  // A hidden or closing page may never run the autosave timer: write the draft at once,
  // and ask before a reload or close drops unsaved changes.
  useEffect(() => {
    if (!dirty) return;
    const flush = () => {
      window.clearTimeout(autosave.current);
      if (!leaving.current) saveDraft(draftKey, form, baseEtag);
    };
    const onVisibilityChange = () => {
      if (document.visibilityState === 'hidden') flush();
    };
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      flush();
      event.preventDefault();
    };
    document.addEventListener('visibilitychange', onVisibilityChange);
    window.addEventListener('pagehide', flush);
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      document.removeEventListener('visibilitychange', onVisibilityChange);
      window.removeEventListener('pagehide', flush);
      window.removeEventListener('beforeunload', onBeforeUnload);
    };
  }, [form, dirty, draftKey, baseEtag]);

  // Navigating elsewhere in the app with unsaved changes asks first.
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      dirty && !leaving.current && currentLocation.pathname !== nextLocation.pathname,
  );
  useEffect(() => {
    if (blocker.state !== 'blocked') return;
    if (window.confirm(LEAVE_MESSAGE)) blocker.proceed();
    else blocker.reset();
  }, [blocker]);

  useEffect(() => {
    firstField.current?.focus();
  }, []);

  // Esc (outside a field) goes back: to the entry being edited, or to the journal.
  useShortcuts({ Escape: () => navigate(entry ? `/entries/${entry.id}` : '/') });

  /** Arrow keys move between the Write and Preview tabs (the WAI-ARIA tabs pattern). */
  function onTabKeyDown(event: KeyboardEvent<HTMLButtonElement>) {
    if (!['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(event.key)) return;
    event.preventDefault();
    const next =
      event.key === 'Home'
        ? 'write'
        : event.key === 'End'
          ? 'preview'
          : tab === 'write'
            ? 'preview'
            : 'write';
    setTab(next);
    (next === 'write' ? writeTab : previewTab).current?.focus();
  }

  // The choice appears at the top of the form, far from the Save button on a phone.
  useEffect(() => {
    if (conflict) conflictAlert.current?.scrollIntoView({ block: 'center' });
  }, [conflict]);

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
    if (entry && !force && baseEtag === undefined) {
      // A draft from before versions were kept: it may predate a change made elsewhere.
      setConflict('unknown');
      return;
    }
    try {
      if (entry) {
        const result = await update.mutateAsync({
          id: entry.id,
          body,
          etag: force ? null : (baseEtag ?? null),
        });
        clearDraft(draftKey);
        setBaseEtag(result.etag);
        setBaseForm(formFrom(result.entry));
        setRestored(false);
        setConflict(null);
        setMessage('Saved.');
      } else {
        const created = await create.mutateAsync(body);
        leaving.current = true;
        window.clearTimeout(autosave.current);
        clearDraft(draftKey);
        navigate(`/entries/${created.entry.id}/edit`, { replace: true });
      }
    } catch (err) {
      saveDraft(draftKey, form, baseEtag); // not saved on the server: keep it on this device
      if (err instanceof ApiError && err.code === 'version_conflict') setConflict('changed');
    }
  }

  async function loadLatest() {
    const failed = await onLoadLatest();
    if (failed) setMessage(`Could not load the latest version: ${errorMessage(failed)}`);
  }

  function discardDraft() {
    clearDraft(draftKey);
    update.reset();
    setForm(saved);
    setBaseForm(saved);
    setBaseEtag(etag);
    setRestored(false);
    setConflict(null);
  }

  async function onDelete() {
    if (!entry) return;
    if (!window.confirm('Delete this entry? This cannot be undone.')) return;
    await remove.mutateAsync(entry.id);
    leaving.current = true;
    window.clearTimeout(autosave.current);
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
      onBlur={flushDraft}
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
          <button type="button" className="link-button" onClick={discardDraft}>
            Discard it
          </button>
        </Alert>
      ) : null}
      {conflict ? (
        <div ref={conflictAlert}>
          <Alert>
            <p className="alert-message">
              {conflict === 'changed'
                ? `This entry was changed elsewhere since ${restored ? 'this draft was written' : 'you opened it'}.`
                : 'This draft was kept by an older version of the app and may predate changes made elsewhere.'}{' '}
              Keeping your version replaces those changes; loading the latest drops your edits here.
            </p>
            <div className="alert-actions">
              <Button
                type="button"
                variant="secondary"
                className="btn-small"
                disabled={busy}
                onClick={() => void save(true)}
              >
                Keep my version
              </Button>
              <Button
                type="button"
                variant="secondary"
                className="btn-small"
                disabled={busy}
                onClick={() => void loadLatest()}
              >
                Load the latest
              </Button>
            </div>
          </Alert>
        </div>
      ) : error ? (
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
        <MoodPicker value={form.mood} onChange={(value) => set('mood', value)} />
        <TagInput value={form.tags} onChange={(value) => set('tags', value)} />
      </div>

      {wide ? (
        <div className="side-by-side">
          <div className="field">
            <label htmlFor="entry-body">Entry (markdown)</label>
            <textarea
              id="entry-body"
              value={form.body}
              rows={20}
              placeholder="Write in markdown: **bold**, _italic_, lists, links…"
              onChange={(e) => set('body', e.target.value)}
            />
          </div>
          <div className="field">
            <span className="field-label" id="preview-label">
              Preview
            </span>
            <div className="preview" role="region" aria-labelledby="preview-label">
              {form.body.trim() ? (
                <MarkdownPreview source={form.body} />
              ) : (
                <p className="muted">Nothing to preview.</p>
              )}
            </div>
          </div>
        </div>
      ) : (
        <>
          <div className="tabs" role="tablist" aria-label="Editor mode">
            <button
              type="button"
              role="tab"
              id="tab-write"
              ref={writeTab}
              aria-selected={tab === 'write'}
              aria-controls="panel-editor"
              tabIndex={tab === 'write' ? 0 : -1}
              onClick={() => setTab('write')}
              onKeyDown={onTabKeyDown}
            >
              Write
            </button>
            <button
              type="button"
              role="tab"
              id="tab-preview"
              ref={previewTab}
              aria-selected={tab === 'preview'}
              aria-controls="panel-editor"
              tabIndex={tab === 'preview' ? 0 : -1}
              onClick={() => setTab('preview')}
              onKeyDown={onTabKeyDown}
            >
              Preview
            </button>
          </div>
          {tab === 'write' ? (
            <div className="field" id="panel-editor" role="tabpanel" aria-labelledby="tab-write">
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
            <div className="preview" id="panel-editor" role="tabpanel" aria-label="Preview">
              {form.body.trim() ? (
                <MarkdownPreview source={form.body} />
              ) : (
                <p className="muted">Nothing to preview.</p>
              )}
            </div>
          )}
        </>
      )}

      <div className="editor-actions">
        <Button type="submit" disabled={busy || empty}>
          {busy ? 'Saving…' : 'Save entry'}
        </Button>
        {entry ? (
          <Button
            type="button"
            variant="secondary"
            onClick={() => navigate(`/entries/${entry.id}`)}
          >
            View entry
          </Button>
        ) : null}
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
