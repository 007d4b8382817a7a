"""The listing cursors: opaque to clients (base64url JSON), strict when they come back.

A keyset cursor is the sort key of the last row served, ``[entry_date, created_at, id]``;
a search cursor is an offset, ``{"o": n}`` (ranked results have no stable key). Whatever a
client sends instead — another shape, another type, out-of-range values — is refused with
400 ``invalid_cursor`` before anything reaches the database.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
from datetime import UTC, date, datetime
from typing import Any

from apps.api.app.entries.exceptions import InvalidCursor

MAX_OFFSET = 1_000_000
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
_HEX_ID = re.compile(r"[0-9a-f]{32}")


def _encode(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def _decode(cursor: str) -> Any:
    """The JSON inside a cursor, or InvalidCursor: only base64url characters, valid UTF-8,
    valid JSON (bounded: the router caps a cursor at 512 characters)."""
    if not _BASE64URL.fullmatch(cursor):
        raise InvalidCursor()
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        return json.loads(raw.decode("utf-8"))
    except (ValueError, binascii.Error, UnicodeError, RecursionError):
        raise InvalidCursor() from None


def encode_key(entry_date: date, created_at: datetime, entry_id: uuid.UUID) -> str:
    return _encode([entry_date.isoformat(), created_at.isoformat(), entry_id.hex])


def decode_key(cursor: str) -> tuple[date, datetime, uuid.UUID]:
    payload = _decode(cursor)
    if not (
        isinstance(payload, list)
        and len(payload) == 3
        and all(isinstance(part, str) for part in payload)
    ):
        raise InvalidCursor()
    day, created, ident = payload
    if not _HEX_ID.fullmatch(ident):
        raise InvalidCursor()
    try:
        created_at = datetime.fromisoformat(created)
        if created_at.tzinfo is None:
            raise InvalidCursor()
        # OverflowError: an offset that moves the moment outside years 1..9999.
        return date.fromisoformat(day), created_at.astimezone(UTC), uuid.UUID(hex=ident)
    except (ValueError, OverflowError):
        raise InvalidCursor() from None


def encode_offset(offset: int) -> str:
    return _encode({"o": offset})


def decode_offset(cursor: str) -> int:
    payload = _decode(cursor)
    if not isinstance(payload, dict) or set(payload) != {"o"}:
        raise InvalidCursor()
    offset = payload["o"]
    # bool is an int subclass: {"o": true} is not an offset.
    if type(offset) is not int or not 0 <= offset <= MAX_OFFSET:
        raise InvalidCursor()
    return offset
