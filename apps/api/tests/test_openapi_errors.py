"""The OpenAPI document names every status an operation can answer (no 4XX wildcard), so the
generated client and the fuzz test (test_fuzz.py) hold the API to it."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

ERROR = {"$ref": "#/components/schemas/ErrorOut"}


def _operations(client: TestClient) -> dict[str, dict[str, Any]]:
    schema = client.get("/api/openapi.json").json()
    return {
        f"{method.upper()} {path}": operation
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    }


def _statuses(operation: dict[str, Any]) -> set[str]:
    return set(operation["responses"])


def test_openapi_names_each_error_status_with_the_error_shape(client: TestClient) -> None:
    for name, operation in _operations(client).items():
        assert not {s for s in _statuses(operation) if "X" in s}, name
        for status, answer in operation["responses"].items():
            if status.startswith(("4", "5")) and status != "422":
                assert answer["content"]["application/json"]["schema"] == ERROR, (name, status)


def test_openapi_documents_the_503_answers(client: TestClient) -> None:
    operations = _operations(client)
    # Every password-hashing slot busy (login, register, reset, change); database down (health).
    for name in (
        "POST /api/auth/login",
        "POST /api/auth/register",
        "POST /api/auth/password/reset",
        "POST /api/auth/password/change",
        "GET /api/health",
    ):
        assert "503" in _statuses(operations[name]), name


def test_openapi_documents_what_guards_and_dependencies_answer(client: TestClient) -> None:
    operations = _operations(client)
    # Unsafe verbs: Origin (403), body size (413), content type (415); bearer routes: 401.
    assert {"400", "401", "403", "413", "415", "422"} <= _statuses(operations["POST /api/entries"])
    assert {"401", "404", "412"} <= _statuses(operations["PATCH /api/entries/{entry_id}"])
    assert {"401", "404"} <= _statuses(operations["GET /api/entries/{entry_id}"])
    assert {"401", "429", "503"} <= _statuses(operations["POST /api/auth/login"])
    assert {"404", "429"} <= _statuses(operations["POST /api/auth/password/forgot"])
    assert "401" not in _statuses(operations["GET /api/config"])
