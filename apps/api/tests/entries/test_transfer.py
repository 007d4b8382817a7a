"""Export (JSON, markdown zip) and idempotent import."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from apps.api.tests.conftest import login
from apps.api.tests.entries.helpers import create_entry as _create


def _import(client: TestClient, headers: dict[str, str], name: str, data: bytes) -> Any:
    return client.post("/api/entries/import", files={"file": (name, data)}, headers=headers)


def _listed(client: TestClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    return list(client.get("/api/entries", params={"limit": 100}, headers=headers).json()["items"])


def test_json_export_holds_every_entry(client: TestClient, auth_headers: dict[str, str]) -> None:
    made = [
        _create(client, auth_headers, title=f"E{i}", body=f"body {i}", tags=["t"], mood=3)
        for i in range(5)
    ]
    response = client.get("/api/entries/export", headers=auth_headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert "attachment" in response.headers["content-disposition"]
    document = response.json()
    assert document["format"] == "journal-export"
    assert document["version"] == 1
    assert {e["id"] for e in document["entries"]} == {e["id"] for e in made}
    assert document["entries"][0]["tags"] == ["t"]


def test_export_of_an_empty_journal_is_valid(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    assert client.get("/api/entries/export", headers=auth_headers).json()["entries"] == []


def test_markdown_export_is_a_zip_of_files_with_front_matter(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    entry = _create(
        client,
        auth_headers,
        title='A "quoted" day',
        body="# Heading\n\nText.",
        tags=["a", "b"],
        entry_date="2026-02-03",
        mood=5,
    )
    response = client.get(
        "/api/entries/export", params={"format": "markdown"}, headers=auth_headers
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    (name,) = archive.namelist()
    assert name.startswith("2026-02-03-a-quoted-day-")
    text = archive.read(name).decode()
    assert text.startswith("---\n")
    assert f'id: "{entry["id"]}"' in text
    assert 'title: "A \\"quoted\\" day"' in text
    assert 'tags: ["a", "b"]' in text
    assert text.endswith("# Heading\n\nText.\n")


def test_export_is_scoped_to_the_user(
    client: TestClient, client_factory: Callable[..., TestClient], make_user: Callable[..., Any]
) -> None:
    other = client_factory()
    alice = login(client, make_user().email)
    bob = login(other, make_user().email)
    _create(client, alice, title="Alice only", body="x")
    assert other.get("/api/entries/export", headers=bob).json()["entries"] == []


def test_export_needs_authentication(client: TestClient) -> None:
    assert client.get("/api/entries/export").status_code == 401


def test_json_round_trip_into_another_account_is_idempotent(
    client: TestClient, client_factory: Callable[..., TestClient], make_user: Callable[..., Any]
) -> None:
    other = client_factory()
    alice = login(client, make_user().email)
    bob = login(other, make_user().email)
    for i in range(3):
        _create(client, alice, title=f"T{i}", body="b", tags=["x"], entry_date=f"2026-01-0{i + 1}")
    export = client.get("/api/entries/export", headers=alice).content

    first = _import(other, bob, "export.json", export)
    assert first.status_code == 200, first.text
    assert first.json() == {"created": 3, "skipped": 0, "unsupported": 0}
    again = _import(other, bob, "export.json", export)
    assert again.json() == {"created": 0, "skipped": 3, "unsupported": 0}
    bobs = _listed(other, bob)
    assert sorted(e["title"] for e in bobs) == ["T0", "T1", "T2"]
    # Bob got copies with ids of his own; Alice's entries are untouched.
    alices = _listed(client, alice)
    assert not {e["id"] for e in bobs} & {e["id"] for e in alices}
    assert len(alices) == 3


def test_markdown_round_trip_restores_entries(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    original = _create(
        client,
        auth_headers,
        title="Keep me",
        body="Line one\n\nLine two",
        tags=["k"],
        mood=2,
        entry_date="2025-12-24",
    )
    archive = client.get("/api/entries/export", params={"format": "markdown"}, headers=auth_headers)
    client.delete(f"/api/entries/{original['id']}", headers=auth_headers)
    restored = _import(client, auth_headers, "journal.zip", archive.content)
    assert restored.json() == {"created": 1, "skipped": 0, "unsupported": 0}
    (entry,) = _listed(client, auth_headers)
    for field in ("id", "title", "body", "tags", "mood", "entry_date", "created_at"):
        assert entry[field] == original[field], field
    assert _import(client, auth_headers, "journal.zip", archive.content).json() == {
        "created": 0,
        "skipped": 1,
        "unsupported": 0,
    }


def test_hand_written_markdown_without_ids_imports_once(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "notes/day.md", '---\ntitle: My day\ndate: 2024-05-06\ntags: ["walk"]\n---\nSunny.\n'
        )
    for expected in (
        {"created": 1, "skipped": 0, "unsupported": 0},
        {"created": 0, "skipped": 1, "unsupported": 0},
    ):
        assert _import(client, auth_headers, "notes.zip", buffer.getvalue()).json() == expected
    (entry,) = _listed(client, auth_headers)
    assert entry["title"] == "My day"
    assert entry["entry_date"] == "2024-05-06"
    assert entry["tags"] == ["walk"]
    assert entry["body"] == "Sunny."


def test_invalid_files_are_refused_whole_with_the_place_named(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    bad = json.dumps(
        {
            "entries": [
                {"title": "fine", "body": "ok", "entry_date": "2026-01-01"},
                {"title": "bad mood", "body": "x", "entry_date": "2026-01-02", "mood": 9},
            ]
        }
    ).encode()
    response = _import(client, auth_headers, "bad.json", bad)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert "entries[1]" in body["detail"]
    assert body["errors"][0]["loc"][:2] == ["file", "entries[1]"]
    assert _listed(client, auth_headers) == []  # nothing half-imported
    for name, data in [
        ("x.json", b"not json"),
        ("x.zip", b"PK\x03\x04garbage"),
        ("x.json", b"[1, 2]"),
    ]:
        response = _import(client, auth_headers, name, data)
        assert response.status_code == 422, name
        assert response.json()["detail"]


def test_import_needs_multipart_and_csrf(
    client_factory: Callable[..., TestClient], make_user: Callable[..., Any]
) -> None:
    client = client_factory(auth_cookie_refresh=True)
    headers = login(client, make_user().email)
    no_csrf = {"Authorization": headers["Authorization"]}
    data = json.dumps({"entries": []}).encode()
    assert _import(client, no_csrf, "e.json", data).status_code == 403
    as_json = client.post("/api/entries/import", json={"entries": []}, headers=headers)
    assert as_json.status_code == 415
    assert _import(client, headers, "e.json", data).json() == {
        "created": 0,
        "skipped": 0,
        "unsupported": 0,
    }


def test_import_body_limit_is_its_own(
    client_factory: Callable[..., TestClient], make_user: Callable[..., Any]
) -> None:
    client = client_factory(max_body_bytes=2048, max_import_bytes=4096)
    headers = login(client, make_user().email)
    small = json.dumps({"entries": [{"title": "x" * 100, "entry_date": "2026-01-01"}]}).encode()
    assert _import(client, headers, "e.json", small).status_code == 200
    big = json.dumps({"entries": [{"title": "t", "body": "x" * 5000, "entry_date": "2026-01-01"}]})
    response = _import(client, headers, "e.json", big.encode())
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
