import { useId, useState, type KeyboardEvent } from 'react';

import { useTags } from '../api';
import { parseTags } from '../mood';

/**
 * Tags as removable chips, typed into one field with suggestions from the user's existing
 * tags (a native <datalist>: keyboard and screen-reader support come with it). Enter or a
 * comma adds the typed tag; Backspace in an empty field removes the last chip. The value
 * stays the comma-separated text the editor's draft already stores.
 */
export function TagInput({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const tags = parseTags(value);
  const [text, setText] = useState('');
  const known = useTags();
  const listId = useId();
  const suggestions = (known.data ?? []).map((tag) => tag.name).filter((t) => !tags.includes(t));

  function commit(raw: string) {
    const added = parseTags(raw);
    if (added.length) onChange([...tags, ...added.filter((t) => !tags.includes(t))].join(', '));
    setText('');
  }

  function remove(tag: string) {
    onChange(tags.filter((t) => t !== tag).join(', '));
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if ((event.key === 'Enter' || event.key === ',') && text.trim()) {
      event.preventDefault();
      commit(text);
    } else if (event.key === 'Backspace' && !text && tags.length) {
      event.preventDefault();
      remove(tags[tags.length - 1] ?? '');
    }
  }

  return (
    <div className="field grow">
      <label htmlFor="entry-tags">Tags</label>
      <div className="tag-input">
        {tags.length ? (
          <ul className="chips">
            {tags.map((tag) => (
              <li key={tag} className="chip">
                #{tag}
                <button type="button" aria-label={`Remove tag ${tag}`} onClick={() => remove(tag)}>
                  ×
                </button>
              </li>
            ))}
          </ul>
        ) : null}
        <input
          id="entry-tags"
          list={listId}
          value={text}
          placeholder={tags.length ? 'Add a tag' : 'work, ideas'}
          aria-describedby="entry-tags-hint"
          autoComplete="off"
          onChange={(event) => {
            const next = event.target.value;
            // A suggestion picked from the list (no typing input type), or a pasted "a, b":
            // add them at once.
            const inputType = (event.nativeEvent as InputEvent).inputType;
            const picked = !inputType || inputType === 'insertReplacementText';
            if (next.includes(',') || (picked && suggestions.includes(next.trim().toLowerCase()))) {
              commit(next);
            } else {
              setText(next);
            }
          }}
          onKeyDown={onKeyDown}
          onBlur={() => {
            if (text.trim()) commit(text);
          }}
        />
        <datalist id={listId}>
          {suggestions.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
      </div>
      <p className="field-hint" id="entry-tags-hint">
        Enter or a comma adds a tag; suggestions come from your tags.
      </p>
    </div>
  );
}
