"""auth_events (the account activity log) and email_tokens.new_email (email change)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 19:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "auth_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("at", UTC_TS, nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.Column("user_agent", sa.String(length=512), nullable=True),
        sa.Column("detail", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_auth_events_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_events")),
    )
    op.create_index("ix_auth_events_user_id_at", "auth_events", ["user_id", "at"])
    with op.batch_alter_table("email_tokens") as batch:
        batch.add_column(sa.Column("new_email", sa.String(length=320), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("email_tokens") as batch:
        batch.drop_column("new_email")
    op.drop_index("ix_auth_events_user_id_at", table_name="auth_events")
    op.drop_table("auth_events")
