"""Opaque listing cursors: base64url JSON out, strictly checked when they come back.

Shared by every keyset-paged listing (entries, the activity log). Each caller turns a
``ValueError`` from here into its own 400 ``invalid_cursor`` and checks the payload's shape.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
from datetime import UTC, datetime
from typing import Any

_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
_HEX_ID = re.compile(r"[0-9a-f]{32}")


def encode(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def decode(cursor: str) -> Any:
    """The JSON inside a cursor, or ValueError: only base64url characters, valid UTF-8, valid
    JSON (callers bound the cursor's length before this)."""
    if not _BASE64URL.fullmatch(cursor):
        raise ValueError("not base64url")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        return json.loads(raw.decode("utf-8"))
    except (binascii.Error, UnicodeError, RecursionError) as exc:
        raise ValueError("not a cursor") from exc


def string_list(payload: Any, length: int) -> list[str]:
    """``payload`` as a list of exactly ``length`` strings, or ValueError."""
    if not (
        isinstance(payload, list)
        and len(payload) == length
        and all(isinstance(part, str) for part in payload)
    ):
        raise ValueError("wrong shape")
    return payload


def row_id(text: str) -> uuid.UUID:
    """A row id as a cursor writes it (32 lower-case hex digits), or ValueError."""
    if not _HEX_ID.fullmatch(text):
        raise ValueError("not a row id")
    return uuid.UUID(hex=text)


def utc_moment(text: str) -> datetime:
    """An ISO datetime with an offset, in UTC, or ValueError (OverflowError included: an offset
    that moves the moment outside years 1..9999)."""
    try:
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            raise ValueError("naive datetime")
        return moment.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("out of range") from exc
