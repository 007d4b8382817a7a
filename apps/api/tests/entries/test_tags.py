"""Renaming and deleting a tag across all of a user's entries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from apps.api.tests.conftest import login
from apps.api.tests.entries.helpers import create_entry


def _create(client: TestClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    return create_entry(client, headers, **{"body": "words", **fields})


def _tags(client: TestClient, headers: dict[str, str]) -> dict[str, int]:
    return {t["name"]: t["count"] for t in client.get("/api/tags", headers=headers).json()}


def _entry(client: TestClient, headers: dict[str, str], entry_id: str) -> Any:
    return client.get(f"/api/entries/{entry_id}", headers=headers)


def test_rename_changes_the_tag_on_every_entry_and_moves_etags(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    one = _create(client, auth_headers, tags=["work", "home"])
    two = _create(client, auth_headers, tags=["work"])
    other = _create(client, auth_headers, tags=["home"])
    etag_before = _entry(client, auth_headers, one["id"]).headers["etag"]
    untouched = _entry(client, auth_headers, other["id"]).headers["etag"]

    answer = client.patch("/api/tags/work", json={"name": "  Office "}, headers=auth_headers)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"name": "office", "count": 2}
    assert _tags(client, auth_headers) == {"office": 2, "home": 2}
    first = _entry(client, auth_headers, one["id"])
    assert first.json()["tags"] == ["office", "home"]  # order kept
    assert first.json()["updated_at"] > one["updated_at"]
    assert first.headers["etag"] != etag_before
    assert _entry(client, auth_headers, two["id"]).json()["tags"] == ["office"]
    assert _entry(client, auth_headers, other["id"]).headers["etag"] == untouched
    listed = client.get("/api/entries", params={"tag": "office"}, headers=auth_headers).json()
    assert len(listed["items"]) == 2
    assert (
        client.get("/api/entries", params={"tag": "work"}, headers=auth_headers).json()["items"]
        == []
    )


def test_rename_onto_an_existing_tag_merges_counts_without_duplicates(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    both = _create(client, auth_headers, tags=["run", "sport", "park"])
    _create(client, auth_headers, tags=["run"])
    _create(client, auth_headers, tags=["sport"])
    answer = client.patch("/api/tags/RUN", json={"name": "sport"}, headers=auth_headers)
    assert answer.json() == {"name": "sport", "count": 3}
    assert _tags(client, auth_headers) == {"sport": 3, "park": 1}
    assert _entry(client, auth_headers, both["id"]).json()["tags"] == ["sport", "park"]


def test_delete_removes_the_tag_from_every_entry_but_keeps_entries(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    one = _create(client, auth_headers, tags=["a", "b"])
    _create(client, auth_headers, tags=["b"])
    answer = client.delete("/api/tags/b", headers=auth_headers)
    assert answer.status_code == 204
    assert _tags(client, auth_headers) == {"a": 1}
    assert _entry(client, auth_headers, one["id"]).json()["tags"] == ["a"]
    assert len(client.get("/api/entries", headers=auth_headers).json()["items"]) == 2


def test_tag_names_with_spaces_and_slashes_work_in_the_path(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    _create(client, auth_headers, tags=["to do/later", "café"])
    answer = client.patch("/api/tags/to%20do%2Flater", json={"name": "later"}, headers=auth_headers)
    assert answer.status_code == 200, answer.text
    assert client.delete("/api/tags/CAF%C3%89", headers=auth_headers).status_code == 204
    assert _tags(client, auth_headers) == {"later": 1}


def test_unknown_tag_is_404_and_another_users_tag_too(
    client: TestClient, client_factory: Callable[..., TestClient], make_user: Callable[..., Any]
) -> None:
    other = client_factory()
    alice = login(client, make_user().email)
    bob = login(other, make_user().email)
    _create(client, alice, tags=["secret"])
    for who, headers in ((client, alice), (other, bob)):
        missing = who.patch("/api/tags/nope", json={"name": "x"}, headers=headers)
        assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    stolen = other.patch("/api/tags/secret", json={"name": "mine"}, headers=bob)
    assert stolen.status_code == 404
    assert other.delete("/api/tags/secret", headers=bob).status_code == 404
    assert _tags(client, alice) == {"secret": 1}


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": ""},
        {"name": "   "},
        {"name": "x" * 51},
        {"name": 5},
        {"name": "a\x00"},
        {"name": "ok", "extra": 1},
    ],
)
def test_a_bad_new_name_is_422(
    client: TestClient, auth_headers: dict[str, str], body: dict[str, Any]
) -> None:
    _create(client, auth_headers, tags=["t"])
    answer = client.patch("/api/tags/t", json=body, headers=auth_headers)
    assert answer.status_code == 422, answer.text
    assert _tags(client, auth_headers) == {"t": 1}


def test_tag_writes_need_csrf_in_cookie_mode(
    client_factory: Callable[..., TestClient], make_user: Callable[..., Any]
) -> None:
    client = client_factory(auth_cookie_refresh=True)
    headers = login(client, make_user().email)
    _create(client, headers, tags=["t"])
    bare = {"Authorization": headers["Authorization"]}
    assert client.patch("/api/tags/t", json={"name": "u"}, headers=bare).status_code == 403
    assert client.delete("/api/tags/t", headers=bare).status_code == 403
    assert client.patch("/api/tags/t", json={"name": "u"}, headers=headers).status_code == 200
