"""The read path: ``Reader`` runs Core statements without a thread hop (see its docstring)."""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import anyio
from fastapi import Depends, Request
from sqlalchemy import Connection, Engine, Executable
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from apps.api.app.config import Settings
from apps.api.app.db.engine import CONNECT_TIMEOUT_SECONDS, POOL_TIMEOUT_SECONDS

_T = TypeVar("_T")


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
                hide_parameters=True,
                pool_timeout=POOL_TIMEOUT_SECONDS,
                connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS},
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
