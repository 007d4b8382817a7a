"""Search snippets: where a found entry matches, as plain text and offsets, never HTML.

Built only for the page being returned. The database marks the matched words with its own
rules (SQLite FTS5 ``highlight()``, PostgreSQL ``ts_headline``), so marks agree with what
matched (stems, prefixes, accents). The marker characters are chosen per page among
characters that none of the page's texts contain, so text written by a user can never
forge a mark. The markers are then stripped into ``[start, end)`` offsets, counted in code
points (Python string indices), and a window of the text around the first match is cut.
The snippet comes from the body when the body holds a match, otherwise from the title.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, TextClause, bindparam, text
from sqlalchemy.ext.asyncio import AsyncConnection

from apps.api.app.entries import search

WINDOW = 200  # characters of snippet text at most (plus an ellipsis at each cut end)
LEAD = 60  # characters kept before the first match
_ELLIPSIS = "…"
# Candidate markers: Unicode noncharacters first, then the private-use area.
_POOL = [chr(c) for c in range(0xFDD0, 0xFDF0)] + [chr(c) for c in range(0xE000, 0xF900)]
# Line breaks and tabs become spaces one for one, so offsets are unchanged.
_FLAT = str.maketrans({"\n": " ", "\r": " ", "\t": " ", "\x0b": " ", "\x0c": " "})

_SQLITE = text(
    "SELECT entry_id, highlight(entries_fts, 1, :o, :c), highlight(entries_fts, 2, :o, :c) "
    "FROM entries_fts WHERE entries_fts MATCH :m AND rowid IN :rowids"
).bindparams(bindparam("rowids", expanding=True))
_POSTGRES = text(
    "SELECT id, ts_headline('english', title, to_tsquery('english', :m), :opts), "
    "ts_headline('english', body, to_tsquery('english', :m), :opts) "
    "FROM entries WHERE user_id = :uid AND id IN :ids"
).bindparams(bindparam("ids", expanding=True))


def _markers(texts: list[str]) -> tuple[str, str] | None:
    free: Iterator[str] = (c for c in _POOL if not any(c in t for t in texts))
    opening, closing = next(free, None), next(free, None)
    return (opening, closing) if opening and closing else None


def strip_marks(marked: str, original: str, opening: str, closing: str) -> list[tuple[int, int]]:
    """The marks of ``marked`` as offsets into ``original``; none if the two disagree."""
    marks: list[tuple[int, int]] = []
    plain: list[str] = []
    position, start = 0, None
    for char in marked:
        if char == opening:
            start = position
        elif char == closing:
            if start is not None and position > start:
                marks.append((start, position))
            start = None
        else:
            plain.append(char)
            position += 1
    return marks if "".join(plain) == original else []


def window(original: str, marks: list[tuple[int, int]]) -> dict[str, Any]:
    """A passage of at most WINDOW characters around the first mark, cut at spaces."""
    flat = original.translate(_FLAT)
    start, end = 0, len(flat)
    if len(flat) > WINDOW:
        first = marks[0][0] if marks else 0
        start = max(0, first - LEAD)
        if start > 0:  # begin at a word: after the next space, if the match stays in view
            space = flat.find(" ", start, first)
            start = space + 1 if space >= 0 else start
        end = min(len(flat), start + WINDOW)
        if end < len(flat):
            space = flat.rfind(" ", start, end)
            if space > (marks[0][1] if marks else start):
                end = space
    body = flat[start:end].strip(" ")
    shift = start + (len(flat[start:end]) - len(flat[start:end].lstrip(" ")))
    prefix = _ELLIPSIS if start > 0 else ""
    suffix = _ELLIPSIS if end < len(flat) else ""
    kept = [
        [a - shift + len(prefix), b - shift + len(prefix)]
        for a, b in marks
        if a >= shift and b <= shift + len(body)
    ]
    return {"text": f"{prefix}{body}{suffix}", "marks": kept}


_Plan = tuple[TextClause, dict[str, Any], tuple[str, str]]


def _plan(dialect: str, user_id: uuid.UUID, items: list[dict[str, Any]], q: str) -> _Plan | None:
    """The statement marking this page's matches, its values and the markers it uses."""
    if not items:
        return None
    markers = _markers([t for item in items for t in (item["title"], item["body"])])
    if markers is None:
        return None
    opening, closing = markers
    if dialect == "postgresql":
        terms = search.tsquery_terms(q, min_prefix=search.MIN_PREFIX)
        if terms is None:
            return None
        params = {
            "m": terms,
            "opts": f"StartSel={opening}, StopSel={closing}, HighlightAll=true",
            "uid": user_id,
            "ids": [item["id"] for item in items],
        }
        return _POSTGRES, params, markers
    match = search.fts5_query(q, min_prefix=search.MIN_PREFIX)
    if match is None:
        return None
    rowids = [item["fts_rowid"] for item in items]
    return _SQLITE, {"o": opening, "c": closing, "m": match, "rowids": rowids}, markers


def _fill(items: list[dict[str, Any]], rows: list[Any], markers: tuple[str, str] | None) -> None:
    found: dict[Any, tuple[str, str]] = {}
    for row in rows:
        ident = row[0] if isinstance(row[0], uuid.UUID) else uuid.UUID(hex=str(row[0]))
        found[ident] = (row[1], row[2])
    for item in items:
        title, body = item["title"], item["body"]
        marked = found.get(item["id"])
        title_marks = body_marks = []
        if marked is not None and markers is not None:
            title_marks = strip_marks(marked[0] or "", title, *markers)
            body_marks = strip_marks(marked[1] or "", body, *markers)
        if body_marks or (not title_marks and body):
            item["snippet"] = window(body, body_marks)
        else:
            item["snippet"] = window(title, title_marks)


async def attach_async_on(
    aconn: AsyncConnection, user_id: uuid.UUID, items: list[dict[str, Any]], q: str
) -> None:
    """``attach`` on an asyncio connection the caller holds."""
    plan = _plan(aconn.dialect.name, user_id, items, q)
    rows = list(await aconn.execute(plan[0], plan[1])) if plan is not None else []
    _fill(items, rows, plan[2] if plan is not None else None)


def attach_on(conn: Connection, user_id: uuid.UUID, items: list[dict[str, Any]], q: str) -> None:
    """The same on a connection the caller holds (a search run in a worker thread). SQLite
    rows come marked already (``marked_title``, ``marked_body``, with search.MARK_OPEN and
    MARK_CLOSE): those marks are used unless a text of the page holds one of them."""
    if items and "marked_title" in items[0]:
        marked = [(item["id"], item.pop("marked_title"), item.pop("marked_body")) for item in items]
        texts = [t for item in items for t in (item["title"], item["body"])]
        markers = (search.MARK_OPEN, search.MARK_CLOSE)
        if not any(m in t for t in texts for m in markers):
            _fill(items, marked, markers)
            return
    plan = _plan(conn.dialect.name, user_id, items, q)
    rows = list(conn.execute(plan[0], plan[1])) if plan is not None else []
    _fill(items, rows, plan[2] if plan is not None else None)
