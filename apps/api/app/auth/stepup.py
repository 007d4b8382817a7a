"""Step-up: routes marked *(password)* in the SPEC re-check the account's password (and,
once a second factor exists, a current code) before a sensitive change.

This version checks the password part only; the second-factor part (``code``, 400
``mfa_invalid``) comes with the MFA feature, behind the same signature.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from apps.api.app.auth import passwords
from apps.api.app.auth.budgets import SignInBudget
from apps.api.app.auth.exceptions import WrongCurrentPassword
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
    """Raise 400 ``invalid_credentials`` unless ``password`` is the account's.

    A wrong password spends the sign-in failure budget (reserved before the hash, as at
    sign-in), so a stolen access token is no way around the sign-in limits.
    """
    del db, code  # used by the second-factor part
    budget = SignInBudget(limiter, user.email, ip)
    budget.reserve()
    if not passwords.verify_password(user.password_hash, password):
        raise WrongCurrentPassword()
    budget.succeeded()
