"""Several workers without Redis would each keep their own rate limits (N workers, N times
every budget): they refuse to start, with one line (issue 11 #9)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from apps.api.tests.mailsink import free_port
from apps.api.tests.ops.live import REPO, journal_env


def _without_redis(tmp_path: Path) -> dict[str, str]:
    env = journal_env(tmp_path)
    del env["JOURNAL_REDIS_URL"]
    return env


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "uvicorn", "apps.api.app.main:app", "--workers", "2"],
        [sys.executable, "-m", "apps.api.app.cli", "serve", "--workers", "2"],
    ],
    ids=["plain-uvicorn", "journal-serve"],
)
def test_several_workers_without_redis_refuse_to_start(tmp_path: Path, command: list[str]) -> None:
    done = subprocess.run(
        [*command, "--port", str(free_port())],
        env=_without_redis(tmp_path),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    # It stopped by itself (run() returned) with the reason; `journal serve` refuses before
    # starting any worker, so it also exits non-zero (uvicorn's supervisor exits 0 on TERM).
    assert "workers need JOURNAL_REDIS_URL" in done.stdout + done.stderr
    if "serve" in command:
        assert done.returncode == 1
        assert "Started parent process" not in done.stdout + done.stderr


def test_one_worker_without_redis_starts(tmp_path: Path) -> None:
    from apps.api.tests.ops.live import live_server

    command = [sys.executable, "-m", "uvicorn", "apps.api.app.main:app"]
    with live_server(command, _without_redis(tmp_path), tmp_path / "one.log") as base:
        assert base.startswith("http://127.0.0.1:")
