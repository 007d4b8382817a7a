"""Hostile cursors: whatever a client sends as `cursor`, a malformed one is 400 invalid_cursor."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

_DAY = "2026-01-01"
_CREATED = "2026-01-01T10:00:00+00:00"
_ID = "0" * 32


def _opaque(payload: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def _raw(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


# Each decodes to JSON (or bytes) a listing cursor must refuse.
MALFORMED_KEYSET = [
    _opaque([_DAY, _CREATED, 1]),  # uuid.UUID(hex=1)
    _opaque([_DAY, _CREATED, 10**40]),
    _opaque([_DAY, _CREATED, None]),
    _opaque([_DAY, _CREATED, [_ID]]),
    _opaque([_DAY, _CREATED, {"hex": _ID}]),
    _opaque([_DAY, "0001-01-01T00:00:00+14:00", _ID]),  # OverflowError in astimezone
    _opaque([_DAY, "9999-12-31T23:59:59-14:00", _ID]),
    _opaque([_DAY, "2026-01-01T10:00:00", _ID]),  # naive
    _opaque([_DAY, 1.5, _ID]),
    _opaque([_DAY, True, _ID]),
    _opaque([20260101, _CREATED, _ID]),
    _opaque(["0000-01-01", _CREATED, _ID]),
    _opaque(["2026-13-01", _CREATED, _ID]),
    _opaque([_DAY, _CREATED, "z" * 32]),
    _opaque([_DAY, _CREATED, _ID[:-1]]),
    _opaque([_DAY, _CREATED]),
    _opaque([_DAY, _CREATED, _ID, _ID]),
    _opaque("abc"),  # a 3-character string unpacks into three names
    _opaque({"a": 1, "b": 2, "c": 3}),  # so does a 3-key object
    _opaque({"o": 5}),  # an offset cursor given to a keyset listing
    _opaque([]),
    _opaque(None),
    _opaque(1e308),
    _opaque([[[[[]]]]]),
    _raw(b"[" * 300),
    _raw(b"\xff\xfe\x00garbage"),
    _raw(b'["2026-01-01", "\\ud800", "x"]'),  # lone surrogate
    _raw(b"[1e99999, 1, 1]"),
    "garbage",
    "",
    "====",
    "a",
    "éé",
    "%00",
    _opaque([_DAY, _CREATED, _ID]) + "!",
    "\x00" + _opaque([_DAY, _CREATED, _ID]),
]

MALFORMED_OFFSET = [
    _opaque({"o": -1}),
    _opaque({"o": 10**40}),
    _opaque({"o": 1_000_001}),
    _opaque({"o": True}),
    _opaque({"o": False}),
    _opaque({"o": 1.0}),
    _opaque({"o": "5"}),
    _opaque({"o": None}),
    _opaque({"o": [5]}),
    _opaque({}),
    _opaque({"p": 1}),
    _opaque([5]),
    _opaque([_DAY, _CREATED, _ID]),  # a keyset cursor given to a search
    _opaque("o"),
    _opaque(5),
    _raw(b"{" * 300),
    _raw(b'{"o": 1e99999}'),
    "garbage",
    "",
    "é",
]


def _assert_invalid_cursor(response: Any) -> None:
    assert response.status_code == 400, response.text
    assert response.json() == {
        "detail": "The cursor is malformed or from another listing",
        "code": "invalid_cursor",
    }


@pytest.mark.parametrize("cursor", MALFORMED_KEYSET)
def test_malformed_listing_cursor_is_400_invalid_cursor(
    client: TestClient, auth_headers: dict[str, str], cursor: str
) -> None:
    response = client.get("/api/entries", params={"cursor": cursor}, headers=auth_headers)
    _assert_invalid_cursor(response)
    # The filtered listing decodes the same cursor through the same codec.
    filtered = client.get(
        "/api/entries", params={"cursor": cursor, "tag": "x"}, headers=auth_headers
    )
    _assert_invalid_cursor(filtered)


@pytest.mark.parametrize("cursor", MALFORMED_OFFSET)
def test_malformed_search_cursor_is_400_invalid_cursor(
    client: TestClient, auth_headers: dict[str, str], cursor: str
) -> None:
    response = client.get(
        "/api/entries", params={"q": "word", "cursor": cursor}, headers=auth_headers
    )
    _assert_invalid_cursor(response)


def test_cursors_the_api_hands_out_still_work(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    for i in range(3):
        client.post("/api/entries", json={"body": f"word {i}"}, headers=auth_headers)
    for params in ({"limit": 1}, {"limit": 1, "q": "word"}):
        first = client.get("/api/entries", params=params, headers=auth_headers).json()
        assert first["next_cursor"]
        second = client.get(
            "/api/entries", params={**params, "cursor": first["next_cursor"]}, headers=auth_headers
        )
        assert second.status_code == 200
        assert second.json()["items"][0]["id"] != first["items"][0]["id"]
