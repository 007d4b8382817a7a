"""With the seed's own command (`uvicorn apps.api.app.main:app`, no flags), a forwarding
header from a peer that is not in JOURNAL_TRUSTED_PROXIES changes nothing: uvicorn trusts
X-Forwarded-For from 127.0.0.1 by default, Journal must not."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from apps.api.tests.ops.live import PASSWORD, create_user, journal_env, live_server

EMAIL = "xff@example.com"
UVICORN = [sys.executable, "-m", "uvicorn", "apps.api.app.main:app"]


@pytest.fixture
def seed_command_server(tmp_path: Path) -> Iterator[str]:
    env = journal_env(tmp_path, JOURNAL_RATE_LOGIN_ACCOUNT_IP="3/15 minutes")
    create_user(env, EMAIL)
    with live_server(UVICORN, env, tmp_path / "server.log") as base:
        yield base


def _login(base: str, password: str, forwarded_for: str) -> httpx.Response:
    return httpx.post(
        f"{base}/api/auth/login",
        json={"email": EMAIL, "password": password},
        headers={"X-Forwarded-For": forwarded_for, "X-Forwarded-Proto": "https"},
        timeout=30,
    )


def _recorded_session_ips(base: str, forwarded_for: str) -> list[str]:
    """Sign in claiming ``forwarded_for``; the IPs the session list then records."""
    login = _login(base, PASSWORD, forwarded_for)
    assert login.status_code == 200, login.text
    sessions = httpx.get(
        f"{base}/api/auth/sessions",
        headers={"Authorization": f"Bearer {login.json()['access_token']}"},
        timeout=30,
    )
    assert sessions.status_code == 200
    return [s["ip"] for s in sessions.json()]


def test_forged_forwarded_for_is_not_recorded_as_the_session_ip(seed_command_server: str) -> None:
    assert _recorded_session_ips(seed_command_server, "203.0.113.7") == ["127.0.0.1"]


def test_varying_forwarded_for_does_not_escape_the_login_limit(seed_command_server: str) -> None:
    codes = [_login(seed_command_server, "wrong password!", f"198.51.100.{i}") for i in range(5)]
    assert [c.status_code for c in codes] == [401, 401, 401, 429, 429]


def test_a_configured_trusted_proxy_is_still_believed(tmp_path: Path) -> None:
    env = journal_env(tmp_path, JOURNAL_TRUSTED_PROXIES="127.0.0.1")
    create_user(env, EMAIL)
    reload = [*UVICORN, "--reload", "--reload-dir", str(tmp_path)]
    with live_server(reload, env, tmp_path / "server.log") as base:
        assert _recorded_session_ips(base, "203.0.113.7") == ["203.0.113.7"]
