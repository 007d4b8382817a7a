"""Engines: the sync engine every write (and the SQLite read path) uses, with its pragmas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

from apps.api.app.config import Settings


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


CONNECT_TIMEOUT_SECONDS = 5
POOL_TIMEOUT_SECONDS = 10


def make_engine(settings: Settings, *, pool_size: int | None = None) -> Engine:
    """``pool_size`` overrides the default (20 on SQLite, 10 + 20 overflow on PostgreSQL).

    ``hide_parameters``: a database error is logged without its bound values (they may be
    password hashes, tokens' hashes or private text)."""
    url = settings.sqlalchemy_url
    if settings.is_sqlite:
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False},
            pool_size=pool_size or 20,
            hide_parameters=True,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=pool_size or 10,
        max_overflow=0 if pool_size else 20,
        hide_parameters=True,
        # An unreachable server must fail fast (503, see errors.py) rather than hold a
        # request thread: bounded connect and pool waits.
        pool_timeout=POOL_TIMEOUT_SECONDS,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS},
    )
