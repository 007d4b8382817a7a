"""journal views: entries.starred, entries.word_count, entries.import_key, users.timezone

Revision ID: 0010
Revises: 0006
Create Date: 2026-11-25 19:30:00

word_count is backfilled here with the same rule as apps/api/app/entries/words.py (kept
as a copy: a migration must not change when the application code does).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_entries = sa.table(
    "entries",
    sa.column("id", sa.Uuid()),
    sa.column("title", sa.String()),
    sa.column("body", sa.Text()),
    sa.column("word_count", sa.Integer()),
)
_BATCH = 500


def _count_words(text: str) -> int:
    return sum(1 for token in text.split() if any(char.isalnum() for char in token))


def upgrade() -> None:
    # Plain ALTER TABLE (no batch copy): a copy of entries would lose the FTS triggers of 0004.
    op.add_column(
        "entries", sa.Column("starred", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column(
        "entries",
        sa.Column("word_count", sa.Integer(), nullable=False, server_default=sa.text("0")),
    )
    op.add_column("entries", sa.Column("import_key", sa.String(80), nullable=True))
    op.create_index("ix_entries_user_import_key", "entries", ["user_id", "import_key"], unique=True)
    op.add_column(
        "users", sa.Column("timezone", sa.String(64), nullable=False, server_default="UTC")
    )
    bind = op.get_bind()
    update = (
        _entries.update()
        .where(_entries.c.id == sa.bindparam("entry_id"))
        .values(word_count=sa.bindparam("words"))
    )
    # In id order, a batch at a time: bounded memory however many entries there are.
    last = None
    while True:
        query = sa.select(_entries.c.id, _entries.c.title, _entries.c.body)
        if last is not None:
            query = query.where(_entries.c.id > last)
        rows = bind.execute(query.order_by(_entries.c.id).limit(_BATCH)).all()
        if not rows:
            break
        bind.execute(
            update,
            [{"entry_id": r.id, "words": _count_words(f"{r.title}\n{r.body}")} for r in rows],
        )
        last = rows[-1].id


def downgrade() -> None:
    op.drop_column("users", "timezone")
    op.drop_index("ix_entries_user_import_key", table_name="entries")
    op.drop_column("entries", "import_key")
    op.drop_column("entries", "word_count")
    op.drop_column("entries", "starred")
