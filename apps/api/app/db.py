"""Engine, session factory and the ``SessionDep`` dependency."""

from __future__ import annotations

import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

import anyio
from fastapi import Depends, Request
from sqlalchemy import (
    Connection,
    DateTime,
    Engine,
    Executable,
    MetaData,
    create_engine,
    event,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from apps.api.app.config import Settings

_T = TypeVar("_T")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> uuid.UUID:
    return uuid.uuid4()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(settings: Settings) -> Engine:
    url = settings.sqlalchemy_url
    if settings.is_sqlite:
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:":
            from pathlib import Path

            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False}, pool_size=20)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


class Reader:
    """Runs read-only Core statements on the hot read paths without a thread hop.

    PostgreSQL: on the event loop through SQLAlchemy's asyncio engine (psycopg's native
    async driver), so the I/O never blocks. Its connections autocommit: a read is one round
    trip, with no BEGIN before it and no ROLLBACK when the connection goes back to the pool
    (each statement here is atomic on its own). SQLite: inline, since its reads are
    local-file lookups measured in tens of microseconds, less than the GIL hand-offs of a
    thread-pool hop (which cost milliseconds on a worker pinned to one core). Inline reads
    use one long-lived connection: a pool checkout and reset per read would cost more than
    the read itself. Each read ends its transaction at once, so it never holds a snapshot
    (WAL readers see every commit) or blocks a checkpoint.

    No pre-ping (one more round trip per read): a connection the server dropped (restart,
    idle timeout) shows up as an error on use, and since these statements are idempotent
    they are run once more on a fresh connection.
    """

    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.engine = engine
        self.async_engine: AsyncEngine | None = None
        if engine.dialect.name == "postgresql":
            self.async_engine = create_async_engine(
                settings.sqlalchemy_url,
                isolation_level="AUTOCOMMIT",
                pool_size=10,
                max_overflow=20,
            )
        self._inline: Connection | None = None
        # Uncontended in a server (one event loop); it matters where several loops share
        # an app, as test clients may.
        self._inline_lock = threading.Lock()

    def _read_inline(self, statement: Executable, params: dict[str, Any]) -> list[Any]:
        with self._inline_lock:
            if self._inline is None:
                self._inline = self.engine.connect()
            conn = self._inline
            try:
                return list(conn.execute(statement, params))
            except Exception:
                # A broken connection is replaced on the next read, not reused.
                self._inline = None
                conn.close()
                raise
            finally:
                if self._inline is conn:
                    conn.rollback()

    async def all(self, statement: Executable, params: dict[str, Any] | None = None) -> list[Any]:
        return await _once_more_if_dropped(lambda: self._read(statement, params or {}))

    async def first(self, statement: Executable, params: dict[str, Any] | None = None) -> Any:
        rows = await self.all(statement, params)
        return rows[0] if rows else None

    async def write(self, statement: Executable) -> None:
        """An occasional small, idempotent write on a read path (e.g. "last used" stamps)."""
        await _once_more_if_dropped(lambda: self._write(statement))

    async def _read(self, statement: Executable, params: dict[str, Any]) -> list[Any]:
        if self.async_engine is not None:
            async with self.async_engine.connect() as aconn:
                return list(await aconn.execute(statement, params))
        return self._read_inline(statement, params)

    async def _write(self, statement: Executable) -> None:
        if self.async_engine is not None:
            async with self.async_engine.connect() as aconn:
                await aconn.execute(statement)  # autocommits
            return

        def run() -> None:
            with self.engine.begin() as conn:
                conn.execute(statement)

        await anyio.to_thread.run_sync(run)

    async def dispose(self) -> None:
        with self._inline_lock:
            if self._inline is not None:
                self._inline.close()
                self._inline = None
        if self.async_engine is not None:
            await self.async_engine.dispose()


async def _once_more_if_dropped(run: Callable[[], Awaitable[_T]]) -> _T:
    """Run an idempotent statement; if its connection turned out dead, once more on a new one."""
    try:
        return await run()
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
    return await run()


async def get_reader(request: Request) -> Reader:
    # Async although it does no I/O: FastAPI runs a plain ``def`` dependency in the thread
    # pool, and a hop per request on the hot read path costs more than the query itself.
    reader: Reader = request.app.state.reader
    return reader


ReaderDep = Annotated[Reader, Depends(get_reader)]


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


async def get_db(request: Request) -> AsyncIterator[Session]:
    """A Session per request. Async on purpose: creating it does no I/O (the connection is
    taken on first use, inside the sync endpoint's thread), so no thread hop is spent here;
    closing it only hands the connection back to the pool."""
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    with factory() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_db)]
