"""Full-text search: SQLite FTS5 or PostgreSQL tsvector, behind one function.

The search structures live only in migration 0004 (not in the ORM models): they are
database-specific and the application touches them only here.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    column,
    func,
    literal_column,
    table,
)

# Objects the search migration creates that the ORM models do not describe.
SEARCH_OBJECTS = frozenset({"entries_fts", "search_vector", "ix_entries_search_vector"})

# A SELECT of any columns (Select is variadic-generic in SQLAlchemy 2.1).
AnySelect = Select[*tuple[Any, ...]]

_fts = table("entries_fts", column("entry_id", String))
_WORD = re.compile(r"\w+", re.UNICODE)


def _matches(column_index: int, column_name: str) -> str:
    """How many query words (prefixes included) a column of this FTS row holds: highlight()
    puts one char(1) before each, so the text grows by that many characters."""
    return (
        f"(length(highlight(entries_fts, {column_index}, char(1), '')) "
        f"- length(entries_fts.{column_name}))"
    )


def _saturated(count: str, length_scale: str) -> str:
    # BM25's term-frequency part, count / (count + K) with k1 = 1.2, b = 0.75 and a fixed
    # reference length instead of the corpus average: more matches help, with diminishing
    # returns. Written 1 - K / (count + K) so that ``count`` (a highlight()) runs once.
    k = f"(1.2 * (0.25 + 0.75 * {length_scale}))"
    return f"(1.0 - {k} / ({count} + {k}))"


# SQLite relevance, computed from the row alone. FTS5's bm25() weighs words by statistics
# over the whole shared table (every user's entries), so a user's order would reveal how
# many of other users' entries hold a word. Title matches weigh ten times body matches.
_SQLITE_SCORE: ColumnElement[float] = literal_column(
    "(10.0 * "
    + _saturated(_matches(1, "title"), "length(entries_fts.title) / 50.0")
    + " + "
    + _saturated(_matches(2, "body"), "length(entries_fts.body) / 2000.0")
    + ")"
)


# The FTS row of each SQLite search result, so that its snippet is read by rowid (a seek),
# not by a second scan of every matching row.
FTS_ROWID: ColumnElement[int] = literal_column("entries_fts.rowid").label("fts_rowid")


def fts5_query(text: str) -> str | None:
    """User text → a safe FTS5 query: every word quoted (no operators), the last one as a
    prefix so results appear while typing. None when there is nothing to search for."""
    words = _WORD.findall(text)[:20]
    if not words:
        return None
    quoted = [f'"{word}"' for word in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def tsquery_terms(text: str) -> str | None:
    """The same rules for PostgreSQL: words ANDed, the last one a prefix. Only \\w characters
    reach to_tsquery, so its operators cannot be injected."""
    words = _WORD.findall(text)[:20]
    if not words:
        return None
    words[-1] += ":*"
    return " & ".join(words)


def apply_search(dialect: str, query: AnySelect, text: str) -> AnySelect | None:
    """Restrict ``query`` to entries matching ``text``, best match first; None if no words."""
    if dialect == "postgresql":
        terms = tsquery_terms(text)
        if terms is None:
            return None
        tsquery = func.to_tsquery("english", terms)
        vector: ColumnElement[Any] = literal_column("entries.search_vector")
        return query.where(vector.op("@@")(tsquery)).order_by(
            func.ts_rank_cd(vector, tsquery).desc()
        )
    match = fts5_query(text)
    if match is None:
        return None
    # The user's own filters and the match are one join: the score is computed only for
    # the rows this user can see.
    return (
        query.join(_fts, _fts.c.entry_id == literal_column("entries.id"))
        .where(literal_column("entries_fts").op("MATCH")(match))
        .order_by(_SQLITE_SCORE.desc())
    )
