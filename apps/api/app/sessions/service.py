"""Listing and pruning sessions. Revocation itself lives in auth.sessions."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from apps.api.app.auth.models import EmailToken, UserSession
from apps.api.app.db.base import utcnow
from apps.api.app.sessions.devices import device_label
from apps.api.app.sessions.schemas import SessionOut

# Revoked and expired rows are kept this long (audit, "signed out" answers), then deleted.
PRUNE_AFTER = timedelta(days=7)


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


def describe(sessions: list[UserSession], current_id: uuid.UUID | None) -> list[SessionOut]:
    return [
        SessionOut(
            id=s.id,
            created_at=s.created_at,
            last_used_at=s.last_used_at,
            ip=s.ip,
            user_agent=s.user_agent,
            device=device_label(s.user_agent),
            current=s.id == current_id,
        )
        for s in sessions
    ]


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


def prune(db: Session) -> tuple[int, int]:
    """Delete sessions and mailed tokens that ended more than PRUNE_AFTER ago."""
    cutoff = utcnow() - PRUNE_AFTER
    sessions = db.execute(
        delete(UserSession).where(
            or_(UserSession.expires_at < cutoff, UserSession.revoked_at < cutoff)
        )
    )
    tokens = db.execute(
        delete(EmailToken).where(or_(EmailToken.expires_at < cutoff, EmailToken.used_at < cutoff))
    )
    db.commit()
    return int(sessions.rowcount), int(tokens.rowcount)  # type: ignore[attr-defined]
