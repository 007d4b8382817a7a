"""The second factor's parts, shared by sign-in (``signin``), step-up (``stepup``) and the
enrolment use cases (``mfa``): TOTP secrets encrypted at rest, TOTP codes checked with replay
protection, recovery codes hashed and single use, and the sign-in ``mfa_token``.

Helpers only: they change rows and flush; the use case commits once.

Keys are derived from the secret key with HKDF, one ``info`` label per purpose, so that no
key here is ever the one that signs tokens.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Literal

import pyotp
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from apps.api.app.auth.exceptions import MfaTokenInvalid
from apps.api.app.auth.mfa_models import MfaToken, RecoveryCode, TotpCredential
from apps.api.app.auth.models import User
from apps.api.app.db.base import utcnow
from apps.api.app.db.session import session_settings

ISSUER = "Journal"
STEP_SECONDS = 30
DIGITS = 6
SKEW_STEPS = 1  # ±1 step, as pyotp's valid_window=1
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: codes are read off paper.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_GROUPS, _RECOVERY_GROUP_LEN = 3, 4
MFA_TOKEN_TTL = timedelta(minutes=5)
MFA_TOKEN_MAX_FAILURES = 5
SignInMethod = Literal["totp", "recovery_code"]
METHODS: tuple[SignInMethod, ...] = ("totp", "recovery_code")

_TOTP_CODE = re.compile(r"\d{6}")


# ---- keys ------------------------------------------------------------------------------------


def _derive(secret: bytes, label: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label.encode()).derive(secret)


@dataclass(frozen=True, slots=True)
class MfaKeys:
    totp_secret: bytes  # AES-256-GCM key for TOTP secrets
    recovery_code: bytes  # HMAC-SHA256 key for recovery codes
    password_binding: bytes  # HMAC-SHA256 key binding an mfa_token to a password check

    @classmethod
    def from_secret(cls, secret: bytes) -> MfaKeys:
        return cls(
            _derive(secret, "journal/mfa/totp-secret/v1"),
            _derive(secret, "journal/mfa/recovery-code/v1"),
            _derive(secret, "journal/mfa/password-binding/v1"),
        )


@lru_cache(maxsize=8)
def _keys(secret: bytes) -> MfaKeys:
    return MfaKeys.from_secret(secret)


def keys_for(db: Session) -> MfaKeys:
    """The keys for this app's secret key (carried by the request's Session)."""
    return _keys(session_settings(db).secret)


def encrypt_totp_secret(keys: MfaKeys, user_id: uuid.UUID, secret_b32: str) -> str:
    nonce = secrets.token_bytes(12)
    # The user id as associated data: a ciphertext copied to another row does not decrypt.
    sealed = AESGCM(keys.totp_secret).encrypt(nonce, secret_b32.encode(), user_id.bytes)
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt_totp_secret(keys: MfaKeys, user_id: uuid.UUID, ciphertext: str) -> str | None:
    """The base32 secret, or None if it cannot be decrypted (e.g. the secret key changed)."""
    try:
        raw = base64.urlsafe_b64decode(ciphertext.encode())
        return AESGCM(keys.totp_secret).decrypt(raw[:12], raw[12:], user_id.bytes).decode()
    except (InvalidTag, ValueError):
        return None


# ---- TOTP ------------------------------------------------------------------------------------


def new_totp_secret() -> str:
    return pyotp.random_base32()  # 160 bits, RFC 4226's recommended length


def otpauth_uri(secret_b32: str, email: str) -> str:
    return pyotp.TOTP(secret_b32, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=email, issuer_name=ISSUER
    )


def _clean(code: str) -> str:
    return "".join(code.split())


def is_totp_code(code: str) -> bool:
    return _TOTP_CODE.fullmatch(_clean(code)) is not None


def matching_step(secret_b32: str, code: str, now: float | None = None) -> int | None:
    """The latest time step within ±SKEW_STEPS whose code is ``code``, else None. Every
    candidate is compared (constant time), so the answer's timing says nothing."""
    code = _clean(code)
    if _TOTP_CODE.fullmatch(code) is None:
        return None
    totp = pyotp.TOTP(secret_b32, digits=DIGITS, interval=STEP_SECONDS)
    current = int((time.time() if now is None else now) // STEP_SECONDS)
    found = None
    for step in range(current - SKEW_STEPS, current + SKEW_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            found = step
    return found


def get_totp(db: Session, user_id: uuid.UUID) -> TotpCredential | None:
    return db.get(TotpCredential, user_id, populate_existing=True)


def totp_enabled(db: Session, user_id: uuid.UUID) -> bool:
    return (
        db.scalar(
            select(TotpCredential.user_id).where(
                TotpCredential.user_id == user_id, TotpCredential.confirmed_at.is_not(None)
            )
        )
        is not None
    )


def accept_totp(
    db: Session, keys: MfaKeys, credential: TotpCredential, code: str, *, confirmed: bool
) -> bool:
    """Check ``code`` against the (confirmed or pending) secret and record its time step.

    Replay protection: a step at or before the last accepted one is refused. The check and
    the write are one conditional UPDATE, so two replicas accepting the same code at once
    cannot both win (the second one's row update matches nothing).
    """
    secret_b32 = decrypt_totp_secret(keys, credential.user_id, credential.secret_ciphertext)
    if secret_b32 is None:
        return False
    step = matching_step(secret_b32, code)
    if step is None:
        return False
    state = (
        TotpCredential.confirmed_at.is_not(None)
        if confirmed
        else TotpCredential.confirmed_at.is_(None)
    )
    result = db.execute(
        update(TotpCredential)
        .where(
            TotpCredential.user_id == credential.user_id,
            TotpCredential.last_step < step,
            state,
        )
        .values(last_step=step)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount) == 1  # type: ignore[attr-defined]


# ---- recovery codes --------------------------------------------------------------------------


def _normalise_recovery_code(code: str) -> str | None:
    cleaned = re.sub(r"[\s-]", "", code).lower()
    length = _RECOVERY_GROUPS * _RECOVERY_GROUP_LEN
    if len(cleaned) != length or any(c not in _RECOVERY_ALPHABET for c in cleaned):
        return None
    return cleaned


def _hash_recovery_code(keys: MfaKeys, user_id: uuid.UUID, normalised: str) -> str:
    message = f"{user_id.hex}:{normalised}".encode()
    return hmac.new(keys.recovery_code, message, hashlib.sha256).hexdigest()


def _new_recovery_code() -> str:
    chars = "".join(
        secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_GROUPS * _RECOVERY_GROUP_LEN)
    )
    n = _RECOVERY_GROUP_LEN
    return "-".join(chars[i : i + n] for i in range(0, len(chars), n))


def replace_recovery_codes(db: Session, keys: MfaKeys, user_id: uuid.UUID) -> list[str]:
    """Delete the user's recovery codes and store RECOVERY_CODE_COUNT new ones (hashed);
    returns them in clear, to be shown once."""
    delete_recovery_codes(db, user_id)
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    now = utcnow()
    for code in codes:
        normalised = _normalise_recovery_code(code)
        assert normalised is not None
        db.add(
            RecoveryCode(
                user_id=user_id,
                code_hash=_hash_recovery_code(keys, user_id, normalised),
                created_at=now,
            )
        )
    db.flush()
    return codes


def delete_recovery_codes(db: Session, user_id: uuid.UUID) -> None:
    db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))


def recovery_codes_left(db: Session, user_id: uuid.UUID) -> int:
    return int(
        db.scalar(
            select(func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
        )
        or 0
    )


def use_recovery_code(db: Session, keys: MfaKeys, user_id: uuid.UUID, code: str) -> bool:
    """Spend one unused recovery code of this user (atomically: once, even concurrently)."""
    normalised = _normalise_recovery_code(code)
    if normalised is None:
        return False
    result = db.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user_id,
            RecoveryCode.code_hash == _hash_recovery_code(keys, user_id, normalised),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount) >= 1  # type: ignore[attr-defined]


def verify_second_factor(db: Session, keys: MfaKeys, user_id: uuid.UUID, code: str) -> bool:
    """A current TOTP code (6 digits) of the confirmed secret, or an unused recovery code."""
    if is_totp_code(code):
        credential = get_totp(db, user_id)
        if credential is None or credential.confirmed_at is None:
            return False
        return accept_totp(db, keys, credential, code, confirmed=True)
    return use_recovery_code(db, keys, user_id, code)


def remove_second_factor(db: Session, user_id: uuid.UUID) -> bool:
    """TOTP (pending or on), recovery codes and outstanding sign-in mfa tokens: gone. True
    if TOTP was on."""
    was_on = totp_enabled(db, user_id)
    db.execute(delete(TotpCredential).where(TotpCredential.user_id == user_id))
    delete_recovery_codes(db, user_id)
    db.execute(delete(MfaToken).where(MfaToken.user_id == user_id))
    db.flush()
    return was_on


# ---- the sign-in's second step ---------------------------------------------------------------


def _hash_mfa_token(token: str) -> str:
    # 256 random bits: a plain SHA-256 is enough (no salt, no stretching).
    return hashlib.sha256(token.encode()).hexdigest()


def _password_fingerprint(keys: MfaKeys, password_hash: str) -> str:
    return hmac.new(keys.password_binding, password_hash.encode(), hashlib.sha256).hexdigest()


def issue_mfa_token(db: Session, keys: MfaKeys, user: User) -> str:
    """The opaque token /login answers instead of a session; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.add(
        MfaToken(
            user_id=user.id,
            token_hash=_hash_mfa_token(token),
            password_fingerprint=_password_fingerprint(keys, user.password_hash),
            created_at=now,
            expires_at=now + MFA_TOKEN_TTL,
            failures=0,
        )
    )
    db.flush()
    return token


def load_mfa_token(db: Session, keys: MfaKeys, token: str) -> tuple[MfaToken, User]:
    """The live token and its user, or ``MfaTokenInvalid`` (unknown, used, expired, spent on
    wrong codes, or the password changed since it was issued)."""
    row = db.execute(
        select(MfaToken, User)
        .join(User, User.id == MfaToken.user_id)
        .where(MfaToken.token_hash == _hash_mfa_token(token))
    ).first()
    if row is None:
        raise MfaTokenInvalid()
    mfa_token, user = row[0], row[1]
    fingerprint = _password_fingerprint(keys, user.password_hash)
    if (
        mfa_token.used_at is not None
        or mfa_token.expires_at <= utcnow()
        or mfa_token.failures >= MFA_TOKEN_MAX_FAILURES
        or not hmac.compare_digest(mfa_token.password_fingerprint, fingerprint)
        or not user.is_active
    ):
        raise MfaTokenInvalid()
    return mfa_token, user


def record_mfa_failure(db: Session, token_id: uuid.UUID) -> None:
    db.execute(
        update(MfaToken)
        .where(MfaToken.id == token_id)
        .values(failures=MfaToken.failures + 1)
        .execution_options(synchronize_session=False)
    )


def claim_mfa_token(db: Session, token_id: uuid.UUID) -> bool:
    """Mark the token used, once: of two concurrent right answers only one wins."""
    result = db.execute(
        update(MfaToken)
        .where(
            MfaToken.id == token_id,
            MfaToken.used_at.is_(None),
            MfaToken.failures < MFA_TOKEN_MAX_FAILURES,
            MfaToken.expires_at > utcnow(),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount) == 1  # type: ignore[attr-defined]


def prune_mfa_tokens(db: Session, before: timedelta) -> int:
    """Delete sign-in mfa tokens that expired more than ``before`` ago."""
    result = db.execute(delete(MfaToken).where(MfaToken.expires_at < utcnow() - before))
    return int(result.rowcount)  # type: ignore[attr-defined]
