import { useEffect, useRef, useState } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router';

import { Button } from '../../../components/ui/Button';
import { ErrorState } from '../../../components/ui/ErrorState';
import type { EntryListItem } from '../../../lib/api-client';
import { useShortcuts } from '../../../lib/shortcuts';
import { useEntries, useTags, type EntryFilters } from '../api';
import { excerpt } from '../excerpt';
import { entryTitle, untitledRest } from '../format';
import { MOODS, moodLabel } from '../mood';
import { OnThisDay } from './OnThisDay';
import { StarButton } from './StarButton';
import { TagLinks } from './TagLinks';
import { groupByMonth, snippetOf, snippetParts, tidySnippet, type Snippet } from '../timeline';

const dateFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});

/** The API's snippet with its matches in <mark>: built from offsets, never from HTML. */
function Highlighted({ snippet }: { snippet: Snippet }) {
  return (
    <p className="excerpt snippet">
      {tidySnippet(snippetParts(snippet)).map((part, index) =>
        part.marked ? <mark key={index}>{part.text}</mark> : part.text,
      )}
    </p>
  );
}

function EntryCard({ entry, level }: { entry: EntryListItem; level: 'h2' | 'h3' }) {
  const mood = moodLabel(entry.mood);
  const snippet = snippetOf(entry);
  const Heading = level;
  return (
    <li className="entry-card">
      <StarButton id={entry.id} starred={entry.starred} title={entryTitle(entry)} />
      <Link to={`/entries/${entry.id}`} className="entry-link">
        <div className="entry-meta">
          <time dateTime={entry.entry_date}>
            {dateFormat.format(new Date(`${entry.entry_date}T00:00:00Z`))}
          </time>
          {mood ? <span className="mood">{mood}</span> : null}
        </div>
        <Heading className="entry-title">{entryTitle(entry)}</Heading>
        {snippet ? (
          <Highlighted snippet={snippet} />
        ) : entry.body ? (
          <p className="excerpt">{excerpt(untitledRest(entry))}</p>
        ) : null}
      </Link>
      <TagLinks tags={entry.tags} />
    </li>
  );
}

/** Calls `onVisible` whenever the returned element scrolls into view (infinite scroll). */
function useOnVisible(onVisible: () => void, active: boolean) {
  const ref = useRef<HTMLDivElement>(null);
  const latest = useRef(onVisible);
  useEffect(() => {
    latest.current = onVisible;
  });
  useEffect(() => {
    const element = ref.current;
    if (!active || !element || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(
      (records) => {
        if (records.some((record) => record.isIntersecting)) latest.current();
      },
      { rootMargin: '400px 0px' },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [active]);
  return ref;
}

/** Move focus to the next (`step` 1) or previous (-1) entry in the list. */
function moveFocus(step: 1 | -1) {
  const links = [...document.querySelectorAll<HTMLAnchorElement>('.entry-list .entry-link')];
  if (!links.length) return;
  const current = links.findIndex((link) => link === document.activeElement);
  const next =
    current === -1
      ? step === 1
        ? 0
        : links.length - 1
      : Math.max(0, Math.min(links.length - 1, current + step));
  links[next]?.focus();
  links[next]?.scrollIntoView({ block: 'nearest' });
}

export function JournalPage() {
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const filters: EntryFilters = {
    q: params.get('q') ?? undefined,
    tag: params.get('tag') ?? undefined,
    from: params.get('from') ?? undefined,
    to: params.get('to') ?? undefined,
    starred: params.get('starred') === 'true' ? true : undefined,
    mood: Number(params.get('mood')) || undefined,
  };
  const entries = useEntries(filters);
  const tags = useTags();
  const items = entries.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = Object.values(filters).some((value) => value !== undefined && value !== '');
  const [searchText, setSearchText] = useState(filters.q ?? '');
  const searchInput = useRef<HTMLInputElement>(null);

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

  // "/" pressed on another page arrives here asking for the search field.
  const focusSearch = (location.state as { focusSearch?: boolean } | null)?.focusSearch;
  useEffect(() => {
    if (focusSearch) searchInput.current?.focus();
  }, [focusSearch, location.key]);

  useShortcuts({
    j: () => moveFocus(1),
    k: () => moveFocus(-1),
    '/': () => searchInput.current?.focus(),
  });

  function setFilter(name: keyof EntryFilters, value: string) {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  }

  const sentinel = useOnVisible(() => {
    if (entries.hasNextPage && !entries.isFetchingNextPage && !entries.isPlaceholderData) {
      void entries.fetchNextPage();
    }
  }, Boolean(entries.hasNextPage));

  const searching = Boolean(filters.q);
  const resultCount = `${items.length}${entries.hasNextPage ? '+' : ''} ${items.length === 1 && !entries.hasNextPage ? 'result' : 'results'}`;

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
            ref={searchInput}
            type="search"
            placeholder="Words in your entries"
            aria-keyshortcuts="/"
            value={searchText}
            onChange={(e) => setSearchText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') e.currentTarget.blur();
              if (e.key === 'ArrowDown') {
                e.preventDefault();
                moveFocus(1);
              }
            }}
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
        <div className="field">
          <label htmlFor="filter-mood">Mood</label>
          <select
            id="filter-mood"
            value={filters.mood ? String(filters.mood) : ''}
            onChange={(e) => setFilter('mood', e.target.value)}
          >
            <option value="">Any mood</option>
            {MOODS.map((mood) => (
              <option key={mood.value} value={mood.value}>
                {mood.label}
              </option>
            ))}
          </select>
        </div>
        <label className="checkbox filter-starred">
          <input
            type="checkbox"
            checked={Boolean(filters.starred)}
            onChange={(e) => setFilter('starred', e.target.checked ? 'true' : '')}
          />
          Starred only
        </label>
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

      <p className="muted result-count" role="status" aria-live="polite">
        {entries.isPlaceholderData
          ? 'Searching…'
          : searching && entries.isSuccess
            ? `${resultCount} for “${filters.q}”`
            : ''}
      </p>

      <OnThisDay enabled={!filtered} />

      {entries.isError ? (
        <ErrorState error={entries.error} onRetry={() => void entries.refetch()} />
      ) : null}
      {entries.isPending ? <p className="muted">Loading entries…</p> : null}
      {entries.isSuccess && !entries.isPlaceholderData && items.length === 0 ? (
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
      <div
        className={entries.isPlaceholderData ? 'timeline stale' : 'timeline'}
        role="region"
        aria-label="Entries"
        aria-busy={entries.isFetching}
      >
        {searching ? (
          // Search results come best match first: one list, no month headings.
          <ul className="entry-list">
            {items.map((entry) => (
              <EntryCard key={entry.id} entry={entry} level="h2" />
            ))}
          </ul>
        ) : (
          groupByMonth(items).map((group) => (
            <section key={group.month} aria-labelledby={`month-${group.month}`} className="month">
              <h2 id={`month-${group.month}`} className="month-heading">
                {group.label}
              </h2>
              <ul className="entry-list">
                {group.entries.map((entry) => (
                  <EntryCard key={entry.id} entry={entry} level="h3" />
                ))}
              </ul>
            </section>
          ))
        )}
      </div>
      {entries.hasNextPage ? (
        <div className="load-more" ref={sentinel}>
          <Button
            variant="secondary"
            onClick={() => void entries.fetchNextPage()}
            disabled={entries.isFetchingNextPage}
          >
            {entries.isFetchingNextPage ? 'Loading…' : 'Load older entries'}
          </Button>
        </div>
      ) : null}
      <p className="muted shortcut-hint">
        <kbd>j</kbd>/<kbd>k</kbd> move through entries, <kbd>/</kbd> search, <kbd>n</kbd> new entry,{' '}
        <kbd>?</kbd> all shortcuts.
      </p>
    </section>
  );
}
