"""Run Alembic migrations programmatically, safely from several processes at once."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
_PG_LOCK_KEY = 0x6A6F75726E616C  # "journal"


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


class SchemaNewerThanCode(RuntimeError):
    """The database was migrated by a newer build: this code must not serve it."""


def _refuse_newer_schema(conn: Connection) -> None:
    """Stop when the database's revision is one this build has no script for: a replica of an
    older release, started after a newer one migrated, would otherwise serve (and write) a
    schema it does not know, or fail on it in Alembic with a traceback."""
    script = ScriptDirectory.from_config(alembic_config())
    known = {revision.revision for revision in script.walk_revisions()}
    unknown = sorted(set(MigrationContext.configure(conn).get_current_heads()) - known)
    if unknown:
        head = ", ".join(sorted(script.get_heads()))
        raise SchemaNewerThanCode(
            f"database schema {', '.join(unknown)} is newer than this build (head {head}): "
            "run the newer release's code, or restore the database from before its migration"
        )


def refuse_newer_schema(engine: Engine) -> None:
    """For start-ups that do not migrate (JOURNAL_AUTO_MIGRATE=false): the same refusal."""
    with engine.connect() as conn:
        _refuse_newer_schema(conn)


@contextmanager
def _sqlite_file_lock(engine: Engine) -> Iterator[None]:
    database = engine.url.database
    if not database or database == ":memory:":
        yield
        return
    lock_path = Path(database).with_suffix(".migrate.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade to ``revision``; concurrent workers wait for one another instead of racing.

    On PostgreSQL a session-level advisory lock serialises every replica and worker of every
    host: the first upgrades, the others then find the schema current. Raises
    ``SchemaNewerThanCode`` when the database is ahead of this build."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_LOCK_KEY})
            conn.commit()
            try:
                _refuse_newer_schema(conn)
                command.upgrade(alembic_config(conn), revision)
                conn.commit()
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_KEY})
                conn.commit()
        return
    with _sqlite_file_lock(engine), engine.connect() as conn:
        _refuse_newer_schema(conn)
        command.upgrade(alembic_config(conn), revision)
        conn.commit()


def downgrade(engine: Engine, revision: str) -> None:
    with engine.connect() as conn:
        command.downgrade(alembic_config(conn), revision)
        conn.commit()


def current_heads(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())
