"""Account use cases: create, verify, reset and change passwords, profile, prune (email
change and account deletion live in ``account``).

Plain arguments in, models out, domain errors (``auth.exceptions``)
raised. Each public function is one use case and commits once; the ``_helpers`` and
``sessions`` only flush, so a failure half-way leaves nothing half-done. Sign-in, refresh and
sign-out live in ``signin``. Mails are queued in the use case's transaction
(``mail.outbox.enqueue``) and delivered by the outbox sender.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, delete, exists, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from apps.api.app.auth import events, metrics, passwords, second_factor, sessions
from apps.api.app.auth.budgets import SignInBudget, account_recovered
from apps.api.app.auth.exceptions import (
    EmailTaken,
    InvalidEmailToken,
    WeakPassword,
    WrongCurrentPassword,
)
from apps.api.app.auth.models import EmailToken, User
from apps.api.app.auth.passkey_models import WebAuthnChallenge
from apps.api.app.auth.reasons import AuthEvent, Purpose, RevokeReason
from apps.api.app.auth.tokens import hash_email_token, new_email_token
from apps.api.app.config import Settings
from apps.api.app.db.base import utcnow
from apps.api.app.mail import outbox, templates
from apps.api.app.mail.mailer import Mail
from apps.api.app.ratelimit import RateLimiter
from apps.api.app.useragent import device_label

VERIFY_TTL = timedelta(hours=24)
RESET_TTL = timedelta(hours=1)


@dataclass
class Outcome:
    """What a self-service call did (its mails are already queued in the outbox)."""

    revoked_sessions: int = 0


def normalise_email(email: str) -> str:
    return email.strip().lower()


def link(settings: Settings, path: str, token: str | None = None) -> str:
    return f"{settings.public_url}{path}" + (f"?token={token}" if token else "")


def check_new_password(
    password: str, *, email: str, display_name: str = "", field: str = "password"
) -> None:
    """Refuse a weak password, or one made of the account's own address or name."""
    user_inputs = (email, email.split("@")[0], display_name)
    problem = passwords.password_problem(password, tuple(u for u in user_inputs if u))
    if problem:
        raise WeakPassword(problem, field)


def get_user_by_email(db: Session, email: str) -> User | None:
    return db.scalar(select(User).where(User.email == normalise_email(email)))


# ---- helpers (flush only) --------------------------------------------------------------------


def _apply_new_password(
    db: Session,
    user: User,
    password: str,
    *,
    revoke_reason: RevokeReason,
    keep: uuid.UUID | None = None,
    field: str = "password",
) -> int:
    """The one way a password changes: check it, store its hash, void every outstanding reset
    link and revoke the user's sessions (but ``keep``). Returns how many were revoked."""
    check_new_password(password, email=user.email, display_name=user.display_name, field=field)
    user.password_hash = passwords.hash_password(password)
    _expire_tokens(db, user.id, Purpose.RESET)
    revoked = sessions.revoke_user_sessions(db, user.id, revoke_reason, keep=keep)
    db.flush()
    return revoked


def _issue_email_token(
    db: Session, user: User, purpose: Purpose, ttl: timedelta, *, new_email: str | None = None
) -> str:
    token, token_hash = new_email_token()
    now = utcnow()
    db.add(
        EmailToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=token_hash,
            created_at=now,
            expires_at=now + ttl,
            new_email=new_email,
        )
    )
    db.flush()
    return token


def _consume_email_token(db: Session, token: str, purpose: Purpose) -> User:
    """Mark the token used (single use, atomically) and return its user. On failure nothing
    is committed: the use case raises and its transaction is rolled back."""
    return _claim_email_token(db, token, purpose)[1]


def _claim_email_token(db: Session, token: str, purpose: Purpose) -> tuple[EmailToken, User]:
    """``_consume_email_token``, also returning the token's row (its ``new_email``)."""
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
        raise InvalidEmailToken()
    user = db.get(User, row.user_id)
    if user is None or not user.is_active:
        raise InvalidEmailToken()
    return row, user


def _expire_tokens(db: Session, user_id: uuid.UUID, purpose: Purpose) -> None:
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


# ---- administration (CLI) and profile --------------------------------------------------------


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
    check_new_password(password, email=email, display_name=display_name)
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
    for field_name in ("display_name", "notify_new_device", "timezone"):
        if field_name in changes:
            setattr(fresh, field_name, changes[field_name])
    db.commit()
    return fresh


def set_password(db: Session, user: User, password: str) -> int:
    """An administrator sets a password (CLI): every session of the user ends with it."""
    revoked = _apply_new_password(db, user, password, revoke_reason=RevokeReason.ADMIN)
    db.commit()
    metrics.revoked(RevokeReason.ADMIN, revoked)
    return revoked


def prune(db: Session) -> tuple[int, int, int]:
    """Delete sessions and mailed tokens that ended more than a week ago, activity-log events
    older than 180 days, expired passkey challenges, and accounts that were never verified and
    whose every verification link has expired (a flood of sign-ups with other people's
    addresses must not pile up)."""
    now = utcnow()
    live_link = exists().where(
        and_(
            EmailToken.user_id == User.id,
            EmailToken.purpose == Purpose.VERIFY,
            EmailToken.expires_at > now,
        )
    )
    unverified = db.execute(
        delete(User)
        .where(User.email_verified_at.is_(None), User.created_at < now - VERIFY_TTL, ~live_link)
        .execution_options(synchronize_session=False)
    )
    removed_sessions = sessions.prune_sessions(db)
    second_factor.prune_mfa_tokens(db, before=timedelta(0))  # useless once expired
    cutoff = now - sessions.PRUNE_AFTER
    tokens = db.execute(
        delete(EmailToken).where(or_(EmailToken.expires_at < cutoff, EmailToken.used_at < cutoff))
    )
    events.prune_events(db, now)
    db.execute(delete(WebAuthnChallenge).where(WebAuthnChallenge.expires_at < now))
    db.commit()
    return (
        removed_sessions,
        int(tokens.rowcount),  # type: ignore[attr-defined]
        int(unverified.rowcount),  # type: ignore[attr-defined]
    )


# ---- self-service flows ----------------------------------------------------------------------


def register(
    db: Session, settings: Settings, email: str, password: str, display_name: str = ""
) -> Outcome:
    """Same visible outcome for new and known addresses: only the mail differs."""
    email = normalise_email(email)
    check_new_password(password, email=email, display_name=display_name)
    # Hash before looking the address up, so both branches cost the same argon2 work.
    password_hash = passwords.hash_password(password)
    existing = get_user_by_email(db, email)
    if existing is None:
        try:
            user = User(email=email, password_hash=password_hash, display_name=display_name)
            db.add(user)
            db.flush()
            token = _issue_email_token(db, user, Purpose.VERIFY, VERIFY_TTL)
            outbox.enqueue(db, templates.verify_email(email, link(settings, "/verify", token)))
            db.commit()
        except IntegrityError:
            # A concurrent registration of the same address won the insert: this one is a
            # repeat, answered the same way (one account, no second link).
            db.rollback()
        return Outcome()
    if not existing.email_verified:
        # Re-send the link; nothing else changes (the password is not replaced).
        token = _issue_email_token(db, existing, Purpose.VERIFY, VERIFY_TTL)
        outbox.enqueue(db, templates.verify_email(email, link(settings, "/verify", token)))
    else:
        outbox.enqueue(
            db,
            templates.already_registered(
                email, link(settings, "/signin"), link(settings, "/forgot-password")
            ),
        )
    db.commit()
    return Outcome()


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
    outbox.enqueue(db, templates.verify_email(user.email, link(settings, "/verify", token)))
    db.commit()
    return Outcome()


def request_password_reset(db: Session, settings: Settings, email: str) -> Outcome:
    user = get_user_by_email(db, email)
    if user is None or not user.is_active:
        return Outcome()
    # Earlier links stay valid until used, expired or the password changes: voiding them here
    # would let anyone who knows the address cancel the owner's link.
    token = _issue_email_token(db, user, Purpose.RESET, RESET_TTL)
    outbox.enqueue(
        db, templates.reset_password(user.email, link(settings, "/reset-password", token))
    )
    db.commit()
    return Outcome()


def _password_notice(
    settings: Settings,
    user: User,
    notice: Callable[[str, str, str | None, str, str], Mail],
    ip: str | None,
    user_agent: str | None,
) -> Mail:
    return notice(
        user.email,
        device_label(user_agent),
        ip,
        templates.notice_time(),
        link(settings, "/forgot-password"),
    )


def reset_password(
    db: Session,
    settings: Settings,
    limiter: RateLimiter,
    token: str,
    password: str,
    *,
    ip: str | None = None,
    user_agent: str | None = None,
) -> Outcome:
    """Set the password from a mailed link: every session ends, and the owner is told, in
    the same transaction."""
    user = _consume_email_token(db, token, Purpose.RESET)
    # Following a mailed link proves the address, too.
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    revoked = _apply_new_password(db, user, password, revoke_reason=RevokeReason.PASSWORD_RESET)
    outbox.enqueue(db, _password_notice(settings, user, templates.password_reset, ip, user_agent))
    events.record_event(db, user.id, AuthEvent.PASSWORD_RESET, ip=ip, user_agent=user_agent)
    db.commit()
    metrics.revoked(RevokeReason.PASSWORD_RESET, revoked)
    account_recovered(limiter, user.email)
    return Outcome(revoked_sessions=revoked)


def change_password(
    db: Session,
    settings: Settings,
    limiter: RateLimiter,
    user_id: uuid.UUID,
    current_session_id: uuid.UUID | None,
    current_password: str,
    new_password: str,
    *,
    ip: str | None,
    user_agent: str | None = None,
) -> Outcome:
    """Change a known password: every other session ends, in the same transaction.

    Wrong current passwords spend the sign-in failure budget, so a stolen access token is no
    way around the sign-in limits to guess the password.
    """
    user = db.get_one(User, user_id)
    budget = SignInBudget(limiter, user.email, ip)
    budget.reserve()
    if not passwords.verify_password(user.password_hash, current_password):
        raise WrongCurrentPassword()
    budget.succeeded()
    revoked = _apply_new_password(
        db,
        user,
        new_password,
        revoke_reason=RevokeReason.PASSWORD_CHANGED,
        keep=current_session_id,
        field="new_password",
    )
    outbox.enqueue(db, _password_notice(settings, user, templates.password_changed, ip, user_agent))
    events.record_event(db, user.id, AuthEvent.PASSWORD_CHANGED, ip=ip, user_agent=user_agent)
    db.commit()
    metrics.revoked(RevokeReason.PASSWORD_CHANGED, revoked)
    return Outcome(revoked_sessions=revoked)
