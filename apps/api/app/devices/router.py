"""/api/auth/sessions: the signed-in devices of the current user."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response, status

from apps.api.app.auth.dependencies import AuthDep, CsrfProtected, SettingsDep
from apps.api.app.auth.reasons import RevokeReason
from apps.api.app.auth.transport import clear_auth_cookies
from apps.api.app.db.session import DbSession
from apps.api.app.devices import service
from apps.api.app.devices.schemas import SessionOut
from apps.api.app.errors import NotFound
from apps.api.app.http import client_ip

router = APIRouter(prefix="/api/auth/sessions", tags=["sessions"])


@router.get("", response_model=list[SessionOut])
def list_sessions(ctx: AuthDep, db: DbSession) -> list[SessionOut]:
    return service.list_devices(db, ctx.user.id, ctx.session_id)


@router.delete(
    "/{session_id}", status_code=status.HTTP_204_NO_CONTENT, dependencies=[CsrfProtected]
)
def revoke_session(
    session_id: str, ctx: AuthDep, request: Request, db: DbSession, settings: SettingsDep
) -> Response:
    """Sign a device out. Revoking the current session signs this device out."""
    try:
        ident = uuid.UUID(session_id)
    except ValueError:
        raise NotFound("Session not found") from None
    service.sign_out_device(
        db,
        ctx.user.id,
        ident,
        RevokeReason.SESSION_REVOKED,
        ip=client_ip(request, settings),
        user_agent=request.headers.get("user-agent"),
    )
    answer = Response(status_code=status.HTTP_204_NO_CONTENT)
    if ident == ctx.session_id and settings.auth_cookie_refresh:
        clear_auth_cookies(answer, settings)
    return answer


@router.post("/revoke-others", status_code=status.HTTP_204_NO_CONTENT, dependencies=[CsrfProtected])
def revoke_other_sessions(
    ctx: AuthDep, request: Request, db: DbSession, settings: SettingsDep
) -> Response:
    service.sign_out_others(
        db,
        ctx.user.id,
        keep=ctx.session_id,
        ip=client_ip(request, settings),
        user_agent=request.headers.get("user-agent"),
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
