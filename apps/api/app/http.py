"""Request-body helpers shared by routes that parse bodies themselves."""

from __future__ import annotations

import json
import sys
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from starlette.types import ASGIApp, Receive, Scope, Send

from apps.api.app.config import Settings
from apps.api.app.errors import AppError


class UnsupportedMediaType(AppError):
    status_code = 415
    code = "unsupported_media_type"


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _body_error(message: str) -> RequestValidationError:
    """A 422 ``validation_error`` with its ``errors`` list, like any other invalid body."""
    return RequestValidationError([{"type": "body", "loc": ("body",), "msg": message}])


async def read_json_or_form(request: Request) -> dict[str, Any]:
    kind = media_type(request)
    raw = await request.body()
    if kind == "application/json":
        try:
            data = json.loads(raw or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise _body_error("Request body is not valid JSON") from None
        except RecursionError:
            # Thousands of nested brackets exhaust the parser's stack: bad input, not a 500.
            raise _body_error("Request body is nested too deeply") from None
        if not isinstance(data, dict):
            raise _body_error("Request body must be a JSON object")
        return data
    if kind == "application/x-www-form-urlencoded":
        try:
            return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError:
            raise _body_error("Form body is not UTF-8") from None
    raise UnsupportedMediaType("Send application/json (or a form for /login)")


def client_ip(request: Request, settings: Settings) -> str | None:
    """The socket peer, or, when that peer is a trusted proxy, the nearest untrusted
    address in X-Forwarded-For (walking from the right, as proxies append)."""
    peer = request.client.host if request.client else None
    if peer is None or not settings.is_trusted_proxy(peer):
        return peer
    forwarded = request.headers.get("x-forwarded-for", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not settings.is_trusted_proxy(hop):
            return hop[:45]
    return peer


class _SocketPeerOnly:
    """Stands in for uvicorn's ProxyHeadersMiddleware: passes every request on untouched."""

    def __init__(self, app: ASGIApp, trusted_hosts: object = None) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


def ignore_server_forwarding_headers() -> None:
    """Keep the ASGI client address the socket peer, so ``client_ip`` alone (with
    JOURNAL_TRUSTED_PROXIES) decides whose X-Forwarded-For to believe.

    uvicorn rewrites the client address and scheme from X-Forwarded-For/-Proto whenever the
    peer is in ``--forwarded-allow-ips``, which defaults to 127.0.0.1: under the plain
    ``uvicorn apps.api.app.main:app`` any process on the host could pick its own address
    (and escape the login limits). uvicorn imports the app first and only then wraps it,
    looking ``ProxyHeadersMiddleware`` up on ``uvicorn.config``; we run during that import,
    so replacing it there turns the rewrite off for this process. No-op without uvicorn.
    """
    config = sys.modules.get("uvicorn.config")
    if config is not None and hasattr(config, "ProxyHeadersMiddleware"):
        config.ProxyHeadersMiddleware = _SocketPeerOnly  # type: ignore[attr-defined]
