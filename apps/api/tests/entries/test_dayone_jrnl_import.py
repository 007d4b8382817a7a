"""Importing Day One (zip or bare Journal.json) and jrnl JSON exports: detected by content,
converted (dates in the entry's time zone, heading → title, @tags, starred), photos
counted as unsupported, idempotent, and hostile files refused with a clear 422."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from fastapi.testclient import TestClient

from apps.api.app.entries import transfer

# Written after Day One's JSON export (File → Export → JSON): one object with "metadata"
# and "entries"; text in markdown with photos as dayone-moment links; creationDate in UTC.
DAYONE: dict[str, Any] = {
    "metadata": {"version": "1.0"},
    "entries": [
        {
            "uuid": "5F2C0D3A1B4E4A6B8C9D0E1F2A3B4C5D",
            "creationDate": "2024-03-09T23:30:00Z",
            "modifiedDate": "2024-03-10T08:00:00Z",
            "timeZone": "Asia/Tokyo",
            "starred": True,
            "isPinned": False,
            "duration": 0,
            "creationDevice": "iPhone",
            "tags": ["Travel", "food"],
            "text": "# Ramen in Shinjuku\n\nBest bowl ever. ![](dayone-moment://A1B2C3D4)\n\n"
            "Then a walk to the park.\n![](dayone-moment://E5F6A7B8)",
            "richText": '{"contents": []}',
            "photos": [
                {
                    "identifier": "A1B2C3D4",
                    "md5": "0cc175b9c0f1b6a831c399e269772661",
                    "type": "jpeg",
                },
                {
                    "identifier": "E5F6A7B8",
                    "md5": "92eb5ffee6ae2fec3ad71c777531578f",
                    "type": "png",
                },
            ],
            "location": {"placeName": "Shinjuku", "latitude": 35.69, "longitude": 139.7},
            "weather": {"conditionsDescription": "Clear", "temperatureCelsius": 9},
        },
        {
            "uuid": "0A1B2C3D4E5F60718293A4B5C6D7E8F9",
            "creationDate": "2024-03-10T05:00:00Z",
            "timeZone": "America/Los_Angeles",
            "starred": False,
            "tags": [],
            "text": "No heading here, just thoughts about the café and naïve plans.",
        },
        {
            "uuid": "FFEEDDCCBBAA00998877665544332211",
            "creationDate": "2023-12-31T22:15:00.000Z",
            "timeZone": "Europe/Paris",
            "tags": ["new year"],
            "text": "## Réveillon\nMidnight on the Seine.",
        },
        {
            "uuid": "11111111222233334444555566667777",
            "creationDate": "2024-01-02T10:00:00Z",
            "timeZone": "Europe/Paris",
            "text": "![](dayone-moment://C0FFEE00)",
            "photos": [{"identifier": "C0FFEE00", "md5": "abc", "type": "jpeg"}],
        },
    ],
}

# Written after jrnl's `jrnl --export json`: tags with their "@", title = first sentence.
JRNL: dict[str, Any] = {
    "tags": {"@work": 2, "@idea": 1},
    "entries": [
        {
            "title": "Meeting with Ana.",
            "body": "We planned the @work launch. Ship it!",
            "date": "2024-01-15",
            "time": "09:30",
            "tags": ["@work"],
            "starred": False,
        },
        {
            "title": "An @idea for the garden.",
            "body": "Tomatoes along the south wall; basil in pots.",
            "date": "2024-01-15",
            "time": "21:05",
            "tags": ["@idea", "@work"],
            "starred": True,
        },
        {
            "title": "Quiet day.",
            "body": "",
            "date": "2024-01-16",
            "time": "18:00",
            "tags": [],
            "starred": False,
        },
    ],
}


def _import(client: TestClient, headers: dict[str, str], name: str, data: bytes) -> Any:
    return client.post("/api/entries/import", files={"file": (name, data)}, headers=headers)


def _entries(client: TestClient, headers: dict[str, str]) -> dict[str, dict[str, Any]]:
    items = client.get("/api/entries", params={"limit": 100}, headers=headers).json()["items"]
    return {item["title"] or item["body"][:20]: item for item in items}


def _dayone_zip(document: dict[str, Any], journal_name: str = "Journal.json") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(journal_name, json.dumps(document))
        archive.writestr("photos/0cc175b9c0f1b6a831c399e269772661.jpeg", b"\xff\xd8\xff" * 1000)
        archive.writestr("photos/92eb5ffee6ae2fec3ad71c777531578f.png", b"\x89PNG" * 1000)
    return buffer.getvalue()


def _check_dayone_entries(client: TestClient, headers: dict[str, str]) -> None:
    entries = _entries(client, headers)
    assert set(entries) == {"Ramen in Shinjuku", "No heading here, jus", "Réveillon"}
    ramen = entries["Ramen in Shinjuku"]
    assert ramen["entry_date"] == "2024-03-10"  # 08:30 in Tokyo, still the 9th in UTC
    assert ramen["body"] == "Best bowl ever. \n\nThen a walk to the park."
    assert ramen["tags"] == ["travel", "food"]
    assert ramen["starred"] is True
    assert ramen["created_at"].startswith("2024-03-09T23:30:00")
    plain = entries["No heading here, jus"]
    assert plain["entry_date"] == "2024-03-09"  # 21:00 the day before in Los Angeles
    assert plain["title"] == ""
    assert plain["starred"] is False
    paris = entries["Réveillon"]
    assert paris["entry_date"] == "2023-12-31"
    assert paris["body"] == "Midnight on the Seine."
    assert paris["tags"] == ["new year"]


def test_day_one_json_imports_once(client: TestClient, auth_headers: dict[str, str]) -> None:
    raw = json.dumps(DAYONE).encode()
    first = _import(client, auth_headers, "Journal.json", raw)
    assert first.status_code == 200, first.text
    # Three entries; two photo links plus a photo-only entry (its photo and itself).
    assert first.json() == {"created": 3, "skipped": 0, "unsupported": 4}
    _check_dayone_entries(client, auth_headers)
    again = _import(client, auth_headers, "Journal.json", raw)
    assert again.json() == {"created": 0, "skipped": 3, "unsupported": 4}
    assert len(_entries(client, auth_headers)) == 3


def test_day_one_zip_with_photos_imports_once_and_matches_the_bare_json(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    archive = _dayone_zip(DAYONE, "My Journal.json")
    first = _import(client, auth_headers, "export.zip", archive)
    assert first.status_code == 200, first.text
    assert first.json() == {"created": 3, "skipped": 0, "unsupported": 4}
    _check_dayone_entries(client, auth_headers)
    assert _import(client, auth_headers, "export.zip", archive).json()["created"] == 0
    # The same entries from the bare JSON are the same entries (keyed on Day One's uuid).
    bare = _import(client, auth_headers, "Journal.json", json.dumps(DAYONE).encode())
    assert bare.json() == {"created": 0, "skipped": 3, "unsupported": 4}
    assert len(_entries(client, auth_headers)) == 3


def test_jrnl_json_imports_once(client: TestClient, auth_headers: dict[str, str]) -> None:
    raw = json.dumps(JRNL).encode()
    first = _import(client, auth_headers, "journal.json", raw)
    assert first.status_code == 200, first.text
    assert first.json() == {"created": 3, "skipped": 0, "unsupported": 0}
    entries = _entries(client, auth_headers)
    idea = entries["An @idea for the garden."]
    assert idea["tags"] == ["idea", "work"]
    assert idea["starred"] is True
    assert idea["entry_date"] == "2024-01-15"
    assert idea["body"] == "Tomatoes along the south wall; basil in pots."
    assert entries["Quiet day."]["body"] == ""
    tags = {t["name"]: t["count"] for t in client.get("/api/tags", headers=auth_headers).json()}
    assert tags == {"work": 2, "idea": 1}
    again = _import(client, auth_headers, "journal.json", raw)
    assert again.json() == {"created": 0, "skipped": 3, "unsupported": 0}


def test_imports_of_two_users_do_not_collide(
    client: TestClient, client_factory: Any, make_user: Any, auth_headers: dict[str, str]
) -> None:
    from apps.api.tests.conftest import login

    other = client_factory()
    bob = login(other, make_user().email)
    raw = json.dumps(DAYONE).encode()
    assert _import(client, auth_headers, "Journal.json", raw).json()["created"] == 3
    assert _import(other, bob, "Journal.json", raw).json()["created"] == 3
    assert len(_entries(other, bob)) == 3


def _entry(**changes: Any) -> dict[str, Any]:
    base = {"uuid": "AB12", "creationDate": "2024-01-01T10:00:00Z", "timeZone": "UTC", "text": "x"}
    return {**base, **changes}


@pytest.mark.parametrize(
    "entry",
    [
        _entry(text=5),
        _entry(tags="travel"),
        _entry(tags=[1, 2]),
        _entry(starred="yes"),
        _entry(creationDate="yesterday"),
        _entry(creationDate=1704103200),
        _entry(creationDate="2024-02-30T10:00:00Z"),
        _entry(timeZone="Mars/Olympus"),
        _entry(timeZone="../../etc/passwd"),
        _entry(timeZone=["UTC"]),
        _entry(uuid=""),
        _entry(uuid="x" * 65),
        _entry(uuid={"a": 1}),
        _entry(text="a\x00b"),
        _entry(text="y" * 200_001),
        _entry(tags=["t"] * 5 + [f"t{n}" for n in range(30)]),
        "not an object",
    ],
)
def test_a_bad_day_one_entry_refuses_the_file_with_422(
    client: TestClient, auth_headers: dict[str, str], entry: Any
) -> None:
    document = {"metadata": {}, "entries": [_entry(uuid="GOOD1"), entry]}
    answer = _import(client, auth_headers, "Journal.json", json.dumps(document).encode())
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == "validation_error"
    assert answer.json()["errors"]
    assert _entries(client, auth_headers) == {}


@pytest.mark.parametrize(
    "entry",
    [
        {"title": "t", "body": "b", "date": "2024-13-01", "time": "09:00", "tags": []},
        {"title": "t", "body": "b", "date": "2024-01-01", "time": "25:00", "tags": []},
        {"title": "t", "body": "b", "date": 20240101, "time": "09:00", "tags": []},
        {"title": "t", "body": 5, "date": "2024-01-01", "time": "09:00", "tags": []},
        {"title": "t", "body": "b", "date": "2024-01-01", "time": "09:00", "tags": "@x"},
        {"title": "t", "body": "b", "date": "2024-01-01", "time": "09:00", "starred": 1},
    ],
)
def test_a_bad_jrnl_entry_refuses_the_file_with_422(
    client: TestClient, auth_headers: dict[str, str], entry: dict[str, Any]
) -> None:
    document = {"tags": {}, "entries": [entry]}
    answer = _import(client, auth_headers, "j.json", json.dumps(document).encode())
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == "validation_error"


def test_deeply_nested_day_one_json_is_422(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    raw = b'{"metadata": {}, "entries": [{"uuid": "A", "weather": ' + b"[" * 100_000 + b"]}"
    for name, data in (("Journal.json", raw), ("e.zip", _zip_of({"Journal.json": raw}))):
        answer = _import(client, auth_headers, name, data)
        assert answer.status_code == 422, answer.text


def _zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_too_many_day_one_entries_is_422_before_converting(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    document = {"metadata": {}, "entries": [{}] * (transfer.MAX_IMPORT_ENTRIES + 1)}
    answer = _import(client, auth_headers, "Journal.json", json.dumps(document).encode())
    assert answer.status_code == 422
    assert "Too many entries" in answer.json()["detail"]


def test_a_zip_whose_json_is_not_day_one_is_422(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    for member in (b'{"hello": 1}', b"not json", b'{"metadata": {}, "entries": "x"}'):
        answer = _import(client, auth_headers, "e.zip", _zip_of({"Journal.json": member}))
        assert answer.status_code == 422, answer.text
        assert answer.json()["code"] == "validation_error"
