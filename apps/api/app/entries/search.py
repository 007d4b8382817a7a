"""Full-text search: SQLite FTS5 or PostgreSQL tsvector, behind one function.

The search structures live only in migration 0004 (not in the ORM models): they are
database-specific and the application touches them only here.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    String,
    column,
    func,
    literal_column,
    select,
    table,
)

# Objects the search migration creates that the ORM models do not describe.
SEARCH_OBJECTS = frozenset({"entries_fts", "search_vector", "ix_entries_search_vector"})

# A SELECT of any columns (Select is variadic-generic in SQLAlchemy 2.1).
AnySelect = Select[*tuple[Any, ...]]

_fts = table("entries_fts", column("entry_id", String), column("rank", Float))
_WORD = re.compile(r"\w+", re.UNICODE)


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
    ranked = (
        select(_fts.c.entry_id, literal_column("bm25(entries_fts)").label("score"))
        .where(literal_column("entries_fts").op("MATCH")(match))
        .subquery()
    )
    # bm25: lower is better.
    return query.join(ranked, ranked.c.entry_id == literal_column("entries.id")).order_by(
        ranked.c.score
    )
