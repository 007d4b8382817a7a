"""The hot-path Reader: it survives the database dropping its connections."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from apps.api.app.db.reader import Reader
from apps.api.tests.conftest import login


def _drop_reader_connections(reader: Reader, engine: Engine) -> None:
    """What a database restart or an idle timeout does to the connections the Reader holds."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            killed = conn.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
        assert killed >= 1
    else:
        inline = reader._inline
        assert inline is not None
        inline.connection.dbapi_connection.close()  # type: ignore[union-attr]


def test_reads_survive_dropped_connections(
    client: TestClient, make_user: Callable[..., Any], migrated_engine: Engine
) -> None:
    headers = login(client, make_user().email)
    assert client.get("/api/auth/me", headers=headers).status_code == 200
    assert client.get("/api/entries", headers=headers).status_code == 200

    _drop_reader_connections(client.app.state.reader, migrated_engine)  # type: ignore[attr-defined]

    # The next reads find their connection dead and run once more on a fresh one.
    assert client.get("/api/auth/me", headers=headers).status_code == 200
    listed = client.get("/api/entries", headers=headers)
    assert listed.status_code == 200
    assert listed.json() == {"items": [], "next_cursor": None}


def test_utc_columns_read_back_aware_utc_whatever_text_sqlite_holds() -> None:
    """SQLite keeps timestamps as text: every shape it may hold (SQLAlchemy's own, no
    fraction, ISO 'T', an explicit offset) reads back as the same aware UTC instant."""
    from datetime import UTC, datetime

    from sqlalchemy import Column, MetaData, Table, create_engine, select

    from apps.api.app.db.base import UTCDateTime

    table = Table("stamps", MetaData(), Column("at", UTCDateTime()))
    engine = create_engine("sqlite://")
    table.metadata.create_all(engine)
    stored = [
        "2026-11-25 12:30:05.000123",
        "2026-11-25 12:30:05",
        "2026-11-25T12:30:05.000123",
        "2026-11-25T14:30:05.000123+02:00",
        None,
    ]
    with engine.begin() as conn:
        for value in stored:
            conn.execute(text("INSERT INTO stamps (at) VALUES (:v)"), {"v": value})
        # And a value written through the column type itself.
        conn.execute(table.insert(), {"at": datetime(2026, 11, 25, 12, 30, 5, 123, tzinfo=UTC)})
        read = [row[0] for row in conn.execute(select(table.c.at))]
    exact = datetime(2026, 11, 25, 12, 30, 5, 123, tzinfo=UTC)
    assert read == [exact, exact.replace(microsecond=0), exact, exact, None, exact]
    assert all(value is None or value.tzinfo is UTC for value in read)
