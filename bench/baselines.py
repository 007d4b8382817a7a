"""The baselines Journal is measured against, each served by uvicorn like Journal itself.

- ``raw_app``: a bare ASGI callable sending the exact bytes Journal answered for
  ``GET /api/entries?limit=20`` (BENCH_PAYLOAD, a file): the server's limit.
- ``typed_app``: FastAPI with the same page returned through Journal's own pydantic
  response model (``EntryPage``), so validation and serialisation are paid, no auth, no DB:
  the framework's ceiling.
- ``rotate_app``: ``POST /rotate`` doing the refresh rotation's reads and writes as one bare
  SQLAlchemy transaction (session + user row read, compare-and-set update of ``rid``,
  commit) behind a plain FastAPI route (BENCH_DATABASE_URL).
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from fastapi import Body, FastAPI, HTTPException
from sqlalchemy import Engine, create_engine, event, text


@cache
def _payload() -> bytes:
    with open(os.environ["BENCH_PAYLOAD"], "rb") as f:
        return f.read()


async def raw_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    body = _payload()
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _typed() -> FastAPI:
    from apps.api.app.entries.schemas import EntryPage

    app = FastAPI()
    page: Any = None

    @app.get("/api/entries", response_model=EntryPage)
    async def entries() -> Any:
        nonlocal page
        if page is None:
            page = json.loads(_payload())
        return page

    return app


def _rotate() -> FastAPI:
    app = FastAPI()
    engine: Engine | None = None

    def get_engine() -> Engine:
        nonlocal engine
        if engine is None:
            url = os.environ["BENCH_DATABASE_URL"]
            if url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
                engine = create_engine(url, pool_size=10, max_overflow=20)
            else:
                engine = create_engine(url, connect_args={"check_same_thread": False}, pool_size=20)

                @event.listens_for(engine, "connect")
                def _pragmas(dbapi_connection: Any, _record: Any) -> None:
                    cursor = dbapi_connection.cursor()
                    cursor.execute("PRAGMA journal_mode=WAL")
                    cursor.execute("PRAGMA synchronous=NORMAL")
                    cursor.execute("PRAGMA busy_timeout=5000")
                    cursor.close()

        return engine

    @app.post("/rotate")
    def rotate(refresh_token: str = Body(embed=True)) -> dict[str, str]:
        session_id, _, rid = refresh_token.partition(".")
        now = datetime.now(UTC)
        with get_engine().begin() as conn:
            row = conn.execute(
                text(
                    "SELECT s.rid, s.revoked_at, s.expires_at, s.created_at, u.is_active "
                    "FROM user_sessions s JOIN users u ON u.id = s.user_id WHERE s.id = :id"
                ),
                {"id": session_id},
            ).first()
            if row is None or row.rid != rid:
                raise HTTPException(401)
            next_rid = secrets.token_urlsafe(24)
            updated = conn.execute(
                text(
                    "UPDATE user_sessions SET rid = :next, previous_rid = :rid, rotated_at = :now,"
                    " last_used_at = :now, expires_at = :exp WHERE id = :id AND rid = :rid"
                ),
                {
                    "next": next_rid,
                    "rid": rid,
                    "now": now,
                    "exp": now + timedelta(days=30),
                    "id": session_id,
                },
            )
            if updated.rowcount != 1:
                raise HTTPException(401)
        return {"refresh_token": f"{session_id}.{next_rid}"}

    return app


typed_app = _typed()
rotate_app = _rotate()
