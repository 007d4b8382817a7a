"""search at scale: the SQLite FTS5 table carries each entry's owner, and a prefix index

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25 19:50:00

SQLite: ``entries_fts`` is rebuilt with a fourth column, ``owner``, holding one token per
row made from the entry's user id (U+01C0, the hex id, ``x``: the trailing ``x`` keeps the
porter stemmer from touching it; U+01C0 is a letter no search word can hold, see
search.py), so that a search filters by user inside the FTS query (doclists intersected)
instead of matching every user's entries and joining them away; and with a 3-character
prefix index, so that a short prefix is one doclist, not a merge of every term it starts.
PostgreSQL: nothing to change (the search picks its candidates through
``ix_entries_user_order`` and ranks only those).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DROP = [
    "DROP TRIGGER IF EXISTS entries_fts_update",
    "DROP TRIGGER IF EXISTS entries_fts_delete",
    "DROP TRIGGER IF EXISTS entries_fts_insert",
    "DROP TABLE IF EXISTS entries_fts",
]
# The owner token is apps/api/app/entries/search.py's owner_token(): U+01C0, hex, 'x'.

_UP = [
    *_DROP,
    "CREATE VIRTUAL TABLE entries_fts USING fts5("
    "entry_id UNINDEXED, title, body, owner, "
    "tokenize='porter unicode61 remove_diacritics 2', prefix='3')",
    "CREATE TRIGGER entries_fts_insert AFTER INSERT ON entries BEGIN "
    "INSERT INTO entries_fts(entry_id, title, body, owner) "
    "VALUES (new.id, new.title, new.body, '\u01c0' || lower(new.user_id) || 'x'); END",
    "CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries BEGIN "
    "DELETE FROM entries_fts WHERE entry_id = old.id; END",
    "CREATE TRIGGER entries_fts_update AFTER UPDATE OF title, body, user_id ON entries BEGIN "
    "DELETE FROM entries_fts WHERE entry_id = old.id; "
    "INSERT INTO entries_fts(entry_id, title, body, owner) "
    "VALUES (new.id, new.title, new.body, '\u01c0' || lower(new.user_id) || 'x'); END",
    "INSERT INTO entries_fts(entry_id, title, body, owner) "
    "SELECT id, title, body, '\u01c0' || lower(user_id) || 'x' FROM entries",
]

# Revision 0004's table and triggers, exactly.
_DOWN = [
    *_DROP,
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


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in _UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in _DOWN:
            op.execute(statement)
