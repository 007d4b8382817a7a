"""/api/health and /api/config: operations and the public flags the web app follows."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from apps.api.app.auth.dependencies import SettingsDep
from apps.api.app.db.session import DbSession

router = APIRouter(prefix="/api", tags=["operations"])


class HealthOut(BaseModel):
    status: Literal["ok"]


class PublicConfig(BaseModel):
    user_mgmt_enabled: bool
    auth_cookie_refresh: bool
    # False when the public URL's host is an IP address: browsers refuse passkeys there.
    passkeys: bool


@router.get("/health", response_model=HealthOut)
def health(db: DbSession) -> HealthOut:
    """200 when the database answers; 503 ``database_unavailable`` with Retry-After when
    not (errors.py renders every database outage that way)."""
    db.execute(text("SELECT 1"))
    return HealthOut(status="ok")


@router.get("/config", response_model=PublicConfig)
async def public_config(settings: SettingsDep) -> PublicConfig:
    return PublicConfig(
        user_mgmt_enabled=settings.user_mgmt_enabled,
        auth_cookie_refresh=settings.auth_cookie_refresh,
        passkeys=settings.webauthn_rp_id is not None,
    )
