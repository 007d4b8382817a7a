"""The development secret key file: created whole (never seen empty), before the workers
start, and a key shorter than 32 bytes is refused with one clear line."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from apps.api.app.config import Settings
from apps.api.tests.conftest import REPO
from apps.api.tests.ops.live import REDIS_URL

# Runs in a fresh interpreter: an audit hook looks at the key file at every file-system
# event while the key is being created, as a second worker reading it at that instant would.
_OBSERVER = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from apps.api.app.config import Settings

    path = Path(sys.argv[1])
    seen = []
    busy = []

    def hook(event, args):
        if busy or event not in ("open", "os.link", "os.rename", "os.replace", "os.chmod"):
            return
        busy.append(1)  # our own open() below raises audit events too
        try:
            if path.exists():
                seen.append(len(path.read_bytes().strip()))
        finally:
            busy.pop()

    sys.addaudithook(hook)
    key = Settings(_env_file=None, secret_key_file=path).secret
    print(len(key), min(seen) if seen else "none")
    """
)


def test_key_file_is_never_visible_empty_or_partial(tmp_path: Path) -> None:
    path = tmp_path / "var" / "secret_key"
    result = subprocess.run(
        [sys.executable, "-c", _OBSERVER, str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    key_length, shortest_seen = result.stdout.split()
    assert int(key_length) >= 32
    assert shortest_seen == "none" or int(shortest_seen) == int(key_length), result.stdout
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"], "no temporary file left"


@pytest.mark.parametrize("content", [b"", b"\n", b"short-key\n", b"x" * 31])
def test_short_key_file_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "secret_key"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="JOURNAL_SECRET_KEY_FILE") as err:
        _ = Settings(_env_file=None, secret_key_file=path).secret
    assert "\n" not in str(err.value)


def test_short_secret_key_is_refused_in_development_too() -> None:
    with pytest.raises(ValueError, match="JOURNAL_SECRET_KEY"):
        Settings(_env_file=None, secret_key="too-short")


def _journal_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JOURNAL_", "PROMETHEUS_"))}
    return env | {
        "JOURNAL_DATABASE_URL": f"sqlite:///{tmp_path / 'k.db'}",
        "JOURNAL_WEB_DIST": str(tmp_path / "no-web"),
        # `serve --workers 2` needs shared rate limits before it looks at anything else.
        "JOURNAL_REDIS_URL": REDIS_URL,
        **extra,
    }


def _run_with_key_file(
    tmp_path: Path, key_file: Path, *module_and_args: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *module_and_args],
        cwd=REPO,
        env=_journal_env(tmp_path, JOURNAL_SECRET_KEY_FILE=str(key_file)),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_serve_refuses_a_short_key_file_with_one_line(tmp_path: Path) -> None:
    key_file = tmp_path / "secret_key"
    key_file.write_bytes(b"")
    result = _run_with_key_file(
        tmp_path, key_file, "apps.api.app.cli", "serve", "--workers", "2", "--port", "1"
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "JOURNAL_SECRET_KEY_FILE" in lines[0]
    assert "Traceback" not in result.stderr


def test_uvicorn_refuses_a_short_key_file_with_one_line(tmp_path: Path) -> None:
    key_file = tmp_path / "secret_key"
    key_file.write_bytes(b"abc")
    result = _run_with_key_file(
        tmp_path, key_file, "uvicorn", "apps.api.app.main:app", "--port", "1"
    )
    assert result.returncode != 0
    assert "JOURNAL_SECRET_KEY_FILE" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_creates_the_key_before_starting_workers(tmp_path: Path) -> None:
    # Port -1 cannot be bound: no worker ever starts, so a key on disk afterwards was made
    # by `serve` itself, before it handed over to uvicorn.
    key_file = tmp_path / "fresh" / "secret_key"
    _run_with_key_file(
        tmp_path, key_file, "apps.api.app.cli", "serve", "--workers", "2", "--port", "-1"
    )
    assert key_file.is_file()
    assert len(key_file.read_bytes().strip()) >= 32
