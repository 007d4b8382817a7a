"""Devices/Sessions (M5.T1): list the signed-in devices, revoke one, revoke the others."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from apps.api.app.auth import sessions as auth_sessions
from apps.api.app.auth.cookies import clear_auth_cookies
from apps.api.app.auth.dependencies import AuthDep, CsrfProtected, SettingsDep
from apps.api.app.db.session import DbSession
from apps.api.app.errors import NotFound
from apps.api.app.sessions import service
from apps.api.app.sessions.schemas import SessionOut

router = APIRouter(prefix="/api/auth/sessions", tags=["sessions"])


@router.get("", response_model=list[SessionOut])
def list_sessions(ctx: AuthDep, db: DbSession) -> list[SessionOut]:
    return service.describe(service.live_sessions(db, ctx.user.id), ctx.session_id)


@router.delete(
    "/{session_id}", status_code=status.HTTP_204_NO_CONTENT, dependencies=[CsrfProtected]
)
def revoke_session(session_id: str, ctx: AuthDep, db: DbSession, settings: SettingsDep) -> Response:
    """Sign a device out. Revoking the current session signs this device out."""
    try:
        ident = uuid.UUID(session_id)
    except ValueError:
        raise NotFound("Session not found") from None
    found = auth_sessions.revoke_owned_session(
        db, ctx.user.id, ident, auth_sessions.RevokeReason.SESSION_REVOKED
    )
    if found is None:
        raise NotFound("Session not found")
    answer = Response(status_code=status.HTTP_204_NO_CONTENT)
    if ident == ctx.session_id and settings.auth_cookie_refresh:
        clear_auth_cookies(answer, settings)
    return answer


@router.post("/revoke-others", status_code=status.HTTP_204_NO_CONTENT, dependencies=[CsrfProtected])
def revoke_other_sessions(ctx: AuthDep, db: DbSession) -> Response:
    auth_sessions.revoke_user_sessions(
        db, ctx.user.id, auth_sessions.RevokeReason.SESSION_REVOKED, keep=ctx.session_id
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
