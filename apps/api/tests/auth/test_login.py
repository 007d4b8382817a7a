from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient

from apps.api.app.auth import tokens
from apps.api.app.auth.tokens import encode_access_token
from apps.api.tests.conftest import PASSWORD, TEST_SECRET, login, post_login


def test_login_returns_access_token_that_authenticates_me(
    client: TestClient, make_user: Callable[..., Any]
) -> None:
    user = make_user("Reader@Example.com")
    response = post_login(client, "READER@example.com", PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 900
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["email"] == user.email == "reader@example.com"


def test_login_accepts_the_openapi_form(client: TestClient, make_user: Callable[..., Any]) -> None:
    user = make_user()
    response = client.post("/api/auth/login", data={"username": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "access_token" in response.json()


def test_wrong_password_and_unknown_email_get_the_same_401(
    client: TestClient, make_user: Callable[..., Any]
) -> None:
    user = make_user()
    wrong = post_login(client, user.email, "nope-nope")
    unknown = post_login(client, "nobody@example.com", "nope-nope")
    assert wrong.status_code == unknown.status_code == 401
    assert (
        wrong.json()
        == unknown.json()
        == {
            "detail": "Incorrect email or password",
            "code": "invalid_credentials",
        }
    )


def test_login_validation_error_has_field_errors(client: TestClient) -> None:
    response = client.post("/api/auth/login", json={"email": "a@example.com"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["errors"][0]["loc"] == ["body", "password"]


def test_me_without_token_is_401(client: TestClient) -> None:
    response = client.get("/api/auth/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_tampered_token_is_401(client: TestClient, auth_headers: dict[str, str]) -> None:
    token = auth_headers["Authorization"].removeprefix("Bearer ")
    header, payload, signature = token.split(".")
    tampered = f"{header}.{payload}.{signature[:-2]}{'A' if signature[-2] != 'A' else 'B'}x"
    response = client.get("/api/auth/me", headers={"Authorization": f"Bearer {tampered}"})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_alg_none_token_is_401(client: TestClient, make_user: Callable[..., Any]) -> None:
    user = make_user()
    forged = jwt.encode(
        {"sub": str(user.id), "typ": "access", "exp": int(time.time()) + 600},
        key=None,
        algorithm="none",
    )
    response = client.get("/api/auth/me", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_token_signed_with_another_key_is_401(
    client: TestClient, make_user: Callable[..., Any]
) -> None:
    user = make_user()
    forged = encode_access_token(b"another-secret-entirely-0123456789", user.id, 600)
    response = client.get("/api/auth/me", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401


def test_expired_token_is_401_token_expired(
    client: TestClient, make_user: Callable[..., Any]
) -> None:
    user = make_user()
    expired = jwt.encode(
        {"sub": str(user.id), "typ": "access", "exp": int(time.time()) - 5},
        TEST_SECRET,
        algorithm="HS256",
    )
    response = client.get("/api/auth/me", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"


def test_a_token_that_expires_after_its_first_use_is_refused(
    client: TestClient, make_user: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Verified tokens are remembered; the expiry must still be checked on every request.
    bearer = login(client, make_user().email)
    assert client.get("/api/auth/me", headers=bearer).status_code == 200
    later = time.time() + 900 + 1  # the default access lifetime, and a second
    monkeypatch.setattr(tokens.time, "time", lambda: later)
    response = client.get("/api/auth/me", headers=bearer)
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"


def test_token_of_another_type_is_not_an_access_token(
    client: TestClient, make_user: Callable[..., Any]
) -> None:
    user = make_user()
    other = jwt.encode(
        {"sub": str(user.id), "typ": "refresh", "exp": int(time.time()) + 600},
        TEST_SECRET,
        algorithm="HS256",
    )
    response = client.get("/api/auth/me", headers={"Authorization": f"Bearer {other}"})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_deactivated_user_cannot_sign_in_or_use_a_token(
    client: TestClient, make_user: Callable[..., Any], db: Any
) -> None:
    user = make_user()
    headers = login(client, user.email)
    user.is_active = False
    db.commit()
    assert client.get("/api/auth/me", headers=headers).status_code == 401
    response = post_login(client, user.email, PASSWORD)
    assert response.status_code == 401
