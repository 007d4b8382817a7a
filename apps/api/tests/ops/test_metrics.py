"""Auth counters move by exactly the expected amount on each path; /metrics exposes them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from sqlalchemy import update

from apps.api.app.auth.models import UserSession
from apps.api.app.db.base import utcnow
from apps.api.tests.conftest import PASSWORD, post_login, put_cookie
from apps.api.tests.mailsink import MailSink, link_in

NEW_PASSWORD = "an entirely new passphrase"


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@contextmanager
def moves(expected: dict[tuple[str, tuple[tuple[str, str], ...]], float]) -> Iterator[None]:
    """Assert that each (metric, labels) changes by exactly the given amount, others by 0."""
    tracked = {
        ("auth_login_success_total", (("provider", "password"),)),
        ("auth_refresh_rotations_total", ()),
        *(
            ("auth_login_fail_total", (("reason", r),))
            for r in ("invalid_credentials", "email_not_verified", "rate_limited", "user_disabled")
        ),
        *(
            ("auth_revocations_total", (("reason", r),))
            for r in (
                "logout",
                "session_revoked",
                "password_reset",
                "password_changed",
                "refresh_reused",
            )
        ),
        *expected.keys(),
    }
    before = {key: value(key[0], **dict(key[1])) for key in tracked}
    yield
    for key in tracked:
        delta = value(key[0], **dict(key[1])) - before[key]
        assert delta == expected.get(key, 0.0), f"{key}: moved by {delta}"


def m(name: str, **labels: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    return (name, tuple(sorted(labels.items())))


SUCCESS = m("auth_login_success_total", provider="password")
ROTATION = m("auth_refresh_rotations_total")


def fail(reason: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    return m("auth_login_fail_total", reason=reason)


def revoked(reason: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    return m("auth_revocations_total", reason=reason)


@pytest.fixture(params=[True, False], ids=["cookie-mode", "body-mode"])
def mode_client(
    request: pytest.FixtureRequest, client_factory: Callable[..., TestClient]
) -> TestClient:
    client = client_factory(auth_cookie_refresh=request.param)
    client.cookie_mode = request.param  # type: ignore[attr-defined]
    return client


def _refresh(client: TestClient, tokens: dict[str, Any]) -> Any:
    if client.cookie_mode:  # type: ignore[attr-defined]
        return client.post("/api/auth/refresh")
    return client.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})


def _logout(client: TestClient, tokens: dict[str, Any]) -> Any:
    if client.cookie_mode:  # type: ignore[attr-defined]
        csrf = client.get("/api/auth/csrf").json()["csrf_token"]
        return client.post("/api/auth/logout", headers={"X-CSRF-Token": csrf})
    return client.post("/api/auth/logout", json={"refresh_token": tokens["refresh_token"]})


def test_login_success_and_failure_reasons(
    mode_client: TestClient, make_user: Callable[..., Any], db: Any
) -> None:
    user = make_user()
    with moves({SUCCESS: 1}):
        assert post_login(mode_client, user.email).status_code == 200
    with moves({fail("invalid_credentials"): 2}):
        post_login(mode_client, user.email, "wrong-password-1")
        post_login(mode_client, "nobody@example.com", "wrong-password-1")
    pending = make_user(verified=False)
    with moves({fail("email_not_verified"): 1}):
        assert post_login(mode_client, pending.email).status_code == 403
    disabled = make_user()
    disabled.is_active = False
    db.commit()
    with moves({fail("user_disabled"): 1}):
        assert post_login(mode_client, disabled.email).status_code == 401


def test_rate_limited_logins_are_counted(
    client_factory: Callable[..., TestClient], make_user: Callable[..., Any]
) -> None:
    client = client_factory(rate_login_account_ip="1/15 minutes")
    user = make_user()
    with moves({fail("invalid_credentials"): 1, fail("rate_limited"): 2}):
        post_login(client, user.email, "wrong-password-1")
        assert post_login(client, user.email, "wrong-password-1").status_code == 429
        assert post_login(client, user.email).status_code == 429


def test_refresh_rotation_grace_and_logout(
    mode_client: TestClient, make_user: Callable[..., Any]
) -> None:
    tokens = post_login(mode_client, make_user().email).json()
    parent_cookie = mode_client.cookies.get("refresh_token")
    with moves({ROTATION: 1}):
        rotated = _refresh(mode_client, tokens)
        assert rotated.status_code == 200
    # The parent again within the grace window: answered, but not a rotation.
    with moves({}):
        if mode_client.cookie_mode:  # type: ignore[attr-defined]
            put_cookie(mode_client, "refresh_token", parent_cookie, path="/api/auth")
        assert _refresh(mode_client, tokens).status_code == 200
    tokens = rotated.json() if "refresh_token" in rotated.json() else tokens
    with moves({revoked("logout"): 1}):
        assert _logout(mode_client, tokens).status_code == 204
    with moves({}):
        assert _logout(mode_client, tokens).status_code == 204  # already gone: counted once


def test_reuse_counts_one_revocation(
    mode_client: TestClient, make_user: Callable[..., Any], db: Any
) -> None:
    tokens = post_login(mode_client, make_user().email).json()
    parent_cookie = mode_client.cookies.get("refresh_token")
    _refresh(mode_client, tokens)
    db.execute(update(UserSession).values(rotated_at=utcnow() - timedelta(seconds=30)))
    db.commit()
    with moves({revoked("refresh_reused"): 1}):
        for _ in range(2):  # a second replay finds the session already revoked
            if mode_client.cookie_mode:  # type: ignore[attr-defined]
                put_cookie(mode_client, "refresh_token", parent_cookie, path="/api/auth")
            assert _refresh(mode_client, tokens).status_code == 401


def test_reset_and_change_count_each_revoked_session(
    client_factory: Callable[..., TestClient], mail_sink: MailSink, make_user: Callable[..., Any]
) -> None:
    client = client_factory(
        smtp_host="127.0.0.1", smtp_port=mail_sink.port, auth_cookie_refresh=False
    )
    user = make_user()
    sessions = [post_login(client, user.email).json() for _ in range(3)]
    with moves({revoked("password_changed"): 2}):
        response = client.post(
            "/api/auth/password/change",
            json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
            headers={"Authorization": f"Bearer {sessions[0]['access_token']}"},
        )
        assert response.status_code == 200
    client.post("/api/auth/password/forgot", json={"email": user.email})
    token = link_in(mail_sink.wait_for(user.email, count=2)[-1], "/reset-password")
    with moves({revoked("password_reset"): 1}):
        assert (
            client.post(
                "/api/auth/password/reset", json={"token": token, "password": PASSWORD + " again"}
            ).status_code
            == 200
        )


def test_metrics_endpoint_exposes_the_auth_counters(
    client: TestClient, make_user: Callable[..., Any]
) -> None:
    post_login(client, make_user().email)
    text = client.get("/metrics").text
    for name in (
        'auth_login_success_total{provider="password"}',
        'auth_login_fail_total{reason="invalid_credentials"}',
        "auth_refresh_rotations_total",
        'auth_revocations_total{reason="logout"}',
        "http_requests_total",
        "http_request_duration_seconds_bucket",
    ):
        assert name in text, name
    assert 'route="/api/auth/login"' in text


def test_http_metrics_use_route_templates(client: TestClient, auth_headers: dict[str, str]) -> None:
    client.get("/api/entries/0b9a39ff-0000-4000-8000-000000000000", headers=auth_headers)
    text = client.get("/metrics").text
    assert 'route="/api/entries/{entry_id}"' in text
    assert "0b9a39ff" not in text


def test_metrics_disabled_is_404(client_factory: Callable[..., TestClient]) -> None:
    response = client_factory(metrics_enabled=False).get("/metrics")
    assert response.status_code == 404


def test_metrics_token_is_required_when_set(client_factory: Callable[..., TestClient]) -> None:
    client = client_factory(metrics_token="scrape-secret-123")
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    ok = client.get("/metrics", headers={"Authorization": "Bearer scrape-secret-123"})
    assert ok.status_code == 200
    assert "auth_login_success_total" in ok.text
