from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from apps.api.app.auth.passwords import MAX_LENGTH
from apps.api.app.strings import NoNul
from apps.api.app.timezones import TimeZoneName


def _normalise_email(value: str) -> str:
    return value.strip().lower()


# Login accepts any string: a malformed address is just a failed sign-in (401), not a 422.
LoginEmail = Annotated[
    str, StringConstraints(max_length=320), NoNul, AfterValidator(_normalise_email)
]


class LoginIn(BaseModel):
    email: LoginEmail
    password: Annotated[str, StringConstraints(max_length=MAX_LENGTH), NoNul]


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - a scheme name, not a secret
    expires_in: int = Field(description="Access token lifetime in seconds")
    refresh_token: str | None = Field(
        None, description="Only in body mode (JOURNAL_AUTH_COOKIE_REFRESH=false)"
    )


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    display_name: str
    is_admin: bool
    email_verified: bool
    notify_new_device: bool
    created_at: datetime
    timezone: str = Field(description="IANA time zone name; the user's calendar day")


class ProfileUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    display_name: (
        Annotated[str, StringConstraints(max_length=100, strip_whitespace=True), NoNul] | None
    ) = None
    notify_new_device: bool | None = None
    timezone: TimeZoneName | None = None


Password = Annotated[str, StringConstraints(max_length=MAX_LENGTH), NoNul]
Email = Annotated[EmailStr, NoNul, AfterValidator(_normalise_email)]
OpaqueToken = Annotated[str, StringConstraints(min_length=1, max_length=4096), NoNul]


class RegisterIn(BaseModel):
    email: Email
    password: Password
    display_name: Annotated[
        str, StringConstraints(max_length=100, strip_whitespace=True), NoNul
    ] = ""


class EmailIn(BaseModel):
    email: Email


class VerifyIn(BaseModel):
    token: OpaqueToken


class ResetIn(BaseModel):
    token: OpaqueToken
    password: Password


class ChangePasswordIn(BaseModel):
    current_password: Password
    new_password: Password


class RefreshIn(BaseModel):
    refresh_token: OpaqueToken


class LogoutIn(BaseModel):
    refresh_token: OpaqueToken | None = None


class DetailOut(BaseModel):
    detail: str


class CsrfOut(BaseModel):
    csrf_token: str
