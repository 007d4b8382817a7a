"""Journal entries and their tags."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Uuid,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from apps.api.app.db.base import Base, UTCDateTime, new_id, utcnow


class Entry(Base):
    __tablename__ = "entries"
    __table_args__ = (
        # Serves the default listing order and keyset pagination per user.
        Index("ix_entries_user_order", "user_id", "entry_date", "created_at", "id"),
        # An entry imported from another app (Day One uuid, jrnl content hash) is found
        # again by this key, so importing the same file twice creates nothing.
        Index("ix_entries_user_import_key", "user_id", "import_key", unique=True),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=False
    )
    title: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    mood: Mapped[int | None] = mapped_column(Integer, nullable=True)
    starred: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Words of title and body (entries.words.count_words), kept on write so that the
    # statistics never read the bodies.
    word_count: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    import_key: Mapped[str | None] = mapped_column(String(80), nullable=True)
    entry_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Bumped on every write; the ETag is derived from it (optimistic concurrency).
    version: Mapped[int] = mapped_column(Integer)
    # The ORM adds "AND version = :loaded" to every UPDATE and bumps it: a concurrent
    # writer makes the second commit fail instead of silently overwriting.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    # The tags in the writer's order, kept on the row so that reading a page of entries is
    # one query; ``tag_rows`` index the same names for tag filters and counts. Both are
    # written together, by service.set_tags only.
    tags: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    tag_rows: Mapped[list[EntryTag]] = relationship(
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="select",  # loaded only when tags are rewritten
        order_by="EntryTag.position",
    )


class EntryTag(Base):
    __tablename__ = "entry_tags"
    __table_args__ = (Index("ix_entry_tags_user_name", "user_id", "name"),)

    entry_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    # Denormalised owner: tag filters and counts never join other users' rows.
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
