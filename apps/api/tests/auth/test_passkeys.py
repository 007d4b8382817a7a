"""Passkeys (WebAuthn) end to end, with a software authenticator: register, list, rename,
sign in with the passkey alone (cookie and body modes), counter regression, step-up removal,
single-use and expiring challenges, hostile input."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from apps.api.app.auth import service as auth_service
from apps.api.app.auth.passkey_models import Passkey, WebAuthnChallenge
from apps.api.app.db.base import utcnow
from apps.api.tests.auth.softauthn import UP, SoftAuthenticator, b64url
from apps.api.tests.conftest import PASSWORD, login
from apps.api.tests.mailsink import MailSink, text_of

PUBLIC_URL = "http://localhost:8000"
MODES = [pytest.param(False, id="body-mode"), pytest.param(True, id="cookie-mode")]


def _app(
    client_factory: Callable[..., TestClient], mail_sink: MailSink, cookie_mode: bool = True
) -> TestClient:
    return client_factory(
        public_url=PUBLIC_URL,
        auth_cookie_refresh=cookie_mode,
        smtp_host="127.0.0.1",
        smtp_port=mail_sink.port,
    )


def _register(
    client: TestClient, headers: dict[str, str], device: SoftAuthenticator, name: str = "Laptop"
) -> Any:
    options = client.post("/api/auth/passkeys/register/options", headers=headers)
    assert options.status_code == 200, options.text
    return client.post(
        "/api/auth/passkeys/register/verify",
        headers=headers,
        json={"name": name, "credential": device.create(options.json())},
    )


def _login_options(client: TestClient) -> dict[str, Any]:
    answer = client.post("/api/auth/passkeys/login/options")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def _passkey_login(client: TestClient, device: SoftAuthenticator, **kwargs: Any) -> Any:
    options = _login_options(client)
    return client.post(
        "/api/auth/passkeys/login/verify",
        json={"challenge_id": options["challenge_id"], "credential": device.get(options, **kwargs)},
    )


def _success_count() -> float:
    value = REGISTRY.get_sample_value("auth_login_success_total", {"provider": "passkey"})
    return value or 0.0


def _fail_count(reason: str) -> float:
    return REGISTRY.get_sample_value("auth_login_fail_total", {"reason": reason}) or 0.0


@pytest.fixture
def user(make_user: Callable[..., Any]) -> Any:
    return make_user()


@pytest.mark.parametrize("cookie_mode", MODES)
def test_register_list_rename_then_sign_in_with_the_passkey_alone(
    client_factory: Callable[..., TestClient],
    mail_sink: MailSink,
    user: Any,
    cookie_mode: bool,
) -> None:
    client = _app(client_factory, mail_sink, cookie_mode)
    headers = login(client, user.email)
    device = SoftAuthenticator()

    options = client.post("/api/auth/passkeys/register/options", headers=headers).json()
    assert options["rp"]["id"] == "localhost"
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "preferred"
    assert options["excludeCredentials"] == []
    created = client.post(
        "/api/auth/passkeys/register/verify",
        headers=headers,
        json={"name": "  Laptop  ", "credential": device.create(options)},
    )
    assert created.status_code == 201, created.text
    passkey = created.json()
    assert set(passkey) == {"id", "name", "created_at", "last_used_at"}
    assert passkey["name"] == "Laptop"
    assert passkey["last_used_at"] is None
    notice = text_of(mail_sink.wait_for(user.email)[0])
    assert "Laptop" in notice
    assert "If it was not" in notice
    assert "When:" in notice
    assert "testclient" in notice  # the client address the app saw

    # A second registration excludes the passkey already there.
    again = client.post("/api/auth/passkeys/register/options", headers=headers).json()
    assert [c["id"] for c in again["excludeCredentials"]] == [b64url(device.credential_id)]

    listed = client.get("/api/auth/passkeys", headers=headers)
    assert listed.status_code == 200
    assert [p["id"] for p in listed.json()] == [passkey["id"]]

    renamed = client.patch(
        f"/api/auth/passkeys/{passkey['id']}", headers=headers, json={"name": "Phone"}
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["name"] == "Phone"

    # Sign in on a fresh client with the passkey alone: the normal login answer.
    fresh = _app(client_factory, mail_sink, cookie_mode)
    before = _success_count()
    answer = _passkey_login(fresh, device)
    assert answer.status_code == 200, answer.text
    tokens = answer.json()
    assert tokens["token_type"] == "bearer"
    if cookie_mode:
        assert "refresh_token" not in tokens
        assert answer.cookies.get("refresh_token")
        assert answer.cookies.get("csrftoken")
    else:
        assert tokens["refresh_token"]
        assert "set-cookie" not in answer.headers
    assert _success_count() == before + 1
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    me = fresh.get("/api/auth/me", headers=bearer)
    assert me.json()["email"] == user.email
    devices = fresh.get("/api/auth/sessions", headers=bearer).json()
    assert {d["signed_in_with"] for d in devices if d["current"]} == {"passkey"}
    used = client.get("/api/auth/passkeys", headers=headers).json()[0]
    assert used["last_used_at"] is not None


def test_login_options_ask_for_a_discoverable_credential_with_user_verification(
    client_factory: Callable[..., TestClient], mail_sink: MailSink
) -> None:
    options = _login_options(_app(client_factory, mail_sink))
    assert options["rpId"] == "localhost"
    assert options["userVerification"] == "required"
    assert options.get("allowCredentials", []) == []
    assert uuid.UUID(options["challenge_id"])
    assert options["challenge"]


def test_a_sign_in_challenge_works_once(
    client_factory: Callable[..., TestClient], mail_sink: MailSink, user: Any
) -> None:
    client = _app(client_factory, mail_sink)
    device = SoftAuthenticator()
    assert _register(client, login(client, user.email), device).status_code == 201
    options = _login_options(client)
    body = {"challenge_id": options["challenge_id"], "credential": device.get(options)}
    assert client.post("/api/auth/passkeys/login/verify", json=body).status_code == 200
    # The very same answer again, and a fresh signature over the used challenge.
    replay = client.post("/api/auth/passkeys/login/verify", json=body)
    assert replay.status_code == 401
    assert replay.json()["code"] == "invalid_credentials"
    body = {"challenge_id": options["challenge_id"], "credential": device.get(options)}
    assert client.post("/api/auth/passkeys/login/verify", json=body).status_code == 401


def test_a_failed_attempt_spends_its_challenge(
    client_factory: Callable[..., TestClient], mail_sink: MailSink, user: Any
) -> None:
    client = _app(client_factory, mail_sink)
    device = SoftAuthenticator()
    assert _register(client, login(client, user.email), device).status_code == 201
    options = _login_options(client)
    wrong = device.get(options, origin="https://evil.example")
    body = {"challenge_id": options["challenge_id"], "credential": wrong}
    assert client.post("/api/auth/passkeys/login/verify", json=body).status_code == 401
    body = {"challenge_id": options["challenge_id"], "credential": device.get(options)}
    assert client.post("/api/auth/passkeys/login/verify", json=body).status_code == 401


def test_an_expired_sign_in_challenge_is_refused(
    client_factory: Callable[..., TestClient], mail_sink: MailSink, user: Any, db: Session
) -> None:
    client = _app(client_factory, mail_sink)
    device = SoftAuthenticator()
    assert _register(client, login(client, user.email), device).status_code == 201
    options = _login_options(client)
    db.execute(
        update(WebAuthnChallenge)
        .where(WebAuthnChallenge.id == uuid.UUID(options["challenge_id"]))
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    db.commit()
    body = {"challenge_id": options["challenge_id"], "credential": device.get(options)}
    answer = client.post("/api/auth/passkeys/login/verify", json=body)
    assert answer.status_code == 401
    assert answer.json()["code"] == "invalid_credentials"


def test_an_expired_registration_challenge_is_refused(
    client_factory: Callable[..., TestClient], mail_sink: MailSink, user: Any, db: Session
) -> None:
    client = _app(client_factory, mail_sink)
    headers = login(client, user.email)
    options = client.post("/api/auth/passkeys/register/options", headers=headers).json()
    db.execute(update(WebAuthnChallenge).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    answer = client.post(
        "/api/auth/passkeys/register/verify",
        headers=headers,
        json={"name": "Late", "credential": SoftAuthenticator().create(options)},
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "passkey_invalid"
    assert client.get("/api/auth/passkeys", headers=headers).json() == []


def test_a_registration_challenge_works_once(
    client_factory: Callable[..., TestClient], mail_sink: MailSink, user: Any
) -> None:
    client = _app(client_factory, mail_sink)
    headers = login(client, user.email)
    options = client.post("/api/auth/passkeys/register/options", headers=headers).json()
    first = {"name": "One", "credential": SoftAuthenticator().create(options)}
    second = {"name": "Two", "credential": SoftAuthenticator().create(options)}
    assert (
        client.post("/api/auth/passkeys/register/verify", headers=headers, json=first).status_code
        == 201
    )
    answer = client.post("/api/auth/passkeys/register/verify", headers=headers, json=second)
    assert answer.status_code == 400
    assert answer.json()["code"] == "passkey_invalid"


def test_a_counter_that_goes_backwards_is_refused_mailed_and_the_passkey_kept(
    client_factory: Callable[..., TestClient], mail_sink: MailSink, user: Any, db: Session
) -> None:
    client = _app(client_factory, mail_sink)
    device = SoftAuthenticator()
    assert _register(client, login(client, user.email), device).status_code == 201
    mail_sink.wait_for(user.email)  # the "passkey added" notice
    assert _passkey_login(client, device, sign_count=5).status_code == 200
    before = _fail_count("passkey_counter")
    cloned = _passkey_login(client, device, sign_count=3)
    assert cloned.status_code == 401
    assert cloned.json()["code"] == "invalid_credentials"
    same = _passkey_login(client, device, sign_count=5)
    assert same.status_code == 401
    assert _fail_count("passkey_counter") == before + 2
    notices = mail_sink.wait_for(user.email, count=3)
    assert "counter" in text_of(notices[1])
    assert db.scalar(select(Passkey.sign_count)) == 5  # kept, unchanged
    assert _passkey_login(client, device, sign_count=6).status_code == 200


def test_an_authenticator_without_a_counter_keeps_working(
    client_factory: Callable[..., TestClient], mail_sink: MailSink, user: Any
) -> None:
    client = _app(client_factory, mail_sink)
    device = SoftAuthenticator()
    assert _register(client, login(client, user.email), device).status_code == 201
    assert _passkey_login(client, device, sign_count=0).status_code == 200
    assert _passkey_login(client, device, sign_count=0).status_code == 200


def test_sign_in_requires_user_verification(
    client_factory: Callable[..., TestClient], mail_sink: MailSink, user: Any
) -> None:
    client = _app(client_factory, mail_sink)
    device = SoftAuthenticator()
    assert _register(client, login(client, user.email), device).status_code == 201
    assert _passkey_login(client, device, flags=UP).status_code == 401


def test_an_unknown_passkey_or_a_forged_signature_is_401(
    client_factory: Callable[..., TestClient], mail_sink: MailSink, user: Any
) -> None:
    client = _app(client_factory, mail_sink)
    device = SoftAuthenticator()
    assert _register(client, login(client, user.email), device).status_code == 201
    stranger = SoftAuthenticator()
    before = _fail_count("passkey_invalid")
    assert _passkey_login(client, stranger).status_code == 401
    assert _fail_count("passkey_invalid") == before + 1
    # Right credential id, someone else's key.
    impostor = SoftAuthenticator()
    impostor.credential_id = device.credential_id
    assert _passkey_login(client, impostor).status_code == 401
    # Wrong RP ID in the authenticator data.
    assert _passkey_login(client, device, rp_id="evil.example").status_code == 401
    assert _passkey_login(client, device).status_code == 200


def test_registration_refuses_a_wrong_origin_or_rp_id(
    client_factory: Callable[..., TestClient], mail_sink: MailSink, user: Any
) -> None:
    client = _app(client_factory, mail_sink)
    headers = login(client, user.email)
    for kwargs in ({"origin": "https://evil.example"}, {"rp_id": "evil.example"}):
        options = client.post("/api/auth/passkeys/register/options", headers=headers).json()
        answer = client.post(
            "/api/auth/passkeys/register/verify",
            headers=headers,
            json={"name": "Evil", "credential": SoftAuthenticator().create(options, **kwargs)},
        )
        assert answer.status_code == 400, kwargs
        assert answer.json()["code"] == "passkey_invalid"
    assert client.get("/api/auth/passkeys", headers=headers).json() == []


def test_the_dev_server_origin_on_the_same_host_may_register(
    client_factory: Callable[..., TestClient], mail_sink: MailSink, user: Any
) -> None:
    client = _app(client_factory, mail_sink)
    headers = login(client, user.email)
    options = client.post("/api/auth/passkeys/register/options", headers=headers).json()
    device = SoftAuthenticator(origin="http://localhost:5173")
    answer = client.post(
        "/api/auth/passkeys/register/verify",
        headers=headers,
        json={"name": "Dev", "credential": device.create(options)},
    )
    assert answer.status_code == 201, answer.text
    # 127.0.0.1 is an allowed origin, but not on the RP ID's host: no passkeys there.
    assert _passkey_login(client, device, origin="http://127.0.0.1:8000").status_code == 401


def test_removing_a_passkey_needs_the_password(
    client_factory: Callable[..., TestClient], mail_sink: MailSink, user: Any, db: Session
) -> None:
    client = _app(client_factory, mail_sink)
    headers = login(client, user.email)
    device = SoftAuthenticator()
    passkey_id = _register(client, headers, device).json()["id"]
    mail_sink.wait_for(user.email)

    wrong = client.request(
        "DELETE",
        f"/api/auth/passkeys/{passkey_id}",
        headers=headers,
        json={"password": "not the password"},
    )
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "invalid_credentials"
    missing = client.request("DELETE", f"/api/auth/passkeys/{passkey_id}", headers=headers)
    assert missing.status_code == 422
    assert len(client.get("/api/auth/passkeys", headers=headers).json()) == 1

    gone = client.request(
        "DELETE", f"/api/auth/passkeys/{passkey_id}", headers=headers, json={"password": PASSWORD}
    )
    assert gone.status_code == 204, gone.text
    assert client.get("/api/auth/passkeys", headers=headers).json() == []
    notice = text_of(mail_sink.wait_for(user.email, count=2)[1])
    assert "removed" in notice
    assert "If it was not" in notice
    assert _passkey_login(client, device).status_code == 401
    assert db.scalar(select(func.count()).select_from(Passkey)) == 0


def test_cookie_mode_registration_needs_the_csrf_token(
    client_factory: Callable[..., TestClient], mail_sink: MailSink, user: Any
) -> None:
    client = _app(client_factory, mail_sink, cookie_mode=True)
    headers = login(client, user.email)
    bearer_only = {"Authorization": headers["Authorization"]}
    answer = client.post("/api/auth/passkeys/register/options", headers=bearer_only)
    assert answer.status_code == 403
    assert answer.json()["code"] == "csrf_failed"


def test_an_ip_address_public_url_turns_passkeys_off(
    client_factory: Callable[..., TestClient], user: Any
) -> None:
    client = client_factory(public_url="http://127.0.0.1:8000")
    assert client.get("/api/config").json()["passkeys"] is False
    headers = login(client, user.email)
    for answer in (
        client.post("/api/auth/passkeys/register/options", headers=headers),
        client.post("/api/auth/passkeys/login/options"),
    ):
        assert answer.status_code == 400
        assert answer.json()["code"] == "passkeys_unavailable"
        assert "IP address" in answer.json()["detail"]
    named = client_factory(public_url=PUBLIC_URL)
    assert named.get("/api/config").json()["passkeys"] is True


@pytest.mark.parametrize(
    "credential",
    [
        {},
        {"id": 1, "rawId": [], "response": "x", "type": "public-key"},
        {"id": "!!!", "rawId": "!!!", "type": "public-key", "response": {}},
        {
            "id": "AA",
            "rawId": "AA",
            "type": "public-key",
            "response": {
                "clientDataJSON": "not*base64",
                "authenticatorData": "\u00e9\u00e9",
                "signature": "=",
            },
        },
        {
            "id": "AA",
            "rawId": "AA",
            "type": "public-key",
            "response": {"clientDataJSON": "e30", "attestationObject": b64url(b"\xff" * 64)},
        },
    ],
    ids=["empty", "wrong-types", "bad-base64", "garbage-fields", "bad-cbor"],
)
def test_hostile_credentials_are_clear_4xx_answers(
    client_factory: Callable[..., TestClient],
    mail_sink: MailSink,
    user: Any,
    credential: dict[str, Any],
) -> None:
    client = _app(client_factory, mail_sink)
    headers = login(client, user.email)
    client.post("/api/auth/passkeys/register/options", headers=headers)
    answer = client.post(
        "/api/auth/passkeys/register/verify",
        headers=headers,
        json={"name": "X", "credential": credential},
    )
    assert answer.status_code == 400, answer.text
    assert answer.json()["code"] == "passkey_invalid"
    options = _login_options(client)
    answer = client.post(
        "/api/auth/passkeys/login/verify",
        json={"challenge_id": options["challenge_id"], "credential": credential},
    )
    assert answer.status_code == 401, answer.text
    assert answer.json()["code"] == "invalid_credentials"


@pytest.mark.parametrize(
    "body",
    [
        {"challenge_id": "not-a-uuid", "credential": {}},
        {"challenge_id": str(uuid.uuid4()), "credential": "a string"},
        {"challenge_id": str(uuid.uuid4())},
        [],
    ],
)
def test_malformed_sign_in_bodies_are_422(
    client_factory: Callable[..., TestClient], mail_sink: MailSink, body: Any
) -> None:
    answer = _app(client_factory, mail_sink).post("/api/auth/passkeys/login/verify", json=body)
    assert answer.status_code == 422
    assert answer.json()["code"] == "validation_error"


@pytest.mark.parametrize("name", ["", "   ", "x" * 65, "a\x00b", 42])
def test_passkey_names_are_1_to_64_characters_without_nul(
    client_factory: Callable[..., TestClient], mail_sink: MailSink, user: Any, name: Any
) -> None:
    client = _app(client_factory, mail_sink)
    headers = login(client, user.email)
    passkey_id = _register(client, headers, SoftAuthenticator()).json()["id"]
    answer = client.patch(f"/api/auth/passkeys/{passkey_id}", headers=headers, json={"name": name})
    assert answer.status_code == 422
    assert client.get("/api/auth/passkeys", headers=headers).json()[0]["name"] == "Laptop"


def test_a_huge_credential_is_refused_by_the_body_limit(
    client_factory: Callable[..., TestClient], mail_sink: MailSink
) -> None:
    client = _app(client_factory, mail_sink)
    answer = client.post(
        "/api/auth/passkeys/login/verify",
        json={"challenge_id": str(uuid.uuid4()), "credential": {"id": "A" * 5_000_000}},
    )
    assert answer.status_code == 413


def test_a_passkey_registered_by_another_user_cannot_be_registered_again(
    client_factory: Callable[..., TestClient],
    mail_sink: MailSink,
    make_user: Callable[..., Any],
) -> None:
    client = _app(client_factory, mail_sink)
    device = SoftAuthenticator()
    assert _register(client, login(client, make_user().email), device).status_code == 201
    other = _app(client_factory, mail_sink)
    answer = _register(other, login(other, make_user().email), device)
    assert answer.status_code == 400
    assert answer.json()["code"] == "passkey_invalid"


def test_passkey_sign_in_failures_spend_the_client_budget(
    client_factory: Callable[..., TestClient], mail_sink: MailSink
) -> None:
    client = client_factory(public_url=PUBLIC_URL, rate_login_ip="3/hour")
    stranger = SoftAuthenticator()
    codes = [_passkey_login(client, stranger).status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]


def test_pruning_removes_expired_challenges(
    client_factory: Callable[..., TestClient], mail_sink: MailSink, db: Session
) -> None:
    client = _app(client_factory, mail_sink)
    old = _login_options(client)["challenge_id"]
    live = _login_options(client)["challenge_id"]
    db.execute(
        update(WebAuthnChallenge)
        .where(WebAuthnChallenge.id == uuid.UUID(old))
        .values(expires_at=utcnow() - timedelta(minutes=1))
    )
    db.commit()
    auth_service.prune(db)
    left = {str(i) for i in db.scalars(select(WebAuthnChallenge.id))}
    assert left == {live}


def test_deleting_the_user_deletes_their_passkeys(
    client_factory: Callable[..., TestClient], mail_sink: MailSink, user: Any, db: Session
) -> None:
    client = _app(client_factory, mail_sink)
    assert _register(client, login(client, user.email), SoftAuthenticator()).status_code == 201
    from apps.api.app.auth.models import User

    db.delete(db.get_one(User, user.id))
    db.commit()
    assert db.scalar(select(func.count()).select_from(Passkey)) == 0


def test_two_requests_racing_for_one_challenge_spend_it_once(
    client_factory: Callable[..., TestClient], mail_sink: MailSink, migrated_engine: Any
) -> None:
    """Both requests read the live challenge; only the one whose delete removes the row may
    use it (the other's delete finds nothing, whatever it read before)."""
    from apps.api.app.auth import passkeys
    from apps.api.app.db.session import make_sessionmaker

    challenge_id = uuid.UUID(_login_options(_app(client_factory, mail_sink))["challenge_id"])
    factory = make_sessionmaker(migrated_engine)
    with factory() as first, factory() as second:
        first_row = first.get(WebAuthnChallenge, challenge_id)
        first.commit()
        second_row = second.get(WebAuthnChallenge, challenge_id)
        assert passkeys._consume(second, second_row) is not None
        second.commit()
        assert passkeys._consume(first, first_row) is None
        first.commit()


def test_wrong_step_up_passwords_spend_the_sign_in_budget(
    client_factory: Callable[..., TestClient], mail_sink: MailSink, user: Any
) -> None:
    client = client_factory(public_url=PUBLIC_URL, rate_login_account_ip="3/hour")
    headers = login(client, user.email)  # a success: the budget starts full
    passkey_id = _register(client, headers, SoftAuthenticator()).json()["id"]
    url = f"/api/auth/passkeys/{passkey_id}"
    codes = [
        client.request("DELETE", url, headers=headers, json={"password": "wrong guess"}).status_code
        for _ in range(4)
    ]
    assert codes == [400, 400, 400, 429]
    # Even the right password waits now: the budget is spent.
    right = client.request("DELETE", url, headers=headers, json={"password": PASSWORD})
    assert right.status_code == 429
    assert len(client.get("/api/auth/passkeys", headers=headers).json()) == 1


def test_each_user_lists_only_their_own_passkeys(
    client_factory: Callable[..., TestClient],
    mail_sink: MailSink,
    make_user: Callable[..., Any],
) -> None:
    alice = _app(client_factory, mail_sink)
    alice_headers = login(alice, make_user().email)
    assert _register(alice, alice_headers, SoftAuthenticator(), "Alice's").status_code == 201
    bob = _app(client_factory, mail_sink)
    bob_headers = login(bob, make_user().email)
    assert bob.get("/api/auth/passkeys", headers=bob_headers).json() == []
    assert _register(bob, bob_headers, SoftAuthenticator(), "Bob's").status_code == 201
    assert [p["name"] for p in bob.get("/api/auth/passkeys", headers=bob_headers).json()] == [
        "Bob's"
    ]


def test_the_passkey_and_its_notice_are_one_transaction(
    client_factory: Callable[..., TestClient],
    mail_sink: MailSink,
    user: Any,
    db: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from apps.api.app.mail import outbox

    client = _app(client_factory, mail_sink)
    headers = login(client, user.email)

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("outbox down")

    monkeypatch.setattr(outbox, "enqueue", broken)
    with pytest.raises(RuntimeError, match="outbox down"):
        _register(client, headers, SoftAuthenticator())
    assert db.scalar(select(func.count()).select_from(Passkey)) == 0


def test_asking_for_sign_in_options_clears_expired_challenges(
    client_factory: Callable[..., TestClient], mail_sink: MailSink, db: Session
) -> None:
    client = _app(client_factory, mail_sink)
    old = uuid.UUID(_login_options(client)["challenge_id"])
    db.execute(
        update(WebAuthnChallenge)
        .where(WebAuthnChallenge.id == old)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    db.commit()
    new = uuid.UUID(_login_options(client)["challenge_id"])
    assert set(db.scalars(select(WebAuthnChallenge.id))) == {new}


def test_the_mfa_status_counts_the_users_passkeys(
    client_factory: Callable[..., TestClient], mail_sink: MailSink, user: Any
) -> None:
    client = _app(client_factory, mail_sink)
    headers = login(client, user.email)
    assert client.get("/api/auth/mfa", headers=headers).json()["passkeys"] == 0
    assert _register(client, headers, SoftAuthenticator()).status_code == 201
    assert client.get("/api/auth/mfa", headers=headers).json()["passkeys"] == 1


def test_with_totp_on_removing_a_passkey_also_needs_a_code_and_sign_in_skips_the_mfa_step(
    client_factory: Callable[..., TestClient],
    mail_sink: MailSink,
    make_user: Callable[..., Any],
    db: Session,
) -> None:
    from apps.api.tests.auth.test_mfa import enrol, next_code

    client = _app(client_factory, mail_sink)
    enrolled = enrol(client, db, make_user)
    device = SoftAuthenticator()
    passkey_id = _register(client, enrolled.headers, device).json()["id"]

    # A passkey with user verification is two factors: the normal answer, no mfa_token.
    answer = _passkey_login(_app(client_factory, mail_sink), device)
    assert answer.status_code == 200, answer.text
    assert "mfa_required" not in answer.json()
    assert answer.json()["access_token"]

    url = f"/api/auth/passkeys/{passkey_id}"
    no_code = client.request("DELETE", url, headers=enrolled.headers, json={"password": PASSWORD})
    assert no_code.status_code == 400
    assert no_code.json()["code"] == "mfa_invalid"
    code = next_code(db, enrolled.user_id, enrolled.secret)
    body = {"password": PASSWORD, "code": code}
    assert client.request("DELETE", url, headers=enrolled.headers, json=body).status_code == 204


def test_the_activity_log_lists_passkey_events(
    client_factory: Callable[..., TestClient], mail_sink: MailSink, user: Any
) -> None:
    client = _app(client_factory, mail_sink)
    headers = login(client, user.email)
    device = SoftAuthenticator()
    passkey_id = _register(client, headers, device, "Phone").json()["id"]
    elsewhere = _app(client_factory, mail_sink)  # its own cookies: this session's CSRF stays
    assert _passkey_login(elsewhere, device).status_code == 200
    assert _passkey_login(elsewhere, device, sign_count=1).status_code == 401  # went back
    body = {"password": PASSWORD}
    gone = client.request("DELETE", f"/api/auth/passkeys/{passkey_id}", headers=headers, json=body)
    assert gone.status_code == 204
    items = client.get("/api/auth/activity", headers=headers).json()["items"]
    seen = [(item["event"], item["detail"]) for item in items]
    assert seen[:4] == [
        ("passkey_removed", "Phone"),
        ("sign_in_failed", "passkey_counter"),
        ("sign_in", "passkey"),
        ("passkey_added", "Phone"),
    ]
