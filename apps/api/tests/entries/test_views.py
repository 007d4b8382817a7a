"""Journal views: starred and mood filters, the profile's time zone, calendar,
on-this-day and statistics. Dates are the writer's calendar dates (``entry_date``)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient


def _create(client: TestClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    fields.setdefault("body", "words")
    response = client.post("/api/entries", json=fields, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _list(client: TestClient, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    response = client.get("/api/entries", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


# ---- starred and mood ------------------------------------------------------------------


def test_starred_is_false_by_default_and_set_by_create_patch_and_put(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    plain = _create(client, auth_headers, title="plain")
    assert plain["starred"] is False
    starred = _create(client, auth_headers, title="star", starred=True)
    assert starred["starred"] is True
    url = f"/api/entries/{plain['id']}"
    patched = client.patch(url, json={"starred": True}, headers=auth_headers)
    assert patched.json()["starred"] is True
    assert client.get(url, headers=auth_headers).json()["starred"] is True
    assert client.patch(url, json={"starred": None}, headers=auth_headers).status_code == 422
    replaced = client.put(
        url,
        json={"title": "p", "body": "", "tags": [], "mood": None, "entry_date": "2024-01-01"},
        headers=auth_headers,
    )
    assert replaced.json()["starred"] is False  # PUT replaces: omitted means not starred


def test_starred_and_mood_filters_combine_and_page_with_cursors(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    for day in range(1, 8):
        _create(
            client,
            auth_headers,
            title=f"day {day}",
            entry_date=f"2024-03-0{day}",
            starred=day % 2 == 1,
            mood=3 if day <= 4 else 5,
        )
    titles = [e["title"] for e in _list(client, auth_headers, starred="true")]
    assert titles == ["day 7", "day 5", "day 3", "day 1"]
    titles = [e["title"] for e in _list(client, auth_headers, starred="false")]
    assert titles == ["day 6", "day 4", "day 2"]
    assert [e["title"] for e in _list(client, auth_headers, mood=5, starred="true")] == [
        "day 7",
        "day 5",
    ]
    # Paged one at a time, the cursor keeps the filter's rows only, in order.
    seen, cursor = [], None
    while True:
        params: dict[str, Any] = {"starred": "true", "limit": 1}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/api/entries", params=params, headers=auth_headers).json()
        seen += [e["title"] for e in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["day 7", "day 5", "day 3", "day 1"]


@pytest.mark.parametrize("params", [{"mood": 0}, {"mood": 6}, {"mood": "x"}, {"starred": "maybe"}])
def test_bad_filters_are_422(
    client: TestClient, auth_headers: dict[str, str], params: dict[str, Any]
) -> None:
    response = client.get("/api/entries", params=params, headers=auth_headers)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


# ---- the profile's time zone -----------------------------------------------------------


def test_timezone_defaults_to_utc_and_is_set_by_patch_me(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    assert client.get("/api/auth/me", headers=auth_headers).json()["timezone"] == "UTC"
    answer = client.patch(
        "/api/auth/me", json={"timezone": "Pacific/Auckland"}, headers=auth_headers
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["timezone"] == "Pacific/Auckland"
    assert client.get("/api/auth/me", headers=auth_headers).json()["timezone"] == (
        "Pacific/Auckland"
    )


@pytest.mark.parametrize(
    "name", ["Mars/Olympus", "../../etc/passwd", "posixrules", "", "Europe/Paris\x00", 5, "x" * 100]
)
def test_an_unknown_timezone_is_422(
    client: TestClient, auth_headers: dict[str, str], name: object
) -> None:
    answer = client.patch("/api/auth/me", json={"timezone": name}, headers=auth_headers)
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == "validation_error"
    assert client.get("/api/auth/me", headers=auth_headers).json()["timezone"] == "UTC"
