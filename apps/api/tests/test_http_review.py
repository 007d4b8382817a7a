"""HTTP hygiene findings from the security review: bad bodies, methods, headers, docs."""

from __future__ import annotations

import logging
import re

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from apps.api.tests.conftest import REPO


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


def _allow(response: httpx.Response) -> set[str]:
    return {m.strip() for m in response.headers.get("allow", "").split(",") if m.strip()}


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("GET", "/api/auth/login", {"POST"}),
        ("GET", "/api/auth/logout", {"POST"}),
        ("PUT", "/api/auth/refresh", {"POST"}),
        ("DELETE", "/api/entries", {"GET", "POST"}),
        ("PROPFIND", "/api/entries", {"GET", "POST"}),
        ("POST", "/api/health", {"GET"}),
        ("BREW", "/api/auth/me", {"GET", "PATCH", "DELETE"}),
        (
            "POST",
            "/api/entries/00000000-0000-0000-0000-000000000000",
            {"GET", "PUT", "PATCH", "DELETE"},
        ),
    ],
)
def test_wrong_method_on_an_existing_api_path_is_405_with_a_complete_allow(
    client_factory,
    tmp_path,
    method: str,
    path: str,
    allowed: set[str],  # type: ignore[no-untyped-def]
) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html><title>Journal</title>")
    for client in (client_factory(), client_factory(web_dist=dist)):  # with and without the SPA
        response = client.request(method, path)
        assert response.status_code == 405, (method, path, response.text)
        assert response.json() == {"detail": "Method not allowed", "code": "method_not_allowed"}
        assert _allow(response) == allowed


def test_unknown_api_path_stays_404_for_any_method(client: TestClient) -> None:
    for method in ("GET", "POST", "PROPFIND"):
        response = client.request(method, "/api/nope")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def _label_values(text: str, label: str) -> set[str]:
    return {
        sample.labels[label]
        for family in text_string_to_metric_families(text)
        if family.name in ("http_requests", "http_request_duration_seconds")
        for sample in family.samples
        if label in sample.labels
    }


def test_metrics_labels_cannot_be_inflated_by_methods_or_paths(client: TestClient) -> None:
    for i, method in enumerate(("PROPFIND", "MKCOL", "LOCK", "PURGE", "SEARCH", "BREW", "get")):
        client.request(method, "/api/health")
        client.request(method, f"/random-{i}")
        client.request(method, f"/api/random-{i}")
    text = client.get("/metrics").text
    assert _label_values(text, "method") <= {
        "GET",
        "HEAD",
        "POST",
        "PUT",
        "PATCH",
        "DELETE",
        "OPTIONS",
        "other",
    }
    assert "other" in _label_values(text, "method")
    assert not [route for route in _label_values(text, "route") if "random" in route]


def test_hsts_is_sent_when_the_public_url_is_https(client_factory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html><title>Journal</title>")
    https = client_factory(public_url="https://journal.example.com", web_dist=dist)
    for response in (
        https.get("/api/health"),
        https.get("/journal/page"),
        https.get("/api/nope"),
        https.post("/api/auth/login", content=b"x", headers={"Content-Type": "text/plain"}),
    ):
        hsts = response.headers.get("strict-transport-security", "")
        assert "max-age=63072000" in hsts, response.request.url
        assert "includeSubDomains" in hsts
    http = client_factory(web_dist=dist)
    for response in (http.get("/api/health"), http.get("/journal/page")):
        assert "strict-transport-security" not in response.headers


def test_api_docs_load_their_assets_from_this_origin(client: TestClient) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200
    urls = re.findall(r"""(?:src|href|url)\s*[=:(]\s*['"]?([^'" )>]+)""", page.text)
    assert urls, page.text
    assert not [u for u in urls if "//" in u], "no asset from another host"
    for url in urls:
        if url.endswith((".js", ".css", ".png")):
            asset = client.get(url)
            assert asset.status_code == 200, url
            assert len(asset.content) > 1000


def test_web_build_ships_no_source_maps() -> None:
    config = (REPO / "apps" / "web" / "vite.config.ts").read_text()
    assert re.search(r"sourcemap:\s*false", config)


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"username=\xff\xfe&password=x", "application/x-www-form-urlencoded", 422),
        # Percent-escaped invalid UTF-8 decodes with replacement characters: just wrong.
        (b"username=a%FF%FE&password=%FF", "application/x-www-form-urlencoded", 401),
        (b"username=a\x00b&password=x", "application/x-www-form-urlencoded", 422),
        (b'{"email": "\xff@example.com", "password": "x"}', "application/json", 422),
        (b'{"email": "a@example.com", "password": "\xed\xa0\x80"}', "application/json", 422),
        (b'{"email": "a@example.com", "password": "\\ud800"}', "application/json", 422),
    ],
    ids=["form-raw", "form-escaped", "form-nul", "json-raw", "json-surrogate", "json-escape"],
)
def test_login_refuses_invalid_utf8_with_a_clear_error(
    client: TestClient, body: bytes, content_type: str, status: int
) -> None:
    answer = client.post("/api/auth/login", content=body, headers={"content-type": content_type})
    assert answer.status_code == status, answer.text
    assert answer.json()["code"] in {"validation_error", "invalid_credentials"}
