"""Authentication and CSRF dependencies: ``CurrentUser``, ``AuthDep``, ``require_csrf``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from apps.api.app.auth.csrf import CSRF_COOKIE, CSRF_HEADER, check_csrf
from apps.api.app.auth.exceptions import InvalidToken, SessionRevoked
from apps.api.app.auth.lookup import Principal, load_session, touch_session
from apps.api.app.auth.tokens import AccessClaims, decode_access_token
from apps.api.app.config import Settings
from apps.api.app.db.base import utcnow
from apps.api.app.db.reader import Reader
from apps.api.app.errors import NotAuthenticated

LAST_USED_RESOLUTION = timedelta(minutes=1)

_bearer = HTTPBearer(auto_error=False, description="Access token from /api/auth/login")
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


@dataclass(frozen=True, slots=True)
class AuthContext:
    user: Principal
    session_id: uuid.UUID
    claims: AccessClaims


async def get_settings(request: Request) -> Settings:
    # Async so FastAPI calls it inline: a sync dependency would cost a thread-pool hop.
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def _not_authenticated() -> NotAuthenticated:
    return NotAuthenticated("Not authenticated", headers={"WWW-Authenticate": "Bearer"})


async def get_auth_context(request: Request, credentials: BearerDep) -> AuthContext:
    """Validate the bearer token and check its session is live, in one query.

    Revocation is immediate on every replica because the session row is read on each
    request; the read runs without a thread hop (see auth/lookup.py), and FastAPI caches
    the result for every other dependency of the request that needs it.
    """
    if credentials is None:
        raise _not_authenticated()
    settings: Settings = request.app.state.settings
    claims = decode_access_token(settings.secret, credentials.credentials)
    if claims.session_id is None:
        raise InvalidToken("Invalid access token")
    reader: Reader = request.app.state.reader
    row = await load_session(reader, claims.session_id, claims.user_id)
    now = utcnow()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        raise SessionRevoked()
    if not row.user.is_active:
        raise SessionRevoked()
    if now - row.last_used_at > LAST_USED_RESOLUTION:
        # "Last active" for the devices page, written at most once a minute per session.
        await touch_session(reader, claims.session_id, now)
    return AuthContext(user=row.user, session_id=claims.session_id, claims=claims)


AuthDep = Annotated[AuthContext, Depends(get_auth_context)]


async def get_current_user(ctx: AuthDep) -> Principal:
    return ctx.user


CurrentUser = Annotated[Principal, Depends(get_current_user)]


def check_request_csrf(request: Request, settings: Settings, session_id: uuid.UUID | None) -> None:
    check_csrf(
        settings.secret,
        request.cookies.get(CSRF_COOKIE),
        request.headers.get(CSRF_HEADER),
        session_id,
    )


async def require_csrf(request: Request, ctx: AuthDep) -> None:
    """CSRF for bearer-authenticated unsafe routes, in cookie mode only.

    It depends on the auth context, so a dead access token answers 401 (the client
    refreshes) before CSRF is looked at, never 403.
    """
    settings: Settings = request.app.state.settings
    if settings.auth_cookie_refresh:
        check_request_csrf(request, settings, ctx.session_id)


CsrfProtected = Depends(require_csrf)
