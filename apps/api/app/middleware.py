"""Pure ASGI middleware guarding the API: headers, body size, content type, Origin.

Written as raw ASGI (not BaseHTTPMiddleware) so the hot path adds one function call
and no extra task or body buffering.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Sequence

from fastapi.routing import iter_route_contexts
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from apps.api.app import metrics
from apps.api.app.config import Settings

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Routes that accept something other than JSON, and what.
_MEDIA_EXCEPTIONS: dict[str, frozenset[str]] = {
    "/api/auth/login": frozenset({"application/json", "application/x-www-form-urlencoded"}),
    "/api/entries/import": frozenset({"multipart/form-data"}),
}
_JSON_ONLY = frozenset({"application/json"})

_COMMON_HEADERS: list[tuple[bytes, bytes]] = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
]
_API_HEADERS: list[tuple[bytes, bytes]] = [(b"cache-control", b"no-store")]
_HSTS = b"max-age=63072000; includeSubDomains"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


async def _send_error(
    send: Send,
    status: int,
    detail: str,
    code: str,
    headers: Iterable[tuple[bytes, bytes]] = (),
) -> None:
    body = json.dumps({"detail": detail, "code": code}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
                *_API_HEADERS,
                *_COMMON_HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _merge_headers(
    headers: list[tuple[bytes, bytes]], extra: Iterable[tuple[bytes, bytes]]
) -> list[tuple[bytes, bytes]]:
    present = {key.lower() for key, _ in headers}
    return headers + [(k, v) for k, v in extra if k not in present]


# Cookie tossing: a sibling subdomain can set a second cookie of the same name (Domain=the
# parent, same path); the browser sends both, in an order the server cannot trust, so "the
# last one wins" could rotate an attacker's session into the victim's browser. Two of a kind
# is refused outright.
_GUARDED_COOKIES = (b"refresh_token", b"csrftoken")


def _tossed_cookie(scope: Scope) -> bool:
    seen: dict[bytes, int] = {}
    for key, value in scope["headers"]:
        if key != b"cookie":
            continue
        for pair in value.split(b";"):
            name = pair.split(b"=", 1)[0].strip()
            if name in _GUARDED_COOKIES:
                seen[name] = seen.get(name, 0) + 1
                if seen[name] > 1:
                    return True
    return False


class ApiGuardMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.max_body = settings.max_body_bytes
        # Whole-journal imports are larger than any single request.
        self.max_body_for = {"/api/entries/import": settings.max_import_bytes}
        self.allowed_origins = settings.allowed_origins
        common = list(_COMMON_HEADERS)
        if settings.public_url.startswith("https://"):
            # Served over https: browsers must never try plain http for this host again.
            common.append((b"strict-transport-security", _HSTS))
        self.common_headers = common
        self.api_headers = _API_HEADERS + common

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        is_api = path.startswith("/api/")
        method: str = scope["method"]
        extra = self.api_headers if is_api else self.common_headers
        reply = send

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _merge_headers(list(message.get("headers", [])), extra)
            await reply(message)

        send = send_with_headers

        if is_api and _tossed_cookie(scope):
            await _send_error(
                send,
                400,
                "More than one refresh_token or csrftoken cookie was sent: sign in again.",
                "invalid_token",
            )
            return

        if is_api and method in UNSAFE_METHODS:
            origin = _header(scope, b"origin")
            if origin is not None and origin.rstrip("/") not in self.allowed_origins:
                await _send_error(send, 403, "Origin not allowed", "origin_forbidden")
                return
            length = _header(scope, b"content-length")
            has_body = (length is not None and length != "0") or (
                _header(scope, b"transfer-encoding") is not None
            )
            if has_body:
                kind = (_header(scope, b"content-type") or "").split(";", 1)[0].strip().lower()
                if kind not in _MEDIA_EXCEPTIONS.get(path, _JSON_ONLY):
                    await _send_error(
                        send,
                        415,
                        "Unsupported content type: send application/json",
                        "unsupported_media_type",
                    )
                    return
            limit = self.max_body_for.get(path, self.max_body)
            if length is not None and length.isdigit() and int(length) > limit:
                await _send_error(send, 413, "Request body too large", "payload_too_large")
                return
            receive = self._limited(receive, limit)

        await self.app(scope, receive, send)

    @staticmethod
    def _limited(receive: Receive, limit: int) -> Receive:
        """Count streamed bytes too: Content-Length can be absent (chunked) or a lie."""
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    # An HTTPException (not a domain error): FastAPI re-raises those from
                    # body parsing, and the handler renders 413 payload_too_large.
                    raise HTTPException(413, "Request body too large")
            return message

        return limited_receive


class ApiMethodMiddleware:
    """An API path answers 405 ``method_not_allowed`` with an ``Allow`` naming every method
    some route serves there, and 404 when no route serves it.

    Starlette builds ``Allow`` from the first route whose path matches (one of several),
    and the web app's catch-all GET would turn ``GET /api/auth/login`` into a 404.
    """

    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.routes = routes  # the router's own list: routes added later are seen too
        self._by_prefix: dict[str, list[tuple[re.Pattern[str], frozenset[str]]]] | None = None

    def _index(self) -> dict[str, list[tuple[re.Pattern[str], frozenset[str]]]]:
        # Built on the first request, when every router is included; keyed by the segment
        # after /api/ so a request tries a handful of patterns, not all of them.
        if self._by_prefix is None:
            index: dict[str, list[tuple[re.Pattern[str], frozenset[str]]]] = {}
            for route in iter_route_contexts(self.routes):
                path, methods = route.path, route.methods
                if isinstance(path, str) and path.startswith("/api/") and methods:
                    pattern = compile_path(path)[0]
                    index.setdefault(path.split("/")[2], []).append((pattern, frozenset(methods)))
            self._by_prefix = index
        return self._by_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        method: str = scope["method"]
        allowed: set[str] = set()
        for pattern, methods in self._index().get(path.split("/")[2], ()):
            if pattern.match(path):
                if method in methods:
                    await self.app(scope, receive, send)
                    return
                allowed |= methods
        if not allowed:
            await _send_error(send, 404, "Not found", "not_found")
            return
        allow = ", ".join(sorted(allowed)).encode()
        await _send_error(
            send, 405, "Method not allowed", "method_not_allowed", [(b"allow", allow)]
        )


class MetricsMiddleware:
    """Count requests and time them by route template (never the raw path: bounded labels)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] == "/metrics":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            method = metrics.method_label(scope["method"])
            metrics.HTTP_REQUESTS.labels(method=method, route=template, status=str(status)).inc()
            metrics.HTTP_LATENCY.labels(method=method, route=template).observe(
                time.perf_counter() - start
            )
