import { useEffect, useRef } from 'react';
import { Link, useNavigate, useParams } from 'react-router';

import { ErrorState } from '../../../components/ui/ErrorState';
import { useShortcuts } from '../../../lib/shortcuts';
import { useEntry } from '../api';
import { entryTitle, longDate } from '../format';
import { moodLabel } from '../mood';
import { MarkdownPreview } from './MarkdownPreview';
import { StarButton } from './StarButton';
import { TagLinks } from './TagLinks';

/**
 * The reading view: the entry rendered, nothing to type in (so no keyboard pops up on a
 * phone). Edit with the button or the `e` key; `Esc` goes back to the journal.
 */
export function EntryPage() {
  const { entryId = '' } = useParams();
  const navigate = useNavigate();
  const loaded = useEntry(entryId);
  const heading = useRef<HTMLHeadingElement>(null);
  const entry = loaded.data?.entry;

  useShortcuts({
    e: () => navigate(`/entries/${entryId}/edit`),
    Escape: () => navigate('/'),
  });

  // Focus the title so screen readers announce the entry and the page can be scrolled.
  useEffect(() => {
    if (entry) heading.current?.focus();
  }, [entry]);

  if (loaded.isPending) return <p className="muted">Loading entry…</p>;
  if (loaded.isError || !entry) {
    return <ErrorState error={loaded.error} onRetry={() => void loaded.refetch()} />;
  }
  const mood = moodLabel(entry.mood);
  return (
    <article className="reading" aria-labelledby="entry-heading">
      <p className="breadcrumbs">
        <Link to="/">Journal</Link> / {longDate(entry.entry_date)}
      </p>
      <div className="page-head">
        <h1 id="entry-heading" ref={heading} tabIndex={-1}>
          {entryTitle(entry)}
        </h1>
        <div className="reading-actions">
          <StarButton id={entry.id} starred={entry.starred} title={entryTitle(entry)} />
          <Link
            to={`/entries/${entry.id}/edit`}
            className="btn btn-primary btn-small"
            aria-keyshortcuts="e"
          >
            Edit
          </Link>
        </div>
      </div>
      <div className="entry-meta">
        <time dateTime={entry.entry_date}>{longDate(entry.entry_date)}</time>
        {mood ? <span className="mood">Mood: {mood}</span> : null}
      </div>
      <TagLinks tags={entry.tags} />
      <div className="reading-body">
        {entry.body.trim() ? (
          <MarkdownPreview source={entry.body} />
        ) : (
          <p className="muted">This entry has no text.</p>
        )}
      </div>
      <p className="muted shortcut-hint">
        Press <kbd>e</kbd> to edit, <kbd>Esc</kbd> to go back.
      </p>
    </article>
  );
}
