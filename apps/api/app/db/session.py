"""The write path: one ORM ``Session`` per request (``DbSession``); a use case commits once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from apps.api.app.config import Settings

SETTINGS_INFO_KEY = "settings"


def make_sessionmaker(engine: Engine, settings: Settings | None = None) -> sessionmaker[Session]:
    """``settings``, when given, rides along in each session's ``info``: helpers whose
    signature takes only the session (e.g. ``auth.stepup.check_step_up``) read the keys
    they derive from the secret key there (see ``session_settings``)."""
    info = {SETTINGS_INFO_KEY: settings} if settings is not None else {}
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False, info=info)


def session_settings(db: Session) -> Settings:
    settings = db.info.get(SETTINGS_INFO_KEY)
    if not isinstance(settings, Settings):
        raise RuntimeError("this Session was not made by make_sessionmaker(engine, settings)")
    return settings


async def get_db(request: Request) -> AsyncIterator[Session]:
    """A Session per request. Async on purpose: creating it does no I/O (the connection is
    taken on first use, inside the sync endpoint's thread), so no thread hop is spent here;
    closing it only hands the connection back to the pool."""
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    with factory() as session:
        yield session


DbSession = Annotated[Session, Depends(get_db)]
