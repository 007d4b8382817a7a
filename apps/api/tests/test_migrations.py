"""Migrations: one head, upgrade from empty, down and up again, and models match them."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, inspect, select, text

from apps.api.app import migrate
from apps.api.app.db.base import Base
from apps.api.app.entries.models import Entry
from apps.api.app.entries.search import SEARCH_OBJECTS


def test_single_head() -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert len(script.get_heads()) == 1


def test_models_match_migrations(migrated_engine: Engine) -> None:
    def include(obj: object, name: str | None, type_: str, *_: object) -> bool:
        # Search structures (FTS5 table and its shadow tables, the tsvector column) are
        # database-specific and described by migration 0004 only.
        return not (name and (name in SEARCH_OBJECTS or name.startswith("entries_fts")))

    with migrated_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


@contextmanager
def _private_engine(database_url: str, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of the run's kind, so that the shared, migrated one is untouched."""
    if database_url.startswith("sqlite"):
        fresh = create_engine(f"sqlite:///{tmp_path / 'm.db'}")
        drop: Callable[[], None] = lambda: None  # noqa: E731 - the file goes with tmp_path
    else:
        from apps.api.tests.conftest import _create_pg_database

        url, drop = _create_pg_database(database_url)
        fresh = create_engine(url)
    try:
        yield fresh
    finally:
        fresh.dispose()
        drop()


def test_upgrade_from_empty_then_down_and_up(database_url: str, tmp_path: Path) -> None:
    with _private_engine(database_url, tmp_path) as fresh:
        migrate.upgrade(fresh)
        tables = set(inspect(fresh).get_table_names())
        assert {"users", "entries", "entry_tags", "alembic_version"} <= tables
        script = ScriptDirectory.from_config(migrate.alembic_config())
        assert migrate.current_heads(fresh) == set(script.get_heads())
        # Every revision steps down and back up cleanly.
        for revision in list(script.walk_revisions()):
            migrate.downgrade(fresh, revision.down_revision or "base")  # type: ignore[arg-type]
        assert set(inspect(fresh).get_table_names()) <= {"alembic_version"}, inspect(
            fresh
        ).get_table_names()
        migrate.upgrade(fresh)
        assert migrate.current_heads(fresh) == set(script.get_heads())


def test_0005_copies_existing_tags_onto_entries_in_order(database_url: str, tmp_path: Path) -> None:
    user, first, second = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    with _private_engine(database_url, tmp_path) as fresh:
        migrate.upgrade(fresh, "0004")
        with fresh.begin() as conn:
            now = datetime.now(UTC)
            conn.execute(
                text(
                    "INSERT INTO users (id, email, password_hash, display_name, is_admin, "
                    "is_active, created_at, updated_at) "
                    "VALUES (:id, 'm@example.com', 'x', '', false, true, :now, :now)"
                ),
                {"id": _uuid(fresh, user), "now": now},
            )
            for entry in (first, second):
                conn.execute(
                    text(
                        "INSERT INTO entries (id, user_id, title, body, entry_date, created_at, "
                        "updated_at, version) VALUES (:id, :user, 't', 'b', :day, :now, :now, 1)"
                    ),
                    {
                        "id": _uuid(fresh, entry),
                        "user": _uuid(fresh, user),
                        "day": now.date(),
                        "now": now,
                    },
                )
            # Stored out of position order: the copy must follow position, not insertion.
            for position, name in ((2, "zeta"), (0, "beta"), (1, "alpha")):
                conn.execute(
                    text(
                        "INSERT INTO entry_tags (entry_id, name, user_id, position) "
                        "VALUES (:entry, :name, :user, :position)"
                    ),
                    {
                        "entry": _uuid(fresh, first),
                        "name": name,
                        "user": _uuid(fresh, user),
                        "position": position,
                    },
                )
        migrate.upgrade(fresh)
        with fresh.connect() as conn:
            rows = dict(
                conn.execute(select(Entry.id, Entry.tags).where(Entry.user_id == user)).all()
            )
        assert rows == {first: ["beta", "alpha", "zeta"], second: []}


def _uuid(engine: Engine, value: uuid.UUID) -> object:
    # How SQLAlchemy's Uuid type stores it: 32 hex digits on SQLite, native on PostgreSQL.
    return value.hex if engine.dialect.name == "sqlite" else value
