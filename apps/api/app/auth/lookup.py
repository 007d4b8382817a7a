"""The per-request session check: one lean query, and no thread hop.

Every authenticated request reads its session row (revocation must be immediate on every
replica), so this query is the hot path. It is a Core statement built once (SQLAlchemy
caches its compiled form) returning plain columns, not ORM objects, run through the
``Reader`` (db.py), which avoids the thread pool.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import Update, bindparam, select, update

from apps.api.app.auth.models import User, UserSession
from apps.api.app.db.reader import Reader


@dataclass(frozen=True, slots=True)
class Principal:
    """The signed-in user as the session check read it: read-only, no database session.
    A subset of ``User``'s columns, read by name (each field is a ``User`` attribute)."""

    id: uuid.UUID
    email: str
    display_name: str
    is_admin: bool
    is_active: bool
    email_verified_at: datetime | None
    notify_new_device: bool
    created_at: datetime
    timezone: str

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None


@dataclass(frozen=True, slots=True)
class SessionRow:
    user: Principal
    revoked_at: datetime | None
    expires_at: datetime
    last_used_at: datetime


# The principal's fields name the user columns read: one list, so the two cannot drift.
_USER_COLUMNS = tuple(getattr(User, f.name) for f in fields(Principal))
_SESSION_COLUMNS = (UserSession.revoked_at, UserSession.expires_at, UserSession.last_used_at)
_LOOKUP = (
    select(*_USER_COLUMNS, *_SESSION_COLUMNS)
    .join(UserSession, UserSession.user_id == User.id)
    .where(UserSession.id == bindparam("sid"), User.id == bindparam("uid"))
)
_N_USER = len(_USER_COLUMNS)


def _touch(session_id: uuid.UUID, now: datetime) -> Update:
    return (
        update(UserSession)
        .where(UserSession.id == session_id)
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )


def _session_row(row: tuple[object, ...]) -> SessionRow:
    return SessionRow(Principal(*row[:_N_USER]), *row[_N_USER:])  # type: ignore[arg-type]


async def load_session(
    reader: Reader, session_id: uuid.UUID, user_id: uuid.UUID
) -> SessionRow | None:
    row = await reader.first(_LOOKUP, {"sid": session_id, "uid": user_id})
    return _session_row(tuple(row)) if row is not None else None


async def touch_session(reader: Reader, session_id: uuid.UUID, now: datetime) -> None:
    await reader.write(_touch(session_id, now))
