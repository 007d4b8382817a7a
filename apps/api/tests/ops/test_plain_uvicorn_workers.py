"""`uvicorn apps.api.app.main:app --workers 2` (the seed's command plus --workers, with no
PROMETHEUS_MULTIPROC_DIR) still serves /metrics summed over both workers."""

from __future__ import annotations

import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from apps.api.tests.ops.live import PASSWORD, create_user, journal_env, live_server
from apps.api.tests.ops.test_multiworker import _sample

EMAIL = "plain-workers@example.com"


def test_plain_uvicorn_workers_share_one_metrics_view(tmp_path: Path) -> None:
    env = journal_env(tmp_path, TMPDIR=str(tmp_path))
    create_user(env, EMAIL)
    # A finished run's samples (its supervisor is gone) must not be summed into this one.
    stale = tmp_path / f"journal-prometheus-{os.getuid()}" / "999999999-1"
    stale.mkdir(parents=True)
    (stale / "counter_999999999.db").write_bytes(b"stale")
    command = [sys.executable, "-m", "uvicorn", "apps.api.app.main:app", "--workers", "2"]
    with live_server(command, env, tmp_path / "server.log") as base:

        def login(_: int) -> int:
            # A fresh connection each time, so the kernel spreads them over both workers.
            with httpx.Client(base_url=base, timeout=30) as client:
                return client.post(
                    "/api/auth/login", json={"email": EMAIL, "password": PASSWORD}
                ).status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            assert set(pool.map(login, range(16))) == {200}

        totals = []
        for _ in range(8):  # fresh connections: whichever worker answers, the same totals
            with httpx.Client(base_url=base, timeout=30) as client:
                text = client.get("/metrics").text
            totals.append(
                (
                    _sample(text, "auth_login_success_total", {"provider": "password"}),
                    _sample(
                        text, "http_requests_total", {"route": "/api/auth/login", "status": "200"}
                    ),
                )
            )
        assert set(totals) == {(16, 16)}, totals
        assert not stale.exists()
        runs = list(stale.parent.iterdir())
        assert len(runs) == 1, runs  # one directory for this run, shared by both workers
        assert len({p.name.rsplit("_", 1)[1] for p in runs[0].glob("counter_*.db")}) == 2
