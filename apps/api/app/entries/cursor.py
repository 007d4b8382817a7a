"""The listing cursors: opaque to clients (base64url JSON), strict when they come back.

A keyset cursor is the sort key of the last row served, ``[entry_date, created_at, id]``;
a search cursor is an offset, ``{"o": n}`` (ranked results have no stable key). Whatever a
client sends instead — another shape, another type, out-of-range values — is refused with
400 ``invalid_cursor`` before anything reaches the database.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from apps.api.app import cursors
from apps.api.app.entries.exceptions import InvalidCursor

MAX_OFFSET = 1_000_000


def _decode(cursor: str) -> Any:
    """The JSON inside a cursor, or InvalidCursor (the router caps a cursor at 512
    characters)."""
    try:
        return cursors.decode(cursor)
    except ValueError:
        raise InvalidCursor() from None


def encode_key(entry_date: date, created_at: datetime, entry_id: uuid.UUID) -> str:
    return cursors.encode([entry_date.isoformat(), created_at.isoformat(), entry_id.hex])


def decode_key(cursor: str) -> tuple[date, datetime, uuid.UUID]:
    try:
        day, created, ident = cursors.string_list(_decode(cursor), 3)
        return date.fromisoformat(day), cursors.utc_moment(created), cursors.row_id(ident)
    except ValueError:
        raise InvalidCursor() from None


def encode_offset(offset: int) -> str:
    return cursors.encode({"o": offset})


def decode_offset(cursor: str) -> int:
    payload = _decode(cursor)
    if not isinstance(payload, dict) or set(payload) != {"o"}:
        raise InvalidCursor()
    offset = payload["o"]
    # bool is an int subclass: {"o": true} is not an offset.
    if type(offset) is not int or not 0 <= offset <= MAX_OFFSET:
        raise InvalidCursor()
    return offset
