"""A password change is one transaction: the new hash and the sign-out of the other sessions
happen together or not at all. Each test breaks the second step and checks that the first
did not happen either (they fail if someone commits between the two again)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from apps.api.app.auth import passwords, service, sessions
from apps.api.app.auth.models import EmailToken, User, UserSession
from apps.api.app.auth.reasons import Purpose
from apps.api.app.config import Settings
from apps.api.app.db.session import make_sessionmaker
from apps.api.app.ratelimit import RateLimiter
from apps.api.tests.conftest import PASSWORD

NEW_PASSWORD = "an entirely new passphrase 42"


def _change(db: Session, settings: Settings, user: User, current: UserSession) -> Any:
    return service.change_password(
        db, settings, RateLimiter(settings), user.id, current.id, PASSWORD, NEW_PASSWORD, ip=None
    )


class InjectedFailure(RuntimeError):
    pass


def _fail(*_args: Any, **_kwargs: Any) -> NoReturn:
    raise InjectedFailure("the database went away between the two steps")


@pytest.fixture
def signed_in_twice(
    db: Session, settings: Settings, make_user: Callable[..., User]
) -> tuple[User, UserSession, UserSession]:
    user = make_user()
    first, _ = sessions.create_session(db, user, settings, ip="192.0.2.1", user_agent="a")
    second, _ = sessions.create_session(db, user, settings, ip="192.0.2.2", user_agent="b")
    db.commit()
    return user, first, second


def _state_after(engine: Engine, user: User) -> tuple[bool, bool, int]:
    """(old password still works, new password works, live sessions) as another reader sees it."""
    with make_sessionmaker(engine)() as fresh:
        stored = fresh.get_one(User, user.id)
        live = fresh.scalars(
            select(UserSession).where(
                UserSession.user_id == user.id, UserSession.revoked_at.is_(None)
            )
        ).all()
        return (
            passwords.verify_password(stored.password_hash, PASSWORD),
            passwords.verify_password(stored.password_hash, NEW_PASSWORD),
            len(live),
        )


def _change_use_case(db: Session, settings: Settings, user: User, current: UserSession) -> None:
    _change(db, settings, user, current)


def _reset_use_case(db: Session, settings: Settings, user: User, _current: UserSession) -> None:
    token = service._issue_email_token(db, user, Purpose.RESET, service.RESET_TTL)
    db.commit()
    service.reset_password(db, settings, RateLimiter(settings), token, NEW_PASSWORD)


def _cli_use_case(db: Session, _settings: Settings, user: User, _current: UserSession) -> None:
    service.set_password(db, user, NEW_PASSWORD)


@pytest.mark.parametrize(
    "use_case",
    [_change_use_case, _reset_use_case, _cli_use_case],
    ids=["password-change", "password-reset", "cli-set-password"],
)
def test_a_new_password_whose_sign_out_fails_changes_nothing(
    db: Session,
    settings: Settings,
    migrated_engine: Engine,
    signed_in_twice: tuple[User, UserSession, UserSession],
    monkeypatch: pytest.MonkeyPatch,
    use_case: Callable[[Session, Settings, User, UserSession], None],
) -> None:
    user, current, _other = signed_in_twice
    monkeypatch.setattr(sessions, "revoke_user_sessions", _fail)
    with pytest.raises(InjectedFailure):
        use_case(db, settings, user, current)
    db.rollback()
    assert _state_after(migrated_engine, user) == (True, False, 2)
    # A reset link is not spent by the failed attempt either.
    if use_case is _reset_use_case:
        unused = db.scalars(select(EmailToken).where(EmailToken.used_at.is_(None))).all()
        assert len(unused) == 1


def test_password_change_signs_out_the_other_sessions_in_the_same_commit(
    db: Session,
    settings: Settings,
    migrated_engine: Engine,
    signed_in_twice: tuple[User, UserSession, UserSession],
) -> None:
    user, current, _other = signed_in_twice
    outcome = _change(db, settings, user, current)
    assert outcome.revoked_sessions == 1
    assert _state_after(migrated_engine, user) == (False, True, 1)


def test_changing_the_password_voids_outstanding_reset_links(
    db: Session,
    settings: Settings,
    signed_in_twice: tuple[User, UserSession, UserSession],
) -> None:
    user, current, _other = signed_in_twice
    token = service._issue_email_token(db, user, Purpose.RESET, service.RESET_TTL)
    db.commit()
    _change(db, settings, user, current)
    with pytest.raises(service.InvalidEmailToken):
        service.reset_password(
            db, settings, RateLimiter(settings), token, "yet another passphrase 77"
        )
