"""Start-up migrations with several replicas: replicas starting at once migrate once (the
PostgreSQL advisory lock, a file lock on SQLite), and a replica whose code is older than the
database's schema refuses to start, in one line."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, text

from apps.api.app import migrate
from apps.api.tests.conftest import REPO, run_journal
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


@pytest.fixture
def empty_database(database_url: str, tmp_path: Path) -> Iterator[str]:
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    from apps.api.tests.conftest import _create_pg_database

    url, drop = _create_pg_database(database_url)
    try:
        yield url
    finally:
        drop()


def test_replicas_migrating_an_empty_database_at_once_all_start_and_migrate_it_once(
    empty_database: str, tmp_path: Path
) -> None:
    env = journal_env(tmp_path, JOURNAL_DATABASE_URL=empty_database)
    command = [sys.executable, "-m", "apps.api.app.cli", "db", "upgrade"]
    upgrades = [
        subprocess.Popen(
            command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    results = [(p.wait(timeout=120), *p.communicate()) for p in upgrades]
    assert [code for code, _, _ in results] == [0] * 4, results
    engine = create_engine(empty_database.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    engine.dispose()
    head = ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()
    assert versions == [head]


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
