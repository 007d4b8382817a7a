"""The entry read path (list, one entry, tag counts): Core statements through the Reader.

Reads are the hot path, so they skip the ORM's object construction and the thread pool
(except a SQLite search, see _search):
one query per page (the ordered tag list is a column of the entry row), plain rows become
plain dicts that the response models validate. Writes stay in
service.py on the ORM, in the thread pool. Every statement here is scoped to one user.
"""

from __future__ import annotations

import uuid
from collections.abc import Generator
from datetime import date
from typing import Any

import anyio
from sqlalchemy import Engine, bindparam, extract, func, select, tuple_

from apps.api.app.db.reader import Reader, _once_more_if_dropped
from apps.api.app.entries import cursor as cursors
from apps.api.app.entries import search, snippets
from apps.api.app.entries.filters import Filters
from apps.api.app.entries.models import Entry, EntryTag
from apps.api.app.entries.search import AnySelect
from apps.api.app.entries.service import parse_entry_id
from apps.api.app.errors import NotFound

_COLUMNS = (
    Entry.id,
    Entry.title,
    Entry.body,
    Entry.tags,
    Entry.mood,
    Entry.starred,
    Entry.entry_date,
    Entry.created_at,
    Entry.updated_at,
    Entry.version,
)
_ORDER = (Entry.entry_date.desc(), Entry.created_at.desc(), Entry.id.desc())
_KEY = tuple_(Entry.entry_date, Entry.created_at, Entry.id)

# The common listings, built once with bind parameters: SQLAlchemy memoises their cache
# keys and compiled forms, so a request only binds values (filters build statements anew).
_PAGE = select(*_COLUMNS).where(Entry.user_id == bindparam("uid")).order_by(*_ORDER)
_FIRST_PAGE = _PAGE.limit(bindparam("lim"))
_NEXT_PAGE = _PAGE.where(
    tuple_(
        bindparam("d", type_=Entry.entry_date.type),
        bindparam("c", type_=Entry.created_at.type),
        bindparam("i", type_=Entry.id.type),
    )
    > _KEY
).limit(bindparam("lim"))


_ONE = select(*_COLUMNS).where(Entry.id == bindparam("id"), Entry.user_id == bindparam("uid"))
_KEYS = tuple(column.key for column in _COLUMNS)


def _dicts(rows: list[Any], keys: tuple[str, ...] = _KEYS) -> list[dict[str, Any]]:
    # zip over the known column names: Row._asdict() costs five times as much per row.
    return [dict(zip(keys, row, strict=True)) for row in rows]


def _filtered(user_id: uuid.UUID, filters: Filters) -> AnySelect:
    query: AnySelect = select(*_COLUMNS).where(Entry.user_id == user_id)
    if filters.tag:
        query = query.where(
            Entry.id.in_(
                select(EntryTag.entry_id).where(
                    EntryTag.user_id == user_id, EntryTag.name == filters.tag.strip().lower()
                )
            )
        )
    if filters.date_from:
        query = query.where(Entry.entry_date >= filters.date_from)
    if filters.date_to:
        query = query.where(Entry.entry_date <= filters.date_to)
    if filters.starred is not None:
        query = query.where(Entry.starred.is_(filters.starred))
    if filters.mood is not None:
        query = query.where(Entry.mood == filters.mood)
    return query


async def list_entries(
    reader: Reader,
    user_id: uuid.UUID,
    *,
    limit: int,
    cursor: str | None = None,
    filters: Filters = Filters(),
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of entries, newest first (best match first with ``q``), and the next cursor."""
    if filters.q is not None and filters.q.strip():
        offset = cursors.decode_offset(cursor) if cursor is not None else 0
        return await _search(reader, user_id, filters, filters.q, offset=offset, limit=limit)
    key = cursors.decode_key(cursor) if cursor is not None else None
    if filters.narrows:
        query = _filtered(user_id, filters)
        if key is not None:
            query = query.where(tuple_(*key) > _KEY)
        rows = await reader.all(query.order_by(*_ORDER).limit(limit + 1))
    else:
        # The common listing: a prebuilt statement, only values are bound.
        params: dict[str, Any] = {"uid": user_id, "lim": limit + 1}
        if key is not None:
            params["d"], params["c"], params["i"] = key
        rows = await reader.all(_FIRST_PAGE if key is None else _NEXT_PAGE, params)
    if len(rows) > limit:
        last = rows[limit - 1]
        return _dicts(rows[:limit]), cursors.encode_key(last.entry_date, last.created_at, last.id)
    return _dicts(rows), None


async def _search(
    reader: Reader, user_id: uuid.UUID, filters: Filters, q: str, *, offset: int, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of search results (best match first) with their snippets, and the next cursor.

    SQLite runs it in a worker thread on a pooled connection of its own: a search costs
    milliseconds, not the tens of microseconds of the inline reads, and must not hold the
    event loop (every other request of the worker) meanwhile. PostgreSQL runs it on the
    asyncio engine, with a plan made for these very words: a generic plan (psycopg
    prepares a statement run often) cannot tell a rare word from a common one."""
    dialect = reader.engine.dialect.name
    words = search.bind(dialect, user_id, q)
    if words is None:  # only punctuation: nothing can match
        return [], None
    found, params = _search_plan(dialect, user_id, filters)
    params |= words
    if reader.async_engine is None:
        rows, items = await anyio.to_thread.run_sync(
            _sqlite_search, reader.engine, found, params, offset, limit, user_id, q
        )
    else:
        rows, items = await _once_more_if_dropped(
            lambda: _pg_search(reader, found, params, offset, limit, user_id, q)
        )
    next_cursor = cursors.encode_offset(offset + limit) if len(rows) > limit else None
    return items, next_cursor


# The search of the common listing (no filter besides ``q``), planned once per dialect:
# only values are bound (see search.plan).
_SEARCHED = select(*_COLUMNS).where(Entry.user_id == bindparam("uid"))
_SEARCH_PLANS: dict[str, search.Search] = {}


def _search_plan(
    dialect: str, user_id: uuid.UUID, filters: Filters
) -> tuple[search.Search, dict[str, Any]]:
    if filters.narrows:
        return search.plan(dialect, _filtered(user_id, filters)), {}
    found = _SEARCH_PLANS.get(dialect)
    if found is None:
        found = _SEARCH_PLANS[dialect] = search.plan(dialect, _SEARCHED)
    return found, {"uid": user_id}


# The statements of one page of search results, as a generator: it yields each statement
# with its values, is sent back that statement's rows, and returns the page. The SQLite
# search (in a worker thread) and the PostgreSQL one (on the event loop) run the same steps,
# so the paging arithmetic is written once.
Steps = Generator[tuple[AnySelect, dict[str, Any]], list[Any], list[Any]]


def _page(found: search.Search, params: dict[str, Any], offset: int, limit: int) -> Steps:
    """Rows ``offset`` to ``offset + limit`` (one more, to tell whether a page follows) of
    the candidates, best first, followed by the other matches."""
    rows = yield found.ranked, params | {"ranked_offset": offset, "ranked_limit": limit + 1}
    if len(rows) > limit:
        return rows
    # Past the candidates: where the other matches start in this page.
    skip = 0 if rows else offset - int((yield found.count, params)[0][0])
    rest = {"rest_offset": max(skip, 0), "rest_limit": limit + 1 - len(rows)}
    return rows + (yield found.rest, params | rest)


def _sqlite_search(
    engine: Engine,
    found: search.Search,
    params: dict[str, Any],
    offset: int,
    limit: int,
    user_id: uuid.UUID,
    q: str,
) -> tuple[list[Any], list[dict[str, Any]]]:
    with engine.connect() as conn:
        steps = _page(found, params, offset, limit)
        try:
            statement, values = next(steps)
            while True:
                statement, values = steps.send(list(conn.execute(statement, values)))
        except StopIteration as done:
            rows: list[Any] = done.value
        items = _dicts(rows[:limit], found.keys)
        snippets.attach_on(conn, user_id, items, q)
    return rows, items


async def _pg_search(
    reader: Reader,
    found: search.Search,
    params: dict[str, Any],
    offset: int,
    limit: int,
    user_id: uuid.UUID,
    q: str,
) -> tuple[list[Any], list[dict[str, Any]]]:
    assert reader.async_engine is not None
    async with reader.async_engine.connect() as aconn:
        driver: Any = (await aconn.get_raw_connection()).driver_connection
        # Not prepared: planned with these very words each time (no round trip to say so).
        saved = driver.prepare_threshold
        driver.prepare_threshold = None
        try:
            steps = _page(found, params, offset, limit)
            try:
                statement, values = next(steps)
                while True:
                    statement, values = steps.send(list(await aconn.execute(statement, values)))
            except StopIteration as done:
                rows: list[Any] = done.value
            items = _dicts(rows[:limit], found.keys)
            await snippets.attach_async_on(aconn, user_id, items, q)
        finally:
            driver.prepare_threshold = saved
    return rows, items


async def get_entry(reader: Reader, user_id: uuid.UUID, entry_id: str) -> dict[str, Any]:
    """One entry of this user (with ``version`` for the ETag); 404 otherwise, never 403."""
    ident = parse_entry_id(entry_id)
    row = await reader.first(_ONE, {"id": ident, "uid": user_id})
    if row is None:
        raise NotFound("Entry not found")
    (entry,) = _dicts([row])
    return entry


ON_THIS_DAY_LIMIT = 100


async def on_this_day(reader: Reader, user_id: uuid.UUID, day: date) -> list[dict[str, Any]]:
    """Entries of the same month and day in earlier years, newest first (at most 100).
    Exact month and day only: on 29 February that is earlier 29 Februaries, and a 29
    February entry is not shown on 28 February or 1 March of other years."""
    rows = await reader.all(
        select(*_COLUMNS)
        .where(
            Entry.user_id == user_id,
            Entry.entry_date < date(day.year, 1, 1),
            extract("month", Entry.entry_date) == day.month,
            extract("day", Entry.entry_date) == day.day,
        )
        .order_by(*_ORDER)
        .limit(ON_THIS_DAY_LIMIT)
    )
    return _dicts(rows)


async def tag_counts(reader: Reader, user_id: uuid.UUID) -> list[tuple[str, int]]:
    rows = await reader.all(
        select(EntryTag.name, func.count())
        .where(EntryTag.user_id == user_id)
        .group_by(EntryTag.name)
        .order_by(func.count().desc(), EntryTag.name)
    )
    return [(row[0], int(row[1])) for row in rows]
