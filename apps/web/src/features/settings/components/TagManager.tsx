import { useState, type FormEvent } from 'react';

import { Alert } from '../../../components/ui/Alert';
import { Button } from '../../../components/ui/Button';
import { ErrorState } from '../../../components/ui/ErrorState';
import { errorMessage } from '../../../lib/api-error';
import { useDeleteTag, useRenameTag, useTagList } from '../api';

function TagRow({ name, count, existing }: { name: string; count: number; existing: string[] }) {
  const [editing, setEditing] = useState(false);
  const [to, setTo] = useState(name);
  const rename = useRenameTag();
  const remove = useDeleteTag();
  const target = to.trim().toLowerCase();
  const merges = target !== name && existing.includes(target);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!target || target === name) return setEditing(false);
    rename.mutate({ from: name, to: target }, { onSuccess: () => setEditing(false) });
  }

  function onDelete() {
    const entries = `${count} ${count === 1 ? 'entry' : 'entries'}`;
    if (!window.confirm(`Remove the tag “${name}” from ${entries}? The entries stay.`)) return;
    remove.mutate(name);
  }

  const error = rename.error ?? remove.error;
  return (
    <li className="tag-row">
      {editing ? (
        <form onSubmit={onSubmit} className="tag-rename">
          <div className="field">
            <label htmlFor={`rename-${name}`}>New name for #{name}</label>
            <input
              id={`rename-${name}`}
              value={to}
              maxLength={50}
              autoFocus
              onChange={(e) => setTo(e.target.value)}
            />
            {merges ? (
              <p className="field-hint">#{target} exists: the two tags will be merged.</p>
            ) : null}
          </div>
          <div className="button-row">
            <Button type="submit" className="btn-small" disabled={rename.isPending}>
              {merges ? 'Merge' : 'Rename'}
            </Button>
            <Button
              type="button"
              variant="secondary"
              className="btn-small"
              onClick={() => {
                setEditing(false);
                setTo(name);
                rename.reset();
              }}
            >
              Cancel
            </Button>
          </div>
        </form>
      ) : (
        <div className="tag-line">
          <span className="tag">#{name}</span>
          <span className="muted">
            {count} {count === 1 ? 'entry' : 'entries'}
          </span>
          <span className="tag-actions">
            <Button
              variant="secondary"
              className="btn-small"
              aria-label={`Rename tag ${name}`}
              onClick={() => setEditing(true)}
            >
              Rename
            </Button>
            <Button
              variant="danger"
              className="btn-small"
              aria-label={`Delete tag ${name}`}
              disabled={remove.isPending}
              onClick={onDelete}
            >
              Delete
            </Button>
          </span>
        </div>
      )}
      {error ? <Alert>{errorMessage(error)}</Alert> : null}
    </li>
  );
}

/** Rename, merge or delete tags across the whole journal. */
export function TagManager() {
  const tags = useTagList();
  return (
    <section className="card" aria-labelledby="tags-title">
      <h2 id="tags-title">Tags</h2>
      {tags.isError ? <ErrorState error={tags.error} onRetry={() => void tags.refetch()} /> : null}
      {tags.isPending ? <p className="muted">Loading tags…</p> : null}
      {tags.data && tags.data.length === 0 ? <p className="muted">No tags yet.</p> : null}
      {tags.data?.length ? (
        <ul className="tag-rows">
          {tags.data.map((tag) => (
            <TagRow
              key={tag.name}
              name={tag.name}
              count={tag.count}
              existing={tags.data.map((t) => t.name)}
            />
          ))}
        </ul>
      ) : null}
    </section>
  );
}
