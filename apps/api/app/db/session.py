"""The write path: one ORM ``Session`` per request (``DbSession``); a use case commits once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


async def get_db(request: Request) -> AsyncIterator[Session]:
    """A Session per request. Async on purpose: creating it does no I/O (the connection is
    taken on first use, inside the sync endpoint's thread), so no thread hop is spent here;
    closing it only hands the connection back to the pool."""
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    with factory() as session:
        yield session


DbSession = Annotated[Session, Depends(get_db)]
