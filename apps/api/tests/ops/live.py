"""Start a real server process (uvicorn or `journal serve`) on a free port, as a user would."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from apps.api.tests.conftest import REPO, run_journal
from apps.api.tests.mailsink import free_port

PASSWORD = "live server passphrase"
REDIS_URL = os.environ.get("JOURNAL_TEST_REDIS", "redis://127.0.0.1:6379/0")


def journal_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The caller's environment without any JOURNAL_/PROMETHEUS_ setting, plus a fresh
    SQLite database and these settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JOURNAL_", "PROMETHEUS_"))}
    return env | {
        "JOURNAL_DATABASE_URL": f"sqlite:///{tmp_path / 'live.db'}",
        "JOURNAL_SECRET_KEY": "live-server-test-secret-0123456789abcdef",
        "JOURNAL_WEB_DIST": str(tmp_path / "no-web"),
        # Several workers share rate limits through Redis (they refuse to start without it).
        "JOURNAL_REDIS_URL": REDIS_URL,
        "JOURNAL_RATE_LIMIT_PREFIX": f"live-{uuid.uuid4().hex}",
        **extra,
    }


def create_user(env: dict[str, str], email: str, password: str = PASSWORD) -> None:
    done = run_journal(
        ["users", "create", email, "--password-stdin"], stdin=password + "\n", env=env
    )
    assert done.returncode == 0, done.stderr


def _stop(server: subprocess.Popen[bytes]) -> None:
    """Stop the server and every process it started (uvicorn's workers are in its process
    group): killing only the supervisor would leave workers serving, orphaned."""
    for sig, grace in ((signal.SIGTERM, 15), (signal.SIGKILL, 15)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, sig)
        try:
            server.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)  # workers still draining after the parent
        return


class Base(str):
    """The server's base URL, carrying its process (for tests that crash it on purpose)."""

    process: subprocess.Popen[bytes]

    def kill_hard(self) -> None:
        """kill -9 the whole process group: no shutdown, no flush, as a crash would."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


@contextmanager
def live_server(command: Sequence[str], env: dict[str, str], log: Path) -> Iterator[Base]:
    """Run ``command`` plus ``--port <free port>`` in its own process group, output to
    ``log``; yield its base URL once /api/health answers (within 120 s)."""
    port = free_port()
    with log.open("wb") as output:
        server = subprocess.Popen(
            [*command, "--port", str(port)],
            env=env | {"JOURNAL_PUBLIC_URL": f"http://127.0.0.1:{port}"},
            cwd=REPO,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = Base(f"http://127.0.0.1:{port}")
    base.process = server
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and server.poll() is None:
            try:
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail(f"server did not start: {log.read_text(errors='replace')[-4000:]}")
        yield base
    finally:
        _stop(server)
