import { Link, useSearchParams } from 'react-router';

import { ErrorState } from '../../../components/ui/ErrorState';
import type { CalendarDay } from '../../../lib/api-client';
import { useCalendarMonth, useCalendarYear } from '../api';
import { addMonths, isMonth, monthGrid, monthName, yearEnding } from '../months';

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MOOD_NAMES = ['', 'Awful', 'Low', 'Okay', 'Good', 'Great'];

function thisMonth(now = new Date()): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
}

/** 0–4: how full a day is, for the cell's shade. */
function level(count: number): number {
  if (count <= 0) return 0;
  return Math.min(4, count);
}

function describe(date: string, day: CalendarDay | undefined): string {
  if (!day || day.count === 0) return `${date}: no entries`;
  const mood = day.mood ? `, mood ${MOOD_NAMES[Math.round(day.mood)] ?? ''}` : '';
  return `${date}: ${day.count} ${day.count === 1 ? 'entry' : 'entries'}${mood}`;
}

function dayLink(date: string): string {
  return `/?from=${date}&to=${date}`;
}

function MonthView({ month }: { month: string }) {
  const calendar = useCalendarMonth(month);
  if (calendar.isPending) return <p className="muted">Loading {monthName(month)}…</p>;
  if (calendar.isError) {
    return <ErrorState error={calendar.error} onRetry={() => void calendar.refetch()} />;
  }
  const byDate = new Map(calendar.data.days.map((day) => [day.date, day]));
  const total = calendar.data.days.reduce((sum, day) => sum + day.count, 0);
  return (
    <>
      <p className="muted">
        {total} {total === 1 ? 'entry' : 'entries'} in {monthName(month)}
      </p>
      <div className="month-grid" role="grid" aria-label={monthName(month)}>
        <div role="row" className="month-row">
          {WEEKDAYS.map((name) => (
            <span key={name} role="columnheader" className="weekday">
              {name}
            </span>
          ))}
        </div>
        {chunk(monthGrid(month), 7).map((week, index) => (
          <div role="row" className="month-row" key={index}>
            {week.map((date, cell) => {
              if (!date) return <span key={`pad-${cell}`} role="gridcell" className="day pad" />;
              const day = byDate.get(date);
              const label = describe(date, day);
              // The cell reads as its description; the compact visible parts are for the eye
              // (an aria-label would hide them from the name: axe label-content-name-mismatch).
              const content = (
                <>
                  <span className="visually-hidden">{label}</span>
                  <span className="day-number" aria-hidden="true">
                    {Number(date.slice(8))}
                  </span>
                  {day?.count ? (
                    <span className="day-foot" aria-hidden="true">
                      <span className="day-mood">
                        {day.mood ? (MOOD_NAMES[Math.round(day.mood)] ?? '') : ''}
                      </span>
                      <span className="day-count">{day.count}</span>
                    </span>
                  ) : null}
                </>
              );
              return (
                <span key={date} role="gridcell" className={`day level-${level(day?.count ?? 0)}`}>
                  {day?.count ? (
                    <Link to={dayLink(date)} title={label}>
                      {content}
                    </Link>
                  ) : (
                    <span title={label}>{content}</span>
                  )}
                </span>
              );
            })}
          </div>
        ))}
      </div>
    </>
  );
}

function chunk<T>(items: T[], size: number): T[][] {
  const rows: T[][] = [];
  for (let i = 0; i < items.length; i += size) rows.push(items.slice(i, i + size));
  return rows;
}

function YearHeatmap({ month }: { month: string }) {
  const months = yearEnding(month);
  const results = useCalendarYear(months);
  return (
    <section aria-labelledby="year-title" className="card year">
      <h2 id="year-title">The last twelve months</h2>
      <div className="heatmap">
        {months.map((m, index) => {
          const data = results[index]?.data;
          const byDate = new Map((data?.days ?? []).map((day) => [day.date, day]));
          return (
            <div key={m} className="heatmap-month">
              <Link to={`/calendar?month=${m}`} className="heatmap-label">
                {monthName(m, true)}
              </Link>
              <div className="heatmap-cells" aria-hidden="true">
                {monthGrid(m).map((date, cell) =>
                  date ? (
                    <span
                      key={date}
                      className={`cell level-${level(byDate.get(date)?.count ?? 0)}`}
                      title={describe(date, byDate.get(date))}
                    />
                  ) : (
                    <span key={`pad-${cell}`} className="cell pad" />
                  ),
                )}
              </div>
            </div>
          );
        })}
      </div>
      <p className="muted heatmap-legend">
        Less <span className="cell level-0" /> <span className="cell level-1" />{' '}
        <span className="cell level-2" /> <span className="cell level-3" />{' '}
        <span className="cell level-4" /> More
      </p>
    </section>
  );
}

/** A month of the journal as a calendar (days with entries link to them) and a year heatmap. */
export function CalendarPage() {
  const [params, setParams] = useSearchParams();
  const wanted = params.get('month');
  const month = isMonth(wanted) ? wanted : thisMonth();
  const go = (step: number) => setParams({ month: addMonths(month, step) });
  return (
    <section aria-labelledby="calendar-title" className="calendar">
      <div className="page-head">
        <h1 id="calendar-title">{monthName(month)}</h1>
        <div className="button-row">
          <button type="button" className="btn btn-secondary btn-small" onClick={() => go(-1)}>
            <span aria-hidden="true">←</span> Previous month
          </button>
          <button
            type="button"
            className="btn btn-secondary btn-small"
            onClick={() => setParams({ month: thisMonth() })}
          >
            Today
          </button>
          <button type="button" className="btn btn-secondary btn-small" onClick={() => go(1)}>
            Next month <span aria-hidden="true">→</span>
          </button>
        </div>
      </div>
      <MonthView month={month} />
      <YearHeatmap month={month} />
    </section>
  );
}
