"""The auth domain's rate limits: the sign-in failure budgets and the request quotas of the
mail-me-a-link and registration routes (``ratelimit`` explains quotas and budgets)."""

from __future__ import annotations

from limits import RateLimitItem

from apps.api.app.errors import RateLimited
from apps.api.app.ratelimit import RateLimiter, client_group


class SignInBudget:
    """What one password attempt spends, reserved before the (slow) hash so concurrent
    guesses cannot overdraw it: failures per account+client, per client, and per account
    across all clients (NIST 800-63B: at most 100 consecutive failures; passkeys and password
    reset still work, so the owner is never locked out)."""

    def __init__(self, limiter: RateLimiter, email: str, ip: str | None) -> None:
        group = client_group(ip)
        limits = limiter.limits
        self._limiter = limiter
        self._account_client = (limits.login_account_ip, ("login", email, group))
        self._client = (limits.login_ip, ("login-ip", group))
        self._account = (limits.login_account, ("login-account", email))

    def _parts(self) -> tuple[tuple[RateLimitItem, tuple[str, ...]], ...]:
        return (self._account_client, self._client, self._account)

    def reserve(self) -> None:
        reserved: list[tuple[RateLimitItem, tuple[str, ...]]] = []
        try:
            for limit, keys in self._parts():
                self._limiter.reserve(limit, *keys)
                reserved.append((limit, keys))
        except RateLimited:
            for limit, keys in reserved:
                self._limiter.refund(limit, *keys)
            raise

    def succeeded(self) -> None:
        """The password was right: the run of failures on this account ends."""
        self._limiter.clear(self._account_client[0], *self._account_client[1])
        self._limiter.refund(self._client[0], *self._client[1])
        self._limiter.clear(self._account[0], *self._account[1])

    def not_a_guess(self) -> None:
        """The password was right but the sign-in stopped for another reason."""
        for limit, keys in self._parts():
            self._limiter.refund(limit, *keys)


def account_recovered(limiter: RateLimiter, email: str) -> None:
    """The owner proved the account is theirs (a mailed reset link): whatever failures others
    ran up against it across addresses no longer stand between them and signing in."""
    limiter.clear(limiter.limits.login_account, "login-account", email)


def take_mail_quota(limiter: RateLimiter, kind: str, email: str, ip: str | None) -> None:
    """A mail-me-a-link request (verify, reset). Per address *and* client first, so that an
    attacker spending an address's budget from elsewhere still leaves its owner a mail; then a
    larger per-address ceiling, per client and global caps. Unknown addresses count the same,
    so a 429 says nothing about who has an account."""
    group = client_group(ip)
    limits = limiter.limits
    limiter.take(limits.mail_per_address, kind, email, group)
    limiter.take(limits.mail_address_ceiling, kind, email)
    limiter.take(limits.mail_ip, "mail-ip", group)
    limiter.take(limits.mail_global, "mail-global")


def take_register_quota(limiter: RateLimiter, email: str, ip: str | None) -> None:
    """Registrations cost a password hash and a mail to any address: per client and global
    caps on top of the mail quota."""
    group = client_group(ip)
    limiter.take(limiter.limits.register_ip, "register-ip", group)
    limiter.take(limiter.limits.register_global, "register-global")
    take_mail_quota(limiter, "register", email, ip)


def take_passkey_options_quota(limiter: RateLimiter, ip: str | None) -> None:
    """A passkey sign-in challenge: anyone may ask and each is a stored row, so a client gets
    a bounded number a minute (a person needs one per sign-in)."""
    limiter.take(limiter.limits.passkey_options_ip, "passkey-options", client_group(ip))
