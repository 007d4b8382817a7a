"""Session lifecycle: create on sign-in, rotate the refresh token, revoke.

A session is one signed-in device. Its refresh token is derived from (id, rid); every use
rotates ``rid``. A rotated-out token presented again means it was copied: the session is
revoked (reuse detection) — except for the immediate parent within a short grace window,
which two tabs refreshing at once produce, and which gets the *current* token back.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from apps.api.app import metrics
from apps.api.app.auth.models import User, UserSession
from apps.api.app.auth.tokens import (
    InvalidRefreshToken,
    decode_refresh_token,
    encode_refresh_token,
    new_rid,
)
from apps.api.app.config import Settings
from apps.api.app.db.base import utcnow
from apps.api.app.errors import AppError

GRACE = timedelta(seconds=10)
ABSOLUTE_LIFETIME = timedelta(days=90)


class SessionRevoked(AppError):
    status_code = 401
    code = "session_revoked"

    def __init__(self) -> None:
        super().__init__("This session has ended. Sign in again.")


class RefreshReused(AppError):
    status_code = 401
    code = "refresh_reused"

    def __init__(self) -> None:
        super().__init__("This refresh token was already used; the session has been ended.")


class RefreshExpired(AppError):
    status_code = 401
    code = "token_expired"

    def __init__(self) -> None:
        super().__init__("This session has expired. Sign in again.")


class RevokeReason:
    LOGOUT = "logout"
    SESSION_REVOKED = "session_revoked"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a reason label
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - a reason label
    REFRESH_REUSED = "refresh_reused"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class RefreshOutcome:
    session: UserSession
    user: User
    refresh_token: str
    rotated: bool  # False for a grace answer (the current token re-sent)


def _sliding_expiry(session_created: datetime, now: datetime, settings: Settings) -> datetime:
    return min(
        now + timedelta(seconds=settings.refresh_ttl_seconds), session_created + ABSOLUTE_LIFETIME
    )


def create_session(
    db: Session, user: User, settings: Settings, *, ip: str | None, user_agent: str | None
) -> tuple[UserSession, str]:
    now = utcnow()
    session = UserSession(
        user_id=user.id,
        rid=new_rid(),
        created_at=now,
        last_used_at=now,
        expires_at=_sliding_expiry(now, now, settings),
        ip=ip,
        user_agent=(user_agent or "")[:512] or None,
    )
    db.add(session)
    db.commit()
    return session, encode_refresh_token(settings.secret, session.id, session.rid)


def _load(db: Session, session_id: uuid.UUID) -> tuple[UserSession, User] | None:
    row = db.execute(
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.id == session_id)
    ).first()
    return (row[0], row[1]) if row else None


def rotate_refresh_token(
    db: Session, settings: Settings, token: str, *, ip: str | None = None
) -> RefreshOutcome:
    """Exchange a refresh token for the next one (or the current one, within grace)."""
    claims = decode_refresh_token(settings.secret, token)
    loaded = _load(db, claims.session_id)
    if loaded is None:
        raise InvalidRefreshToken("Invalid refresh token")
    session, user = loaded
    now = utcnow()
    if session.revoked_at is not None or not user.is_active:
        raise SessionRevoked()
    if session.expires_at <= now:
        raise RefreshExpired()

    if claims.rid == session.rid:
        next_rid = new_rid()
        # Compare-and-set on rid: of two concurrent rotations of the same token exactly one
        # wins; the other falls through to the grace check below.
        result = db.execute(
            update(UserSession)
            .where(UserSession.id == session.id, UserSession.rid == claims.rid)
            .values(
                rid=next_rid,
                previous_rid=claims.rid,
                rotated_at=now,
                last_used_at=now,
                expires_at=_sliding_expiry(session.created_at, now, settings),
                ip=ip or session.ip,
            )
            .execution_options(synchronize_session=False)
        )
        db.commit()
        if result.rowcount == 1:  # type: ignore[attr-defined]
            metrics.REFRESH_ROTATIONS.inc()
            db.refresh(session)
            return RefreshOutcome(
                session, user, encode_refresh_token(settings.secret, session.id, next_rid), True
            )
        db.refresh(session)

    if (
        claims.rid == session.previous_rid
        and session.rotated_at is not None
        and now - session.rotated_at <= GRACE
    ):
        return RefreshOutcome(
            session, user, encode_refresh_token(settings.secret, session.id, session.rid), False
        )

    # A token we signed but that is neither current nor the fresh parent: it was copied.
    revoke_session(db, session, RevokeReason.REFRESH_REUSED)
    raise RefreshReused()


def revoke_session(db: Session, session: UserSession, reason: str) -> bool:
    """Revoke one session; True if this call revoked it (False if it was already)."""
    result = db.execute(
        update(UserSession)
        .where(UserSession.id == session.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoke_reason=reason)
        .execution_options(synchronize_session=False)
    )
    db.commit()
    revoked = int(result.rowcount)  # type: ignore[attr-defined]
    if revoked:
        metrics.REVOCATIONS.labels(reason=reason).inc()
    return bool(revoked)


def revoke_session_by_id(db: Session, session_id: uuid.UUID, reason: str) -> bool:
    session = db.get(UserSession, session_id)
    return revoke_session(db, session, reason) if session else False


def revoke_owned_session(
    db: Session, user_id: uuid.UUID, session_id: uuid.UUID, reason: str
) -> bool | None:
    """Revoke a session of this user; None if the user has no such session."""
    session = db.scalar(
        select(UserSession).where(UserSession.id == session_id, UserSession.user_id == user_id)
    )
    if session is None:
        return None
    return revoke_session(db, session, reason)


def revoke_user_sessions(
    db: Session, user_id: uuid.UUID, reason: str, *, keep: uuid.UUID | None = None
) -> int:
    """Revoke every live session of a user (but ``keep``); returns how many."""
    query = update(UserSession).where(
        UserSession.user_id == user_id, UserSession.revoked_at.is_(None)
    )
    if keep is not None:
        query = query.where(UserSession.id != keep)
    result = db.execute(
        query.values(revoked_at=utcnow(), revoke_reason=reason).execution_options(
            synchronize_session=False
        )
    )
    db.commit()
    revoked = int(result.rowcount)  # type: ignore[attr-defined]
    if revoked:
        metrics.REVOCATIONS.labels(reason=reason).inc(revoked)
    return revoked
