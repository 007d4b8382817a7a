"""Second factor: TOTP set-up and confirm, recovery codes, disable, the MFA sign-in
(/login → mfa_token → /login/mfa) in both flag modes, step-up, replay and budgets."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from apps.api.app.auth.mfa_models import MfaToken, RecoveryCode, TotpCredential
from apps.api.app.auth.models import UserSession
from apps.api.app.db.base import utcnow
from apps.api.tests.conftest import PASSWORD, login, post_login, run_journal
from apps.api.tests.mailsink import MailSink, text_of

MODES = [pytest.param(False, id="body-mode"), pytest.param(True, id="cookie-mode")]
STEP = 30


@dataclass
class Enrolled:
    email: str
    secret: str
    recovery_codes: list[str]
    headers: dict[str, str]
    user_id: Any


def next_code(db: Session, user_id: Any, secret: str) -> str:
    """A code the server will accept now: the earliest step within ±1 after the last one
    accepted. When all three are spent, the last accepted step is moved back (as if 30 s had
    passed) instead of sleeping."""
    current = int(time.time()) // STEP
    db.expire_all()
    last = db.scalar(select(TotpCredential.last_step).where(TotpCredential.user_id == user_id))
    last = last or 0
    if last >= current + 1:
        db.execute(
            update(TotpCredential)
            .where(TotpCredential.user_id == user_id)
            .values(last_step=current - 2)
        )
        db.commit()
        last = current - 2
    step = max(current - 1, last + 1)
    return pyotp.TOTP(secret).generate_otp(step)


def setup_totp(client: TestClient, headers: dict[str, str]) -> str:
    answer = client.post("/api/auth/mfa/totp/setup", headers=headers, json={"password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["secret"])


def enrol(
    client: TestClient, db: Session, make_user: Callable[..., Any], email: str | None = None
) -> Enrolled:
    user = make_user(email)
    headers = login(client, user.email)
    secret = setup_totp(client, headers)
    confirmed = client.post(
        "/api/auth/mfa/totp/confirm",
        headers=headers,
        json={"code": next_code(db, user.id, secret)},
    )
    assert confirmed.status_code == 200, confirmed.text
    return Enrolled(user.email, secret, confirmed.json()["recovery_codes"], headers, user.id)


def start_mfa_login(client: TestClient, email: str) -> str:
    answer = post_login(client, email, expect=200)
    body = answer.json()
    assert body["mfa_required"] is True
    return str(body["mfa_token"])


def finish(client: TestClient, token: str, code: str) -> Any:
    return client.post("/api/auth/login/mfa", json={"mfa_token": token, "code": code})


@pytest.fixture
def mail_client(client_factory: Callable[..., TestClient], mail_sink: MailSink) -> TestClient:
    return client_factory(smtp_host="127.0.0.1", smtp_port=mail_sink.port)


# ---- enrolment -------------------------------------------------------------------------------


def test_setup_gives_a_journal_otpauth_uri_for_the_account_email(
    client: TestClient, make_user: Callable[..., Any]
) -> None:
    user = make_user()
    headers = login(client, user.email)
    answer = client.post("/api/auth/mfa/totp/setup", headers=headers, json={"password": PASSWORD})
    assert answer.status_code == 200
    body = answer.json()
    uri = urlsplit(body["otpauth_uri"])
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert user.email in uri.path.replace("%40", "@")
    query = parse_qs(uri.query)
    assert query["secret"] == [body["secret"]]
    assert query["issuer"] == ["Journal"]
    # Pending until confirmed.
    status = client.get("/api/auth/mfa", headers=headers).json()
    assert status == {"totp": False, "recovery_codes_left": 0, "passkeys": 0}


def test_the_secret_is_stored_encrypted(
    client: TestClient, db: Session, make_user: Callable[..., Any]
) -> None:
    user = make_user()
    secret = setup_totp(client, login(client, user.email))
    stored = db.scalar(
        select(TotpCredential.secret_ciphertext).where(TotpCredential.user_id == user.id)
    )
    assert stored
    assert secret not in stored


def test_a_new_setup_replaces_the_pending_one(
    client: TestClient, db: Session, make_user: Callable[..., Any]
) -> None:
    user = make_user()
    headers = login(client, user.email)
    first = setup_totp(client, headers)
    second = setup_totp(client, headers)
    assert first != second
    old = client.post(
        "/api/auth/mfa/totp/confirm", headers=headers, json={"code": next_code(db, user.id, first)}
    )
    assert (old.status_code, old.json()["code"]) == (400, "mfa_invalid")
    new = client.post(
        "/api/auth/mfa/totp/confirm", headers=headers, json={"code": next_code(db, user.id, second)}
    )
    assert new.status_code == 200


def test_confirm_turns_totp_on_with_ten_single_use_recovery_codes(
    client: TestClient, db: Session, make_user: Callable[..., Any]
) -> None:
    enrolled = enrol(client, db, make_user)
    codes = enrolled.recovery_codes
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert all(len(code) == 14 and code.count("-") == 2 for code in codes)
    status = client.get("/api/auth/mfa", headers=enrolled.headers).json()
    assert status == {"totp": True, "recovery_codes_left": 10, "passkeys": 0}
    stored = db.scalars(
        select(RecoveryCode.code_hash).where(RecoveryCode.user_id == enrolled.user_id)
    ).all()
    assert len(stored) == 10
    assert not set(stored) & ({c.replace("-", "") for c in codes} | set(codes))


def test_confirm_refuses_a_wrong_code_and_setup_while_on_is_409(
    client: TestClient, db: Session, make_user: Callable[..., Any]
) -> None:
    user = make_user()
    headers = login(client, user.email)
    nothing = client.post("/api/auth/mfa/totp/confirm", headers=headers, json={"code": "123456"})
    assert (nothing.status_code, nothing.json()["code"]) == (409, "mfa_not_enabled")
    secret = setup_totp(client, headers)
    wrong = pyotp.TOTP(secret).generate_otp(int(time.time()) // STEP + 5)
    refused = client.post("/api/auth/mfa/totp/confirm", headers=headers, json={"code": wrong})
    assert (refused.status_code, refused.json()["code"]) == (400, "mfa_invalid")
    ok = client.post(
        "/api/auth/mfa/totp/confirm", headers=headers, json={"code": next_code(db, user.id, secret)}
    )
    assert ok.status_code == 200
    again = client.post("/api/auth/mfa/totp/setup", headers=headers, json={"password": PASSWORD})
    assert (again.status_code, again.json()["code"]) == (409, "mfa_already_enabled")


def test_enrolling_revokes_every_other_session_and_mails_a_notice(
    mail_client: TestClient,
    client_factory: Callable[..., TestClient],
    db: Session,
    make_user: Callable[..., Any],
    mail_sink: MailSink,
) -> None:
    user = make_user()
    other = client_factory(smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    other_headers = login(other, user.email)
    assert other.get("/api/auth/me", headers=other_headers).status_code == 200
    headers = login(mail_client, user.email)
    secret = setup_totp(mail_client, headers)
    confirmed = mail_client.post(
        "/api/auth/mfa/totp/confirm",
        headers={**headers, "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"},
        json={"code": next_code(db, user.id, secret)},
    )
    assert confirmed.status_code == 200
    gone = other.get("/api/auth/me", headers=other_headers)
    assert (gone.status_code, gone.json()["code"]) == (401, "session_revoked")
    assert mail_client.get("/api/auth/me", headers=headers).status_code == 200
    reasons = db.scalars(
        select(UserSession.revoke_reason).where(UserSession.user_id == user.id)
    ).all()
    assert "mfa_changed" in reasons
    (notice,) = [m for m in mail_sink.wait_for(user.email, 1) if "Two-step" in m["Subject"]]
    text = text_of(notice)
    assert "turned on" in text
    assert "If it was not" in text
    assert "UTC" in text
    assert secret not in text


# ---- sign-in with a second factor ------------------------------------------------------------


@pytest.mark.parametrize("cookie_mode", MODES)
def test_login_with_totp_on_answers_only_an_mfa_token_then_login_mfa_signs_in(
    client_factory: Callable[..., TestClient],
    db: Session,
    make_user: Callable[..., Any],
    cookie_mode: bool,
) -> None:
    client = client_factory(auth_cookie_refresh=cookie_mode)
    enrolled = enrol(client, db, make_user)
    fresh = client_factory(auth_cookie_refresh=cookie_mode)
    first = post_login(fresh, enrolled.email, expect=200)
    body = first.json()
    assert set(body) == {"mfa_required", "mfa_token", "methods"}
    assert body["mfa_required"] is True
    assert body["methods"] == ["totp", "recovery_code"]
    assert "set-cookie" not in first.headers
    # No session yet: only the enrolling one exists.
    assert len(db.scalars(select(UserSession.id)).all()) == 1

    answer = finish(fresh, body["mfa_token"], next_code(db, enrolled.user_id, enrolled.secret))
    assert answer.status_code == 200, answer.text
    tokens = answer.json()
    assert tokens["token_type"] == "bearer"
    assert tokens["access_token"]
    if cookie_mode:
        assert "refresh_token" not in tokens
        assert {"refresh_token", "csrftoken"} <= set(answer.cookies.keys())
        refreshed = fresh.post("/api/auth/refresh")
    else:
        assert tokens["refresh_token"]
        assert "set-cookie" not in answer.headers
        refreshed = fresh.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.text
    me = fresh.get("/api/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.json()["email"] == enrolled.email


def test_wrong_replayed_out_of_skew_and_other_users_codes_are_refused(
    client: TestClient, db: Session, make_user: Callable[..., Any]
) -> None:
    alice = enrol(client, db, make_user)
    bob = enrol(client, db, make_user)
    now_step = int(time.time()) // STEP
    totp = pyotp.TOTP(alice.secret)
    token = start_mfa_login(client, alice.email)

    for code in (
        "000000" if totp.now() != "000000" else "111111",  # wrong
        totp.generate_otp(now_step - 3),  # expired: outside ±1 step
        totp.generate_otp(now_step + 3),  # too far ahead
        next_code(db, bob.user_id, bob.secret),  # Bob's valid code
    ):
        refused = finish(client, token, code)
        assert (refused.status_code, refused.json()["code"]) == (401, "mfa_invalid"), code

    good = next_code(db, alice.user_id, alice.secret)
    assert finish(client, token, good).status_code == 200
    replay = finish(client, start_mfa_login(client, alice.email), good)
    assert (replay.status_code, replay.json()["code"]) == (401, "mfa_invalid")


def test_a_code_one_step_ahead_is_accepted_then_the_current_steps_code_is_a_replay(
    client: TestClient, db: Session, make_user: Callable[..., Any]
) -> None:
    alice = enrol(client, db, make_user)
    db.execute(update(TotpCredential).values(last_step=0))
    db.commit()
    totp = pyotp.TOTP(alice.secret)
    now_step = int(time.time()) // STEP
    ahead = finish(client, start_mfa_login(client, alice.email), totp.generate_otp(now_step + 1))
    assert ahead.status_code == 200
    behind = finish(client, start_mfa_login(client, alice.email), totp.generate_otp(now_step))
    assert (behind.status_code, behind.json()["code"]) == (401, "mfa_invalid")


def test_the_mfa_token_is_single_use(
    client: TestClient, db: Session, make_user: Callable[..., Any]
) -> None:
    alice = enrol(client, db, make_user)
    token = start_mfa_login(client, alice.email)
    assert finish(client, token, next_code(db, alice.user_id, alice.secret)).status_code == 200
    again = finish(client, token, next_code(db, alice.user_id, alice.secret))
    assert (again.status_code, again.json()["code"]) == (401, "invalid_token")


def test_the_mfa_token_expires_after_five_minutes(
    client: TestClient, db: Session, make_user: Callable[..., Any]
) -> None:
    alice = enrol(client, db, make_user)
    token = start_mfa_login(client, alice.email)
    row = db.scalar(select(MfaToken).where(MfaToken.user_id == alice.user_id))
    assert row is not None
    assert timedelta(minutes=4) < row.expires_at - utcnow() <= timedelta(minutes=5)
    assert token not in (row.token_hash,)
    db.execute(update(MfaToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    late = finish(client, token, next_code(db, alice.user_id, alice.secret))
    assert (late.status_code, late.json()["code"]) == (401, "invalid_token")


def test_five_wrong_codes_kill_the_mfa_token(
    client: TestClient, db: Session, make_user: Callable[..., Any]
) -> None:
    alice = enrol(client, db, make_user)
    token = start_mfa_login(client, alice.email)
    for _ in range(5):
        assert finish(client, token, "abcd-efgh-jkmn").json()["code"] == "mfa_invalid"
    dead = finish(client, token, next_code(db, alice.user_id, alice.secret))
    assert (dead.status_code, dead.json()["code"]) == (401, "invalid_token")


def test_a_password_change_voids_an_outstanding_mfa_token(
    client: TestClient, db: Session, make_user: Callable[..., Any]
) -> None:
    alice = enrol(client, db, make_user)
    token = start_mfa_login(client, alice.email)
    changed = client.post(
        "/api/auth/password/change",
        headers=alice.headers,
        json={"current_password": PASSWORD, "new_password": "another fine passphrase 7"},
    )
    assert changed.status_code == 200
    late = finish(client, token, next_code(db, alice.user_id, alice.secret))
    assert (late.status_code, late.json()["code"]) == (401, "invalid_token")


def test_each_recovery_code_signs_in_once(
    client: TestClient, db: Session, make_user: Callable[..., Any]
) -> None:
    alice = enrol(client, db, make_user)
    code = alice.recovery_codes[3]
    # Typed in upper case with spaces: still the same code.
    assert finish(client, start_mfa_login(client, alice.email), code.upper()).status_code == 200
    again = finish(client, start_mfa_login(client, alice.email), code)
    assert (again.status_code, again.json()["code"]) == (401, "mfa_invalid")
    status = client.get("/api/auth/mfa", headers=alice.headers).json()
    assert status["recovery_codes_left"] == 9


def test_another_users_recovery_code_is_refused(
    client: TestClient, db: Session, make_user: Callable[..., Any]
) -> None:
    alice = enrol(client, db, make_user)
    bob = enrol(client, db, make_user)
    refused = finish(client, start_mfa_login(client, alice.email), bob.recovery_codes[0])
    assert (refused.status_code, refused.json()["code"]) == (401, "mfa_invalid")


def test_wrong_codes_spend_the_sign_in_budget_then_429(
    client_factory: Callable[..., TestClient], db: Session, make_user: Callable[..., Any]
) -> None:
    client = client_factory(rate_login_account_ip="3/15 minutes")
    alice = enrol(client, db, make_user)
    token = start_mfa_login(client, alice.email)
    for _ in range(3):
        assert finish(client, token, "000001").status_code == 401
    blocked = post_login(client, alice.email)
    assert (blocked.status_code, blocked.json()["code"]) == (429, "rate_limited")
    assert "retry-after" in blocked.headers
    token2_blocked = finish(client, token, next_code(db, alice.user_id, alice.secret))
    assert (token2_blocked.status_code, token2_blocked.json()["code"]) == (429, "rate_limited")


def test_the_password_step_does_not_clear_the_failures_of_the_code_step(
    client_factory: Callable[..., TestClient], db: Session, make_user: Callable[..., Any]
) -> None:
    client = client_factory(rate_login_account_ip="4/15 minutes")
    alice = enrol(client, db, make_user)
    for _ in range(2):  # the right password again between two rounds of wrong codes
        token = start_mfa_login(client, alice.email)
        for _ in range(2):
            assert finish(client, token, "000001").status_code == 401
    blocked = post_login(client, alice.email)
    assert (blocked.status_code, blocked.json()["code"]) == (429, "rate_limited")


def test_no_code_or_secret_reaches_the_logs(
    client: TestClient,
    db: Session,
    make_user: Callable[..., Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    alice = enrol(client, db, make_user)
    token = start_mfa_login(client, alice.email)
    code = next_code(db, alice.user_id, alice.secret)
    finish(client, token, "000001")
    assert finish(client, token, code).status_code == 200
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (alice.secret, token, code, *alice.recovery_codes):
        assert secret not in logged


# ---- step-up: disable and regenerate ---------------------------------------------------------


def test_step_up_needs_the_password_and_a_current_code(
    client: TestClient, db: Session, make_user: Callable[..., Any]
) -> None:
    alice = enrol(client, db, make_user)
    url = "/api/auth/mfa/recovery-codes"
    no_password = client.post(url, headers=alice.headers, json={"code": "123456"})
    assert no_password.status_code == 422
    wrong_password = client.post(
        url,
        headers=alice.headers,
        json={"password": "not my password", "code": next_code(db, alice.user_id, alice.secret)},
    )
    assert (wrong_password.status_code, wrong_password.json()["code"]) == (
        400,
        "invalid_credentials",
    )
    no_code = client.post(url, headers=alice.headers, json={"password": PASSWORD})
    assert (no_code.status_code, no_code.json()["code"]) == (400, "mfa_invalid")
    wrong_code = client.post(
        url, headers=alice.headers, json={"password": PASSWORD, "code": "000001"}
    )
    assert (wrong_code.status_code, wrong_code.json()["code"]) == (400, "mfa_invalid")


def test_step_up_failures_spend_the_sign_in_budget(
    client_factory: Callable[..., TestClient], db: Session, make_user: Callable[..., Any]
) -> None:
    client = client_factory(rate_login_account_ip="3/15 minutes")
    alice = enrol(client, db, make_user)
    for _ in range(3):
        client.post(
            "/api/auth/mfa/totp/disable",
            headers=alice.headers,
            json={"password": PASSWORD, "code": "000001"},
        )
    blocked = client.post(
        "/api/auth/mfa/totp/disable",
        headers=alice.headers,
        json={"password": PASSWORD, "code": next_code(db, alice.user_id, alice.secret)},
    )
    assert (blocked.status_code, blocked.json()["code"]) == (429, "rate_limited")


def test_regenerating_recovery_codes_kills_the_old_ones(
    mail_client: TestClient, db: Session, make_user: Callable[..., Any], mail_sink: MailSink
) -> None:
    alice = enrol(mail_client, db, make_user)
    answer = mail_client.post(
        "/api/auth/mfa/recovery-codes",
        headers=alice.headers,
        json={"password": PASSWORD, "code": alice.recovery_codes[0]},
    )
    assert answer.status_code == 200
    new_codes = answer.json()["recovery_codes"]
    assert len(new_codes) == 10
    assert not set(new_codes) & set(alice.recovery_codes)
    old = finish(mail_client, start_mfa_login(mail_client, alice.email), alice.recovery_codes[1])
    assert (old.status_code, old.json()["code"]) == (401, "mfa_invalid")
    assert (
        finish(mail_client, start_mfa_login(mail_client, alice.email), new_codes[0]).status_code
        == 200
    )
    mails = mail_sink.wait_for(alice.email, 2)
    assert any("recovery codes" in m["Subject"] for m in mails)


def test_disabling_turns_totp_off_revokes_others_and_mails_a_notice(
    mail_client: TestClient,
    client_factory: Callable[..., TestClient],
    db: Session,
    make_user: Callable[..., Any],
    mail_sink: MailSink,
) -> None:
    alice = enrol(mail_client, db, make_user)
    other = client_factory()
    token = start_mfa_login(other, alice.email)
    other_answer = finish(other, token, next_code(db, alice.user_id, alice.secret))
    other_headers = {"Authorization": f"Bearer {other_answer.json()['access_token']}"}
    assert other.get("/api/auth/me", headers=other_headers).status_code == 200

    off = mail_client.post(
        "/api/auth/mfa/totp/disable",
        headers=alice.headers,
        json={"password": PASSWORD, "code": next_code(db, alice.user_id, alice.secret)},
    )
    assert off.status_code == 200, off.text
    assert other.get("/api/auth/me", headers=other_headers).status_code == 401
    status = mail_client.get("/api/auth/mfa", headers=alice.headers).json()
    assert status == {"totp": False, "recovery_codes_left": 0, "passkeys": 0}
    assert db.scalar(select(TotpCredential).where(TotpCredential.user_id == alice.user_id)) is None
    again = mail_client.post(
        "/api/auth/mfa/totp/disable", headers=alice.headers, json={"password": PASSWORD}
    )
    assert (again.status_code, again.json()["code"]) == (409, "mfa_not_enabled")
    # Plain password sign-in again.
    assert "access_token" in post_login(other, alice.email, expect=200).json()
    mails = mail_sink.wait_for(alice.email, 2)
    assert any("turned off" in m["Subject"] for m in mails)


def test_cookie_mode_mfa_routes_need_the_csrf_header(
    client_factory: Callable[..., TestClient], make_user: Callable[..., Any]
) -> None:
    client = client_factory(auth_cookie_refresh=True)
    user = make_user()
    headers = login(client, user.email)
    no_csrf = {k: v for k, v in headers.items() if k != "X-CSRF-Token"}
    refused = client.post("/api/auth/mfa/totp/setup", headers=no_csrf, json={"password": PASSWORD})
    assert (refused.status_code, refused.json()["code"]) == (403, "csrf_failed")
    assert setup_totp(client, headers)


def test_metrics_count_mfa_failures_and_enrolments(
    client: TestClient, db: Session, make_user: Callable[..., Any]
) -> None:
    """Counted in the process registry whether or not /metrics is exported (the suite runs
    again with the exporter off: counting must not depend on it). Both series are pre-seeded,
    so a dashboard shows 0 rather than nothing."""
    fail = ("auth_login_fail_total", {"reason": "mfa_invalid"})
    enrolments = ("auth_mfa_enrolments_total", {"method": "totp"})
    before = [REGISTRY.get_sample_value(*series) for series in (fail, enrolments)]
    assert None not in before
    alice = enrol(client, db, make_user)
    finish(client, start_mfa_login(client, alice.email), "000001")
    after = [REGISTRY.get_sample_value(*series) or 0.0 for series in (fail, enrolments)]
    assert after[0] - (before[0] or 0.0) >= 1
    assert after[1] - (before[1] or 0.0) >= 1


def test_the_devices_list_says_a_session_signed_in_with_a_second_factor(
    client: TestClient, db: Session, make_user: Callable[..., Any]
) -> None:
    alice = enrol(client, db, make_user)
    answer = finish(
        client, start_mfa_login(client, alice.email), next_code(db, alice.user_id, alice.secret)
    )
    assert answer.status_code == 200, answer.text
    bearer = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    listed = client.get("/api/auth/sessions", headers=bearer).json()
    assert {s["signed_in_with"] for s in listed if s["current"]} == {"password+second_factor"}


# ---- administration --------------------------------------------------------------------------


def test_cli_reset_mfa_turns_totp_off_and_revokes_sessions(
    client: TestClient, db: Session, make_user: Callable[..., Any], database_url: str
) -> None:
    alice = enrol(client, db, make_user)
    result = run_journal(["users", "reset-mfa", alice.email.upper()], database_url)
    assert result.returncode == 0, result.stderr
    assert "turned off" in result.stdout
    assert client.get("/api/auth/mfa", headers=alice.headers).status_code == 401
    assert "access_token" in post_login(client, alice.email, expect=200).json()
    assert db.scalar(select(RecoveryCode).where(RecoveryCode.user_id == alice.user_id)) is None
    missing = run_journal(["users", "reset-mfa", "nobody@example.com"], database_url)
    assert missing.returncode == 1


def test_one_totp_code_sent_to_two_replicas_at_once_signs_in_once(
    client_factory: Callable[..., TestClient], db: Session, make_user: Callable[..., Any]
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    replica_a, replica_b = client_factory(), client_factory()
    alice = enrol(replica_a, db, make_user)
    tokens = [start_mfa_login(replica_a, alice.email), start_mfa_login(replica_b, alice.email)]
    code = next_code(db, alice.user_id, alice.secret)
    with ThreadPoolExecutor(2) as pool:
        answers = list(
            pool.map(
                lambda pair: finish(pair[0], pair[1], code),
                zip((replica_a, replica_b), tokens, strict=True),
            )
        )
    assert sorted(a.status_code for a in answers) == [200, 401]
