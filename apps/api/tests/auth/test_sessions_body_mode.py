"""Rotating refresh sessions in body mode (JOURNAL_AUTH_COOKIE_REFRESH=false): the M1 flow."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from apps.api.app.auth.models import UserSession
from apps.api.app.db.base import utcnow
from apps.api.tests.conftest import PASSWORD, post_login


@pytest.fixture
def body_client(client_factory: Callable[..., TestClient]) -> TestClient:
    return client_factory(auth_cookie_refresh=False)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _refresh(client: TestClient, token: str) -> Any:
    return client.post("/api/auth/refresh", json={"refresh_token": token})


def test_login_returns_both_tokens_and_no_cookies(
    body_client: TestClient, make_user: Callable[..., Any]
) -> None:
    response = body_client.post(
        "/api/auth/login", json={"email": make_user().email, "password": PASSWORD}
    )
    body = response.json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert "set-cookie" not in response.headers


def test_refresh_rotates_and_the_new_pair_works(
    body_client: TestClient, make_user: Callable[..., Any], db: Any
) -> None:
    tokens = dict(post_login(body_client, make_user().email, expect=200).json())
    rid_before = db.scalar(select(UserSession.rid))
    rotated = _refresh(body_client, tokens["refresh_token"])
    assert rotated.status_code == 200
    pair = rotated.json()
    assert set(pair) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert pair["refresh_token"] != tokens["refresh_token"]
    db.expire_all()
    assert db.scalar(select(UserSession.rid)) != rid_before
    assert body_client.get("/api/auth/me", headers=_bearer(pair["access_token"])).status_code == 200
    again = _refresh(body_client, pair["refresh_token"])
    assert again.status_code == 200


def test_database_never_holds_a_usable_refresh_token(
    body_client: TestClient, make_user: Callable[..., Any], db: Any
) -> None:
    tokens = dict(post_login(body_client, make_user().email, expect=200).json())
    row = db.scalar(select(UserSession))
    stored = " ".join(str(v) for v in (row.rid, row.previous_rid, row.id))
    assert tokens["refresh_token"] not in stored
    assert tokens["refresh_token"].split(".")[-1] not in stored


def test_parent_within_grace_gets_the_current_child_not_a_fork(
    body_client: TestClient, make_user: Callable[..., Any], db: Any
) -> None:
    parent = dict(post_login(body_client, make_user().email, expect=200).json())["refresh_token"]
    child = _refresh(body_client, parent).json()["refresh_token"]
    # A second tab presents the parent a moment later.
    grace = _refresh(body_client, parent)
    assert grace.status_code == 200
    assert grace.json()["refresh_token"] == child
    assert db.scalar(select(UserSession.revoked_at)) is None
    # The child is still the live token and rotates normally.
    assert _refresh(body_client, child).status_code == 200


def test_parent_after_grace_is_reuse_and_revokes_the_session(
    body_client: TestClient, make_user: Callable[..., Any], db: Any
) -> None:
    tokens = dict(post_login(body_client, make_user().email, expect=200).json())
    child = _refresh(body_client, tokens["refresh_token"]).json()
    db.execute(update(UserSession).values(rotated_at=utcnow() - timedelta(seconds=11)))
    db.commit()
    reused = _refresh(body_client, tokens["refresh_token"])
    assert reused.status_code == 401
    assert reused.json()["code"] == "refresh_reused"
    # The whole session is gone: the legitimate child and its access token too.
    assert _refresh(body_client, child["refresh_token"]).status_code == 401
    me = body_client.get("/api/auth/me", headers=_bearer(child["access_token"]))
    assert me.status_code == 401
    assert me.json()["code"] == "session_revoked"
    db.expire_all()
    assert db.scalar(select(UserSession.revoke_reason)) == "refresh_reused"


def test_grace_covers_the_immediate_parent_only(
    body_client: TestClient, make_user: Callable[..., Any]
) -> None:
    grandparent = dict(post_login(body_client, make_user().email, expect=200).json())[
        "refresh_token"
    ]
    parent = _refresh(body_client, grandparent).json()["refresh_token"]
    child = _refresh(body_client, parent).json()["refresh_token"]
    reused = _refresh(body_client, grandparent)
    assert reused.status_code == 401
    assert reused.json()["code"] == "refresh_reused"
    assert _refresh(body_client, child).status_code == 401


def test_logout_revokes_at_once_and_is_idempotent(
    body_client: TestClient, make_user: Callable[..., Any]
) -> None:
    tokens = dict(post_login(body_client, make_user().email, expect=200).json())
    first = body_client.post("/api/auth/logout", json={"refresh_token": tokens["refresh_token"]})
    assert first.status_code == 204
    me = body_client.get("/api/auth/me", headers=_bearer(tokens["access_token"]))
    assert me.status_code == 401
    assert me.json()["code"] == "session_revoked"
    assert _refresh(body_client, tokens["refresh_token"]).status_code == 401
    again = body_client.post("/api/auth/logout", json={"refresh_token": tokens["refresh_token"]})
    assert again.status_code == 204


def test_logout_with_the_bearer_token_only(
    body_client: TestClient, make_user: Callable[..., Any]
) -> None:
    tokens = dict(post_login(body_client, make_user().email, expect=200).json())
    response = body_client.post("/api/auth/logout", headers=_bearer(tokens["access_token"]))
    assert response.status_code == 204
    assert (
        body_client.get("/api/auth/me", headers=_bearer(tokens["access_token"])).status_code == 401
    )


def test_refresh_and_access_tokens_are_not_interchangeable(
    body_client: TestClient, make_user: Callable[..., Any]
) -> None:
    tokens = dict(post_login(body_client, make_user().email, expect=200).json())
    as_access = body_client.get("/api/auth/me", headers=_bearer(tokens["refresh_token"]))
    assert as_access.status_code == 401
    as_refresh = _refresh(body_client, tokens["access_token"])
    assert as_refresh.status_code == 401
    assert as_refresh.json()["code"] == "invalid_token"


def test_tampered_and_foreign_refresh_tokens_are_401_without_revoking(
    body_client: TestClient, make_user: Callable[..., Any], db: Any
) -> None:
    tokens = dict(post_login(body_client, make_user().email, expect=200).json())
    sid, rid, mac = tokens["refresh_token"].split(".")
    flipped = "B" if mac[0] == "A" else "A"  # a really different MAC
    for bad in [f"{sid}.{rid}.{flipped}{mac[1:]}", f"{sid}.x{rid}.{mac}", "garbage", ""]:
        response = _refresh(body_client, bad)
        assert response.status_code in (401, 422), bad
    assert db.scalar(select(UserSession.revoked_at)) is None
    assert _refresh(body_client, tokens["refresh_token"]).status_code == 200


def test_expired_session_cannot_refresh(
    body_client: TestClient, make_user: Callable[..., Any], db: Any
) -> None:
    tokens = dict(post_login(body_client, make_user().email, expect=200).json())
    db.execute(update(UserSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    response = _refresh(body_client, tokens["refresh_token"])
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"


def test_session_lifetime_slides_but_is_capped_at_90_days(
    body_client: TestClient, make_user: Callable[..., Any], db: Any
) -> None:
    tokens = dict(post_login(body_client, make_user().email, expect=200).json())
    long_ago = utcnow() - timedelta(days=89, hours=23)
    db.execute(update(UserSession).values(created_at=long_ago))
    db.commit()
    assert _refresh(body_client, tokens["refresh_token"]).status_code == 200
    db.expire_all()
    expires = db.scalar(select(UserSession.expires_at))
    assert expires <= long_ago + timedelta(days=90)


def test_sessions_record_device_details(
    body_client: TestClient, make_user: Callable[..., Any], db: Any
) -> None:
    body_client.post(
        "/api/auth/login",
        json={"email": make_user().email, "password": PASSWORD},
        headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"},
    )
    row = db.scalar(select(UserSession))
    assert row.user_agent.startswith("Mozilla/5.0")
    assert row.ip == "testclient"
