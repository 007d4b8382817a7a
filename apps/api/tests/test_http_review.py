"""HTTP hygiene findings from the security review: bad bodies, methods, headers, docs."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient


def test_deeply_nested_login_body_is_a_422_without_traceback(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        response = client.post(
            "/api/auth/login",
            content=b"[" * 200_000,
            headers={"Content-Type": "application/json"},
        )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert set(response.json()) >= {"detail", "code"}
    assert not [r for r in caplog.records if r.exc_info], "no traceback is logged"


def test_login_body_that_is_not_an_object_is_a_422_with_errors(client: TestClient) -> None:
    response = client.post(
        "/api/auth/login", content=b"[null,null]", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["errors"]
    assert {"loc", "msg"} <= set(body["errors"][0])


def test_malformed_login_json_is_a_422_with_errors(client: TestClient) -> None:
    response = client.post(
        "/api/auth/login", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert response.json()["errors"]


def test_deeply_nested_json_on_other_routes_is_a_client_error(
    client: TestClient, auth_headers: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        response = client.post(
            "/api/entries",
            content=b"[" * 200_000,
            headers={**auth_headers, "Content-Type": "application/json"},
        )
    assert response.status_code in (400, 422)
    assert set(response.json()) >= {"detail", "code"}
    assert not [r for r in caplog.records if r.exc_info], "no traceback is logged"
