"""The account activity log: security events (sign-ins, revocations, password and email
changes, exports…), written by the use case that causes them, in its transaction.

``record_event`` only flushes: the caller's single commit makes the event exist exactly when
the change it records does. A row never holds a token, password or code; ``detail`` is a
short label (the sign-in method, which device was signed out). Rows are pruned after
``KEEP_EVENTS`` by the hourly pruner (``auth.service.prune``).

Other domains (entries' export, devices' revocations) record through this module.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session

from apps.api.app import cursors
from apps.api.app.auth.exceptions import InvalidActivityCursor
from apps.api.app.auth.models import SecurityEvent
from apps.api.app.auth.reasons import AuthEvent
from apps.api.app.db.base import utcnow

KEEP_EVENTS = timedelta(days=180)
PAGE_SIZE = 50
MAX_CURSOR_LENGTH = 512
_DETAIL_LENGTH = 64


def record_event(
    db: Session,
    user_id: uuid.UUID,
    event: AuthEvent,
    *,
    ip: str | None,
    user_agent: str | None,
    detail: str | None = None,
) -> SecurityEvent:
    """Add one event to the user's log (flush only: the use case commits)."""
    row = SecurityEvent(
        user_id=user_id,
        at=utcnow(),
        event=event,
        ip=(ip or "")[:45] or None,
        user_agent=(user_agent or "")[:512] or None,
        detail=(detail or "")[:_DETAIL_LENGTH] or None,
    )
    db.add(row)
    db.flush()
    return row


def record_export(
    db: Session, user_id: uuid.UUID, fmt: str, *, ip: str | None, user_agent: str | None
) -> None:
    """The export use case's whole write: the event, committed (the export itself only
    reads, streamed after the answer starts)."""
    record_event(db, user_id, AuthEvent.EXPORT, ip=ip, user_agent=user_agent, detail=fmt)
    db.commit()


def delete_user_events(db: Session, user_id: uuid.UUID) -> int:
    result = db.execute(delete(SecurityEvent).where(SecurityEvent.user_id == user_id))
    return int(result.rowcount)  # type: ignore[attr-defined]


def prune_events(db: Session, now: datetime | None = None) -> int:
    """Delete events older than KEEP_EVENTS (flush only: the pruner commits)."""
    cutoff = (now or utcnow()) - KEEP_EVENTS
    result = db.execute(delete(SecurityEvent).where(SecurityEvent.at < cutoff))
    return int(result.rowcount)  # type: ignore[attr-defined]


# ---- the activity page -----------------------------------------------------------------------


def _encode_cursor(at: datetime, event_id: uuid.UUID) -> str:
    return cursors.encode([at.isoformat(), event_id.hex])


def _decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """The (at, id) key a cursor names, or 400 ``invalid_cursor``: base64url JSON of exactly
    ``[iso datetime with offset, 32 hex digits]``, checked before any query."""
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise InvalidActivityCursor()
    try:
        at_text, ident = cursors.string_list(cursors.decode(cursor), 2)
        return cursors.utc_moment(at_text), cursors.row_id(ident)
    except ValueError:
        raise InvalidActivityCursor() from None


@dataclass(frozen=True, slots=True)
class ActivityPage:
    items: list[SecurityEvent]
    next_cursor: str | None


def list_events(db: Session, user_id: uuid.UUID, cursor: str | None = None) -> ActivityPage:
    """One page of the user's events, newest first (keyset on ``at``, then ``id``)."""
    query = select(SecurityEvent).where(SecurityEvent.user_id == user_id)
    if cursor:
        at, ident = _decode_cursor(cursor)
        query = query.where(
            or_(
                SecurityEvent.at < at,
                and_(SecurityEvent.at == at, SecurityEvent.id < ident),
            )
        )
    rows = list(
        db.scalars(
            query.order_by(SecurityEvent.at.desc(), SecurityEvent.id.desc()).limit(PAGE_SIZE + 1)
        )
    )
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return ActivityPage(rows, _encode_cursor(rows[-1].at, rows[-1].id) if more else None)
