"""Signed tokens: the short-lived access JWT (HS256).

The access token names its user (``sub``) and, once sessions exist, its session (``sid``);
``typ`` keeps every other token the service signs from ever being accepted as one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from apps.api.app.errors import AppError

ALGORITHM = "HS256"
ACCESS_TYPE = "access"


class TokenExpired(AppError):
    status_code = 401
    code = "token_expired"


class InvalidAccessToken(AppError):
    status_code = 401
    code = "invalid_token"


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: uuid.UUID
    session_id: uuid.UUID | None
    expires_at: datetime


def encode_access_token(
    secret: bytes,
    user_id: uuid.UUID,
    ttl_seconds: int,
    session_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> str:
    issued = now or datetime.now(UTC)
    claims: dict[str, object] = {
        "sub": str(user_id),
        "typ": ACCESS_TYPE,
        "iat": int(issued.timestamp()),
        "exp": int((issued + timedelta(seconds=ttl_seconds)).timestamp()),
    }
    if session_id is not None:
        claims["sid"] = str(session_id)
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_access_token(secret: bytes, token: str) -> AccessClaims:
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            options={"require": ["sub", "exp", "typ"]},
        )
    except jwt.ExpiredSignatureError:
        raise TokenExpired("Access token expired") from None
    except jwt.PyJWTError:
        raise InvalidAccessToken("Invalid access token") from None
    if claims.get("typ") != ACCESS_TYPE:
        raise InvalidAccessToken("Invalid access token")
    try:
        user_id = uuid.UUID(str(claims["sub"]))
        sid = claims.get("sid")
        session_id = uuid.UUID(str(sid)) if sid is not None else None
    except ValueError:
        raise InvalidAccessToken("Invalid access token") from None
    return AccessClaims(user_id, session_id, datetime.fromtimestamp(int(claims["exp"]), UTC))
