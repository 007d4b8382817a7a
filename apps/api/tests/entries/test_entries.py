from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from apps.api.tests.conftest import login
from apps.api.tests.entries.helpers import create_entry


def _create(client: TestClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    return create_entry(client, headers, **{"body": "hello", **fields})


def test_create_uses_defaults_and_normalises_tags(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    entry = _create(client, auth_headers, tags=["  Work ", "work", "Ideas"])
    assert entry["title"] == ""
    assert entry["mood"] is None
    assert entry["entry_date"] == date.today().isoformat()
    assert entry["tags"] == ["work", "ideas"]
    fetched = client.get(f"/api/entries/{entry['id']}", headers=auth_headers)
    assert fetched.status_code == 200
    assert fetched.json() == entry
    assert fetched.headers["etag"]


def test_title_alone_is_enough(client: TestClient, auth_headers: dict[str, str]) -> None:
    response = client.post("/api/entries", json={"title": "Just a title"}, headers=auth_headers)
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("payload", "loc"),
    [
        ({}, ["body"]),
        ({"title": "  ", "body": "   "}, ["body"]),
        ({"body": "x", "mood": 6}, ["body", "mood"]),
        ({"body": "x", "mood": 0}, ["body", "mood"]),
        ({"body": "x", "tags": [""]}, ["body", "tags"]),
        ({"body": "x", "tags": ["t" * 51]}, ["body", "tags"]),
        ({"body": "x", "tags": [f"t{i}" for i in range(21)]}, ["body", "tags"]),
        ({"body": "x", "title": "t" * 201}, ["body", "title"]),
        ({"body": "x", "entry_date": "2026-02-30"}, ["body", "entry_date"]),
        ({"body": "x", "owner": "someone"}, ["body", "owner"]),
    ],
)
def test_invalid_entries_get_422_with_field_errors(
    client: TestClient, auth_headers: dict[str, str], payload: dict[str, Any], loc: list[str]
) -> None:
    response = client.post("/api/entries", json=payload, headers=auth_headers)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["detail"]
    assert body["errors"][0]["loc"] == loc


def test_oversized_body_is_413(client: TestClient, auth_headers: dict[str, str]) -> None:
    response = client.post("/api/entries", json={"body": "x" * (1_100_000)}, headers=auth_headers)
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_chunked_oversized_body_is_413(client: TestClient, auth_headers: dict[str, str]) -> None:
    def chunks() -> Any:
        yield b'{"body": "'
        for _ in range(20):
            yield b"x" * 65_536
        yield b'"}'

    response = client.post(
        "/api/entries",
        content=chunks(),
        headers={**auth_headers, "content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_non_json_body_is_415(client: TestClient, auth_headers: dict[str, str]) -> None:
    response = client.post(
        "/api/entries", content=b"body=x", headers={**auth_headers, "content-type": "text/plain"}
    )
    assert response.status_code == 415


def test_patch_changes_only_given_fields_and_can_clear_mood(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    entry = _create(client, auth_headers, title="T", mood=4, tags=["a"])
    response = client.patch(
        f"/api/entries/{entry['id']}", json={"mood": None}, headers=auth_headers
    )
    assert response.status_code == 200
    patched = response.json()
    assert patched["mood"] is None
    assert patched["title"] == "T"
    assert patched["tags"] == ["a"]
    assert patched["updated_at"] > entry["updated_at"]


def test_patch_cannot_empty_an_entry(client: TestClient, auth_headers: dict[str, str]) -> None:
    entry = _create(client, auth_headers, title="")
    response = client.patch(f"/api/entries/{entry['id']}", json={"body": " "}, headers=auth_headers)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_put_replaces_every_field_and_requires_them(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    entry = _create(client, auth_headers, title="Old", mood=2, tags=["x", "y"])
    full = {
        "title": "New",
        "body": "b",
        "tags": ["y", "z"],
        "mood": None,
        "entry_date": "2025-01-02",
    }
    response = client.put(f"/api/entries/{entry['id']}", json=full, headers=auth_headers)
    assert response.status_code == 200
    assert {k: response.json()[k] for k in full} == full
    partial = client.put(f"/api/entries/{entry['id']}", json={"body": "b"}, headers=auth_headers)
    assert partial.status_code == 422


def test_stale_if_match_is_412_and_fresh_one_succeeds(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    entry = _create(client, auth_headers)
    etag = client.get(f"/api/entries/{entry['id']}", headers=auth_headers).headers["etag"]
    first = client.patch(
        f"/api/entries/{entry['id']}",
        json={"body": "one"},
        headers={**auth_headers, "If-Match": etag},
    )
    assert first.status_code == 200
    assert first.headers["etag"] != etag
    stale = client.patch(
        f"/api/entries/{entry['id']}",
        json={"body": "two"},
        headers={**auth_headers, "If-Match": etag},
    )
    assert stale.status_code == 412
    assert stale.json()["code"] == "version_conflict"
    assert client.get(f"/api/entries/{entry['id']}", headers=auth_headers).json()["body"] == "one"
    fresh = client.patch(
        f"/api/entries/{entry['id']}",
        json={"body": "three"},
        headers={**auth_headers, "If-Match": first.headers["etag"]},
    )
    assert fresh.status_code == 200


def test_delete_then_404(client: TestClient, auth_headers: dict[str, str]) -> None:
    entry = _create(client, auth_headers)
    assert client.delete(f"/api/entries/{entry['id']}", headers=auth_headers).status_code == 204
    missing = client.get(f"/api/entries/{entry['id']}", headers=auth_headers)
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Entry not found", "code": "not_found"}


def test_malformed_id_is_404(client: TestClient, auth_headers: dict[str, str]) -> None:
    assert client.get("/api/entries/not-a-uuid", headers=auth_headers).status_code == 404


def test_entries_require_authentication(client: TestClient) -> None:
    assert client.get("/api/entries").status_code == 401
    assert client.post("/api/entries", json={"body": "x"}).status_code == 401


def test_another_users_entry_is_404_for_every_verb(
    client: TestClient, client_factory: Callable[..., TestClient], make_user: Callable[..., Any]
) -> None:
    # Two browsers: each user has their own cookie jar (and CSRF cookie).
    bobs_browser = client_factory()
    alice = login(client, make_user().email)
    bob = login(bobs_browser, make_user().email)
    entry = _create(client, alice, title="Alice's secret")
    url = f"/api/entries/{entry['id']}"
    full = {"title": "x", "body": "x", "tags": [], "mood": None, "entry_date": "2025-01-01"}
    answers = [
        bobs_browser.get(url, headers=bob),
        bobs_browser.patch(url, json={"title": "pwned"}, headers=bob),
        bobs_browser.put(url, json=full, headers=bob),
        bobs_browser.delete(url, headers=bob),
    ]
    assert [r.status_code for r in answers] == [404, 404, 404, 404]
    assert all(r.json()["code"] == "not_found" for r in answers)
    assert bobs_browser.get("/api/entries", headers=bob).json()["items"] == []
    assert bobs_browser.get("/api/tags", headers=bob).json() == []
    still = client.get(url, headers=alice).json()
    assert still["title"] == "Alice's secret"


def test_pagination_is_stable_and_complete(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    today = date(2026, 3, 1)
    created = []
    for i in range(23):
        # Several entries share a date, so the created_at/id tie-breakers matter.
        day = today - timedelta(days=i // 4)
        created.append(_create(client, auth_headers, title=f"e{i}", entry_date=day.isoformat()))
    expected = sorted(
        created, key=lambda e: (e["entry_date"], e["created_at"], e["id"]), reverse=True
    )

    seen: list[dict[str, Any]] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 5}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/api/entries", params=params, headers=auth_headers).json()
        pages += 1
        seen.extend(page["items"])
        if pages == 2:
            # A new entry written mid-walk (newest date) must not shift later pages.
            _create(client, auth_headers, title="late", entry_date="2026-03-02")
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 5
    assert [e["id"] for e in seen] == [e["id"] for e in expected]


def test_bad_cursor_is_400(client: TestClient, auth_headers: dict[str, str]) -> None:
    for cursor in ["garbage", "eyJ4IjoxfQ", "WyIyMDI2LTAxLTAxIiwieCIsInkiXQ"]:
        response = client.get("/api/entries", params={"cursor": cursor}, headers=auth_headers)
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_cursor"


def test_limit_above_100_is_422(client: TestClient, auth_headers: dict[str, str]) -> None:
    response = client.get("/api/entries", params={"limit": 101}, headers=auth_headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "limit"]


def test_tag_and_date_filters(client: TestClient, auth_headers: dict[str, str]) -> None:
    _create(client, auth_headers, title="a", tags=["Work"], entry_date="2026-01-01")
    _create(client, auth_headers, title="b", tags=["home"], entry_date="2026-01-05")
    _create(client, auth_headers, title="c", tags=["work", "home"], entry_date="2026-01-10")

    def titles(**params: Any) -> list[str]:
        page = client.get("/api/entries", params=params, headers=auth_headers).json()
        return [e["title"] for e in page["items"]]

    assert titles(tag="WORK") == ["c", "a"]
    assert titles(**{"from": "2026-01-05"}) == ["c", "b"]
    assert titles(**{"from": "2026-01-01", "to": "2026-01-05"}) == ["b", "a"]
    assert titles(tag="home", to="2026-01-05") == ["b"]
    tags = client.get("/api/tags", headers=auth_headers).json()
    assert tags == [{"name": "home", "count": 2}, {"name": "work", "count": 2}]


@pytest.mark.parametrize("value", [5.6e-189, 0, 1_700_000_000, "1700000000", True, [2026, 1, 1]])
def test_entry_date_must_be_an_iso_string_on_create_put_and_patch(
    client: TestClient, auth_headers: dict[str, str], value: Any
) -> None:
    entry = _create(client, auth_headers, title="T", entry_date="2026-01-02")
    url = f"/api/entries/{entry['id']}"
    full = {"title": "t", "body": "b", "tags": [], "mood": None, "entry_date": value}
    answers = [
        client.post("/api/entries", json={"body": "x", "entry_date": value}, headers=auth_headers),
        client.put(url, json=full, headers=auth_headers),
        client.patch(url, json={"entry_date": value}, headers=auth_headers),
    ]
    for response in answers:
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["loc"] == ["body", "entry_date"]
    assert client.get(url, headers=auth_headers).json()["entry_date"] == "2026-01-02"


def test_date_filters_must_be_iso_dates(client: TestClient, auth_headers: dict[str, str]) -> None:
    for params in ({"from": "1700000000"}, {"to": "0"}):
        response = client.get("/api/entries", params=params, headers=auth_headers)
        assert response.status_code == 422, response.text
        assert response.json()["errors"]


@pytest.mark.parametrize(
    ("method", "payload"),
    [
        ("patch", {"body": ""}),
        ("patch", {"body": " ", "title": ""}),
        ("patch", {"title": None}),
        ("patch", {"mood": 9}),
        ("put", {"title": "", "body": "", "tags": [], "mood": None, "entry_date": "2026-01-01"}),
        ("post", {"title": "", "body": ""}),
    ],
)
def test_every_entries_422_carries_the_errors_list(
    client: TestClient, auth_headers: dict[str, str], method: str, payload: dict[str, Any]
) -> None:
    entry = _create(client, auth_headers, title="", body="only body")
    url = "/api/entries" if method == "post" else f"/api/entries/{entry['id']}"
    response = client.request(method.upper(), url, json=payload, headers=auth_headers)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["detail"]
    assert body["errors"], body
    assert all({"loc", "msg"} <= set(e) for e in body["errors"]), body
