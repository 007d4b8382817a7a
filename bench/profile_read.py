#!/usr/bin/env python3
"""Profile scenario A's route in process: ``GET /api/entries?limit=20`` with a bearer token,
driven through the whole ASGI stack (middleware, routing, dependencies, database, JSON) by
calling the app directly on one event loop, so cProfile sees every frame and no server or
load generator adds noise. SQLite, on a copy of the cached 1 x 1,000 seed.

    uv run python bench/profile_read.py [--requests 2000] [--top 40]

Prints requests/s without the profiler, then the functions by cumulative and by own time,
and writes them to bench/results/a-auth-read-profile.txt.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import EMAIL, PASSWORD, RESULTS, SECRET, git_sha, now_iso


async def _drive(app: Any, requests: int, profiler: cProfile.Profile | None) -> float:
    import httpx

    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            login = await client.post(
                "/api/auth/login", json={"email": EMAIL, "password": PASSWORD}
            )
            login.raise_for_status()
            token = login.json()["access_token"]
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": "/api/entries",
            "raw_path": b"/api/entries",
            "query_string": b"limit=20",
            "root_path": "",
            "headers": [(b"host", b"bench"), (b"authorization", f"Bearer {token}".encode())],
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 80),
        }
        statuses: list[int] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                statuses.append(message["status"])

        for _ in range(200):  # warm-up
            await app(dict(scope), receive, send)
        if profiler:
            profiler.enable()
        started = time.perf_counter()
        for _ in range(requests):
            await app(dict(scope), receive, send)
        elapsed = time.perf_counter() - started
        if profiler:
            profiler.disable()
        if set(statuses) != {200}:
            raise SystemExit(f"unexpected statuses: {sorted(set(statuses))}")
        return requests / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    from bench.seed import cached_seed

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        database = tmp / "profile.db"
        shutil.copyfile(cached_seed("sqlite", tmp, users=1, per_user=1000), database)
        os.environ.update(
            {
                "JOURNAL_DATABASE_URL": f"sqlite:///{database}",
                "JOURNAL_SECRET_KEY": SECRET,
                "JOURNAL_WEB_DIST": str(tmp / "no-web"),
                "JOURNAL_AUTH_COOKIE_REFRESH": "false",
                "JOURNAL_ACCESS_TTL_SECONDS": "3600",
            }
        )
        from apps.api.app.config import load_settings
        from apps.api.app.main import create_app

        plain = asyncio.run(_drive(create_app(load_settings()), args.requests, None))
        profiler = cProfile.Profile()
        asyncio.run(_drive(create_app(load_settings()), args.requests, profiler))
    report = io.StringIO()
    report.write(
        f"# bench/profile_read.py, {now_iso()}, git {git_sha()}\n"
        f"# {plain:.0f} requests/s in process without the profiler ({args.requests} requests)\n"
    )
    for order in ("cumulative", "tottime"):
        report.write(f"\n## by {order}\n")
        stats = pstats.Stats(profiler, stream=report)
        stats.strip_dirs().sort_stats(order).print_stats(args.top)
    text = report.getvalue()
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "a-auth-read-profile.txt").write_text(text)


if __name__ == "__main__":
    main()
