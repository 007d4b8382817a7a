"""The ``journal`` command: user administration and migrations."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session, sessionmaker

from apps.api.app import (
    migrate,
    models_registry,  # noqa: F401 - every table, for deletion
)
from apps.api.app.auth import account as auth_account
from apps.api.app.auth import mfa as auth_mfa
from apps.api.app.auth import service as auth_service
from apps.api.app.config import load_settings, require_secret
from apps.api.app.db.engine import make_engine
from apps.api.app.db.session import make_sessionmaker
from apps.api.app.devices import service as devices_service
from apps.api.app.errors import AppError
from apps.api.app.metrics import prepare_multiprocess_dir
from apps.api.app.worker_metrics import UNSHARED_LIMITS

app = typer.Typer(help="Journal administration.", no_args_is_help=True, add_completion=False)
users_app = typer.Typer(help="Create users and set passwords.", no_args_is_help=True)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(db_app, name="db")
sessions_app = typer.Typer(help="List, revoke and prune sign-in sessions.", no_args_is_help=True)
app.add_typer(sessions_app, name="sessions")

PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input.")
]


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


def _sessionmaker() -> sessionmaker[Session]:
    settings = load_settings()
    engine = make_engine(settings)
    if settings.auto_migrate:
        try:
            migrate.upgrade(engine)
        except migrate.SchemaNewerThanCode as exc:
            raise _fail(str(exc)) from None
    return make_sessionmaker(engine)


@users_app.command("create")
def create_user(
    email: str,
    password_stdin: PasswordStdin = False,
    admin: Annotated[bool, typer.Option("--admin", help="Make the user an administrator.")] = False,
    name: Annotated[str, typer.Option("--name", help="Display name.")] = "",
) -> None:
    """Create a user (verified: an administrator vouches for the address)."""
    password = _read_password(password_stdin)
    with _sessionmaker()() as db:
        try:
            user = auth_service.create_user(
                db, email, password, display_name=name, is_admin=admin, verified=True
            )
        except AppError as exc:
            raise _fail(exc.detail) from None
    typer.echo(f"created {'admin' if admin else 'user'} {user.email}")


@users_app.command("set-password")
def set_password(email: str, password_stdin: PasswordStdin = False) -> None:
    """Set a user's password."""
    password = _read_password(password_stdin)
    with _sessionmaker()() as db:
        user = auth_service.get_user_by_email(db, email)
        if user is None:
            raise _fail(f"no user with email {email.strip().lower()}")
        try:
            auth_service.set_password(db, user, password)
        except AppError as exc:
            raise _fail(exc.detail) from None
    typer.echo(f"password updated for {user.email}")


@users_app.command("delete")
def delete_user(
    email: str,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a user and everything they wrote (entries, sessions, tokens)."""
    with _sessionmaker()() as db:
        user = auth_service.get_user_by_email(db, email)
        if user is None:
            raise _fail(f"no user with email {email.strip().lower()}")
        if not yes:
            typer.confirm(
                f"Delete {user.email} and all their entries? This cannot be undone", abort=True
            )
        auth_account.delete_user(db, user)
    typer.echo(f"deleted {user.email} and their data")


@users_app.command("reset-mfa")
def reset_mfa(email: str) -> None:
    """Turn a user's two-step verification off (lost phone and recovery codes): TOTP and
    recovery codes deleted, every session signed out, the user told by mail."""
    settings = load_settings()
    with _sessionmaker()() as db:
        user = auth_service.get_user_by_email(db, email)
        if user is None:
            raise _fail(f"no user with email {email.strip().lower()}")
        was_on, revoked = auth_mfa.reset_mfa(db, settings, user)
    state = "turned off" if was_on else "was not on; recovery codes cleared"
    typer.echo(f"two-step verification {state} for {user.email}; {revoked} sessions revoked")


@sessions_app.command("list")
def sessions_list(email: str) -> None:
    """List a user's live sessions (signed-in devices)."""
    with _sessionmaker()() as db:
        user = auth_service.get_user_by_email(db, email)
        if user is None:
            raise _fail(f"no user with email {email.strip().lower()}")
        rows = devices_service.list_devices(db, user.id, None)
    if not rows:
        typer.echo(f"{user.email} has no live sessions")
    for row in rows:
        typer.echo(
            f"{row.id}  {row.device:<28}  {row.ip or '-':<15}  "
            f"created {row.created_at:%Y-%m-%d %H:%M}  "
            f"last active {row.last_used_at:%Y-%m-%d %H:%M}"
        )


@sessions_app.command("revoke")
def sessions_revoke(session_id: str) -> None:
    """Sign one session out, at once."""
    try:
        ident = uuid.UUID(session_id)
    except ValueError:
        raise _fail(f"{session_id!r} is not a session id") from None
    with _sessionmaker()() as db:
        if not devices_service.admin_sign_out(db, ident):
            raise _fail(f"no live session {ident}")
    typer.echo(f"revoked session {ident}")


@sessions_app.command("prune")
def sessions_prune() -> None:
    """Delete sessions and mailed tokens that ended over a week ago, and accounts never
    verified whose links have expired."""
    with _sessionmaker()() as db:
        sessions, tokens, accounts = auth_service.prune(db)
    typer.echo(
        f"pruned {sessions} sessions and {tokens} tokens, {accounts} never-verified accounts"
    )


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations up to REVISION (default: head)."""
    engine = make_engine(load_settings())
    try:
        migrate.upgrade(engine, revision)
    except migrate.SchemaNewerThanCode as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"database at {', '.join(sorted(migrate.current_heads(engine))) or 'base'}")


# Request heads are a few KiB (cookies, a bearer token); 32 KiB matches nginx's default
# (4 x 8k large_client_header_buffers). Per worker: at most LIMIT_CONCURRENCY such buffers,
# i.e. 32 MiB. uvicorn counts connections *and* tasks against the limit and answers a bare
# 503 past it: 256 was reached by 200 keep-alive clients in `make soak`.
MAX_HEADER_BYTES = 32 * 1024
LIMIT_CONCURRENCY = 1024


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    metrics_dir: Annotated[
        Path, typer.Option(help="Per-run directory for multi-process metrics (emptied at start).")
    ] = Path("./var/prometheus"),
    max_header_bytes: Annotated[
        int, typer.Option(min=4096, help="Largest request head (request line + headers).")
    ] = MAX_HEADER_BYTES,
    limit_concurrency: Annotated[
        int, typer.Option(min=1, help="Connections per worker before answering 503.")
    ] = LIMIT_CONCURRENCY,
) -> None:
    """Run the API (and built web app) with uvicorn; several workers share one /metrics."""
    import uvicorn

    settings = load_settings()
    if workers > 1 and not settings.redis_url:
        raise _fail(UNSHARED_LIMITS.format(workers=workers))
    # The development key file is made here, once, before any worker could race to it.
    require_secret(settings)
    # Once, before the workers start (they would otherwise all wait on the lock). A build
    # older than the database's schema stops here, with one line.
    try:
        if settings.auto_migrate:
            migrate.upgrade(make_engine(settings))
        else:
            migrate.refuse_newer_schema(make_engine(settings))
    except migrate.SchemaNewerThanCode as exc:
        raise _fail(str(exc)) from None
    if workers > 1:
        # Set before any worker imports prometheus_client: it picks its mode at import.
        prepare_multiprocess_dir(metrics_dir.resolve())
    uvicorn.run(
        "apps.api.app.main:app",
        host=host,
        port=port,
        workers=workers,
        server_header=False,
        proxy_headers=False,
        # h11 refuses a request head larger than this (httptools has no such limit), and the
        # concurrency cap bounds how many such buffers a worker holds at once.
        http="h11",
        h11_max_incomplete_event_size=max_header_bytes,
        limit_concurrency=limit_concurrency,
        # A worker that takes longer than uvicorn's default 5 s to import on a busy or slow
        # host would be killed and restarted in a loop; give start-up room.
        timeout_worker_healthcheck=60,
    )


def main() -> None:
    app()


if __name__ == "__main__":
    main()
