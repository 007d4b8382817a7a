"""Access control, table-driven over the app's own OpenAPI schema.

Every route is walked from ``/api/openapi.json``, so a new route is covered the day it lands:

- every route outside an explicit allow-list of public ones answers 401 without a token
  (and with a forged one);
- every route with a path parameter answers 404 to user B acting on user A's *real* id, for
  every method it has — never 403, never 2xx — and A's object is unchanged afterwards. The
  same request on B's own object succeeds, so the 404 is about ownership and nothing else.

A path parameter the ``OWNED`` table does not know, or a method ``ATTACKS`` does not know,
fails the test: a new route must bring its case.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from apps.api.app.auth.tokens import encode_access_token
from apps.api.tests.auth.softauthn import SoftAuthenticator
from apps.api.tests.conftest import PASSWORD, login, post_login

Json = Any

MODES = [pytest.param(False, id="body-mode"), pytest.param(True, id="cookie-mode")]
PUBLIC_URL = "http://localhost:8000"

# (method, path) pairs that answer without a token. Everything else in the schema needs one.
PUBLIC: frozenset[tuple[str, str]] = frozenset(
    {
        ("POST", "/api/auth/login"),
        ("POST", "/api/auth/login/mfa"),
        ("POST", "/api/auth/register"),
        ("POST", "/api/auth/verify"),
        ("POST", "/api/auth/verify/resend"),
        ("POST", "/api/auth/password/forgot"),
        ("POST", "/api/auth/password/reset"),
        ("POST", "/api/auth/email/confirm"),
        ("POST", "/api/auth/refresh"),
        ("GET", "/api/auth/csrf"),
        ("POST", "/api/auth/logout"),
        ("POST", "/api/auth/passkeys/login/options"),
        ("POST", "/api/auth/passkeys/login/verify"),
        ("GET", "/api/config"),
        ("GET", "/api/health"),
    }
)
# Served by FastAPI itself, outside the schema's paths: public on purpose.
PUBLIC_DOCS = ("/api/openapi.json", "/api/docs")


@dataclass(frozen=True)
class Actor:
    """A signed-in user: its own client (its own cookie jar), auth headers, and a spare
    client for side sign-ins that must not disturb the first one's cookies."""

    email: str
    client: TestClient
    headers: dict[str, str]
    spare: TestClient

    def call(self, method: str, path: str, body: Json = None) -> Any:
        return self.client.request(method, path, headers=self.headers, json=body)


@dataclass(frozen=True)
class Owned:
    """How to make a real object of an actor for one path parameter, and how its owner sees
    it (to prove that nobody else changed it)."""

    make: Callable[[Actor], str]
    snapshot: Callable[[Actor, str], Json]


def _make_entry(actor: Actor) -> str:
    answer = actor.call(
        "POST",
        "/api/entries",
        {"title": f"{actor.email}'s secret", "body": "private words", "tags": ["private"]},
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def _entry_snapshot(owner: Actor, entry_id: str) -> Json:
    answer = owner.call("GET", f"/api/entries/{entry_id}")
    return answer.status_code, answer.json(), answer.headers.get("etag")


def _make_session(actor: Actor) -> str:
    """A second, idle session of the actor (signed in on the spare client)."""
    before = {row["id"] for row in actor.call("GET", "/api/auth/sessions").json()}
    post_login(actor.spare, actor.email, expect=200)
    after = {row["id"] for row in actor.call("GET", "/api/auth/sessions").json()}
    (new,) = after - before
    return str(new)


def _session_snapshot(owner: Actor, session_id: str) -> Json:
    rows = owner.call("GET", "/api/auth/sessions").json()
    mine = [row for row in rows if row["id"] == session_id]
    assert mine, "the owner's session is gone"
    return mine


def _make_tag(actor: Actor) -> str:
    name = f"tag-{uuid.uuid4().hex[:8]}"
    answer = actor.call("POST", "/api/entries", {"body": "tagged", "tags": [name]})
    assert answer.status_code == 201, answer.text
    return name


def _tag_snapshot(owner: Actor, name: str) -> Json:
    rows = owner.call("GET", "/api/tags").json()
    mine = [row for row in rows if row["name"] == name]
    assert mine, "the owner's tag is gone"
    return mine


def _make_passkey(actor: Actor) -> str:
    """A passkey of the actor, registered with a software authenticator."""
    options = actor.call("POST", "/api/auth/passkeys/register/options")
    assert options.status_code == 200, options.text
    credential = SoftAuthenticator(origin=PUBLIC_URL).create(options.json())
    answer = actor.call(
        "POST", "/api/auth/passkeys/register/verify", {"name": "Key", "credential": credential}
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def _passkey_snapshot(owner: Actor, passkey_id: str) -> Json:
    rows = owner.call("GET", "/api/auth/passkeys").json()
    mine = [row for row in rows if row["id"] == passkey_id]
    assert mine, "the owner's passkey is gone"
    return mine


# Path parameter name -> how to make a real, owned object for it.
OWNED: dict[str, Owned] = {
    "entry_id": Owned(make=_make_entry, snapshot=_entry_snapshot),
    "session_id": Owned(make=_make_session, snapshot=_session_snapshot),
    "name": Owned(make=_make_tag, snapshot=_tag_snapshot),
    "passkey_id": Owned(make=_make_passkey, snapshot=_passkey_snapshot),
}

# (method, path) -> a valid request body, so that only ownership can turn it down.
ATTACKS: dict[tuple[str, str], Json] = {
    ("GET", "/api/entries/{entry_id}"): None,
    (
        "PUT",
        "/api/entries/{entry_id}",
    ): {"title": "B was here", "body": "gone", "tags": [], "mood": 1, "entry_date": "2020-01-01"},
    ("PATCH", "/api/entries/{entry_id}"): {"title": "B was here"},
    ("DELETE", "/api/entries/{entry_id}"): None,
    ("DELETE", "/api/auth/sessions/{session_id}"): None,
    ("PATCH", "/api/tags/{name}"): {"name": "renamed-by-b"},
    ("DELETE", "/api/tags/{name}"): None,
    ("PATCH", "/api/auth/passkeys/{passkey_id}"): {"name": "B was here"},
    # Step-up with B's own (right) password: only ownership can turn it down.
    ("DELETE", "/api/auth/passkeys/{passkey_id}"): {"password": PASSWORD},
}


def _schema_routes(client: TestClient) -> list[tuple[str, str, list[str]]]:
    """(METHOD, path template, path parameter names) for every operation in the schema."""
    schema = client.get("/api/openapi.json").json()
    routes = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            params = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            routes.append((method.upper(), path, params))
    assert len(routes) > 10, "the schema looks empty"
    return routes


def _fill(path: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    assert "{" not in path, f"unfilled parameter in {path}"
    return path


def _actor(client_factory: Callable[..., TestClient], email: str, cookie_mode: bool) -> Actor:
    # A host-name public URL: passkeys are off on an IP address.
    client = client_factory(auth_cookie_refresh=cookie_mode, public_url=PUBLIC_URL)
    spare = client_factory(auth_cookie_refresh=cookie_mode, public_url=PUBLIC_URL)
    return Actor(email=email, client=client, headers=login(client, email), spare=spare)


@pytest.mark.parametrize("cookie_mode", MODES)
def test_every_route_but_the_public_ones_answers_401_without_a_valid_token(
    client_factory: Callable[..., TestClient], make_user: Callable[..., Any], cookie_mode: bool
) -> None:
    client = client_factory(auth_cookie_refresh=cookie_mode)
    routes = _schema_routes(client)
    listed = {(method, path) for method, path, _ in routes}
    assert listed >= PUBLIC, f"allow-list names routes that no longer exist: {PUBLIC - listed}"

    user = make_user()
    forged = encode_access_token(b"not-the-server-secret-" + b"x" * 32, user.id, 900, uuid.uuid4())
    wrong: list[str] = []
    for method, path, params in routes:
        if (method, path) in PUBLIC:
            continue
        url = _fill(path, {name: str(uuid.uuid4()) for name in params})
        for label, headers in (
            ("no token", {}),
            ("forged token", {"Authorization": f"Bearer {forged}"}),
        ):
            answer = client.request(method, url, headers=headers)
            if answer.status_code != 401:
                wrong.append(f"{method} {path} ({label}): {answer.status_code} {answer.text[:80]}")
    assert not wrong, "routes that answer without a valid token:\n" + "\n".join(wrong)

    for path in PUBLIC_DOCS:
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("cookie_mode", MODES)
def test_user_b_gets_404_on_every_route_that_takes_user_a_ids(
    client_factory: Callable[..., TestClient], make_user: Callable[..., Any], cookie_mode: bool
) -> None:
    alice = _actor(client_factory, make_user().email, cookie_mode)
    bob = _actor(client_factory, make_user().email, cookie_mode)

    missing: list[str] = []
    exercised: set[tuple[str, str]] = set()
    for method, path, params in _schema_routes(alice.client):
        if not params:
            continue
        unknown = [name for name in params if name not in OWNED]
        if unknown:
            missing.append(f"{method} {path}: no OWNED case for {unknown}")
            continue
        if (method, path) not in ATTACKS:
            missing.append(f"{method} {path}: no ATTACKS case (a valid request body)")
            continue
        body = ATTACKS[(method, path)]

        alices = {name: OWNED[name].make(alice) for name in params}
        before = {name: OWNED[name].snapshot(alice, value) for name, value in alices.items()}

        attack = bob.call(method, _fill(path, alices), body)
        assert attack.status_code == 404, f"{method} {path}: {attack.status_code} {attack.text}"
        assert attack.json()["code"] == "not_found", attack.text
        # Indistinguishable from an id that does not exist: no existence oracle.
        nothing = bob.call(method, _fill(path, {n: str(uuid.uuid4()) for n in params}), body)
        assert (nothing.status_code, nothing.json()) == (404, attack.json())

        after = {name: OWNED[name].snapshot(alice, value) for name, value in alices.items()}
        assert after == before, f"{method} {path} changed user A's data"

        # The control: the very same request on Bob's own object is accepted.
        bobs = {name: OWNED[name].make(bob) for name in params}
        own = bob.call(method, _fill(path, bobs), body)
        assert 200 <= own.status_code < 300, f"{method} {path} own: {own.status_code} {own.text}"
        exercised.add((method, path))

    assert not missing, "routes with path parameters but no case here:\n" + "\n".join(missing)
    assert exercised == set(ATTACKS), f"stale ATTACKS cases: {set(ATTACKS) - exercised}"
