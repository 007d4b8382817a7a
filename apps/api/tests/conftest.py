"""Test fixtures: a real database (SQLite file, or PostgreSQL when JOURNAL_TEST_PG is set),
migrated once per run, emptied between tests; apps built with ``create_app(settings)``."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import uuid
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from apps.api.app import migrate, models_registry  # noqa: F401
from apps.api.app.auth import service as auth_service
from apps.api.app.config import Settings
from apps.api.app.db.base import Base
from apps.api.app.db.engine import make_engine
from apps.api.app.db.session import make_sessionmaker
from apps.api.tests.mailsink import MailSink

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

TEST_SECRET = "test-secret-" + "x" * 40
PASSWORD = "correct horse battery staple"


def _create_pg_database(server_url: str) -> tuple[str, Callable[[], None]]:
    """Create a throwaway database on the server; fail loudly if it is unreachable."""
    name = f"journal_test_{os.getpid()}_{secrets.token_hex(4)}"
    admin_url = make_url(server_url).set(drivername="postgresql+psycopg")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # pragma: no cover - environment problem
        pytest.exit(f"PostgreSQL at {server_url} is unreachable: {exc}", returncode=3)
    url = admin_url.set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = os.environ.get("JOURNAL_TEST_PG")
    if server:
        url, drop = _create_pg_database(server)
        yield url
        drop()
    else:
        path = tmp_path_factory.mktemp("db") / "journal.db"
        yield f"sqlite:///{path}"


@pytest.fixture(scope="session")
def migrated_engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(Settings(database_url=database_url, secret_key=TEST_SECRET))
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def _clean_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "migrated_engine" not in request.fixturenames:
        return
    engine: Engine = request.getfixturevalue("migrated_engine")
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def settings_factory(
    database_url: str, migrated_engine: Engine, tmp_path: Path
) -> Callable[..., Settings]:
    def build(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "database_url": database_url,
            "secret_key": TEST_SECRET,
            "auto_migrate": False,
            "web_dist": tmp_path / "no-web",
            # JOURNAL_TEST_METRICS=off re-runs a suite with the exporter disabled, to show
            # that no auth behaviour depends on it.
            "metrics_enabled": os.environ.get("JOURNAL_TEST_METRICS", "on") != "off",
            **overrides,
        }
        return Settings(**values)

    return build


@pytest.fixture
def settings(settings_factory: Callable[..., Settings]) -> Settings:
    return settings_factory()


@pytest.fixture
def client_factory(
    settings_factory: Callable[..., Settings],
) -> Iterator[Callable[..., TestClient]]:
    from apps.api.app.main import create_app

    clients: list[TestClient] = []

    def build(*, peer: str = "testclient", **overrides: Any) -> TestClient:
        """An app with these settings; ``peer`` is the client address the app sees."""
        client = TestClient(
            create_app(settings_factory(**overrides)),
            base_url="http://testserver",
            client=(peer, 50000),
        )
        client.__enter__()
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(client_factory: Callable[..., TestClient]) -> TestClient:
    return client_factory()


@pytest.fixture
def db(settings: Settings, migrated_engine: Engine) -> Iterator[Any]:
    with make_sessionmaker(migrated_engine)() as session:
        yield session


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    def build(email: str | None = None, password: str = PASSWORD, **kwargs: Any) -> Any:
        email = email or f"user-{uuid.uuid4().hex[:8]}@example.com"
        kwargs.setdefault("verified", True)
        return auth_service.create_user(db, email, password, **kwargs)

    return build


@pytest.fixture
def mail_sink() -> Iterator[MailSink]:
    sink = MailSink().start()
    yield sink
    sink.stop()


REPO = Path(__file__).resolve().parents[3]


def run_journal(
    args: list[str],
    database_url: str | None = None,
    stdin: str = "",
    *,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the `journal` CLI in a subprocess against this database, as an operator would
    (the caller's environment without JOURNAL_ settings, or ``env`` as given)."""
    if env is None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("JOURNAL_")}
    if database_url is not None:
        env = env | {"JOURNAL_DATABASE_URL": database_url}
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


def post_login(
    client: TestClient, email: str, password: str = PASSWORD, *, expect: int | None = None
) -> Any:
    """The one way tests sign in: POST /api/auth/login (asserting ``expect`` if given)."""
    response = client.post("/api/auth/login", json={"email": email, "password": password})
    if expect is not None:
        assert response.status_code == expect, response.text
    return response


def put_cookie(client: TestClient, name: str, value: str, path: str = "/") -> None:
    """Replace a cookie in the client's jar, as a browser holds one per name: adding a second
    one (another domain) would send both, which the API refuses (cookie tossing)."""
    domains = {c.domain for c in client.cookies.jar if c.name == name} or {"testserver.local"}
    client.cookies.delete(name)
    for domain in domains:  # where the server set it, so its next Set-Cookie replaces ours
        client.cookies.set(name, value, domain=domain, path=path)


def login(client: TestClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    """Sign in and return the headers an authenticated call needs (bearer, CSRF if any)."""
    response = post_login(client, email, password, expect=200)
    headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
    # Cookie mode: echo the signed CSRF cookie, as the web client does on unsafe verbs.
    csrf = response.cookies.get("csrftoken")
    if csrf:
        headers["X-CSRF-Token"] = csrf
    return headers


@pytest.fixture
def auth_headers(client: TestClient, make_user: Callable[..., Any]) -> dict[str, str]:
    user = make_user()
    return login(client, user.email)
