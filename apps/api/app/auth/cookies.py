"""The two auth cookies of cookie mode, written with one set of attributes."""

from __future__ import annotations

from fastapi import Response

from apps.api.app.auth.csrf import CSRF_COOKIE
from apps.api.app.config import Settings

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
