"""/metrics is correct with several worker processes (prometheus_client multiprocess mode)."""

from __future__ import annotations

import os
import re
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from apps.api.tests.ops.live import REDIS_URL, create_user, live_server

REPO = Path(__file__).resolve().parents[4]
PASSWORD = "multi worker passphrase"


def _sample(text: str, name: str, labels: dict[str, str]) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0


@pytest.fixture
def two_workers(tmp_path: Path):  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JOURNAL_", "PROMETHEUS_"))}
    env |= {
        "JOURNAL_DATABASE_URL": f"sqlite:///{tmp_path / 'mw.db'}",
        "JOURNAL_SECRET_KEY": "multi-worker-test-secret-0123456789abcdef",
        "JOURNAL_WEB_DIST": str(tmp_path / "no-web"),
        # Several workers share rate limits through Redis (they refuse to start without it).
        "JOURNAL_REDIS_URL": REDIS_URL,
        "JOURNAL_RATE_LIMIT_PREFIX": f"mw-{uuid.uuid4().hex}",
    }
    cli = [sys.executable, "-m", "apps.api.app.cli"]
    create_user(env, "mw@example.com", PASSWORD)
    metrics_dir = tmp_path / "prom"
    metrics_dir.mkdir()
    (metrics_dir / "counter_999999.db").write_bytes(b"stale")  # must be cleaned at start
    command = [*cli, "serve", "--workers", "2", "--metrics-dir", str(metrics_dir)]
    # Own process group, stopped whole: a slow start must not leave orphaned workers.
    with live_server(command, env, tmp_path / "server.log") as base:
        yield base, metrics_dir


def _pids(metrics_dir: Path) -> set[str]:
    return {m.group(1) for p in metrics_dir.iterdir() if (m := re.search(r"_(\d+)\.db$", p.name))}


def test_counters_are_summed_across_workers(two_workers) -> None:  # type: ignore[no-untyped-def]
    base, metrics_dir = two_workers
    assert "999999" not in _pids(metrics_dir)

    def login(password: str) -> int:
        # A fresh connection each time, so the kernel spreads them over both workers.
        with httpx.Client(base_url=base, timeout=30) as client:
            return client.post(
                "/api/auth/login", json={"email": "mw@example.com", "password": password}
            ).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(login, [PASSWORD] * 8 + ["wrong-password-1"] * 4))
    assert codes == [200] * 8 + [401] * 4

    # Make sure both workers served something (bounded), so the sum really spans processes.
    for _ in range(20):
        if len(_pids(metrics_dir)) >= 2:
            break
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda _: httpx.get(f"{base}/api/health", timeout=5), range(16)))
    assert len(_pids(metrics_dir)) >= 2, "both workers should have written samples"

    for _ in range(4):  # whichever worker answers the scrape, the totals are the same
        text = httpx.get(f"{base}/metrics", timeout=5).text
        assert _sample(text, "auth_login_success_total", {"provider": "password"}) == 8
        assert _sample(text, "auth_login_fail_total", {"reason": "invalid_credentials"}) == 4
        assert (
            _sample(text, "http_requests_total", {"route": "/api/auth/login", "status": "200"}) == 8
        )


def test_revocation_holds_on_every_worker(two_workers) -> None:  # type: ignore[no-untyped-def]
    base, _ = two_workers
    before = httpx.get(f"{base}/metrics", timeout=5).text
    with httpx.Client(base_url=base, timeout=30) as client:
        login = client.post(
            "/api/auth/login", json={"email": "mw@example.com", "password": PASSWORD}
        )
        csrf = login.cookies["csrftoken"]
        refreshed = client.post("/api/auth/refresh", headers={"Origin": base})
        assert refreshed.status_code == 200
        bearer = {"Authorization": f"Bearer {refreshed.json()['access_token']}"}
        assert client.get("/api/auth/me", headers=bearer).status_code == 200
        revoked = client.post("/api/auth/logout", headers={"X-CSRF-Token": csrf, "Origin": base})
        assert revoked.status_code == 204

    def me(_: int) -> int:
        with httpx.Client(base_url=base, timeout=30) as fresh:  # new connection: any worker
            return fresh.get("/api/auth/me", headers=bearer).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert set(pool.map(me, range(24))) == {401}

    # Each path moved its counter by exactly one, whichever worker served it.
    after = httpx.get(f"{base}/metrics", timeout=5).text
    for name, labels in [
        ("auth_login_success_total", {"provider": "password"}),
        ("auth_refresh_rotations_total", {}),
        ("auth_revocations_total", {"reason": "logout"}),
    ]:
        assert _sample(after, name, labels) - _sample(before, name, labels) == 1, name
