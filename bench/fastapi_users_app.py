"""A reference app built the way the fastapi-users documentation shows: JWT bearer
authentication, users and entries in SQLite through async SQLAlchemy (aiosqlite), and a
page of 20 of the user's 1,000 entries. It runs in its own throwaway virtualenv under
var/bench/ (fastapi-users is not a dependency of Journal), so it imports nothing from it.

    BENCH_FU_DB=/path/to.db python bench/fastapi_users_app.py seed   # creates the data
    BENCH_FU_DB=/path/to.db uvicorn bench.fastapi_users_app:app        # serves it
"""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import AsyncGenerator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import Depends, FastAPI, Query
from fastapi_users import BaseUserManager, FastAPIUsers, UUIDIDMixin
from fastapi_users.authentication import AuthenticationBackend, BearerTransport, JWTStrategy
from fastapi_users.db import SQLAlchemyBaseUserTableUUID, SQLAlchemyUserDatabase
from fastapi_users.password import PasswordHelper
from pydantic import BaseModel
from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text, Uuid, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SECRET = "benchmark-secret-key-0123456789abcdef"
EMAIL = "bench@example.com"
PASSWORD = "benchmark passphrase 42"


class Base(DeclarativeBase):
    pass


class User(SQLAlchemyBaseUserTableUUID, Base):
    pass


class Entry(Base):
    __tablename__ = "entries"
    __table_args__ = (Index("ix_entries_user_order", "user_id", "entry_date", "created_at", "id"),)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("user.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    mood: Mapped[int | None] = mapped_column(Integer, nullable=True)
    entry_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EntryRead(BaseModel):
    model_config = {"from_attributes": True}
    id: uuid.UUID
    title: str
    body: str
    tags: list[str]
    mood: int | None
    entry_date: date
    created_at: datetime
    updated_at: datetime


class EntryPage(BaseModel):
    items: list[EntryRead]
    next_cursor: str | None


engine = create_async_engine(f"sqlite+aiosqlite:///{os.environ.get('BENCH_FU_DB', 'fu.db')}")
session_maker = async_sessionmaker(engine, expire_on_commit=False)


async def get_async_session() -> AsyncGenerator[AsyncSession, None]:
    async with session_maker() as session:
        yield session


async def get_user_db(
    session: AsyncSession = Depends(get_async_session),
) -> AsyncGenerator[SQLAlchemyUserDatabase[User, uuid.UUID], None]:
    yield SQLAlchemyUserDatabase(session, User)


class UserManager(UUIDIDMixin, BaseUserManager[User, uuid.UUID]):
    reset_password_token_secret = SECRET
    verification_token_secret = SECRET


async def get_user_manager(
    user_db: SQLAlchemyUserDatabase[User, uuid.UUID] = Depends(get_user_db),
) -> AsyncGenerator[UserManager, None]:
    yield UserManager(user_db)


def get_jwt_strategy() -> JWTStrategy[User, uuid.UUID]:
    return JWTStrategy(secret=SECRET, lifetime_seconds=3600)


auth_backend = AuthenticationBackend(
    name="jwt", transport=BearerTransport(tokenUrl="auth/jwt/login"), get_strategy=get_jwt_strategy
)
fastapi_users = FastAPIUsers[User, uuid.UUID](get_user_manager, [auth_backend])
current_active_user = fastapi_users.current_user(active=True)

app = FastAPI()
app.include_router(fastapi_users.get_auth_router(auth_backend), prefix="/auth/jwt")


@app.get("/api/entries", response_model=EntryPage)
async def entries(
    limit: int = Query(20, ge=1, le=100),
    user: User = Depends(current_active_user),
    session: AsyncSession = Depends(get_async_session),
) -> Any:
    rows = await session.scalars(
        select(Entry)
        .where(Entry.user_id == user.id)
        .order_by(Entry.entry_date.desc(), Entry.created_at.desc(), Entry.id.desc())
        .limit(limit)
    )
    return {"items": list(rows), "next_cursor": None}


async def seed() -> None:
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    async with session_maker() as session:
        user = User(
            email=EMAIL,
            hashed_password=PasswordHelper().hash(PASSWORD),
            is_active=True,
            is_verified=True,
        )
        session.add(user)
        await session.flush()
        now = datetime(2026, 11, 25, 12, tzinfo=UTC)
        for i in range(1000):
            session.add(
                Entry(
                    user_id=user.id,
                    title=f"Day {i}",
                    body="Some words about the day. " * 8,
                    tags=["bench", f"t{i % 3}"],
                    mood=1 + i % 5,
                    entry_date=date(2026, 11, 25) - timedelta(days=i // 3),
                    created_at=now - timedelta(minutes=i),
                    updated_at=now - timedelta(minutes=i),
                )
            )
        await session.commit()
    await engine.dispose()


if __name__ == "__main__" and sys.argv[1:] == ["seed"]:
    asyncio.run(seed())
