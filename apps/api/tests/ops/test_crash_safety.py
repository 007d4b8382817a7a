"""kill -9 the API while a client streams entry creates, and while a password reset is in
flight: after a restart, every entry that was answered 201 is there, intact, and a reset is
all or nothing (issue 12). Runs on the suite's database (SQLite file or
PostgreSQL)."""

from __future__ import annotations

import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, insert, select

from apps.api.app.auth.models import EmailToken, User, UserSession
from apps.api.app.auth.passwords import verify_password
from apps.api.app.auth.reasons import Purpose
from apps.api.app.auth.tokens import new_email_token
from apps.api.app.db.base import utcnow
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


# When to kill, as fractions of the time one reset takes here (measured first, uncut): before
# the hash, during it, around the commit, and after the answer. None = let it finish.
RESET_KILL_POINTS = (None, 0.3, 0.7, 0.95, 1.5)


def _reset_state(
    engine: Engine, token_hash: str, session_ids: list[uuid.UUID], new: str
) -> tuple[bool, bool, int]:
    """What a reset changed, as seen in the database: (token used, new password set, how many
    of the signed-in sessions were revoked)."""
    with engine.connect() as conn:
        used = conn.execute(
            select(EmailToken.used_at).where(EmailToken.token_hash == token_hash)
        ).scalar_one()
        password_hash = conn.execute(
            select(User.password_hash).where(User.email == EMAIL)
        ).scalar_one()
        revoked = [
            row.revoked_at
            for row in conn.execute(
                select(UserSession.revoked_at).where(UserSession.id.in_(session_ids))
            )
        ]
    return (
        used is not None,
        verify_password(password_hash, new),
        sum(r is not None for r in revoked),
    )


def test_a_kill_9_during_a_password_reset_leaves_all_or_nothing(
    tmp_path: Path, database_url: str, migrated_engine: Engine
) -> None:
    """kill -9 at several moments of a password reset: afterwards either nothing changed (old
    password, sessions live, link unused) or everything did (new password, every session
    revoked, link used) — never a new password beside surviving sessions, nor a used link that
    changed nothing. Then the account signs in with whichever password stands."""
    env = journal_env(
        tmp_path,
        JOURNAL_DATABASE_URL=database_url,
        JOURNAL_AUTH_COOKIE_REFRESH="false",
        JOURNAL_AUTO_MIGRATE="false",
    )
    create_user(env, EMAIL)
    command = [sys.executable, "-m", "uvicorn", "apps.api.app.main:app"]
    current = PASSWORD
    outcomes: list[str] = []
    reset_seconds = 0.0
    for n, point in enumerate(RESET_KILL_POINTS):
        new = f"crash cycle {n} violet harbour lantern"
        token, token_hash = new_email_token()
        with live_server(command, env, tmp_path / f"reset-{n}.log") as base:
            for _ in range(2):
                answer = httpx.post(
                    f"{base}/api/auth/login",
                    json={"email": EMAIL, "password": current},
                    timeout=30,
                )
                assert answer.status_code == 200, answer.text
            with migrated_engine.begin() as conn:
                user_id = conn.execute(select(User.id).where(User.email == EMAIL)).scalar_one()
                session_ids = list(
                    conn.execute(
                        select(UserSession.id).where(
                            UserSession.user_id == user_id, UserSession.revoked_at.is_(None)
                        )
                    ).scalars()
                )
                assert len(session_ids) >= 2  # and those of a cycle whose reset did not apply
                conn.execute(
                    insert(EmailToken).values(
                        id=uuid.uuid4(),
                        user_id=user_id,
                        purpose=Purpose.RESET,
                        token_hash=token_hash,
                        created_at=utcnow(),
                        expires_at=utcnow() + timedelta(hours=1),
                    )
                )
            answered: list[int] = []

            def reset(
                base: str = base, token: str = token, new: str = new, answered: list[int] = answered
            ) -> None:
                try:
                    answer = httpx.post(
                        f"{base}/api/auth/password/reset",
                        json={"token": token, "password": new},
                        timeout=30,
                    )
                    answered.append(answer.status_code)
                except httpx.HTTPError:
                    pass  # in flight when the server died

            request = threading.Thread(target=reset)
            started = time.monotonic()
            request.start()
            if point is None:
                request.join(timeout=30)
                reset_seconds = time.monotonic() - started
                assert answered == [200]
            else:
                time.sleep(point * reset_seconds)
                base.kill_hard()
                request.join(timeout=30)

        used, changed, revoked = _reset_state(migrated_engine, token_hash, session_ids, new)
        if answered == [200]:
            assert (used, changed, revoked) == (True, True, len(session_ids))
        assert (used, changed, revoked) in {(False, False, 0), (True, True, len(session_ids))}, (
            f"cycle {n}: token used={used}, new password={changed}, revoked={revoked}"
        )
        outcomes.append("applied" if changed else "not applied")
        print(f"reset kill at {point} x {reset_seconds:.3f}s: {outcomes[-1]} (answered {answered})")
        if changed:
            current = new

    with live_server(command, env, tmp_path / "after.log") as again:
        answer = httpx.post(
            f"{again}/api/auth/login", json={"email": EMAIL, "password": current}, timeout=30
        )
        assert answer.status_code == 200, (outcomes, answer.text)
