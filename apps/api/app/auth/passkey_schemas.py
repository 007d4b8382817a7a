"""Request and response bodies of the passkey routes. WebAuthn's own JSON shapes
(``credential``, the options) pass through as objects: py_webauthn checks them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from apps.api.app.auth.passkey_models import NAME_MAX_LENGTH
from apps.api.app.auth.schemas import Password
from apps.api.app.strings import NoNul

PasskeyName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_MAX_LENGTH),
    NoNul,
]
Credential = Annotated[
    dict[str, Any],
    Field(description="The WebAuthn credential JSON (base64url for binary fields)"),
]


class PasskeyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    created_at: datetime
    last_used_at: datetime | None


class PasskeyRegisterIn(BaseModel):
    name: PasskeyName
    credential: Credential


class PasskeyRenameIn(BaseModel):
    name: PasskeyName


class StepUpIn(BaseModel):
    password: Password
    code: Annotated[str, StringConstraints(max_length=64), NoNul] | None = Field(
        None, description="A current TOTP or recovery code, when a second factor is on"
    )


class PasskeyLoginIn(BaseModel):
    challenge_id: uuid.UUID
    credential: Credential
