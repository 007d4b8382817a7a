from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field


class SessionOut(BaseModel):
    id: uuid.UUID
    created_at: datetime
    last_used_at: datetime
    ip: str | None
    user_agent: str | None
    device: str = Field(description='A readable label such as "Firefox on macOS"')
    current: bool = Field(description="True for the session making this request")
    signed_in_with: str | None = Field(
        description="How this session signed in: password, password+second_factor or passkey "
        "(null for sessions from before this was recorded)"
    )
