from __future__ import annotations

from typing import Any

from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient

from apps.api.app import migrate
from apps.api.tests.conftest import post_login, run_journal


def test_cli_creates_a_user_who_can_sign_in(client: TestClient, database_url: str) -> None:
    created = run_journal(
        ["users", "create", "Cli@Example.com", "--password-stdin"], database_url, "s3cret-pass\n"
    )
    assert created.returncode == 0, created.stderr
    assert "cli@example.com" in created.stdout
    ok = post_login(client, "cli@example.com", "s3cret-pass")
    assert ok.status_code == 200

    again = run_journal(
        ["users", "create", "cli@example.com", "--password-stdin"],
        database_url,
        "another-fine-passphrase\n",
    )
    assert again.returncode == 1
    assert "already exists" in again.stderr

    changed = run_journal(
        ["users", "set-password", "cli@example.com", "--password-stdin"],
        database_url,
        "new-pass-123\n",
    )
    assert changed.returncode == 0, changed.stderr
    old = post_login(client, "cli@example.com", "s3cret-pass")
    assert old.status_code == 401
    new = post_login(client, "cli@example.com", "new-pass-123")
    assert new.status_code == 200


def test_cli_refuses_short_passwords(database_url: str, client: TestClient) -> None:
    result = run_journal(
        ["users", "create", "short@example.com", "--password-stdin"], database_url, "short\n"
    )
    assert result.returncode == 1
    assert "at least 8" in result.stderr


def test_db_upgrade_reports_head(database_url: str, client: TestClient) -> None:
    result = run_journal(["db", "upgrade"], database_url)
    assert result.returncode == 0, result.stderr
    head = ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()
    assert f"database at {head}" in result.stdout


def test_deleting_a_user_deletes_their_data(
    client: TestClient, auth_headers: dict[str, str], database_url: str, db: Any
) -> None:
    from sqlalchemy import func, select, text

    from apps.api.app.auth.models import EmailToken, User, UserSession
    from apps.api.app.entries.models import Entry, EntryTag

    client.post("/api/entries", json={"body": "private words", "tags": ["x"]}, headers=auth_headers)
    email = client.get("/api/auth/me", headers=auth_headers).json()["email"]
    refused = run_journal(["users", "delete", email], database_url, "n\n")
    assert refused.returncode != 0
    deleted = run_journal(["users", "delete", email, "--yes"], database_url)
    assert deleted.returncode == 0, deleted.stderr
    for model in (User, Entry, EntryTag, UserSession, EmailToken):
        assert db.scalar(select(func.count()).select_from(model)) == 0, model
    if database_url.startswith("sqlite"):
        assert db.scalar(text("SELECT count(*) FROM entries_fts")) == 0
    assert client.get("/api/auth/me", headers=auth_headers).status_code == 401
