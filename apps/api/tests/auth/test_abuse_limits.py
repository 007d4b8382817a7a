"""Limits that an outside review got around or turned against users (issue 11, items 7-12):
concurrent guesses, IPv6 /64s, many IPs against one account, registration floods, a victim's
mail budget, timing of the mail-me-a-link routes, concurrent registrations."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from apps.api.app.auth import passwords, service
from apps.api.app.auth.models import EmailToken, User
from apps.api.app.auth.reasons import Purpose
from apps.api.app.config import Settings
from apps.api.app.db.base import utcnow
from apps.api.app.db.engine import make_engine
from apps.api.app.mail.models import OutboxMail
from apps.api.app.main import create_app
from apps.api.app.ratelimit import client_group
from apps.api.tests.conftest import PASSWORD, post_login
from apps.api.tests.mailsink import MailSink, link_in

WRONG = "not the right passphrase"


@pytest.fixture
def app_factory(settings_factory: Callable[..., Settings]) -> Iterator[Callable[..., FastAPI]]:
    """One app (one limiter) that several clients, at several addresses, talk to."""
    opened: list[TestClient] = []

    def build(**overrides: Any) -> FastAPI:
        app = create_app(settings_factory(**overrides))
        opened.append(TestClient(app).__enter__())  # runs the lifespan once
        return app

    yield build
    for client in opened:
        client.__exit__(None, None, None)


def at(app: FastAPI, ip: str) -> TestClient:
    return TestClient(app, base_url="http://testserver", client=(ip, 40000))


# ---- 9: password guessing ---------------------------------------------------------------------


def test_concurrent_wrong_passwords_cannot_exceed_the_account_budget(
    app_factory: Callable[..., FastAPI], make_user: Callable[..., Any]
) -> None:
    app = app_factory(rate_login_account_ip="3/15 minutes", rate_login_ip="1000/hour")
    client = at(app, "198.51.100.7")
    user = make_user()
    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(lambda _: post_login(client, user.email, WRONG), range(12)))
    codes = sorted(a.status_code for a in answers)
    assert codes.count(401) == 3, codes  # reserved before the hash: never more than the budget
    assert codes.count(429) == 9


def test_addresses_of_one_ipv6_64_share_one_budget(
    app_factory: Callable[..., FastAPI], make_user: Callable[..., Any]
) -> None:
    app = app_factory(rate_login_account_ip="3/15 minutes", rate_login_ip="1000/hour")
    user = make_user()
    for host in ("2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::9"):
        assert post_login(at(app, host), user.email, WRONG).status_code == 401
    assert post_login(at(app, "2001:db8:1:2::77"), user.email, PASSWORD).status_code == 429
    # Another /64 is another client.
    assert post_login(at(app, "2001:db8:1:3::1"), user.email, PASSWORD).status_code == 200


@pytest.mark.parametrize(
    ("address", "group"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:aa:bb:1:2:3:4", "2001:db8:aa:bb::/64"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        (None, "unknown"),
        ("testclient", "testclient"),
    ],
)
def test_client_groups(address: str | None, group: str) -> None:
    assert client_group(address) == group


def test_an_account_has_a_cap_across_all_addresses_and_a_reset_lifts_it(
    app_factory: Callable[..., FastAPI],
    make_user: Callable[..., Any],
    mail_sink: MailSink,
) -> None:
    app = app_factory(
        rate_login_account_ip="100/hour",
        rate_login_ip="1000/hour",
        rate_login_account="4/hour",
        smtp_host="127.0.0.1",
        smtp_port=mail_sink.port,
    )
    user = make_user()
    for n in range(4):
        assert post_login(at(app, f"192.0.2.{n + 1}"), user.email, WRONG).status_code == 401
    blocked = post_login(at(app, "192.0.2.99"), user.email, PASSWORD)
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    # The owner is never locked out: a password reset works and ends the run of failures.
    owner = at(app, "192.0.2.200")
    assert owner.post("/api/auth/password/forgot", json={"email": user.email}).status_code == 202
    (mail,) = mail_sink.wait_for(user.email, 1)
    token = link_in(mail, "/reset-password")
    new_password = "a brand new passphrase 9"
    reset = owner.post("/api/auth/password/reset", json={"token": token, "password": new_password})
    assert reset.status_code == 200
    assert post_login(owner, user.email, new_password).status_code == 200


def test_a_success_gives_the_reserved_attempt_back(
    app_factory: Callable[..., FastAPI], make_user: Callable[..., Any]
) -> None:
    app = app_factory(rate_login_account_ip="100/hour", rate_login_ip="3/hour")
    client = at(app, "198.51.100.20")
    user = make_user()
    for _ in range(5):  # five good sign-ins from one address spend no failure budget
        assert post_login(client, user.email, PASSWORD).status_code == 200
    for _ in range(3):
        assert post_login(client, user.email, WRONG).status_code == 401
    assert post_login(client, user.email, PASSWORD).status_code == 429


# ---- 8: registration floods, hashing saturation, never-verified accounts ---------------------


def _register(client: TestClient, email: str | None = None) -> Any:
    email = email or f"new-{uuid.uuid4().hex[:10]}@example.com"
    return client.post("/api/auth/register", json={"email": email, "password": PASSWORD})


def test_registrations_are_limited_per_client_and_globally(
    app_factory: Callable[..., FastAPI],
) -> None:
    app = app_factory(rate_register_ip="2/hour", rate_register_global="3/hour")
    first = at(app, "203.0.113.1")
    assert [_register(first).status_code for _ in range(3)] == [202, 202, 429]
    second = at(app, "203.0.113.2")
    assert _register(second).status_code == 202
    limited = _register(at(app, "203.0.113.3"))  # the global cap is reached
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"


def test_forgot_and_resend_are_limited_per_client(
    app_factory: Callable[..., FastAPI],
) -> None:
    app = app_factory(rate_mail_ip="3/hour")
    client = at(app, "203.0.113.50")
    codes = [
        client.post(path, json={"email": f"x{n}@example.com"}).status_code
        for n, path in enumerate(
            ["/api/auth/password/forgot", "/api/auth/verify/resend"] * 2,
        )
    ]
    assert codes == [202, 202, 202, 429]


def test_saturated_password_hashing_answers_503_at_once(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, db: Session
) -> None:
    monkeypatch.setattr(passwords, "_slots", threading.BoundedSemaphore(1))
    monkeypatch.setattr(passwords, "MAX_WAITING", 0)
    assert passwords._slots.acquire(blocking=False)  # every slot busy
    try:
        busy = _register(client, "busy@example.com")
    finally:
        passwords._slots.release()
    assert busy.status_code == 503
    assert busy.json()["code"] == "rate_limited"
    assert int(busy.headers["Retry-After"]) > 0
    assert db.scalar(select(func.count()).select_from(User)) == 0


def test_never_verified_accounts_are_pruned_once_their_links_expire(
    db: Session, make_user: Callable[..., Any]
) -> None:
    now = utcnow()
    old = now - timedelta(days=2)
    db.execute(
        insert(User),
        [
            {"email": "stale@example.com", "password_hash": "x", "created_at": old},
            {"email": "fresh@example.com", "password_hash": "x", "created_at": now},
            {"email": "resent@example.com", "password_hash": "x", "created_at": old},
        ],
    )
    resent = db.scalar(select(User).where(User.email == "resent@example.com"))
    assert resent is not None
    db.add(
        EmailToken(
            user_id=resent.id,
            purpose=Purpose.VERIFY,
            token_hash="h" * 64,
            created_at=now,
            expires_at=now + timedelta(hours=20),
        )
    )
    verified = make_user(email="verified-long-ago@example.com")
    verified.created_at = old
    db.commit()
    _sessions, _tokens, accounts = service.prune(db)
    assert accounts == 1
    left = set(db.scalars(select(User.email)))
    assert left == {"fresh@example.com", "resent@example.com", "verified-long-ago@example.com"}


# ---- 10: a victim's mail budget ----------------------------------------------------------------


def test_an_attacker_cannot_spend_the_owners_reset_mail_budget(
    app_factory: Callable[..., FastAPI], make_user: Callable[..., Any], mail_sink: MailSink
) -> None:
    app = app_factory(
        rate_mail_per_address="2/hour",
        rate_mail_address_ceiling="10/hour",
        smtp_host="127.0.0.1",
        smtp_port=mail_sink.port,
    )
    victim = make_user()
    attacker = at(app, "198.51.100.66")
    codes = [
        attacker.post("/api/auth/password/forgot", json={"email": victim.email}).status_code
        for _ in range(3)
    ]
    assert codes == [202, 202, 429]
    owner = at(app, "203.0.113.77")
    assert owner.post("/api/auth/password/forgot", json={"email": victim.email}).status_code == 202
    assert len(mail_sink.wait_for(victim.email, 3)) == 3


# ---- 11: known and unknown addresses answer alike ---------------------------------------------


@pytest.mark.parametrize("path", ["/api/auth/password/forgot", "/api/auth/verify/resend"])
def test_mail_link_routes_answer_before_touching_the_database(
    settings_factory: Callable[..., Settings],
    make_user: Callable[..., Any],
    path: str,
) -> None:
    app = create_app(settings_factory())
    order: list[str] = []
    engine: Engine = app.state.engine
    inner = app.build_middleware_stack()

    async def recording(scope: Any, receive: Any, send: Any) -> None:
        async def send_recorded(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                order.append("answer")
            await send(message)

        await inner(scope, receive, send_recorded)

    app.middleware_stack = recording  # type: ignore[assignment]

    def on_sql(*_args: Any) -> None:
        order.append("sql")

    user = make_user(verified=False)
    event.listen(engine, "before_cursor_execute", on_sql)
    try:
        with TestClient(app) as client:
            order.clear()
            assert client.post(path, json={"email": user.email}).status_code == 202
    finally:
        event.remove(engine, "before_cursor_execute", on_sql)
    assert order[0] == "answer"
    assert "sql" in order  # the lookup and the token write happened, after the answer


# ---- 7: concurrent registrations, and no bound values in database errors --------------------


def test_concurrent_registrations_of_one_address_make_one_account(
    client: TestClient, db: Session
) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:  # within the per-address quota (5)
        answers = list(pool.map(lambda _: _register(client, "race@example.com"), range(4)))
    assert {a.status_code for a in answers} == {202}
    assert db.scalar(select(func.count()).select_from(User)) == 1


def test_a_registration_that_loses_the_insert_race_is_answered_like_a_repeat(
    db: Session,
    settings: Settings,
    make_user: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_user(email="taken@example.com", verified=False)
    monkeypatch.setattr(service, "get_user_by_email", lambda *_: None)  # lost the race
    service.register(db, settings, "taken@example.com", PASSWORD)
    assert db.scalar(select(func.count()).select_from(OutboxMail)) == 0
    assert db.scalar(select(func.count()).select_from(User)) == 1


def test_database_errors_do_not_carry_bound_values(
    settings: Settings, make_user: Callable[..., Any]
) -> None:
    make_user(email="dup@example.com")
    engine = make_engine(settings)
    secret_hash = "$argon2id$v=19$m=19456,t=2,p=1$c2VjcmV0$do-not-log-me"
    try:
        with pytest.raises(IntegrityError) as caught, engine.begin() as conn:
            conn.execute(
                insert(User).values(
                    id=uuid.uuid4(), email="dup@example.com", password_hash=secret_hash
                )
            )
    finally:
        engine.dispose()
    assert "do-not-log-me" not in str(caught.value)


def test_passkey_sign_in_challenges_are_limited_per_client(
    app_factory: Callable[..., FastAPI], db: Session
) -> None:
    """Anyone may ask for a passkey sign-in challenge, and each is a row: a client (an IPv4
    address or an IPv6 /64) gets a bounded number a minute, whatever its spelling."""
    from apps.api.app.auth.passkey_models import WebAuthnChallenge

    app = app_factory(rate_passkey_options_ip="3/minute", public_url="http://localhost:8000")
    path = "/api/auth/passkeys/login/options"
    first = [at(app, f"2001:db8:1:2::{n}").post(path) for n in range(1, 5)]
    assert [r.status_code for r in first] == [200, 200, 200, 429]
    assert first[3].json()["code"] == "rate_limited"
    assert int(first[3].headers["Retry-After"]) > 0
    assert at(app, "2001:db8:1:3::1").post(path).status_code == 200  # another /64
    rows = db.scalar(select(func.count()).select_from(WebAuthnChallenge))
    assert rows == 4  # the refused request stored nothing
