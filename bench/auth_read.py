#!/usr/bin/env python3
"""Benchmark: Journal's authenticated read path against a bare FastAPI route.

Both servers run side by side in one run (uvicorn, one worker each, same machine), answer
the same JSON, and are loaded in alternating rounds by wrk. Times on shared machines vary
a lot, so the result that matters is the ratio measured in the same run, not the numbers.

    uv run python bench/auth_read.py [--duration 5] [--rounds 3] [--connections 16]
        [--postgres postgresql://postgres@127.0.0.1:5432/postgres]

On SQLite by default; with --postgres, in a throwaway database created on that server
(and dropped afterwards). Prints a table and writes bench/results/auth_read.json
(auth_read_postgresql.json with --postgres).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import make_url

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
EMAIL = "bench@example.com"
PASSWORD = "benchmark passphrase 42"
PATHS = ["/api/auth/me", "/api/entries?limit=20"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pin(cpu: str) -> list[str]:
    # Server on one core, load generator on the other, when the machine allows it.
    return ["taskset", "-c", cpu] if shutil.which("taskset") and (os.cpu_count() or 1) > 1 else []


def start(cmd: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1)
            return process
        except httpx.HTTPError:
            if process.poll() is not None:
                output = process.stderr.read().decode() if process.stderr else ""
                raise SystemExit(f"server failed: {output}") from None
            time.sleep(0.2)
    process.kill()
    raise SystemExit("server did not start in time")


def wrk(url: str, token: str, duration: int, connections: int) -> dict[str, float]:
    out = subprocess.run(
        [
            *pin("1"),
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "-H",
            f"Authorization: Bearer {token}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]

    def ms(label: str) -> float:
        match = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if non2xx:
        raise SystemExit(f"{url}: {non2xx.group(1)} error responses during the run")
    return {"rps": rps, "p50_ms": ms("50"), "p99_ms": ms("99")}


@contextmanager
def database(postgres_server: str | None, tmp: str) -> Iterator[str]:
    """The database Journal runs on: a file in ``tmp``, or a throwaway PostgreSQL database."""
    if not postgres_server:
        yield f"sqlite:///{tmp}/bench.db"
        return
    import psycopg
    from psycopg import sql

    name = f"journal_bench_{secrets.token_hex(4)}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield str(make_url(postgres_server).set(database=name).render_as_string(False))
    finally:
        with psycopg.connect(postgres_server, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=5, help="seconds per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--postgres", metavar="SERVER_URL", help="run Journal on PostgreSQL (this server)"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install -y wrk (make bench installs it)")

    with tempfile.TemporaryDirectory() as tmp, database(args.postgres, tmp) as database_url:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JOURNAL_", "PROMETHEUS_"))}
        env |= {
            "JOURNAL_DATABASE_URL": database_url,
            "JOURNAL_SECRET_KEY": "benchmark-secret-key-0123456789abcdef",
            "JOURNAL_WEB_DIST": f"{tmp}/no-web",
            "JOURNAL_RATE_LOGIN_ACCOUNT_IP": "1000/minute",
        }
        subprocess.run(
            [
                sys.executable,
                "-m",
                "apps.api.app.cli",
                "users",
                "create",
                EMAIL,
                "--password-stdin",
            ],
            input=PASSWORD + "\n",
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        journal_port, bare_port = free_port(), free_port()
        uvicorn = [
            sys.executable,
            "-m",
            "uvicorn",
            "--no-access-log",
            "--log-level",
            "warning",
            "--host",
            "127.0.0.1",
        ]
        journal = start(
            [*pin("0"), *uvicorn, "apps.api.app.main:app", "--port", str(journal_port)],
            env,
            journal_port,
        )
        try:
            base = f"http://127.0.0.1:{journal_port}"
            with httpx.Client(base_url=base, timeout=30) as client:
                login = client.post("/api/auth/login", json={"email": EMAIL, "password": PASSWORD})
                token = login.json()["access_token"]
                headers = {
                    "Authorization": f"Bearer {token}",
                    "X-CSRF-Token": login.cookies["csrftoken"],
                }
                for i in range(20):
                    client.post(
                        "/api/entries",
                        headers=headers,
                        json={
                            "title": f"Day {i}",
                            "body": "Some words about the day. " * 20,
                            "tags": ["bench", f"t{i % 3}"],
                            "mood": 1 + i % 5,
                        },
                    )
                payloads = {path: client.get(path, headers=headers).json() for path in PATHS}
            payload_file = Path(tmp) / "payloads.json"
            payload_file.write_text(json.dumps(payloads))
            bare_env = env | {"BENCH_PAYLOADS": str(payload_file)}
            bare = start(
                [*pin("0"), *uvicorn, "bench.bare_app:app", "--port", str(bare_port)],
                bare_env,
                bare_port,
            )
            try:
                targets = {"journal": journal_port, "bare": bare_port}
                rows = []
                for path in PATHS:
                    for port in targets.values():  # warm-up
                        wrk(f"http://127.0.0.1:{port}{path}", token, 1, args.connections)
                    for round_no in range(1, args.rounds + 1):
                        for name, port in targets.items():
                            result = wrk(
                                f"http://127.0.0.1:{port}{path}",
                                token,
                                args.duration,
                                args.connections,
                            )
                            rows.append({"path": path, "server": name, "round": round_no, **result})
                            print(
                                f"  {path:<24} {name:<8} round {round_no}: "
                                f"{result['rps']:>9.0f} req/s",
                                flush=True,
                            )
            finally:
                bare.terminate()
        finally:
            journal.terminate()

    summary = []
    for path in PATHS:
        med = {
            name: statistics.median(
                r["rps"] for r in rows if r["path"] == path and r["server"] == name
            )
            for name in ("journal", "bare")
        }
        p99 = {
            name: statistics.median(
                r["p99_ms"] for r in rows if r["path"] == path and r["server"] == name
            )
            for name in ("journal", "bare")
        }
        summary.append(
            {
                "path": path,
                "journal_rps": med["journal"],
                "bare_rps": med["bare"],
                "throughput_ratio": med["journal"] / med["bare"],
                "journal_p99_ms": p99["journal"],
                "bare_p99_ms": p99["bare"],
            }
        )

    print()
    print(
        f"{'path':<24} {'journal req/s':>14} {'bare req/s':>11} {'ratio':>7}"
        f" {'p99 journal':>12} {'p99 bare':>9}"
    )
    for s in summary:
        print(
            f"{s['path']:<24} {s['journal_rps']:>14.0f} {s['bare_rps']:>11.0f}"
            f" {s['throughput_ratio']:>7.2f}"
            f" {s['journal_p99_ms']:>10.1f}ms {s['bare_p99_ms']:>7.1f}ms"
        )
    print("\nratio = Journal's throughput / the bare route's, same run, medians of the rounds")
    RESULTS.mkdir(parents=True, exist_ok=True)
    report = {
        "benchmark": "auth_read",
        "database": "postgresql" if args.postgres else "sqlite",
        "measured_at": datetime.now(UTC).isoformat(),
        "settings": {k: v for k, v in vars(args).items() if k != "postgres"},  # no credentials
        "machine": {"cpus": os.cpu_count()},
        "summary": summary,
        "rounds": rows,
    }
    out = RESULTS / ("auth_read_postgresql.json" if args.postgres else "auth_read.json")
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
