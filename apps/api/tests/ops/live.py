"""Start a real server process (uvicorn or `journal serve`) on a free port, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from apps.api.tests.conftest import REPO
from apps.api.tests.mailsink import free_port

PASSWORD = "live server passphrase"


def journal_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The caller's environment without any JOURNAL_/PROMETHEUS_ setting, plus a fresh
    SQLite database and these settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JOURNAL_", "PROMETHEUS_"))}
    return env | {
        "JOURNAL_DATABASE_URL": f"sqlite:///{tmp_path / 'live.db'}",
        "JOURNAL_SECRET_KEY": "live-server-test-secret-0123456789abcdef",
        "JOURNAL_WEB_DIST": str(tmp_path / "no-web"),
        **extra,
    }


def create_user(env: dict[str, str], email: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "apps.api.app.cli", "users", "create", email, "--password-stdin"],
        input=PASSWORD + "\n",
        env=env,
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )


@contextmanager
def live_server(command: Sequence[str], env: dict[str, str]) -> Iterator[str]:
    """Run ``command`` plus ``--port <free port>``; yield its base URL once /api/health answers."""
    port = free_port()
    server = subprocess.Popen(
        [*command, "--port", str(port)],
        env=env | {"JOURNAL_PUBLIC_URL": f"http://127.0.0.1:{port}"},
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                if server.poll() is not None:
                    break
                time.sleep(0.2)
        else:
            server.kill()
        if server.poll() is not None:
            output = server.stderr.read().decode() if server.stderr else ""
            pytest.fail(f"server did not start: {output}")
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)
