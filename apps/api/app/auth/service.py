"""Account logic: plain arguments in, models (and mails to send) out, domain errors raised."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from apps.api.app.auth import passwords
from apps.api.app.auth.models import EmailToken, User
from apps.api.app.auth.sessions import RevokeReason, revoke_user_sessions
from apps.api.app.auth.tokens import hash_email_token, new_email_token
from apps.api.app.config import Settings
from apps.api.app.db.base import utcnow
from apps.api.app.errors import AppError
from apps.api.app.mail import templates
from apps.api.app.mail.mailer import Mail

VERIFY_TTL = timedelta(hours=24)
RESET_TTL = timedelta(hours=1)


class Purpose:
    VERIFY = "verify"
    RESET = "reset"


class InvalidCredentials(AppError):
    status_code = 401
    code = "invalid_credentials"

    def __init__(self) -> None:
        super().__init__("Incorrect email or password")


class UserDisabled(InvalidCredentials):
    """Answered exactly like wrong credentials; told apart only in metrics."""


class EmailNotVerified(AppError):
    status_code = 403
    code = "email_not_verified"

    def __init__(self) -> None:
        super().__init__("Confirm your email address first: we sent you a link.")


class WrongCurrentPassword(AppError):
    # 400, not 401: a 401 would make the client refresh its token and retry.
    status_code = 400
    code = "invalid_credentials"

    def __init__(self) -> None:
        super().__init__("Your current password is not correct.")


class WeakPassword(AppError):
    status_code = 422
    code = "weak_password"


class EmailTaken(AppError):
    status_code = 409
    code = "email_taken"


class InvalidEmailToken(AppError):
    status_code = 400
    code = "invalid_token"

    def __init__(self) -> None:
        super().__init__("This link is invalid, expired or already used. Ask for a new one.")


@dataclass
class Outcome:
    """What a self-service call did: the mails to send after answering."""

    mails: list[Mail] = field(default_factory=list)
    revoked_sessions: int = 0


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password_strength(password: str, *user_inputs: str) -> None:
    problem = passwords.password_problem(password, tuple(u for u in user_inputs if u))
    if problem:
        raise WeakPassword(problem)


def get_user_by_email(db: Session, email: str) -> User | None:
    return db.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(
    db: Session,
    email: str,
    password: str,
    *,
    display_name: str = "",
    is_admin: bool = False,
    verified: bool = False,
) -> User:
    email = normalise_email(email)
    check_password_strength(password, email, email.split("@")[0], display_name)
    if get_user_by_email(db, email) is not None:
        raise EmailTaken(f"A user with email {email} already exists")
    user = User(
        email=email,
        password_hash=passwords.hash_password(password),
        display_name=display_name,
        is_admin=is_admin,
        email_verified_at=utcnow() if verified else None,
    )
    db.add(user)
    db.commit()
    return user


def update_profile(db: Session, user_id: uuid.UUID, changes: dict[str, object]) -> User:
    fresh = db.get_one(User, user_id)
    for field_name in ("display_name", "notify_new_device"):
        if field_name in changes:
            setattr(fresh, field_name, changes[field_name])
    db.commit()
    return fresh


def delete_user(db: Session, user: User) -> None:
    """Delete the account; the database cascades to entries, tags, sessions and tokens."""
    db.delete(db.merge(user))
    db.commit()


def set_password(db: Session, user: User, password: str, *, revoke_reason: str | None) -> None:
    """Set a new password; ``revoke_reason`` ends every session of the user (CLI, reset)."""
    check_password_strength(password, user.email, user.email.split("@")[0], user.display_name)
    user.password_hash = passwords.hash_password(password)
    db.commit()
    if revoke_reason:
        revoke_user_sessions(db, user.id, revoke_reason)


def authenticate(db: Session, email: str, password: str, *, require_verified: bool) -> User:
    """The user for these credentials, or ``InvalidCredentials``.

    Unknown emails still run one argon2 verification so timing does not reveal which
    addresses have accounts. An unverified account is only reported once the password
    is right (and so only to its owner).
    """
    user = get_user_by_email(db, email)
    ok = passwords.verify_password(user.password_hash if user else None, password)
    if user is None or not ok:
        raise InvalidCredentials()
    if not user.is_active:
        raise UserDisabled()
    if require_verified and not user.email_verified:
        raise EmailNotVerified()
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
        db.commit()
    return user


# ---- mailed tokens ---------------------------------------------------------------------------


def _issue_email_token(db: Session, user: User, purpose: str, ttl: timedelta) -> str:
    token, token_hash = new_email_token()
    now = utcnow()
    db.add(
        EmailToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=token_hash,
            created_at=now,
            expires_at=now + ttl,
        )
    )
    db.commit()
    return token


def _consume_email_token(db: Session, token: str, purpose: str) -> User:
    """Mark the token used (single use, atomically) and return its user."""
    now = utcnow()
    row = db.scalar(
        select(EmailToken).where(
            EmailToken.token_hash == hash_email_token(token), EmailToken.purpose == purpose
        )
    )
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise InvalidEmailToken()
    claimed = db.execute(
        update(EmailToken)
        .where(EmailToken.id == row.id, EmailToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        db.rollback()
        raise InvalidEmailToken()
    user = db.get(User, row.user_id)
    if user is None or not user.is_active:
        db.rollback()
        raise InvalidEmailToken()
    return user


def _expire_tokens(db: Session, user_id: uuid.UUID, purpose: str) -> None:
    db.execute(
        update(EmailToken)
        .where(
            EmailToken.user_id == user_id,
            EmailToken.purpose == purpose,
            EmailToken.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def _link(settings: Settings, path: str, token: str | None = None) -> str:
    return f"{settings.public_url}{path}" + (f"?token={token}" if token else "")


# ---- self-service flows ----------------------------------------------------------------------


def register(
    db: Session, settings: Settings, email: str, password: str, display_name: str = ""
) -> Outcome:
    """Same visible outcome for new and known addresses: only the mail differs."""
    email = normalise_email(email)
    check_password_strength(password, email, email.split("@")[0], display_name)
    # Hash before looking the address up, so both branches cost the same argon2 work.
    password_hash = passwords.hash_password(password)
    existing = get_user_by_email(db, email)
    if existing is None:
        user = User(email=email, password_hash=password_hash, display_name=display_name)
        db.add(user)
        db.commit()
        token = _issue_email_token(db, user, Purpose.VERIFY, VERIFY_TTL)
        return Outcome([templates.verify_email(email, _link(settings, "/verify", token))])
    if not existing.email_verified:
        # Re-send the link; nothing else changes (the password is not replaced).
        token = _issue_email_token(db, existing, Purpose.VERIFY, VERIFY_TTL)
        return Outcome([templates.verify_email(email, _link(settings, "/verify", token))])
    return Outcome(
        [
            templates.already_registered(
                email, _link(settings, "/signin"), _link(settings, "/forgot-password")
            )
        ]
    )


def verify_email(db: Session, token: str) -> User:
    user = _consume_email_token(db, token, Purpose.VERIFY)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    db.commit()
    return user


def resend_verification(db: Session, settings: Settings, email: str) -> Outcome:
    user = get_user_by_email(db, email)
    if user is None or user.email_verified or not user.is_active:
        return Outcome()
    token = _issue_email_token(db, user, Purpose.VERIFY, VERIFY_TTL)
    return Outcome([templates.verify_email(user.email, _link(settings, "/verify", token))])


def request_password_reset(db: Session, settings: Settings, email: str) -> Outcome:
    user = get_user_by_email(db, email)
    if user is None or not user.is_active:
        return Outcome()
    # Only the newest link works.
    _expire_tokens(db, user.id, Purpose.RESET)
    token = _issue_email_token(db, user, Purpose.RESET, RESET_TTL)
    return Outcome(
        [templates.reset_password(user.email, _link(settings, "/reset-password", token))]
    )


def reset_password(db: Session, token: str, password: str) -> Outcome:
    user = _consume_email_token(db, token, Purpose.RESET)
    check_password_strength(password, user.email, user.email.split("@")[0], user.display_name)
    user.password_hash = passwords.hash_password(password)
    # Following a mailed link proves the address, too.
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    db.commit()
    return Outcome(revoked_sessions=revoke_user_sessions(db, user.id, RevokeReason.PASSWORD_RESET))


def change_password(
    db: Session,
    settings: Settings,
    user_id: uuid.UUID,
    current_session_id: uuid.UUID | None,
    current_password: str,
    new_password: str,
) -> Outcome:
    user = db.get_one(User, user_id)
    if not passwords.verify_password(user.password_hash, current_password):
        raise WrongCurrentPassword()
    check_password_strength(new_password, user.email, user.email.split("@")[0], user.display_name)
    user.password_hash = passwords.hash_password(new_password)
    db.commit()
    revoked = revoke_user_sessions(
        db, user.id, RevokeReason.PASSWORD_CHANGED, keep=current_session_id
    )
    return Outcome(
        [templates.password_changed(user.email, _link(settings, "/forgot-password"))],
        revoked_sessions=revoked,
    )
