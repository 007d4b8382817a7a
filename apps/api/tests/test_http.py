"""HTTP hygiene shared by every route: error shape, headers, methods, Origin."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_unknown_api_route_is_json_404(client: TestClient) -> None:
    response = client.get("/api/does-not-exist")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found", "code": "not_found"}


def test_wrong_method_is_json_405(client: TestClient) -> None:
    response = client.delete("/api/health")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_api_responses_are_not_cached(client: TestClient) -> None:
    for response in (client.get("/api/health"), client.get("/api/nope")):
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["x-content-type-options"] == "nosniff"


def test_foreign_origin_on_unsafe_verb_is_403(client: TestClient) -> None:
    response = client.post(
        "/api/auth/login",
        json={"email": "a@example.com", "password": "whatever-123"},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert response.json()["code"] == "origin_forbidden"


def test_own_origin_is_accepted(client: TestClient) -> None:
    response = client.post(
        "/api/auth/login",
        json={"email": "a@example.com", "password": "whatever-123"},
        headers={"Origin": "http://127.0.0.1:8000"},
    )
    assert response.status_code == 401


def test_health_and_public_config(client_factory) -> None:  # type: ignore[no-untyped-def]
    client = client_factory(user_mgmt_enabled=False, auth_cookie_refresh=False)
    assert client.get("/api/health").json() == {"status": "ok"}
    assert client.get("/api/config").json() == {
        "user_mgmt_enabled": False,
        "auth_cookie_refresh": False,
        "passkeys": False,  # the default public URL is an IP address
    }


def test_openapi_is_served(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    assert "/api/entries" in schema["paths"]
    assert client.get("/api/docs").status_code == 200


def test_spa_fallback_serves_index_without_swallowing_api(client_factory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>Journal</title>")
    (dist / "assets" / "app.js").write_text("console.log(1)")
    client = client_factory(web_dist=dist)
    page = client.get("/journal/some/deep/link")
    assert page.status_code == 200
    assert "<title>Journal</title>" in page.text
    assert "content-security-policy" in page.headers
    assert client.get("/assets/app.js").status_code == 200
    assert client.get("/verify?token=abc").headers["referrer-policy"] == "no-referrer"
    assert client.get("/api/unknown").json()["code"] == "not_found"
