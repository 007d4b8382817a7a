"""Rate limits on the `limits` library: in memory for one process, Redis across replicas."""

from __future__ import annotations

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
    mail_per_address: RateLimitItem


class RateLimiter:
    """Failure-counting limiter: ``check`` before the work, ``hit`` when an attempt fails."""

    def __init__(self, settings: Settings) -> None:
        if settings.redis_url:
            self.storage: storage.Storage = storage.RedisStorage(
                settings.redis_url,
                key_prefix=settings.rate_limit_prefix,
            )
        else:
            self.storage = storage.MemoryStorage()
        self.limiter = strategies.MovingWindowRateLimiter(self.storage)
        self.limits = Limits(
            login_account_ip=parse(settings.rate_login_account_ip),
            login_ip=parse(settings.rate_login_ip),
            mail_per_address=parse(settings.rate_mail_per_address),
        )

    def check(self, limit: RateLimitItem, *keys: str) -> None:
        if not self.limiter.test(limit, *keys):
            stats = self.limiter.get_window_stats(limit, *keys)
            retry_after = max(1, math.ceil(stats.reset_time - time.time()))
            raise RateLimited(
                "Too many attempts. Try again later.",
                headers={"Retry-After": str(retry_after)},
            )

    def hit(self, limit: RateLimitItem, *keys: str) -> None:
        self.limiter.hit(limit, *keys)

    def check_and_hit(self, limit: RateLimitItem, *keys: str) -> None:
        self.check(limit, *keys)
        self.hit(limit, *keys)

    def clear(self, limit: RateLimitItem, *keys: str) -> None:
        self.limiter.clear(limit, *keys)
