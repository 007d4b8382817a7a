"""Second-factor use cases behind /api/auth/mfa: status, TOTP set-up, confirm, disable,
recovery codes, and the administrator's reset (CLI).

Each public function is one use case and commits once; turning a factor on or off signs out
every other session and queues a notice in the same transaction. The parts (encryption,
codes, replay) are ``second_factor``'s; the password + code check is ``stepup``'s.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from apps.api.app.auth import events, metrics, second_factor, sessions
from apps.api.app.auth.exceptions import (
    MfaAlreadyEnabled,
    MfaNotEnabled,
    NoPendingTotp,
    StepUpMfaInvalid,
)
from apps.api.app.auth.mfa_models import TotpCredential
from apps.api.app.auth.models import User
from apps.api.app.auth.passkey_models import Passkey
from apps.api.app.auth.reasons import AuthEvent, MfaMethod, RevokeReason
from apps.api.app.auth.service import link
from apps.api.app.auth.stepup import check_step_up
from apps.api.app.config import Settings
from apps.api.app.db.base import utcnow
from apps.api.app.mail import outbox, templates
from apps.api.app.mail.mailer import Mail
from apps.api.app.ratelimit import RateLimiter
from apps.api.app.useragent import device_label

SECURITY_PAGE = "/settings/security"


@dataclass(frozen=True, slots=True)
class MfaStatus:
    totp: bool
    recovery_codes_left: int
    passkeys: int


@dataclass(frozen=True, slots=True)
class TotpSetup:
    secret: str
    otpauth_uri: str


@dataclass(frozen=True, slots=True)
class Requester:
    """Who asks, for the notice and for the budget: the current session, address, device."""

    session_id: uuid.UUID | None
    ip: str | None
    user_agent: str | None
    device: str | None = None  # named outright when there is no browser (the CLI)


def passkey_count(db: Session, user_id: uuid.UUID) -> int:
    """How many passkeys the user has registered."""
    return (
        db.scalar(select(func.count()).select_from(Passkey).where(Passkey.user_id == user_id)) or 0
    )


def status(db: Session, user_id: uuid.UUID) -> MfaStatus:
    return MfaStatus(
        totp=second_factor.totp_enabled(db, user_id),
        recovery_codes_left=second_factor.recovery_codes_left(db, user_id),
        passkeys=passkey_count(db, user_id),
    )


def _queue_notice(
    db: Session,
    settings: Settings,
    user: User,
    who: Requester,
    notice: Callable[[str, str, str | None, str, str], Mail],
    event: AuthEvent,
) -> None:
    """Flush only: the change's activity event and its mailed notice."""
    events.record_event(db, user.id, event, ip=who.ip, user_agent=who.user_agent, detail=who.device)
    outbox.enqueue(
        db,
        notice(
            user.email,
            who.device or device_label(who.user_agent),
            who.ip,
            templates.notice_time(),
            link(settings, SECURITY_PAGE),
        ),
    )


def start_totp_setup(
    db: Session,
    settings: Settings,
    limiter: RateLimiter,
    user_id: uuid.UUID,
    *,
    password: str,
    code: str | None,
    who: Requester,
) -> TotpSetup:
    """A new pending secret (replacing a pending one); TOTP stays off until confirmed.
    Already on → 409 ``mfa_already_enabled``: turning it off first proves the old factor."""
    user = db.get_one(User, user_id)
    credential = second_factor.get_totp(db, user.id)
    if credential is not None and credential.confirmed_at is not None:
        raise MfaAlreadyEnabled()
    check_step_up(db, limiter, user, password=password, code=code, ip=who.ip)
    secret = second_factor.new_totp_secret()
    ciphertext = second_factor.encrypt_totp_secret(second_factor.keys_for(db), user.id, secret)
    if credential is None:
        db.add(TotpCredential(user_id=user.id, secret_ciphertext=ciphertext, last_step=0))
    else:
        credential.secret_ciphertext = ciphertext
        credential.last_step = 0
        credential.created_at = utcnow()
    try:
        db.commit()
    except IntegrityError:
        # A concurrent set-up of the same account inserted first: this one answers 409, the
        # other secret is the pending one.
        db.rollback()
        raise MfaAlreadyEnabled() from None
    return TotpSetup(secret, second_factor.otpauth_uri(secret, user.email))


def confirm_totp(
    db: Session, settings: Settings, user_id: uuid.UUID, code: str, *, who: Requester
) -> list[str]:
    """A right code from the app turns TOTP on: ten new recovery codes, every other session
    signed out, a notice mailed."""
    user = db.get_one(User, user_id)
    credential = second_factor.get_totp(db, user.id)
    if credential is None:
        raise NoPendingTotp()
    if credential.confirmed_at is not None:
        raise MfaAlreadyEnabled()
    keys = second_factor.keys_for(db)
    if not second_factor.accept_totp(db, keys, credential, code, confirmed=False):
        raise StepUpMfaInvalid()
    credential.confirmed_at = utcnow()
    codes = second_factor.replace_recovery_codes(db, keys, user.id)
    revoked = sessions.revoke_user_sessions(
        db, user.id, RevokeReason.MFA_CHANGED, keep=who.session_id
    )
    _queue_notice(db, settings, user, who, templates.second_factor_enabled, AuthEvent.MFA_ENABLED)
    db.commit()
    metrics.mfa_enrolled(MfaMethod.TOTP)
    metrics.revoked(RevokeReason.MFA_CHANGED, revoked)
    return codes


def disable_totp(
    db: Session,
    settings: Settings,
    limiter: RateLimiter,
    user_id: uuid.UUID,
    *,
    password: str,
    code: str | None,
    who: Requester,
) -> None:
    """Password + code → TOTP off, its secret and recovery codes deleted, every other
    session signed out, a notice mailed."""
    user = db.get_one(User, user_id)
    if not second_factor.totp_enabled(db, user.id):
        raise MfaNotEnabled()
    check_step_up(db, limiter, user, password=password, code=code, ip=who.ip)
    second_factor.remove_second_factor(db, user.id)
    revoked = sessions.revoke_user_sessions(
        db, user.id, RevokeReason.MFA_CHANGED, keep=who.session_id
    )
    _queue_notice(db, settings, user, who, templates.second_factor_disabled, AuthEvent.MFA_DISABLED)
    db.commit()
    metrics.revoked(RevokeReason.MFA_CHANGED, revoked)


def regenerate_recovery_codes(
    db: Session,
    settings: Settings,
    limiter: RateLimiter,
    user_id: uuid.UUID,
    *,
    password: str,
    code: str | None,
    who: Requester,
) -> list[str]:
    """Password + code → ten new recovery codes; the old ones stop working; a notice."""
    user = db.get_one(User, user_id)
    if not second_factor.totp_enabled(db, user.id):
        raise MfaNotEnabled()
    check_step_up(db, limiter, user, password=password, code=code, ip=who.ip)
    codes = second_factor.replace_recovery_codes(db, second_factor.keys_for(db), user.id)
    _queue_notice(
        db,
        settings,
        user,
        who,
        templates.recovery_codes_regenerated,
        AuthEvent.RECOVERY_CODES_REGENERATED,
    )
    db.commit()
    return codes


ADMIN_REQUESTER = Requester(
    session_id=None, ip=None, user_agent=None, device="an administrator (command line)"
)


def reset_mfa(db: Session, settings: Settings, user: User) -> tuple[bool, int]:
    """An administrator turns the second factor off (the owner lost their phone and codes):
    TOTP and recovery codes deleted, every session signed out, the owner told. Returns
    (TOTP was on, sessions revoked)."""
    was_on = second_factor.remove_second_factor(db, user.id)
    revoked = sessions.revoke_user_sessions(db, user.id, RevokeReason.ADMIN)
    if was_on:
        _queue_notice(
            db,
            settings,
            user,
            ADMIN_REQUESTER,
            templates.second_factor_disabled,
            AuthEvent.MFA_DISABLED,
        )
    db.commit()
    metrics.revoked(RevokeReason.ADMIN, revoked)
    return was_on, revoked
