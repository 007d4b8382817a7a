"""Token delivery, the one place that knows the two refresh modes (``JOURNAL_AUTH_COOKIE_REFRESH``):

- cookie mode (M4.T1): the refresh token lives in an HttpOnly cookie, answers carry the
  access token only, and a signed double-submit CSRF cookie rides along;
- body mode (M1): the refresh token travels in JSON bodies, no cookies, no CSRF.

It writes the two auth cookies with one set of attributes, shapes the token answer, and
reads which refresh token or session a request presents.
"""

from __future__ import annotations

import uuid

from fastapi import Request, Response
from fastapi.security import HTTPAuthorizationCredentials

from apps.api.app.auth.csrf import CSRF_COOKIE, csrf_token_valid, issue_csrf_token
from apps.api.app.auth.models import User, UserSession
from apps.api.app.auth.schemas import TokenOut
from apps.api.app.auth.tokens import (
    decode_access_token,
    decode_refresh_token,
    encode_access_token,
)
from apps.api.app.config import Settings
from apps.api.app.errors import AppError, NotAuthenticated

REFRESH_COOKIE = "refresh_token"
REFRESH_COOKIE_PATH = "/api/auth"
_SAMESITE = {"lax": "Lax", "strict": "Strict", "none": "None"}


def set_refresh_cookie(response: Response, settings: Settings, token: str) -> None:
    response.set_cookie(
        REFRESH_COOKIE,
        token,
        max_age=settings.refresh_ttl_seconds,
        path=REFRESH_COOKIE_PATH,
        secure=settings.cookie_secure,
        httponly=True,
        samesite=_SAMESITE[settings.cookie_samesite],  # type: ignore[arg-type]
    )


def set_csrf_cookie(response: Response, settings: Settings, token: str) -> None:
    # Readable by the page's JavaScript on purpose: it echoes it in X-CSRF-Token.
    response.set_cookie(
        CSRF_COOKIE,
        token,
        max_age=settings.refresh_ttl_seconds,
        path="/",
        secure=settings.cookie_secure,
        httponly=False,
        samesite=_SAMESITE[settings.cookie_samesite],  # type: ignore[arg-type]
    )


def clear_auth_cookies(response: Response, settings: Settings) -> None:
    for name, path, httponly in (
        (REFRESH_COOKIE, REFRESH_COOKIE_PATH, True),
        (CSRF_COOKIE, "/", False),
    ):
        response.set_cookie(
            name,
            "",
            max_age=0,
            expires=0,
            path=path,
            secure=settings.cookie_secure,
            httponly=httponly,
            samesite=_SAMESITE[settings.cookie_samesite],  # type: ignore[arg-type]
        )


def token_answer(
    request: Request,
    response: Response,
    settings: Settings,
    user: User,
    session: UserSession,
    refresh: str,
) -> TokenOut:
    """Cookie mode: access token in the body, refresh (and CSRF) in cookies. Body mode: both."""
    access = encode_access_token(settings.secret, user.id, settings.access_ttl_seconds, session.id)
    if not settings.auth_cookie_refresh:
        return TokenOut(
            access_token=access, expires_in=settings.access_ttl_seconds, refresh_token=refresh
        )
    set_refresh_cookie(response, settings, refresh)
    # A CSRF token issued before sign-in is bound to nothing: replace it with a bound one.
    if not csrf_token_valid(settings.secret, request.cookies.get(CSRF_COOKIE), session.id):
        set_csrf_cookie(response, settings, issue_csrf_token(settings.secret, session.id))
    return TokenOut(access_token=access, expires_in=settings.access_ttl_seconds)


def presented_refresh_token(request: Request, settings: Settings, body_token: str | None) -> str:
    """The refresh token of this request: the cookie in cookie mode (any body token is
    ignored), the body in body mode."""
    token = request.cookies.get(REFRESH_COOKIE) if settings.auth_cookie_refresh else body_token
    if not token:
        raise NotAuthenticated("No refresh token")
    return token


def refresh_token_session_id(settings: Settings, token: str | None) -> uuid.UUID | None:
    """The session named by a well-formed refresh token (MAC checked), if any."""
    if not token:
        return None
    try:
        return decode_refresh_token(settings.secret, token).session_id
    except AppError:
        return None


def refresh_cookie_session_id(request: Request, settings: Settings) -> uuid.UUID | None:
    return refresh_token_session_id(settings, request.cookies.get(REFRESH_COOKIE))


def bearer_session_id(
    settings: Settings, credentials: HTTPAuthorizationCredentials | None
) -> uuid.UUID | None:
    """The session named by a bearer token, expired or not (signature still checked)."""
    if credentials is None:
        return None
    try:
        return decode_access_token(
            settings.secret, credentials.credentials, allow_expired=True
        ).session_id
    except AppError:
        return None


def signed_out_answer(settings: Settings) -> Response:
    """204 for logout; in cookie mode the cookies are cleared and the browser told to drop
    what it cached for this site."""
    answer = Response(status_code=204)
    if settings.auth_cookie_refresh:
        clear_auth_cookies(answer, settings)
        answer.headers["Clear-Site-Data"] = '"cache", "storage"'
    return answer
