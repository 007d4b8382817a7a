"""`make soak`: many concurrent clients against a live API on 127.0.0.1 for a bounded time.

Starts `journal serve` (SQLite under a temporary folder by default, or JOURNAL_DATABASE_URL),
signs in USERS users, then CLIENTS clients mix reads, writes, searches, refreshes and a few
sign-ins for SECONDS. Prints a table and writes bench/results/soak.json:
requests by outcome (only intended 429s, and 503s from sign-in while hashing is saturated,
may fail), p50/p99 latency, server RSS before and
after, and the database connections the server holds before and after (no leak).

    uv run python scripts/soak.py [--clients 200] [--seconds 60] [--users 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "soak test passphrase"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def group_procs(pgid: int) -> Iterator[Path]:
    """The /proc folders of every process in the server's process group (it and its workers)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) == pgid:
                yield entry
        except (OSError, ProcessLookupError):
            continue


def rss_kib(pid: int) -> int:
    """Resident memory of the server and its workers (its process group)."""
    total = 0
    for proc in group_procs(pid):
        try:
            status = (proc / "status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def db_connections(pid: int, database_url: str) -> int:
    """Connections the server holds: PostgreSQL backends of its database, or open handles
    on the SQLite file across the server's processes."""
    if database_url.startswith("postgresql"):
        import psycopg

        name = database_url.rsplit("/", 1)[1].split("?", 1)[0]
        admin = database_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin.replace("+psycopg", "")) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (name,)
            ).fetchone()
            return int(row[0]) if row else 0
    path = os.path.abspath(database_url.split(":///", 1)[1])
    count = 0
    for proc in group_procs(pid):
        try:
            count += sum(1 for fd in (proc / "fd").iterdir() if os.readlink(fd) == path)
        except OSError:
            continue
    return count


HASHING_BUSY = "503 hashing busy"
INTENDED = {"429", HASHING_BUSY}


def outcome(answer: httpx.Response) -> str:
    """The answer's status, with one intended 503 told apart: when password hashing is
    saturated, sign-in answers 503 `rate_limited` + Retry-After at once rather than queue
    (SPEC §3). Any other 5xx is a failure."""
    if (
        answer.status_code == 503
        and "retry-after" in answer.headers
        and answer.headers.get("content-type", "").startswith("application/json")
        and answer.json().get("code") == "rate_limited"
    ):
        return HASHING_BUSY
    return str(answer.status_code)


async def client_loop(
    base: str, signed_in: dict[str, str], until: float, stats: Counter[str], latencies: list[float]
) -> None:
    email = signed_in["email"]
    headers = {"Authorization": f"Bearer {signed_in['access_token']}"}
    refresh: str | None = None  # each client rotates its own session once it has one
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        while time.monotonic() < until:
            roll = random.random()
            started = time.perf_counter()
            try:
                if roll < 0.55:
                    answer = await http.get("/api/entries?limit=20", headers=headers)
                elif roll < 0.75:
                    answer = await http.post(
                        "/api/entries",
                        headers=headers,
                        json={"body": f"soak {random.random()} words here", "tags": ["soak"]},
                    )
                elif roll < 0.90:
                    word = random.choice(["soak", "words", "here", "missing"])
                    answer = await http.get(f"/api/entries?q={word}", headers=headers)
                elif roll < 0.99 and refresh:
                    answer = await http.post("/api/auth/refresh", json={"refresh_token": refresh})
                    if answer.status_code == 200:
                        headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
                        refresh = answer.json()["refresh_token"]
                else:
                    answer = await http.post(
                        "/api/auth/login", json={"email": email, "password": PASSWORD}
                    )
                    if answer.status_code == 200:
                        headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
                        refresh = answer.json()["refresh_token"]
            except httpx.HTTPError as exc:
                stats[f"error {type(exc).__name__}"] += 1
                continue
            latencies.append(time.perf_counter() - started)
            stats[outcome(answer)] += 1


async def soak(
    base: str, tokens: list[dict[str, str]], clients: int, seconds: float, pid: int
) -> Any:
    stats: Counter[str] = Counter()
    latencies: list[float] = []
    samples: list[int] = []
    until = time.monotonic() + seconds
    tasks = [
        client_loop(base, tokens[i % len(tokens)], until, stats, latencies) for i in range(clients)
    ]
    progress = asyncio.create_task(report_progress(until, stats, pid, samples, seconds / 10))
    await asyncio.gather(*tasks)
    progress.cancel()
    return stats, latencies, samples


async def report_progress(
    until: float, stats: Counter[str], pid: int, samples: list[int], every: float
) -> None:
    while True:
        await asyncio.sleep(every)
        samples.append(rss_kib(pid))
        left = max(0, until - time.monotonic())
        print(
            f"  … {sum(stats.values())} requests, RSS {samples[-1] // 1024} MiB, {left:.0f} s left",
            flush=True,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--users", type=int, default=20)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="journal-soak-"))
    database_url = os.environ.get("JOURNAL_DATABASE_URL", f"sqlite:///{work}/soak.db")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JOURNAL_", "PROMETHEUS_"))}
    env |= {
        "JOURNAL_DATABASE_URL": database_url,
        "JOURNAL_SECRET_KEY": "soak-secret-" + "s" * 40,
        "JOURNAL_AUTH_COOKIE_REFRESH": "false",
        "JOURNAL_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "JOURNAL_WEB_DIST": str(work / "no-web"),
        # Soak traffic comes from one address: per-client budgets would be the only story.
        "JOURNAL_RATE_LOGIN_IP": "100000/hour",
    }
    cli = [sys.executable, "-m", "apps.api.app.cli"]
    print(f"==> creating {args.users} users", flush=True)
    for n in range(args.users):
        subprocess.run(
            [*cli, "users", "create", f"soak{n}@example.com", "--password-stdin"],
            input=PASSWORD + "\n",
            env=env,
            cwd=REPO,
            check=True,
            capture_output=True,
            text=True,
        )
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port)],
        env=env,
        cwd=REPO,
        start_new_session=True,
        stdout=(work / "server.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            print((work / "server.log").read_text()[-3000:])
            return 1
        tokens = []
        for n in range(args.users):
            email = f"soak{n}@example.com"
            answer = httpx.post(
                f"{base}/api/auth/login", json={"email": email, "password": PASSWORD}, timeout=30
            )
            tokens.append({"email": email, "access_token": answer.json()["access_token"]})
        rss_before = rss_kib(server.pid)
        conns_before = db_connections(server.pid, database_url)
        print(f"==> {args.clients} clients for {args.seconds:.0f} s", flush=True)
        stats, latencies, samples = asyncio.run(
            soak(base, tokens, args.clients, args.seconds, server.pid)
        )
        time.sleep(2)  # let the pool settle
        rss_after = rss_kib(server.pid)
        conns_after = db_connections(server.pid, database_url)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    total = sum(stats.values())
    unintended = {k: v for k, v in stats.items() if not (k.startswith("2") or k in INTENDED)}
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000 if ordered else 0.0
    p99 = ordered[int(len(ordered) * 0.99) - 1] * 1000 if ordered else 0.0
    result = {
        "clients": args.clients,
        "seconds": args.seconds,
        "requests": total,
        "by_outcome": dict(stats),
        "unintended_failures": unintended,
        "p50_ms": round(p50, 1),
        "p99_ms": round(p99, 1),
        "rss_kib_before": rss_before,
        "rss_kib_after": rss_after,
        "db_connections_before": conns_before,
        "db_connections_after": conns_after,
        "database": database_url.split(":", 1)[0],
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "git_sha": subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip(),
    }
    print()
    print("| metric | value |\n| --- | --- |")
    for key in (
        "requests",
        "p50_ms",
        "p99_ms",
        "rss_kib_before",
        "rss_kib_after",
        "db_connections_before",
        "db_connections_after",
    ):
        print(f"| {key} | {result[key]} |")
    print(f"| outcomes | {dict(sorted(stats.items()))} |")
    out = REPO / "bench" / "results" / "soak.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwrote {out.relative_to(REPO)}")
    # Memory must be flat once warm (threads' malloc arenas, argon2's buffers and the
    # connection caches fill during the first half): the second half may not grow by >15 %.
    middle = samples[len(samples) // 2] if samples else rss_before
    growth = rss_after - middle
    flat = rss_after <= middle * 1.15
    # Pools hold at most 30 connections per engine (sync + async on PostgreSQL): more after
    # the run settles would be a leak.
    ok = not unintended and conns_after <= conns_before + 60 and flat
    print(
        "PASS"
        if ok
        else f"FAIL: unintended={unintended} RSS growth in the second half={growth} KiB"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
