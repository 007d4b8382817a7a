"""Step-up: what a *(password)* route asks before it changes something sensitive.

The account's current password, and when TOTP is on a current code (TOTP or recovery code)
too. Both failures spend the sign-in failure budget, so a stolen access token is no way
around the sign-in limits to guess a password or a code.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from apps.api.app.auth import passwords, second_factor
from apps.api.app.auth.budgets import SignInBudget
from apps.api.app.auth.exceptions import StepUpMfaInvalid, WrongCurrentPassword
from apps.api.app.auth.models import User
from apps.api.app.ratelimit import RateLimiter


def check_step_up(
    db: Session,
    limiter: RateLimiter,
    user: User,
    *,
    password: str,
    code: str | None,
    ip: str | None,
) -> None:
    """Raise 400 ``invalid_credentials`` (wrong password), 400 ``mfa_invalid`` (code missing
    or wrong while TOTP is on) or 429 ``rate_limited``; return if the caller proved both.

    A recovery code given here is spent, and a TOTP code's time step is recorded (replay);
    both only flush: the calling use case commits them with its change.
    """
    budget = SignInBudget(limiter, user.email, ip)
    budget.reserve()
    if not passwords.verify_password(user.password_hash, password):
        raise WrongCurrentPassword()
    if second_factor.totp_enabled(db, user.id) and (
        code is None
        or not second_factor.verify_second_factor(db, second_factor.keys_for(db), user.id, code)
    ):
        raise StepUpMfaInvalid()
    budget.succeeded()
