"""kill -9 the API while a client streams entry creates: after a restart, every entry that
was answered 201 is there, intact (issue 12). Runs on the suite's database (SQLite file or
PostgreSQL)."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, select

from apps.api.app.entries.models import Entry
from apps.api.tests.ops.live import PASSWORD, create_user, journal_env, live_server

EMAIL = "crash@example.com"


def _sign_in(base: str) -> dict[str, str]:
    answer = httpx.post(
        f"{base}/api/auth/login", json={"email": EMAIL, "password": PASSWORD}, timeout=30
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_acknowledged_entries_survive_a_kill_9(
    tmp_path: Path, database_url: str, migrated_engine: Engine
) -> None:
    env = journal_env(
        tmp_path,
        JOURNAL_DATABASE_URL=database_url,
        JOURNAL_AUTH_COOKIE_REFRESH="false",
        JOURNAL_AUTO_MIGRATE="false",
    )
    create_user(env, EMAIL)
    command = [sys.executable, "-m", "uvicorn", "apps.api.app.main:app"]
    acknowledged: dict[str, str] = {}
    failed: list[Any] = []
    stop = threading.Event()

    with live_server(command, env, tmp_path / "first.log") as base:
        headers = _sign_in(base)

        def stream() -> None:
            with httpx.Client(base_url=base, headers=headers, timeout=10) as client:
                n = 0
                while not stop.is_set():
                    body = f"entry {n} " + "words " * 50
                    try:
                        answer = client.post("/api/entries", json={"title": f"#{n}", "body": body})
                    except httpx.HTTPError as exc:
                        failed.append(exc)  # in flight when the server died
                        return
                    if answer.status_code == 201:
                        acknowledged[answer.json()["id"]] = body
                    n += 1

        writer = threading.Thread(target=stream)
        writer.start()
        deadline = time.monotonic() + 60
        while len(acknowledged) < 40 and time.monotonic() < deadline:
            time.sleep(0.05)
        base.kill_hard()
        stop.set()
        writer.join(timeout=30)

    assert len(acknowledged) >= 40
    with live_server(command, env, tmp_path / "second.log") as again:
        headers = _sign_in(again)
        for entry_id, body in acknowledged.items():
            answer = httpx.get(f"{again}/api/entries/{entry_id}", headers=headers, timeout=30)
            assert answer.status_code == 200, entry_id
            assert answer.json()["body"] == body
    with migrated_engine.connect() as conn:
        stored = {str(row.id): row.body for row in conn.execute(select(Entry.id, Entry.body))}
    assert {k: stored.get(k) for k in acknowledged} == acknowledged
