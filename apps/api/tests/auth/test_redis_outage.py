"""Redis down with JOURNAL_REDIS_URL set: limits fall back to this process with one warning,
sign-in keeps working, and limits go back to Redis when it answers again (issue 12)."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest

from apps.api.app import ratelimit
from apps.api.tests.conftest import PASSWORD, post_login
from apps.api.tests.faults import CuttableProxy

REDIS_URL = os.environ.get("JOURNAL_TEST_REDIS", "redis://127.0.0.1:6379/0")


def test_limits_survive_a_redis_outage_and_return_to_redis(
    client_factory: Callable[..., Any],
    make_user: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(ratelimit, "REDIS_RETRY_SECONDS", 0.0)  # try Redis on every call
    redis = urlsplit(REDIS_URL)
    with CuttableProxy(redis.hostname or "127.0.0.1", redis.port or 6379) as proxy:
        client = client_factory(
            redis_url=f"redis://127.0.0.1:{proxy.port}{redis.path or '/0'}",
            rate_limit_prefix=f"outage-{uuid.uuid4().hex}",
            rate_login_account_ip="3/15 minutes",
        )
        user = make_user()
        assert post_login(client, user.email, "wrong one").status_code == 401  # in Redis

        proxy.cut()
        with caplog.at_level(logging.WARNING, logger="journal.ratelimit"):
            assert post_login(client, user.email, PASSWORD).status_code == 200
            assert post_login(client, user.email, PASSWORD).status_code == 200
        warnings = [r for r in caplog.records if "not answering" in r.getMessage()]
        assert len(warnings) == 1  # one line per outage, not one per request

        # While Redis is away the limits still hold, per process.
        for _ in range(3):
            assert post_login(client, user.email, "wrong again").status_code == 401
        assert post_login(client, user.email, PASSWORD).status_code == 429

        proxy.restore()
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="journal.ratelimit"):
            # Back on Redis, where one failure was counted before the outage.
            assert post_login(client, user.email, PASSWORD).status_code == 200
        assert any("answers again" in r.getMessage() for r in caplog.records)
