"""Account security (SPEC §3): the activity log, email change, account deletion, step-up."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Table, func, select, update

from apps.api.app.auth import account, events
from apps.api.app.auth import service as auth_service
from apps.api.app.auth.models import EmailToken, SecurityEvent, User, UserSession
from apps.api.app.auth.reasons import AuthEvent, Purpose
from apps.api.app.db.base import Base, utcnow
from apps.api.app.mail.models import OutboxMail
from apps.api.tests.conftest import PASSWORD, login, post_login
from apps.api.tests.mailsink import MailSink, link_in, text_of

NEW_PASSWORD = "a brand new passphrase 42"
FIREFOX_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.1; rv:120.0) Gecko/20100101 Firefox/120.0"


@pytest.fixture
def body_client(client_factory: Callable[..., TestClient], mail_sink: MailSink) -> TestClient:
    return client_factory(
        auth_cookie_refresh=False, smtp_host="127.0.0.1", smtp_port=mail_sink.port
    )


@pytest.fixture
def cookie_client(client_factory: Callable[..., TestClient], mail_sink: MailSink) -> TestClient:
    return client_factory(auth_cookie_refresh=True, smtp_host="127.0.0.1", smtp_port=mail_sink.port)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _sign_in(client: TestClient, email: str, password: str = PASSWORD) -> dict[str, Any]:
    answer = client.post(
        "/api/auth/login",
        json={"email": email, "password": password},
        headers={"User-Agent": FIREFOX_MAC},
    )
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def _activity(client: TestClient, headers: dict[str, str], cursor: str | None = None) -> Any:
    params = {"cursor": cursor} if cursor is not None else {}
    answer = client.get("/api/auth/activity", headers=headers, params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _all_rows_text(db: Any) -> str:
    """Every row of every table, as text: where a secret must never be found (once the
    outbox has delivered: a pending mail holds its link until sent, by design)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        db.expire_all()
        pending = select(func.count()).select_from(OutboxMail).where(OutboxMail.text_body != "")
        if db.scalar(pending) == 0:
            break
        time.sleep(0.02)
    db.expire_all()
    dumped = []
    for table in Base.metadata.sorted_tables:
        for row in db.execute(select(table)).all():
            dumped.append(json.dumps([str(v) for v in row]))
    return "\n".join(dumped)


# ---- the activity log ------------------------------------------------------------------------


def test_activity_lists_each_existing_event_newest_first_and_never_a_secret(
    body_client: TestClient,
    client_factory: Callable[..., TestClient],
    make_user: Callable[..., Any],
    mail_sink: MailSink,
    db: Any,
) -> None:
    user = make_user()
    secrets: list[str] = [PASSWORD, NEW_PASSWORD]

    # sign_in_failed (a wrong password for this account), then sign_in.
    assert post_login(body_client, user.email, "not the password at all").status_code == 401
    first = _sign_in(body_client, user.email)
    headers = _bearer(first["access_token"])
    secrets += [first["access_token"], first["refresh_token"]]

    # session_revoked: one device, then every other one.
    _sign_in(body_client, user.email)
    sessions = body_client.get("/api/auth/sessions", headers=headers).json()
    other = next(s["id"] for s in sessions if not s["current"])
    assert body_client.delete(f"/api/auth/sessions/{other}", headers=headers).status_code == 204
    _sign_in(body_client, user.email)
    _sign_in(body_client, user.email)
    assert body_client.post("/api/auth/sessions/revoke-others", headers=headers).status_code == 204

    # refresh_reused: a grandparent token presented after two rotations.
    reused = _sign_in(body_client, user.email)
    child = body_client.post("/api/auth/refresh", json={"refresh_token": reused["refresh_token"]})
    grandchild = body_client.post(
        "/api/auth/refresh", json={"refresh_token": child.json()["refresh_token"]}
    )
    assert grandchild.status_code == 200
    replay = body_client.post("/api/auth/refresh", json={"refresh_token": reused["refresh_token"]})
    assert replay.json()["code"] == "refresh_reused"
    secrets += [child.json()["refresh_token"], grandchild.json()["refresh_token"]]

    # export
    assert body_client.get("/api/entries/export", headers=headers).status_code == 200

    # password_changed, then password_reset through the mailed link.
    changed = body_client.post(
        "/api/auth/password/change",
        headers={**headers, "User-Agent": FIREFOX_MAC},
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert changed.status_code == 200, changed.text
    body_client.post("/api/auth/password/forgot", json={"email": user.email})
    reset_mail = next(
        m for m in mail_sink.wait_for(user.email, count=2) if "Reset" in str(m["Subject"])
    )
    reset_token = link_in(reset_mail, "/reset-password")
    secrets.append(reset_token)
    reset = body_client.post(
        "/api/auth/password/reset", json={"token": reset_token, "password": PASSWORD}
    )
    assert reset.status_code == 200, reset.text

    # email_changed
    fresh = _sign_in(body_client, user.email)
    headers = _bearer(fresh["access_token"])
    asked = body_client.post(
        "/api/auth/email/change",
        headers=headers,
        json={"password": PASSWORD, "new_email": "moved@example.com"},
    )
    assert asked.status_code == 202, asked.text
    confirm_token = link_in(mail_sink.wait_for("moved@example.com")[0], "/confirm-email")
    secrets.append(confirm_token)
    assert (
        body_client.post(
            "/api/auth/email/confirm", json={"token": confirm_token}, headers=headers
        ).status_code
        == 200
    )

    page = _activity(body_client, headers)
    items = page["items"]
    seen = [item["event"] for item in items]
    assert {
        AuthEvent.SIGN_IN_FAILED,
        AuthEvent.SIGN_IN,
        AuthEvent.SESSION_REVOKED,
        AuthEvent.REFRESH_REUSED,
        AuthEvent.EXPORT,
        AuthEvent.PASSWORD_CHANGED,
        AuthEvent.PASSWORD_RESET,
        AuthEvent.EMAIL_CHANGED,
    } <= set(seen)
    assert seen[0] == AuthEvent.EMAIL_CHANGED  # newest first
    assert seen[-1] == AuthEvent.SIGN_IN_FAILED  # the oldest
    assert [i["at"] for i in items] == sorted((i["at"] for i in items), reverse=True)
    assert page["next_cursor"] is None
    assert seen.count(AuthEvent.REFRESH_REUSED) == 1
    assert seen.count(AuthEvent.SESSION_REVOKED) == 2
    sign_in = next(i for i in items if i["event"] == AuthEvent.SIGN_IN)
    assert set(sign_in) == {"id", "at", "event", "ip", "device", "detail"}
    assert sign_in["detail"] == "password"
    assert sign_in["device"] == "Firefox on macOS"
    assert sign_in["ip"] == "testclient"
    revoked_one = [i for i in items if i["event"] == AuthEvent.SESSION_REVOKED][-1]
    assert revoked_one["detail"] == "Firefox on macOS"  # which device was signed out
    assert next(i for i in items if i["event"] == AuthEvent.EXPORT)["detail"] == "json"

    # No secret anywhere: not in the answer, not in any row of any table.
    text = json.dumps(page)
    rows = _all_rows_text(db)
    for secret in secrets:
        assert secret not in text
        assert secret not in rows, "a secret is stored in the database"


def test_a_failed_sign_in_for_an_unknown_address_records_nothing_and_answers_the_same(
    body_client: TestClient, make_user: Callable[..., Any], db: Any
) -> None:
    user = make_user()
    known = post_login(body_client, user.email, "wrong password here")
    unknown = post_login(body_client, "nobody@example.com", "wrong password here")
    assert known.status_code == unknown.status_code == 401
    assert known.json() == unknown.json()
    db.expire_all()
    rows = db.scalars(select(SecurityEvent)).all()
    assert [(r.user_id, r.event) for r in rows] == [(user.id, AuthEvent.SIGN_IN_FAILED)]


def test_activity_pages_by_50_with_an_opaque_cursor_and_only_shows_the_callers_events(
    body_client: TestClient, make_user: Callable[..., Any], db: Any
) -> None:
    user, other = make_user(), make_user()
    at = utcnow() - timedelta(hours=1)
    for n in range(120):
        # Pairs share a timestamp: the cursor must break ties by id, never skip or repeat.
        db.add(
            SecurityEvent(
                user_id=user.id, at=at + timedelta(seconds=n // 2), event=AuthEvent.EXPORT
            )
        )
        db.add(SecurityEvent(user_id=other.id, at=at, event=AuthEvent.EXPORT))
    db.commit()
    headers = _bearer(_sign_in(body_client, user.email)["access_token"])

    first = _activity(body_client, headers)
    assert len(first["items"]) == 50
    assert first["items"][0]["event"] == AuthEvent.SIGN_IN
    second = _activity(body_client, headers, first["next_cursor"])
    third = _activity(body_client, headers, second["next_cursor"])
    assert (len(second["items"]), len(third["items"])) == (50, 21)
    assert third["next_cursor"] is None
    ids = [i["id"] for page in (first, second, third) for i in page["items"]]
    assert len(ids) == len(set(ids)) == 121
    assert set(ids) == {
        str(r.id) for r in db.scalars(select(SecurityEvent)) if r.user_id == user.id
    }
    keys = [(i["at"], i["id"]) for page in (first, second, third) for i in page["items"]]
    assert keys == sorted(keys, reverse=True)


def test_an_event_exists_only_with_its_change_and_sign_out_is_not_listed(
    body_client: TestClient, make_user: Callable[..., Any], db: Any
) -> None:
    user = make_user()
    tokens = _sign_in(body_client, user.email)
    headers = _bearer(tokens["access_token"])
    weak = body_client.post(
        "/api/auth/password/change",
        headers=headers,
        json={"current_password": PASSWORD, "new_password": "password"},
    )
    assert weak.status_code == 422  # rolled back: no password_changed event either
    assert body_client.post("/api/auth/sessions/revoke-others", headers=headers).status_code == 204
    logout = body_client.post("/api/auth/logout", json={"refresh_token": tokens["refresh_token"]})
    assert logout.status_code == 204
    db.expire_all()
    # revoke-others with no other session revoked nothing; logout is not a security event.
    assert [r.event for r in db.scalars(select(SecurityEvent))] == [AuthEvent.SIGN_IN]


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!",
        "bm90IGpzb24",  # "not json"
        "WzEsMl0",  # [1,2]
        "WyIyMDI2LTAxLTAxVDAwOjAwOjAwIiwiMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAiXQ",  # naive
        "x" * 600,
    ],
)
def test_a_bad_activity_cursor_is_400_invalid_cursor(
    body_client: TestClient, make_user: Callable[..., Any], cursor: str
) -> None:
    headers = _bearer(_sign_in(body_client, make_user().email)["access_token"])
    answer = body_client.get("/api/auth/activity", headers=headers, params={"cursor": cursor})
    assert answer.status_code in (400, 422), answer.text
    if answer.status_code == 400:
        assert answer.json()["code"] == "invalid_cursor"
    else:  # longer than the documented bound
        assert len(cursor) > events.MAX_CURSOR_LENGTH


def test_events_older_than_180_days_are_pruned(make_user: Callable[..., Any], db: Any) -> None:
    user = make_user()
    db.add(SecurityEvent(user_id=user.id, at=utcnow() - timedelta(days=181), event="sign_in"))
    db.add(SecurityEvent(user_id=user.id, at=utcnow() - timedelta(days=179), event="export"))
    db.commit()
    auth_service.prune(db)
    db.expire_all()
    assert [r.event for r in db.scalars(select(SecurityEvent))] == ["export"]


# ---- email change ----------------------------------------------------------------------------


def _change_email(client: TestClient, headers: dict[str, str], new_email: str, **body: Any) -> Any:
    return client.post(
        "/api/auth/email/change",
        headers=headers,
        json={"password": PASSWORD, "new_email": new_email, **body},
    )


def test_email_change_confirmed_by_the_link_moves_the_account_and_ends_other_sessions(
    body_client: TestClient, make_user: Callable[..., Any], mail_sink: MailSink, db: Any
) -> None:
    user = make_user("old@example.com")
    here = _sign_in(body_client, user.email)
    elsewhere = _sign_in(body_client, user.email)
    headers = _bearer(here["access_token"])

    asked = _change_email(body_client, headers, "New.Address@Example.com")
    assert asked.status_code == 202
    link_mail = mail_sink.wait_for("new.address@example.com")[0]
    assert "http://127.0.0.1:8000/confirm-email?token=" in text_of(link_mail)
    token = link_in(link_mail, "/confirm-email")
    notice = mail_sink.wait_for("old@example.com")[0]
    assert "new.address@example.com" in text_of(notice)
    assert "testclient" in text_of(notice)  # where from
    # Nothing changes before the link is followed.
    assert body_client.get("/api/auth/me", headers=headers).json()["email"] == "old@example.com"
    stored = db.scalar(select(EmailToken).where(EmailToken.purpose == Purpose.EMAIL_CHANGE))
    assert stored.new_email == "new.address@example.com"
    assert token not in stored.token_hash

    confirmed = body_client.post("/api/auth/email/confirm", json={"token": token}, headers=headers)
    assert confirmed.status_code == 200
    assert "detail" in confirmed.json()
    me = body_client.get("/api/auth/me", headers=headers).json()
    assert (me["email"], me["email_verified"]) == ("new.address@example.com", True)
    # The confirming device stays signed in; every other session ended at once.
    other = body_client.get("/api/auth/me", headers=_bearer(elsewhere["access_token"]))
    assert other.status_code == 401
    assert post_login(body_client, "old@example.com").status_code == 401
    assert post_login(body_client, "NEW.address@example.com").status_code == 200
    # Single use.
    again = body_client.post("/api/auth/email/confirm", json={"token": token})
    assert (again.status_code, again.json()["code"]) == (400, "invalid_token")


def test_in_cookie_mode_email_change_needs_csrf_and_the_confirming_browser_stays_signed_in(
    cookie_client: TestClient,
    client_factory: Callable[..., TestClient],
    make_user: Callable[..., Any],
    mail_sink: MailSink,
) -> None:
    user = make_user()
    headers = login(cookie_client, user.email)
    other = client_factory(auth_cookie_refresh=True)
    login(other, user.email)
    without = {k: v for k, v in headers.items() if k != "X-CSRF-Token"}
    refused = _change_email(cookie_client, without, "cookie@example.com")
    assert (refused.status_code, refused.json()["code"]) == (403, "csrf_failed")
    assert _change_email(cookie_client, headers, "cookie@example.com").status_code == 202
    token = link_in(mail_sink.wait_for("cookie@example.com")[0], "/confirm-email")
    # The link opened in the same browser: its refresh cookie names the session to keep.
    confirmed = cookie_client.post("/api/auth/email/confirm", json={"token": token})
    assert confirmed.status_code == 200
    assert cookie_client.post("/api/auth/refresh").status_code == 200
    assert other.post("/api/auth/refresh").json()["code"] == "session_revoked"


def test_confirming_without_a_session_ends_every_session(
    body_client: TestClient, make_user: Callable[..., Any], mail_sink: MailSink
) -> None:
    user = make_user()
    headers = _bearer(_sign_in(body_client, user.email)["access_token"])
    _change_email(body_client, headers, "elsewhere@example.com")
    token = link_in(mail_sink.wait_for("elsewhere@example.com")[0], "/confirm-email")
    assert body_client.post("/api/auth/email/confirm", json={"token": token}).status_code == 200
    assert body_client.get("/api/auth/me", headers=headers).status_code == 401


def test_email_change_to_a_taken_address_answers_the_same_and_sends_no_link(
    body_client: TestClient, make_user: Callable[..., Any], mail_sink: MailSink, db: Any
) -> None:
    user = make_user()
    make_user("taken@example.com")
    headers = _bearer(_sign_in(body_client, user.email)["access_token"])

    free = _change_email(body_client, headers, "free@example.com")
    taken = _change_email(body_client, headers, "taken@example.com")
    assert free.status_code == taken.status_code == 202
    assert free.json() == taken.json()

    note = mail_sink.wait_for("taken@example.com")[0]
    assert "/confirm-email" not in text_of(note)
    assert "nothing changed" in text_of(note)
    mail_sink.wait_for(user.email, count=2)  # the owner is told both times
    db.expire_all()
    live = db.scalars(
        select(EmailToken).where(
            EmailToken.purpose == Purpose.EMAIL_CHANGE, EmailToken.used_at.is_(None)
        )
    ).all()
    assert live == []  # the free address's link was voided by the later request, none for taken
    assert db.get(User, user.id).email == user.email


def test_the_address_taken_before_confirmation_makes_the_link_invalid(
    body_client: TestClient, make_user: Callable[..., Any], mail_sink: MailSink, db: Any
) -> None:
    user = make_user()
    headers = _bearer(_sign_in(body_client, user.email)["access_token"])
    _change_email(body_client, headers, "contested@example.com")
    token = link_in(mail_sink.wait_for("contested@example.com")[0], "/confirm-email")
    make_user("Contested@example.com")  # someone else got there first

    answer = body_client.post("/api/auth/email/confirm", json={"token": token})
    assert (answer.status_code, answer.json()["code"]) == (400, "invalid_token")
    db.expire_all()
    assert db.get(User, user.id).email == user.email
    assert body_client.get("/api/auth/me", headers=headers).status_code == 200


def test_an_expired_email_change_link_is_invalid(
    body_client: TestClient, make_user: Callable[..., Any], mail_sink: MailSink, db: Any
) -> None:
    user = make_user()
    headers = _bearer(_sign_in(body_client, user.email)["access_token"])
    _change_email(body_client, headers, "late@example.com")
    token = link_in(mail_sink.wait_for("late@example.com")[0], "/confirm-email")
    db.execute(update(EmailToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    answer = body_client.post("/api/auth/email/confirm", json={"token": token})
    assert (answer.status_code, answer.json()["code"]) == (400, "invalid_token")


def test_a_reset_link_mailed_to_the_old_address_dies_with_the_change(
    body_client: TestClient, make_user: Callable[..., Any], mail_sink: MailSink
) -> None:
    user = make_user("before@example.com")
    headers = _bearer(_sign_in(body_client, user.email)["access_token"])
    body_client.post("/api/auth/password/forgot", json={"email": user.email})
    reset_token = link_in(mail_sink.wait_for(user.email)[0], "/reset-password")
    _change_email(body_client, headers, "after@example.com")
    token = link_in(mail_sink.wait_for("after@example.com")[0], "/confirm-email")
    assert body_client.post("/api/auth/email/confirm", json={"token": token}).status_code == 200
    reset = body_client.post(
        "/api/auth/password/reset", json={"token": reset_token, "password": NEW_PASSWORD}
    )
    assert (reset.status_code, reset.json()["code"]) == (400, "invalid_token")


def test_the_confirm_email_page_sends_no_referrer(
    client_factory: Callable[..., TestClient], tmp_path: Any
) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html><title>Journal</title>")
    client = client_factory(web_dist=dist)
    page = client.get("/confirm-email?token=abc")
    assert page.status_code == 200
    assert page.headers["referrer-policy"] == "no-referrer"


# ---- step-up ---------------------------------------------------------------------------------


def test_step_up_routes_refuse_a_wrong_or_missing_password(
    body_client: TestClient, make_user: Callable[..., Any], mail_sink: MailSink, db: Any
) -> None:
    user = make_user()
    headers = _bearer(_sign_in(body_client, user.email)["access_token"])
    wrong = {"password": "this is not it at all"}
    for method, path, body in (
        ("POST", "/api/auth/email/change", {**wrong, "new_email": "x@example.com"}),
        ("DELETE", "/api/auth/me", wrong),
    ):
        answer = body_client.request(method, path, headers=headers, json=body)
        assert (answer.status_code, answer.json()["code"]) == (400, "invalid_credentials"), path
        missing = body_client.request(method, path, headers=headers, json={})
        assert missing.status_code == 422, path
    db.expire_all()
    assert db.get(User, user.id).email == user.email
    assert db.scalar(select(func.count()).select_from(OutboxMail)) == 0
    assert body_client.get("/api/auth/me", headers=headers).status_code == 200


def test_wrong_step_up_passwords_spend_the_sign_in_budget(
    client_factory: Callable[..., TestClient], make_user: Callable[..., Any]
) -> None:
    client = client_factory(auth_cookie_refresh=False, rate_login_account_ip="3/15minutes")
    user = make_user()
    headers = _bearer(_sign_in(client, user.email)["access_token"])
    codes = [
        client.request(
            "DELETE", "/api/auth/me", headers=headers, json={"password": "wrong one here"}
        ).status_code
        for _ in range(4)
    ]
    assert codes == [400, 400, 400, 429]


# ---- deletion --------------------------------------------------------------------------------


def _user_rows(db: Any, user_id: Any) -> dict[str, int]:
    """How many rows of each table reference this user."""
    db.expire_all()
    counts = {}
    for table, column in account._owned_tables():
        assert isinstance(table, Table)
        counts[table.name] = db.scalar(
            select(func.count()).select_from(table).where(table.c[column] == user_id)
        )
    counts["users"] = db.scalar(select(func.count()).select_from(User).where(User.id == user_id))
    return counts


def test_deleting_the_account_removes_everything_it_owns_and_nothing_else(
    body_client: TestClient, make_user: Callable[..., Any], mail_sink: MailSink, db: Any
) -> None:
    alice, bob = make_user("alice@example.com"), make_user("bob@example.com")
    alice_id, bob_id = alice.id, bob.id
    a1 = _sign_in(body_client, alice.email)
    a2 = _sign_in(body_client, alice.email)
    b = _sign_in(body_client, bob.email)
    for who in (a1, b):
        made = body_client.post(
            "/api/entries",
            headers=_bearer(who["access_token"]),
            json={"title": "t", "body": "words", "tags": ["x"]},
        )
        assert made.status_code == 201
    body_client.post("/api/auth/password/forgot", json={"email": alice.email})
    mail_sink.wait_for(alice.email)
    before = _user_rows(db, alice_id)
    assert {k for k, v in before.items() if v} >= {
        "users",
        "entries",
        "entry_tags",
        "user_sessions",
        "email_tokens",
        "auth_events",
    }
    bob_before = _user_rows(db, bob_id)

    gone = body_client.request(
        "DELETE", "/api/auth/me", headers=_bearer(a1["access_token"]), json={"password": PASSWORD}
    )
    assert gone.status_code == 204
    assert all(count == 0 for count in _user_rows(db, alice_id).values())
    assert _user_rows(db, bob_id) == bob_before
    # Every token of the account stops working at once.
    for token in (a1["access_token"], a2["access_token"]):
        assert body_client.get("/api/auth/me", headers=_bearer(token)).status_code == 401
    refresh = body_client.post("/api/auth/refresh", json={"refresh_token": a2["refresh_token"]})
    assert refresh.status_code == 401
    assert post_login(body_client, "alice@example.com").status_code == 401
    assert body_client.get("/api/auth/me", headers=_bearer(b["access_token"])).status_code == 200
    # The goodbye notice survives the deletion and is delivered.
    goodbye = [
        m for m in mail_sink.wait_for("alice@example.com", count=2) if "deleted" in m["Subject"]
    ]
    assert goodbye
    assert "testclient" in text_of(goodbye[0])


def test_deleting_in_cookie_mode_needs_csrf_and_clears_the_cookies(
    cookie_client: TestClient, make_user: Callable[..., Any]
) -> None:
    user = make_user()
    headers = login(cookie_client, user.email)
    without = {k: v for k, v in headers.items() if k != "X-CSRF-Token"}
    refused = cookie_client.request(
        "DELETE", "/api/auth/me", headers=without, json={"password": PASSWORD}
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "csrf_failed")
    gone = cookie_client.request(
        "DELETE", "/api/auth/me", headers=headers, json={"password": PASSWORD}
    )
    assert gone.status_code == 204
    cleared = gone.headers.get_list("set-cookie")
    assert any(c.startswith("refresh_token=") and "Max-Age=0" in c for c in cleared)
    assert any(c.startswith("csrftoken=") and "Max-Age=0" in c for c in cleared)
    assert cookie_client.post("/api/auth/refresh").status_code == 401


def test_the_cli_and_the_api_share_one_erasure(make_user: Callable[..., Any], db: Any) -> None:
    user = make_user()
    events.record_event(db, user.id, AuthEvent.EXPORT, ip=None, user_agent=None)
    db.add(UserSession(user_id=user.id, rid="r", expires_at=utcnow() + timedelta(days=1), ip=None))
    db.commit()
    account.delete_user(db, user)
    assert all(count == 0 for count in _user_rows(db, user.id).values())
