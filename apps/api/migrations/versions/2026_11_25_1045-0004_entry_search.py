"""full-text search over entries (SQLite FTS5 / PostgreSQL tsvector)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 10:45:00

Kept out of the ORM models on purpose: both are database-specific search structures the
application only queries through apps/api/app/entries/search.py.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PG_VECTOR = (
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(body, '')), 'B')"
)

# SQLite: an FTS5 table holding its own copy of title/body, keyed by the entry id, kept in
# step by triggers. (External-content FTS would key on rowid, which VACUUM may renumber for
# a table whose primary key is not an INTEGER.)
_SQLITE_UP = [
    "CREATE VIRTUAL TABLE entries_fts USING fts5("
    "entry_id UNINDEXED, title, body, tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER entries_fts_insert AFTER INSERT ON entries BEGIN "
    "INSERT INTO entries_fts(entry_id, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries BEGIN "
    "DELETE FROM entries_fts WHERE entry_id = old.id; END",
    "CREATE TRIGGER entries_fts_update AFTER UPDATE OF title, body ON entries BEGIN "
    "DELETE FROM entries_fts WHERE entry_id = old.id; "
    "INSERT INTO entries_fts(entry_id, title, body) VALUES (new.id, new.title, new.body); END",
    "INSERT INTO entries_fts(entry_id, title, body) SELECT id, title, body FROM entries",
]
_SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS entries_fts_update",
    "DROP TRIGGER IF EXISTS entries_fts_delete",
    "DROP TRIGGER IF EXISTS entries_fts_insert",
    "DROP TABLE IF EXISTS entries_fts",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"ALTER TABLE entries ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({_PG_VECTOR}) STORED"
        )
        op.execute("CREATE INDEX ix_entries_search_vector ON entries USING gin (search_vector)")
    else:
        for statement in _SQLITE_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_entries_search_vector")
        op.execute("ALTER TABLE entries DROP COLUMN IF EXISTS search_vector")
    else:
        for statement in _SQLITE_DOWN:
            op.execute(statement)
