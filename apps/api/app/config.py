"""Settings: every environment variable the API reads, validated in one place.

Nothing else in the code base reads ``os.environ``. Tests build apps with other
settings through ``create_app(Settings(...))`` instead of patching globals.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import tempfile
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Secrets that are obviously placeholders; production refuses them.
_WEAK_SECRETS = {"changeme", "change-me", "changethis", "secret", "dev", "development", "test"}
_MIN_SECRET_LENGTH = 32
_DEV_ORIGINS = ("http://localhost:5173", "http://127.0.0.1:5173")


class Environment(StrEnum):
    development = "development"
    production = "production"


def _env(name: str) -> AliasChoices:
    """Accept the documented name; pydantic-settings matches it case-insensitively."""
    return AliasChoices(name)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


_LOOPBACK_NAMES = {"localhost": "127.0.0.1", "127.0.0.1": "localhost"}


def _loopback_twin(url: str) -> str | None:
    """http://localhost:8000 for http://127.0.0.1:8000 and back: in development both
    spellings reach the same server (make run links the first, for passkeys), so both are
    allowed origins."""
    parts = urlsplit(url)
    twin = _LOOPBACK_NAMES.get(parts.hostname or "")
    if twin is None:
        return None
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{twin}{port}"


# The settings that are rate limits ("10/15 minutes"), validated alike.
RATE_SETTINGS = (
    "rate_login_account_ip",
    "rate_login_ip",
    "rate_login_account",
    "rate_mail_per_address",
    "rate_mail_address_ceiling",
    "rate_mail_ip",
    "rate_mail_global",
    "rate_register_ip",
    "rate_register_global",
    "rate_passkey_options_ip",
)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    env: Environment = Field(Environment.development, validation_alias=_env("JOURNAL_ENV"))
    database_url: str = Field(
        "sqlite:///./var/journal.db", validation_alias=_env("JOURNAL_DATABASE_URL")
    )
    secret_key: SecretStr | None = Field(None, validation_alias=_env("JOURNAL_SECRET_KEY"))
    secret_key_file: Path = Field(
        Path("./var/secret_key"), validation_alias=_env("JOURNAL_SECRET_KEY_FILE")
    )
    public_url: str = Field("http://127.0.0.1:8000", validation_alias=_env("JOURNAL_PUBLIC_URL"))

    user_mgmt_enabled: bool = Field(True, validation_alias=_env("JOURNAL_USER_MGMT_ENABLED"))
    auth_cookie_refresh: bool = Field(True, validation_alias=_env("JOURNAL_AUTH_COOKIE_REFRESH"))
    require_email_verification: bool = Field(
        True, validation_alias=_env("JOURNAL_REQUIRE_EMAIL_VERIFICATION")
    )

    cookie_samesite: Literal["lax", "strict", "none"] = Field(
        "lax", validation_alias=_env("COOKIE_SAMESITE")
    )
    cookie_secure_default: bool | None = Field(None, validation_alias=_env("COOKIE_SECURE_DEFAULT"))

    smtp_host: str | None = Field(None, validation_alias=_env("JOURNAL_SMTP_HOST"))
    smtp_port: int = Field(587, ge=1, le=65535, validation_alias=_env("JOURNAL_SMTP_PORT"))
    smtp_user: str | None = Field(None, validation_alias=_env("JOURNAL_SMTP_USER"))
    smtp_password: SecretStr | None = Field(None, validation_alias=_env("JOURNAL_SMTP_PASSWORD"))
    smtp_starttls: bool = Field(False, validation_alias=_env("JOURNAL_SMTP_STARTTLS"))
    mail_from: str = Field(
        "Journal <no-reply@localhost>", validation_alias=_env("JOURNAL_MAIL_FROM")
    )

    metrics_enabled: bool = Field(True, validation_alias=_env("JOURNAL_METRICS_ENABLED"))
    metrics_token: SecretStr | None = Field(None, validation_alias=_env("JOURNAL_METRICS_TOKEN"))

    prometheus_multiproc_dir: Path | None = Field(
        None, validation_alias=_env("PROMETHEUS_MULTIPROC_DIR")
    )
    allowed_origins_raw: Annotated[list[str] | None, NoDecode] = Field(
        None, validation_alias=_env("JOURNAL_ALLOWED_ORIGINS")
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias=_env("JOURNAL_TRUSTED_PROXIES")
    )
    redis_url: str | None = Field(None, validation_alias=_env("JOURNAL_REDIS_URL"))
    rate_limit_prefix: str = Field("journal", validation_alias=_env("JOURNAL_RATE_LIMIT_PREFIX"))
    rate_login_account_ip: str = Field(
        "10/15 minutes", validation_alias=_env("JOURNAL_RATE_LOGIN_ACCOUNT_IP")
    )
    rate_login_ip: str = Field("100/hour", validation_alias=_env("JOURNAL_RATE_LOGIN_IP"))
    rate_login_account: str = Field("100/hour", validation_alias=_env("JOURNAL_RATE_LOGIN_ACCOUNT"))
    rate_mail_per_address: str = Field(
        "5/hour", validation_alias=_env("JOURNAL_RATE_MAIL_PER_ADDRESS")
    )
    rate_mail_address_ceiling: str = Field(
        "20/hour", validation_alias=_env("JOURNAL_RATE_MAIL_ADDRESS_CEILING")
    )
    rate_mail_ip: str = Field("30/hour", validation_alias=_env("JOURNAL_RATE_MAIL_IP"))
    rate_mail_global: str = Field("1000/hour", validation_alias=_env("JOURNAL_RATE_MAIL_GLOBAL"))
    rate_register_ip: str = Field("10/hour", validation_alias=_env("JOURNAL_RATE_REGISTER_IP"))
    rate_register_global: str = Field(
        "200/hour", validation_alias=_env("JOURNAL_RATE_REGISTER_GLOBAL")
    )
    rate_passkey_options_ip: str = Field(
        "60/minute", validation_alias=_env("JOURNAL_RATE_PASSKEY_OPTIONS_IP")
    )
    auto_migrate: bool = Field(True, validation_alias=_env("JOURNAL_AUTO_MIGRATE"))

    access_ttl_seconds: int = Field(
        900, ge=30, le=86_400, validation_alias=_env("JOURNAL_ACCESS_TTL_SECONDS")
    )
    refresh_ttl_seconds: int = Field(
        2_592_000, ge=300, le=7_776_000, validation_alias=_env("JOURNAL_REFRESH_TTL_SECONDS")
    )
    max_body_bytes: int = Field(1_048_576, ge=1024, validation_alias=_env("JOURNAL_MAX_BODY_BYTES"))
    max_import_bytes: int = Field(
        25 * 1_048_576, ge=1024, validation_alias=_env("JOURNAL_MAX_IMPORT_BYTES")
    )
    web_dist: Path = Field(Path("./apps/web/dist"), validation_alias=_env("JOURNAL_WEB_DIST"))

    # ---- validation ---------------------------------------------------------

    @field_validator("allowed_origins_raw", "trusted_proxies", mode="before")
    @classmethod
    def _split_csv(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator(*RATE_SETTINGS)
    @classmethod
    def _check_rate(cls, value: str) -> str:
        from limits import parse

        try:
            parse(value)
        except ValueError:
            raise ValueError("must look like '10/15 minutes' or '100/hour'") from None
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _check_proxies(cls, value: list[str]) -> list[str]:
        for item in value:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"{item!r} is not an IP address or network") from None
        return value

    @field_validator("redis_url")
    @classmethod
    def _check_redis_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @field_validator("cookie_samesite", mode="before")
    @classmethod
    def _lower_samesite(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("public_url")
    @classmethod
    def _check_public_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError("must be an absolute http(s) URL such as https://journal.example.com")
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        if value.startswith("postgres://"):
            value = "postgresql://" + value.removeprefix("postgres://")
        scheme = value.split("://", 1)[0]
        if scheme not in {"sqlite", "postgresql", "postgresql+psycopg"}:
            raise ValueError("must start with sqlite:/// or postgresql://")
        return value

    @model_validator(mode="after")
    def _check_combinations(self) -> Settings:
        if self.cookie_samesite == "none" and self.cookie_secure_default is False:
            raise ValueError(
                "COOKIE_SAMESITE=none requires Secure cookies; unset COOKIE_SECURE_DEFAULT "
                "or set it to true"
            )
        if self.env is Environment.production:
            key = self.secret_key.get_secret_value() if self.secret_key else ""
            if len(key) < _MIN_SECRET_LENGTH or key.lower() in _WEAK_SECRETS:
                raise ValueError(
                    "JOURNAL_SECRET_KEY must be set to at least 32 random characters in production"
                )
        elif self.secret_key is not None and len(self.secret) < _MIN_SECRET_LENGTH:
            raise ValueError(
                "JOURNAL_SECRET_KEY must be at least 32 characters (or leave it unset: "
                "a key is then generated into JOURNAL_SECRET_KEY_FILE)"
            )
        return self

    # ---- derived values (computed once) -------------------------------------

    @property
    def is_production(self) -> bool:
        return self.env is Environment.production

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @cached_property
    def cookie_secure(self) -> bool:
        if self.cookie_samesite == "none":
            return True
        if self.cookie_secure_default is not None:
            return self.cookie_secure_default
        return self.is_production or self.public_url.startswith("https://")

    @cached_property
    def allowed_origins(self) -> frozenset[str]:
        if self.allowed_origins_raw is not None:
            return frozenset(o.rstrip("/") for o in self.allowed_origins_raw)
        origins = {origin_of(self.public_url)}
        if not self.is_production:
            origins.update(_DEV_ORIGINS)
            twin = _loopback_twin(self.public_url)
            if twin:
                origins.add(twin)
        return frozenset(origins)

    @cached_property
    def webauthn_rp_id(self) -> str | None:
        """The passkeys' relying party id: the public URL's host, or None when that host is
        an IP address (browsers refuse an IP address as RP ID, so passkeys are off)."""
        host = urlsplit(self.public_url).hostname or ""
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return host or None
        return None

    @cached_property
    def webauthn_origins(self) -> tuple[str, ...]:
        """The origins a passkey ceremony may come from: exactly the allowed origins whose host
        is the RP ID (the public URL's origin, and the dev server's on the same host). An
        allowed origin on another host (127.0.0.1 beside localhost) cannot use passkeys: the
        browser refuses an RP ID that is not its own host or a parent domain of it."""
        rp_id = self.webauthn_rp_id
        if rp_id is None:
            return ()
        return tuple(sorted(o for o in self.allowed_origins if urlsplit(o).hostname == rp_id))

    @cached_property
    def trusted_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return tuple(ipaddress.ip_network(p, strict=False) for p in self.trusted_proxies)

    def is_trusted_proxy(self, address: str) -> bool:
        if not self.trusted_networks:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted_networks)

    @cached_property
    def secret(self) -> bytes:
        """The signing key: from the environment, or generated once into a 0600 file in dev.

        Raises ``ValueError`` (one line) when the key file holds under 32 bytes."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        path = self.secret_key_file
        try:
            key = path.read_bytes().strip()
        except FileNotFoundError:
            key = _create_key_file(path)
        if len(key) < _MIN_SECRET_LENGTH:
            raise ValueError(
                f"JOURNAL_SECRET_KEY_FILE: {path} holds {len(key)} bytes, at least "
                f"{_MIN_SECRET_LENGTH} are needed (delete the file to have a new key generated)"
            )
        return key

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url.startswith("postgresql://"):
            return "postgresql+psycopg://" + self.database_url.removeprefix("postgresql://")
        return self.database_url


def _create_key_file(path: Path) -> bytes:
    """Write a new key into a private temporary file, then link it into place: the key file
    never exists empty or half-written (another worker may read it at any instant), and if
    another process got there first, link() fails and we use its key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48).encode()
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return path.read_bytes().strip()
    finally:
        os.unlink(temporary)
    return key


def load_settings() -> Settings:
    """Build settings from the environment, turning a validation error into one clear line."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        raise SystemExit(f"journal: invalid configuration: {describe_error(exc)}") from None


def require_secret(settings: Settings) -> None:
    """Read (in development: create) the signing key now, turning a bad one into one line."""
    try:
        _ = settings.secret
    except (OSError, ValueError) as exc:
        raise SystemExit(f"journal: invalid configuration: {exc}") from None


def describe_error(exc: Exception) -> str:
    from pydantic import ValidationError

    if not isinstance(exc, ValidationError):
        return str(exc)
    lines = []
    for err in exc.errors():
        field = err["loc"][0] if err["loc"] else None
        name = _ENV_NAMES.get(str(field), str(field)) if field is not None else "settings"
        message = str(err["msg"]).removeprefix("Value error, ")
        lines.append(f"{name}: {message}" if field is not None else message)
    return "; ".join(lines)


_ENV_NAMES: dict[str, str] = {
    name: str(field.validation_alias.choices[0])
    for name, field in Settings.model_fields.items()
    if isinstance(field.validation_alias, AliasChoices)
}
