"""M1 self-service: register → verify → sign in, resend, forgot/reset, change password."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from apps.api.app.auth.models import EmailToken
from apps.api.app.db.base import utcnow
from apps.api.tests.conftest import PASSWORD, login, post_login
from apps.api.tests.mailsink import MailSink, link_in, text_of

NEW_PASSWORD = "a brand new passphrase 42"


@pytest.fixture
def app_client(client_factory: Callable[..., TestClient], mail_sink: MailSink) -> TestClient:
    return client_factory(smtp_host="127.0.0.1", smtp_port=mail_sink.port)


def _register(client: TestClient, email: str, password: str = PASSWORD) -> Any:
    return client.post("/api/auth/register", json={"email": email, "password": password})


def test_register_verify_then_sign_in(app_client: TestClient, mail_sink: MailSink) -> None:
    response = _register(app_client, "New.Person@Example.com")
    assert response.status_code == 202
    mail = mail_sink.wait_for("new.person@example.com")[0]
    assert mail["Subject"] == "Confirm your email for Journal"
    assert mail.get_body(preferencelist=("html",)) is not None
    token = link_in(mail, "/verify")
    assert "http://127.0.0.1:8000/verify?token=" in text_of(mail)

    before = post_login(app_client, "new.person@example.com", PASSWORD)
    assert before.status_code == 403
    assert before.json()["code"] == "email_not_verified"

    verified = app_client.post("/api/auth/verify", json={"token": token})
    assert verified.status_code == 200
    assert "detail" in verified.json()
    after = post_login(app_client, "NEW.PERSON@example.com", PASSWORD)
    assert after.status_code == 200


def test_unverified_with_wrong_password_is_plain_401(app_client: TestClient) -> None:
    _register(app_client, "pending@example.com")
    response = post_login(app_client, "pending@example.com", "wrong-wrong-wrong")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"


def test_register_does_not_reveal_existing_accounts(
    app_client: TestClient, mail_sink: MailSink, make_user: Callable[..., Any]
) -> None:
    make_user("taken@example.com")
    new = _register(app_client, "fresh@example.com")
    known = _register(app_client, "taken@example.com", "some other passphrase 9")
    assert new.status_code == known.status_code == 202
    assert new.json() == known.json()
    notice = mail_sink.wait_for("taken@example.com")[0]
    assert "already" in notice["Subject"] or "tried to sign up" in notice["Subject"]
    # The existing account is untouched: its password still works.
    login = post_login(app_client, "taken@example.com", PASSWORD)
    assert login.status_code == 200


def test_re_registering_unverified_resends_and_changes_nothing(
    app_client: TestClient, mail_sink: MailSink
) -> None:
    _register(app_client, "again@example.com")
    second = _register(app_client, "again@example.com", "a different passphrase 7")
    assert second.status_code == 202
    mails = mail_sink.wait_for("again@example.com", count=2)
    assert (
        app_client.post(
            "/api/auth/verify", json={"token": link_in(mails[1], "/verify")}
        ).status_code
        == 200
    )
    # The original password is still the one that works.
    assert post_login(app_client, "again@example.com", PASSWORD).status_code == 200
    assert (
        post_login(app_client, "again@example.com", "a different passphrase 7").status_code == 401
    )


def test_verify_token_is_single_use(app_client: TestClient, mail_sink: MailSink) -> None:
    _register(app_client, "once@example.com")
    token = link_in(mail_sink.wait_for("once@example.com")[0], "/verify")
    assert app_client.post("/api/auth/verify", json={"token": token}).status_code == 200
    again = app_client.post("/api/auth/verify", json={"token": token})
    assert again.status_code == 400
    assert again.json()["code"] == "invalid_token"


def test_verify_token_expires(app_client: TestClient, mail_sink: MailSink, db: Any) -> None:
    _register(app_client, "late@example.com")
    token = link_in(mail_sink.wait_for("late@example.com")[0], "/verify")
    db.execute(update(EmailToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    response = app_client.post("/api/auth/verify", json={"token": token})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_token"


def test_garbage_verify_token_is_400(app_client: TestClient) -> None:
    response = app_client.post("/api/auth/verify", json={"token": "not-a-real-token"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_token"


def test_tokens_are_stored_hashed(app_client: TestClient, mail_sink: MailSink, db: Any) -> None:
    from sqlalchemy import select

    _register(app_client, "hashed@example.com")
    token = link_in(mail_sink.wait_for("hashed@example.com")[0], "/verify")
    stored = db.scalars(select(EmailToken.token_hash)).all()
    assert token not in stored
    assert all(len(h) == 64 for h in stored)


@pytest.mark.parametrize("path", ["/api/auth/verify/resend", "/api/auth/password/forgot"])
def test_resend_and_forgot_answer_the_same_for_any_email(
    app_client: TestClient, mail_sink: MailSink, make_user: Callable[..., Any], path: str
) -> None:
    make_user("known@example.com", verified=path.endswith("forgot"))
    known = app_client.post(path, json={"email": "known@example.com"})
    unknown = app_client.post(path, json={"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert mail_sink.wait_for("known@example.com")
    assert mail_sink.to("nobody@example.com") == []


def test_weak_passwords_are_refused_with_a_clear_message(app_client: TestClient) -> None:
    for password in ["short", "password1", "qwertyuiop", "weak@example.com"]:
        response = _register(app_client, "weak@example.com", password)
        assert response.status_code == 422, password
        assert response.json()["code"] == "weak_password"
        assert response.json()["detail"]


def test_every_weak_password_422_carries_the_errors_list(
    app_client: TestClient, client_factory: Callable[..., TestClient], make_user: Callable[..., Any]
) -> None:
    """Issue 11 #19: a 422 always says which field (SPEC §3), weak_password included."""
    registered = _register(app_client, "weak2@example.com", "password1")
    assert registered.json()["errors"] == [
        {"loc": ["body", "password"], "msg": registered.json()["detail"]}
    ]
    client = client_factory(auth_cookie_refresh=False)
    headers = login(client, make_user().email)
    changed = client.post(
        "/api/auth/password/change",
        headers=headers,
        json={"current_password": PASSWORD, "new_password": "qwertyuiop"},
    )
    assert changed.status_code == 422
    assert changed.json()["errors"][0]["loc"] == ["body", "new_password"]


def test_reset_password_revokes_every_session(
    app_client: TestClient, mail_sink: MailSink, make_user: Callable[..., Any]
) -> None:
    user = make_user("reset@example.com")
    phone = post_login(app_client, user.email, PASSWORD)
    laptop = post_login(app_client, user.email, PASSWORD)
    tokens = [r.json()["access_token"] for r in (phone, laptop)]

    assert (
        app_client.post("/api/auth/password/forgot", json={"email": user.email}).status_code == 202
    )
    token = link_in(mail_sink.wait_for(user.email)[0], "/reset-password")
    weak = app_client.post(
        "/api/auth/password/reset", json={"token": token, "password": "password"}
    )
    assert weak.status_code == 422
    done = app_client.post(
        "/api/auth/password/reset", json={"token": token, "password": NEW_PASSWORD}
    )
    assert done.status_code == 200
    for access in tokens:
        me = app_client.get("/api/auth/me", headers={"Authorization": f"Bearer {access}"})
        assert me.status_code == 401
        assert me.json()["code"] == "session_revoked"
    assert (
        app_client.post(
            "/api/auth/password/reset", json={"token": token, "password": NEW_PASSWORD}
        ).status_code
        == 400
    )
    assert post_login(app_client, user.email, PASSWORD).status_code == 401
    assert post_login(app_client, user.email, NEW_PASSWORD).status_code == 200
    notice = mail_sink.wait_for(user.email, count=2)[1]
    assert "password was reset" in notice["Subject"]
    _assert_security_notice(text_of(notice))


def _assert_security_notice(text: str) -> None:
    """SPEC §3 notices: when, from which device and address, and what to do if not you."""
    assert "When: " in text
    assert "Device: " in text
    assert "testclient" in text  # the client address the app saw
    assert "If it was not" in text


def test_asking_again_does_not_void_an_earlier_reset_link_but_using_one_voids_all(
    app_client: TestClient, mail_sink: MailSink, make_user: Callable[..., Any]
) -> None:
    """Issue 11 #10: whoever knows an address must not be able to cancel its owner's link by
    asking for another; once the password is reset, every outstanding link is void."""
    user = make_user()
    app_client.post("/api/auth/password/forgot", json={"email": user.email})
    app_client.post("/api/auth/password/forgot", json={"email": user.email})
    first, second = (link_in(m, "/reset-password") for m in mail_sink.wait_for(user.email, 2))
    assert (
        app_client.post(
            "/api/auth/password/reset", json={"token": first, "password": NEW_PASSWORD}
        ).status_code
        == 200
    )
    assert (
        app_client.post(
            "/api/auth/password/reset", json={"token": second, "password": "other " + NEW_PASSWORD}
        ).status_code
        == 400
    )


def test_change_password_keeps_this_session_and_ends_the_others(
    client_factory: Callable[..., TestClient], mail_sink: MailSink, make_user: Callable[..., Any]
) -> None:
    client = client_factory(
        smtp_host="127.0.0.1", smtp_port=mail_sink.port, auth_cookie_refresh=False
    )
    user = make_user()
    this = post_login(client, user.email, PASSWORD).json()
    other = post_login(client, user.email, PASSWORD).json()
    headers = {"Authorization": f"Bearer {this['access_token']}"}

    wrong = client.post(
        "/api/auth/password/change",
        json={"current_password": "not-it-at-all", "new_password": NEW_PASSWORD},
        headers=headers,
    )
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "invalid_credentials"
    weak = client.post(
        "/api/auth/password/change",
        json={"current_password": PASSWORD, "new_password": "12345678"},
        headers=headers,
    )
    assert weak.status_code == 422
    assert weak.json()["code"] == "weak_password"

    ok = client.post(
        "/api/auth/password/change",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=headers,
    )
    assert ok.status_code == 200
    assert client.get("/api/auth/me", headers=headers).status_code == 200
    other_headers = {"Authorization": f"Bearer {other['access_token']}"}
    assert client.get("/api/auth/me", headers=other_headers).status_code == 401
    assert (
        client.post("/api/auth/refresh", json={"refresh_token": other["refresh_token"]}).status_code
        == 401
    )
    notice = mail_sink.wait_for(user.email)[0]
    assert "password was changed" in notice["Subject"]
    _assert_security_notice(text_of(notice))


def test_flag_off_hides_self_service_but_cli_users_sign_in(
    client_factory: Callable[..., TestClient], make_user: Callable[..., Any]
) -> None:
    client = client_factory(user_mgmt_enabled=False)
    calls = [
        ("/api/auth/register", {"email": "a@example.com", "password": PASSWORD}),
        ("/api/auth/verify", {"token": "x"}),
        ("/api/auth/verify/resend", {"email": "a@example.com"}),
        ("/api/auth/password/forgot", {"email": "a@example.com"}),
        ("/api/auth/password/reset", {"token": "x", "password": PASSWORD}),
    ]
    for path, body in calls:
        response = client.post(path, json=body)
        assert response.status_code == 404, path
        assert response.json()["code"] == "feature_disabled"
    user = make_user()
    assert post_login(client, user.email, PASSWORD).status_code == 200


def test_verification_can_be_turned_off(
    client_factory: Callable[..., TestClient], make_user: Callable[..., Any]
) -> None:
    client = client_factory(require_email_verification=False)
    user = make_user(verified=False)
    assert post_login(client, user.email, PASSWORD).status_code == 200
