"""Bulk seeding: users and entries written through SQLAlchemy Core in large batches, with the
full-text index built once at the end rather than row by row, and cached under var/bench/.

Text is made of made-up words drawn from a Zipf distribution (s = 1.1 over a 5,000-word
vocabulary), as in natural language: a few words are in most entries, most words in few.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import random
import shutil
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text

from bench.common import (
    EMAIL,
    PASSWORD,
    ROOT,
    VAR,
    journal_cli,
    log,
    pg_admin,
    pg_database_exists,
    pg_database_url,
    pg_server_url,
)

# Bump when the generated data changes: cached databases are keyed by it.
DATA_VERSION = 1
VOCABULARY = 5_000
ZIPF_S = 1.1
BODY_WORDS = 40
TITLE_WORDS = 4
BATCH = 5_000

_SYLLABLES = [
    c + v for c in "bcdfghjklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai", "ou", "ie")
]


def vocabulary() -> list[str]:
    """Deterministic made-up words, most frequent first (rank 1 = index 0)."""
    rng = random.Random(7)
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < VOCABULARY:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def _cumulative_weights() -> list[float]:
    return list(itertools.accumulate(1 / (rank**ZIPF_S) for rank in range(1, VOCABULARY + 1)))


def sa_url(database_url: str) -> str:
    """The URL SQLAlchemy needs: psycopg 3 for PostgreSQL, as the app uses."""
    if database_url.startswith("postgresql://"):
        return "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    return database_url


def user_email(index: int) -> str:
    return EMAIL if index == 0 else f"bench{index}@example.com"


def _migrate(database_url: str, tmp: Path) -> None:
    from bench.common import journal_env

    journal_cli(journal_env(database_url, tmp), "db", "upgrade")


def _rows(users: int, per_user: int, seed: int) -> Iterator[tuple[dict[str, Any], list[str]]]:
    from apps.api.app.db.base import new_id

    rng = random.Random(seed)
    words = vocabulary()
    cum = _cumulative_weights()
    total = cum[-1]

    def draw(k: int) -> list[str]:
        return [words[bisect.bisect(cum, rng.random() * total)] for _ in range(k)]

    start = date(2026, 11, 25)
    created = datetime(2026, 11, 25, 12, tzinfo=UTC)
    for user in range(users):
        for i in range(per_user):
            tags = sorted(set(draw(2)))
            yield (
                {
                    "id": new_id(),
                    "user": user,
                    "title": " ".join(draw(TITLE_WORDS)).capitalize(),
                    "body": " ".join(draw(BODY_WORDS)) + ".",
                    "mood": 1 + i % 5,
                    "entry_date": start - timedelta(days=i // 3),
                    "created_at": created - timedelta(minutes=i),
                    "updated_at": created - timedelta(minutes=i),
                    "version": 1,
                    "tags": tags,
                },
                tags,
            )


def seed_database(database_url: str, tmp: Path, *, users: int, per_user: int) -> None:
    """Migrate an empty database and fill it: ``users`` verified users (the first is
    EMAIL), ``per_user`` entries each."""
    from apps.api.app.auth.models import User
    from apps.api.app.auth.passwords import HASHER
    from apps.api.app.entries.models import Entry, EntryTag

    _migrate(database_url, tmp)
    engine = create_engine(sa_url(database_url))
    started = time.monotonic()
    password_hash = HASHER.hash(PASSWORD)
    now = datetime.now(UTC)
    user_ids = [uuid.uuid4() for _ in range(users)]
    with engine.begin() as conn:
        conn.execute(
            User.__table__.insert(),
            [
                {
                    "id": user_ids[i],
                    "email": user_email(i),
                    "password_hash": password_hash,
                    "email_verified_at": now,
                    "notify_new_device": False,
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(users)
            ],
        )
    with _SearchIndexDeferred(engine):
        total = users * per_user
        entries: list[dict[str, Any]] = []
        tags: list[dict[str, Any]] = []
        done = 0

        def flush() -> None:
            nonlocal done
            with engine.begin() as conn:
                conn.execute(Entry.__table__.insert(), entries)
                if tags:
                    conn.execute(EntryTag.__table__.insert(), tags)
            done += len(entries)
            entries.clear()
            tags.clear()
            if total >= 20_000:
                log(f"    seeded {done:,}/{total:,} entries ({time.monotonic() - started:.0f} s)")

        for row, names in _rows(users, per_user, seed=users * 1_000_003 + per_user):
            user_id = user_ids[row.pop("user")]
            row["user_id"] = user_id
            entries.append(row)
            tags.extend(
                {"entry_id": row["id"], "name": n, "user_id": user_id, "position": p}
                for p, n in enumerate(names)
            )
            if len(entries) >= BATCH:
                flush()
        if entries:
            flush()
    engine.dispose()
    log(f"    seeded {users * per_user:,} entries in {time.monotonic() - started:.1f} s")


class _SearchIndexDeferred:
    """Build the full-text index once after the bulk insert instead of row by row: drop the
    SQLite FTS insert trigger (and refill entries_fts at the end) or the PostgreSQL GIN
    index, then put back exactly what the migration had created."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.saved: str | None = None

    def __enter__(self) -> None:
        with self.engine.begin() as conn:
            if self.engine.dialect.name == "sqlite":
                self.saved = conn.execute(
                    text("SELECT sql FROM sqlite_master WHERE name = 'entries_fts_insert'")
                ).scalar()
                if self.saved:
                    conn.execute(text("DROP TRIGGER entries_fts_insert"))
            else:
                self.saved = conn.execute(
                    text(
                        "SELECT indexdef FROM pg_indexes "
                        "WHERE indexname = 'ix_entries_search_vector'"
                    )
                ).scalar()
                if self.saved:
                    conn.execute(text("DROP INDEX ix_entries_search_vector"))

    def __exit__(self, *exc: object) -> None:
        if not self.saved:
            return
        started = time.monotonic()
        with self.engine.begin() as conn:
            if self.engine.dialect.name == "sqlite":
                columns = {row[1] for row in conn.execute(text("PRAGMA table_info(entries_fts)"))}
                if "owner" in columns:  # migration 0012: each row carries its owner's token
                    refill = (
                        "INSERT INTO entries_fts(entry_id, title, body, owner) "
                        "SELECT id, title, body, '\u01c0' || lower(user_id) || 'x' FROM entries"
                    )
                else:
                    refill = (
                        "INSERT INTO entries_fts(entry_id, title, body) "
                        "SELECT id, title, body FROM entries"
                    )
                conn.execute(text(refill))
                conn.execute(text(self.saved))
            else:
                conn.execute(text(self.saved))
        with self.engine.connect() as conn:
            if self.engine.dialect.name == "sqlite":
                conn.exec_driver_sql("ANALYZE")
            else:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                    "VACUUM ANALYZE entries"
                )
        log(f"    full-text index built in {time.monotonic() - started:.1f} s")


def cache_key(users: int, per_user: int) -> str:
    """Changes with the data version, the layout and the schema (migration files)."""
    migrations = sorted(p.name for p in (ROOT / "apps/api/migrations/versions").glob("*.py"))
    material = f"{DATA_VERSION}|{users}|{per_user}|{'|'.join(migrations)}"
    return hashlib.sha256(material.encode()).hexdigest()[:12]


def cached_seed(kind: str, tmp: Path, *, users: int, per_user: int) -> str:
    """A seeded database to copy from: a file path (SQLite) or a database name (PostgreSQL),
    built on first use and reused while its key holds."""
    key = cache_key(users, per_user)
    if kind == "sqlite":
        path = VAR / f"seed-{users}x{per_user}-{key}.db"
        if path.exists():
            log(f"    cached seed {path.name}")
            return str(path)
        VAR.mkdir(parents=True, exist_ok=True)
        for stale in VAR.glob(f"seed-{users}x{per_user}-*.db*"):
            stale.unlink()
        building = tmp / "seed.db"
        log(f"    seeding {users:,} users x {per_user:,} entries (SQLite, cached afterwards)")
        seed_database(f"sqlite:///{building}", tmp, users=users, per_user=per_user)
        with create_engine(f"sqlite:///{building}").connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.exec_driver_sql("PRAGMA journal_mode=DELETE")
        shutil.move(building, path)
        return str(path)
    from psycopg import sql

    server = pg_server_url()
    name = f"journal_bench_seed_{users}x{per_user}_{key}"
    if pg_database_exists(server, name):
        log(f"    cached seed database {name}")
        return name
    building = name + "_building"
    pg_admin(
        server,
        sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(building)),
        sql.SQL("CREATE DATABASE {}").format(sql.Identifier(building)),
    )
    log(f"    seeding {users:,} users x {per_user:,} entries (PostgreSQL, cached afterwards)")
    seed_database(pg_database_url(server, building), tmp, users=users, per_user=per_user)
    pg_admin(
        server,
        sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
            sql.Identifier(building), sql.Identifier(name)
        ),
    )
    return name
