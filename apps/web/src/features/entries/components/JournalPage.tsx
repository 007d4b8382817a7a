import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';

import { Button } from '../../../components/ui/Button';
import { ErrorState } from '../../../components/ui/ErrorState';
import type { EntryOut } from '../../../lib/api-client';
import { useEntries, useTags, type EntryFilters } from '../api';
import { excerpt } from '../excerpt';
import { entryTitle } from '../format';
import { moodLabel } from '../mood';

const dateFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});

function EntryCard({ entry }: { entry: EntryOut }) {
  const mood = moodLabel(entry.mood);
  return (
    <li className="entry-card">
      <Link to={`/entries/${entry.id}`} className="entry-link">
        <div className="entry-meta">
          <time dateTime={entry.entry_date}>{dateFormat.format(new Date(entry.entry_date))}</time>
          {mood ? <span className="mood">{mood}</span> : null}
        </div>
        <h2>{entryTitle(entry)}</h2>
        {entry.body ? <p className="excerpt">{excerpt(entry.body)}</p> : null}
      </Link>
      {entry.tags.length ? (
        <ul className="tags" aria-label="Tags">
          {entry.tags.map((tag) => (
            <li key={tag}>
              <Link to={`/?tag=${encodeURIComponent(tag)}`} className="tag">
                #{tag}
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}

export function JournalPage() {
  const [params, setParams] = useSearchParams();
  const filters: EntryFilters = {
    q: params.get('q') ?? undefined,
    tag: params.get('tag') ?? undefined,
    from: params.get('from') ?? undefined,
    to: params.get('to') ?? undefined,
  };
  const entries = useEntries(filters);
  const tags = useTags();
  const items = entries.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = Boolean(filters.q || filters.tag || filters.from || filters.to);
  const [searchText, setSearchText] = useState(filters.q ?? '');

  const currentQ = params.get('q') ?? '';

  // Search as you type, once typing pauses.
  useEffect(() => {
    const wanted = searchText.trim();
    if (wanted === currentQ) return;
    const timer = window.setTimeout(() => {
      setParams(
        (previous) => {
          const next = new URLSearchParams(previous);
          if (wanted) next.set('q', wanted);
          else next.delete('q');
          return next;
        },
        { replace: true },
      );
    }, 300);
    return () => window.clearTimeout(timer);
  }, [searchText, currentQ, setParams]);

  function setFilter(name: keyof EntryFilters, value: string) {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  }

  return (
    <section aria-labelledby="journal-title">
      <div className="page-head">
        <h1 id="journal-title">Your journal</h1>
      </div>
      <form
        className="filters"
        role="search"
        aria-label="Filter entries"
        onSubmit={(e) => e.preventDefault()}
      >
        <div className="field search">
          <label htmlFor="filter-q">Search</label>
          <input
            id="filter-q"
            type="search"
            placeholder="Words in your entries"
            value={searchText}
            onChange={(e) => setSearchText(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="filter-tag">Tag</label>
          <select
            id="filter-tag"
            value={filters.tag ?? ''}
            onChange={(e) => setFilter('tag', e.target.value)}
          >
            <option value="">All tags</option>
            {(tags.data ?? []).map((tag) => (
              <option key={tag.name} value={tag.name}>
                {tag.name} ({tag.count})
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-from">From</label>
          <input
            id="filter-from"
            type="date"
            value={filters.from ?? ''}
            onChange={(e) => setFilter('from', e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="filter-to">To</label>
          <input
            id="filter-to"
            type="date"
            value={filters.to ?? ''}
            onChange={(e) => setFilter('to', e.target.value)}
          />
        </div>
        {filtered ? (
          <Button
            type="button"
            variant="ghost"
            onClick={() => {
              setSearchText('');
              setParams(new URLSearchParams(), { replace: true });
            }}
          >
            Clear filters
          </Button>
        ) : null}
      </form>

      {entries.isError ? (
        <ErrorState error={entries.error} onRetry={() => void entries.refetch()} />
      ) : null}
      {entries.isPending ? <p className="muted">Loading entries…</p> : null}
      {entries.isSuccess && items.length === 0 ? (
        <div className="empty">
          {filtered ? (
            <p>No entries match these filters.</p>
          ) : (
            <>
              <p>Nothing written yet. Today is a good day to start.</p>
              <Link to="/entries/new" className="btn btn-primary">
                Write your first entry
              </Link>
            </>
          )}
        </div>
      ) : null}
      <ul className="entry-list" aria-label="Entries">
        {items.map((entry) => (
          <EntryCard key={entry.id} entry={entry} />
        ))}
      </ul>
      {entries.hasNextPage ? (
        <div className="load-more">
          <Button
            variant="secondary"
            onClick={() => void entries.fetchNextPage()}
            disabled={entries.isFetchingNextPage}
          >
            {entries.isFetchingNextPage ? 'Loading…' : 'Load older entries'}
          </Button>
        </div>
      ) : null}
    </section>
  );
}
