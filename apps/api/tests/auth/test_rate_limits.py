"""Rate limits: failed logins per account+IP and per IP, mails per address; memory and Redis."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from apps.api.tests.conftest import PASSWORD, login, post_login

REDIS_URL = os.environ.get("JOURNAL_TEST_REDIS", "redis://127.0.0.1:6379/0")


def _redis_available() -> bool:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False
    return True


@pytest.fixture(params=["memory", "redis"])
def limited_client(
    request: pytest.FixtureRequest, client_factory: Callable[..., TestClient]
) -> TestClient:
    overrides: dict[str, Any] = {
        "rate_login_account_ip": "3/15 minutes",
        "rate_login_ip": "5/hour",
        "rate_mail_per_address": "2/hour",
    }
    if request.param == "redis":
        if not _redis_available():
            pytest.fail(f"Redis is not reachable at {REDIS_URL} (set JOURNAL_TEST_REDIS)")
        overrides |= {"redis_url": REDIS_URL, "rate_limit_prefix": f"test-{uuid.uuid4().hex}"}
    return client_factory(**overrides)


def test_failed_logins_per_account_are_limited_with_retry_after(
    limited_client: TestClient, make_user: Callable[..., Any]
) -> None:
    user = make_user()
    for _ in range(3):
        assert post_login(limited_client, user.email, "wrong-password-1").status_code == 401
    blocked = post_login(limited_client, user.email, PASSWORD)
    assert blocked.status_code == 429
    assert blocked.json()["code"] == "rate_limited"
    assert int(blocked.headers["Retry-After"]) > 0


def test_a_success_clears_the_account_count(
    limited_client: TestClient, make_user: Callable[..., Any]
) -> None:
    user = make_user()
    for _ in range(2):
        post_login(limited_client, user.email, "wrong-password-1")
    assert post_login(limited_client, user.email, PASSWORD).status_code == 200
    for _ in range(2):
        assert post_login(limited_client, user.email, "wrong-password-1").status_code == 401
    assert post_login(limited_client, user.email, PASSWORD).status_code == 200


def test_failures_across_accounts_hit_the_per_ip_limit(
    limited_client: TestClient, make_user: Callable[..., Any]
) -> None:
    for i in range(5):
        post_login(limited_client, f"spray{i}@example.com", "wrong-password-1")
    blocked = post_login(limited_client, make_user().email, PASSWORD)
    assert blocked.status_code == 429


def test_unknown_and_known_addresses_are_limited_alike(
    limited_client: TestClient, make_user: Callable[..., Any]
) -> None:
    known = make_user().email
    for email in (known, "stranger@example.com"):
        answers = [
            limited_client.post("/api/auth/password/forgot", json={"email": email}).status_code
            for _ in range(3)
        ]
        assert answers == [202, 202, 429]


def test_wrong_current_passwords_spend_the_sign_in_budget(
    limited_client: TestClient, make_user: Callable[..., Any]
) -> None:
    user = make_user()
    headers = login(limited_client, user.email)

    def change(current: str) -> Any:
        return limited_client.post(
            "/api/auth/password/change",
            headers=headers,
            json={"current_password": current, "new_password": "a-brand-new-passphrase"},
        )

    for _ in range(3):
        wrong = change("wrong-password-1")
        assert wrong.status_code == 400
        assert wrong.json()["code"] == "invalid_credentials"
    blocked = change(PASSWORD)
    assert blocked.status_code == 429
    assert blocked.json()["code"] == "rate_limited"
    assert int(blocked.headers["Retry-After"]) > 0
    # The same budget guards sign-in to that account from this address.
    assert post_login(limited_client, user.email, PASSWORD).status_code == 429
