"""Journal views: the month calendar and the statistics. Read-only, one user's rows only,
aggregated in SQL (the bodies are never read: words come from ``entries.word_count``).

Every date here is the writer's calendar date (``entry_date``); "today" is today in the
user's profile time zone. Averages are rounded to two decimals, so SQLite (float) and
PostgreSQL (numeric) give the same answer.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import extract, func, select

from apps.api.app.db.reader import Reader
from apps.api.app.entries.models import Entry, EntryTag

TOP_TAGS = 10


def _month_end(first: date) -> date:
    if first.month == 12:
        return date(first.year, 12, 31)
    return date(first.year, first.month + 1, 1) - timedelta(days=1)


def _average(value: Any) -> float | None:
    return None if value is None else round(float(value), 2)


async def calendar(reader: Reader, user_id: uuid.UUID, first: date) -> list[dict[str, Any]]:
    """The days of the month that hold entries: date, how many, their average mood."""
    rows = await reader.all(
        select(Entry.entry_date, func.count(), func.avg(Entry.mood))
        .where(
            Entry.user_id == user_id,
            Entry.entry_date >= first,
            Entry.entry_date <= _month_end(first),
        )
        .group_by(Entry.entry_date)
        .order_by(Entry.entry_date)
    )
    return [{"date": day, "count": int(count), "mood": _average(mood)} for day, count, mood in rows]


def streaks(days: list[date], today: date) -> tuple[int, int]:
    """(current, longest) runs of consecutive days in ``days`` (sorted, distinct). The
    current run ends today, or yesterday (today's entry may not be written yet); days after
    today (entries dated ahead) do not count for it."""
    longest = run = 0
    previous: date | None = None
    for day in days:
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    present = set(days)
    end = today if today in present else today - timedelta(days=1)
    current = 0
    while end in present:
        current += 1
        end -= timedelta(days=1)
    return current, longest


async def stats(reader: Reader, user_id: uuid.UUID, today: date) -> dict[str, Any]:
    mine = Entry.user_id == user_id
    totals = await reader.first(
        select(
            func.count(), func.coalesce(func.sum(Entry.word_count), 0), func.min(Entry.entry_date)
        ).where(mine)
    )
    days = [
        row[0]
        for row in await reader.all(
            select(Entry.entry_date)
            .where(mine)
            .group_by(Entry.entry_date)
            .order_by(Entry.entry_date)
        )
    ]
    current, longest = streaks(days, today)
    year, month = extract("year", Entry.entry_date), extract("month", Entry.entry_date)
    moods = await reader.all(
        select(year, month, func.avg(Entry.mood), func.count(Entry.mood))
        .where(mine, Entry.mood.is_not(None))
        .group_by(year, month)
        .order_by(year, month)
    )
    tags = await reader.all(
        select(EntryTag.name, func.count())
        .where(EntryTag.user_id == user_id)
        .group_by(EntryTag.name)
        .order_by(func.count().desc(), EntryTag.name)
        .limit(TOP_TAGS)
    )
    return {
        "entries": int(totals[0]),
        "words": int(totals[1]),
        "current_streak": current,
        "longest_streak": longest,
        "first_entry_date": totals[2],
        "moods": [
            {"month": f"{int(y):04d}-{int(m):02d}", "average": _average(avg), "count": int(n)}
            for y, m, avg, n in moods
        ],
        "top_tags": [{"name": name, "count": int(count)} for name, count in tags],
    }
