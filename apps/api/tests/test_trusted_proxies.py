"""JOURNAL_TRUSTED_PROXIES: whose X-Forwarded-For is believed (rate limits, session IP).

Unset, a client that writes its own X-Forwarded-For changes nothing: it cannot pick the
address its sessions record, nor dodge the per-client sign-in limit by inventing a new
address per try. Set, the nearest address not in the trusted networks counts (hops are read
from the right, as proxies append), so a spoofed left-most hop is not believed either.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from apps.api.tests.conftest import PASSWORD

PEER = "10.0.0.9"  # the socket peer: a proxy, or a client that talks to us directly


@pytest.fixture
def peer_client(client_factory: Callable[..., TestClient]) -> Callable[..., TestClient]:
    def build(**overrides: Any) -> TestClient:
        return client_factory(auth_cookie_refresh=False, peer=PEER, **overrides)

    return build


def _session_ip(client: TestClient, email: str, forwarded: str) -> str:
    answer = client.post(
        "/api/auth/login",
        json={"email": email, "password": PASSWORD},
        headers={"X-Forwarded-For": forwarded},
    )
    assert answer.status_code == 200, answer.text
    bearer = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    (current,) = [
        s for s in client.get("/api/auth/sessions", headers=bearer).json() if s["current"]
    ]
    return str(current["ip"])


def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(
    peer_client: Callable[..., TestClient], make_user: Callable[..., Any]
) -> None:
    email = make_user().email
    untrusting = peer_client()
    assert _session_ip(untrusting, email, "203.0.113.7") == PEER

    trusting = peer_client(trusted_proxies=["10.0.0.0/8"])
    assert _session_ip(trusting, email, "203.0.113.7") == "203.0.113.7"
    # A client-written left-most hop is not believed: the proxy's own append is.
    assert _session_ip(trusting, email, "198.51.100.1, 203.0.113.7") == "203.0.113.7"
    assert _session_ip(trusting, email, "203.0.113.7, 10.0.0.2") == "203.0.113.7"


def test_inventing_forwarded_addresses_does_not_dodge_the_per_client_limit(
    peer_client: Callable[..., TestClient], make_user: Callable[..., Any]
) -> None:
    client = peer_client(rate_login_ip="3/hour", rate_login_account_ip="100/hour")
    users = [make_user().email for _ in range(4)]
    for i, email in enumerate(users[:3]):
        wrong = client.post(
            "/api/auth/login",
            json={"email": email, "password": "not the password"},
            headers={"X-Forwarded-For": f"198.51.100.{i + 1}"},
        )
        assert wrong.status_code == 401
    blocked = client.post(
        "/api/auth/login",
        json={"email": users[3], "password": "not the password"},
        headers={"X-Forwarded-For": "198.51.100.99"},
    )
    assert blocked.status_code == 429
    assert blocked.json()["code"] == "rate_limited"
