"""The database goes away mid-run: requests answer 503 ``database_unavailable`` with
Retry-After (not 500), /api/health says so, and the service recovers by itself when the
database is back — no restart (issue 12)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from apps.api.app.main import create_app
from apps.api.tests.conftest import login
from apps.api.tests.faults import CuttableProxy


def _assert_unavailable(response: Any) -> None:
    assert response.status_code == 503, response.text
    assert response.json()["code"] == "database_unavailable"
    assert int(response.headers["Retry-After"]) > 0


@pytest.mark.skipif(not os.environ.get("JOURNAL_TEST_PG"), reason="a PostgreSQL server cut")
def test_postgresql_cut_mid_run_is_503_then_recovers_without_restart(
    database_url: str,
    settings_factory: Callable[..., Any],
    make_user: Callable[..., Any],
) -> None:
    url = make_url(database_url)
    with CuttableProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        through_proxy = url.set(host="127.0.0.1", port=proxy.port)
        settings = settings_factory(
            database_url=through_proxy.render_as_string(hide_password=False)
        )
        with TestClient(create_app(settings)) as client:
            user = make_user()
            headers = login(client, user.email)
            assert client.get("/api/entries", headers=headers).status_code == 200

            proxy.cut()
            _assert_unavailable(client.get("/api/auth/me", headers=headers))
            _assert_unavailable(client.get("/api/health"))
            _assert_unavailable(
                client.post("/api/entries", headers=headers, json={"body": "while down"})
            )

            proxy.restore()
            assert client.get("/api/health").status_code == 200
            assert client.get("/api/auth/me", headers=headers).status_code == 200
            created = client.post("/api/entries", headers=headers, json={"body": "back"})
            assert created.status_code == 201


def test_an_unopenable_sqlite_database_is_503_not_500(
    settings_factory: Callable[..., Any], tmp_path: Path
) -> None:
    missing = tmp_path / "gone"
    missing.mkdir()
    settings = settings_factory(database_url=f"sqlite:///{missing}/journal.db")
    app = create_app(settings)
    missing.rmdir()
    missing.write_text("a file where the database's folder was")
    with TestClient(app) as client:
        _assert_unavailable(client.get("/api/health"))
        _assert_unavailable(
            client.post("/api/auth/login", json={"email": "a@example.com", "password": "x" * 12})
        )
