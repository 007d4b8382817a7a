"""One error type, one JSON shape: ``{"detail": str, "code": str}`` for every failure."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("journal.errors")

NO_STORE = {"Cache-Control": "no-store"}


class ErrorOut(BaseModel):
    """Every error answer: a human ``detail`` and a machine ``code``."""

    detail: str
    code: str


class FieldError(BaseModel):
    loc: list[int | str]
    msg: str


class ValidationErrorOut(ErrorOut):
    errors: list[FieldError]


# Declared on every router; document_error_statuses names the other statuses per operation.
COMMON_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"model": ValidationErrorOut, "description": "Validation error"},
}

_ERROR_DESCRIPTIONS = {
    400: "Bad request: invalid token or cursor, or two refresh_token/csrftoken cookies",
    401: "Not signed in, or the token is invalid, expired, revoked or reused",
    403: "Origin not allowed, CSRF check failed (cookie mode) or email not verified",
    404: "Not found, or the feature is disabled",
    409: "Conflicts with the current state (e.g. two-step verification already on or off)",
    412: "If-Match names another version (version_conflict)",
    413: "Request body too large",
    415: "Unsupported content type",
    429: "Rate limited (Retry-After)",
    503: "Temporarily unavailable (Retry-After)",
}
_UNSAFE_METHODS = frozenset({"post", "put", "patch", "delete"})
_USER_MGMT = frozenset({404, 429})  # feature_disabled when the M1 flag is off; mail budgets
# Statuses that follow from what a route does, not from its shape: rate limits, password
# hashing (503 when every hashing slot is busy), flags, the database check.
_ROUTE_ERRORS: dict[tuple[str, str], frozenset[int]] = {
    ("post", "/api/auth/login"): frozenset({401, 429, 503}),
    ("post", "/api/auth/refresh"): frozenset({401}),
    ("post", "/api/auth/logout"): frozenset({401}),
    ("get", "/api/auth/csrf"): frozenset({404}),
    ("post", "/api/auth/register"): _USER_MGMT | {503},
    ("post", "/api/auth/verify"): frozenset({404}),
    ("post", "/api/auth/verify/resend"): _USER_MGMT,
    ("post", "/api/auth/password/forgot"): _USER_MGMT,
    ("post", "/api/auth/password/reset"): _USER_MGMT | {503},
    ("post", "/api/auth/password/change"): frozenset({429, 503}),
    # Step-up routes: the password check spends the sign-in budget and hashes.
    ("post", "/api/auth/email/change"): frozenset({429, 503}),
    ("delete", "/api/auth/me"): frozenset({429, 503}),
    ("get", "/api/health"): frozenset({503}),
    ("post", "/api/auth/login/mfa"): frozenset({401, 429}),
    ("post", "/api/auth/mfa/totp/setup"): frozenset({409, 429, 503}),
    ("post", "/api/auth/mfa/totp/confirm"): frozenset({409}),
    ("post", "/api/auth/mfa/totp/disable"): frozenset({409, 429, 503}),
    ("post", "/api/auth/mfa/recovery-codes"): frozenset({409, 429, 503}),
}


def _error_statuses(method: str, path: str, operation: dict[str, Any]) -> set[int]:
    statuses = {400}  # the cookie-tossing guard answers any /api request
    if method in _UNSAFE_METHODS:
        statuses |= {403, 413, 415}  # Origin, body size and content type (ApiGuardMiddleware)
    if operation.get("security"):
        statuses.add(401)
    parameters = operation.get("parameters", [])
    if any(p.get("in") == "path" for p in parameters):
        statuses.add(404)  # someone else's id is 404 too, never 403
    if any(p.get("in") == "header" and p.get("name", "").lower() == "if-match" for p in parameters):
        statuses.add(412)
    return statuses | _ROUTE_ERRORS.get((method, path), frozenset())


def document_error_statuses(schema: dict[str, Any]) -> dict[str, Any]:
    """Name every error status each API operation can answer, with the ErrorOut shape, so
    the generated client and the fuzz test (tests/test_fuzz.py) know them all."""
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorOut", ErrorOut.model_json_schema())
    error_content = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for path, operations in schema.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in sorted(_error_statuses(method, path, operation)):
                answer = responses.setdefault(
                    str(status), {"description": _ERROR_DESCRIPTIONS[status]}
                )
                answer.setdefault("content", error_content)
    return schema


class AppError(Exception):
    """A domain error that routers let bubble up; the handler renders it."""

    status_code = 400
    code = "bad_request"

    def __init__(
        self,
        detail: str,
        *,
        code: str | None = None,
        status_code: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code
        if status_code is not None:
            self.status_code = status_code
        self.headers = dict(headers or {})
        # Extra members of the JSON answer (e.g. "errors" for a rejected import).
        self.extra: dict[str, Any] = {}


class NotAuthenticated(AppError):
    status_code = 401
    code = "not_authenticated"


class NotFound(AppError):
    status_code = 404
    code = "not_found"


class FeatureDisabled(AppError):
    status_code = 404
    code = "feature_disabled"


class RateLimited(AppError):
    status_code = 429
    code = "rate_limited"


def error_body(detail: str, code: str, **extra: Any) -> dict[str, Any]:
    return {"detail": detail, "code": code, **extra}


def error_response(
    status_code: int, detail: str, code: str, headers: Mapping[str, str] | None = None, **extra: Any
) -> JSONResponse:
    return JSONResponse(
        error_body(detail, code, **extra),
        status_code=status_code,
        headers={**NO_STORE, **(headers or {})},
    )


_STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
}


async def _app_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return error_response(exc.status_code, exc.detail, exc.code, exc.headers, **exc.extra)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _STATUS_CODES.get(exc.status_code, "error")
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    if exc.status_code == 404 and detail == "Not Found":
        detail = "Not found"
    if exc.status_code == 405:
        detail = "Method not allowed"
    return error_response(exc.status_code, detail, code, exc.headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "loc": list(err.get("loc", ())),
            "msg": str(err.get("msg", "invalid")).removeprefix("Value error, "),
        }
        for err in exc.errors()
    ]
    first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
    where = ".".join(str(p) for p in first["loc"] if p != "body")
    detail = f"{where}: {first['msg']}" if where else str(first["msg"])
    return error_response(422, f"Invalid request: {detail}", "validation_error", errors=errors)


# The database cannot be reached (server down, connection cut, pool exhausted, SQLite locked
# past its busy timeout): the request did nothing durable, so the client may retry.
DATABASE_RETRY_AFTER = "5"


async def _database_unavailable(_request: Request, exc: Exception) -> JSONResponse:
    log.warning("database unavailable: %s", type(exc).__name__)
    return error_response(
        503,
        "The database is not reachable right now. Try again in a moment.",
        "database_unavailable",
        {"Retry-After": DATABASE_RETRY_AFTER},
    )


async def _unhandled(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", exc_info=exc)
    return error_response(500, "Internal server error", "internal_error")


def install_error_docs(app: FastAPI) -> None:
    """Build the OpenAPI document once, with every error status named (see above)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_error_statuses(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    for unavailable in (OperationalError, InterfaceError, PoolTimeout):
        app.add_exception_handler(unavailable, _database_unavailable)
    app.add_exception_handler(Exception, _unhandled)
