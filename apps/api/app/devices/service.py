"""Devices use cases: each one commits once and counts its revocations."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from apps.api.app.auth import events as auth_events
from apps.api.app.auth import metrics as auth_metrics
from apps.api.app.auth import sessions
from apps.api.app.auth.models import UserSession
from apps.api.app.auth.reasons import AuthEvent, RevokeReason
from apps.api.app.devices.schemas import SessionOut
from apps.api.app.errors import NotFound
from apps.api.app.useragent import device_label


def describe(rows: list[UserSession], current_id: uuid.UUID | None) -> list[SessionOut]:
    return [
        SessionOut(
            id=s.id,
            created_at=s.created_at,
            last_used_at=s.last_used_at,
            ip=s.ip,
            user_agent=s.user_agent,
            device=device_label(s.user_agent),
            current=s.id == current_id,
            signed_in_with=s.signed_in_with,
        )
        for s in rows
    ]


def list_devices(db: Session, user_id: uuid.UUID, current_id: uuid.UUID | None) -> list[SessionOut]:
    return describe(sessions.live_sessions(db, user_id), current_id)


def sign_out_device(
    db: Session,
    user_id: uuid.UUID,
    session_id: uuid.UUID,
    reason: RevokeReason,
    *,
    ip: str | None = None,
    user_agent: str | None = None,
) -> None:
    """Revoke one of the user's sessions; ``NotFound`` for an id that is not theirs.

    Revoking an already-ended session of theirs is a no-op (idempotent). The activity log
    names the device signed out."""
    if not sessions.owns_session(db, user_id, session_id):
        raise NotFound("Session not found")
    revoked = sessions.revoke_session(db, session_id, reason, user_id=user_id)
    if revoked:
        target = db.get(UserSession, session_id)
        auth_events.record_event(
            db,
            user_id,
            AuthEvent.SESSION_REVOKED,
            ip=ip,
            user_agent=user_agent,
            detail=device_label(target.user_agent if target else None),
        )
    db.commit()
    auth_metrics.revoked(reason, int(revoked))


def sign_out_others(
    db: Session,
    user_id: uuid.UUID,
    keep: uuid.UUID | None,
    *,
    ip: str | None = None,
    user_agent: str | None = None,
) -> int:
    reason = RevokeReason.SESSION_REVOKED
    revoked = sessions.revoke_user_sessions(db, user_id, reason, keep=keep)
    if revoked:
        auth_events.record_event(
            db,
            user_id,
            AuthEvent.SESSION_REVOKED,
            ip=ip,
            user_agent=user_agent,
            detail=f"{revoked} other device{'s' if revoked != 1 else ''}",
        )
    db.commit()
    auth_metrics.revoked(reason, revoked)
    return revoked


def admin_sign_out(db: Session, session_id: uuid.UUID) -> bool:
    """An administrator ends any session (CLI); False if there is no live one."""
    revoked = sessions.revoke_session(db, session_id, RevokeReason.ADMIN)
    db.commit()
    auth_metrics.revoked(RevokeReason.ADMIN, int(revoked))
    return revoked
