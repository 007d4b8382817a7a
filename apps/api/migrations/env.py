"""Alembic environment: the URL comes from Journal's settings (or the caller's connection)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from apps.api.app import models_registry  # noqa: F401  (imports every model)
from apps.api.app.db.base import Base
from apps.api.app.entries.search import SEARCH_OBJECTS

config = context.config
target_metadata = Base.metadata


def _include(obj: object, name: str | None, type_: str, *_: object) -> bool:
    # Search structures belong to migration 0004 only (see entries/search.py).
    return not (name and (name in SEARCH_OBJECTS or name.startswith("entries_fts")))


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=_include,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from apps.api.app.config import load_settings
    from apps.api.app.db.engine import make_engine

    engine = make_engine(load_settings())
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported; run against a database.")
run_migrations_online()
