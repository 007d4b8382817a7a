"""Passkeys (WebAuthn): register, list, rename, remove, and sign in with one alone.

The relying party is the public URL's host; ceremonies may come from the allowed origins on
that host (``Settings.webauthn_origins``). Challenges live in the database for 2 minutes and
are consumed before the response is checked, so each one answers exactly one attempt, on any
replica. Only public keys are stored.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import options_to_json_dict, parse_authentication_credential_json
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from apps.api.app.auth import events, metrics, signin
from apps.api.app.auth.exceptions import (
    PasskeyInvalid,
    PasskeySignInFailed,
    PasskeysUnavailable,
)
from apps.api.app.auth.models import User
from apps.api.app.auth.passkey_models import CREDENTIAL_ID_MAX_BYTES, Passkey, WebAuthnChallenge
from apps.api.app.auth.reasons import AuthEvent, ChallengePurpose, LoginFailReason, Provider
from apps.api.app.auth.service import link
from apps.api.app.auth.stepup import check_step_up
from apps.api.app.config import Settings
from apps.api.app.db.base import utcnow
from apps.api.app.errors import NotFound, RateLimited
from apps.api.app.mail import outbox, templates
from apps.api.app.ratelimit import RateLimiter, client_group
from apps.api.app.useragent import device_label

CHALLENGE_TTL = timedelta(minutes=2)
CHALLENGE_BYTES = 32
RP_NAME = "Journal"
_TRANSPORTS = {t.value for t in AuthenticatorTransport}


def _relying_party(settings: Settings) -> tuple[str, list[str]]:
    rp_id = settings.webauthn_rp_id
    if rp_id is None or not settings.webauthn_origins:
        raise PasskeysUnavailable()
    return rp_id, list(settings.webauthn_origins)


def _notice_context(ip: str | None, user_agent: str | None) -> tuple[str, str, str | None]:
    return templates.notice_time(), device_label(user_agent), ip


def _new_challenge(
    db: Session, purpose: ChallengePurpose, user_id: uuid.UUID | None
) -> WebAuthnChallenge:
    row = WebAuthnChallenge(
        challenge=secrets.token_bytes(CHALLENGE_BYTES),
        user_id=user_id,
        purpose=purpose,
        expires_at=utcnow() + CHALLENGE_TTL,
    )
    db.add(row)
    db.flush()
    return row


def _consume(db: Session, row: WebAuthnChallenge | None) -> bytes | None:
    """Delete the challenge; its bytes if this request deleted it while it was live. Two
    requests racing for one challenge: the database lets exactly one delete the row."""
    if row is None:
        return None
    challenge, expires_at = row.challenge, row.expires_at
    deleted = db.execute(
        delete(WebAuthnChallenge)
        .where(WebAuthnChallenge.id == row.id)
        .execution_options(synchronize_session=False)
    )
    db.expunge(row)
    if deleted.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return challenge if expires_at > utcnow() else None


# ---- registration ----------------------------------------------------------------------------


def registration_options(db: Session, settings: Settings, user_id: uuid.UUID) -> dict[str, Any]:
    """Creation options for a new passkey (resident key required, user verification
    preferred, the user's passkeys excluded). The challenge replaces any pending one of the
    user's: the verify step finds it by user."""
    rp_id, _ = _relying_party(settings)
    user = db.get_one(User, user_id)
    db.execute(
        delete(WebAuthnChallenge).where(
            WebAuthnChallenge.user_id == user.id,
            WebAuthnChallenge.purpose == ChallengePurpose.REGISTER,
        )
    )
    challenge = _new_challenge(db, ChallengePurpose.REGISTER, user.id).challenge
    existing = list_passkeys(db, user.id)
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=RP_NAME,
        user_id=user.id.bytes,
        user_name=user.email,
        user_display_name=user.display_name or user.email,
        challenge=challenge,
        timeout=int(CHALLENGE_TTL.total_seconds() * 1000),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            require_resident_key=True,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(
                id=p.credential_id,
                transports=[AuthenticatorTransport(t) for t in p.transports.split(",") if t]
                or None,
            )
            for p in existing
        ],
    )
    db.commit()
    return options_to_json_dict(options)


def _transports(credential: dict[str, Any]) -> str:
    response = credential.get("response")
    listed = response.get("transports") if isinstance(response, dict) else None
    if not isinstance(listed, list):
        return ""
    known = sorted({t for t in listed if isinstance(t, str) and t in _TRANSPORTS})
    return ",".join(known)[:255]


def register(
    db: Session,
    settings: Settings,
    user_id: uuid.UUID,
    *,
    name: str,
    credential: dict[str, Any],
    ip: str | None,
    user_agent: str | None,
) -> Passkey:
    """Verify the authenticator's answer to the user's pending challenge and keep its public
    key. The challenge is spent whatever the outcome; a notice is mailed on success."""
    rp_id, origins = _relying_party(settings)
    user = db.get_one(User, user_id)
    pending = db.scalars(
        select(WebAuthnChallenge)
        .where(
            WebAuthnChallenge.user_id == user.id,
            WebAuthnChallenge.purpose == ChallengePurpose.REGISTER,
        )
        .order_by(WebAuthnChallenge.expires_at.desc())
        .limit(1)
    ).first()
    challenge = _consume(db, pending)
    if challenge is None:
        db.commit()
        raise PasskeyInvalid("No passkey registration is pending, or it expired. Start again.")
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origins,
            require_user_verification=False,
        )
    except Exception:  # hostile input can break the parser anywhere: all of it is a 400
        db.commit()
        raise PasskeyInvalid("This passkey could not be verified. Start again.") from None
    if len(verified.credential_id) > CREDENTIAL_ID_MAX_BYTES or db.scalar(
        select(Passkey.id).where(Passkey.credential_id == verified.credential_id)
    ):
        db.commit()
        raise PasskeyInvalid("This passkey is already registered.")
    passkey = Passkey(
        user_id=user.id,
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=_transports(credential),
        name=name,
        created_at=utcnow(),
    )
    db.add(passkey)
    try:
        db.flush()
    except IntegrityError:  # registered at the same moment by a concurrent request
        db.rollback()
        raise PasskeyInvalid("This passkey is already registered.") from None
    events.record_event(
        db, user.id, AuthEvent.PASSKEY_ADDED, ip=ip, user_agent=user_agent, detail=name
    )
    outbox.enqueue(
        db,
        templates.passkey_added(
            user.email, name, *_notice_context(ip, user_agent), link(settings, "/settings")
        ),
    )
    db.commit()
    return passkey


# ---- management ------------------------------------------------------------------------------


def list_passkeys(db: Session, user_id: uuid.UUID) -> list[Passkey]:
    return list(
        db.scalars(
            select(Passkey)
            .where(Passkey.user_id == user_id)
            .order_by(Passkey.created_at, Passkey.id)
        )
    )


def _owned(db: Session, user_id: uuid.UUID, passkey_id: uuid.UUID) -> Passkey:
    """The user's passkey; someone else's id is 404 like one that does not exist."""
    passkey = db.scalar(select(Passkey).where(Passkey.id == passkey_id, Passkey.user_id == user_id))
    if passkey is None:
        raise NotFound("Passkey not found")
    return passkey


def rename(db: Session, user_id: uuid.UUID, passkey_id: uuid.UUID, name: str) -> Passkey:
    passkey = _owned(db, user_id, passkey_id)
    passkey.name = name
    db.commit()
    return passkey


def remove(
    db: Session,
    settings: Settings,
    limiter: RateLimiter,
    user_id: uuid.UUID,
    passkey_id: uuid.UUID,
    *,
    password: str,
    code: str | None,
    ip: str | None,
    user_agent: str | None,
) -> None:
    """Delete a passkey after step-up (the password, and a code once a second factor is on);
    a notice is mailed in the same transaction."""
    passkey = _owned(db, user_id, passkey_id)
    user = db.get_one(User, user_id)
    check_step_up(db, limiter, user, password=password, code=code, ip=ip)
    name = passkey.name
    db.delete(passkey)
    events.record_event(
        db, user.id, AuthEvent.PASSKEY_REMOVED, ip=ip, user_agent=user_agent, detail=name
    )
    outbox.enqueue(
        db,
        templates.passkey_removed(
            user.email, name, *_notice_context(ip, user_agent), link(settings, "/settings")
        ),
    )
    db.commit()


# ---- sign-in ---------------------------------------------------------------------------------


def login_options(db: Session, settings: Settings) -> dict[str, Any]:
    """Request options for a discoverable credential (no allowCredentials, user verification
    required) with a fresh challenge, named by ``challenge_id`` for the verify step."""
    rp_id, _ = _relying_party(settings)
    # Anyone may ask, so expired challenges go now rather than at the hourly pruning: the
    # table holds at most two minutes' worth, however fast the asking.
    db.execute(delete(WebAuthnChallenge).where(WebAuthnChallenge.expires_at < utcnow()))
    row = _new_challenge(db, ChallengePurpose.LOGIN, None)
    challenge_id = row.id
    options = generate_authentication_options(
        rp_id=rp_id,
        challenge=row.challenge,
        timeout=int(CHALLENGE_TTL.total_seconds() * 1000),
        allow_credentials=[],
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    db.commit()
    return {**options_to_json_dict(options), "challenge_id": str(challenge_id)}


class _IpBudget:
    """Passkey sign-in failures spend the client's sign-in failure budget (the one password
    guesses spend), reserved before the check; a success gives its unit back."""

    def __init__(self, limiter: RateLimiter, ip: str | None) -> None:
        self._limiter = limiter
        self._limit = limiter.limits.login_ip
        self._keys = ("login-ip", client_group(ip))

    def reserve(self) -> None:
        self._limiter.reserve(self._limit, *self._keys)

    def succeeded(self) -> None:
        self._limiter.refund(self._limit, *self._keys)


def _credential_id(credential: dict[str, Any]) -> bytes | None:
    try:
        return parse_authentication_credential_json(credential).raw_id
    except Exception:  # malformed JSON shapes or base64url
        return None


def sign_in(
    db: Session,
    settings: Settings,
    limiter: RateLimiter,
    *,
    challenge_id: uuid.UUID,
    credential: dict[str, Any],
    ip: str | None,
    user_agent: str | None,
) -> signin.SignedIn:
    """Sign in with a passkey alone (user verification makes it two factors): the normal
    session, no MFA step. Every failure is 401 ``invalid_credentials``; a valid signature
    whose counter went backwards (a copied authenticator?) is refused and mailed to the
    owner, and the passkey is kept."""
    rp_id, origins = _relying_party(settings)
    budget = _IpBudget(limiter, ip)
    try:
        budget.reserve()
    except RateLimited:
        metrics.login_failed(LoginFailReason.RATE_LIMITED)
        raise

    owner: uuid.UUID | None = None  # known once the credential is found

    def fail(reason: LoginFailReason = LoginFailReason.PASSKEY_INVALID) -> PasskeySignInFailed:
        if owner is not None:
            events.record_event(
                db, owner, AuthEvent.SIGN_IN_FAILED, ip=ip, user_agent=user_agent, detail=reason
            )
        db.commit()  # the spent challenge (and any notice, any event) stay
        metrics.login_failed(reason)
        return PasskeySignInFailed()

    row = db.get(WebAuthnChallenge, challenge_id)
    if row is not None and row.purpose != ChallengePurpose.LOGIN:
        row = None
    challenge = _consume(db, row)
    if challenge is None:
        raise fail()
    raw_id = _credential_id(credential)
    passkey = (
        db.scalar(select(Passkey).where(Passkey.credential_id == raw_id))
        if raw_id is not None and len(raw_id) <= CREDENTIAL_ID_MAX_BYTES
        else None
    )
    if passkey is None:
        raise fail()
    owner = passkey.user_id
    try:
        # Signature first, counter after (below): only the real key can raise the alarm.
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origins,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=0,
            require_user_verification=True,
        )
        handle = parse_authentication_credential_json(credential).response.user_handle
    except Exception:
        raise fail() from None
    if handle is not None and handle != passkey.user_id.bytes:
        raise fail()
    user = db.get_one(User, passkey.user_id)
    if not user.is_active:
        raise fail(LoginFailReason.USER_DISABLED)
    new_count = verified.new_sign_count
    if (new_count > 0 or passkey.sign_count > 0) and new_count <= passkey.sign_count:
        outbox.enqueue(
            db,
            templates.passkey_counter_regressed(
                user.email,
                passkey.name,
                *_notice_context(ip, user_agent),
                link(settings, "/settings"),
            ),
        )
        raise fail(LoginFailReason.PASSKEY_COUNTER)
    now = utcnow()
    passkey.sign_count = new_count
    passkey.last_used_at = now
    budget.succeeded()
    return signin.start_session(
        db, settings, user, ip=ip, user_agent=user_agent, provider=Provider.PASSKEY
    )
