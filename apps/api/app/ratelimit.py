"""Rate limits on the `limits` library: in memory for one process, Redis across replicas.

Two kinds, both atomic (test-and-count in one step, so concurrent requests cannot slip past
a limit between a check and a count):

- **quotas** (``take``): every request counts, on a moving window — mails, registrations;
- **failure budgets** (``reserve``, then ``refund`` or ``clear``): an attempt is counted
  *before* the expensive password check and given back if it succeeds. They use fixed
  windows because only counters can be given back (a moving window's entries cannot).

Client addresses are grouped as the limits see them: IPv4 per address, IPv6 per /64 (one
host usually holds a whole /64, so counting single addresses would give it 2**64 budgets).
"""

from __future__ import annotations

import ipaddress
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse, storage, strategies

from apps.api.app.config import Settings
from apps.api.app.errors import RateLimited


@dataclass(frozen=True, slots=True)
class Limits:
    login_account_ip: RateLimitItem
    login_ip: RateLimitItem
    login_account: RateLimitItem
    mail_per_address: RateLimitItem
    mail_address_ceiling: RateLimitItem
    mail_ip: RateLimitItem
    mail_global: RateLimitItem
    register_ip: RateLimitItem
    register_global: RateLimitItem


def client_group(ip: str | None) -> str:
    """The unit a client address is limited by: the IPv4 address, or the IPv6 /64."""
    if not ip:
        return "unknown"
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip[:64]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


class RateLimiter:
    def __init__(self, settings: Settings) -> None:
        if settings.redis_url:
            self.storage: storage.Storage = storage.RedisStorage(
                settings.redis_url,
                key_prefix=settings.rate_limit_prefix,
            )
        else:
            self.storage = storage.MemoryStorage()
        self._quota = strategies.MovingWindowRateLimiter(self.storage)
        self._budget = strategies.FixedWindowRateLimiter(self.storage)
        self.limits = Limits(
            login_account_ip=parse(settings.rate_login_account_ip),
            login_ip=parse(settings.rate_login_ip),
            login_account=parse(settings.rate_login_account),
            mail_per_address=parse(settings.rate_mail_per_address),
            mail_address_ceiling=parse(settings.rate_mail_address_ceiling),
            mail_ip=parse(settings.rate_mail_ip),
            mail_global=parse(settings.rate_mail_global),
            register_ip=parse(settings.rate_register_ip),
            register_global=parse(settings.rate_register_global),
        )

    @staticmethod
    def _limited(
        strategy: strategies.RateLimiter, limit: RateLimitItem, keys: tuple[str, ...]
    ) -> RateLimited:
        stats = strategy.get_window_stats(limit, *keys)
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        return RateLimited(
            "Too many attempts. Try again later.", headers={"Retry-After": str(retry_after)}
        )

    def take(self, limit: RateLimitItem, *keys: str) -> None:
        """Count this request against a quota, or raise ``RateLimited`` (nothing counted)."""
        keys = ("quota", *keys)
        if not self._quota.hit(limit, *keys):
            raise self._limited(self._quota, limit, keys)

    def reserve(self, limit: RateLimitItem, *keys: str) -> None:
        """Count one attempt against a failure budget before doing it, or raise
        ``RateLimited`` (and count nothing)."""
        if not self._budget.hit(limit, "budget", *keys):
            self.refund(limit, *keys)
            raise self._limited(self._budget, limit, ("budget", *keys))

    def refund(self, limit: RateLimitItem, *keys: str) -> None:
        """Give back one reserved attempt (it succeeded, so it was no failure)."""
        self.storage.incr(limit.key_for("budget", *keys), limit.get_expiry(), amount=-1)

    def clear(self, limit: RateLimitItem, *keys: str) -> None:
        """Forget a failure budget's count (a success ends a run of failures)."""
        self._budget.clear(limit, "budget", *keys)
