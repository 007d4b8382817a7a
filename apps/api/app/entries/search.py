"""Full-text search: SQLite FTS5 or PostgreSQL tsvector, behind one function.

The search structures live only in migration 0004 (not in the ORM models): they are
database-specific and the application touches them only here.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    column,
    func,
    literal_column,
    select,
    table,
    union,
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


# The last word is matched as a prefix (results appear while typing) only from this many
# characters on: a one- or two-letter prefix matches a large part of any vocabulary, and
# expanding it would cost more than the rest of the search. Shorter, it is a whole word.
MIN_PREFIX = 3

# Ranking scores at most this many candidates per query (twice over: the newest matches
# and the newest title matches), so a common word costs the same as a rare one. With fewer
# matches than that, every match is ranked, exactly as before.
CANDIDATES = 200


def _words(text: str) -> list[str]:
    return _WORD.findall(text)[:20]


def fts5_query(text: str, *, min_prefix: int = 1) -> str | None:
    """User text → a safe FTS5 query: every word quoted (no operators), the last one as a
    prefix (when at least ``min_prefix`` characters long) so results appear while typing.
    None when there is nothing to search for."""
    words = _words(text)
    if not words:
        return None
    quoted = [f'"{word}"' for word in words]
    if len(words[-1]) >= min_prefix:
        quoted[-1] += "*"
    return " ".join(quoted)


def tsquery_terms(text: str, *, min_prefix: int = 1) -> str | None:
    """The same rules for PostgreSQL: words ANDed, the last one a prefix. Only \\w characters
    reach to_tsquery, so its operators cannot be injected."""
    words = _words(text)
    if not words:
        return None
    if len(words[-1]) >= min_prefix:
        words[-1] += ":*"
    return " & ".join(words)


def owner_token(user_id: uuid.UUID) -> str:
    """The token of the FTS ``owner`` column for this user's rows (see migration 0011)."""
    return f"u{user_id.hex}x"


def sqlite_match(user_id: uuid.UUID, text: str) -> str | None:
    """The FTS5 query of a search: this user's rows holding every word."""
    words = fts5_query(text, min_prefix=MIN_PREFIX)
    if words is None:
        return None
    return f'owner : "{owner_token(user_id)}" AND ({words})'


def _sqlite_title_match(user_id: uuid.UUID, text: str) -> str:
    """This user's rows holding every word (whole words) and one of them in the title."""
    quoted = [f'"{word}"' for word in _words(text)]
    return (
        f'owner : "{owner_token(user_id)}" AND ({" ".join(quoted)}) '
        f"AND title : ({' OR '.join(quoted)})"
    )


def _pg_title_terms(text: str) -> str:
    words = _words(text)
    return f"({' & '.join(words)}) & ({' | '.join(w + ':A' for w in words)})"


def ranked(
    dialect: str, user_id: uuid.UUID, query: AnySelect, text: str
) -> tuple[AnySelect, tuple[str, ...]] | None:
    """``query`` (this user's entries, their filters applied) restricted to the entries
    matching ``text``, best match first, and the names of its columns; None if no words.

    Only a bounded candidate set is scored: the CANDIDATES newest matches, plus the
    CANDIDATES newest entries holding one of the words (whole) in their title — title
    matches weigh ten times body matches, so the best-ranked entries are among those. A
    word held by fewer entries than that is ranked over all of them.
    The order is then the full score, the newest first among equals."""
    keys = tuple(str(c.key) for c in query.selected_columns)
    if dialect == "postgresql":
        terms = tsquery_terms(text, min_prefix=MIN_PREFIX)
        if terms is None:
            return None
        vector: ColumnElement[Any] = literal_column("entries.search_vector")
        id_column = query.selected_columns["id"]

        def newest(tsquery: ColumnElement[Any]) -> AnySelect:
            return (
                query.with_only_columns(id_column)
                .where(vector.op("@@")(tsquery))
                .order_by(*_newest(query))
                .limit(CANDIDATES)
            )

        tsquery = func.to_tsquery("english", terms)
        title_query = func.to_tsquery("english", _pg_title_terms(text))
        candidates = union(newest(tsquery), newest(title_query))
        return (
            query.where(id_column.in_(candidates)).order_by(
                func.ts_rank_cd(vector, tsquery).desc(), *_newest(query)
            ),
            keys,
        )
    match = sqlite_match(user_id, text)
    if match is None:
        return None
    fts_rowid: ColumnElement[int] = literal_column("entries_fts.rowid")

    def newest_fts(fts_match: str) -> AnySelect:
        return (
            query.add_columns(fts_rowid.label("fts_rowid"), _SQLITE_SCORE.label("score"))
            .join(_fts, _fts.c.entry_id == literal_column("entries.id"))
            .where(literal_column("entries_fts").op("MATCH")(fts_match))
            .order_by(fts_rowid.desc())
            .limit(CANDIDATES)
        )

    both = union(
        select(newest_fts(match).subquery()),
        select(newest_fts(_sqlite_title_match(user_id, text)).subquery()),
    ).subquery()
    columns = [both.c[key] for key in keys]
    return (
        select(*columns, both.c.fts_rowid).order_by(
            both.c.score.desc(),
            both.c.entry_date.desc(),
            both.c.created_at.desc(),
            both.c.id.desc(),
        ),
        (*keys, "fts_rowid"),
    )


def _newest(query: AnySelect) -> tuple[ColumnElement[Any], ...]:
    c = query.selected_columns
    return (c["entry_date"].desc(), c["created_at"].desc(), c["id"].desc())
