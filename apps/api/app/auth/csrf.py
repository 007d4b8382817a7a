"""Signed double-submit CSRF (OWASP's recommended variant), cookie mode only.

The ``csrftoken`` cookie holds ``<nonce>.<mac>``, mac = HMAC(secret, "csrf|<session>|<nonce>"),
so a token is only valid for the session it was issued to (or for "no session" before
sign-in). An unsafe request must echo the cookie in ``X-CSRF-Token``: a cross-site page can
make the browser send the cookie but cannot read it to set the header.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid

from apps.api.app.auth.exceptions import CsrfFailed

CSRF_COOKIE = "csrftoken"
CSRF_HEADER = "X-CSRF-Token"
_ANONYMOUS = "anonymous"


def _mac(secret: bytes, session_id: uuid.UUID | None, nonce: str) -> str:
    bound = session_id.hex if session_id else _ANONYMOUS
    digest = hmac.new(secret, f"csrf|{bound}|{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def issue_csrf_token(secret: bytes, session_id: uuid.UUID | None) -> str:
    nonce = secrets.token_urlsafe(18)
    return f"{nonce}.{_mac(secret, session_id, nonce)}"


def csrf_token_valid(secret: bytes, token: str | None, session_id: uuid.UUID | None) -> bool:
    if not token or len(token) > 200 or token.count(".") != 1:
        return False
    nonce, mac = token.split(".")
    return hmac.compare_digest(mac, _mac(secret, session_id, nonce))


def check_csrf(
    secret: bytes, cookie: str | None, header: str | None, session_id: uuid.UUID | None
) -> None:
    """Header equals cookie (constant time) and the token is signed for this session."""
    if not cookie or not header or not hmac.compare_digest(cookie.encode(), header.encode()):
        raise CsrfFailed()
    if not csrf_token_valid(secret, header, session_id):
        raise CsrfFailed()
