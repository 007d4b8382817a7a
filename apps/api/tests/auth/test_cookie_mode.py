"""M4.T1 cookie refresh + signed double-submit CSRF (JOURNAL_AUTH_COOKIE_REFRESH=true).

Each test names the seed checklist item it proves.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from http.cookies import SimpleCookie
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from apps.api.app.auth.models import UserSession
from apps.api.app.db.base import utcnow
from apps.api.tests.conftest import PASSWORD, post_login, put_cookie


def set_cookies(response: Any) -> dict[str, dict[str, str]]:
    """Every Set-Cookie header parsed: name -> attributes (lower-cased names)."""
    parsed: dict[str, dict[str, str]] = {}
    for header in response.headers.get_list("set-cookie"):
        name, _, rest = header.partition("=")
        value, *attributes = rest.split(";")
        attrs = {"value": value}
        for attribute in attributes:
            key, _, val = attribute.strip().partition("=")
            attrs[key.lower()] = val
        parsed[name.strip()] = attrs
    return parsed


@pytest.fixture
def cookie_client(client_factory: Callable[..., TestClient]) -> TestClient:
    return client_factory(auth_cookie_refresh=True)


def test_login_sets_httponly_lax_refresh_cookie_and_returns_access_only(
    cookie_client: TestClient, make_user: Callable[..., Any]
) -> None:
    response = post_login(cookie_client, make_user().email, expect=200)
    assert set(response.json()) == {"access_token", "token_type", "expires_in"}
    cookies = set_cookies(response)
    refresh = cookies["refresh_token"]
    assert "httponly" in refresh
    assert refresh["samesite"].lower() == "lax"
    assert refresh["path"] == "/api/auth"
    assert refresh["max-age"] == "2592000"
    assert "secure" not in refresh  # development over http
    csrf = cookies["csrftoken"]
    assert "httponly" not in csrf
    assert csrf["path"] == "/"
    assert csrf["samesite"].lower() == "lax"


def test_cookies_are_secure_when_configured(
    client_factory: Callable[..., TestClient], make_user: Callable[..., Any]
) -> None:
    client = client_factory(cookie_secure_default=True)
    cookies = set_cookies(post_login(client, make_user().email, expect=200))
    assert "secure" in cookies["refresh_token"]
    assert "secure" in cookies["csrftoken"]


def test_samesite_strict_and_none_are_honoured(
    client_factory: Callable[..., TestClient], make_user: Callable[..., Any]
) -> None:
    user = make_user()
    strict = set_cookies(
        post_login(client_factory(cookie_samesite="strict"), user.email, expect=200)
    )
    assert strict["refresh_token"]["samesite"].lower() == "strict"
    none = set_cookies(post_login(client_factory(cookie_samesite="none"), user.email, expect=200))
    assert none["refresh_token"]["samesite"].lower() == "none"
    assert "secure" in none["refresh_token"]


def test_refresh_reads_the_cookie_only_rotates_and_returns_access_only(
    cookie_client: TestClient, make_user: Callable[..., Any], db: Any
) -> None:
    login = post_login(cookie_client, make_user().email, expect=200)
    old_cookie = login.cookies["refresh_token"]
    rid = db.scalar(select(UserSession.rid))

    response = cookie_client.post("/api/auth/refresh")
    assert response.status_code == 200
    assert set(response.json()) == {"access_token", "token_type", "expires_in"}
    new = set_cookies(response)["refresh_token"]
    assert new["value"] != old_cookie
    assert "httponly" in new
    assert new["path"] == "/api/auth"
    db.expire_all()
    assert db.scalar(select(UserSession.rid)) != rid
    me = cookie_client.get(
        "/api/auth/me", headers={"Authorization": f"Bearer {response.json()['access_token']}"}
    )
    assert me.status_code == 200


def test_refresh_ignores_a_body_token(
    cookie_client: TestClient,
    client_factory: Callable[..., TestClient],
    make_user: Callable[..., Any],
) -> None:
    # A valid refresh token, sent in the body to a server in cookie mode, is not accepted.
    body_token = (
        client_factory(auth_cookie_refresh=False)
        .post("/api/auth/login", json={"email": make_user().email, "password": PASSWORD})
        .json()["refresh_token"]
    )
    response = cookie_client.post("/api/auth/refresh", json={"refresh_token": body_token})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_logout_without_csrf_header_is_403(
    cookie_client: TestClient, make_user: Callable[..., Any], db: Any
) -> None:
    post_login(cookie_client, make_user().email, expect=200)
    response = cookie_client.post("/api/auth/logout")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert db.scalar(select(UserSession.revoked_at)) is None


def test_logout_with_csrf_from_endpoint_is_204_and_clears_cookies(
    cookie_client: TestClient, make_user: Callable[..., Any], db: Any
) -> None:
    login = post_login(cookie_client, make_user().email, expect=200)
    token = cookie_client.get("/api/auth/csrf").json()["csrf_token"]
    assert token == cookie_client.cookies.get("csrftoken")
    response = cookie_client.post("/api/auth/logout", headers={"X-CSRF-Token": token})
    assert response.status_code == 204
    cleared = set_cookies(response)
    assert cleared["refresh_token"]["max-age"] == "0"
    assert cleared["refresh_token"]["path"] == "/api/auth"
    assert cleared["csrftoken"]["max-age"] == "0"
    assert cleared["csrftoken"]["path"] == "/"
    assert response.headers["clear-site-data"] == '"cache", "storage"'
    db.expire_all()
    assert db.scalar(select(UserSession.revoke_reason)) == "logout"
    access = login.json()["access_token"]
    assert (
        cookie_client.get("/api/auth/me", headers={"Authorization": f"Bearer {access}"}).status_code
        == 401
    )
    assert cookie_client.post("/api/auth/refresh").status_code == 401


def test_csrf_works_before_sign_in_and_is_replaced_at_login(
    cookie_client: TestClient, make_user: Callable[..., Any]
) -> None:
    anonymous = cookie_client.get("/api/auth/csrf")
    assert anonymous.status_code == 200
    before = anonymous.json()["csrf_token"]
    login = post_login(cookie_client, make_user().email, expect=200)
    after = set_cookies(login)["csrftoken"]["value"]
    assert after != before


def test_csrf_token_of_another_session_is_refused(
    client_factory: Callable[..., TestClient], make_user: Callable[..., Any]
) -> None:
    user = make_user()
    mine, theirs = client_factory(), client_factory()
    post_login(mine, user.email, expect=200)
    post_login(theirs, user.email, expect=200)
    foreign = theirs.cookies.get("csrftoken")
    # Double-submit alone would pass (header == cookie); the signature binds it to a session.
    put_cookie(mine, "csrftoken", foreign)
    response = mine.post("/api/auth/logout", headers={"X-CSRF-Token": foreign})
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


def test_header_must_equal_cookie(cookie_client: TestClient, make_user: Callable[..., Any]) -> None:
    post_login(cookie_client, make_user().email, expect=200)
    response = cookie_client.post("/api/auth/logout", headers={"X-CSRF-Token": "x.y"})
    assert response.status_code == 403


def test_csrf_endpoint_is_404_in_body_mode(client_factory: Callable[..., TestClient]) -> None:
    response = client_factory(auth_cookie_refresh=False).get("/api/auth/csrf")
    assert response.status_code == 404
    assert response.json()["code"] == "feature_disabled"


def test_reuse_detection_holds_in_cookie_mode(
    cookie_client: TestClient, make_user: Callable[..., Any], db: Any
) -> None:
    login = post_login(cookie_client, make_user().email, expect=200)
    parent = login.cookies["refresh_token"]
    child = cookie_client.post("/api/auth/refresh").cookies["refresh_token"]
    # Grace: a second tab sends the parent right away and gets the same child back.
    put_cookie(cookie_client, "refresh_token", parent, path="/api/auth")
    grace = cookie_client.post("/api/auth/refresh")
    assert grace.status_code == 200
    assert grace.cookies["refresh_token"] == child
    # After the grace window the parent is a stolen copy: the session ends.
    db.execute(update(UserSession).values(rotated_at=utcnow() - timedelta(seconds=30)))
    db.commit()
    put_cookie(cookie_client, "refresh_token", parent, path="/api/auth")
    reused = cookie_client.post("/api/auth/refresh")
    assert reused.status_code == 401
    assert reused.json()["code"] == "refresh_reused"
    assert set_cookies(reused)["refresh_token"]["max-age"] == "0"


def test_entry_writes_need_csrf_and_auth_is_checked_first(
    cookie_client: TestClient, make_user: Callable[..., Any]
) -> None:
    access = post_login(cookie_client, make_user().email, expect=200).json()["access_token"]
    bearer = {"Authorization": f"Bearer {access}"}
    no_csrf = cookie_client.post("/api/entries", json={"body": "x"}, headers=bearer)
    assert no_csrf.status_code == 403
    assert no_csrf.json()["code"] == "csrf_failed"
    csrf = {"X-CSRF-Token": cookie_client.cookies.get("csrftoken")}
    created = cookie_client.post("/api/entries", json={"body": "x"}, headers=bearer | csrf)
    assert created.status_code == 201
    url = f"/api/entries/{created.json()['id']}"
    assert cookie_client.patch(url, json={"body": "y"}, headers=bearer).status_code == 403
    assert cookie_client.delete(url, headers=bearer).status_code == 403
    assert cookie_client.get(url, headers=bearer).status_code == 200  # reads need no CSRF
    # A dead access token is 401 (so the client refreshes), never 403.
    dead = cookie_client.post(
        "/api/entries", json={"body": "x"}, headers={"Authorization": "Bearer expired.or.bad"}
    )
    assert dead.status_code == 401


def test_entry_writes_need_no_csrf_in_body_mode(
    client_factory: Callable[..., TestClient], make_user: Callable[..., Any]
) -> None:
    client = client_factory(auth_cookie_refresh=False)
    access = post_login(client, make_user().email, expect=200).json()["access_token"]
    response = client.post(
        "/api/entries", json={"body": "x"}, headers={"Authorization": f"Bearer {access}"}
    )
    assert response.status_code == 201


def test_foreign_origin_cannot_refresh(
    cookie_client: TestClient, make_user: Callable[..., Any]
) -> None:
    post_login(cookie_client, make_user().email, expect=200)
    response = cookie_client.post("/api/auth/refresh", headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert response.json()["code"] == "origin_forbidden"


def test_backout_sessions_survive_a_flag_flip_both_ways(
    client_factory: Callable[..., TestClient], make_user: Callable[..., Any]
) -> None:
    user = make_user()
    # Signed in with cookies; the operator flips the flag off and restarts.
    cookie_app = client_factory(auth_cookie_refresh=True)
    cookie_login = post_login(cookie_app, user.email, expect=200)
    cookie_refresh = cookie_login.cookies["refresh_token"]
    body_app = client_factory(auth_cookie_refresh=False)
    me = body_app.get(
        "/api/auth/me", headers={"Authorization": f"Bearer {cookie_login.json()['access_token']}"}
    )
    assert me.status_code == 200
    rotated = body_app.post("/api/auth/refresh", json={"refresh_token": cookie_refresh})
    assert rotated.status_code == 200
    body_refresh = rotated.json()["refresh_token"]
    # And back on: the body-mode token, held as a cookie, keeps working.
    cookie_again = client_factory(auth_cookie_refresh=True)
    put_cookie(cookie_again, "refresh_token", body_refresh, path="/api/auth")
    assert cookie_again.post("/api/auth/refresh").status_code == 200
    # A fresh sign-in in either mode works at once.
    assert set(post_login(body_app, user.email, expect=200).json()) >= {
        "access_token",
        "refresh_token",
    }
    assert "refresh_token" not in post_login(cookie_again, user.email, expect=200).json()


def test_cookie_header_parsing_is_standard(
    cookie_client: TestClient, make_user: Callable[..., Any]
) -> None:
    # The raw header parses with the standard library too (what browsers and proxies see).
    response = post_login(cookie_client, make_user().email, expect=200)
    for header in response.headers.get_list("set-cookie"):
        jar: SimpleCookie = SimpleCookie()
        jar.load(header)
        assert jar


@pytest.mark.parametrize("name", ["refresh_token", "csrftoken"])
@pytest.mark.parametrize(
    ("method", "path"), [("POST", "/api/auth/refresh"), ("GET", "/api/auth/me")]
)
def test_a_tossed_second_auth_cookie_is_refused(
    cookie_client: TestClient,
    make_user: Callable[..., Any],
    name: str,
    method: str,
    path: str,
) -> None:
    """Issue 11 #13: a sibling subdomain can add a cookie of the same name (Domain=parent);
    with two, which one the server reads is up to the browser's order, so neither is used."""
    response = post_login(cookie_client, make_user().email, expect=200)
    mine = response.cookies.get(name)
    cookie_client.cookies.clear()
    tossed = cookie_client.request(
        method,
        path,
        headers={
            "Cookie": f"{name}={mine}; {name}=attacker-value",
            "Authorization": f"Bearer {response.json()['access_token']}",
        },
    )
    assert tossed.status_code == 400
    assert tossed.json()["code"] == "invalid_token"
    alone = cookie_client.request(
        method,
        path,
        headers={
            "Cookie": f"{name}={mine}",
            "Authorization": f"Bearer {response.json()['access_token']}",
        },
    )
    assert alone.status_code != 400
