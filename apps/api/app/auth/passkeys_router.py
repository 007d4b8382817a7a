"""/api/auth/passkeys routes: validate, call the ``passkeys`` use case, shape the answer."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response, status

from apps.api.app.auth import budgets, passkeys, transport
from apps.api.app.auth.dependencies import AuthDep, CsrfProtected, CurrentUser, SettingsDep
from apps.api.app.auth.passkey_schemas import (
    PasskeyLoginIn,
    PasskeyOut,
    PasskeyRegisterIn,
    PasskeyRenameIn,
    StepUpIn,
)
from apps.api.app.auth.router import LimiterDep
from apps.api.app.auth.schemas import TokenOut
from apps.api.app.db.session import DbSession
from apps.api.app.errors import ErrorOut
from apps.api.app.http import client_ip

router = APIRouter(prefix="/api/auth", tags=["auth"])

_UNAVAILABLE = (
    "Bad request: passkeys unavailable (IP-address public URL, passkeys_unavailable), a "
    "refused passkey (passkey_invalid), or two refresh_token/csrftoken cookies"
)
_OPTIONS: dict[str, Any] = {"type": "object", "additionalProperties": True}


@router.post(
    "/passkeys/register/options",
    dependencies=[CsrfProtected],
    responses={
        200: {"content": {"application/json": {"schema": _OPTIONS}}},
        400: {"description": _UNAVAILABLE},
    },
)
def passkey_register_options(ctx: AuthDep, db: DbSession, settings: SettingsDep) -> dict[str, Any]:
    """WebAuthn creation options (resident key required, user verification preferred); the
    challenge is single-use, lives 2 minutes and is bound to this user."""
    return passkeys.registration_options(db, settings, ctx.user.id)


@router.post(
    "/passkeys/register/verify",
    status_code=status.HTTP_201_CREATED,
    response_model=PasskeyOut,
    dependencies=[CsrfProtected],
    responses={400: {"description": _UNAVAILABLE}},
)
def passkey_register_verify(
    data: PasskeyRegisterIn, ctx: AuthDep, request: Request, db: DbSession, settings: SettingsDep
) -> PasskeyOut:
    passkey = passkeys.register(
        db,
        settings,
        ctx.user.id,
        name=data.name,
        credential=data.credential,
        ip=client_ip(request, settings),
        user_agent=request.headers.get("user-agent"),
    )
    return PasskeyOut.model_validate(passkey)


@router.get("/passkeys", response_model=list[PasskeyOut])
def list_passkeys(user: CurrentUser, db: DbSession) -> list[PasskeyOut]:
    return [PasskeyOut.model_validate(p) for p in passkeys.list_passkeys(db, user.id)]


@router.patch("/passkeys/{passkey_id}", response_model=PasskeyOut, dependencies=[CsrfProtected])
def rename_passkey(
    passkey_id: uuid.UUID, data: PasskeyRenameIn, ctx: AuthDep, db: DbSession
) -> PasskeyOut:
    return PasskeyOut.model_validate(passkeys.rename(db, ctx.user.id, passkey_id, data.name))


@router.delete(
    "/passkeys/{passkey_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[CsrfProtected],
    responses={
        429: {"model": ErrorOut, "description": "Too many wrong passwords (Retry-After)"},
        503: {
            "model": ErrorOut,
            "description": "Every password-hashing slot is busy (Retry-After)",
        },
    },
)
def delete_passkey(
    passkey_id: uuid.UUID,
    data: StepUpIn,
    ctx: AuthDep,
    request: Request,
    db: DbSession,
    settings: SettingsDep,
    limiter: LimiterDep,
) -> Response:
    """Step-up: the password (and a code when a second factor is on); wrong → 400
    ``invalid_credentials`` / ``mfa_invalid``."""
    passkeys.remove(
        db,
        settings,
        limiter,
        ctx.user.id,
        passkey_id,
        password=data.password,
        code=data.code,
        ip=client_ip(request, settings),
        user_agent=request.headers.get("user-agent"),
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/passkeys/login/options",
    responses={
        200: {"content": {"application/json": {"schema": _OPTIONS}}},
        400: {"description": _UNAVAILABLE},
        429: {"model": ErrorOut, "description": "Too many challenges asked from this client"},
    },
)
def passkey_login_options(
    request: Request, db: DbSession, settings: SettingsDep, limiter: LimiterDep
) -> dict[str, Any]:
    """WebAuthn request options for a discoverable credential (user verification required)
    and the ``challenge_id`` to send back with the answer (single use, 2 minutes). A client
    gets a limited number a minute (``JOURNAL_RATE_PASSKEY_OPTIONS_IP``)."""
    budgets.take_passkey_options_quota(limiter, client_ip(request, settings))
    return passkeys.login_options(db, settings)


@router.post(
    "/passkeys/login/verify",
    response_model=TokenOut,
    response_model_exclude_none=True,
    responses={
        400: {"description": _UNAVAILABLE},
        401: {
            "model": ErrorOut,
            "description": "Unknown passkey, bad signature, or a used or expired challenge",
        },
        429: {
            "model": ErrorOut,
            "description": "Too many failed sign-ins from this client (Retry-After)",
        },
    },
)
def passkey_login_verify(
    data: PasskeyLoginIn,
    request: Request,
    response: Response,
    db: DbSession,
    settings: SettingsDep,
    limiter: LimiterDep,
) -> TokenOut:
    """The normal login answer (cookie mode: access token + cookies), with no MFA step."""
    signed_in = passkeys.sign_in(
        db,
        settings,
        limiter,
        challenge_id=data.challenge_id,
        credential=data.credential,
        ip=client_ip(request, settings),
        user_agent=request.headers.get("user-agent"),
    )
    return transport.token_answer(
        request, response, settings, signed_in.user, signed_in.session, signed_in.refresh_token
    )
