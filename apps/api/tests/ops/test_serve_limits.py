"""`journal serve` bounds request headers: an oversized header is refused, not buffered."""

from __future__ import annotations

import contextlib
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from apps.api.tests.ops.live import journal_env, live_server


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    command = [sys.executable, "-m", "apps.api.app.cli", "serve"]
    with live_server(command, journal_env(tmp_path), tmp_path / "server.log") as base:
        yield base


def _raw_request(port: int, header_bytes: int) -> bytes:
    """Send GET /api/health with one header of that many bytes; return what comes back
    (b"" if the server closed the connection without an answer)."""
    request = (
        b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        + b"X-Big: "
        + b"a" * header_bytes
        + b"\r\n\r\n"
    )
    answer = b""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        # Refused before we finished sending, or reset while reading: a refusal too.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(request)
        with contextlib.suppress(ConnectionResetError, TimeoutError):
            while chunk := sock.recv(65536):
                answer += chunk
    return answer


def test_oversized_header_is_refused_and_normal_requests_work(served: str) -> None:
    port = int(served.rsplit(":", 1)[1])
    assert _raw_request(port, 1_000).startswith(b"HTTP/1.1 200")
    answer = _raw_request(port, 8 * 1024 * 1024)
    assert not answer.startswith(b"HTTP/1.1 200"), answer[:200]
    assert answer == b"" or answer.split(b" ", 2)[1] in (b"400", b"431"), answer[:200]
    assert httpx.get(f"{served}/api/health", timeout=10).status_code == 200  # still serving
