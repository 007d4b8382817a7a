"""A replica whose code is older than the database's schema refuses to start, in one line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from apps.api.app import migrate
from apps.api.tests.conftest import run_journal
from apps.api.tests.ops.live import journal_env

FUTURE = "9999_from_a_newer_release"


@pytest.fixture
def future_database(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A database of the run's kind, migrated by "a newer build": its revision is unknown here."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'future.db'}"
        drop = None
    else:
        from apps.api.tests.conftest import _create_pg_database

        url, drop = _create_pg_database(database_url)
    engine: Engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": FUTURE})
    engine.dispose()
    try:
        yield url
    finally:
        if drop is not None:
            drop()


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


@pytest.mark.parametrize("auto_migrate", ["true", "false"])
def test_serve_refuses_a_schema_newer_than_its_code_in_one_line(
    future_database: str, tmp_path: Path, auto_migrate: str
) -> None:
    env = journal_env(
        tmp_path, JOURNAL_DATABASE_URL=future_database, JOURNAL_AUTO_MIGRATE=auto_migrate
    )
    done = run_journal(["serve", "--port", "1", "--workers", "2"], env=env)
    assert done.returncode == 1
    lines = _error_lines(done.stderr)
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"error: database schema {FUTURE} is newer than this build (head ")
    assert "Traceback" not in done.stderr + done.stdout


def test_db_upgrade_refuses_a_newer_schema_and_leaves_it_untouched(
    future_database: str, tmp_path: Path
) -> None:
    env = journal_env(tmp_path, JOURNAL_DATABASE_URL=future_database)
    done = run_journal(["db", "upgrade"], env=env)
    assert done.returncode == 1
    [line] = _error_lines(done.stderr)
    assert f"database schema {FUTURE} is newer than this build" in line
    engine = create_engine(future_database.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == FUTURE
    engine.dispose()


def test_a_schema_at_this_builds_head_passes_the_check(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'current.db'}")
    migrate.upgrade(engine)
    migrate.refuse_newer_schema(engine)  # no exception: the refusal is not always on
    migrate.upgrade(engine)  # idempotent, and passes the check again
    engine.dispose()
