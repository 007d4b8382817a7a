"""Full-text search: SQLite FTS5 or PostgreSQL tsvector, behind one function.

The search structures live only in migration 0004 (not in the ORM models): they are
database-specific and the application touches them only here.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
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


# The first character of every owner token: a letter to the tokenizer, stripped from the
# words of a query, so no search (not even a prefix) can match an owner column.
OWNER_MARK = "\u01c0"


def _words(text: str) -> list[str]:
    words = (word.replace(OWNER_MARK, "") for word in _WORD.findall(text))
    return [word for word in words if word][:20]


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
    return f"{OWNER_MARK}{user_id.hex}x"


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


@dataclass(frozen=True, slots=True)
class Search:
    """The statements of one search (all scoped to the user and filters of ``query``).

    The full order is: the candidates, best match first (the full score, the newest first
    among equals), then every other match, newest first. Only the candidates are scored:
    the CANDIDATES newest matches, plus the CANDIDATES newest entries holding one of the
    words (whole) in their title; title matches weigh ten times body matches, so the
    best-ranked entries are among them. Fewer matches than CANDIDATES are all scored.
    """

    ranked: AnySelect  # the candidates, best first
    rest: AnySelect  # the other matches, newest first (SQLite: the latest written first)
    count: AnySelect  # how many candidates
    keys: tuple[str, ...]  # the names of the columns of ``ranked`` and ``rest``


def plan(dialect: str, user_id: uuid.UUID, query: AnySelect, text: str) -> Search | None:
    """The search of ``text`` within ``query`` (this user's entries, their filters applied);
    None when ``text`` holds no word."""
    keys = tuple(str(c.key) for c in query.selected_columns)
    if dialect == "postgresql":
        terms = tsquery_terms(text, min_prefix=MIN_PREFIX)
        if terms is None:
            return None
        vector: ColumnElement[Any] = literal_column("entries.search_vector")
        id_column = query.selected_columns["id"]
        tsquery = func.to_tsquery("english", terms)

        def newest(tsq: ColumnElement[Any]) -> AnySelect:
            return (
                query.with_only_columns(id_column)
                .where(vector.op("@@")(tsq))
                .order_by(*_newest(query))
                .limit(CANDIDATES)
            )

        title_query = func.to_tsquery("english", _pg_title_terms(text))
        candidates = union(newest(tsquery), newest(title_query))
        return Search(
            ranked=query.where(id_column.in_(candidates)).order_by(
                func.ts_rank_cd(vector, tsquery).desc(), *_newest(query)
            ),
            rest=query.where(vector.op("@@")(tsquery), id_column.not_in(candidates)).order_by(
                *_newest(query)
            ),
            count=select(func.count()).select_from(candidates.subquery()),
            keys=keys,
        )
    match = sqlite_match(user_id, text)
    if match is None:
        return None
    fts_rowid: ColumnElement[int] = literal_column("entries_fts.rowid")

    def matching(fts_match: str) -> AnySelect:
        return (
            query.add_columns(fts_rowid.label("fts_rowid"))
            .join(_fts, _fts.c.entry_id == literal_column("entries.id"))
            .where(literal_column("entries_fts").op("MATCH")(fts_match))
        )

    def newest_fts(fts_match: str) -> AnySelect:
        return (
            matching(fts_match)
            .add_columns(_SQLITE_SCORE.label("score"))
            .order_by(fts_rowid.desc())
            .limit(CANDIDATES)
        )

    title_match = _sqlite_title_match(user_id, text)
    both = union(
        select(newest_fts(match).subquery()), select(newest_fts(title_match).subquery())
    ).subquery()
    ranked = select(*[both.c[key] for key in keys], both.c.fts_rowid).order_by(
        both.c.score.desc(), both.c.entry_date.desc(), both.c.created_at.desc(), both.c.id.desc()
    )
    # The same candidates, unscored: the rowids the other matches are told apart by.
    main, title = (
        matching(m).order_by(fts_rowid.desc()).limit(CANDIDATES).subquery()
        for m in (match, title_match)
    )
    rowids = union(select(main.c.fts_rowid), select(title.c.fts_rowid))
    return Search(
        ranked=ranked,
        rest=matching(match).where(fts_rowid.not_in(rowids)).order_by(fts_rowid.desc()),
        count=select(func.count()).select_from(rowids.subquery()),
        keys=(*keys, "fts_rowid"),
    )


def _newest(query: AnySelect) -> tuple[ColumnElement[Any], ...]:
    c = query.selected_columns
    return (c["entry_date"].desc(), c["created_at"].desc(), c["id"].desc())
