"""Step-up: the account's password (and, once a second factor exists, a current code) asked
again before a sensitive change. Wrong guesses spend the sign-in failure budget, so a stolen
access token is no way around the sign-in limits."""

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
    """Raise 400 ``invalid_credentials`` unless ``password`` is the user's. (The second-factor
    part — 400 ``mfa_invalid`` for a wrong ``code`` when TOTP is on — comes with TOTP.)"""
    del db, code  # used by the second-factor check
    budget = SignInBudget(limiter, user.email, ip)
    budget.reserve()
    if not passwords.verify_password(user.password_hash, password):
        raise WrongCurrentPassword()
    budget.succeeded()
