"""Authentication and CSRF dependencies: ``CurrentUser``, ``AuthDep``, ``require_csrf``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select, update

from apps.api.app.auth.cookies import REFRESH_COOKIE
from apps.api.app.auth.csrf import CSRF_COOKIE, CSRF_HEADER, check_csrf
from apps.api.app.auth.models import User, UserSession
from apps.api.app.auth.sessions import SessionRevoked
from apps.api.app.auth.tokens import (
    AccessClaims,
    InvalidAccessToken,
    decode_access_token,
    decode_refresh_token,
)
from apps.api.app.config import Settings
from apps.api.app.db import utcnow
from apps.api.app.errors import AppError, NotAuthenticated

LAST_USED_RESOLUTION = timedelta(minutes=1)

_bearer = HTTPBearer(auto_error=False, description="Access token from /api/auth/login")
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


@dataclass(frozen=True, slots=True)
class AuthContext:
    user: User
    session_id: uuid.UUID
    claims: AccessClaims


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def _not_authenticated() -> NotAuthenticated:
    return NotAuthenticated("Not authenticated", headers={"WWW-Authenticate": "Bearer"})


def get_auth_context(request: Request, credentials: BearerDep) -> AuthContext:
    """Validate the bearer token and check its session is live, in one query.

    A sync dependency: FastAPI runs it in the thread pool once per request (the result is
    cached for every other dependency that needs it). Revocation is immediate on every
    replica because the session row is read on each request.
    """
    if credentials is None:
        raise _not_authenticated()
    settings: Settings = request.app.state.settings
    claims = decode_access_token(settings.secret, credentials.credentials)
    if claims.session_id is None:
        raise InvalidAccessToken("Invalid access token")
    with request.app.state.sessionmaker() as db:
        row = db.execute(
            select(User, UserSession.revoked_at, UserSession.expires_at, UserSession.last_used_at)
            .join(UserSession, UserSession.user_id == User.id)
            .where(UserSession.id == claims.session_id, User.id == claims.user_id)
        ).first()
        if row is None:
            raise SessionRevoked()
        user, revoked_at, expires_at, last_used_at = row
        now = utcnow()
        if revoked_at is not None or expires_at <= now or not user.is_active:
            raise SessionRevoked()
        if now - last_used_at > LAST_USED_RESOLUTION:
            # "Last active" for the devices page, written at most once a minute per session.
            db.execute(
                update(UserSession)
                .where(UserSession.id == claims.session_id)
                .values(last_used_at=now)
                .execution_options(synchronize_session=False)
            )
            db.commit()
    return AuthContext(user=user, session_id=claims.session_id, claims=claims)


AuthDep = Annotated[AuthContext, Depends(get_auth_context)]


async def get_current_user(ctx: AuthDep) -> User:
    return ctx.user


CurrentUser = Annotated[User, Depends(get_current_user)]


def _check_request_csrf(request: Request, settings: Settings, session_id: uuid.UUID | None) -> None:
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
        _check_request_csrf(request, settings, ctx.session_id)


def refresh_cookie_session_id(request: Request, settings: Settings) -> uuid.UUID | None:
    """The session named by a well-formed refresh cookie (MAC checked), if any."""
    token = request.cookies.get(REFRESH_COOKIE)
    if not token:
        return None
    try:
        return decode_refresh_token(settings.secret, token).session_id
    except AppError:
        return None


CsrfProtected = Depends(require_csrf)
