"""Session lifecycle, its one owner: create on sign-in, rotate the refresh token, revoke, list,
prune. A session (``UserSession``) is one signed-in device.

Its refresh token is derived from (id, rid); every use rotates ``rid``. A rotated-out token
presented again means it was copied: the session is revoked (reuse detection) — except for
the immediate parent within a short grace window, which two tabs refreshing at once produce,
and which gets the *current* token back.

These are helpers of the use cases in ``signin``/``service`` and ``devices``: they change
rows and ``flush``; the use case commits once and counts the metrics.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, or_, select, update
from sqlalchemy.orm import Session

from apps.api.app.auth.exceptions import InvalidToken, RefreshReused, SessionRevoked, TokenExpired
from apps.api.app.auth.models import User, UserSession
from apps.api.app.auth.reasons import RevokeReason
from apps.api.app.auth.tokens import decode_refresh_token, encode_refresh_token, new_rid
from apps.api.app.config import Settings
from apps.api.app.db.base import utcnow
from apps.api.app.useragent import device_label

GRACE = timedelta(seconds=10)
ABSOLUTE_LIFETIME = timedelta(days=90)
# Revoked and expired rows are kept this long (audit, "signed out" answers), then deleted.
PRUNE_AFTER = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Rotation:
    session: UserSession
    user: User
    refresh_token: str
    rotated: bool  # False for a grace answer (the current token re-sent)


def _sliding_expiry(session_created: datetime, now: datetime, settings: Settings) -> datetime:
    return min(
        now + timedelta(seconds=settings.refresh_ttl_seconds), session_created + ABSOLUTE_LIFETIME
    )


def create_session(
    db: Session,
    user: User,
    settings: Settings,
    *,
    ip: str | None,
    user_agent: str | None,
    signed_in_with: str | None = None,
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
        signed_in_with=signed_in_with,
    )
    db.add(session)
    db.flush()
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
) -> Rotation:
    """Exchange a refresh token for the next one (or the current one, within grace).

    Raises ``RefreshReused`` after revoking (flushing) the session: the caller commits that
    revocation before answering.
    """
    claims = decode_refresh_token(settings.secret, token)
    loaded = _load(db, claims.session_id)
    if loaded is None:
        raise InvalidToken("Invalid refresh token")
    session, user = loaded
    now = utcnow()
    if session.revoked_at is not None or not user.is_active:
        raise SessionRevoked()
    if session.expires_at <= now:
        raise TokenExpired("This session has expired. Sign in again.")

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
        if result.rowcount == 1:  # type: ignore[attr-defined]
            return Rotation(
                session, user, encode_refresh_token(settings.secret, session.id, next_rid), True
            )
        # Lost the race: end this transaction to see the winner's row.
        db.rollback()
        db.refresh(session)

    if (
        claims.rid == session.previous_rid
        and session.rotated_at is not None
        and now - session.rotated_at <= GRACE
    ):
        return Rotation(
            session, user, encode_refresh_token(settings.secret, session.id, session.rid), False
        )

    # A token we signed but that is neither current nor the fresh parent: it was copied.
    revoked = revoke_session(db, session.id, RevokeReason.REFRESH_REUSED)
    raise RefreshReused(newly_revoked=revoked, user_id=user.id)


def _revoke(db: Session, reason: RevokeReason, *where: ColumnElement[bool]) -> int:
    """Revoke the live sessions matching ``where``; returns how many this call revoked."""
    result = db.execute(
        update(UserSession)
        .where(UserSession.revoked_at.is_(None), *where)
        .values(revoked_at=utcnow(), revoke_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def revoke_session(
    db: Session, session_id: uuid.UUID, reason: RevokeReason, *, user_id: uuid.UUID | None = None
) -> bool:
    """Revoke one live session (of ``user_id``, if given); True if this call revoked it."""
    owner = [UserSession.user_id == user_id] if user_id is not None else []
    return bool(_revoke(db, reason, UserSession.id == session_id, *owner))


def owns_session(db: Session, user_id: uuid.UUID, session_id: uuid.UUID) -> bool:
    return (
        db.scalar(
            select(UserSession.id).where(
                UserSession.id == session_id, UserSession.user_id == user_id
            )
        )
        is not None
    )


def revoke_user_sessions(
    db: Session, user_id: uuid.UUID, reason: RevokeReason, *, keep: uuid.UUID | None = None
) -> int:
    """Revoke every live session of a user (but ``keep``); returns how many."""
    others = [UserSession.id != keep] if keep is not None else []
    return _revoke(db, reason, UserSession.user_id == user_id, *others)


def live_sessions(db: Session, user_id: uuid.UUID) -> list[UserSession]:
    now = utcnow()
    return list(
        db.scalars(
            select(UserSession)
            .where(
                UserSession.user_id == user_id,
                UserSession.revoked_at.is_(None),
                UserSession.expires_at > now,
            )
            .order_by(UserSession.last_used_at.desc(), UserSession.id)
        )
    )


def is_new_device(
    db: Session, user_id: uuid.UUID, user_agent: str | None, exclude: uuid.UUID
) -> bool:
    """True when the user has signed in before, but never from this kind of device."""
    label = device_label(user_agent)
    previous = db.scalars(
        select(UserSession.user_agent).where(
            UserSession.user_id == user_id, UserSession.id != exclude
        )
    ).all()
    return bool(previous) and all(device_label(ua) != label for ua in previous)


def prune_sessions(db: Session) -> int:
    """Delete sessions that ended more than PRUNE_AFTER ago."""
    cutoff = utcnow() - PRUNE_AFTER
    result = db.execute(
        delete(UserSession).where(
            or_(UserSession.expires_at < cutoff, UserSession.revoked_at < cutoff)
        )
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
