"""M5.T1 Devices/Sessions: list, revoke one, revoke the others; immediate in both modes."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from sqlalchemy import select, update

from apps.api.app.auth.models import UserSession
from apps.api.app.db.base import utcnow
from apps.api.app.useragent import device_label
from apps.api.tests.conftest import PASSWORD, run_journal
from apps.api.tests.mailsink import MailSink

FIREFOX_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:130.0) Gecko/20100101 Firefox/130.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)


class Device:
    """One browser: its own client (cookie jar), user agent and tokens."""

    def __init__(self, client: TestClient, email: str, user_agent: str) -> None:
        self.client = client
        self.user_agent = user_agent
        response = client.post(
            "/api/auth/login",
            json={"email": email, "password": PASSWORD},
            headers={"User-Agent": user_agent},
        )
        assert response.status_code == 200, response.text
        self.tokens = response.json()
        self.cookie_mode = "refresh_token" not in self.tokens

    @property
    def headers(self) -> dict[str, str]:
        headers = {
            "Authorization": f"Bearer {self.tokens['access_token']}",
            "User-Agent": self.user_agent,
        }
        csrf = self.client.cookies.get("csrftoken")
        if csrf:
            headers["X-CSRF-Token"] = csrf
        return headers

    def refresh(self) -> Any:
        if self.cookie_mode:
            return self.client.post("/api/auth/refresh")
        return self.client.post(
            "/api/auth/refresh", json={"refresh_token": self.tokens["refresh_token"]}
        )


@pytest.fixture(params=[True, False], ids=["cookie-mode", "body-mode"])
def devices(
    request: pytest.FixtureRequest,
    client_factory: Callable[..., TestClient],
    make_user: Callable[..., Any],
) -> tuple[Device, Device]:
    email = make_user().email
    laptop = Device(client_factory(auth_cookie_refresh=request.param), email, FIREFOX_MAC)
    phone = Device(client_factory(auth_cookie_refresh=request.param), email, SAFARI_IPHONE)
    return laptop, phone


def test_list_shows_both_devices_with_current_right(devices: tuple[Device, Device]) -> None:
    laptop, phone = devices
    listed = laptop.client.get("/api/auth/sessions", headers=laptop.headers).json()
    assert len(listed) == 2
    by_device = {s["device"]: s for s in listed}
    assert by_device["Firefox on macOS"]["current"] is True
    assert by_device["Mobile Safari on iOS"]["current"] is False
    assert set(listed[0]) == {
        "id",
        "created_at",
        "last_used_at",
        "ip",
        "user_agent",
        "device",
        "current",
        "signed_in_with",
    }
    assert {s["signed_in_with"] for s in listed} == {"password"}
    from_phone = phone.client.get("/api/auth/sessions", headers=phone.headers).json()
    assert {s["device"]: s["current"] for s in from_phone} == {
        "Firefox on macOS": False,
        "Mobile Safari on iOS": True,
    }


def test_revoking_another_device_is_immediate(devices: tuple[Device, Device]) -> None:
    laptop, phone = devices
    phone_id = next(
        s["id"]
        for s in laptop.client.get("/api/auth/sessions", headers=laptop.headers).json()
        if not s["current"]
    )
    before = REGISTRY.get_sample_value("auth_revocations_total", {"reason": "session_revoked"}) or 0
    response = laptop.client.delete(f"/api/auth/sessions/{phone_id}", headers=laptop.headers)
    assert response.status_code == 204
    after = REGISTRY.get_sample_value("auth_revocations_total", {"reason": "session_revoked"}) or 0
    assert after - before == 1
    me = phone.client.get("/api/auth/me", headers=phone.headers)
    assert me.status_code == 401
    assert me.json()["code"] == "session_revoked"
    assert phone.refresh().status_code == 401
    assert laptop.client.get("/api/auth/me", headers=laptop.headers).status_code == 200
    listed = laptop.client.get("/api/auth/sessions", headers=laptop.headers).json()
    assert [s["current"] for s in listed] == [True]


def test_revoke_others_leaves_only_the_current(
    devices: tuple[Device, Device], client_factory: Callable[..., TestClient]
) -> None:
    laptop, phone = devices
    tablet = Device(
        client_factory(auth_cookie_refresh=laptop.cookie_mode), _email(laptop), SAFARI_IPHONE
    )
    response = laptop.client.post("/api/auth/sessions/revoke-others", headers=laptop.headers)
    assert response.status_code == 204
    listed = laptop.client.get("/api/auth/sessions", headers=laptop.headers).json()
    assert len(listed) == 1
    assert listed[0]["current"] is True
    for other in (phone, tablet):
        assert other.client.get("/api/auth/me", headers=other.headers).status_code == 401
        assert other.refresh().status_code == 401


def _email(device: Device) -> str:
    return str(device.client.get("/api/auth/me", headers=device.headers).json()["email"])


def test_revoking_the_current_session_signs_out(devices: tuple[Device, Device]) -> None:
    laptop, _ = devices
    mine = next(
        s["id"]
        for s in laptop.client.get("/api/auth/sessions", headers=laptop.headers).json()
        if s["current"]
    )
    response = laptop.client.delete(f"/api/auth/sessions/{mine}", headers=laptop.headers)
    assert response.status_code == 204
    if laptop.cookie_mode:
        assert any(
            "refresh_token=" in h and "Max-Age=0" in h
            for h in response.headers.get_list("set-cookie")
        )
    assert laptop.client.get("/api/auth/me", headers=laptop.headers).status_code == 401


def test_another_users_session_is_404(
    devices: tuple[Device, Device],
    client_factory: Callable[..., TestClient],
    make_user: Callable[..., Any],
) -> None:
    laptop, _ = devices
    stranger = Device(
        client_factory(auth_cookie_refresh=laptop.cookie_mode), make_user().email, FIREFOX_MAC
    )
    victim_id = laptop.client.get("/api/auth/sessions", headers=laptop.headers).json()[0]["id"]
    response = stranger.client.delete(f"/api/auth/sessions/{victim_id}", headers=stranger.headers)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert (
        stranger.client.delete(
            "/api/auth/sessions/not-a-uuid", headers=stranger.headers
        ).status_code
        == 404
    )
    assert laptop.client.get("/api/auth/me", headers=laptop.headers).status_code == 200


def test_revokes_need_csrf_in_cookie_mode(
    client_factory: Callable[..., TestClient], make_user: Callable[..., Any]
) -> None:
    laptop = Device(client_factory(auth_cookie_refresh=True), make_user().email, FIREFOX_MAC)
    bearer_only = {"Authorization": f"Bearer {laptop.tokens['access_token']}"}
    assert (
        laptop.client.post("/api/auth/sessions/revoke-others", headers=bearer_only).status_code
        == 403
    )
    sid = laptop.client.get("/api/auth/sessions", headers=bearer_only).json()[0]["id"]
    assert laptop.client.delete(f"/api/auth/sessions/{sid}", headers=bearer_only).status_code == 403


def test_last_used_is_written_at_most_once_a_minute(
    client_factory: Callable[..., TestClient], make_user: Callable[..., Any], db: Any
) -> None:
    laptop = Device(client_factory(), make_user().email, FIREFOX_MAC)
    first = db.scalar(select(UserSession.last_used_at))
    laptop.client.get("/api/auth/me", headers=laptop.headers)
    db.expire_all()
    assert db.scalar(select(UserSession.last_used_at)) == first  # within the minute: no write
    db.execute(update(UserSession).values(last_used_at=utcnow() - timedelta(minutes=5)))
    db.commit()
    laptop.client.get("/api/auth/me", headers=laptop.headers)
    db.expire_all()
    assert utcnow() - db.scalar(select(UserSession.last_used_at)) < timedelta(seconds=30)


def test_device_labels() -> None:
    assert device_label(FIREFOX_MAC) == "Firefox on macOS"
    assert device_label(SAFARI_IPHONE) == "Mobile Safari on iOS"
    assert device_label(None) == "Unknown device"
    assert device_label("python-httpx/0.28.1") == "python-httpx"


def test_new_device_notice(
    client_factory: Callable[..., TestClient], mail_sink: MailSink, make_user: Callable[..., Any]
) -> None:
    client = client_factory(smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    user = make_user()
    Device(client, user.email, FIREFOX_MAC)  # first device ever: no notice
    Device(client, user.email, FIREFOX_MAC)  # same kind of device: no notice
    Device(client, user.email, SAFARI_IPHONE)  # new: notice
    notices = mail_sink.wait_for(user.email)
    assert len(notices) == 1
    assert notices[0]["Subject"] == "New sign-in to Journal: Mobile Safari on iOS"
    # Turned off in the profile: no more notices.
    phone = Device(client, user.email, SAFARI_IPHONE)
    updated = client.patch("/api/auth/me", json={"notify_new_device": False}, headers=phone.headers)
    assert updated.status_code == 200
    assert updated.json()["notify_new_device"] is False
    Device(
        client, user.email, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0 Safari/537.36"
    )
    assert len(mail_sink.to(user.email)) == 1


def test_profile_update(client: TestClient, auth_headers: dict[str, str]) -> None:
    response = client.patch("/api/auth/me", json={"display_name": "  Ada  "}, headers=auth_headers)
    assert response.status_code == 200
    assert response.json()["display_name"] == "Ada"
    assert (
        client.patch(
            "/api/auth/me", json={"email": "x@example.com"}, headers=auth_headers
        ).status_code
        == 422
    )


def test_prune_and_cli(
    client_factory: Callable[..., TestClient],
    make_user: Callable[..., Any],
    db: Any,
    database_url: str,
) -> None:
    user = make_user()
    client = client_factory()
    Device(client, user.email, FIREFOX_MAC)
    Device(client, user.email, SAFARI_IPHONE)

    def journal(*args: str) -> subprocess.CompletedProcess[str]:
        return run_journal(list(args), database_url)

    listed = journal("sessions", "list", user.email)
    assert listed.returncode == 0, listed.stderr
    assert "Firefox on macOS" in listed.stdout
    assert "Mobile Safari on iOS" in listed.stdout
    first_id = listed.stdout.split()[0]
    revoked = journal("sessions", "revoke", first_id)
    assert revoked.returncode == 0, revoked.stderr
    assert journal("sessions", "revoke", first_id).returncode == 1  # already revoked

    # Long-ended sessions go; recent ones stay.
    db.execute(
        update(UserSession)
        .where(UserSession.revoked_at.is_not(None))
        .values(revoked_at=utcnow() - timedelta(days=8))
    )
    db.commit()
    pruned = journal("sessions", "prune")
    assert pruned.returncode == 0, pruned.stderr
    assert "pruned 1 sessions" in pruned.stdout
    db.expire_all()
    assert len(db.scalars(select(UserSession)).all()) == 1
