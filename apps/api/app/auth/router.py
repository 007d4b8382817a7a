"""/api/auth routes. Thin: parse, call the service, shape the answer."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError

from apps.api.app.auth import service
from apps.api.app.auth.dependencies import CurrentUser, SettingsDep
from apps.api.app.auth.schemas import LoginIn, TokenOut, UserOut
from apps.api.app.auth.tokens import encode_access_token
from apps.api.app.db import SessionDep
from apps.api.app.http import read_json_or_form

router = APIRouter(prefix="/api/auth", tags=["auth"])

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
        from fastapi.exceptions import RequestValidationError

        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from None


@router.post(
    "/login", response_model=TokenOut, response_model_exclude_none=True, openapi_extra=_LOGIN_BODY
)
def login(
    credentials: Annotated[LoginIn, Depends(login_form)],
    db: SessionDep,
    settings: SettingsDep,
) -> TokenOut:
    user = service.authenticate(db, credentials.email, credentials.password)
    token = encode_access_token(settings.secret, user.id, settings.access_ttl_seconds)
    return TokenOut(access_token=token, expires_in=settings.access_ttl_seconds)


@router.get("/me", response_model=UserOut)
async def me(user: CurrentUser) -> UserOut:
    return UserOut.model_validate(user)
