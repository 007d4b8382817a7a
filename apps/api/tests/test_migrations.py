"""Migrations: one head, upgrade from empty, down and up again, and models match them."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, inspect

from apps.api.app import migrate
from apps.api.app.db import Base
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


def test_upgrade_from_empty_then_down_and_up(database_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # A private database so that the shared, migrated one is untouched.
    if database_url.startswith("sqlite"):
        engine = create_engine(f"sqlite:///{tmp_path / 'm.db'}")
        fresh = engine
    else:
        from apps.api.tests.conftest import _create_pg_database

        url, drop = _create_pg_database(database_url)
        fresh = create_engine(url)
    try:
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
    finally:
        fresh.dispose()
        if not database_url.startswith("sqlite"):
            drop()
