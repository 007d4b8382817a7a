"""Races, on the real database (SQLite file or PostgreSQL): many requests at once through one
app (a ``TestClient`` driven from a thread pool), as a burst of tabs or a script would send.

- 50 concurrent refreshes of one refresh token (body and cookie mode): exactly one rotation;
  every answer is 200 with that one child (grace) or a clean 401; never a 5xx, never a locked
  database, never two children, and the session stays live.
- concurrent edits of one entry that all send the same ``If-Match``: exactly one 200, the
  rest 412 ``version_conflict``.
- concurrent registrations of one address: exactly one account.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from sqlalchemy import func, select

from apps.api.app.auth.models import EmailToken, User, UserSession
from apps.api.app.auth.tokens import decode_refresh_token, encode_refresh_token
from apps.api.app.auth.transport import REFRESH_COOKIE
from apps.api.tests.conftest import TEST_SECRET, login, post_login

BURST = 50
ROUNDS = 3
MODES = [pytest.param(False, id="body-mode"), pytest.param(True, id="cookie-mode")]


def _burst(call: Callable[[int], Any], n: int = BURST) -> list[Any]:
    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(call, range(n)))


def _no_server_errors(answers: list[Any]) -> None:
    for answer in answers:
        assert answer.status_code < 500, answer.text
        assert "locked" not in answer.text.lower(), answer.text


def _rotations() -> float:
    return REGISTRY.get_sample_value("auth_refresh_rotations_total") or 0.0


def _refresh(client: TestClient, token: str, cookie_mode: bool) -> Any:
    if cookie_mode:
        # An explicit Cookie header: every request presents this token, not whatever child
        # the shared cookie jar caught from an earlier answer.
        return client.post("/api/auth/refresh", headers={"Cookie": f"{REFRESH_COOKIE}={token}"})
    return client.post("/api/auth/refresh", json={"refresh_token": token})


def _child(answer: Any, cookie_mode: bool) -> str | None:
    if cookie_mode:
        assert "refresh_token" not in answer.json()
        return answer.cookies.get(REFRESH_COOKIE)  # type: ignore[no-any-return]
    return answer.json()["refresh_token"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("cookie_mode", MODES)
def test_fifty_concurrent_refreshes_of_one_token_rotate_once_and_never_fork(
    client_factory: Callable[..., TestClient],
    make_user: Callable[..., Any],
    db: Any,
    cookie_mode: bool,
) -> None:
    client = client_factory(auth_cookie_refresh=cookie_mode)
    email = make_user().email
    secret = TEST_SECRET.encode()
    # A few rounds, each on a fresh session: how far requests overlap varies from run to
    # run, and a fork needs only one unlucky overlap to show.
    for _ in range(ROUNDS):
        signed_in = post_login(client, email, expect=200)
        token = (
            signed_in.cookies[REFRESH_COOKIE] if cookie_mode else signed_in.json()["refresh_token"]
        )
        client.cookies.clear()  # each request names its own cookie (see _refresh)
        rotations_before = _rotations()

        def storm(_: int, presented: str = token) -> Any:
            return _refresh(client, presented, cookie_mode)

        answers = _burst(storm)

        _no_server_errors(answers)
        assert {a.status_code for a in answers} <= {200, 401}, [a.status_code for a in answers]
        for answer in answers:
            if answer.status_code == 401:
                assert answer.json()["code"] in {"invalid_token", "refresh_reused"}, answer.text
        ok = [a for a in answers if a.status_code == 200]
        assert ok, "no refresh succeeded"
        children = {_child(a, cookie_mode) for a in ok}
        assert len(children) == 1, f"the session forked into {len(children)} children"
        (child,) = children
        assert child
        assert child != token

        # Exactly one rotation: the row's current rid is the child's, its parent the original.
        claims = decode_refresh_token(secret, token)
        db.expire_all()  # read the row as committed now, not as an earlier round left it
        row = db.scalar(select(UserSession).where(UserSession.id == claims.session_id))
        assert row.revoked_at is None, f"the session was revoked ({row.revoke_reason})"
        assert row.previous_rid == claims.rid
        assert encode_refresh_token(secret, row.id, row.rid) == child
        if REGISTRY.get_sample_value("auth_refresh_rotations_total") is not None:
            assert _rotations() - rotations_before == 1

        # The one child works and rotates on as usual.
        onward = _refresh(client, child, cookie_mode)
        assert onward.status_code == 200, onward.text
        assert _child(onward, cookie_mode) not in {None, token, child}


def test_concurrent_edits_with_one_if_match_let_exactly_one_win(
    client_factory: Callable[..., TestClient], make_user: Callable[..., Any]
) -> None:
    client = client_factory(auth_cookie_refresh=False)
    headers = login(client, make_user().email)
    created = client.post("/api/entries", headers=headers, json={"title": "v1", "body": "first"})
    assert created.status_code == 201, created.text
    url = f"/api/entries/{created.json()['id']}"
    etag = client.get(url, headers=headers).headers["etag"]
    writers = 20

    def edit(i: int) -> Any:
        return client.patch(
            url, headers={**headers, "If-Match": etag}, json={"title": f"writer {i}"}
        )

    answers = _burst(edit, writers)

    _no_server_errors(answers)
    winners = [i for i, a in enumerate(answers) if a.status_code == 200]
    assert len(winners) == 1, [a.status_code for a in answers]
    losers = [a for a in answers if a.status_code != 200]
    assert all(a.status_code == 412 for a in losers), [a.text for a in losers]
    assert all(a.json()["code"] == "version_conflict" for a in losers)
    final = client.get(url, headers=headers)
    assert final.json()["title"] == f"writer {winners[0]}"
    assert final.headers["etag"] == answers[winners[0]].headers["etag"] != etag


def test_concurrent_registrations_of_one_address_make_one_account(
    client_factory: Callable[..., TestClient], db: Any
) -> None:
    generous = "1000/hour"
    client = client_factory(
        rate_mail_per_address=generous,
        rate_mail_address_ceiling=generous,
        rate_mail_ip=generous,
        rate_register_ip=generous,
    )
    tries = 10  # within what the password hasher admits at once (else 503 by design)
    for round_ in range(ROUNDS):
        email = f"race.person.{round_}@example.com"

        def register(_: int, address: str = email) -> Any:
            return client.post(
                "/api/auth/register",
                json={"email": address, "password": "a long and unusual passphrase 42"},
            )

        answers = _burst(register, tries)

        _no_server_errors(answers)
        assert [a.status_code for a in answers] == [202] * tries, [a.text for a in answers]
        assert len({a.text for a in answers}) == 1  # the same answer for every attempt
        assert db.scalar(select(func.count()).select_from(User).where(User.email == email)) == 1
        user_id = db.scalar(select(User.id).where(User.email == email))
        assert db.scalar(select(func.count()).where(EmailToken.user_id == user_id)) >= 1
