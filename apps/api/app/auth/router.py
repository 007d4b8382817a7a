"""/api/auth routes: validate, call the use case (``signin``, ``service``), shape the answer.

Token delivery in cookie or body mode is ``transport``'s; rate limits, sessions, metrics and
notices belong to the use cases.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Body, Depends, Request, Response, status
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlalchemy.orm import Session

from apps.api.app.auth import budgets, service, signin, transport
from apps.api.app.auth.csrf import CSRF_COOKIE, csrf_token_valid, issue_csrf_token
from apps.api.app.auth.dependencies import (
    AuthDep,
    BearerDep,
    CsrfProtected,
    CurrentUser,
    SettingsDep,
    check_request_csrf,
)
from apps.api.app.auth.schemas import (
    ChangePasswordIn,
    CsrfOut,
    DetailOut,
    EmailIn,
    LoginIn,
    LoginMfaIn,
    LogoutIn,
    MfaRequiredOut,
    ProfileUpdate,
    RefreshIn,
    RegisterIn,
    ResetIn,
    TokenOut,
    UserOut,
    VerifyIn,
)
from apps.api.app.config import Settings
from apps.api.app.db.session import DbSession
from apps.api.app.errors import AppError, FeatureDisabled, error_response
from apps.api.app.http import client_ip, read_json_or_form
from apps.api.app.ratelimit import RateLimiter

log = logging.getLogger("journal.auth")

router = APIRouter(prefix="/api/auth", tags=["auth"])


# ---- shared helpers --------------------------------------------------------------------------


async def require_user_mgmt(settings: SettingsDep) -> None:
    if not settings.user_mgmt_enabled:
        raise FeatureDisabled("Self-service accounts are disabled on this server")


UserMgmt = Depends(require_user_mgmt)


async def get_rate_limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.rate_limiter
    return limiter


LimiterDep = Annotated[RateLimiter, Depends(get_rate_limiter)]


def _mail_link_later(
    request: Request,
    background: BackgroundTasks,
    flow: Callable[[Session, Settings, str], service.Outcome],
    email: str,
) -> None:
    """Run a "mail me a link" flow (lookup, token, queued mail) after the answer is sent, in
    its own transaction: known and unknown addresses then answer alike, in content and in
    time. The outbox sender delivers the mail."""
    state = request.app.state

    def run() -> None:
        try:
            with state.sessionmaker() as db:
                flow(db, state.settings, email)
        except Exception:
            log.exception("mail link flow failed")

    background.add_task(run)


DETAIL_REGISTERED = "Check your inbox: we sent a link to finish signing up."
DETAIL_RESENT = "If that address has an account waiting for confirmation, a new link is on its way."
DETAIL_FORGOT = "If that address has an account, a link to reset the password is on its way."


# ---- sign-in, refresh, sign-out ---------------------------------------------------------------


_LOGIN_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": LoginIn.model_json_schema()},
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["username", "password"],
                    "properties": {
                        "username": {"type": "string", "description": "Email address"},
                        "password": {"type": "string", "format": "password"},
                    },
                }
            },
        },
    }
}


async def login_form(request: Request) -> LoginIn:
    """JSON ``{email, password}``, or the OAuth2 form (``username``) the docs' Authorize uses."""
    data = await read_json_or_form(request)
    if "email" not in data and "username" in data:
        data["email"] = data.pop("username")
    try:
        return LoginIn.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from None


@router.post(
    "/login",
    response_model=TokenOut | MfaRequiredOut,
    response_model_exclude_none=True,
    openapi_extra=_LOGIN_BODY,
)
def login(
    credentials: Annotated[LoginIn, Depends(login_form)],
    request: Request,
    response: Response,
    db: DbSession,
    settings: SettingsDep,
    limiter: LimiterDep,
) -> TokenOut | MfaRequiredOut:
    """Sign in with email and password. With a second factor on, the answer is
    ``MfaRequiredOut`` (no token, no cookie): finish with POST /login/mfa."""
    outcome = signin.sign_in_with_password(
        db,
        settings,
        limiter,
        email=credentials.email,
        password=credentials.password,
        ip=client_ip(request, settings),
        user_agent=request.headers.get("user-agent"),
    )
    if isinstance(outcome, signin.MfaChallenge):
        return MfaRequiredOut(
            mfa_required=True, mfa_token=outcome.mfa_token, methods=outcome.methods
        )
    return transport.token_answer(
        request, response, settings, outcome.user, outcome.session, outcome.refresh_token
    )


@router.post("/login/mfa", response_model=TokenOut, response_model_exclude_none=True)
def login_mfa(
    data: LoginMfaIn,
    request: Request,
    response: Response,
    db: DbSession,
    settings: SettingsDep,
    limiter: LimiterDep,
) -> TokenOut:
    """The second step of a sign-in: the ``mfa_token`` /login gave and a TOTP or recovery
    code. Answers exactly what /login answers without a second factor."""
    signed_in = signin.sign_in_with_mfa(
        db,
        settings,
        limiter,
        mfa_token=data.mfa_token,
        code=data.code,
        ip=client_ip(request, settings),
        user_agent=request.headers.get("user-agent"),
    )
    return transport.token_answer(
        request, response, settings, signed_in.user, signed_in.session, signed_in.refresh_token
    )


@router.post(
    "/refresh",
    response_model=TokenOut,
    response_model_exclude_none=True,
    responses={401: {"description": "Missing, invalid, expired, revoked or reused token"}},
)
def refresh(
    request: Request,
    response: Response,
    db: DbSession,
    settings: SettingsDep,
    payload: Annotated[RefreshIn | None, Body(description="Body mode only")] = None,
) -> Any:
    token = transport.presented_refresh_token(
        request, settings, payload.refresh_token if payload else None
    )
    try:
        rotation = signin.refresh(
            db,
            settings,
            token,
            ip=client_ip(request, settings),
            user_agent=request.headers.get("user-agent"),
        )
    except AppError as exc:
        if not settings.auth_cookie_refresh:
            raise
        # A dead cookie is useless: clear it so the browser stops sending it.
        failed = error_response(exc.status_code, exc.detail, exc.code, exc.headers)
        transport.clear_auth_cookies(failed, settings)
        return failed
    return transport.token_answer(
        request, response, settings, rotation.user, rotation.session, rotation.refresh_token
    )


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(
    request: Request,
    db: DbSession,
    settings: SettingsDep,
    credentials: BearerDep,
    payload: Annotated[LogoutIn | None, Body(description="Body mode: the refresh token")] = None,
) -> Response:
    """Revoke the session named by the refresh cookie/body token or the bearer token.

    Idempotent: 204 also when there is no session or it is already gone.
    """
    if settings.auth_cookie_refresh:
        session_id = transport.refresh_cookie_session_id(request, settings)
    else:
        session_id = transport.refresh_token_session_id(
            settings, payload.refresh_token if payload else None
        )
    session_id = session_id or transport.bearer_session_id(settings, credentials)
    if settings.auth_cookie_refresh:
        check_request_csrf(request, settings, session_id)
    signin.sign_out(db, session_id)
    return transport.signed_out_answer(settings)


@router.get("/csrf", response_model=CsrfOut)
def csrf(request: Request, response: Response, settings: SettingsDep) -> CsrfOut:
    """Issue (or confirm) the CSRF token; bound to the refresh cookie's session if any."""
    if not settings.auth_cookie_refresh:
        raise FeatureDisabled("CSRF tokens are only used in cookie mode")
    session_id = transport.refresh_cookie_session_id(request, settings)
    token = request.cookies.get(CSRF_COOKIE)
    if not token or not csrf_token_valid(settings.secret, token, session_id):
        token = issue_csrf_token(settings.secret, session_id)
    transport.set_csrf_cookie(response, settings, token)
    return CsrfOut(csrf_token=token)


@router.get("/me", response_model=UserOut)
async def me(user: CurrentUser) -> UserOut:
    return UserOut.model_validate(user)


@router.patch("/me", response_model=UserOut, dependencies=[CsrfProtected])
def update_profile(data: ProfileUpdate, ctx: AuthDep, db: DbSession) -> UserOut:
    return UserOut.model_validate(
        service.update_profile(
            db, ctx.user.id, data.model_dump(exclude_unset=True, exclude_none=True)
        )
    )


# ---- self-service (M1): register, verify, reset ---------------------------------------------


@router.post(
    "/register",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=DetailOut,
    dependencies=[UserMgmt],
)
def register(
    data: RegisterIn,
    request: Request,
    db: DbSession,
    settings: SettingsDep,
    limiter: LimiterDep,
) -> DetailOut:
    budgets.take_register_quota(limiter, data.email, client_ip(request, settings))
    service.register(db, settings, data.email, data.password, data.display_name)
    return DetailOut(detail=DETAIL_REGISTERED)


@router.post("/verify", response_model=DetailOut, dependencies=[UserMgmt])
def verify(data: VerifyIn, db: DbSession) -> DetailOut:
    service.verify_email(db, data.token)
    return DetailOut(detail="Your email is confirmed. You can sign in now.")


def _mail_link_route(
    path: str, name: str, kind: str, flow: Callable[[Session, Settings, str], service.Outcome]
) -> None:
    """POST ``path`` {email}: 202 with the same answer whatever the address (counted against
    the mail quota, then the lookup, token and mail happen after the answer)."""
    detail = {"resend": DETAIL_RESENT, "forgot": DETAIL_FORGOT}[kind]

    def handler(
        data: EmailIn,
        request: Request,
        background: BackgroundTasks,
        settings: SettingsDep,
        limiter: LimiterDep,
    ) -> DetailOut:
        budgets.take_mail_quota(limiter, kind, data.email, client_ip(request, settings))
        _mail_link_later(request, background, flow, data.email)
        return DetailOut(detail=detail)

    router.add_api_route(
        path,
        handler,
        methods=["POST"],
        name=name,
        status_code=status.HTTP_202_ACCEPTED,
        response_model=DetailOut,
        dependencies=[UserMgmt],
    )


_mail_link_route("/verify/resend", "resend_verification", "resend", service.resend_verification)
_mail_link_route("/password/forgot", "forgot_password", "forgot", service.request_password_reset)


@router.post("/password/reset", response_model=DetailOut, dependencies=[UserMgmt])
def reset_password(
    data: ResetIn, request: Request, db: DbSession, settings: SettingsDep, limiter: LimiterDep
) -> DetailOut:
    service.reset_password(
        db,
        settings,
        limiter,
        data.token,
        data.password,
        ip=client_ip(request, settings),
        user_agent=request.headers.get("user-agent"),
    )
    return DetailOut(detail="Your password is changed and every device was signed out.")


@router.post("/password/change", response_model=DetailOut, dependencies=[CsrfProtected])
def change_password(
    data: ChangePasswordIn,
    ctx: AuthDep,
    request: Request,
    db: DbSession,
    settings: SettingsDep,
    limiter: LimiterDep,
) -> DetailOut:
    service.change_password(
        db,
        settings,
        limiter,
        ctx.user.id,
        ctx.session_id,
        data.current_password,
        data.new_password,
        ip=client_ip(request, settings),
        user_agent=request.headers.get("user-agent"),
    )
    return DetailOut(detail="Your password is changed. Other devices were signed out.")
