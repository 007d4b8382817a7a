"""Every error the auth domain raises: one class per code (``detail`` + ``code``, rendered by
``errors.py``). A subclass only changes the wording or the status, never the code."""

from __future__ import annotations

import uuid

from apps.api.app.errors import AppError


class InvalidCredentials(AppError):
    status_code = 401
    code = "invalid_credentials"

    def __init__(self, detail: str = "Incorrect email or password") -> None:
        super().__init__(detail)


class UserDisabled(InvalidCredentials):
    """Answered exactly like wrong credentials; told apart only in metrics."""


class WrongCurrentPassword(InvalidCredentials):
    # 400, not 401: a 401 would make the client refresh its token and retry.
    status_code = 400

    def __init__(self) -> None:
        super().__init__("Your current password is not correct.")


class EmailNotVerified(AppError):
    status_code = 403
    code = "email_not_verified"

    def __init__(self) -> None:
        super().__init__("Confirm your email address first: we sent you a link.")


class WeakPassword(AppError):
    status_code = 422
    code = "weak_password"

    def __init__(self, detail: str, field: str = "password") -> None:
        super().__init__(detail)
        # A 422 always carries the field errors (SPEC §3), like FastAPI's own validation.
        self.extra["errors"] = [{"loc": ["body", field], "msg": detail}]


class EmailTaken(AppError):
    status_code = 409
    code = "email_taken"


class InvalidToken(AppError):
    """A token we did not issue, or one that is used, expired or malformed."""

    status_code = 401
    code = "invalid_token"


class InvalidEmailToken(InvalidToken):
    # 400: a mailed link is not a credential of the client (no refresh should follow).
    status_code = 400

    def __init__(self) -> None:
        super().__init__("This link is invalid, expired or already used. Ask for a new one.")


class InvalidActivityCursor(AppError):
    status_code = 400
    code = "invalid_cursor"

    def __init__(self) -> None:
        super().__init__("Invalid cursor: pass back the next_cursor of a previous page")


class TokenExpired(AppError):
    status_code = 401
    code = "token_expired"


class SessionRevoked(AppError):
    status_code = 401
    code = "session_revoked"

    def __init__(self) -> None:
        super().__init__("This session has ended. Sign in again.")


class RefreshReused(AppError):
    status_code = 401
    code = "refresh_reused"

    def __init__(self, *, newly_revoked: bool = False, user_id: uuid.UUID | None = None) -> None:
        super().__init__("This refresh token was already used; the session has been ended.")
        # Whether this request revoked the session (a revocation is counted once).
        self.newly_revoked = newly_revoked
        # Whose session it was (its activity log records the reuse).
        self.user_id = user_id


class CsrfFailed(AppError):
    status_code = 403
    code = "csrf_failed"

    def __init__(self) -> None:
        super().__init__(
            "Missing or invalid CSRF token: send the csrftoken cookie's value in X-CSRF-Token"
        )


class MfaInvalid(AppError):
    """A wrong, replayed or missing second-factor code at sign-in (401: the sign-in itself
    failed, the client holds no token to refresh)."""

    status_code = 401
    code = "mfa_invalid"

    def __init__(self, detail: str = "That code is not valid. Try the current one.") -> None:
        super().__init__(detail)


class StepUpMfaInvalid(MfaInvalid):
    # 400, not 401: the caller is signed in; a 401 would make the client refresh and retry.
    status_code = 400

    def __init__(self) -> None:
        super().__init__(
            "A current code from your authenticator app (or a recovery code) is needed."
        )


class MfaTokenInvalid(InvalidToken):
    """The sign-in's second step is unknown, used, expired or spent on wrong codes."""

    def __init__(self) -> None:
        super().__init__("This sign-in has expired or was already used. Sign in again.")


class MfaAlreadyEnabled(AppError):
    status_code = 409
    code = "mfa_already_enabled"

    def __init__(self) -> None:
        super().__init__(
            "Two-step verification is already on. Turn it off first to use another app."
        )


class MfaNotEnabled(AppError):
    status_code = 409
    code = "mfa_not_enabled"

    def __init__(self) -> None:
        super().__init__("Two-step verification is not on for this account.")


class NoPendingTotp(MfaNotEnabled):
    def __init__(self) -> None:
        AppError.__init__(self, "Start setting up an authenticator app first.")


class HashingBusy(AppError):
    """Every password-hashing slot is taken and the queue is full: come back in a moment.
    (``rate_limited``: the client is asked to slow down, only the status says it is not
    its own fault.)"""

    status_code = 503
    code = "rate_limited"

    def __init__(self) -> None:
        super().__init__(
            "The server is busy checking passwords. Try again in a moment.",
            headers={"Retry-After": "2"},
        )


class PasskeysUnavailable(AppError):
    status_code = 400
    code = "passkeys_unavailable"

    def __init__(self) -> None:
        super().__init__(
            "Passkeys are unavailable on this server: its public URL (JOURNAL_PUBLIC_URL) is an "
            "IP address, and browsers only accept a domain name (such as localhost) for passkeys."
        )


class PasskeyInvalid(AppError):
    """A registration response we cannot accept (malformed, wrong origin or RP ID, stale or
    used challenge, a credential already registered)."""

    status_code = 400
    code = "passkey_invalid"


class PasskeySignInFailed(InvalidCredentials):
    """A passkey sign-in that did not verify: 401 ``invalid_credentials`` like a wrong
    password; only the wording differs."""

    def __init__(
        self, detail: str = "This passkey could not be verified. Start the sign-in again."
    ) -> None:
        super().__init__(detail)
