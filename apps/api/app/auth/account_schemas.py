"""Bodies and answers of the account security routes (``account_router``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from apps.api.app.auth.schemas import Email, OpaqueToken, Password
from apps.api.app.strings import NoNul

# A TOTP code or a recovery code; bounded so a huge value is a 422, never work.
StepUpCode = Annotated[str, StringConstraints(min_length=1, max_length=64), NoNul]


class StepUpIn(BaseModel):
    """The step-up of routes marked *(password)*: the current password, and a current
    second-factor code when one is on."""

    password: Password
    code: StepUpCode | None = None


class EmailChangeIn(StepUpIn):
    new_email: Email


class EmailConfirmIn(BaseModel):
    token: OpaqueToken


class ActivityOut(BaseModel):
    id: uuid.UUID
    at: datetime
    event: str = Field(description="sign_in, sign_in_failed, session_revoked, export, …")
    ip: str | None
    device: str = Field(description='A readable label such as "Firefox on macOS"')
    detail: str | None = Field(description="e.g. the sign-in method (password, passkey)")


class ActivityPage(BaseModel):
    items: list[ActivityOut]
    next_cursor: str | None = Field(description="Pass back as ?cursor= for the next page")
