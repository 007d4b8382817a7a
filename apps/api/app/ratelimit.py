"""Rate limits on the `limits` library: in memory for one process, Redis across replicas.

Two kinds, both atomic (test-and-count in one step, so concurrent requests cannot slip past
a limit between a check and a count):

- **quotas** (``take``): every request counts, on a moving window — mails, registrations;
- **failure budgets** (``reserve``, then ``refund`` or ``clear``): an attempt is counted
  *before* the expensive password check and given back if it succeeds. They use fixed
  windows because only counters can be given back (a moving window's entries cannot).

With ``JOURNAL_REDIS_URL`` the counts live in Redis, shared by every worker and replica. If
Redis stops answering, limits fall back to this process's memory (one warning), so sign-in
keeps working, and go back to Redis when it answers again (tried every few seconds).

Client addresses are grouped as the limits see them: IPv4 per address, IPv6 per /64 (one
host usually holds a whole /64, so counting single addresses would give it 2**64 budgets).
"""

from __future__ import annotations

import ipaddress
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from limits import RateLimitItem, parse, storage, strategies
from limits.errors import StorageError

from apps.api.app.config import Settings
from apps.api.app.errors import RateLimited

log = logging.getLogger("journal.ratelimit")
_T = TypeVar("_T")

# How long limits stay in memory after Redis failed before it is tried again, and how long
# one Redis call may take (a blackholed server must not stall sign-ins).
REDIS_RETRY_SECONDS = 5.0
REDIS_TIMEOUT_SECONDS = 0.5


@dataclass(frozen=True, slots=True)
class _Backend:
    store: storage.Storage
    quota: strategies.MovingWindowRateLimiter
    budget: strategies.FixedWindowRateLimiter

    @classmethod
    def on(cls, store: storage.Storage) -> _Backend:
        return cls(
            store,
            strategies.MovingWindowRateLimiter(store),
            strategies.FixedWindowRateLimiter(store),
        )


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
    passkey_options_ip: RateLimitItem


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
        self._memory = _Backend.on(storage.MemoryStorage())
        self._shared: _Backend | None = None
        if settings.redis_url:
            self._shared = _Backend.on(
                storage.RedisStorage(
                    settings.redis_url,
                    key_prefix=settings.rate_limit_prefix,
                    wrap_exceptions=True,
                    socket_timeout=REDIS_TIMEOUT_SECONDS,
                    socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
                )
            )
        self._shared_down_since: float | None = None
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
            passkey_options_ip=parse(settings.rate_passkey_options_ip),
        )

    def _run(self, operation: Callable[[_Backend], _T]) -> _T:
        """Run on Redis when configured and answering, else on this process's memory."""
        shared = self._shared
        down_since = self._shared_down_since
        if shared is not None and (
            down_since is None or time.monotonic() - down_since >= REDIS_RETRY_SECONDS
        ):
            try:
                result = operation(shared)
            except StorageError as exc:
                if down_since is None:
                    log.warning(
                        "Redis is not answering (%s): rate limits are counted per process "
                        "until it is back",
                        type(exc.storage_error).__name__,
                    )
                self._shared_down_since = time.monotonic()
            else:
                if down_since is not None:
                    log.warning("Redis answers again: rate limits are shared again")
                    self._shared_down_since = None
                return result
        return operation(self._memory)

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

        def take_on(backend: _Backend) -> RateLimited | None:
            if backend.quota.hit(limit, *keys):
                return None
            return self._limited(backend.quota, limit, keys)

        refused = self._run(take_on)
        if refused is not None:
            raise refused

    def reserve(self, limit: RateLimitItem, *keys: str) -> None:
        """Count one attempt against a failure budget before doing it, or raise
        ``RateLimited`` (and count nothing)."""
        budget_keys = ("budget", *keys)

        def reserve_on(backend: _Backend) -> RateLimited | None:
            if backend.budget.hit(limit, *budget_keys):
                return None
            backend.store.incr(limit.key_for(*budget_keys), limit.get_expiry(), amount=-1)
            return self._limited(backend.budget, limit, budget_keys)

        refused = self._run(reserve_on)
        if refused is not None:
            raise refused

    def refund(self, limit: RateLimitItem, *keys: str) -> None:
        """Give back one reserved attempt (it succeeded, so it was no failure)."""
        key = limit.key_for("budget", *keys)
        self._run(lambda backend: backend.store.incr(key, limit.get_expiry(), amount=-1))

    def clear(self, limit: RateLimitItem, *keys: str) -> None:
        """Forget a failure budget's count (a success ends a run of failures)."""
        self._run(lambda backend: backend.budget.clear(limit, "budget", *keys))
