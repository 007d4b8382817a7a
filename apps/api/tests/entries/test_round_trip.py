"""Export → import is exact for every string the API accepts, in both export formats."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

FIELDS = ("id", "title", "body", "tags", "mood", "entry_date", "created_at", "updated_at")
FORMATS = ("json", "markdown")

# Characters that break naive line handling (str.splitlines, YAML line breaks, CRLF) and
# the markdown file's own syntax, mixed into arbitrary text so the search reaches them.
_TRICKY = [
    "\n", "\r", "\r\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e",
    "---", "\n---\n", "---\n", ":", '"', "\\", " ", "\t", "\ufeff", "#", "é", "🙂",
]  # fmt: skip
_piece = st.one_of(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    st.sampled_from(_TRICKY),
)


def _text(max_pieces: int) -> st.SearchStrategy[str]:
    return st.lists(_piece, max_size=max_pieces).map("".join)


titles = _text(40).filter(lambda t: len(t) <= 200)
bodies = _text(80)
tags = st.lists(_text(12).filter(lambda t: t.strip() and len(t) <= 50), max_size=4)


def _all_ids(client: TestClient, headers: dict[str, str]) -> Iterator[str]:
    page = client.get("/api/entries", params={"limit": 100}, headers=headers).json()
    for item in page["items"]:
        yield item["id"]


def _round_trip(
    client: TestClient,
    headers: dict[str, str],
    fmt: str,
    entries: list[dict[str, Any]],
    *,
    generated: bool = False,
) -> None:
    for entry_id in list(_all_ids(client, headers)):  # a clean journal per example
        client.delete(f"/api/entries/{entry_id}", headers=headers)
    originals = []
    for fields in entries:
        response = client.post("/api/entries", json=fields, headers=headers)
        if generated:
            assume(response.status_code == 201)  # e.g. title and body both blank
        assert response.status_code == 201, response.text
        originals.append(response.json())
    export = client.get("/api/entries/export", params={"format": fmt}, headers=headers)
    assert export.status_code == 200
    for original in originals:
        client.delete(f"/api/entries/{original['id']}", headers=headers)
    name = "journal.zip" if fmt == "markdown" else "journal.json"
    imported = client.post(
        "/api/entries/import", files={"file": (name, export.content)}, headers=headers
    )
    assert imported.status_code == 200, imported.text
    assert imported.json() == {"created": len(originals), "skipped": 0, "unsupported": 0}
    for original in originals:
        restored = client.get(f"/api/entries/{original['id']}", headers=headers).json()
        assert {k: restored[k] for k in FIELDS} == {k: original[k] for k in FIELDS}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "fields",
    [
        {"title": "a\u2028b", "body": "x"},
        {"title": "a\u2029b\x85c", "body": "x"},
        {"title": "t", "body": "x", "tags": ["a\u2028b"]},
        {"title": "t", "body": "\n\n  leading blank lines"},
        {"title": "t", "body": "trailing blank lines\n\n\n"},
        {"title": "t", "body": "---\nlooks like front matter\n---\n"},
        {"title": "t", "body": "\r\nwindows\r\nlines\r\n"},
        {"title": "---", "body": ""},
        {"title": "", "body": "\n---"},
    ],
)
def test_export_then_import_restores_tricky_strings_exactly(
    client: TestClient, auth_headers: dict[str, str], fmt: str, fields: dict[str, Any]
) -> None:
    _round_trip(client, auth_headers, fmt, [{"entry_date": "2026-01-02", **fields}])


@pytest.mark.parametrize("fmt", FORMATS)
@settings(
    max_examples=40,
    deadline=None,
    database=None,  # no example files written into the work tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    entries=st.lists(
        st.fixed_dictionaries(
            {"title": titles, "body": bodies, "tags": tags},
            optional={"mood": st.integers(1, 5)},
        ),
        min_size=1,
        max_size=3,
    )
)
@example(entries=[{"title": "a\u2028b", "body": "", "tags": ["x\u2029y"]}])
def test_export_then_import_is_exact_for_any_accepted_strings(
    client: TestClient, auth_headers: dict[str, str], fmt: str, entries: list[dict[str, Any]]
) -> None:
    _round_trip(client, auth_headers, fmt, entries, generated=True)
