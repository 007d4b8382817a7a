import { Link } from 'react-router';

import { ErrorState } from '../../../components/ui/ErrorState';
import type { MoodMonth } from '../../../lib/api-client';
import { useStats } from '../api';
import { monthName } from '../months';

const number = new Intl.NumberFormat();
const MOOD_NAMES = ['', 'Awful', 'Low', 'Okay', 'Good', 'Great'];

/**
 * Mood by month as a hand-written SVG bar chart: a dozen bars need no charting library
 * (which would add tens of kB); each bar carries a <title>, and the same numbers are in a
 * table for screen readers.
 */
function MoodChart({ moods }: { moods: MoodMonth[] }) {
  const recent = moods.slice(-12);
  const width = 420;
  const height = 190;
  const top = 12;
  const bottom = 28;
  const left = 50;
  const slot = (width - left) / Math.max(recent.length, 1);
  const y = (value: number) => top + ((5 - value) / 4) * (height - top - bottom);
  return (
    <figure className="mood-chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby="mood-chart-title">
        <title id="mood-chart-title">Average mood by month, from 1 (awful) to 5 (great)</title>
        {[1, 2, 3, 4, 5].map((value) => (
          <g key={value}>
            <line x1={left} x2={width} y1={y(value)} y2={y(value)} className="grid-line" />
            <text x={left - 6} y={y(value) + 4} textAnchor="end" className="axis">
              {MOOD_NAMES[value]}
            </text>
          </g>
        ))}
        {recent.map((mood, index) => {
          const barWidth = Math.min(slot * 0.6, 36);
          const x = left + index * slot + (slot - barWidth) / 2;
          const barTop = y(mood.average);
          return (
            <g key={mood.month}>
              <rect
                x={x}
                y={barTop}
                width={barWidth}
                height={Math.max(y(1) - barTop, 2)}
                rx={3}
                className="bar"
              >
                <title>
                  {`${monthName(mood.month)}: ${mood.average.toFixed(1)} from ${mood.count} ${mood.count === 1 ? 'entry' : 'entries'}`}
                </title>
              </rect>
              <text x={x + barWidth / 2} y={height - 8} textAnchor="middle" className="axis">
                {monthName(mood.month, true)}
              </text>
            </g>
          );
        })}
      </svg>
      {/* A table, not the div around it, ignores a 1px width: the div keeps it from widening the page. */}
      <div className="visually-hidden">
        <table>
          <caption>Average mood by month</caption>
          <thead>
            <tr>
              <th>Month</th>
              <th>Average mood</th>
              <th>Entries with a mood</th>
            </tr>
          </thead>
          <tbody>
            {recent.map((mood) => (
              <tr key={mood.month}>
                <td>{monthName(mood.month)}</td>
                <td>{mood.average.toFixed(1)}</td>
                <td>{mood.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

export function StatsPage() {
  const stats = useStats();
  const heading = <h1 id="stats-title">Your journal in numbers</h1>;
  if (!stats.isSuccess) {
    // The page keeps its heading while it loads or when it cannot.
    return (
      <section aria-labelledby="stats-title" className="stats">
        {heading}
        {stats.isError ? (
          <ErrorState error={stats.error} onRetry={() => void stats.refetch()} />
        ) : (
          <p className="muted">Loading your numbers…</p>
        )}
      </section>
    );
  }
  const s = stats.data;
  const tiles: [string, string][] = [
    ['Entries', number.format(s.entries)],
    ['Words', number.format(s.words)],
    ['Current streak', `${s.current_streak} ${s.current_streak === 1 ? 'day' : 'days'}`],
    ['Longest streak', `${s.longest_streak} ${s.longest_streak === 1 ? 'day' : 'days'}`],
  ];
  return (
    <section aria-labelledby="stats-title" className="stats">
      {heading}
      {s.first_entry_date ? (
        <p className="muted">Writing since {s.first_entry_date}.</p>
      ) : (
        <p className="muted">No entries yet.</p>
      )}
      <dl className="stat-tiles">
        {tiles.map(([label, value]) => (
          <div key={label} className="card stat-tile">
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <section className="card" aria-labelledby="mood-title">
        <h2 id="mood-title">Mood by month</h2>
        {s.moods.length ? (
          <MoodChart moods={s.moods} />
        ) : (
          <p className="muted">Pick a mood when you write and it shows up here.</p>
        )}
      </section>
      <section className="card" aria-labelledby="top-tags-title">
        <h2 id="top-tags-title">Top tags</h2>
        {s.top_tags.length ? (
          <ul className="tags">
            {s.top_tags.map((tag) => (
              <li key={tag.name}>
                <Link to={`/?tag=${encodeURIComponent(tag.name)}`} className="tag">
                  #{tag.name} · {tag.count}
                </Link>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">No tags yet.</p>
        )}
      </section>
    </section>
  );
}
