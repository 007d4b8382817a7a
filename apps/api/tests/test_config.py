from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from apps.api.app.config import Settings, describe_error

REPO = Path(__file__).resolve().parents[3]


def test_defaults_are_the_documented_ones(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, secret_key_file=tmp_path / "k")  # type: ignore[call-arg]
    assert settings.database_url == "sqlite:///./var/journal.db"
    assert settings.user_mgmt_enabled
    assert settings.auth_cookie_refresh
    assert settings.cookie_samesite == "lax"
    assert settings.cookie_secure is False
    assert settings.access_ttl_seconds == 900
    assert settings.refresh_ttl_seconds == 2_592_000
    assert "http://127.0.0.1:8000" in settings.allowed_origins
    assert "http://localhost:5173" in settings.allowed_origins


def test_secret_key_is_generated_once_with_0600(tmp_path: Path) -> None:
    path = tmp_path / "var" / "secret_key"
    first = Settings(secret_key_file=path).secret
    second = Settings(secret_key_file=path).secret
    assert first == second
    assert len(first) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"COOKIE_SAMESITE": "sideways"}, "COOKIE_SAMESITE"),
        ({"COOKIE_SAMESITE": "none", "COOKIE_SECURE_DEFAULT": "false"}, "COOKIE_SAMESITE=none"),
        ({"JOURNAL_PUBLIC_URL": "not a url"}, "JOURNAL_PUBLIC_URL"),
        ({"JOURNAL_ENV": "production"}, "JOURNAL_SECRET_KEY"),
        ({"JOURNAL_ENV": "production", "JOURNAL_SECRET_KEY": "changeme"}, "JOURNAL_SECRET_KEY"),
        ({"JOURNAL_DATABASE_URL": "mysql://x"}, "JOURNAL_DATABASE_URL"),
        ({"JOURNAL_ACCESS_TTL_SECONDS": "abc"}, "JOURNAL_ACCESS_TTL_SECONDS"),
    ],
)
def test_bad_values_are_rejected_with_the_variable_named(
    env: dict[str, str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ValidationError) as info:
        Settings(_env_file=None)  # type: ignore[call-arg]
    assert message in describe_error(info.value)


def test_samesite_none_forces_secure_and_production_defaults_secure() -> None:
    assert Settings(cookie_samesite="none").cookie_secure is True
    prod = Settings(env="production", secret_key="s" * 40)
    assert prod.cookie_secure is True
    assert "http://localhost:5173" not in prod.allowed_origins
    https = Settings(public_url="https://journal.example.com")
    assert https.cookie_secure is True
    assert https.allowed_origins >= {"https://journal.example.com"}


def test_make_run_public_url_keeps_127_0_0_1_allowed_and_turns_passkeys_on() -> None:
    local = Settings(_env_file=None, public_url="http://localhost:8000")  # type: ignore[call-arg]
    assert {"http://localhost:8000", "http://127.0.0.1:8000"} <= local.allowed_origins
    assert local.webauthn_rp_id == "localhost"
    # Exactly the allowed origins on the RP ID's host: 127.0.0.1 cannot use passkeys.
    assert local.webauthn_origins == ("http://localhost:5173", "http://localhost:8000")
    ip = Settings(_env_file=None)  # type: ignore[call-arg]
    assert "http://localhost:8000" in ip.allowed_origins
    assert ip.webauthn_rp_id is None
    assert ip.webauthn_origins == ()
    v6 = Settings(_env_file=None, public_url="http://[::1]:8000")  # type: ignore[call-arg]
    assert v6.webauthn_rp_id is None


def test_production_allows_only_the_public_origin_for_passkeys() -> None:
    prod = Settings(  # type: ignore[call-arg]
        _env_file=None,
        env="production",
        secret_key="s" * 40,
        public_url="https://journal.example.com",
    )
    assert prod.webauthn_rp_id == "journal.example.com"
    assert prod.webauthn_origins == ("https://journal.example.com",)
    local_prod = Settings(  # type: ignore[call-arg]
        _env_file=None, env="production", secret_key="s" * 40, public_url="http://localhost:8000"
    )
    assert "http://127.0.0.1:8000" not in local_prod.allowed_origins


def test_server_refuses_to_start_with_one_clear_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JOURNAL_", "COOKIE_"))}
    env["COOKIE_SAMESITE"] = "sideways"
    result = subprocess.run(
        [sys.executable, "-c", "from apps.api.app.main import app"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("journal: invalid configuration: COOKIE_SAMESITE")
    assert "Traceback" not in result.stderr
