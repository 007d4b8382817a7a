"""/api/auth account security routes: the activity log, email change, account deletion.
Thin: validate, call ``account``/``events``, shape the answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from apps.api.app.auth import account, events, transport
from apps.api.app.auth.account_schemas import (
    ActivityOut,
    ActivityPage,
    EmailChangeIn,
    EmailConfirmIn,
    StepUpIn,
)
from apps.api.app.auth.dependencies import AuthDep, BearerDep, CsrfProtected, SettingsDep
from apps.api.app.auth.router import LimiterDep
from apps.api.app.auth.schemas import DetailOut
from apps.api.app.db.session import DbSession
from apps.api.app.http import client_ip
from apps.api.app.useragent import device_label

router = APIRouter(prefix="/api/auth", tags=["auth"])

DETAIL_EMAIL_CHANGE = (
    "Check the new address's inbox: the change happens once you open the link we sent there."
)


@router.get("/activity", response_model=ActivityPage)
def list_activity(
    ctx: AuthDep,
    db: DbSession,
    cursor: Annotated[str | None, Query(max_length=events.MAX_CURSOR_LENGTH)] = None,
) -> ActivityPage:
    """This account's security events, newest first, 50 per page."""
    page = events.list_events(db, ctx.user.id, cursor)
    return ActivityPage(
        items=[
            ActivityOut(
                id=row.id,
                at=row.at,
                event=row.event,
                ip=row.ip,
                device=device_label(row.user_agent),
                detail=row.detail,
            )
            for row in page.items
        ],
        next_cursor=page.next_cursor,
    )


@router.post(
    "/email/change",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=DetailOut,
    dependencies=[CsrfProtected],
)
def change_email(
    data: EmailChangeIn,
    ctx: AuthDep,
    request: Request,
    db: DbSession,
    settings: SettingsDep,
    limiter: LimiterDep,
) -> DetailOut:
    """Mail a confirmation link to the new address (same answer whether or not it is
    taken) and a notice to the current one."""
    account.request_email_change(
        db,
        settings,
        limiter,
        ctx.user.id,
        password=data.password,
        code=data.code,
        new_email=data.new_email,
        ip=client_ip(request, settings),
        user_agent=request.headers.get("user-agent"),
    )
    return DetailOut(detail=DETAIL_EMAIL_CHANGE)


@router.post("/email/confirm", response_model=DetailOut)
def confirm_email(
    data: EmailConfirmIn,
    request: Request,
    db: DbSession,
    settings: SettingsDep,
    credentials: BearerDep,
) -> DetailOut:
    """Apply the new address of a mailed link; every other session ends (the device
    confirming keeps its session when it is signed in to this account)."""
    current = transport.bearer_session_id(
        settings, credentials
    ) or transport.refresh_cookie_session_id(request, settings)
    account.confirm_email_change(
        db,
        data.token,
        keep_session=current,
        ip=client_ip(request, settings),
        user_agent=request.headers.get("user-agent"),
    )
    return DetailOut(detail="Your email is changed. Other devices were signed out.")


@router.delete("/me", status_code=status.HTTP_204_NO_CONTENT, dependencies=[CsrfProtected])
def delete_account(
    data: StepUpIn,
    ctx: AuthDep,
    request: Request,
    db: DbSession,
    settings: SettingsDep,
    limiter: LimiterDep,
) -> Response:
    """Delete the account and everything it owns, at once; cookies are cleared."""
    account.delete_account(
        db,
        limiter,
        ctx.user.id,
        password=data.password,
        code=data.code,
        ip=client_ip(request, settings),
        user_agent=request.headers.get("user-agent"),
    )
    return transport.signed_out_answer(settings)
