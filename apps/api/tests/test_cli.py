from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient

from apps.api.app import migrate

REPO = Path(__file__).resolve().parents[3]


def _journal(
    args: list[str], database_url: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOURNAL_")}
    env["JOURNAL_DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "apps.api.app.cli", *args],
        cwd=REPO,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_cli_creates_a_user_who_can_sign_in(client: TestClient, database_url: str) -> None:
    created = _journal(
        ["users", "create", "Cli@Example.com", "--password-stdin"], database_url, "s3cret-pass\n"
    )
    assert created.returncode == 0, created.stderr
    assert "cli@example.com" in created.stdout
    ok = client.post(
        "/api/auth/login", json={"email": "cli@example.com", "password": "s3cret-pass"}
    )
    assert ok.status_code == 200

    again = _journal(
        ["users", "create", "cli@example.com", "--password-stdin"],
        database_url,
        "another-fine-passphrase\n",
    )
    assert again.returncode == 1
    assert "already exists" in again.stderr

    changed = _journal(
        ["users", "set-password", "cli@example.com", "--password-stdin"],
        database_url,
        "new-pass-123\n",
    )
    assert changed.returncode == 0, changed.stderr
    old = client.post(
        "/api/auth/login", json={"email": "cli@example.com", "password": "s3cret-pass"}
    )
    assert old.status_code == 401
    new = client.post(
        "/api/auth/login", json={"email": "cli@example.com", "password": "new-pass-123"}
    )
    assert new.status_code == 200


def test_cli_refuses_short_passwords(database_url: str, client: TestClient) -> None:
    result = _journal(
        ["users", "create", "short@example.com", "--password-stdin"], database_url, "short\n"
    )
    assert result.returncode == 1
    assert "at least 8" in result.stderr


def test_db_upgrade_reports_head(database_url: str, client: TestClient) -> None:
    result = _journal(["db", "upgrade"], database_url)
    assert result.returncode == 0, result.stderr
    head = ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()
    assert f"database at {head}" in result.stdout
