"""/api/auth/mfa routes: the second factor's status, TOTP set-up, confirm and disable, and
recovery codes. Thin: validate, call the use case in ``mfa``, shape the answer."""

from __future__ import annotations

from fastapi import APIRouter, Request

from apps.api.app.auth import mfa
from apps.api.app.auth.dependencies import AuthDep, CsrfProtected, SettingsDep
from apps.api.app.auth.router import LimiterDep
from apps.api.app.auth.schemas import (
    DetailOut,
    MfaStatusOut,
    RecoveryCodesOut,
    StepUpIn,
    TotpConfirmIn,
    TotpSetupOut,
)
from apps.api.app.db.session import DbSession
from apps.api.app.http import client_ip

router = APIRouter(prefix="/api/auth", tags=["auth"])


def _requester(request: Request, ctx: AuthDep, settings: SettingsDep) -> mfa.Requester:
    return mfa.Requester(
        session_id=ctx.session_id,
        ip=client_ip(request, settings),
        user_agent=request.headers.get("user-agent"),
    )


@router.get("/mfa", response_model=MfaStatusOut)
def mfa_status(ctx: AuthDep, db: DbSession) -> MfaStatusOut:
    found = mfa.status(db, ctx.user.id)
    return MfaStatusOut(
        totp=found.totp, recovery_codes_left=found.recovery_codes_left, passkeys=found.passkeys
    )


@router.post("/mfa/totp/setup", response_model=TotpSetupOut, dependencies=[CsrfProtected])
def totp_setup(
    data: StepUpIn,
    ctx: AuthDep,
    request: Request,
    db: DbSession,
    settings: SettingsDep,
    limiter: LimiterDep,
) -> TotpSetupOut:
    """Start (or restart) setting up an authenticator app: a new pending secret. TOTP stays
    off until confirmed; 409 ``mfa_already_enabled`` if it is on already."""
    setup = mfa.start_totp_setup(
        db,
        settings,
        limiter,
        ctx.user.id,
        password=data.password,
        code=data.code,
        who=_requester(request, ctx, settings),
    )
    return TotpSetupOut(secret=setup.secret, otpauth_uri=setup.otpauth_uri)


@router.post("/mfa/totp/confirm", response_model=RecoveryCodesOut, dependencies=[CsrfProtected])
def totp_confirm(
    data: TotpConfirmIn, ctx: AuthDep, request: Request, db: DbSession, settings: SettingsDep
) -> RecoveryCodesOut:
    """A code from the app turns TOTP on; every other session is signed out. 400
    ``mfa_invalid`` for a wrong code, 409 when nothing is pending or it is on already."""
    codes = mfa.confirm_totp(
        db, settings, ctx.user.id, data.code, who=_requester(request, ctx, settings)
    )
    return RecoveryCodesOut(recovery_codes=codes)


@router.post("/mfa/totp/disable", response_model=DetailOut, dependencies=[CsrfProtected])
def totp_disable(
    data: StepUpIn,
    ctx: AuthDep,
    request: Request,
    db: DbSession,
    settings: SettingsDep,
    limiter: LimiterDep,
) -> DetailOut:
    mfa.disable_totp(
        db,
        settings,
        limiter,
        ctx.user.id,
        password=data.password,
        code=data.code,
        who=_requester(request, ctx, settings),
    )
    return DetailOut(detail="Two-step verification is off. Other devices were signed out.")


@router.post("/mfa/recovery-codes", response_model=RecoveryCodesOut, dependencies=[CsrfProtected])
def regenerate_recovery_codes(
    data: StepUpIn,
    ctx: AuthDep,
    request: Request,
    db: DbSession,
    settings: SettingsDep,
    limiter: LimiterDep,
) -> RecoveryCodesOut:
    codes = mfa.regenerate_recovery_codes(
        db,
        settings,
        limiter,
        ctx.user.id,
        password=data.password,
        code=data.code,
        who=_requester(request, ctx, settings),
    )
    return RecoveryCodesOut(recovery_codes=codes)
