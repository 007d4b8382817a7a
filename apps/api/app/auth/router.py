"""/api/auth routes. Thin: parse, rate-limit, call the services, shape the answer.

Two refresh modes, chosen by ``JOURNAL_AUTH_COOKIE_REFRESH``:
- cookie mode (M4.T1): the refresh token lives in an HttpOnly cookie, responses carry the
  access token only, and unsafe calls need the signed double-submit CSRF header;
- body mode (M1): the refresh token travels in JSON bodies, no cookies, no CSRF.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Body, Depends, Request, Response, status
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from apps.api.app import metrics
from apps.api.app.auth import service, sessions
from apps.api.app.auth.cookies import (
    REFRESH_COOKIE,
    clear_auth_cookies,
    set_csrf_cookie,
    set_refresh_cookie,
)
from apps.api.app.auth.csrf import CSRF_COOKIE, csrf_token_valid, issue_csrf_token
from apps.api.app.auth.dependencies import (
    AuthDep,
    BearerDep,
    CsrfProtected,
    CurrentUser,
    SettingsDep,
    _check_request_csrf,
    refresh_cookie_session_id,
)
from apps.api.app.auth.models import User, UserSession
from apps.api.app.auth.schemas import (
    ChangePasswordIn,
    CsrfOut,
    DetailOut,
    EmailIn,
    LoginIn,
    LogoutIn,
    ProfileUpdate,
    RefreshIn,
    RegisterIn,
    ResetIn,
    TokenOut,
    UserOut,
    VerifyIn,
)
from apps.api.app.auth.tokens import (
    decode_access_token,
    decode_refresh_token,
    encode_access_token,
)
from apps.api.app.config import Settings
from apps.api.app.db.session import DbSession
from apps.api.app.errors import (
    AppError,
    FeatureDisabled,
    NotAuthenticated,
    RateLimited,
    error_response,
)
from apps.api.app.http import client_ip, read_json_or_form
from apps.api.app.mail import templates
from apps.api.app.mail.mailer import Mail
from apps.api.app.ratelimit import RateLimiter
from apps.api.app.sessions import service as sessions_service
from apps.api.app.sessions.devices import device_label

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


def send_mails(request: Request, background: BackgroundTasks, mails: list[Mail]) -> None:
    """Deliver after the answer is sent: mail latency never shows in (or leaks from) timing."""
    for mail in mails:
        background.add_task(request.app.state.mailer.send, mail)


def _user_agent(request: Request) -> str | None:
    return request.headers.get("user-agent")


def _access_token(settings: Settings, user: User, session: UserSession) -> str:
    return encode_access_token(settings.secret, user.id, settings.access_ttl_seconds, session.id)


def _token_answer(
    settings: Settings,
    response: Response,
    user: User,
    session: UserSession,
    refresh: str,
    request: Request,
) -> TokenOut:
    """Cookie mode: access token in the body, refresh (and CSRF) in cookies. Body mode: both."""
    access = _access_token(settings, user, session)
    if not settings.auth_cookie_refresh:
        return TokenOut(
            access_token=access, expires_in=settings.access_ttl_seconds, refresh_token=refresh
        )
    set_refresh_cookie(response, settings, refresh)
    current_csrf = request.cookies.get(CSRF_COOKIE)
    if not csrf_token_valid(settings.secret, current_csrf, session.id):
        set_csrf_cookie(response, settings, issue_csrf_token(settings.secret, session.id))
    return TokenOut(access_token=access, expires_in=settings.access_ttl_seconds)


def _bearer_session_id(settings: Settings, credentials: Any) -> uuid.UUID | None:
    """The session named by a bearer token, expired or not (signature still checked)."""
    if credentials is None:
        return None
    try:
        return decode_access_token(
            settings.secret, credentials.credentials, allow_expired=True
        ).session_id
    except AppError:
        return None


def _mail_flow(
    request: Request,
    background: BackgroundTasks,
    limiter: RateLimiter,
    kind: str,
    email: str,
    flow: Callable[[], service.Outcome],
) -> None:
    """A "mail me a link" request: rate-limited per address (counted for unknown addresses
    too, so a 429 says nothing about who has an account), mails sent after the answer."""
    limiter.check_and_hit(limiter.limits.mail_per_address, kind, email)
    send_mails(request, background, flow().mails)


DETAIL_REGISTERED = "Check your inbox: we sent a link to finish signing up."
DETAIL_RESENT = "If that address has an account waiting for confirmation, a new link is on its way."
DETAIL_FORGOT = "If that address has an account, a link to reset the password is on its way."


# ---- sign-in, refresh, sign-out ---------------------------------------------------------------


def _login_account_key(email: str, request: Request, settings: Settings) -> tuple[str, str, str]:
    """The rate-limit key of password guesses against one account from one address."""
    return ("login", email, client_ip(request, settings) or "unknown")


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
    "/login", response_model=TokenOut, response_model_exclude_none=True, openapi_extra=_LOGIN_BODY
)
def login(
    credentials: Annotated[LoginIn, Depends(login_form)],
    request: Request,
    response: Response,
    background: BackgroundTasks,
    db: DbSession,
    settings: SettingsDep,
    limiter: LimiterDep,
) -> TokenOut:
    account_key = _login_account_key(credentials.email, request, settings)
    ip = account_key[2]
    try:
        limiter.check(limiter.limits.login_account_ip, *account_key)
        limiter.check(limiter.limits.login_ip, "login-ip", ip)
    except RateLimited:
        metrics.LOGIN_FAIL.labels(reason="rate_limited").inc()
        raise
    try:
        user = service.authenticate(
            db,
            credentials.email,
            credentials.password,
            require_verified=settings.require_email_verification,
        )
    except service.InvalidCredentials as exc:
        limiter.hit(limiter.limits.login_account_ip, *account_key)
        limiter.hit(limiter.limits.login_ip, "login-ip", ip)
        reason = "user_disabled" if isinstance(exc, service.UserDisabled) else exc.code
        metrics.LOGIN_FAIL.labels(reason=reason).inc()
        raise
    except service.EmailNotVerified:
        metrics.LOGIN_FAIL.labels(reason="email_not_verified").inc()
        raise
    limiter.clear(limiter.limits.login_account_ip, *account_key)
    session, refresh = sessions.create_session(
        db, user, settings, ip=ip, user_agent=_user_agent(request)
    )
    metrics.LOGIN_SUCCESS.labels(provider="password").inc()
    if user.notify_new_device and sessions_service.is_new_device(
        db, user.id, session.user_agent, exclude=session.id
    ):
        notice = templates.new_device(
            user.email,
            device_label(session.user_agent),
            session.ip,
            session.created_at.strftime("%Y-%m-%d %H:%M UTC"),
            f"{settings.public_url}/settings/devices",
        )
        send_mails(request, background, [notice])
    return _token_answer(settings, response, user, session, refresh, request)


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
    if settings.auth_cookie_refresh:
        token = request.cookies.get(REFRESH_COOKIE)  # any body token is ignored
    else:
        token = payload.refresh_token if payload else None
    if not token:
        raise NotAuthenticated("No refresh token")
    try:
        outcome = sessions.rotate_refresh_token(
            db, settings, token, ip=client_ip(request, settings)
        )
    except AppError as exc:
        if not settings.auth_cookie_refresh:
            raise
        # A dead cookie is useless: clear it so the browser stops sending it.
        failed = error_response(exc.status_code, exc.detail, exc.code, exc.headers)
        clear_auth_cookies(failed, settings)
        return failed
    return _token_answer(
        settings, response, outcome.user, outcome.session, outcome.refresh_token, request
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
    session_id: uuid.UUID | None
    if settings.auth_cookie_refresh:
        session_id = refresh_cookie_session_id(request, settings) or _bearer_session_id(
            settings, credentials
        )
        _check_request_csrf(request, settings, session_id)
    else:
        session_id = None
        if payload and payload.refresh_token:
            try:
                session_id = decode_refresh_token(settings.secret, payload.refresh_token).session_id
            except AppError:
                session_id = None
        session_id = session_id or _bearer_session_id(settings, credentials)
    if session_id is not None:
        sessions.revoke_session_by_id(db, session_id, sessions.RevokeReason.LOGOUT)
    answer = Response(status_code=status.HTTP_204_NO_CONTENT)
    if settings.auth_cookie_refresh:
        clear_auth_cookies(answer, settings)
        answer.headers["Clear-Site-Data"] = '"cache", "storage"'
    return answer


@router.get("/csrf", response_model=CsrfOut)
def csrf(request: Request, response: Response, settings: SettingsDep) -> CsrfOut:
    """Issue (or confirm) the CSRF token; bound to the refresh cookie's session if any."""
    if not settings.auth_cookie_refresh:
        raise FeatureDisabled("CSRF tokens are only used in cookie mode")
    session_id = refresh_cookie_session_id(request, settings)
    token = request.cookies.get(CSRF_COOKIE)
    if not token or not csrf_token_valid(settings.secret, token, session_id):
        token = issue_csrf_token(settings.secret, session_id)
    set_csrf_cookie(response, settings, token)
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
    background: BackgroundTasks,
    db: DbSession,
    settings: SettingsDep,
    limiter: LimiterDep,
) -> DetailOut:
    limiter.check_and_hit(limiter.limits.mail_per_address, "register", data.email)
    outcome = service.register(db, settings, data.email, data.password, data.display_name)
    send_mails(request, background, outcome.mails)
    return DetailOut(detail=DETAIL_REGISTERED)


@router.post("/verify", response_model=DetailOut, dependencies=[UserMgmt])
def verify(data: VerifyIn, db: DbSession) -> DetailOut:
    service.verify_email(db, data.token)
    return DetailOut(detail="Your email is confirmed. You can sign in now.")


@router.post(
    "/verify/resend",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=DetailOut,
    dependencies=[UserMgmt],
)
def resend_verification(
    data: EmailIn,
    request: Request,
    background: BackgroundTasks,
    db: DbSession,
    settings: SettingsDep,
    limiter: LimiterDep,
) -> DetailOut:
    _mail_flow(
        request,
        background,
        limiter,
        "resend",
        data.email,
        lambda: service.resend_verification(db, settings, data.email),
    )
    return DetailOut(detail=DETAIL_RESENT)


@router.post(
    "/password/forgot",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=DetailOut,
    dependencies=[UserMgmt],
)
def forgot_password(
    data: EmailIn,
    request: Request,
    background: BackgroundTasks,
    db: DbSession,
    settings: SettingsDep,
    limiter: LimiterDep,
) -> DetailOut:
    _mail_flow(
        request,
        background,
        limiter,
        "forgot",
        data.email,
        lambda: service.request_password_reset(db, settings, data.email),
    )
    return DetailOut(detail=DETAIL_FORGOT)


@router.post("/password/reset", response_model=DetailOut, dependencies=[UserMgmt])
def reset_password(data: ResetIn, db: DbSession) -> DetailOut:
    service.reset_password(db, data.token, data.password)
    return DetailOut(detail="Your password is changed and every device was signed out.")


@router.post("/password/change", response_model=DetailOut, dependencies=[CsrfProtected])
def change_password(
    data: ChangePasswordIn,
    ctx: AuthDep,
    request: Request,
    background: BackgroundTasks,
    db: DbSession,
    settings: SettingsDep,
    limiter: LimiterDep,
) -> DetailOut:
    # Wrong current passwords spend the same failure budget as failed sign-ins, so a
    # stolen access token is no way around the login limits to guess the password.
    account_key = _login_account_key(ctx.user.email, request, settings)
    limiter.check(limiter.limits.login_account_ip, *account_key)
    try:
        outcome = service.change_password(
            db, settings, ctx.user.id, ctx.session_id, data.current_password, data.new_password
        )
    except service.WrongCurrentPassword:
        limiter.hit(limiter.limits.login_account_ip, *account_key)
        raise
    send_mails(request, background, outcome.mails)
    return DetailOut(detail="Your password is changed. Other devices were signed out.")
