"""The benchmark seeder (bench/seed.py) builds the full-text index once after its bulk insert
instead of row by row: the seeded data must be searchable, and the database must keep
indexing new entries afterwards (the trigger or index it set aside is back)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from apps.api.app.config import Settings
from apps.api.app.main import create_app
from apps.api.tests.conftest import TEST_SECRET
from bench.common import EMAIL, PASSWORD
from bench.seed import sa_url, seed_database, vocabulary


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    server = os.environ.get("JOURNAL_TEST_PG")
    if not server:
        yield f"sqlite:///{tmp_path / 'seeded.db'}"
        return
    name = f"journal_test_seed_{secrets.token_hex(4)}"
    admin = create_engine(sa_url(server), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_seeded_entries_are_searchable_and_new_entries_are_still_indexed(
    empty_database: str, tmp_path: Path
) -> None:
    seed_database(empty_database, tmp_path, users=3, per_user=40)
    engine = create_engine(sa_url(empty_database))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 3
        assert conn.execute(text("SELECT count(*) FROM entries")).scalar() == 120
        tagged = conn.execute(text("SELECT count(*) FROM entry_tags")).scalar()
        assert tagged is not None
        assert tagged >= 120
    engine.dispose()

    settings = Settings(
        database_url=empty_database,
        secret_key=TEST_SECRET,
        auto_migrate=False,
        web_dist=tmp_path / "no-web",
        auth_cookie_refresh=False,
    )
    with TestClient(create_app(settings)) as client:
        login = client.post("/api/auth/login", json={"email": EMAIL, "password": PASSWORD})
        assert login.status_code == 200, login.text
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}

        # The most frequent word of the Zipf vocabulary is in nearly every entry.
        found = client.get(
            "/api/entries", params={"q": vocabulary()[0], "limit": 100}, headers=headers
        )
        assert found.status_code == 200
        assert len(found.json()["items"]) >= 30  # of this user's 40

        created = client.post(
            "/api/entries", json={"title": "Zyxwvutsrq", "body": "fresh"}, headers=headers
        )
        assert created.status_code == 201, created.text
        again = client.get("/api/entries", params={"q": "zyxwvutsrq"}, headers=headers)
        assert [e["id"] for e in again.json()["items"]] == [created.json()["id"]]
