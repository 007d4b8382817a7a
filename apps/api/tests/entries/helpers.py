"""Requests the entry tests make again and again, each asserting its expected status."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def create_entry(client: TestClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    response = client.post("/api/entries", json=fields, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def search_page(
    client: TestClient, headers: dict[str, str], q: str, **params: Any
) -> dict[str, Any]:
    response = client.get("/api/entries", params={"q": q, **params}, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def titles(page: dict[str, Any]) -> list[str]:
    return [e["title"] for e in page["items"]]
