import { Link } from 'react-router';

import { useOnThisDay } from '../api';
import { localToday } from '../dates';
import { entryTitle } from '../format';

/** "On this day": entries from the same date in earlier years; nothing shown when none. */
export function OnThisDay({ enabled }: { enabled: boolean }) {
  const today = localToday();
  const found = useOnThisDay(today, enabled);
  const items = found.data?.items ?? [];
  if (!enabled || items.length === 0) return null;
  const thisYear = Number(today.slice(0, 4));
  return (
    <aside className="card on-this-day" aria-labelledby="on-this-day-title">
      <h2 id="on-this-day-title">On this day</h2>
      <ul>
        {items.slice(0, 5).map((entry) => {
          const years = thisYear - Number(entry.entry_date.slice(0, 4));
          return (
            <li key={entry.id}>
              <span className="muted">{years === 1 ? 'A year ago' : `${years} years ago`} · </span>
              <Link to={`/entries/${entry.id}`}>{entryTitle(entry)}</Link>
            </li>
          );
        })}
      </ul>
    </aside>
  );
}
