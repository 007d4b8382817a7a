"""entries.tags: the ordered tag list on the entry row

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 14:00:00

A page of entries is then read with one query; entry_tags stays the index that tag
filters and tag counts use. Existing entries get their tags copied in stored order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_entries = sa.table("entries", sa.column("id", sa.Uuid()), sa.column("tags", sa.JSON()))
_entry_tags = sa.table(
    "entry_tags",
    sa.column("entry_id", sa.Uuid()),
    sa.column("name", sa.String()),
    sa.column("position", sa.Integer()),
)


def upgrade() -> None:
    # Plain ALTER TABLE on both databases (SQLite 3.35+ drops columns too): a batch
    # "copy and move" of entries would lose the full-text triggers of 0004.
    op.add_column(
        "entries", sa.Column("tags", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
    )
    bind = op.get_bind()
    tags: defaultdict[object, list[str]] = defaultdict(list)
    rows = bind.execute(
        sa.select(_entry_tags.c.entry_id, _entry_tags.c.name).order_by(
            _entry_tags.c.entry_id, _entry_tags.c.position
        )
    )
    for entry_id, name in rows:
        tags[entry_id].append(name)
    if tags:
        bind.execute(
            _entries.update()
            .where(_entries.c.id == sa.bindparam("entry_id"))
            .values(tags=sa.bindparam("entry_tags", type_=sa.JSON())),
            [{"entry_id": key, "entry_tags": value} for key, value in tags.items()],
        )


def downgrade() -> None:
    op.drop_column("entries", "tags")
