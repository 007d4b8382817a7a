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
    BindParameter,
    ColumnElement,
    Integer,
    Select,
    String,
    bindparam,
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


# SQLite marks each match with these two characters (noncharacters, which a text rarely
# holds): the count of marks gives the score, and the marked text gives the snippet of a
# result without a second query (see snippets.py; a page whose texts hold one of them
# falls back to markers chosen for that page).
MARK_OPEN, MARK_CLOSE = "\ufdd0", "\ufdd1"


def _marked(column_index: int) -> ColumnElement[str]:
    return func.highlight(literal_column("entries_fts"), column_index, MARK_OPEN, MARK_CLOSE)


def _saturated(count: ColumnElement[Any], length_scale: ColumnElement[Any]) -> ColumnElement[Any]:
    # BM25's term-frequency part, count / (count + K) with k1 = 1.2, b = 0.75 and a fixed
    # reference length instead of the corpus average: more matches help, with diminishing
    # returns.
    k = 1.2 * (0.25 + 0.75 * length_scale)
    return 1.0 - k / (count + k)


def _sqlite_score(
    marked_title: ColumnElement[str],
    title: ColumnElement[str],
    marked_body: ColumnElement[str],
    body: ColumnElement[str],
) -> ColumnElement[float]:
    """SQLite relevance, computed from the row alone. FTS5's bm25() weighs words by
    statistics over the whole shared table (every user's entries), so a user's order would
    reveal how many of other users' entries hold a word. Title matches weigh ten times body
    matches. A column's matches are counted from its marked text: two marks per match."""
    in_title = (func.length(marked_title) - func.length(title)) / 2.0
    in_body = (func.length(marked_body) - func.length(body)) / 2.0
    return 10.0 * _saturated(in_title, func.length(title) / 50.0) + _saturated(
        in_body, func.length(body) / 2000.0
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
    """The token of the FTS ``owner`` column for this user's rows (see migration 0012)."""
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
    """The statements of a search (all scoped to the user and filters of the query they were
    planned on), with bind parameters for the words, the page and the owner: see ``bind``.

    The full order is: the candidates, best match first (the full score, the newest first
    among equals), then every other match, newest first. Only the candidates are scored:
    the CANDIDATES newest matches, plus the CANDIDATES newest entries holding one of the
    words (whole) in their title; title matches weigh ten times body matches, so the
    best-ranked entries are among them. Fewer matches than CANDIDATES are all scored.
    """

    ranked: AnySelect  # the candidates, best first; paged by ranked_offset/ranked_limit
    rest: AnySelect  # the other matches, newest first (SQLite: the latest written first)
    count: AnySelect  # how many candidates
    keys: tuple[str, ...]  # the names of the columns of ``ranked`` and ``rest``


def _param(name: str) -> BindParameter[Any]:
    counts = name == "candidates" or name.endswith(("_offset", "_limit"))
    return bindparam(name, type_=Integer if counts else String)


def bind(dialect: str, user_id: uuid.UUID, text: str) -> dict[str, Any] | None:
    """The values of a search's words for the statements of ``plan`` (the page's offsets
    and limits are the caller's); None when ``text`` holds no word."""
    if dialect == "postgresql":
        terms = tsquery_terms(text, min_prefix=MIN_PREFIX)
        if terms is None:
            return None
        return {"terms": terms, "title_terms": _pg_title_terms(text), "candidates": CANDIDATES}
    match = sqlite_match(user_id, text)
    if match is None:
        return None
    return {
        "match": match,
        "title_match": _sqlite_title_match(user_id, text),
        "candidates": CANDIDATES,
    }


def plan(dialect: str, query: AnySelect) -> Search:
    """The statements of a search within ``query`` (this user's entries, their filters
    applied). They hold no value of the search itself, only bind parameters (``bind``), so
    one plan of the common query (no filter) serves every search: SQLAlchemy then builds
    and compiles it once, not on every keystroke."""
    keys = tuple(str(c.key) for c in query.selected_columns)
    if dialect == "postgresql":
        vector: ColumnElement[Any] = literal_column("entries.search_vector")
        columns = query.selected_columns
        id_column = columns["id"]
        tsquery = func.to_tsquery("english", _param("terms"))
        rank = func.ts_rank_cd(vector, tsquery).label("rank")

        def newest(tsq: ColumnElement[Any]) -> AnySelect:
            return (
                query.with_only_columns(
                    id_column, rank, columns["entry_date"], columns["created_at"]
                )
                .where(vector.op("@@")(tsq))
                .order_by(*_newest(query))
                .limit(_param("candidates"))
            )

        title_query = func.to_tsquery("english", _param("title_terms"))
        candidates = union(newest(tsquery), newest(title_query)).subquery()
        # The page is chosen among the candidates' keys first, then only its rows are read
        # (by primary key): joined to all the user's entries at once, the planner would
        # rather scan every one of them.
        best = (
            select(candidates.c.id, candidates.c.rank)
            .order_by(
                candidates.c.rank.desc(),
                candidates.c.entry_date.desc(),
                candidates.c.created_at.desc(),
                candidates.c.id.desc(),
            )
            .offset(_param("ranked_offset"))
            .limit(_param("ranked_limit"))
            .subquery()
        )
        return Search(
            ranked=query.join(best, best.c.id == id_column).order_by(
                best.c.rank.desc(), *_newest(query)
            ),
            rest=query.where(vector.op("@@")(tsquery), id_column.not_in(select(candidates.c.id)))
            .order_by(*_newest(query))
            .offset(_param("rest_offset"))
            .limit(_param("rest_limit")),
            count=select(func.count()).select_from(candidates),
            keys=keys,
        )
    fts_rowid: ColumnElement[int] = literal_column("entries_fts.rowid")

    def matching(fts_match: BindParameter[Any]) -> AnySelect:
        return (
            query.add_columns(fts_rowid.label("fts_rowid"))
            .join(_fts, _fts.c.entry_id == literal_column("entries.id"))
            .where(literal_column("entries_fts").op("MATCH")(fts_match))
        )

    def marked(statement: AnySelect) -> AnySelect:
        return statement.add_columns(
            _marked(1).label("marked_title"), _marked(2).label("marked_body")
        )

    def newest_fts(fts_match: BindParameter[Any]) -> AnySelect:
        return matching(fts_match).order_by(fts_rowid.desc()).limit(_param("candidates"))

    match, title_match = _param("match"), _param("title_match")
    both = union(
        select(marked(newest_fts(match)).subquery()),
        select(marked(newest_fts(title_match)).subquery()),
    ).subquery()
    marks = ("fts_rowid", "marked_title", "marked_body")
    score = _sqlite_score(both.c.marked_title, both.c.title, both.c.marked_body, both.c.body)
    ranked = (
        select(*[both.c[key] for key in (*keys, *marks)])
        .order_by(
            score.desc(), both.c.entry_date.desc(), both.c.created_at.desc(), both.c.id.desc()
        )
        .offset(_param("ranked_offset"))
        .limit(_param("ranked_limit"))
    )
    # The same candidates, unmarked: the rowids the other matches are told apart by.
    main, title = (newest_fts(m).subquery() for m in (match, title_match))
    rowids = union(select(main.c.fts_rowid), select(title.c.fts_rowid))
    return Search(
        ranked=ranked,
        rest=marked(matching(match))
        .where(fts_rowid.not_in(rowids))
        .order_by(fts_rowid.desc())
        .offset(_param("rest_offset"))
        .limit(_param("rest_limit")),
        count=select(func.count()).select_from(rowids.subquery()),
        keys=(*keys, *marks),
    )


def _newest(query: AnySelect) -> tuple[ColumnElement[Any], ...]:
    c = query.selected_columns
    return (c["entry_date"].desc(), c["created_at"].desc(), c["id"].desc())
