"""OWASP ASVS 4.0 requirements that no other test proved directly (see docs/security.md):
password storage and handling, session token entropy and renewal, tokens kept out of URLs,
and mass assignment."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from apps.api.app.auth.models import User
from apps.api.app.auth.tokens import decode_refresh_token
from apps.api.app.auth.transport import REFRESH_COOKIE
from apps.api.tests.conftest import PASSWORD, TEST_SECRET, login, post_login


def test_passwords_are_stored_as_salted_argon2id(make_user: Callable[..., Any], db: Any) -> None:
    """V2.4.1, V2.4.2: an approved, salted, memory-hard one-way function (OWASP parameters)."""
    first, second = make_user(), make_user()
    hashes = db.scalars(select(User.password_hash).where(User.id.in_([first.id, second.id])))
    stored = list(hashes)
    assert len(stored) == 2
    for value in stored:
        assert value.startswith("$argon2id$v=19$m=19456,t=2,p=1$"), value
        assert PASSWORD not in value
        salt = value.split("$")[4]
        assert len(salt) >= 22  # base64 of >= 16 bytes: far above ASVS's 32 bits
    assert stored[0] != stored[1], "the same password must not hash alike (salt)"


@pytest.mark.parametrize(
    "password",
    [
        pytest.param(
            "grüße aus köln — 日本語のパスワード 🙂 ñandú " * 3, id="unicode-and-spaces-over-64"
        ),
        pytest.param("x7" * 32 + "!", id="65-ascii"),
    ],
)
def test_long_and_unicode_passwords_work_and_are_never_truncated(
    client: TestClient, make_user: Callable[..., Any], password: str
) -> None:
    """V2.1.2 (64+ characters permitted), V2.1.3 (no truncation), V2.1.4 (any Unicode)."""
    assert len(password) > 64
    user = make_user(password=password)
    post_login(client, user.email, password, expect=200)
    # Change one character far beyond any truncation point, or drop the last one: refused.
    altered = password[:-1] + ("?" if password[-1] != "?" else "!")
    post_login(client, user.email, altered, expect=401)
    post_login(client, user.email, password[:-1], expect=401)


def test_refresh_tokens_carry_at_least_128_random_bits_and_differ_per_sign_in(
    client_factory: Callable[..., TestClient], make_user: Callable[..., Any]
) -> None:
    """V3.2.2: session tokens have at least 64 bits of entropy (here 192)."""
    client = client_factory(auth_cookie_refresh=False)
    email = make_user().email
    secret = TEST_SECRET.encode()
    rids = set()
    for _ in range(3):
        token = post_login(client, email, expect=200).json()["refresh_token"]
        rid = decode_refresh_token(secret, token).rid
        assert len(rid) >= 22  # token_urlsafe: 6 bits a character, so >= 128 bits
        rids.add(rid)
    assert len(rids) == 3


def test_signing_in_always_starts_a_new_session_whatever_cookie_came_with_it(
    client_factory: Callable[..., TestClient], make_user: Callable[..., Any]
) -> None:
    """V3.2.1: a new session token on authentication (no session fixation): a refresh cookie
    planted before sign-in is neither reused nor extended."""
    client = client_factory(auth_cookie_refresh=True)
    email = make_user().email
    planted = post_login(client, email, expect=200).cookies[REFRESH_COOKIE]
    client.cookies.clear()
    client.cookies.set(REFRESH_COOKIE, planted, path="/api/auth")
    fresh = post_login(client, email, expect=200).cookies[REFRESH_COOKIE]
    secret = TEST_SECRET.encode()
    assert (
        decode_refresh_token(secret, fresh).session_id
        != decode_refresh_token(secret, planted).session_id
    )


# Words of a parameter's name (split at "_", "-") that would mean a secret in a URL;
# "passkey_id" names a public credential id, not a key.
SECRET_WORDS = {"token", "password", "secret", "key", "code", "otp"}


def test_secret_words_catch_what_they_should() -> None:
    names = {"refresh_token", "password", "api-key", "code", "passkey_id", "entry_id"}
    caught = {n for n in names if SECRET_WORDS & set(re.split(r"[^a-z]+", n))}
    assert caught == {"refresh_token", "password", "api-key", "code"}


@pytest.mark.parametrize("cookie_mode", [False, True], ids=["body-mode", "cookie-mode"])
def test_no_token_travels_in_a_url(
    client_factory: Callable[..., TestClient], make_user: Callable[..., Any], cookie_mode: bool
) -> None:
    """V3.1.1 / V13.1.3: no route takes a token (or password) in its path or query string;
    sign-in answers carry tokens in the body or cookies, never in a Location."""
    client = client_factory(auth_cookie_refresh=cookie_mode)
    schema = client.get("/api/openapi.json").json()
    in_url = [
        f"{method.upper()} {path} {param['in']}:{param['name']}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        for param in operation.get("parameters", [])
        if param["in"] in {"path", "query"}
        and SECRET_WORDS & set(re.split(r"[^a-z]+", param["name"].lower()))
    ]
    assert not in_url, in_url
    answer = post_login(client, make_user().email, expect=200)
    assert "location" not in answer.headers


def test_unknown_fields_cannot_assign_owner_or_identity(
    client: TestClient, make_user: Callable[..., Any], db: Any
) -> None:
    """V5.1.2: mass assignment: fields a client may not set are refused, not applied."""
    victim = make_user()
    headers = login(client, make_user().email)
    entry_bodies: list[dict[str, Any]] = [
        {"title": "mine", "user_id": str(victim.id)},
        {"title": "mine", "id": str(uuid.uuid4())},
        {"title": "mine", "version": 99},
    ]
    for body in entry_bodies:
        answer = client.post("/api/entries", headers=headers, json=body)
        assert answer.status_code == 422, body
        assert answer.json()["code"] == "validation_error"
    profile_bodies: list[dict[str, Any]] = [
        {"email": victim.email},
        {"is_admin": True},
        {"email_verified_at": None},
    ]
    for body in profile_bodies:
        answer = client.patch("/api/auth/me", headers=headers, json=body)
        assert answer.status_code == 422, body
    me = client.get("/api/auth/me", headers=headers).json()
    assert me["email"] != victim.email
    assert me.get("is_admin") in (None, False)


def test_sql_metacharacters_are_data_never_query(
    client_factory: Callable[..., TestClient], make_user: Callable[..., Any]
) -> None:
    """V5.3.4: every query is parameterised: hostile text is stored and searched verbatim
    and never widens a query to other users' rows."""
    client = client_factory(auth_cookie_refresh=False)  # two users on one client
    hostile = "x' OR '1'='1'; DROP TABLE entries; --"
    alice = login(client, make_user().email)
    bob = login(client, make_user().email)
    created = client.post(
        "/api/entries",
        headers=alice,
        json={"title": hostile, "body": hostile, "tags": [hostile[:50]]},
    )
    assert created.status_code == 201, created.text
    stored = client.get(f"/api/entries/{created.json()['id']}", headers=alice).json()
    assert stored["title"] == hostile
    assert stored["body"] == hostile
    for params in ({"q": hostile}, {"tag": hostile[:50]}, {"q": "' OR 1=1 --"}):
        answer = client.get("/api/entries", headers=bob, params=params)
        assert answer.status_code == 200, answer.text
        assert answer.json()["items"] == [], params
    assert client.get("/api/entries", headers=alice, params={"tag": hostile[:50]}).json()["items"]


def test_a_bare_access_token_cannot_write_in_cookie_mode(
    client_factory: Callable[..., TestClient], make_user: Callable[..., Any]
) -> None:
    """Threat model, "a stolen access token": in cookie mode it reads but cannot write,
    since a CSRF token signed for its session comes only with that session's cookies."""
    owner = client_factory(auth_cookie_refresh=True)
    headers = login(owner, make_user().email)
    entry = owner.post("/api/entries", headers=headers, json={"title": "mine"}).json()
    stolen = {"Authorization": headers["Authorization"]}

    thief = client_factory(auth_cookie_refresh=True)  # no cookies of the owner's
    assert thief.get(f"/api/entries/{entry['id']}", headers=stolen).status_code == 200
    minted = thief.get("/api/auth/csrf").json()["csrf_token"]  # bound to no session
    for method, path, body in (
        ("PATCH", f"/api/entries/{entry['id']}", {"title": "stolen"}),
        ("DELETE", f"/api/entries/{entry['id']}", None),
        ("POST", "/api/entries", {"title": "planted"}),
        ("POST", "/api/auth/sessions/revoke-others", None),
    ):
        answer = thief.request(method, path, headers={**stolen, "X-CSRF-Token": minted}, json=body)
        assert answer.status_code == 403, (method, path, answer.text)
        assert answer.json()["code"] == "csrf_failed"
    assert owner.get(f"/api/entries/{entry['id']}", headers=headers).json()["title"] == "mine"
