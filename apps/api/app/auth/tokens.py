"""Signed tokens: the access JWT (HS256), refresh tokens (HMAC) and mailed tokens (hashed).

The access token names its user (``sub``) and, once sessions exist, its session (``sid``);
``typ`` keeps every other token the service signs from ever being accepted as one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import jwt

from apps.api.app.auth.exceptions import InvalidToken, TokenExpired

ALGORITHM = "HS256"
ACCESS_TYPE = "access"


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: uuid.UUID
    session_id: uuid.UUID | None
    expires_at: datetime
    exp: int  # expires_at as a Unix time, for the per-request check


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


def decode_access_token(secret: bytes, token: str, *, allow_expired: bool = False) -> AccessClaims:
    """Verify signature, type and (unless ``allow_expired``, used by logout) expiry."""
    claims = _verified_claims(secret, token)
    if not allow_expired and time.time() >= claims.exp:
        raise TokenExpired("Access token expired")
    return claims


# A client sends the same access token on every request of its 15 minutes, so the signature
# check and claim parsing are done once per token and remembered; the expiry above is still
# checked on every request. Only valid tokens are cached (lru_cache does not keep
# exceptions), so garbage cannot crowd the cache, and the key includes the secret.
@lru_cache(maxsize=4096)
def _verified_claims(secret: bytes, token: str) -> AccessClaims:
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            options={"require": ["sub", "exp", "typ"], "verify_exp": False},
        )
    except jwt.PyJWTError:
        raise InvalidToken("Invalid access token") from None
    if claims.get("typ") != ACCESS_TYPE:
        raise InvalidToken("Invalid access token")
    try:
        user_id = uuid.UUID(str(claims["sub"]))
        sid = claims.get("sid")
        session_id = uuid.UUID(str(sid)) if sid is not None else None
        exp = int(claims["exp"])
        expires_at = datetime.fromtimestamp(exp, UTC)
    except (ValueError, TypeError, OverflowError, OSError):
        raise InvalidToken("Invalid access token") from None
    return AccessClaims(user_id, session_id, expires_at, exp)


# ---- refresh tokens --------------------------------------------------------------------------
# "<session id hex>.<rid>.<mac>" where mac = HMAC-SHA256(secret, "refresh|sid|rid"). The database
# keeps (sid, rid) only: without the secret key it cannot produce a usable token, and the
# current token can be re-derived to answer a concurrent refresh (grace) without storing it.


@dataclass(frozen=True, slots=True)
class RefreshClaims:
    session_id: uuid.UUID
    rid: str


def new_rid() -> str:
    return secrets.token_urlsafe(24)


def _refresh_mac(secret: bytes, session_id: uuid.UUID, rid: str) -> str:
    digest = hmac.new(secret, f"refresh|{session_id.hex}|{rid}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def encode_refresh_token(secret: bytes, session_id: uuid.UUID, rid: str) -> str:
    return f"{session_id.hex}.{rid}.{_refresh_mac(secret, session_id, rid)}"


def decode_refresh_token(secret: bytes, token: str) -> RefreshClaims:
    """Check the MAC in constant time; a token we did not issue is a 401 ``invalid_token``."""
    parts = token.split(".")
    if len(parts) != 3 or len(token) > 256:
        raise InvalidToken("Invalid refresh token")
    sid_hex, rid, mac = parts
    try:
        session_id = uuid.UUID(hex=sid_hex)
    except ValueError:
        raise InvalidToken("Invalid refresh token") from None
    if not hmac.compare_digest(mac, _refresh_mac(secret, session_id, rid)):
        raise InvalidToken("Invalid refresh token")
    return RefreshClaims(session_id, rid)


# ---- mailed single-use tokens ----------------------------------------------------------------


def new_email_token() -> tuple[str, str]:
    """A random token for a mailed link and the SHA-256 hash that is stored instead of it."""
    token = secrets.token_urlsafe(32)
    return token, hash_email_token(token)


def hash_email_token(token: str) -> str:
    # The token carries 256 random bits, so a plain SHA-256 is enough (no salt/stretching).
    return hashlib.sha256(token.encode()).hexdigest()
