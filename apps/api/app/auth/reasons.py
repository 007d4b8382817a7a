"""The closed vocabularies of the auth domain. ``auth/metrics.py`` iterates them to pre-create
label sets; the database stores their string values."""

from __future__ import annotations

from enum import StrEnum


class Purpose(StrEnum):
    """What a mailed single-use token is for."""

    VERIFY = "verify"
    RESET = "reset"
    # Confirms a new address; the token row carries that address (``EmailToken.new_email``).
    EMAIL_CHANGE = "email_change"


class RevokeReason(StrEnum):
    LOGOUT = "logout"
    SESSION_REVOKED = "session_revoked"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a reason label
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - a reason label
    REFRESH_REUSED = "refresh_reused"
    ADMIN = "admin"
    MFA_CHANGED = "mfa_changed"  # a second factor was turned on or off
    EMAIL_CHANGED = "email_changed"
    ACCOUNT_DELETED = "account_deleted"


class LoginFailReason(StrEnum):
    INVALID_CREDENTIALS = "invalid_credentials"
    EMAIL_NOT_VERIFIED = "email_not_verified"
    RATE_LIMITED = "rate_limited"
    USER_DISABLED = "user_disabled"
    MFA_INVALID = "mfa_invalid"
    PASSKEY_INVALID = "passkey_invalid"  # unknown credential, bad signature, used challenge
    PASSKEY_COUNTER = "passkey_counter"  # a valid signature whose sign counter went backwards


class Provider(StrEnum):
    """How a sign-in was proven."""

    PASSWORD = "password"  # noqa: S105 - a provider label
    PASSKEY = "passkey"


class MfaMethod(StrEnum):
    """A second factor one can enrol."""

    TOTP = "totp"


class AuthEvent(StrEnum):
    """The security events an account's activity log lists (``auth_events.event``)."""

    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    MFA_FAILED = "mfa_failed"
    SESSION_REVOKED = "session_revoked"
    REFRESH_REUSED = "refresh_reused"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - an event name
    PASSWORD_RESET = "password_reset"  # noqa: S105 - an event name
    EMAIL_CHANGED = "email_changed"
    MFA_ENABLED = "mfa_enabled"
    MFA_DISABLED = "mfa_disabled"
    RECOVERY_CODES_REGENERATED = "recovery_codes_regenerated"
    PASSKEY_ADDED = "passkey_added"
    PASSKEY_REMOVED = "passkey_removed"
    EXPORT = "export"


class ChallengePurpose(StrEnum):
    """What a stored WebAuthn challenge is for."""

    REGISTER = "register"
    LOGIN = "login"
