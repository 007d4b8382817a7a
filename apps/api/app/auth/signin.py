"""Sign-in, refresh and sign-out: the use cases behind /login, /refresh and /logout.

Each one owns its whole story — rate limits, authentication, the session, the metrics and
the notices — commits once, and returns what the router needs to answer. Token delivery
(cookie or body mode) is ``transport``'s job.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from apps.api.app.auth import events, metrics, passwords, second_factor, sessions
from apps.api.app.auth.budgets import SignInBudget
from apps.api.app.auth.exceptions import (
    EmailNotVerified,
    InvalidCredentials,
    MfaInvalid,
    MfaTokenInvalid,
    RefreshReused,
    UserDisabled,
)
from apps.api.app.auth.models import User, UserSession
from apps.api.app.auth.reasons import AuthEvent, LoginFailReason, Provider, RevokeReason
from apps.api.app.auth.service import get_user_by_email, link
from apps.api.app.config import Settings
from apps.api.app.errors import RateLimited
from apps.api.app.mail import outbox, templates
from apps.api.app.ratelimit import RateLimiter
from apps.api.app.useragent import device_label


@dataclass(frozen=True, slots=True)
class SignedIn:
    user: User
    session: UserSession
    refresh_token: str


@dataclass(frozen=True, slots=True)
class MfaChallenge:
    """The password was right and a second factor is on: no session yet, only this token for
    /login/mfa."""

    mfa_token: str
    methods: list[second_factor.SignInMethod]


def authenticate(
    db: Session,
    email: str,
    password: str,
    *,
    require_verified: bool,
    ip: str | None = None,
    user_agent: str | None = None,
) -> User:
    """The user for these credentials, or ``InvalidCredentials``.

    Unknown emails still run one argon2 verification so timing does not reveal which
    addresses have accounts. An unverified account is only reported once the password
    is right (and so only to its owner). A wrong password for a known account adds a
    ``sign_in_failed`` event to its log (flushed; the caller commits it before answering).
    """
    user = get_user_by_email(db, email)
    ok = passwords.verify_password(user.password_hash if user else None, password)
    if user is not None and not ok:
        events.record_event(
            db, user.id, AuthEvent.SIGN_IN_FAILED, ip=ip, user_agent=user_agent, detail="password"
        )
    if user is None or not ok:
        raise InvalidCredentials()
    if not user.is_active:
        raise UserDisabled()
    if require_verified and not user.email_verified:
        raise EmailNotVerified()
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    return user


def _queue_new_device_notice(
    db: Session, settings: Settings, user: User, session: UserSession
) -> None:
    """Flush only: the notice is queued in the sign-in's transaction."""
    if not user.notify_new_device or not sessions.is_new_device(
        db, user.id, session.user_agent, exclude=session.id
    ):
        return
    outbox.enqueue(
        db,
        templates.new_device(
            user.email,
            device_label(session.user_agent),
            session.ip,
            templates.notice_time(session.created_at),
            link(settings, "/settings/devices"),
        ),
    )


def sign_in_with_password(
    db: Session,
    settings: Settings,
    limiter: RateLimiter,
    *,
    email: str,
    password: str,
    ip: str | None,
    user_agent: str | None,
) -> SignedIn | MfaChallenge:
    budget = SignInBudget(limiter, email, ip)
    try:
        budget.reserve()
    except RateLimited:
        metrics.login_failed(LoginFailReason.RATE_LIMITED)
        raise
    try:
        user = authenticate(
            db,
            email,
            password,
            require_verified=settings.require_email_verification,
            ip=ip,
            user_agent=user_agent,
        )
    except InvalidCredentials as exc:
        # The failure's one write (its event, for a known account); for an unknown address
        # this commits an empty transaction, no extra query either way.
        db.commit()
        disabled = isinstance(exc, UserDisabled)
        metrics.login_failed(
            LoginFailReason.USER_DISABLED if disabled else LoginFailReason.INVALID_CREDENTIALS
        )
        raise
    except EmailNotVerified:
        budget.not_a_guess()
        metrics.login_failed(LoginFailReason.EMAIL_NOT_VERIFIED)
        raise
    if second_factor.totp_enabled(db, user.id):
        # Not a success yet: the failures run up against this account stay until the second
        # step succeeds, so re-entering the password cannot reset the budget for codes.
        budget.not_a_guess()
        token = second_factor.issue_mfa_token(db, second_factor.keys_for(db), user)
        db.commit()
        return MfaChallenge(token, list(second_factor.METHODS))
    budget.succeeded()
    return start_session(db, settings, user, ip=ip, user_agent=user_agent)


def start_session(
    db: Session,
    settings: Settings,
    user: User,
    *,
    ip: str | None,
    user_agent: str | None,
    provider: Provider = Provider.PASSWORD,
    method: str | None = None,
) -> SignedIn:
    """The end of every successful sign-in (password, second step, passkey): a session, a
    new-device notice, its activity event (``method``: how the user proved who they are, the
    provider's name unless told), one commit."""
    how = method or provider
    session, refresh = sessions.create_session(
        db, user, settings, ip=ip, user_agent=user_agent, signed_in_with=how
    )
    _queue_new_device_notice(db, settings, user, session)
    events.record_event(db, user.id, AuthEvent.SIGN_IN, ip=ip, user_agent=user_agent, detail=how)
    db.commit()
    metrics.login_succeeded(provider)
    return SignedIn(user, session, refresh)


def sign_in_with_mfa(
    db: Session,
    settings: Settings,
    limiter: RateLimiter,
    *,
    mfa_token: str,
    code: str,
    ip: str | None,
    user_agent: str | None,
) -> SignedIn:
    """The second step: a live mfa_token and a TOTP or recovery code → the session.

    A wrong code spends the account+client failure budget like a wrong password, and one
    of the token's five tries; the token is single use."""
    keys = second_factor.keys_for(db)
    token_row, user = second_factor.load_mfa_token(db, keys, mfa_token)
    budget = SignInBudget(limiter, user.email, ip)
    try:
        budget.reserve()
    except RateLimited:
        metrics.login_failed(LoginFailReason.RATE_LIMITED)
        raise
    if not second_factor.verify_second_factor(db, keys, user.id, code):
        second_factor.record_mfa_failure(db, token_row.id)
        events.record_event(db, user.id, AuthEvent.MFA_FAILED, ip=ip, user_agent=user_agent)
        db.commit()
        metrics.login_failed(LoginFailReason.MFA_INVALID)
        raise MfaInvalid()
    if not second_factor.claim_mfa_token(db, token_row.id):
        # A concurrent request used it first: undo this one's code (step, recovery code).
        db.rollback()
        budget.not_a_guess()
        raise MfaTokenInvalid()
    budget.succeeded()
    return start_session(
        db, settings, user, ip=ip, user_agent=user_agent, method="password+second_factor"
    )


def refresh(
    db: Session,
    settings: Settings,
    token: str,
    *,
    ip: str | None,
    user_agent: str | None = None,
) -> sessions.Rotation:
    """Rotate a refresh token. A reused one revokes its session, committed before the 401
    with its ``refresh_reused`` event (once: only the request that revoked it records it)."""
    try:
        rotation = sessions.rotate_refresh_token(db, settings, token, ip=ip)
    except RefreshReused as exc:
        if exc.newly_revoked and exc.user_id is not None:
            events.record_event(
                db, exc.user_id, AuthEvent.REFRESH_REUSED, ip=ip, user_agent=user_agent
            )
        db.commit()
        metrics.revoked(RevokeReason.REFRESH_REUSED, int(exc.newly_revoked))
        raise
    db.commit()
    if rotation.rotated:
        metrics.refreshed()
    return rotation


def sign_out(db: Session, session_id: uuid.UUID | None) -> None:
    """End the session (idempotent: nothing to do for an unknown or ended one)."""
    if session_id is None:
        return
    revoked = sessions.revoke_session(db, session_id, RevokeReason.LOGOUT)
    db.commit()
    metrics.revoked(RevokeReason.LOGOUT, int(revoked))
