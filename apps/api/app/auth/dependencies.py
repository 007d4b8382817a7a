"""Authentication dependencies: ``CurrentUser`` and friends."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select

from apps.api.app.auth.models import User
from apps.api.app.auth.tokens import AccessClaims, decode_access_token
from apps.api.app.config import Settings
from apps.api.app.errors import NotAuthenticated

_bearer = HTTPBearer(auto_error=False, description="Access token from /api/auth/login")


@dataclass(frozen=True, slots=True)
class AuthContext:
    user: User
    claims: AccessClaims


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_auth_context(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> AuthContext:
    """Validate the bearer token and load its user in one query.

    A sync dependency: FastAPI runs it in the thread pool, and it opens its own short
    database session so that the authenticated read path costs one thread hop.
    """
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise NotAuthenticated("Not authenticated", headers={"WWW-Authenticate": "Bearer"})
    settings: Settings = request.app.state.settings
    claims = decode_access_token(settings.secret, credentials.credentials)
    with request.app.state.sessionmaker() as db:
        user = db.scalar(select(User).where(User.id == claims.user_id, User.is_active))
    if user is None:
        raise NotAuthenticated("Not authenticated", headers={"WWW-Authenticate": "Bearer"})
    return AuthContext(user=user, claims=claims)


AuthDep = Annotated[AuthContext, Depends(get_auth_context)]


async def get_current_user(ctx: AuthDep) -> User:
    return ctx.user


CurrentUser = Annotated[User, Depends(get_current_user)]
