"""A NUL byte in any string a client sends is refused with 422 validation_error (and its
``errors`` list) before it reaches the database: PostgreSQL text cannot hold NUL, so the
answer was a 500 there. One shared string type does it; each surface is tested here."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from apps.api.tests.conftest import PASSWORD

NUL = "a\x00b"


def _assert_nul_refused(response: Any, loc_tail: str | None = None) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["detail"]
    assert body["errors"], body
    assert all({"loc", "msg"} <= set(error) for error in body["errors"])
    if loc_tail is not None:
        assert any(loc_tail in [str(part) for part in e["loc"]] for e in body["errors"]), body


def _entry(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    response = client.post("/api/entries", json={"title": "t", "body": "b"}, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_nul_in_login_email_is_422_unauthenticated(client: TestClient) -> None:
    response = client.post("/api/auth/login", json={"email": f"{NUL}@x.org", "password": "pw"})
    _assert_nul_refused(response, "email")
    form = client.post("/api/auth/login", data={"username": f"{NUL}@x.org", "password": "pw"})
    _assert_nul_refused(form, "email")


def test_nul_in_login_password_is_422(client: TestClient, make_user: Callable[..., Any]) -> None:
    user = make_user()
    response = client.post("/api/auth/login", json={"email": user.email, "password": NUL})
    _assert_nul_refused(response, "password")


def test_nul_in_display_name_is_422(client: TestClient, auth_headers: dict[str, str]) -> None:
    response = client.patch("/api/auth/me", json={"display_name": NUL}, headers=auth_headers)
    _assert_nul_refused(response, "display_name")
    register = client.post(
        "/api/auth/register",
        json={"email": "nul@example.com", "password": PASSWORD, "display_name": NUL},
    )
    _assert_nul_refused(register, "display_name")


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"title": NUL}, "title"), ({"body": NUL}, "body"), ({"tags": ["ok", NUL]}, "tags")],
)
def test_nul_in_entry_fields_is_422_on_create_put_and_patch(
    client: TestClient, auth_headers: dict[str, str], fields: dict[str, Any], field: str
) -> None:
    created = client.post("/api/entries", json={"body": "x", **fields}, headers=auth_headers)
    _assert_nul_refused(created, field)
    entry = _entry(client, auth_headers)
    url = f"/api/entries/{entry['id']}"
    full = {"title": "t", "body": "b", "tags": [], "mood": None, "entry_date": "2026-01-01"}
    _assert_nul_refused(client.put(url, json={**full, **fields}, headers=auth_headers), field)
    _assert_nul_refused(client.patch(url, json=fields, headers=auth_headers), field)
    assert client.get(url, headers=auth_headers).json()["title"] == "t"


@pytest.mark.parametrize("param", ["tag", "q"])
def test_nul_in_listing_filters_is_422(
    client: TestClient, auth_headers: dict[str, str], param: str
) -> None:
    _entry(client, auth_headers)
    response = client.get("/api/entries", params={param: NUL}, headers=auth_headers)
    _assert_nul_refused(response, param)


def test_nul_in_a_json_import_is_422(client: TestClient, auth_headers: dict[str, str]) -> None:
    for entry in (
        {"title": NUL, "entry_date": "2026-01-01"},
        {"body": NUL, "entry_date": "2026-01-01"},
        {"body": "x", "tags": [NUL], "entry_date": "2026-01-01"},
    ):
        data = json.dumps({"entries": [entry]}).encode()
        response = client.post(
            "/api/entries/import", files={"file": ("e.json", data)}, headers=auth_headers
        )
        _assert_nul_refused(response)
    assert client.get("/api/entries", headers=auth_headers).json()["items"] == []


def test_nul_in_a_markdown_import_is_422(client: TestClient, auth_headers: dict[str, str]) -> None:
    for text in (
        '---\ntitle: "a\\u0000b"\ndate: 2024-05-06\n---\nbody\n',
        "---\ntitle: t\ndate: 2024-05-06\n---\nbo\x00dy\n",
        '---\ntitle: t\ndate: 2024-05-06\ntags: ["\\u0000"]\n---\nbody\n',
    ):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("day.md", text)
        response = client.post(
            "/api/entries/import",
            files={"file": ("n.zip", buffer.getvalue())},
            headers=auth_headers,
        )
        _assert_nul_refused(response)
    assert client.get("/api/entries", headers=auth_headers).json()["items"] == []
